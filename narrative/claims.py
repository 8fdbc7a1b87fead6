"""Vectors -> claims: align sentences across outlets into claims.

:class:`ClaimAligner` is a scikit-learn estimator: ``fit(X, groups=outlets, texts=...)``
aligns one event's sentences into claims and sets ``labels_`` (the main claim
of each sentence), ``memberships_`` (every claim a sentence carries) and
``scores_`` (match confidence). :func:`find_claims` runs it per event over a
sentences table and returns tidy tables with deterministic claim ids;
:func:`claim_confidence` says which claims would change status within a small
threshold band.

The default method (``"pairwise"``) scores every pair of sentences from two
different outlets with a small logistic regression over embedding, lexical
and soft token alignment evidence (:mod:`narrative.pairs`; token vectors from
:mod:`narrative.tokens`), and builds claims from the matches greedily,
strongest first: a sentence joins a claim only when it matches every member
from the other outlets, and a sentence that matches sentences of two claims
carries both when the second match clears a higher bar (``threshold +
secondary_margin``). Nothing chains: a claim never links two sentences that
were not matched. ``method="cluster"`` is the plain agglomerative clustering of
sentence vectors, kept as the reference baseline.
"""

from __future__ import annotations

import math
import re
import warnings
from numbers import Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin, _fit_context
from sklearn.cluster import AgglomerativeClustering
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions
from sklearn.utils.validation import check_array

from .defaults import DEFAULT_THRESHOLD, SECONDARY_MARGIN
from .errors import InputError, describe, require_table
from .pairs import TOKEN_FEATURES, PairScorer, pair_features

__all__ = [
    "ClaimAligner",
    "align_claims",
    "find_claims",
    "closest_sentences",
    "claim_confidence",
    "check_threshold",
    "SENTENCE_COLUMNS",
    "headline_threshold",
    "states_claim",
    "DEFAULT_THRESHOLD",
    "SECONDARY_MARGIN",
    "CONFIDENCE_BAND",
]


#: A claim is ``uncertain`` when its status changes with the threshold moved by this much either way.
CONFIDENCE_BAND = 0.05

#: Cosine similarity at which a headline (or a part of it) states the claims of its closest sentence.
#: On 60 BASIL articles (84 headlines and parts), the closest sentence above 0.5 stated the
#: headline's fact in most cases and below it mostly did not; the median closest cosine was 0.70.
HEADLINE_COSINE = 0.5

_WORD = re.compile(r"[^\W\d_]{2,}")
#: Letters of scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar).
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f]")


#: The columns of a sentences table that :func:`find_claims` reads.
SENTENCE_COLUMNS = ("event", "outlet", "position", "text")


def check_threshold(threshold, *, method: str = "pairwise") -> float:
    """``threshold`` as a float, or a user error when it is not a number in the method's range.

    ``method="pairwise"`` takes a match probability from 0 to 1, ``"cluster"`` a cosine
    similarity from -1 to 1.

    >>> check_threshold(0.5)
    0.5
    >>> check_threshold("0.5")
    Traceback (most recent call last):
    ...
    narrative.errors.InputError: the threshold must be a number from 0 to 1 (a match probability); got a str ('0.5'). Fix: give --threshold a number from 0 to 1, e.g. the default 0.15 (in Python: threshold=0.15).
    """
    low, meaning = (-1.0, "a cosine similarity") if method == "cluster" else (0.0, "a match probability")
    number = isinstance(threshold, Real) and not isinstance(threshold, bool)
    if not number or not math.isfinite(threshold) or not low <= threshold <= 1:
        got = repr(threshold) if number else f"{describe(threshold)} ({threshold!r:.40})"
        raise InputError(
            f"the threshold must be a number from {low:g} to 1 ({meaning}); got {got}.",
            fix=f"give --threshold a number from 0 to 1, e.g. the default {DEFAULT_THRESHOLD} "
            f"(in Python: threshold={DEFAULT_THRESHOLD})."
            if method != "cluster"
            else "give a number from -1 to 1 (in Python: ClaimAligner(threshold=0.5, method='cluster')).",
        )
    return float(threshold)


