"""Claims -> comparisons: claim table, coverage, omissions, outlet similarity, themes.

Every function takes tidy tables and returns a new one; inputs are never modified.

The statuses follow the project's definitions: a claim is ``shared`` when
every outlet of its event carries it, ``partial`` when more than one but not
all do, ``unique`` when one does. Outlet O *omits* claim C when O does not
carry C while at least half of the other outlets do and, in an event of three
or more outlets, at least two outlets do.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .errors import require_table

__all__ = [
    "claim_status",
    "is_omission",
    "claims_table",
    "coverage_table",
    "omissions_table",
    "outlet_similarity",
    "assign_themes",
    "emphasis_table",
    "LEAD_SENTENCES",
    "id_key",
]

#: A claim an outlet states within its first LEAD_SENTENCES sentences is in its lead.
LEAD_SENTENCES = 2


def claim_status(n_carrying: int, n_outlets: int) -> str:
    """``shared``, ``partial`` or ``unique`` for a claim carried by ``n_carrying`` of ``n_outlets``."""
    if n_carrying >= n_outlets:
        return "shared"
    return "unique" if n_carrying <= 1 else "partial"


def is_omission(n_carrying: int, n_outlets: int) -> bool:
    """Whether an outlet that does not carry a claim omits it.

    ``n_carrying`` outlets carry the claim among ``n_outlets`` in the event
    (the outlet in question is not one of them).

    Examples
    --------
    >>> is_omission(1, 2), is_omission(1, 3), is_omission(2, 3), is_omission(2, 5), is_omission(1, 5)
    (True, False, True, True, False)
    """
    others = n_outlets - 1
    if n_carrying < others / 2:
        return False
    return n_outlets < 3 or n_carrying >= 2


def _outlets_per_event(sentences: pd.DataFrame) -> dict:
    return {e: list(dict.fromkeys(f["outlet"])) for e, f in sentences.groupby("event", sort=False)}


def _claim_rows(sentences: pd.DataFrame) -> dict:
    """``{event: {claim_id: [row, ...]}}`` from the ``claim_id`` column (``;``-joined ids).

    Events and rows in the table's order; events whose sentences carry no claim are left out.
    Plain lists rather than a long table: a corpus run builds this for every event.
    """
    out: dict = {}
    for i, (event, ids) in enumerate(zip(sentences["event"].tolist(), sentences["claim_id"].tolist())):
        for cid in (c for c in str(ids).split(";") if c):
            out.setdefault(event, {}).setdefault(cid, []).append(i)
    return out


def id_key(identifier) -> tuple:
    """Sort key of claim and theme ids (``C2`` before ``C10``; ``T1`` before ``T12``): by number, then as text."""
    text = str(identifier)
    return (int(text[1:]) if text[1:].isdigit() else math.inf, text)


def theme_order(claims: pd.DataFrame) -> list:
    """Theme ids in reading order: the theme of the most widely carried claim first.

    Themes are ordered by the largest ``n_outlets`` of their claims (so what
    every outlet reported comes before one outlet's long digression, however
    many claims that holds), then by id (``T2`` before ``T10``).
    """
    if "theme_id" not in claims.columns or claims.empty:
        return []
    if "n_outlets" not in claims.columns:
        return sorted(set(claims["theme_id"]), key=id_key)
    reach = claims.groupby("theme_id", sort=False)["n_outlets"].max()
    return sorted(reach.index, key=lambda t: (-int(reach[t]), id_key(t)))


def _claim_order(claim_ids) -> list:
    return sorted(set(claim_ids), key=id_key)


_SENTENCES_FIX = "pass the sentences table of a comparison (Comparison.sentences), with its claim_id column."
_CLAIMS_FIX = "pass the claims table of a comparison (Comparison.claims, or what claims_table returns)."


def claims_table(sentences: pd.DataFrame, embeddings: np.ndarray, *, n_terms: int = 3) -> pd.DataFrame:
    """One row per claim: label, representative sentence, outlets and status.

    The representative is the member sentence that states the fewest other
    claims, and among those the one nearest the mean vector of the claim's
    sentences.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The sentences table with a ``claim_id`` column (``;``-joined ids).
    embeddings : ndarray of shape (n_sentences, dim)
        Sentence vectors, row-aligned with ``sentences``.
    n_terms : int, default 3
        Number of distinctive words in each label.

    Returns
    -------
    pandas.DataFrame
        ``event``, ``claim_id``, ``label``, ``representative``,
        ``representative_outlet``, ``outlets`` (``;``-joined, in the event's
        outlet order), ``n_outlets``, ``n_sentences``, ``status``.
    """
    from .errors import InputError
    from .terms import top_terms  # scikit-learn, imported when first needed

    require_table(sentences, ("event", "outlet", "text", "claim_id"), what="sentences table", where="claims_table",
                   fix=_SENTENCES_FIX)  # fmt: skip
    vectors = np.asarray(embeddings) if not isinstance(embeddings, np.ndarray) else embeddings
    if vectors.ndim != 2 or len(vectors) != len(sentences):
        raise InputError(
            f"claims_table needs one embedding row per sentence; got an array of shape {vectors.shape} "
            f"for {len(sentences)} sentences.",
            fix="pass the sentence vectors row-aligned with the sentences table (Comparison.embeddings).",
        )
    embeddings = vectors
    sentences = sentences.reset_index(drop=True)
    texts, outlets = sentences["text"].tolist(), sentences["outlet"].tolist()
    n_claims = [sum(1 for c in str(ids).split(";") if c) for ids in sentences["claim_id"].tolist()]
    event_outlets = _outlets_per_event(sentences)
    rows = []
    for event, claim_rows in _claim_rows(sentences).items():
        order = _claim_order(claim_rows)
        labels = top_terms([[texts[r] for r in claim_rows[c]] for c in order], n_terms=n_terms)
        outlets_all = event_outlets[event]
        for cid, terms in zip(order, labels):
            members = claim_rows[cid]
            vecs = embeddings[members]
            centroid = vecs.mean(axis=0)
            sims = vecs @ centroid
            # the member that states the fewest other claims, then the one nearest the centroid: a
            # sentence holding several claims would stand for each of them alike
            best = max(range(len(members)), key=lambda k: (-n_claims[members[k]], round(float(sims[k]), 6), -k))
            carried = {outlets[r] for r in members}
            carriers = [o for o in outlets_all if o in carried]
            rows.append(
                {
                    "event": event,
                    "claim_id": cid,
                    "label": ", ".join(terms),
                    "representative": texts[members[best]],
                    "representative_outlet": outlets[members[best]],
                    "outlets": ";".join(carriers),
                    "n_outlets": len(carriers),
                    "n_sentences": len(set(members)),
                    "status": claim_status(len(carriers), len(outlets_all)),
                }
            )
    columns = [
        "event", "claim_id", "label", "representative", "representative_outlet",
        "outlets", "n_outlets", "n_sentences", "status",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def coverage_table(sentences: pd.DataFrame, *, titles: dict | None = None) -> pd.DataFrame:
    """How prominently each outlet carries each claim.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The sentences table with a ``claim_id`` column.
    titles : dict, optional
        ``{(event, outlet): set of claim ids in the headline}``; fills ``headline``.

    Returns
    -------
    pandas.DataFrame
        One row per (event, claim, carrying outlet): ``n_sentences``,
        ``first_position`` (0-based), ``weight`` (share of the outlet's
        sentences that carry the claim), ``lead`` (in the first
        :data:`LEAD_SENTENCES` sentences), ``headline`` (in the title; NA when there is none).
    """
    sentences = sentences.reset_index(drop=True)
    events, outlets = sentences["event"].tolist(), sentences["outlet"].tolist()
    positions = sentences["position"].tolist()
    size: dict = {}
    rank = []  # each sentence's 0-based place in its own article
    for key in zip(events, outlets):
        rank.append(size.get(key, 0))
        size[key] = rank[-1] + 1
    groups: dict = {}
    for event, claim_rows in _claim_rows(sentences).items():
        for cid, members in claim_rows.items():
            for r in members:
                groups.setdefault((event, cid, outlets[r]), []).append(r)
    rows = []
    for (event, cid, outlet), members in groups.items():
        headline = pd.NA
        if titles is not None and (event, outlet) in titles:
            headline = cid in titles[(event, outlet)]
        n = len(set(members))
        rows.append(
            {
                "event": event,
                "claim_id": cid,
                "outlet": outlet,
                "n_sentences": n,
                "first_position": min(int(positions[r]) for r in members),
                "weight": round(n / size[(event, outlet)], 6),
                "lead": min(rank[r] for r in members) < LEAD_SENTENCES,
                "headline": headline,
            }
        )
    columns = ["event", "claim_id", "outlet", "n_sentences", "first_position", "weight", "lead", "headline"]
    out = pd.DataFrame(rows, columns=columns)
    return _sort_by_claim(out, sentences)


def _sort_by_claim(frame: pd.DataFrame, sentences: pd.DataFrame, extra=("outlet",)) -> pd.DataFrame:
    if frame.empty:
        return frame.reset_index(drop=True)
    event_rank = {e: i for i, e in enumerate(dict.fromkeys(sentences["event"]))}
    outlet_rank = {(e, o): i for e, outlets in _outlets_per_event(sentences).items() for i, o in enumerate(outlets)}
    key = frame.assign(
        _e=frame["event"].map(event_rank),
        _c=frame["claim_id"].str[1:].astype(int),
        _o=[outlet_rank[(e, o)] for e, o in zip(frame["event"], frame[extra[0]])],
    )
    return key.sort_values(["_e", "_c", "_o"], kind="stable").drop(columns=["_e", "_c", "_o"]).reset_index(drop=True)


def omissions_table(sentences: pd.DataFrame, claims: pd.DataFrame, closest: pd.DataFrame | None = None) -> pd.DataFrame:
    """The claims each outlet leaves out while most others carry them.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The sentences table (``event``, ``outlet``; with ``closest``, also ``position`` and ``text``).
    claims : pandas.DataFrame
        The claims table (:func:`claims_table`).
    closest : pandas.DataFrame, optional
        The third table of :func:`narrative.claims.find_claims` with ``closest=True``: each
        omitting outlet's sentence that comes closest to the claim.

    Returns
    -------
    pandas.DataFrame
        ``event``, ``outlet``, ``claim_id``, ``label``, ``carried_by``
        (``;``-joined), ``n_carrying``, ``evidence`` (the claim's
        representative sentence), ``evidence_outlet``, and from ``closest``:
        ``closest_position`` and ``closest_sentence`` (the omitting outlet's
        sentence that comes closest to the claim), ``closest_score`` (its
        match score with the claim, which stays below the threshold: see
        ``check_omissions`` of :class:`narrative.ClaimAligner`) and ``uncertain``
        (the score comes within the confidence band of the threshold: the
        omission would go with the threshold a little lower; read that sentence
        before citing the omission). These are empty without ``closest`` and
        for an outlet with no sentence that states a claim.
    """
    require_table(sentences, ("event", "outlet"), what="sentences table", where="omissions_table", fix=_SENTENCES_FIX)
    require_table(claims, ("event", "claim_id", "label", "outlets", "representative", "representative_outlet"),
                   what="claims table", where="omissions_table", fix=_CLAIMS_FIX)  # fmt: skip
    near = {}
    if closest is not None:
        require_table(closest, ("event", "claim_id", "outlet", "row", "score", "uncertain"),
                      what="closest table", where="omissions_table",
                      fix="pass the third table of find_claims(..., closest=True).")  # fmt: skip
        require_table(sentences, ("position", "text"), what="sentences table", where="omissions_table",
                      fix="pass the sentences table that find_claims was given.")  # fmt: skip
        positions, texts = sentences["position"].to_numpy(), sentences["text"].to_numpy()
        for r in closest.itertuples(index=False):  # rows are positions in the sentences table
            near[(r.event, r.claim_id, r.outlet)] = (
                int(positions[r.row]),
                str(texts[r.row]),
                float(r.score),
                bool(r.uncertain),
            )
    event_outlets = _outlets_per_event(sentences)
    rows = []
    for c in claims.itertuples(index=False):
        outlets_all = event_outlets[c.event]
        carriers = [o for o in c.outlets.split(";") if o]
        if not is_omission(len(carriers), len(outlets_all)):
            continue
        for outlet in outlets_all:
            if outlet not in carriers:
                position, text, score, doubt = near.get((c.event, c.claim_id, outlet), (pd.NA, "", np.nan, False))
                rows.append(
                    {
                        "event": c.event,
                        "outlet": outlet,
                        "claim_id": c.claim_id,
                        "label": c.label,
                        "carried_by": ";".join(carriers),
                        "n_carrying": len(carriers),
                        "evidence": c.representative,
                        "evidence_outlet": c.representative_outlet,
                        "closest_position": position,
                        "closest_sentence": text,
                        "closest_score": score,
                        "uncertain": doubt,
                    }
                )
    columns = ["event", "outlet", "claim_id", "label", "carried_by", "n_carrying", "evidence", "evidence_outlet",
               "closest_position", "closest_sentence", "closest_score", "uncertain"]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns).astype({"closest_position": "Int64", "uncertain": bool})
    return _sort_by_claim(table, sentences)


def outlet_similarity(coverage: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Pairwise outlet similarity over claims (Jaccard index of their claim sets).

    Returns
    -------
    pandas.DataFrame
        ``event``, ``outlet_a``, ``outlet_b``, ``similarity`` (0-1), ``shared_claims``,
        one row per unordered pair, ``outlet_a`` before ``outlet_b`` in the event's outlet order.
    """
    rows = []
    for event, outlets in _outlets_per_event(sentences).items():
        cov = coverage[coverage["event"] == event]
        sets = {o: set(cov.loc[cov["outlet"] == o, "claim_id"]) for o in outlets}
        for i, a in enumerate(outlets):
            for b in outlets[i + 1 :]:
                union = sets[a] | sets[b]
                both = sets[a] & sets[b]
                rows.append(
                    {
                        "event": event,
                        "outlet_a": a,
                        "outlet_b": b,
                        "similarity": round(len(both) / len(union), 6) if union else 0.0,
                        "shared_claims": len(both),
                    }
                )
    return pd.DataFrame(rows, columns=["event", "outlet_a", "outlet_b", "similarity", "shared_claims"])


