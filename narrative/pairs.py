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

__all__ = ["PAIR_FEATURES", "pair_features", "PairScorer", "fit_pair_scorer"]

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
)


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


def pair_features(X, texts, groups, positions=None) -> dict[str, np.ndarray]:
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
    def default(cls) -> PairScorer:
        """The scorer shipped with the package (``narrative/pair_weights.json``)."""
        return cls.from_dict(json.loads(resources.files("narrative").joinpath("pair_weights.json").read_text()))

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
