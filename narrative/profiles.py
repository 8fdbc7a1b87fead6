"""Outlet profiles across many events: how each outlet treats the claims most outlets report.

Definitions (per event, over the outlets of that event):

- A **majority claim** is a claim carried by more than half of the event's
  outlets (at least 2 of 3, 3 of 4 or 5, ...); with two outlets, a claim both carry.
- An outlet **carries** a claim when at least one of its sentences states it.
- It **leads with** it when it carries it within its first
  :data:`narrative.compare.LEAD_SENTENCES` sentences (the coverage table's ``lead``).
- It **buries** it when it carries it but first states it in the last
  half of its article: ``first_rank >= bury_from * n_sentences``, with
  ``first_rank`` the 0-based rank of the first sentence stating it among the
  outlet's sentences of the event (the coverage table's ``first_position`` when
  positions run 0, 1, 2, ...), ``n_sentences`` the length of its article and
  ``bury_from`` 0.5 by default. A claim in the lead is never buried.
- It **omits** it when it does not carry it.

Every majority claim is, for each outlet of its event, exactly one of
``lead``, ``body`` (carried, neither lead nor buried), ``buried`` or ``omitted``.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["PLACEMENTS", "PROFILE_MEASURES", "majority_placement", "outlet_profiles"]

#: The placements of a majority claim in one outlet's article, from most to least prominent.
PLACEMENTS = ("lead", "body", "buried", "omitted")
#: The rates of :func:`outlet_profiles`, in order.
PROFILE_MEASURES = ("carries", "leads", "buries", "omits")


def majority_placement(coverage: pd.DataFrame, sentences: pd.DataFrame, *, bury_from: float = 0.5) -> pd.DataFrame:
    """Where each outlet places each majority claim of each event.

    Parameters
    ----------
    coverage : pandas.DataFrame
        The coverage table (``event``, ``claim_id``, ``outlet``, ``first_position``, ``lead``).
    sentences : pandas.DataFrame
        The sentences table (``event``, ``outlet``, ``position``), for the
        outlets of each event and the length and order of their articles.
    bury_from : float, default 0.5
        Share of the article after which a first mention counts as buried.

    Returns
    -------
    pandas.DataFrame
        One row per (event, majority claim, outlet of the event): ``event``,
        ``claim_id``, ``outlet``, ``n_carrying`` (outlets carrying the claim),
        ``n_outlets`` (in the event), ``first_rank`` (0-based, NA when omitted),
        ``n_sentences`` (of the outlet's article), ``placement`` (one of :data:`PLACEMENTS`).

    Examples
    --------
    >>> s = pd.DataFrame({"event": "e", "outlet": ["a"] * 4 + ["b"] * 4 + ["c"] * 4, "position": [0, 1, 2, 3] * 3})
    >>> cov = pd.DataFrame({"event": "e", "claim_id": ["C1", "C1", "C2"], "outlet": ["a", "b", "c"],
    ...                     "first_position": [0, 3, 1], "lead": [True, False, True]})
    >>> majority_placement(cov, s)[["claim_id", "outlet", "placement"]].to_numpy().tolist()
    [['C1', 'a', 'lead'], ['C1', 'b', 'buried'], ['C1', 'c', 'omitted']]
    """
    if not 0 < bury_from <= 1:
        raise ValueError(f"bury_from must be in (0, 1]; got {bury_from!r}.")
    columns = ["event", "claim_id", "outlet", "n_carrying", "n_outlets", "first_rank", "n_sentences", "placement"]
    rows = []
    for event, s in sentences.groupby("event", sort=False):
        outlets = list(dict.fromkeys(s["outlet"]))
        length = s.groupby("outlet", sort=False).size()
        rank = {
            o: {int(p): r for r, p in enumerate(sorted(g["position"].astype(int)))}
            for o, g in s.groupby("outlet", sort=False)
        }
        cov = coverage[coverage["event"] == event]
        for cid, g in cov.groupby("claim_id", sort=False):
            carriers = {o: row for o, row in zip(g["outlet"], g.itertuples(index=False)) if o in length.index}
            if len(carriers) * 2 <= len(outlets):
                continue
            for outlet in outlets:
                n = int(length[outlet])
                row = carriers.get(outlet)
                if row is None:
                    rows.append((event, cid, outlet, len(carriers), len(outlets), pd.NA, n, "omitted"))
                    continue
                first = rank[outlet].get(int(row.first_position), int(row.first_position))
                if bool(row.lead):
                    placement = "lead"
                elif first >= bury_from * n:
                    placement = "buried"
                else:
                    placement = "body"
                rows.append((event, cid, outlet, len(carriers), len(outlets), first, n, placement))
    out = pd.DataFrame(rows, columns=columns)
    if out.empty:
        return out
    out["first_rank"] = out["first_rank"].astype("Int64")
    key = out["claim_id"].str[1:].str.extract(r"^(\d+)", expand=False).fillna("0").astype(int)
    event_rank = {e: i for i, e in enumerate(dict.fromkeys(sentences["event"]))}
    order = out.assign(_e=out["event"].map(event_rank), _c=key)
    return order.sort_values(["_e", "_c"], kind="stable").drop(columns=["_e", "_c"]).reset_index(drop=True)


def outlet_profiles(coverage: pd.DataFrame, sentences: pd.DataFrame, *, bury_from: float = 0.5) -> pd.DataFrame:
    """How often each outlet carries, leads with, buries or omits the majority claims, across events.

    Parameters
    ----------
    coverage, sentences : pandas.DataFrame
        The coverage and sentences tables of a comparison of one or many events.
    bury_from : float, default 0.5
        See :func:`majority_placement`.

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per (outlet, measure): ``outlet``, ``measure`` (one of
        :data:`PROFILE_MEASURES`), ``n`` (majority claims so treated),
        ``n_majority`` (majority claims in the events the outlet covers),
        ``rate`` (``n / n_majority``), ``n_events``. ``carries`` counts
        claims in the lead, body or buried; ``carries + omits = 1``.
        Outlets in order of first appearance.

    See Also
    --------
    majority_placement : the per-claim placements these rates count.
    narrative.plot.plot_profiles : chart the rates.
    """
    placed = majority_placement(coverage, sentences, bury_from=bury_from)
    events = sentences.groupby("outlet", sort=False)["event"].nunique()
    rows = []
    for outlet in events.index:
        p = placed[placed["outlet"] == outlet]["placement"] if len(placed) else pd.Series(dtype=str)
        total = len(p)
        counts = {
            "carries": int((p != "omitted").sum()),
            "leads": int((p == "lead").sum()),
            "buries": int((p == "buried").sum()),
            "omits": int((p == "omitted").sum()),
        }
        for measure in PROFILE_MEASURES:
            rows.append(
                {
                    "outlet": outlet,
                    "measure": measure,
                    "n": counts[measure],
                    "n_majority": total,
                    "rate": round(counts[measure] / total, 6) if total else float("nan"),
                    "n_events": int(events[outlet]),
                }
            )
    return pd.DataFrame(rows, columns=["outlet", "measure", "n", "n_majority", "rate", "n_events"])