def assign_themes(claims: pd.DataFrame, sentences: pd.DataFrame, embeddings: np.ndarray, *, n_themes=None):
    """Group each event's claims into a few labelled themes (narratives).

    Claims are clustered on the mean vector of their sentences (Ward linkage
    on unit vectors); each theme is labelled by its most distinctive words.

    Parameters
    ----------
    n_themes : int, optional
        Themes per event; default ``round(sqrt(n_claims / 2))`` between 1 and 6.

    Returns
    -------
    claim_theme : pandas.DataFrame
        ``event``, ``claim_id``, ``theme_id``, ``theme``.
    themes : pandas.DataFrame
        ``event``, ``theme_id``, ``theme`` (label), ``n_claims``.
    """
    from sklearn.cluster import AgglomerativeClustering

    from .terms import top_terms

    sentences = sentences.reset_index(drop=True)
    texts = sentences["text"].tolist()
    assign, theme_rows = [], []
    for event, claim_rows in _claim_rows(sentences).items():
        order = _claim_order(claim_rows)
        cent = np.vstack([embeddings[claim_rows[c]].mean(axis=0) for c in order])
        cent /= np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-12)
        k = n_themes or int(min(6, max(1, round(math.sqrt(len(order) / 2)))))
        k = min(k, len(order))
        raw = (
            np.zeros(len(order), dtype=int)
            if k == 1
            else AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(cent)
        )
        # number themes by size, then by their first claim
        sizes = {t: int((raw == t).sum()) for t in set(raw)}
        first = {t: int(np.flatnonzero(raw == t)[0]) for t in set(raw)}
        ranking = sorted(sizes, key=lambda t: (-sizes[t], first[t]))
        tid = {t: f"T{i + 1}" for i, t in enumerate(ranking)}
        docs = [[texts[i] for c, r in zip(order, raw) if r == t for i in claim_rows[c]] for t in ranking]
        labels = dict(zip(ranking, (", ".join(t) or tid[r] for t, r in zip(top_terms(docs, n_terms=3), ranking))))
        for t in ranking:
            theme_rows.append({"event": event, "theme_id": tid[t], "theme": labels[t], "n_claims": sizes[t]})
        for c, r in zip(order, raw):
            assign.append({"event": event, "claim_id": c, "theme_id": tid[r], "theme": labels[r]})
    return (
        pd.DataFrame(assign, columns=["event", "claim_id", "theme_id", "theme"]),
        pd.DataFrame(theme_rows, columns=["event", "theme_id", "theme", "n_claims"]),
    )


