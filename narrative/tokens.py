"""Sentences -> token vectors: the per-token vectors of the alignment model, cached.

The pair scorer (:mod:`narrative.pairs`) compares two sentences token by token
(soft token alignment): a sentence that shares one claim among several with
another has a span whose tokens all find close partners, even when the whole
sentence vectors differ. The token vectors come from the model the pair
scorer was trained with (all-MiniLM-L6-v2, offline from its PyPI package),
whatever model embeds the sentences.

Token vectors take a second pass of the model over the sentences. They are
cached like the sentence vectors (:class:`narrative.embed.EmbeddingCache`, in
the ``tokens`` subfolder of the cache folder), stored as float16 with their
word-piece ids, so a run over cached sentences loads no model.
"""

from __future__ import annotations

import functools
import sqlite3
import warnings

import numpy as np

__all__ = ["TOKEN_MODEL", "SentenceTokens", "sentence_tokens", "token_cache"]

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


def _encode(texts: list[str], encoder) -> list[SentenceTokens]:
    """Token vectors of ``texts`` with the torch model of ``encoder`` (special tokens dropped, unit length)."""
    model = encoder._load_torch()
    tok = model.tokenizer
    special = {i for i in (tok.convert_tokens_to_ids(t) for t in _SPECIAL if t in tok.get_vocab()) if i is not None}
    ids = tok(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]
    outs = model.encode(texts, output_value="token_embeddings", batch_size=encoder.batch_size, convert_to_numpy=False)
    result = []
    for row_ids, out in zip(ids, outs):
        vec = out.detach().cpu().numpy().astype(np.float32)
        row_ids = np.asarray(row_ids, dtype=np.int64)
        if len(vec) != len(row_ids):  # never expected: keep the common prefix
            m = min(len(vec), len(row_ids))
            vec, row_ids = vec[:m], row_ids[:m]
        keep = ~np.isin(row_ids, list(special))
        vec, row_ids = vec[keep], row_ids[keep]
        norms = np.linalg.norm(vec, axis=1, keepdims=True)
        vec = vec / np.where(norms == 0, 1, norms)
        result.append(SentenceTokens(row_ids, vec.astype(np.float16).astype(np.float32)))
    return result


def sentence_tokens(texts, *, encoder=None, cache="default") -> list[SentenceTokens]:
    """Token ids and vectors of each sentence, from the cache when there.

    Parameters
    ----------
    texts : sequence of str
    encoder : SentenceEncoder, optional
        Default the :data:`TOKEN_MODEL` (loaded only when a sentence is not cached).
        Only the torch backend gives token vectors.
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
    from .embed import EmbeddingCache

    texts = [str(t) for t in texts]
    if not texts:
        return []
    if encoder is None:
        encoder = _default_encoder()
    if isinstance(cache, str):
        cache = token_cache()
    unique = list(dict.fromkeys(texts))
    found: dict[str, SentenceTokens] = {}
    keys = {}
    if cache is not None:
        fp = encoder.fingerprint_at(cache.folder.parent) if encoder.cache_dir is None else encoder.fingerprint
        dim = encoder.dimension
        keys = {t: EmbeddingCache.key(f"{fp}\0{_FORMAT}", t) for t in unique}
        try:
            stored = cache.get_many(list(keys.values()))
        except (sqlite3.Error, OSError):
            stored = {}
        for t, k in keys.items():
            if k in stored:
                unpacked = _unpack(stored[k], dim)
                if unpacked is not None:
                    found[t] = unpacked
    missing = [t for t in unique if t not in found]
    if missing:
        fresh = dict(zip(missing, _encode(missing, encoder)))
        found.update(fresh)
        if cache is not None:
            try:
                cache.put_many({keys[t]: _pack(*v) for t, v in fresh.items()})
            except (sqlite3.Error, OSError) as exc:
                warnings.warn(f"could not write the token cache {cache.path}: {exc}", stacklevel=2)
    return [found[t] for t in texts]
