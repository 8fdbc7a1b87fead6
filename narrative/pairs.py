"""Sentence pairs -> match probability: the evidence and the small scorer that weighs it.

For the sentences of one event, :func:`pair_features` builds one ``(n, n)``
matrix per kind of evidence that two sentences of different outlets state
the same claim: embedding cosine, lexical overlap (:mod:`narrative.lexical`),
support from neighbouring sentences (a quotation continued over several
sentences), support through a third outlet, and how far a pair falls below
each sentence's best match in the other outlet.

:class:`PairScorer` is a logistic regression over those features. Its weights
are plain numbers in ``pair_weights.json`` inside the package (trained on the
claims-gold development events; see ``bench/accuracy.py``); no pickle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .lexical import lexical_similarity

__all__ = ["PAIR_FEATURES", "TOKEN_FEATURES", "pair_features", "token_alignment", "PairScorer", "fit_pair_scorer"]

#: The soft token alignment features (:func:`token_alignment`).
TOKEN_FEATURES = ("tok_f", "tok_min", "tok_max", "tok_span", "tok_span_min")

#: The features :class:`PairScorer` weighs, in order.
PAIR_FEATURES = (
    "cos",
    "tfidf",
    "names",
    "numbers",
    "quotes",
    "context",
    "transitive",
    "margin",
    "tfidf_margin",
    "lead",
    *TOKEN_FEATURES,
)

#: Tokens in the span of ``tok_span``.
SPAN_TOKENS = 6


def _neighbour_support(B: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Best evidence between the sentences next to i and next to j (same outlets)."""
    n = len(B)
    idx = np.arange(n)
    out = np.zeros((n, n))
    for a in (-1, 0, 1):
        ia = np.clip(idx + a, 0, n - 1)
        ok_a = (idx + a >= 0) & (idx + a < n) & (groups[ia] == groups)
        for b in (-1, 0, 1):
            if a == 0 and b == 0:
                continue
            ib = np.clip(idx + b, 0, n - 1)
            ok_b = (idx + b >= 0) & (idx + b < n) & (groups[ib] == groups)
            shifted = B[np.ix_(ia, ib)]
            out = np.maximum(out, np.where(ok_a[:, None] & ok_b[None, :], shifted, 0.0))
    return out


def _transitive_support(B: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """max over sentences k of a third outlet of min(B[i, k], B[k, j])."""
    n = len(B)
    out = np.zeros((n, n))
    for k in range(n):
        third = (groups != groups[k])[:, None] & (groups != groups[k])[None, :]
        out = np.maximum(out, np.where(third, np.minimum(B[:, k][:, None], B[k, :][None, :]), 0.0))
    return out


def _margin(A: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """How far A[i, j] is below i's best in j's outlet (and j's best in i's); symmetric, <= 0."""
    out = np.zeros_like(A)
    for g in dict.fromkeys(groups.tolist()):
        cols = groups == g
        out[:, cols] = A[:, cols] - A[:, cols].max(axis=1, keepdims=True)
    return np.minimum(out, out.T)


def token_alignment(tokens, *, span: int = SPAN_TOKENS, block: int = 4096) -> dict[str, np.ndarray]:
    """Soft token alignment (BERTScore-like) between every two sentences of one event.

    Each token of sentence ``i`` is matched to its most similar token of
    sentence ``j`` (cosine of the token vectors); ``R[i, j]`` is the mean of those
    best similarities over ``i``'s tokens, weighted by how rare each word piece
    is among the event's sentences (``log((n + 1) / (df + 1)) + 0.05``).

    Parameters
    ----------
    tokens : sequence of (ids, vectors)
        Per sentence: word-piece ids, shape ``(k,)``, and unit token vectors ``(k, dim)``
        (:func:`narrative.tokens.sentence_tokens`).
    span : int, default 6
        Tokens in the span of ``tok_span``.
    block : int, default 4096
        Tokens compared at once (bounds memory for large events).

    Returns
    -------
    dict of str to ndarray of shape (n, n)
        ``tok_f``: harmonic mean of ``R[i, j]`` and ``R[j, i]``; ``tok_min``, ``tok_max``: their
        minimum and maximum (how much of the better covered sentence the other holds);
        ``tok_span``: the best covered span of ``span`` tokens of either sentence;
        ``tok_span_min``: the lesser of the two sentences' best covered spans. Diagonals are 0.
    """
    n = len(tokens)
    out = {name: np.zeros((n, n)) for name in TOKEN_FEATURES}
    lens = np.array([len(t[0]) for t in tokens], dtype=int)
    if n == 0 or lens.sum() == 0:
        return out
    ids = np.concatenate([np.asarray(t[0], dtype=np.int64) for t in tokens])
    T = np.vstack([np.asarray(t[1], dtype=np.float32).reshape(len(t[0]), -1) for t in tokens if len(t[0])])
    owner = np.repeat(np.arange(n), lens)
    present = np.flatnonzero(lens)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])[present]
    # inverse document frequency of each word piece over the event's sentences
    pairs = np.unique(np.stack([owner, ids]), axis=1)
    vocab, df = np.unique(pairs[1], return_counts=True)
    idf = np.log((n + 1) / (df + 1.0))
    w = np.maximum(idf[np.searchsorted(vocab, ids)], 0.0) + 0.05
    # M[k, j]: best cosine of token k to a token of sentence j
    M = np.zeros((len(T), n))
    for a in range(0, len(T), block):
        sims = T[a : a + block] @ T.T
        M[a : a + block, present] = np.maximum.reduceat(sims, starts, axis=1)
    WM = M * w[:, None]
    R = np.zeros((n, n))
    R[present] = np.add.reduceat(WM, starts, axis=0) / np.add.reduceat(w, starts)[:, None]
    R[:, lens == 0] = 0.0
    Sp = np.zeros((n, n))
    for i, a in zip(present, starts):
        k = min(span, lens[i])
        cw = np.concatenate([[0.0], np.cumsum(w[a : a + lens[i]])])
        cm = np.vstack([np.zeros((1, n)), np.cumsum(WM[a : a + lens[i]], axis=0)])
        Sp[i] = ((cm[k:] - cm[:-k]) / (cw[k:] - cw[:-k])[:, None]).max(axis=0)
    Sp[:, lens == 0] = 0.0
    tot = R + R.T
    out["tok_f"] = np.divide(2 * R * R.T, tot, out=np.zeros_like(R), where=tot > 0)
    out["tok_min"] = np.minimum(R, R.T)
    out["tok_max"] = np.maximum(R, R.T)
    out["tok_span"] = np.maximum(Sp, Sp.T)
    out["tok_span_min"] = np.minimum(Sp, Sp.T)
    for m in out.values():
        np.fill_diagonal(m, 0.0)
    return out


