"""Sentences -> token vectors: the per-token vectors of the alignment model, cached.

The pair scorer (:mod:`narrative.pairs`) compares two sentences token by token
(soft token alignment): a sentence that shares one claim among several with
another has a span whose tokens all find close partners, even when the whole
sentence vectors differ. The token vectors come from the model the pair
scorer was trained with (all-MiniLM-L6-v2, offline from its PyPI package),
whatever model embeds the sentences.

When the sentences are embedded with that model too (the default), one pass
of the model gives both the sentence and the token vectors
(:func:`embed_with_tokens`), on the encoder's own backend; otherwise the token
vectors take a second pass, of the torch model. They are cached like the sentence vectors (:class:`narrative.embed.EmbeddingCache`, in
the ``tokens`` subfolder of the cache folder), stored as float16 with their
word-piece ids, so a run over cached sentences loads no model.
"""

from __future__ import annotations

import functools
import sqlite3
import warnings

import numpy as np

__all__ = ["TOKEN_MODEL", "SentenceTokens", "embed_with_tokens", "sentence_tokens", "shares_token_model", "token_cache"]

#: The model whose token vectors the shipped pair scorer was trained with.
TOKEN_MODEL = "all-MiniLM-L6-v2"

_FORMAT = "tokens-v1"
_SPECIAL = ("[CLS]", "[SEP]", "[PAD]", "<s>", "</s>", "<pad>")


class SentenceTokens(tuple):
    """``(ids, vectors)`` of one sentence: word-piece ids (int64, shape ``(k,)``) and unit float32 vectors ``(k, dim)``.

    Special tokens (``[CLS]``, ``[SEP]``) are left out; an empty sentence has ``k == 0``.
    """

    __slots__ = ()

    def __new__(cls, ids, vectors):
        return super().__new__(cls, (np.asarray(ids, dtype=np.int64), np.asarray(vectors, dtype=np.float32)))

    def __getnewargs__(self):
        return tuple(self)

    @property
    def ids(self) -> np.ndarray:
        return self[0]

    @property
    def vectors(self) -> np.ndarray:
        return self[1]


def token_cache(folder=None):
    """The cache of token vectors: an :class:`~narrative.embed.EmbeddingCache` in ``<cache folder>/tokens``."""
    from pathlib import Path

    from .embed import EmbeddingCache, default_cache_dir

    return EmbeddingCache(Path(folder if folder is not None else default_cache_dir()) / "tokens")


