"""Everything -> one self-contained HTML page.

Article text is untrusted: the page is rendered by Jinja2 with autoescaping
on, so every sentence, title and outlet name appears as plain text; a
Content-Security-Policy allows no script but the page's own (by hash), no
external resource, and images only from ``data:`` URLs.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import posixpath
from collections import Counter
from importlib import resources

from .compare import id_key, theme_order

__all__ = ["render_report", "coverage_grid"]

#: Shades of the coverage grid (cividis, light to dark): the share of an outlet's sentences
#: that carry the claim, in fifths of the event's largest share.
GRID_LEVELS = 5


def coverage_grid(result, event, outlets=None) -> dict:
    """The coverage chart of one event as plain data for an HTML table.

    Rows are the event's claims grouped by theme (the theme of the most widely
    carried claim first, :func:`narrative.compare.theme_order`; claims in order
    of their number), columns the outlets. Each cell holds the
    outlet's sentence count for the claim and a shade from 1 to
    :data:`GRID_LEVELS` (its share of the outlet's sentences against the event's
    largest share), or marks an omission.

    Returns
    -------
    dict
        ``{"outlets": [...], "groups": [{"theme": str, "rows": [...]}, ...], "headlines": bool}``
        (``headlines``: whether the input gave headlines); a row is
        ``{"claim_id", "text", "label", "status", "uncertain", "repeated", "cells"}`` (``repeated``:
        another row of the event shows the same sentence) and a cell
        ``{"kind": "carried"|"omitted"|"absent", "n", "level", "title"}``, a carried cell also
        ``"headline"`` (the outlet's headline states the claim) and ``"row"`` (the index in
        ``result.sentences`` of the outlet's first sentence of the claim), an omitted cell also
        ``"uncertain"`` (the outlet has a sentence that comes close to the claim).
    """
    claims = result.claims[result.claims["event"] == event]
    cov = result.coverage[result.coverage["event"] == event]
    om = result.omissions[result.omissions["event"] == event]
    if outlets is None:
        outlets = list(dict.fromkeys(result.sentences.loc[result.sentences["event"] == event, "outlet"]))
    carried = {
        (c, o): (int(n), float(w))
        for c, o, n, w in zip(cov["claim_id"], cov["outlet"], cov["n_sentences"], cov["weight"])
    }
    in_headline = {
        (c, o) for c, o, h in zip(cov["claim_id"], cov["outlet"], cov["headline"]) if str(h).lower() == "true"
    }
    top = max((w for _, w in carried.values()), default=0.0) or 1.0
    first_row = _first_sentences(result.sentences[result.sentences["event"] == event])  # a carried cell links there
    omitted = {(c, o): by for c, o, by in zip(om["claim_id"], om["outlet"], om["carried_by"])}
    doubtful = {  # omissions whose outlet has a sentence that comes close to the claim
        (c, o): float(score)
        for c, o, u, score in zip(
            om["claim_id"], om["outlet"], om.get("uncertain", [False] * len(om)), om.get("closest_score", [0] * len(om))
        )
        if bool(u)
    }
    records = claims.to_dict("records")
    rank = {t: k for k, t in enumerate(theme_order(claims))}
    records.sort(key=lambda r: (rank.get(r.get("theme_id", ""), len(rank)), id_key(r["claim_id"])))
    groups: list[dict] = []
    for r in records:
        theme = r.get("theme", "") or ""
        if not groups or groups[-1]["theme_id"] != r.get("theme_id", ""):
            groups.append({"theme_id": r.get("theme_id", ""), "theme": theme, "rows": []})
        cid = r["claim_id"]
        cells = []
        for o in outlets:
            if (cid, o) in carried:
                n, w = carried[cid, o]
                level = min(GRID_LEVELS, max(1, math.ceil(w / top * GRID_LEVELS - 1e-9)))
                title = f"{o}: {n} sentence{'s' if n != 1 else ''} ({w:.0%} of its sentences)"
                headline = (cid, o) in in_headline
                if headline:
                    title += "; its headline states it"
                cells.append(
                    {
                        "kind": "carried",
                        "n": n,
                        "level": level,
                        "title": title,
                        "headline": headline,
                        "row": first_row.get(cid, {}).get(o),
                    }
                )
            elif (cid, o) in omitted:
                by = str(omitted[cid, o]).replace(";", ", ")
                title = f"{o} omits it (carried by {by})"
                if (cid, o) in doubtful:
                    title += f"; but one of its sentences comes close (match {doubtful[cid, o]:.2f})"
                cells.append({"kind": "omitted", "n": 0, "level": 0, "title": title, "uncertain": (cid, o) in doubtful})
            else:
                cells.append({"kind": "absent", "n": 0, "level": 0, "title": f"not in {o}"})
        groups[-1]["rows"].append(
            {
                "claim_id": cid,
                "text": r.get("representative", ""),
                "label": r.get("label", ""),
                "status": r.get("status", ""),
                "uncertain": bool(r.get("uncertain", False)),
                "cells": cells,
            }
        )
    texts = Counter(row["text"] for g in groups for row in g["rows"])
    for g in groups:  # rows whose sentence another row shows too: their keywords tell them apart
        for row in g["rows"]:
            row["repeated"] = texts[row["text"]] > 1
    return {"outlets": list(outlets), "groups": groups, "headlines": bool(cov["headline"].notna().any())}


def _first_sentences(s_ev) -> dict[str, dict[str, int]]:
    """Claim id -> outlet -> the row (index in the sentences table) of the outlet's first sentence of it."""
    first: dict[str, dict[str, int]] = {}
    for row, outlet, ids in zip(s_ev.index, s_ev["outlet"], s_ev["claim_id"]):
        for cid in filter(None, str(ids).split(";")):
            first.setdefault(cid, {}).setdefault(outlet, int(row))
    return first


@functools.cache
def _template_text(name: str) -> str:
    return resources.files("narrative").joinpath("templates", name).read_text(encoding="utf-8")


@functools.cache
def _template():
    """The report template, compiled once per process (a corpus run renders a report per event)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.from_string(_template_text("report.html.j2"))


def render_report(
    result,
    *,
    figures: dict | None = None,
    title: str | None = None,
    event_links: dict | None = None,
    figures_elsewhere: bool = False,
    figure_links: bool = True,
    figure_files: dict | None = None,
    corpus_link: str | None = None,
) -> str:
    """Render a :class:`~narrative.Comparison` as one HTML page.

    Parameters
    ----------
    result : Comparison
    figures : dict, optional
        ``{event: [(name, caption, png_bytes), ...]}`` to embed. The coverage
        chart is not embedded: the page shows it as a table (:func:`coverage_grid`).
    title : str, optional
        Page title; default the input's name or the single event's id.
    event_links : dict, optional
        ``{event: relative URL}`` of each event's own report (a corpus run's
        ``events/<event>/report.html``), linked from the event's heading.
    figures_elsewhere : bool, default False
        Say that the figures are not on this page but in each event's own report.
    figure_links : bool, default True
        Link each embedded figure to its PNG file, to open it full size: the file
        :func:`narrative.output.write_outputs` writes beside the page
        (``figures/<event>/<name>.png``), or for an event with a link in
        ``event_links``, the file in that event's own output folder (from which a
        corpus run reads its figures). Pass False for a page kept elsewhere.
    figure_files : dict, optional
        ``{event: [(name, caption), ...]}`` of figures drawn into ``figures/`` but not
        embedded (a page of many events): each event links to its PNG files.
    corpus_link : str, optional
        Relative URL of the combined report of the corpus this event belongs to, linked
        from the top of the page.

    Returns
    -------
    str
        The HTML document.
    """
    from markupsafe import Markup

    template = _template()
    script = _template_text("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    sentences = result.sentences
    summary = result.summary()
    events = []
    for k, event in enumerate(result.events):
        s_ev = sentences[sentences["event"] == event]
        claims = result.claims[result.claims["event"] == event]
        by_claim = _first_sentences(s_ev)  # rows of each claim per outlet, for match links
        titles = {}
        if result.articles is not None:
            a_ev = result.articles[result.articles["event"] == event]
            titles = dict(zip(a_ev["outlet"], a_ev["title"]))
        articles = []
        for outlet, g in s_ev.groupby("outlet", sort=False):
            sents = []
            for row, text, ids, status in zip(g.index, g["text"], g["claim_id"], g["status"]):
                cids = [c for c in ids.split(";") if c]
                matches = {}
                for cid in cids:
                    for other, r in by_claim.get(cid, {}).items():
                        if other != outlet:
                            matches.setdefault(other, r)
                sents.append(
                    {
                        "row": int(row),
                        "text": text,
                        "claims": cids,
                        "status": status or "none",
                        "matches": [{"outlet": o, "row": r} for o, r in matches.items()],
                    }
                )
            articles.append({"outlet": outlet, "title": titles.get(outlet, ""), "sentences": sents})
        claim_rows = []
        for c in claims.to_dict("records"):
            first = by_claim.get(c["claim_id"], {}).get(c.get("representative_outlet"))
            c["first_row"] = first
            c["uncertain"] = bool(c.get("uncertain", False))
            c.setdefault("theme", "")
            claim_rows.append(c)
        status_counts = claims["status"].value_counts()
        events.append(
            {
                "index": k,
                "name": event,
                "n_outlets": len(articles),
                "n_sentences": len(s_ev),
                "n_claims": len(claims),
                "status_counts": {s: int(status_counts.get(s, 0)) for s in ("shared", "partial", "unique")},
                "n_omissions": int((result.omissions["event"] == event).sum()),
                "summary": summary[summary["event"] == event].to_dict("records"),
                "omissions": _omissions_by_claim(
                    result.omissions[result.omissions["event"] == event],
                    dict(zip(zip(s_ev["outlet"], s_ev["position"]), (int(r) for r in s_ev.index))),
                ),
                "claims": claim_rows,
                "articles": articles,
                "grid": coverage_grid(result, event, [a["outlet"] for a in articles]),
                "figures": [  # the coverage chart is on the page as a table (the grid above)
                    {
                        "caption": caption,
                        "data": base64.b64encode(png).decode("ascii"),
                        "href": _figure_href(event, k, name, (event_links or {}).get(event)) if figure_links else None,
                    }
                    for name, caption, png in (figures or {}).get(event, [])
                    if name != "coverage"
                ],
                "link": (event_links or {}).get(event),
                "files": [
                    {"caption": caption, "href": _figure_href(event, k, name, None)}
                    for name, caption in (figure_files or {}).get(event, [])
                ],
            }
        )
    prov = result.provenance
    if title is None:
        title = _default_title(result.events, (prov.get("input") or {}).get("name"))
    return template.render(
        title=title,
        prov=prov,
        notes=result.notes,
        events=events,
        css=Markup(_template_text("report.css")),
        script=Markup(script),
        script_hash=f"sha256-{digest}",
        figures_elsewhere=figures_elsewhere,
        corpus_link=corpus_link,
    )


def _default_title(events: list, input_name: str | None) -> str:
    """What the page is about: the event id(s), not the input's file name (a table holds events)."""
    names = [str(e) for e in events]
    if len(names) == 1:
        return names[0]
    if 1 < len(names) <= 3:
        return ", ".join(names[:-1]) + " and " + names[-1]
    if names:
        return f"{len(names)} events" + (f" in {input_name}" if input_name else "")
    return input_name or "the events"


