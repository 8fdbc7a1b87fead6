"""Vectors -> claims: align sentences across outlets into claims.

:class:`ClaimAligner` is a scikit-learn estimator: ``fit(X, groups=outlets)``
clusters one event's sentence vectors into claims and sets ``labels_`` (the
main claim of each sentence) and ``memberships_`` (every claim a sentence
carries). :func:`find_claims` runs it per event over a sentences table and
returns tidy tables with deterministic claim ids.
"""

from __future__ import annotations

import re
from numbers import Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin, _fit_context
from sklearn.cluster import AgglomerativeClustering
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array

__all__ = ["ClaimAligner", "align_claims", "find_claims", "states_claim", "DEFAULT_THRESHOLD"]

#: Default cosine similarity above which two sentences are taken to state the same claim.
DEFAULT_THRESHOLD = 0.6

_WORD = re.compile(r"[^\W\d_]{2,}")


def states_claim(text: str) -> bool:
    """Whether a sentence can state a claim: it has at least two words of letters.

    Empty rows, numbers, dashes and one-word lines ("Advertisement") cannot.
    """
    return len(_WORD.findall(text or "")) >= 2


class ClaimAligner(ClusterMixin, BaseEstimator):
    """Group sentences of several outlets into claims.

    Sentences are clustered on cosine similarity with agglomerative
    clustering; a cluster is one claim. Two sentences land in the same claim
    when the linkage similarity of their groups is at least ``threshold``.

    Parameters
    ----------
    threshold : float, default 0.6
        Cosine similarity (0-1) at or above which sentences are merged.
    linkage : {"average", "complete", "single"}, default "average"
        How the similarity of two groups of sentences is measured.
    secondary_margin : float or None, default None
        When set, a sentence also carries another claim if its similarity to
        a sentence of that claim from another outlet is at least
        ``threshold + secondary_margin``: a sentence may state several claims.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Main claim of each sentence, numbered from 0 in order of first appearance;
        -1 for sentences excluded with ``mask``.
    memberships_ : list of tuple of int
        Every claim of each sentence, main claim first.
    scores_ : ndarray of shape (n_samples,)
        Match confidence of each sentence's main claim: its highest cosine
        similarity to a sentence of another outlet in the same claim (0 when alone).
    n_clusters_ : int
        Number of claims found.
    n_features_in_ : int
        Vector dimension seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1, 0], [0.99, 0.14], [0, 1]], dtype=float)
    >>> ClaimAligner(threshold=0.9).fit(X, groups=["a", "b", "b"]).labels_
    array([0, 0, 1])
    """

    _parameter_constraints = {
        "threshold": [Interval(Real, -1, 1, closed="both")],
        "linkage": [StrOptions({"average", "complete", "single"})],
        "secondary_margin": [Interval(Real, 0, None, closed="left"), None],
    }

    def __init__(self, threshold=DEFAULT_THRESHOLD, *, linkage="average", secondary_margin=None):
        self.threshold = threshold
        self.linkage = linkage
        self.secondary_margin = secondary_margin

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, groups=None, mask=None):
        """Cluster the sentence vectors ``X`` into claims.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Sentence vectors (normalised inside).
        y : ignored
        groups : array-like of shape (n_samples,), optional
            Outlet of each sentence; used for cross-outlet scores and secondary claims.
        mask : array-like of bool of shape (n_samples,), optional
            Sentences that can state a claim; the others get label -1.

        Returns
        -------
        self
        """
        X = check_array(X, dtype=[np.float64, np.float32], ensure_min_samples=0)
        n = X.shape[0]
        self.n_features_in_ = X.shape[1]
        groups = np.zeros(n, dtype=int) if groups is None else np.asarray(groups)
        mask = np.ones(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        if len(groups) != n or len(mask) != n:
            raise ValueError(f"groups and mask must have {n} entries, like X.")
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        V = X / np.where(norms == 0, 1, norms)
        idx = np.flatnonzero(mask)
        labels = np.full(n, -1, dtype=int)
        if len(idx) == 1:
            labels[idx] = 0
        elif len(idx) > 1:
            sim = np.clip(V[idx] @ V[idx].T, -1.0, 1.0)
            dist = 1.0 - sim
            np.fill_diagonal(dist, 0.0)
            model = AgglomerativeClustering(
                n_clusters=None,
                metric="precomputed",
                linkage=self.linkage,
                distance_threshold=1.0 - self.threshold + 1e-9,
            )
            raw = model.fit_predict(np.maximum(dist, 0.0))
            labels[idx] = _renumber(raw)
        self.labels_ = labels
        self.n_clusters_ = int(labels.max() + 1) if n else 0
        self.scores_, self.memberships_ = self._memberships(V, labels, groups, mask)
        return self

    def _memberships(self, V, labels, groups, mask):
        n = len(labels)
        scores = np.zeros(n)
        members = [(int(lab),) if lab >= 0 else () for lab in labels]
        if n == 0 or not mask.any():
            return scores, members
        sim = V @ V.T
        other = groups[:, None] != groups[None, :]
        valid = other & mask[None, :] & mask[:, None]
        same_claim = labels[:, None] == labels[None, :]
        cross = np.where(valid & same_claim, sim, -np.inf)
        best = cross.max(axis=1)
        scores = np.where(np.isfinite(best), np.clip(best, 0, 1), 0.0)
        if self.secondary_margin is not None:
            cut = self.threshold + self.secondary_margin
            for i in np.flatnonzero(mask):
                extra = []
                cand = np.flatnonzero(valid[i] & ~same_claim[i] & (sim[i] >= cut))
                for lab in sorted({int(labels[j]) for j in cand}):
                    extra.append(lab)
                members[i] = members[i] + tuple(extra)
        return scores, members

    def fit_predict(self, X, y=None, *, groups=None, mask=None):
        return self.fit(X, groups=groups, mask=mask).labels_


def _renumber(raw: np.ndarray) -> np.ndarray:
    """Relabel clusters 0, 1, ... in order of first appearance."""
    mapping: dict[int, int] = {}
    out = np.empty_like(raw)
    for i, lab in enumerate(raw):
        out[i] = mapping.setdefault(int(lab), len(mapping))
    return out


def align_claims(X, *, groups=None, mask=None, threshold=DEFAULT_THRESHOLD, linkage="average", secondary_margin=None):
    """Function twin of :class:`ClaimAligner`: return ``(labels, memberships, scores)``."""
    est = ClaimAligner(threshold=threshold, linkage=linkage, secondary_margin=secondary_margin)
    est.fit(X, groups=groups, mask=mask)
    return est.labels_, est.memberships_, est.scores_


def find_claims(sentences: pd.DataFrame, embeddings: np.ndarray, *, aligner: ClaimAligner | None = None):
    """Align the sentences of each event into claims.

    Parameters
    ----------
    sentences : pandas.DataFrame
        Columns ``event``, ``outlet``, ``position``, ``text``; row ``i`` has vector ``embeddings[i]``.
    embeddings : ndarray of shape (n_sentences, dim)
    aligner : ClaimAligner, optional
        The estimator to use (cloned per event); default ``ClaimAligner()``.

    Returns
    -------
    membership : pandas.DataFrame
        One row per (sentence, claim): ``row`` (index into ``sentences``),
        ``event``, ``claim_id``, ``rank`` (0 for the main claim), ``score``.
    claim_ids : list of str
        For each sentence, its claim ids joined by ``;`` (empty when it states no claim).
    """
    from sklearn.base import clone

    if len(sentences) != len(embeddings):
        raise ValueError(f"{len(sentences)} sentences but {len(embeddings)} embeddings.")
    aligner = ClaimAligner() if aligner is None else aligner
    sentences = sentences.reset_index(drop=True)
    rows = []
    claim_ids = [""] * len(sentences)
    for event, frame in sentences.groupby("event", sort=False):
        index = frame.index.to_numpy()
        mask = frame["text"].map(states_claim).to_numpy()
        est = clone(aligner).fit(embeddings[index], groups=frame["outlet"].to_numpy(), mask=mask)
        ids = _claim_names(est.memberships_, frame)
        for local, row in enumerate(index):
            names = [ids[lab] for lab in est.memberships_[local]]
            claim_ids[row] = ";".join(names)
            for rank, name in enumerate(names):
                rows.append((int(row), event, name, rank, float(est.scores_[local]) if rank == 0 else np.nan))
    membership = pd.DataFrame(rows, columns=["row", "event", "claim_id", "rank", "score"])
    return membership, claim_ids


def _claim_names(memberships, frame: pd.DataFrame) -> dict[int, str]:
    """Deterministic ids C1, C2, ...: most outlets first, then earliest position, then outlet name."""
    outlets: dict[int, set] = {}
    first: dict[int, tuple] = {}
    for (outlet, position), labs in zip(zip(frame["outlet"], frame["position"]), memberships):
        for lab in labs:
            outlets.setdefault(lab, set()).add(outlet)
            key = (int(position), str(outlet))
            first[lab] = min(first.get(lab, key), key)
    order = sorted(outlets, key=lambda lab: (-len(outlets[lab]), first[lab], lab))
    return {lab: f"C{i + 1}" for i, lab in enumerate(order)}