def _pack(ids: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """One float32 array holding the token count, the ids (uint32) and the float16 vectors (a byte view)."""
    k = len(ids)
    head = np.array([k], dtype=np.uint32).tobytes()
    id_bytes = np.asarray(ids, dtype=np.uint32).tobytes()
    vec = np.ascontiguousarray(vectors, dtype=np.float16).tobytes()
    data = head + id_bytes + vec
    data += b"\0" * (-len(data) % 4)
    return np.frombuffer(data, dtype=np.float32)


def _unpack(blob: np.ndarray, dim: int) -> SentenceTokens | None:
    data = np.ascontiguousarray(blob, dtype=np.float32).tobytes()
    if len(data) < 4:
        return None
    k = int(np.frombuffer(data[:4], dtype=np.uint32)[0])
    need = 4 + 4 * k + 2 * k * dim
    if len(data) < need or len(data) - need >= 4:
        return None
    ids = np.frombuffer(data[4 : 4 + 4 * k], dtype=np.uint32).astype(np.int64)
    vec = np.frombuffer(data[4 + 4 * k : need], dtype=np.float16).reshape(k, dim).astype(np.float32)
    return SentenceTokens(ids, vec)


@functools.lru_cache(maxsize=1)
def _default_encoder():
    """One encoder of :data:`TOKEN_MODEL` per process (its model is loaded on first use only)."""
    from .embed import SentenceEncoder

    return SentenceEncoder(TOKEN_MODEL)


def _finish(ids, hidden, special: set[int]) -> SentenceTokens:
    """Drop special tokens, scale each vector to unit length, round to float16 precision."""
    vec = np.asarray(hidden, dtype=np.float32)
    row_ids = np.asarray(ids, dtype=np.int64)
    if len(vec) != len(row_ids):  # never expected: keep the common prefix
        m = min(len(vec), len(row_ids))
        vec, row_ids = vec[:m], row_ids[:m]
    keep = ~np.isin(row_ids, list(special))
    vec, row_ids = vec[keep], row_ids[keep]
    norms = np.linalg.norm(vec, axis=1, keepdims=True)
    vec = vec / np.where(norms == 0, 1, norms)
    return SentenceTokens(row_ids, vec.astype(np.float16).astype(np.float32))


def _encode_both(texts: list[str], encoder, *, show_progress_bar=False):
    """Sentence vectors and :class:`SentenceTokens` of ``texts`` from one pass of ``encoder``'s model."""
    vectors, raw = encoder.encode_with_tokens(texts, show_progress_bar=show_progress_bar)
    special = encoder.vocabulary_ids(_SPECIAL)
    return vectors, [_finish(ids, hidden, special) for ids, hidden in raw]


def _encode(texts: list[str], encoder) -> list[SentenceTokens]:
    """Token vectors of ``texts`` (special tokens dropped, unit length)."""
    return _encode_both(texts, encoder)[1]


def shares_token_model(encoder) -> bool:
    """Whether ``encoder`` runs :data:`TOKEN_MODEL` itself, so one pass gives both kinds of vectors."""
    from .embed import DEFAULT_MODEL

    return (
        str(encoder.name).casefold() in {TOKEN_MODEL.casefold(), f"sentence-transformers/{TOKEN_MODEL}".casefold()}
        and TOKEN_MODEL == DEFAULT_MODEL
        and encoder.revision is None
    )


def _token_key_base(encoder, cache) -> str:
    fp = encoder.fingerprint_at(cache.folder.parent) if encoder.cache_dir is None else encoder.fingerprint
    return f"{fp}\0{_FORMAT}"


def _lookup_tokens(texts, encoder, cache) -> tuple[dict, dict]:
    """``(found, keys)``: the cached :class:`SentenceTokens` of ``texts`` and every text's cache key."""
    from .embed import EmbeddingCache

    if cache is None:
        return {}, {}
    base = _token_key_base(encoder, cache)
    dim = encoder.dimension
    keys = {t: EmbeddingCache.key(base, t) for t in dict.fromkeys(texts)}
    try:
        stored = cache.get_many(list(keys.values()))
    except (sqlite3.Error, OSError):
        stored = {}
    found = {}
    for t, k in keys.items():
        if k in stored:
            unpacked = _unpack(stored[k], dim)
            if unpacked is not None:
                found[t] = unpacked
    return found, keys


def _store_tokens(fresh: dict, keys: dict, cache) -> None:
    if cache is None or not fresh:
        return
    try:
        cache.put_many({keys[t]: _pack(*v) for t, v in fresh.items()})
    except (sqlite3.Error, OSError) as exc:
        warnings.warn(f"could not write the token cache {cache.path}: {exc}", stacklevel=3)


def embed_with_tokens(texts, token_texts, *, encoder, cache=None, tokens_cache=None, show_progress_bar=False):
    """Sentence vectors of ``texts`` and token vectors of ``token_texts``, from one pass of the model.

    What either cache holds is not recomputed; a text missing from either is run
    through the model once, giving both. Only for an encoder of
    :data:`TOKEN_MODEL` (:func:`shares_token_model`); the token vectors then come
    from the encoder's own backend.

    Parameters
    ----------
    texts, token_texts : sequence of str
    encoder : SentenceEncoder
    cache, tokens_cache : EmbeddingCache, optional
        The sentence-vector cache and the token cache (:func:`token_cache`); None computes everything.

    Returns
    -------
    vectors : numpy.ndarray of shape (len(texts), dim)
    tokens : list of SentenceTokens, one per ``token_texts``
    """
    from .embed import _cached_vectors, _store_vectors

    texts = [str(t) for t in texts]
    token_texts = [str(t) for t in token_texts]
    vec_found, vec_keys = _cached_vectors(texts, encoder, cache) if cache is not None else ({}, {})
    tok_found, tok_keys = _lookup_tokens(token_texts, encoder, tokens_cache)
    want_vec = [t for t in dict.fromkeys(texts) if t not in vec_found]
    want_tok = {t for t in token_texts if t not in tok_found}
    todo = list(dict.fromkeys([*want_vec, *sorted(want_tok - set(want_vec))]))
    if todo:
        new_vec, new_tok = _encode_both(todo, encoder, show_progress_bar=show_progress_bar)
        want = set(want_vec)
        fresh_vec = {t: v for t, v in zip(todo, new_vec) if t in want}
        fresh_tok = {t: v for t, v in zip(todo, new_tok) if t in want_tok}
        if cache is not None and fresh_vec:
            _store_vectors(fresh_vec, vec_keys, cache)
        _store_tokens(fresh_tok, tok_keys, tokens_cache)
        vec_found.update(fresh_vec)
        tok_found.update(fresh_tok)
    if texts:
        vectors = np.vstack([vec_found[t] for t in texts]).astype(np.float32, copy=False)
    else:
        vectors = np.zeros((0, encoder.dimension), dtype=np.float32)
    return vectors, [tok_found[t] for t in token_texts]


def sentence_tokens(texts, *, encoder=None, cache="default") -> list[SentenceTokens]:
    """Token ids and vectors of each sentence, from the cache when there.

    Parameters
    ----------
    texts : sequence of str
    encoder : SentenceEncoder, optional
        Default the :data:`TOKEN_MODEL` (loaded only when a sentence is not cached).
        Any backend gives token vectors (each backend's are cached apart).
    cache : EmbeddingCache, "default" or None, default "default"
        Where token vectors are looked up and stored; ``"default"`` is
        :func:`token_cache` (``$NARRATIVE_CACHE_DIR/tokens`` or the user cache); None
        computes everything.

    Returns
    -------
    list of SentenceTokens
        One per text, in order. Vectors are rounded to float16 precision whether or
        not they come from the cache, so cold and warm runs give the same results.
    """
    texts = [str(t) for t in texts]
    if not texts:
        return []
    if encoder is None:
        encoder = _default_encoder()
    if isinstance(cache, str):
        cache = token_cache()
    found, keys = _lookup_tokens(texts, encoder, cache)
    missing = [t for t in dict.fromkeys(texts) if t not in found]
    if missing:
        fresh = dict(zip(missing, _encode(missing, encoder)))
        found.update(fresh)
        _store_tokens(fresh, keys, cache)
    return [found[t] for t in texts]