def pair_features(X, texts, groups, positions=None, tokens=None) -> dict[str, np.ndarray]:
    """Evidence matrices for every pair of sentences of one event.

    Parameters
    ----------
    X : ndarray of shape (n, dim)
        Sentence vectors (normalised inside).
    texts : sequence of str
        The sentences.
    groups : array-like of shape (n,)
        Outlet of each sentence.
    positions : array-like of shape (n,), optional
        Position of each sentence in its article; default the row order within each outlet.
        Rows of one outlet are taken to be in article order.
    tokens : sequence of (ids, vectors), optional
        Token ids and vectors of each sentence (:func:`narrative.tokens.sentence_tokens`)
        for the soft token alignment features; without them those features are 0.

    Returns
    -------
    dict of str to ndarray of shape (n, n)
        One matrix per name in :data:`PAIR_FEATURES`.
    """
    X = np.asarray(X, dtype=np.float64)
    groups = np.asarray(groups)
    n = len(X)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    V = X / np.where(norms == 0, 1, norms)
    cos = np.clip(V @ V.T, -1.0, 1.0)
    lex = lexical_similarity(texts)
    base = (cos + lex["tfidf"]) / 2
    if positions is None:
        positions = np.zeros(n)
        for g in dict.fromkeys(groups.tolist()):
            positions[groups == g] = np.arange(int((groups == g).sum()))
    positions = np.asarray(positions, dtype=float)
    rel = np.zeros(n)
    for g in dict.fromkeys(groups.tolist()):
        sel = groups == g
        rel[sel] = positions[sel] / max(1.0, positions[sel].max())
    tok = token_alignment(tokens) if tokens is not None else {name: np.zeros((n, n)) for name in TOKEN_FEATURES}
    return {
        "cos": cos,
        "tfidf": lex["tfidf"],
        "names": lex["names"],
        "numbers": lex["numbers"],
        "quotes": lex["quotes"],
        "context": _neighbour_support(base, groups),
        "transitive": _transitive_support(base, groups),
        "margin": _margin(base, groups),
        "tfidf_margin": _margin(lex["tfidf"], groups),
        "lead": 1.0 - np.maximum(rel[:, None], rel[None, :]),
        **tok,
    }


@dataclass(frozen=True)
class PairScorer:
    """Logistic regression over standardised pair features.

    ``probability = 1 / (1 + exp(-(intercept + sum(coef * (x - mean) / scale))))``.
    """

    features: tuple
    mean: tuple
    scale: tuple
    coef: tuple
    intercept: float

    @classmethod
    def default(cls, *, tokens: bool = True) -> PairScorer:
        """The scorer shipped with the package (``narrative/pair_weights.json``).

        ``tokens=False``: the one trained without the soft token alignment features
        (the file's ``without_tokens`` entry).
        """
        d = json.loads(resources.files("narrative").joinpath("pair_weights.json").read_text())
        if not tokens and "without_tokens" in d:
            d = d["without_tokens"]
        return cls.from_dict(d)

    @classmethod
    def from_dict(cls, d: dict) -> PairScorer:
        return cls(
            features=tuple(d["features"]),
            mean=tuple(float(v) for v in d["mean"]),
            scale=tuple(float(v) for v in d["scale"]),
            coef=tuple(float(v) for v in d["coef"]),
            intercept=float(d["intercept"]),
        )

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
        }

    def score(self, features: dict[str, np.ndarray]) -> np.ndarray:
        """Match probability for every pair, shape (n, n)."""
        z = np.full_like(features[self.features[0]], self.intercept, dtype=np.float64)
        for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef):
            z = z + c * (features[name] - m) / s
        return 1.0 / (1.0 + np.exp(-z))


def fit_pair_scorer(X: np.ndarray, y: np.ndarray, *, features=PAIR_FEATURES, C: float = 1.0) -> PairScorer:
    """Train a :class:`PairScorer` on rows of pair features ``X`` (columns in ``features`` order) and labels ``y``."""
    from sklearn.linear_model import LogisticRegression

    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale = np.where(scale == 0, 1.0, scale)
    model = LogisticRegression(C=C, max_iter=2000).fit((X - mean) / scale, np.asarray(y, dtype=int))
    return PairScorer(
        features=tuple(features),
        mean=tuple(np.round(mean, 8).tolist()),
        scale=tuple(np.round(scale, 8).tolist()),
        coef=tuple(np.round(model.coef_[0], 8).tolist()),
        intercept=round(float(model.intercept_[0]), 8),
    )