def emphasis_table(coverage: pd.DataFrame, claims: pd.DataFrame, sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of each outlet's sentences given to each theme.

    Parameters
    ----------
    coverage : pandas.DataFrame
        The coverage table (:func:`coverage_table`).
    claims : pandas.DataFrame
        The claims table with ``theme_id`` and ``theme``.
    sentences : pandas.DataFrame, optional
        The sentences table with ``claim_id``. With it, each sentence counts once:
        a sentence that states k claims gives 1/k to the theme of each, so an
        outlet's weights add up to the share of its sentences that state a claim
        (1 when every sentence does). Without it, the claims' coverage weights
        are added, and a sentence that states several claims counts for each.

    Returns
    -------
    pandas.DataFrame
        ``event``, ``outlet``, ``theme_id``, ``theme``, ``weight`` (share of the
        outlet's sentences), ``n_claims`` (the theme's claims the outlet carries).
    """
    merged = coverage.merge(claims[["event", "claim_id", "theme_id", "theme"]], on=["event", "claim_id"], how="left")
    keys = ["event", "outlet", "theme_id", "theme"]
    out = merged.groupby(keys, sort=False).agg(weight=("weight", "sum"), n_claims=("claim_id", "nunique")).reset_index()
    if sentences is not None:
        theme_of = claims.set_index(["event", "claim_id"])["theme_id"].to_dict()
        size: dict = {}
        shares: dict = {}
        for event, outlet, ids in zip(sentences["event"], sentences["outlet"], sentences["claim_id"].astype(str)):
            size[(event, outlet)] = size.get((event, outlet), 0) + 1
            held = [c for c in ids.split(";") if c]
            for cid in held:
                key = (event, outlet, theme_of.get((event, cid)))
                shares[key] = shares.get(key, 0.0) + 1.0 / len(held)
        out["weight"] = [
            shares.get((e, o, t), 0.0) / size[(e, o)] for e, o, t in zip(out["event"], out["outlet"], out["theme_id"])
        ]
    out["weight"] = out["weight"].round(6)
    return out.sort_values(["event", "outlet", "theme_id"], kind="stable").reset_index(drop=True)