def _figure_href(event, index: int, name: str, event_link: str | None) -> str:
    """The relative URL of a figure's PNG file, where the run that made the page wrote it."""
    from .output import _safe_name

    if event_link:  # a corpus run: the event's own output folder holds the figures it embeds
        return posixpath.join(posixpath.dirname(event_link), "figures", _safe_name(event, 0), f"{name}.png")
    return f"figures/{_safe_name(event, index)}/{name}.png"


def _omissions_by_claim(om, rows=None) -> list[dict]:
    """The omissions of one event, one entry per claim: the outlets that leave it out, its evidence once.

    ``carried_by``, ``evidence``, ``evidence_outlet`` and ``label`` are properties of the claim (the
    same on each of its omission rows); claims in order of their number. Each outlet that leaves
    it out comes with its closest sentence when the omission is ``uncertain``; ``rows`` maps
    (outlet, position) to the sentence's row, for a link to it.
    """
    import pandas as pd

    rows = rows or {}
    entries: dict[tuple, dict] = {}
    for o in om.to_dict("records"):
        key = (o["claim_id"], o.get("carried_by"), o.get("evidence"), o.get("evidence_outlet"))
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = {
                "claim_id": o["claim_id"],
                "label": o.get("label", "") or "",
                "carried_by": [c for c in str(o.get("carried_by", "") or "").split(";") if c],
                "evidence": o.get("evidence", "") or "",
                "evidence_outlet": o.get("evidence_outlet", "") or "",
                "outlets": [],
            }
        outlet = {"outlet": o["outlet"], "uncertain": bool(o.get("uncertain", False))}
        if outlet["uncertain"]:
            position = o.get("closest_position")
            outlet["closest"] = str(o.get("closest_sentence", "") or "")
            outlet["score"] = f"{float(o.get('closest_score')):.2f}"
            outlet["row"] = None if pd.isna(position) else rows.get((o["outlet"], int(position)))
        entry["outlets"].append(outlet)
    return sorted(entries.values(), key=lambda r: id_key(r["claim_id"]))