def _check_vectors(X, n: int | None = None, *, name: str = "X"):
    """``X`` as a 2-D array of finite numbers (``n`` rows when given), or a user error naming the problem."""
    fix = (
        "give one row of numbers per sentence, as narrative.embed(sentences['text'], encoder=...) returns "
        "(a numpy array of shape (n_sentences, dim))."
    )
    try:
        V = np.asarray(X)
    except (TypeError, ValueError):  # ragged lists
        V = None
    if V is None or V.dtype.kind not in "fiu":
        if V is None:
            what = f"{describe(X)} that is no rectangular array (rows of different lengths?)"
        elif V.ndim == 0:
            what = describe(X)
        else:
            held = {"U": "text", "S": "bytes", "b": "booleans", "c": "complex numbers"}.get(
                V.dtype.kind, "other values"
            )
            what = f"{describe(X)} holding {held}"
        raise InputError(f"{name} must be a 2-D array of numbers (one row per sentence); got {what}.", fix=fix)
    if V.size == 0 and n == 0:
        return V.reshape(0, V.shape[-1] if V.ndim == 2 else 0)
    if V.ndim != 2 or V.shape[1] == 0:
        what = describe(X) if V.ndim == 0 else f"shape {V.shape}"
        raise InputError(f"{name} must be a 2-D array of numbers (one row per sentence); got {what}.", fix=fix)
    if n is not None and V.shape[0] != n:
        raise InputError(
            f"{n} sentences but {V.shape[0]} rows of {name}; row i of {name} is the vector of sentence i.", fix=fix
        )
    bad = ~np.isfinite(V).all(axis=1)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise InputError(
            f"{name} holds NaN or infinite values in {len(rows)} row(s) (first: row {rows[0]}, counting from 0).",
            fix="embed those sentences again, or drop them from the sentences table and from the vectors alike.",
        )
    return V


def _check_sentences(sentences, where: str):
    """Refuse anything but a DataFrame with the columns :data:`SENTENCE_COLUMNS`."""
    fix = (
        "pass a sentences table with columns event, outlet, position and text, such as narrative.segment(articles) "
        "or Comparison.sentences returns."
    )
    require_table(sentences, SENTENCE_COLUMNS, what="sentences table", where=where, fix=fix)


def states_claim(text: str) -> bool:
    """Whether a sentence can state a claim: it has at least two words of letters.

    Empty rows, numbers, dashes and one-word lines ("Advertisement") cannot. In
    scripts written without spaces, four letters count as two words ("广告",
    "advertisement", does not state a claim; a sentence does).

    >>> states_claim("Advertisement"), states_claim("Troops left the town."), states_claim("广告")
    (False, True, False)
    >>> states_claim("这一消息最早由当地官员披露。")
    True
    """
    text = text if isinstance(text, str) else ""
    return len(_WORD.findall(text)) >= 2 or len(_UNSPACED.findall(text)) >= 4


class ClaimAligner(ClusterMixin, BaseEstimator):
    """Align the sentences of several outlets into claims.

    Parameters
    ----------
    threshold : float, default 0.15
        With ``method="pairwise"``: match probability (0-1) at or above which two
        sentences of different outlets state the same claim (a sentence's first
        claim; see ``secondary_margin``). With ``method="cluster"``: cosine
        similarity at which clusters merge.
    method : {"pairwise", "cluster"}, default "pairwise"
        ``"pairwise"``: pair scorer and greedy, chain-free claim building
        (needs ``texts`` in :meth:`fit` for its lexical evidence).
        ``"cluster"``: agglomerative clustering of the vectors (baseline).
    linkage : {"average", "complete", "single"}, default "average"
        Linkage of ``method="cluster"``.
    secondary_margin : float, None or "auto", default "auto"
        A sentence that already holds a claim carries another only with a match
        of at least ``threshold + secondary_margin``. ``method="pairwise"``: the
        match probability needed to join or open a second claim ("auto": 0.10,
        :data:`SECONDARY_MARGIN`; None: 0, the bar of the first claim).
        ``method="cluster"``: a sentence also carries another claim if its
        similarity to a sentence of that claim from another outlet clears the
        bar ("auto" and None: no second claims).
    scorer : PairScorer or dict, optional
        The pair scorer of ``method="pairwise"``; default the shipped one
        (:meth:`narrative.pairs.PairScorer.default`).
    token_evidence : bool, default True
        ``method="pairwise"`` only: compare sentences token by token too
        (:func:`narrative.pairs.token_alignment`). Needs the token vectors of
        the default model: given to :meth:`fit` as ``tokens``, or computed from
        ``texts`` (:func:`narrative.tokens.sentence_tokens`, cached). False uses
        the shipped scorer trained without them.
    check_omissions : bool, default True
        ``method="pairwise"`` only: before an outlet counts as leaving a claim out
        (:func:`narrative.compare.is_omission`), its sentence closest to the claim
        is checked (:func:`closest_sentences`); one that matches the claim as well
        as a sentence's first claim must (``threshold``, by the rule a sentence
        joins a claim) joins it as a further claim of that sentence. Without
        the check, such a sentence stays out because it already holds a claim and
        a second one needs ``threshold + secondary_margin``, and its outlet
        "omits" what it says.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Main claim of each sentence, numbered from 0 in order of first appearance;
        -1 for sentences excluded with ``mask``.
    memberships_ : list of tuple of int
        Every claim of each sentence, main claim first.
    scores_ : ndarray of shape (n_samples,)
        Match confidence of each sentence's main claim: its best match score
        (probability, or cosine for ``"cluster"``) with a sentence of another
        outlet in that claim; 0 when it is alone.
    pair_scores_ : ndarray of shape (n_samples, n_samples)
        Match score of every pair of sentences of different outlets (0 elsewhere).
    n_clusters_ : int
        Number of claims found.
    n_features_in_ : int
        Vector dimension seen in ``fit``.

    See Also
    --------
    align_claims : function twin.
    find_claims : run per event over a sentences table.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1, 0], [0.99, 0.14], [0, 1]], dtype=float)
    >>> texts = ["Troops left Konstantinovka.", "Troops withdrew from Konstantinovka.", "It rained."]
    >>> ClaimAligner(token_evidence=False).fit(X, groups=["a", "b", "b"], texts=texts).labels_
    array([0, 0, 1])
    >>> ClaimAligner(threshold=0.9, method="cluster").fit(X, groups=["a", "b", "b"]).labels_
    array([0, 0, 1])
    """

    _parameter_constraints = {
        "threshold": [Interval(Real, -1, 1, closed="both")],
        "method": [StrOptions({"pairwise", "cluster"})],
        "linkage": [StrOptions({"average", "complete", "single"})],
        "secondary_margin": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"}), None],
        "scorer": [PairScorer, dict, None],
        "token_evidence": ["boolean"],
        "check_omissions": ["boolean"],
    }

    def __init__(
        self,
        threshold=DEFAULT_THRESHOLD,
        *,
        method="pairwise",
        linkage="average",
        secondary_margin="auto",
        scorer=None,
        token_evidence=True,
        check_omissions=True,
    ):
        self.threshold = threshold
        self.method = method
        self.linkage = linkage
        self.secondary_margin = secondary_margin
        self.scorer = scorer
        self.token_evidence = token_evidence
        self.check_omissions = check_omissions

    def _validate_params(self):
        check_threshold(self.threshold, method=self.method)
        try:
            super()._validate_params()
        except InvalidParameterError as exc:
            raise InputError(
                f"{str(exc).rstrip('.')}.", fix="see help(narrative.ClaimAligner) for the parameters and their values."
            ) from None

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, groups=None, mask=None, texts=None, positions=None, tokens=None):
        """Align the sentences with vectors ``X`` into claims.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Sentence vectors (normalised inside).
        y : ignored
        groups : array-like of shape (n_samples,), optional
            Outlet of each sentence. Only sentences of different outlets are matched
            by ``"pairwise"``; default one outlet (nothing matches).
        mask : array-like of bool of shape (n_samples,), optional
            Sentences that can state a claim; the others get label -1.
        texts : sequence of str, optional
            The sentences; lexical evidence for ``"pairwise"`` (without them,
            only the vectors count and matches are fewer).
        positions : array-like of shape (n_samples,), optional
            Position of each sentence in its article; default the row order within each outlet.
        tokens : sequence of (ids, vectors), optional
            Token ids and vectors of each sentence (:func:`narrative.tokens.sentence_tokens`);
            default computed from ``texts`` when ``token_evidence`` is on.

        Returns
        -------
        self
        """
        X = check_array(_check_vectors(X), dtype=[np.float64, np.float32], ensure_min_samples=0)
        n = X.shape[0]
        self.n_features_in_ = X.shape[1]
        groups = np.zeros(n, dtype=int) if groups is None else np.asarray(groups)
        mask = np.ones(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        if texts is None and self.method == "pairwise" and n > 1 and self._reads_words():
            warnings.warn(
                "ClaimAligner.fit got no texts: the pair scorer's shared-word, name, number and token evidence "
                "is then empty and few sentences match; pass texts= (the sentences) as find_claims does.",
                UserWarning,
                stacklevel=2,
            )
        texts = [""] * n if texts is None else [str(t) for t in texts]
        for name, given in (("groups", groups), ("mask", mask), ("texts", texts), ("positions", positions),
                            ("tokens", tokens)):  # fmt: skip
            if given is not None and len(given) != n:
                raise InputError(
                    f"{name} has {len(given)} entries but X has {n} rows; they must have one entry per row of X.",
                    fix=f"give {name} one entry per sentence, in the order of the rows of X.",
                )
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        V = X / np.where(norms == 0, 1, norms)
        valid = (groups[:, None] != groups[None, :]) & mask[:, None] & mask[None, :]
        if self.method == "cluster":
            self._fit_cluster(V, groups, mask, valid)
        else:
            self._fit_pairwise(V, groups, mask, valid, texts, positions, tokens)
        self.n_clusters_ = int(self.labels_.max() + 1) if n else 0
        return self

    def _reads_words(self) -> bool:
        """Whether the pair scorer weighs evidence from the sentences' words (not only their vectors)."""
        scorer = self.scorer
        if scorer is None:
            return True
        features = scorer.get("features", ()) if isinstance(scorer, dict) else scorer.features
        return any(f not in ("cos", "margin", "context", "transitive", "lead") for f in features)

    # -- pairwise -----------------------------------------------------------------
    def _fit_pairwise(self, V, groups, mask, valid, texts, positions, tokens):
        n = len(V)
        scorer = self.scorer
        if scorer is None:
            scorer = PairScorer.default(tokens=self.token_evidence)
        elif isinstance(scorer, dict):
            scorer = PairScorer.from_dict(scorer)
        P = np.zeros((n, n))
        idx = np.flatnonzero(mask)
        if len(idx) > 1:
            sub_pos = None if positions is None else np.asarray(positions)[idx]
            sub_tok = None
            if self.token_evidence and any(name in TOKEN_FEATURES for name in scorer.features):
                if tokens is not None:
                    sub_tok = [tokens[i] for i in idx]
                elif any(texts[i] for i in idx):
                    from .tokens import sentence_tokens

                    sub_tok = sentence_tokens([texts[i] for i in idx])
            feats = pair_features(V[idx], [texts[i] for i in idx], groups[idx], sub_pos, tokens=sub_tok)
            P[np.ix_(idx, idx)] = scorer.score(feats)
        P = np.where(valid, P, 0.0)
        P = (P + P.T) / 2
        self.pair_scores_ = P
        margin = self.secondary_margin
        margin = SECONDARY_MARGIN if margin == "auto" else (margin or 0.0)
        members, best = _greedy_claims(
            P, groups, mask, self.threshold, self.threshold + margin, check_omissions=self.check_omissions
        )
        # main claim: the one holding the sentence's strongest match; ties -> the older claim
        main = [max(ms, key=lambda c: (best[i].get(c, 0.0), -c)) if ms else -1 for i, ms in enumerate(members)]
        raw = np.array(main, dtype=int)
        labels = np.full(n, -1, dtype=int)
        mapping: dict[int, int] = {}
        for i in range(n):
            if raw[i] >= 0:
                labels[i] = mapping.setdefault(int(raw[i]), len(mapping))
        for i in range(n):  # claims only ever held as secondary get numbers after
            for c in members[i]:
                mapping.setdefault(int(c), len(mapping))
        self.labels_ = labels
        self.memberships_ = [
            (mapping[raw[i]], *sorted(mapping[c] for c in members[i] if c != raw[i])) if raw[i] >= 0 else ()
            for i in range(n)
        ]
        self.scores_ = np.array([best[i].get(int(raw[i]), 0.0) if raw[i] >= 0 else 0.0 for i in range(n)])

    # -- cluster (baseline) ---------------------------------------------------------
    def _fit_cluster(self, V, groups, mask, valid):
        n = len(V)
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
        sim = V @ V.T
        self.pair_scores_ = np.where(valid, np.clip(sim, 0, 1), 0.0)
        members = [(int(lab),) if lab >= 0 else () for lab in labels]
        same_claim = labels[:, None] == labels[None, :]
        cross = np.where(valid & same_claim, sim, -np.inf)
        best = cross.max(axis=1) if n else np.zeros(0)
        self.scores_ = np.where(np.isfinite(best), np.clip(best, 0, 1), 0.0)
        if self.secondary_margin not in (None, "auto"):
            cut = self.threshold + self.secondary_margin
            for i in np.flatnonzero(mask):
                cand = np.flatnonzero(valid[i] & ~same_claim[i] & (sim[i] >= cut))
                members[i] = members[i] + tuple(sorted({int(labels[j]) for j in cand}))
        self.memberships_ = members

    def fit_predict(self, X, y=None, *, groups=None, mask=None, texts=None, positions=None, tokens=None):
        return self.fit(X, groups=groups, mask=mask, texts=texts, positions=positions, tokens=tokens).labels_


def _greedy_claims(P, groups, mask, threshold, second=None, *, check_omissions=False):
    """Claims from pair scores, strongest match first, without chaining.

    A matched pair joins an existing claim of one sentence when the other
    sentence's outlet is not in the claim yet and the sentence matches most of
    the claim's sentences (more than half: both of two, so in an event of
    three outlets every one); otherwise the pair opens a new claim (so a
    sentence can hold several). Two claims with no outlet in both become one when every sentence
    of the two matches most of their sentences of other outlets (possible from
    four outlets on: the same fact found first in two pairs of outlets). A sentence that already
    holds a claim joins or opens another only with scores of at least
    ``second`` (default ``threshold``). Unmatched sentences get a claim of
    their own. With ``check_omissions``, an outlet that would leave a claim out
    joins it with its closest sentence when that one reaches ``threshold``
    (:func:`_join_left_out`).

    Returns ``(members, best)``: the claims of each sentence (in order of
    creation) and, per sentence, its best match score within each claim.
    """
    n = len(P)
    second = threshold if second is None else max(second, threshold)
    iu, ju = np.triu_indices(n, 1)
    score = P[iu, ju]
    keep = score >= threshold
    iu, ju, score = iu[keep], ju[keep], score[keep]
    order = np.lexsort((ju, iu, -score))  # strongest first; ties by position: deterministic
    claims: list[list[int]] = []
    members: list[list[int]] = [[] for _ in range(n)]
    best: list[dict] = [{} for _ in range(n)]

    def note(i, c, s):
        best[i][c] = max(best[i].get(c, 0.0), float(s))

    for o in order:
        i, j, s = int(iu[o]), int(ju[o]), float(score[o])
        shared = set(members[i]) & set(members[j])
        if shared:
            for c in shared:
                note(i, c, s)
                note(j, c, s)
            continue
        # Two claims of several outlets each (an event of four or more outlets): one claim
        # when no outlet is in both and every sentence of the two matches most of the others.
        pair = next(
            (
                (a, b)
                for a in members[i]
                for b in members[j]
                if not {groups[m] for m in claims[a]} & {groups[m] for m in claims[b]}
                and _claims_match(P, claims[a], claims[b], groups, threshold)
            ),
            None,
        )
        if pair is not None:
            keep, drop = min(pair), max(pair)  # the older claim keeps the fact
            claims[keep].extend(claims[drop])
            _move_claim(members, best, claims[drop], drop, keep)
            claims[drop] = []  # dropped with the other emptied claims by _merge_restatements
            note(i, keep, s)
            note(j, keep, s)
            continue
        joined = False
        for a, b in ((i, j), (j, i)):
            bar = second if members[b] else threshold
            for c in members[a]:
                ms = claims[c]
                if any(groups[m] == groups[b] for m in ms):
                    continue
                if _matches_most(P[b, ms], bar):
                    ms.append(b)
                    members[b].append(c)
                    note(b, c, s)
                    note(a, c, s)
                    joined = True
                    break
            if joined:
                break
        if not joined:
            if (members[i] or members[j]) and s < second:
                continue  # would be a second claim of one of them: not strong enough
            claims.append([i, j])
            members[i].append(len(claims) - 1)
            members[j].append(len(claims) - 1)
            note(i, len(claims) - 1, s)
            note(j, len(claims) - 1, s)
    claims, members, best = _merge_restatements(claims, members, best, groups, one_outlet=True)
    for i in range(n):
        if mask[i] and not members[i]:
            claims.append([i])
            members[i].append(len(claims) - 1)
    if check_omissions:
        _join_left_out(P, groups, mask, claims, members, best, threshold)
    # last, so that no merge changes which sentences the omission check asks about
    claims, members, best = _merge_restatements(claims, members, best, groups)
    return members, best


def _reach(P, candidates, claim) -> np.ndarray:
    """For each candidate sentence, the score at which it matches most of a claim's sentences.

    A sentence joins a claim when it matches more than half of its sentences
    (:func:`_matches_most`): the ``k``-th best of its scores to them, ``k`` being more than half.
    """
    scores = -np.sort(-P[np.ix_(candidates, claim)], axis=1)
    return scores[:, len(claim) // 2]


def _join_left_out(P, groups, mask, claims, members, best, threshold) -> None:
    """Outlets that would leave a claim out, but have a sentence that matches it, carry it.

    For each claim that some outlets would omit (:func:`narrative.compare.is_omission`), each
    such outlet's closest sentence (highest :func:`_reach`; ties: the first) joins it when it
    reaches ``threshold``, the bar of a first claim. Decided on the claims as built, then applied,
    so the order of claims does not matter.
    """
    from .compare import is_omission

    # every outlet of the event counts, as in the omissions table, also one whose sentences state no claim
    outlets = list(dict.fromkeys(groups.tolist()))
    joins = []
    for c, ms in enumerate(claims):
        if not ms:
            continue
        carrying = {groups[m] for m in ms}
        if not is_omission(len(carrying), len(outlets)):
            continue
        for outlet in outlets:
            if outlet in carrying:
                continue
            cand = np.flatnonzero((groups == outlet) & mask)
            if not len(cand):
                continue
            reach = _reach(P, cand, ms)
            k = int(np.argmax(reach))
            if reach[k] >= threshold:
                joins.append((c, int(cand[k]), float(P[cand[k], ms].max())))
    for c, i, s in joins:
        claims[c].append(i)
        members[i].append(c)
        best[i][c] = max(best[i].get(c, 0.0), s)


def _matches_most(scores, bar) -> bool:
    """Whether a sentence with these match scores to a claim's members joins it: it matches
    more than half of them (all of them when the claim has one or two)."""
    return int((np.asarray(scores) >= bar).sum()) * 2 > len(scores)


def _claims_match(P, a, b, groups, bar) -> bool:
    """Whether claims ``a`` and ``b`` (lists of sentences) are one: every sentence of the two
    matches most of their sentences of other outlets, as a sentence joining a claim must."""
    union = np.array([*a, *b])
    return all(_matches_most(P[m, union[groups[union] != groups[m]]], bar) for m in union)


def _move_claim(members, best, holders, drop, keep) -> None:
    """Sentences ``holders`` hold claim ``keep`` where they held ``drop``, with their best match score."""
    for m in holders:
        members[m] = list(dict.fromkeys(keep if c == drop else c for c in members[m]))
        if drop in best[m]:
            best[m][keep] = max(best[m].get(keep, 0.0), best[m].pop(drop))


def _merge_restatements(claims, members, best, groups, *, one_outlet=False):
    """One claim for a fact that an outlet states twice.

    A claim holds at most one sentence per outlet, so an outlet that restates a
    fact (a lead that repeats the headline, a summary that repeats the lead)
    opens a second claim with the same sentences of every other outlet. Two
    claims that share at least one member are merged when the merge puts no
    two sentences of different outlets together that did not already share a
    claim: most often the two differ only in one outlet's sentences; they may
    also differ in a sentence that already shares a claim with each sentence
    the other claim adds. Which pairs of sentences of different outlets share
    a claim does not change, so neither does any score of the alignment; the
    duplicate row, and its duplicate omissions, go. ``one_outlet`` merges only
    claims that differ in one outlet's sentences (the merge before the omission
    check, which reads the claims' sizes).
    """
    alive = [set(c) or None for c in claims]  # an emptied claim (merged into another) is gone

    def already_together(x, y):
        return any(alive[c] is not None and y in alive[c] for c in members[x])

    changed = True
    while changed:
        changed = False
        for i in range(len(members)):
            held = sorted({c for c in members[i] if alive[c] is not None})
            for x in range(len(held)):
                a = held[x]
                if alive[a] is None:
                    continue
                for b in held[x + 1 :]:
                    if alive[b] is None:
                        continue
                    only_a, only_b = alive[a] - alive[b], alive[b] - alive[a]
                    if one_outlet and len({groups[m] for m in only_a | only_b}) > 1:
                        continue
                    if not all(groups[u] == groups[v] or already_together(u, v) for u in only_a for v in only_b):
                        continue
                    alive[a] |= alive[b]  # the older claim keeps the fact
                    _move_claim(members, best, alive[b], b, a)
                    alive[b] = None
                    changed = True
    keep = [c for c in range(len(claims)) if alive[c] is not None]
    new_index = {c: k for k, c in enumerate(keep)}
    members = [[new_index[c] for c in ms] for ms in members]
    best = [{new_index[c]: v for c, v in d.items() if c in new_index} for d in best]
    return [sorted(alive[c]) for c in keep], members, best


def _renumber(raw: np.ndarray) -> np.ndarray:
    """Relabel clusters 0, 1, ... in order of first appearance."""
    mapping: dict[int, int] = {}
    out = np.empty_like(raw)
    for i, lab in enumerate(raw):
        out[i] = mapping.setdefault(int(lab), len(mapping))
    return out


def align_claims(
    X,
    *,
    groups=None,
    mask=None,
    texts=None,
    positions=None,
    threshold=DEFAULT_THRESHOLD,
    method="pairwise",
    linkage="average",
    secondary_margin="auto",
    scorer=None,
    token_evidence=True,
    check_omissions=True,
    tokens=None,
):
    """Function twin of :class:`ClaimAligner`: return ``(labels, memberships, scores)``."""
    est = ClaimAligner(
        threshold=threshold,
        method=method,
        linkage=linkage,
        secondary_margin=secondary_margin,
        scorer=scorer,
        token_evidence=token_evidence,
        check_omissions=check_omissions,
    )
    est.fit(X, groups=groups, mask=mask, texts=texts, positions=positions, tokens=tokens)
    return est.labels_, est.memberships_, est.scores_


def headline_threshold(aligner: ClaimAligner) -> float:
    """Cosine similarity at which a headline states one of its article's claims."""
    return aligner.threshold if aligner.method == "cluster" else HEADLINE_COSINE


def find_claims(
    sentences: pd.DataFrame,
    embeddings: np.ndarray,
    *,
    aligner: ClaimAligner | None = None,
    band=CONFIDENCE_BAND,
    tokens=None,
    closest: bool = False,
):
    """Align the sentences of each event into claims.

    Parameters
    ----------
    sentences : pandas.DataFrame
        Columns ``event``, ``outlet``, ``position``, ``text``; row ``i`` has vector ``embeddings[i]``.
    embeddings : ndarray of shape (n_sentences, dim)
    aligner : ClaimAligner, optional
        The estimator to use (cloned per event); default ``ClaimAligner()``.
    band : float, default 0.05
        Threshold band for the ``uncertain`` flag (see :func:`claim_confidence`).
    tokens : sequence of (ids, vectors), optional
        Token ids and vectors of each sentence (row ``i`` of ``sentences``); default
        computed by the aligner when it needs them (:func:`narrative.tokens.sentence_tokens`).
    closest : bool, default False
        Also return, for each claim and each outlet of its event that does not carry it, that
        outlet's sentence that comes closest to the claim (see :func:`closest_sentences`).

    Returns
    -------
    membership : pandas.DataFrame
        One row per (sentence, claim): ``row`` (index into ``sentences``),
        ``event``, ``claim_id``, ``rank`` (0 for the main claim), ``score``
        (match confidence of the main claim, NaN for other ranks), and the
        claim's ``confidence`` and ``uncertain`` (see :func:`claim_confidence`).
    claim_ids : list of str
        For each sentence, its claim ids joined by ``;`` (empty when it states no claim).
    closest : pandas.DataFrame
        Only with ``closest=True``: ``event``, ``claim_id``, ``outlet``, ``row`` (index into
        ``sentences``), ``score`` and ``uncertain`` (the score is within ``band`` of the
        threshold), one row per claim and outlet that does not carry it but has a sentence that
        states a claim (see :func:`closest_sentences`).
    """
    from sklearn.base import clone

    _check_sentences(sentences, "find_claims")
    embeddings = _check_vectors(embeddings, len(sentences), name="embeddings")
    if tokens is not None and len(tokens) != len(sentences):
        raise InputError(
            f"{len(sentences)} sentences but {len(tokens)} token entries.",
            fix="give tokens one (ids, vectors) entry per sentence, or leave it out to have them computed.",
        )
    if aligner is not None and not isinstance(aligner, ClaimAligner):
        raise InputError(
            f"aligner must be a ClaimAligner; got {describe(aligner)}.",
            fix="pass e.g. aligner=narrative.ClaimAligner(threshold=0.2), or threshold= to narrative.compare.",
        )
    if isinstance(band, bool) or not isinstance(band, Real) or not 0 <= band <= 1:
        raise InputError(
            f"band must be a number from 0 to 1; got {band!r}.", fix=f"leave it out for the default {CONFIDENCE_BAND}."
        )
    aligner = ClaimAligner() if aligner is None else aligner
    aligner._validate_params()
    sentences = sentences.reset_index(drop=True)
    rows, near = [], []
    claim_ids = [""] * len(sentences)
    for event, frame in sentences.groupby("event", sort=False):
        frame = frame.sort_values(["outlet", "position"], kind="stable")
        index = frame.index.to_numpy()
        mask = frame["text"].map(states_claim).to_numpy()
        groups = frame["outlet"].to_numpy()
        est = clone(aligner).fit(
            embeddings[index],
            groups=groups,
            mask=mask,
            texts=frame["text"].tolist(),
            positions=frame["position"].to_numpy(),
            tokens=None if tokens is None else [tokens[i] for i in index],
        )
        ids = _claim_names(est.memberships_, frame)
        conf = _confidence(est, groups, band)
        for local, row in enumerate(index):
            names = [ids[lab] for lab in est.memberships_[local]]
            claim_ids[row] = ";".join(names)
            for rank, (lab, name) in enumerate(zip(est.memberships_[local], names)):
                score = float(est.scores_[local]) if rank == 0 else np.nan
                rows.append((int(row), event, name, rank, score, conf[lab][0], conf[lab][1]))
        if closest:
            for lab, outlet, local, value in closest_sentences(est, groups, mask):
                near.append((event, ids[lab], outlet, int(index[local]), value, value >= est.threshold - band))
    columns = ["row", "event", "claim_id", "rank", "score", "confidence", "uncertain"]
    membership = pd.DataFrame(rows, columns=columns).sort_values(["row", "rank"], kind="stable")
    if not closest:
        return membership.reset_index(drop=True), claim_ids
    near_columns = ["event", "claim_id", "outlet", "row", "score", "uncertain"]
    return membership.reset_index(drop=True), claim_ids, pd.DataFrame(near, columns=near_columns)


def closest_sentences(est: ClaimAligner, groups, mask=None) -> list[tuple]:
    """For each claim of a fitted aligner and each outlet that does not carry it, its closest sentence.

    A sentence joins a claim when it matches more than half of the claim's sentences
    (:class:`ClaimAligner`); so a sentence's closeness to a claim is the match score it
    reaches with that many of them (with a claim of two sentences, the lower of its two
    scores). With ``check_omissions`` (the default) an outlet that would leave a claim out
    joins it when its closest sentence reaches the threshold; an omission whose closest
    sentence comes within a small band below it is ``uncertain`` in :func:`find_claims`.

    Parameters
    ----------
    est : ClaimAligner
        Fitted on one event.
    groups : array-like of shape (n_samples,)
        The outlet of each sentence, as given to ``fit``.
    mask : array-like of bool, optional
        The sentences that state a claim, as given to ``fit``; others are never closest.

    Returns
    -------
    list of (label, outlet, sentence, score)
        ``label`` as in ``memberships_``, ``sentence`` a row of the fitted ``X``; claims in
        label order, outlets in order of first appearance; of several equally close
        sentences, the first.
    """
    groups = np.asarray(groups)
    mask = np.ones(len(groups), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    holders = _claim_sentences(est.memberships_)
    outlets = list(dict.fromkeys(groups.tolist()))
    out = []
    for lab in sorted(holders):
        ms = np.array(holders[lab])
        carrying = set(groups[ms].tolist())
        for outlet in outlets:
            cand = np.flatnonzero((groups == outlet) & mask)
            if outlet in carrying or not len(cand):
                continue
            reach = _reach(est.pair_scores_, cand, ms)
            best = int(np.argmax(reach))
            out.append((lab, outlet, int(cand[best]), round(float(reach[best]), 6)))
    return out


def _claim_sentences(memberships) -> dict[int, list[int]]:
    """Claim label -> the sentences (rows of the fitted ``X``) that hold it, in order."""
    holders: dict[int, list[int]] = {}
    for i, labs in enumerate(memberships):
        for lab in labs:
            holders.setdefault(lab, []).append(i)
    return holders


def _status(n_carrying: int, n_outlets: int) -> str:
    from .compare import claim_status

    return claim_status(n_carrying, n_outlets)


def _confidence(est: ClaimAligner, groups: np.ndarray, band: float) -> dict[int, tuple[float, bool]]:
    """Per claim label: (confidence, uncertain) from the fitted pair scores."""
    P = est.pair_scores_
    t = est.threshold
    n_outlets = len(set(groups.tolist()))
    holders = _claim_sentences(est.memberships_)
    out = {}
    for lab, ms in holders.items():
        ms = np.array(ms)
        carrying = list(dict.fromkeys(groups[ms].tolist()))
        status = _status(len(carrying), n_outlets)
        # how strongly each carrying outlet is attached to the rest of the claim
        attach = []
        for o in carrying:
            mine, rest = ms[groups[ms] == o], ms[groups[ms] != o]
            attach.append(float(P[np.ix_(mine, rest)].max()) if len(rest) else 0.0)
        # how close each other outlet comes to joining
        others = [o for o in dict.fromkeys(groups.tolist()) if o not in carrying]
        near = []
        for o in others:
            cand = np.flatnonzero(groups == o)
            near.append(float(P[np.ix_(ms, cand)].max()) if len(cand) else 0.0)
        if len(carrying) >= 2:
            confidence = min(attach)
        else:
            confidence = 1.0 - max(near, default=0.0)
        n_hi = sum(a >= t + band for a in attach) if len(carrying) >= 2 else 1
        n_lo = len(carrying) + sum(v >= t - band for v in near)
        uncertain = _status(max(n_hi, 1), n_outlets) != status or _status(n_lo, n_outlets) != status
        out[lab] = (round(float(np.clip(confidence, 0.0, 1.0)), 6), bool(uncertain))
    return out


def claim_confidence(membership: pd.DataFrame) -> pd.DataFrame:
    """One row per claim: ``event``, ``claim_id``, ``confidence``, ``uncertain``.

    ``confidence`` is, for a claim several outlets carry, the match score by
    which its most weakly attached outlet holds it; for a claim one outlet
    alone carries, one minus the best score of any other outlet's sentence to
    it. ``uncertain`` is true when moving the threshold by the band
    (:data:`CONFIDENCE_BAND`) either way would change the claim's status
    (shared, partial, unique).

    Parameters
    ----------
    membership : pandas.DataFrame
        The first table :func:`find_claims` returns.
    """
    cols = ["event", "claim_id", "confidence", "uncertain"]
    if not isinstance(membership, pd.DataFrame) or not set(cols) <= set(membership.columns):
        what = (
            f"lacks column(s) {[c for c in cols if c not in membership.columns]}"
            if isinstance(membership, pd.DataFrame)
            else f"is {describe(membership)}"
        )
        raise InputError(
            f"the membership table given to claim_confidence {what}.",
            fix="pass the first table find_claims returns: membership, claim_ids = find_claims(sentences, embeddings).",
        )
    return membership[cols].drop_duplicates(["event", "claim_id"]).reset_index(drop=True)


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
