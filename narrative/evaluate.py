"""Score claim alignment against human annotations (the claims-gold format).

A gold file labels every sentence of one event with the claims it states::

    {"triplet" or "event": "<id>", "claims": {"C1": "...", ...},
     "sentences": [{"outlet": "fox", "index": 0, "text": "...", "claims": ["C1", "C4"]}, ...]}

Two metrics, micro-averaged over events:

- **pair** precision / recall / F1 over all pairs of sentences of different
  outlets: a pair is positive when the two sentences share at least one claim;
- **unique** precision / recall / F1: a sentence is unique when no sentence of
  another outlet shares a claim with it (what only this outlet said).

Where the sentences come from (first rule that applies):

1. a folder named after the event (or after the gold file's name up to its
   first dot) next to the gold file: the articles in it are read and split
   by the real pipeline;
2. a BASIL triplet (``"triplet"`` key): the BASIL articles (``articles=`` or
   the research datasets folder);
3. otherwise the sentence texts of the gold file itself.

Every function takes and returns tidy DataFrames, so notebooks can score any
alignment: :func:`read_gold`, :func:`gold_sentences`, :func:`score_alignment`,
:func:`evaluate`, :func:`pair_table`, :func:`pool_scores`.

Two checks against annotations made for other purposes score the sentences
the tool calls "only this outlet said it" (:func:`uniqueness_table`):
:func:`informational_bias_check` against BASIL's expert informational-bias
sentences, :func:`partisan_enrichment` against PAC's partisan events.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .claims import DEFAULT_THRESHOLD, ClaimAligner, check_threshold, find_claims
from .errors import InputError, require_table
from .pairs import PAIR_FEATURES, pair_features

__all__ = [
    "read_gold",
    "gold_sentences",
    "score_alignment",
    "score_omissions",
    "omission_summary",
    "sweep_thresholds",
    "evaluate",
    "evaluate_command",
    "write_scores",
    "EVALUATE_MARKER",
    "pair_table",
    "pool_scores",
    "event_interval",
    "uniqueness_table",
    "informational_bias_check",
    "partisan_enrichment",
    "SCORE_COLUMNS",
]

#: Columns of the tables :func:`score_alignment` returns.
SCORE_COLUMNS = (
    "event", "sentences", "pair_tp", "pair_fp", "pair_fn", "pair_precision", "pair_recall", "pair_f1",
    "unique_tp", "unique_fp", "unique_fn", "unique_precision", "unique_recall", "unique_f1",
)  # fmt: skip


def _gold_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.is_file())
        if not files:
            raise InputError(
                "no gold .json files in this folder.", path=path, fix="give a gold file or a folder of them."
            )
        return files
    if not path.exists():
        raise InputError("the gold file or folder does not exist.", path=path)
    return [path]


def read_gold(path) -> pd.DataFrame:
    """Read gold claim annotations (one file, or a folder of ``.json`` files).

    Returns
    -------
    pandas.DataFrame
        One row per annotated sentence: ``event``, ``outlet``, ``position``
        (the sentence ``index``), ``text`` (may be empty), ``gold`` (its claim ids
        joined by ``;``), ``kind`` (``"basil"`` for a BASIL triplet, else ``"event"``),
        ``file``.
    """
    rows = []
    for file in _gold_files(Path(path)):
        try:
            doc = json.loads(file.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise InputError(
                f"cannot read this gold file ({exc}).",
                path=file,
                fix="save it as JSON in UTF-8 (check it with `python -m json.tool FILE`).",
            ) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("sentences"), list):
            raise InputError(
                "this is not a claims-gold file: it lacks the 'sentences' list.",
                path=file,
                fix="use the format of the claims-gold guidelines (see `narrative evaluate --help`).",
            )
        if not doc["sentences"]:
            raise InputError(
                "this gold file annotates no sentences (its 'sentences' list is empty).",
                path=file,
                fix="add the event's sentences with their claims, or remove the file from the folder.",
            )
        kind = "basil" if "triplet" in doc else "event"
        event = doc.get("triplet") or doc.get("event") or file.name.split(".")[0]
        for k, s in enumerate(doc["sentences"]):
            try:
                claims = s["claims"]
                outlet = s["outlet"]
                if not isinstance(outlet, str) or not outlet.strip():
                    raise ValueError(outlet)
                index = s["index"]
                if isinstance(index, bool) or int(index) != index or index < 0:
                    raise ValueError(index)
                index = int(index)
            except (KeyError, TypeError, ValueError, OverflowError):
                raise InputError(
                    "a sentence entry lacks 'outlet' (a name), 'index' (a whole number, 0 or more) or 'claims'.",
                    path=file,
                    row=k + 1,
                    fix="give each sentence its outlet, its 0-based index in the article and its list of claim ids.",
                ) from None
            if not isinstance(claims, list) or not all(
                isinstance(c, str | int) and not isinstance(c, bool) for c in claims
            ):
                raise InputError(
                    "'claims' must be a list of claim ids (strings or numbers).",
                    path=file,
                    row=k + 1,
                    fix='write e.g. "claims": ["C1", "C3"], or "claims": [] for a sentence that states no claim.',
                )
            bad = [str(c) for c in claims if ";" in str(c) or not str(c).strip()]
            if bad:
                raise InputError(
                    f"sentence {outlet} {index} has the claim id {bad[0]!r}; ids may not be empty or hold ';', "
                    "which separates claims in the output tables.",
                    path=file,
                    row=k + 1,
                    fix='list several claims as separate ids, e.g. "claims": ["C1", "C2"], or rename the id.',
                )
            text = s.get("text")
            if text is not None and not isinstance(text, str):
                raise InputError(
                    f"sentence {outlet} {index} has a 'text' that is not a string ({type(text).__name__}).",
                    path=file,
                    row=k + 1,
                    fix="give the sentence's text as a string, or leave 'text' out.",
                )
            described = doc.get("claims")
            unknown = [c for c in claims if isinstance(described, dict) and described and str(c) not in described]
            if unknown:
                raise InputError(
                    f"sentence {outlet} {index} names claim {str(unknown[0])!r}, which the file's 'claims' "
                    "does not describe.",
                    path=file,
                    row=k + 1,
                    fix="correct the id (ids are compared exactly, spaces and case included), or add it to 'claims'.",
                )
            rows.append(
                (
                    str(event),
                    outlet,
                    index,
                    str(s.get("text") or ""),
                    ";".join(map(str, claims)),
                    kind,
                    str(file),
                    k + 1,
                )
            )
    gold = pd.DataFrame(rows, columns=["event", "outlet", "position", "text", "gold", "kind", "file", "_entry"])
    _check_duplicates(gold)
    return gold.drop(columns="_entry")


def _check_duplicates(gold: pd.DataFrame) -> None:
    """Refuse a sentence (event, outlet, index) annotated twice, naming both entries."""
    dup = gold.duplicated(["event", "outlet", "position"])
    if not dup.any():
        return
    r = gold[dup].iloc[0]
    first = gold[(gold["event"] == r.event) & (gold["outlet"] == r.outlet) & (gold["position"] == r.position)].iloc[0]
    if first.file == r.file:
        raise InputError(
            f"the sentence of outlet {r.outlet!r} at index {r.position} (event {r.event!r}) is annotated twice: "
            f"entries {first['_entry']} and {r['_entry']} of the 'sentences' list.",
            path=r.file,
            row=int(r["_entry"]),
            fix="keep one entry per sentence: merge the two 'claims' lists into one, or correct the 'index' of the "
            "entry that is another sentence (indices are 0-based positions in the outlet's article).",
        )
    raise InputError(
        f"the sentence of outlet {r.outlet!r} at index {r.position} (event {r.event!r}) is annotated in two gold "
        f"files: entry {r['_entry']} here and entry {first['_entry']} of {first.file}.",
        path=r.file,
        row=int(r["_entry"]),
        fix="give each event one gold file, or give the two files different event names (the key 'event').",
    )


def _event_folder(file: Path, event: str) -> Path | None:
    for name in (event, file.name.split(".")[0]):
        folder = file.parent / name
        if folder.is_dir():
            return folder
    return None


def gold_sentences(gold: pd.DataFrame, *, articles=None) -> tuple[pd.DataFrame, list[str]]:
    """The sentences the pipeline runs on for each gold event, and notes on where they came from.

    Returns
    -------
    sentences : pandas.DataFrame
        ``event``, ``outlet``, ``position``, ``text`` (and ``source``).
    notes : list of str
    """
    from .datasets import find_dataset, read_basil
    from .io import EmptyArticleError, read_input
    from .pipeline import prepare_sentences

    parts, notes = [], []
    basil_events = sorted(set(gold.loc[gold["kind"] == "basil", "event"]))
    basil = None
    if basil_events:
        where = articles if articles is not None else find_dataset("basil")
        if where is not None:
            basil = read_basil(where, events=basil_events)
        else:
            notes.append("BASIL articles not found; the sentence texts of the gold files are used.")
    for event, g in gold.groupby("event", sort=False):
        file = Path(g["file"].iloc[0])
        folder = _event_folder(file, event)
        if folder is not None:
            try:
                s = prepare_sentences(read_input(folder))
            except EmptyArticleError as exc:
                exc.fix = "add the article's text, or remove the file and its outlet's sentences from the gold file."
                raise
            s = s.assign(event=event)
            notes.append(f"{event}: articles read from {folder}.")
        elif basil is not None and event in basil_events:
            s = basil[basil["event"] == event]
            if s.empty and (g["text"] != "").all():
                s = g.assign(source=g["file"])
                notes.append(f"{event}: not in the BASIL articles found; the sentence texts of the gold file are used.")
            elif s.empty:
                raise InputError(
                    f"event {event!r} is not in the BASIL articles, and the gold file does not hold every "
                    "sentence's text.",
                    path=file,
                    fix="give --articles the BASIL folder that holds it, add each sentence's 'text', or (for an "
                    "event of your own) name it with the key 'event' and put its articles in a folder of that name "
                    "next to the gold file.",
                )
        else:
            empty = g["text"].str.strip() == ""
            if empty.all():
                raise InputError(
                    f"event {event!r}: the gold file holds no sentence texts and no articles were found.",
                    path=file,
                    fix="give each gold sentence its 'text', or put the articles (one file per outlet) in a folder "
                    "named after the event next to the gold file; for BASIL events, --articles names BASIL's folder.",
                )
            if empty.any():
                r = g[empty].iloc[0]
                raise InputError(
                    f"gold sentence {r.outlet} {r.position} of event {event!r} has an empty 'text' "
                    f"({int(empty.sum())} of the event's {len(g)} sentences do), and no articles were found to read "
                    "it from.",
                    path=file,
                    fix=f"fill in the 'text' of that sentence (outlet {r.outlet!r}, index {r.position}), or put the "
                    f"articles in a folder named {event!r} next to the gold file so that every text is read from them.",
                )
            s = g.assign(source=g["file"])
        parts.append(s[["event", "outlet", "position", "text", "source"]])
    sentences = pd.concat(parts, ignore_index=True)
    notes.extend(_check_match(gold, sentences))
    return sentences, notes


_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " "})


def _norm(text: str) -> str:
    return " ".join(str(text).translate(_QUOTES).split())


def _check_match(gold: pd.DataFrame, sentences: pd.DataFrame) -> list[str]:
    """Check that the gold rows and the pipeline's sentences are the same sentences; return warnings.

    Every gold sentence must exist (same outlet and 0-based index) and, where the
    gold gives its text, read the same (up to spaces and quotation-mark style).
    A sentence of the articles with no gold row is an error when the event's gold
    holds no texts (its indices cannot be checked: one extra sentence would shift
    every label after it), and a warning otherwise (it is aligned but not scored).
    """
    warnings = []
    merged = gold.merge(sentences, on=["event", "outlet", "position"], how="left", suffixes=("", "_run"))
    missing = merged["text_run"].isna()
    if missing.any():
        r = merged[missing].iloc[0]
        run = sentences[(sentences["event"] == r.event) & (sentences["outlet"] == r.outlet)]
        if run.empty:
            raise InputError(
                f"outlet {r.outlet!r} of event {r.event!r} has gold sentences but no article.",
                path=r.file,
                fix=f"add the outlet's article (e.g. {r.outlet}.txt in the event's folder), or remove its sentences "
                "from the gold file.",
            )
        zero = " Indices are 0-based." if merged.loc[missing, "position"].max() == run["position"].max() + 1 else ""
        raise InputError(
            f"gold sentence {r.outlet} {r.position} of event {r.event!r} has no sentence in the articles "
            f"({int(missing.sum())} such; the article of {r.outlet!r} has {len(run)} sentences).{zero}",
            path=r.file,
            fix="check that the gold file and the articles are the same version, and that each 'index' is the "
            "sentence's 0-based position in its article.",
        )
    bad = merged[(merged["text"] != "") & (merged["text"].map(_norm) != merged["text_run"].map(_norm))]
    if len(bad):
        r = bad.iloc[0]
        raise InputError(
            f"gold sentence {r.outlet} {r.position} of event {r.event!r} reads {r.text[:60]!r} but the "
            f"articles give {str(r.text_run)[:60]!r} ({len(bad)} such).",
            path=r.file,
            fix="the article has a sentence more or less before this one, or is split into sentences differently: "
            "correct the article or the gold indices, or remove the articles folder to score on the gold file's texts.",
        )
    covered = sentences.merge(gold[["event", "outlet", "position", "text"]], on=["event", "outlet", "position"],
                              how="left", suffixes=("", "_gold"), indicator=True)  # fmt: skip
    for (event, outlet), g in covered[covered["_merge"] == "left_only"].groupby(["event", "outlet"], sort=False):
        event_gold = gold[gold["event"] == event]
        first = g.iloc[0]
        if not (event_gold["outlet"] == outlet).any():
            warnings.append(
                f"warning: event {event!r}: outlet {outlet!r} has an article but no gold sentences; its "
                f"{len(g)} sentence(s) take part in the alignment but are not scored."
            )
        elif (event_gold["text"] == "").all():
            raise InputError(
                f"event {event!r}: {len(g)} sentence(s) of {outlet!r} have no gold row, first index "
                f"{int(first.position)} ({str(first.text)[:60]!r}); without sentence texts in the gold file "
                "the indices cannot be checked, and one extra sentence shifts every label after it.",
                path=event_gold["file"].iloc[0],
                fix="give every sentence of the article a gold row (0-based index), or add each sentence's 'text' "
                "to the gold file so that the two can be matched.",
            )
        else:
            warnings.append(
                f"warning: event {event!r}: {len(g)} sentence(s) of {outlet!r} have no gold row (first: index "
                f"{int(first.position)}, {str(first.text)[:60]!r}); they take part in the alignment but are not scored."
            )
    return warnings


def _split(ids) -> set:
    return {c for c in str(ids).split(";") if c and c != "nan"}


def _share(claims: list[set]) -> np.ndarray:
    """``(n, n)`` bool: do sentences ``i`` and ``j`` share a claim id?"""
    ids = {c: k for k, c in enumerate(sorted(set().union(*claims)))}
    A = np.zeros((len(claims), len(ids)), dtype=np.int64)
    for i, cs in enumerate(claims):
        A[i, [ids[c] for c in cs]] = 1
    return (A @ A.T) > 0


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _rates(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1, NaN where undefined (0/0); F1 is ``2tp / (2tp + fp + fn)``."""
    nan = float("nan")
    p = tp / (tp + fp) if tp + fp else nan
    r = tp / (tp + fn) if tp + fn else nan
    if p + r > 0:
        return p, r, 2 * p * r / (p + r)
    return p, r, (0.0 if tp + fp + fn else nan)


def score_alignment(gold: pd.DataFrame, predicted: pd.DataFrame, *, drop_unlabelled: bool = False) -> pd.DataFrame:
    """Pair and unique precision / recall / F1 per event, and ``event == "overall"`` (micro-averaged).

    Parameters
    ----------
    gold : pandas.DataFrame
        ``event``, ``outlet``, ``position``, ``gold`` (``;``-joined claim ids).
    predicted : pandas.DataFrame
        ``event``, ``outlet``, ``position``, ``claim_id`` (``;``-joined), e.g. ``Comparison.sentences``.
    drop_unlabelled : bool, default False
        Leave out sentences the annotators gave no claim.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCORE_COLUMNS`. A rate is NaN where it is undefined (0/0):
        precision when the alignment predicts no positive, recall when the gold
        has none (e.g. no cross-outlet pair sharing a claim, or no unique
        sentence), F1 when neither has any. F1 is ``2tp / (2tp + fp + fn)``, so
        it is 0 when one of precision and recall is undefined and the other 0.

    Raises
    ------
    InputError
        When ``drop_unlabelled`` leaves no sentence to score.

    Examples
    --------
    >>> g = pd.DataFrame({"event": "e", "outlet": list("aab"), "position": [0, 1, 0], "gold": ["C1", "C2", "C1"]})
    >>> p = g.assign(claim_id=["C1", "C1", "C1"])
    >>> s = score_alignment(g, p).set_index("event")
    >>> float(s.at["overall", "pair_precision"]), float(s.at["overall", "unique_recall"])
    (0.5, 0.0)
    """
    merged = gold.merge(
        predicted[["event", "outlet", "position", "claim_id"]], on=["event", "outlet", "position"], how="left"
    )
    if drop_unlabelled:
        _unlabelled_events(gold)
        merged = merged[merged["gold"].map(_split).map(bool)]
    rows = []
    for event, g in merged.groupby("event", sort=False):
        outlets = g["outlet"].to_numpy()
        gs = [_split(x) for x in g["gold"]]
        ps = [_split(x) for x in g["claim_id"].fillna("")]
        n = len(g)
        other = outlets[:, None] != outlets[None, :]
        G = _share(gs) & other
        P = _share(ps) & other
        iu = np.triu_indices(n, 1)
        tp, fp, fn = int((G & P)[iu].sum()), int((~G & P)[iu].sum()), int((G & ~P)[iu].sum())
        gu, pu = ~G.any(axis=1), ~P.any(axis=1)
        rows.append((event, n, tp, fp, fn, int((gu & pu).sum()), int((~gu & pu).sum()), int((gu & ~pu).sum())))
    counts = pd.DataFrame(
        rows, columns=["event", "sentences", "pair_tp", "pair_fp", "pair_fn", "unique_tp", "unique_fp", "unique_fn"]
    )
    total = counts.drop(columns="event").sum().to_dict()
    counts = pd.concat([counts, pd.DataFrame([{"event": "overall", **total}])], ignore_index=True)
    return _add_rates(counts)


def score_omissions(gold: pd.DataFrame, sentences: pd.DataFrame, omissions: pd.DataFrame) -> pd.DataFrame:
    """Each omission of an alignment, checked against the gold: is it confirmed?

    An omission (outlet O leaves out claim C) is ``confirmed`` when no sentence of O shares a
    gold claim with any sentence of C. The test is strict: a sentence of C that states several
    facts counts against the omission as soon as O carries any one of them.

    Parameters
    ----------
    gold : pandas.DataFrame
        From :func:`read_gold`.
    sentences : pandas.DataFrame
        The alignment's sentences table (``event``, ``outlet``, ``position``, ``claim_id``).
    omissions : pandas.DataFrame
        Its omissions table (:func:`narrative.compare.omissions_table`).

    Returns
    -------
    pandas.DataFrame
        ``omissions`` with ``confirmed`` (bool) added; an omission of an event the gold does not
        cover is left out.
    """
    require_table(gold, ("event", "outlet", "position", "gold"), what="gold table", where="score_omissions",
                  fix="pass the table read_gold returns.")  # fmt: skip
    require_table(sentences, ("event", "outlet", "position", "claim_id"), what="sentences table",
                  where="score_omissions", fix="pass the sentences table of the comparison.")  # fmt: skip
    require_table(omissions, ("event", "outlet", "claim_id"), what="omissions table", where="score_omissions",
                  fix="pass the omissions table of the comparison.")  # fmt: skip
    labels = {
        (e, o, int(p)): _split(g) for e, o, p, g in zip(gold["event"], gold["outlet"], gold["position"], gold["gold"])
    }
    of_outlet: dict[tuple, set] = {}
    for (e, o, _), claims in labels.items():
        of_outlet.setdefault((e, o), set()).update(claims)
    held: dict[tuple, set] = {}  # (event, claim) -> the gold claims of its sentences
    for e, o, p, ids in zip(sentences["event"], sentences["outlet"], sentences["position"], sentences["claim_id"]):
        for c in _split(ids):
            held.setdefault((e, c), set()).update(labels.get((e, o, int(p)), set()))
    covered = set(gold["event"])
    om = omissions[omissions["event"].isin(covered)]
    confirmed = [
        not (held.get((e, c), set()) & of_outlet.get((e, o), set()))
        for e, o, c in zip(om["event"], om["outlet"], om["claim_id"])
    ]
    return om.assign(confirmed=np.array(confirmed, dtype=bool)).reset_index(drop=True)


def omission_summary(omissions: pd.DataFrame) -> pd.DataFrame:
    """Omissions reported and confirmed (:func:`score_omissions`), in all and by ``uncertain``."""
    rows = []
    subsets = {"all": np.ones(len(omissions), dtype=bool)}
    if "uncertain" in omissions:
        flag = omissions["uncertain"].astype(bool).to_numpy()
        subsets |= {"uncertain": flag, "not uncertain": ~flag}
    confirmed = omissions["confirmed"].astype(bool).to_numpy()
    for name, keep in subsets.items():
        n = int(keep.sum())
        rows.append({"omissions": name, "n": n, "confirmed": int(confirmed[keep].sum()),
                     "share_confirmed": confirmed[keep].mean() if n else np.nan})  # fmt: skip
    return pd.DataFrame(rows)


def _unlabelled_events(gold: pd.DataFrame) -> list[str]:
    """The events whose every sentence has no gold claim; an error when that is every event."""
    labelled = gold["gold"].map(_split).map(bool)
    if labelled.any():
        events = labelled.groupby(gold["event"], sort=False).any()
        return [str(e) for e in events.index[~events]]
    files = list(dict.fromkeys(gold["file"])) if "file" in gold.columns else []
    whose = {0: "the gold table", 1: "this gold file"}.get(len(files), f"these {len(files)} gold files")
    raise InputError(
        f"every sentence of {whose} is unlabelled (its 'claims' list is empty), so --drop-unlabelled leaves "
        "nothing to score.",
        path=files[0] if len(files) == 1 else None,
        fix="run without --drop-unlabelled, or label the sentences with the claims they state.",
    )


_COUNT_COLUMNS = ("sentences", "pair_tp", "pair_fp", "pair_fn", "unique_tp", "unique_fp", "unique_fn")


def _add_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Precision / recall / F1 columns from the tp / fp / fn counts, in :data:`SCORE_COLUMNS` order."""
    counts = counts.copy()
    for kind in ("pair", "unique"):
        prf = [_rates(a, b, c) for a, b, c in zip(counts[f"{kind}_tp"], counts[f"{kind}_fp"], counts[f"{kind}_fn"])]
        for k, name in enumerate(("precision", "recall", "f1")):
            counts[f"{kind}_{name}"] = [round(x[k], 4) for x in prf]
    return counts[list(SCORE_COLUMNS)]


def pool_scores(scores: pd.DataFrame, events=None) -> pd.Series:
    """Micro-averaged scores over some events of a :func:`score_alignment` table.

    Sums the per-event counts (never the ``"overall"`` row) of ``events``
    (default all) and recomputes precision / recall / F1: the way
    leave-one-event-out scores of held-out events are pooled.

    Returns
    -------
    pandas.Series
        Indexed by :data:`SCORE_COLUMNS` (``event`` is ``"pooled"``).
    """
    rows = scores[scores["event"] != "overall"]
    if events is not None:
        rows = rows[rows["event"].isin(list(events))]
    total = {c: int(rows[c].sum()) for c in _COUNT_COLUMNS}
    return _add_rates(pd.DataFrame([{"event": "pooled", **total}])).iloc[0]


def event_interval(scores: pd.DataFrame, *, level: float = 0.95, resamples: int = 2000, seed: int = 0):
    """How far the pooled scores could move with other events: a bootstrap interval over events.

    Events (not sentences or pairs) are the independent units of an
    annotated set, so the events are drawn with replacement ``resamples``
    times, the per-event counts of each draw are summed and precision /
    recall / F1 recomputed (micro-averaged, as :func:`pool_scores` does), and
    the central ``level`` share of those values is the interval. With eight
    events it is wide: read a difference between two methods smaller than
    the interval as noise. Draws in which a metric is undefined (0/0, see
    :func:`score_alignment`) are left out of its interval; a metric undefined
    in every draw gets NaN.

    Parameters
    ----------
    scores : pandas.DataFrame
        A :func:`score_alignment` table (its ``"overall"`` row is ignored).
    level : float, default 0.95
    resamples : int, default 2000
    seed : int, default 0
        Seed of the resampling, so the interval is the same on every run.

    Returns
    -------
    pandas.DataFrame or None
        One row per metric (``pair_precision`` ... ``unique_f1``): ``metric``,
        ``estimate`` (the pooled score), ``low``, ``high``, ``events``. None with
        fewer than two events.

    Examples
    --------
    >>> s = pd.DataFrame({"event": list("ab"), "sentences": 2, "pair_tp": [1, 3], "pair_fp": [1, 0],
    ...                   "pair_fn": [0, 1], "unique_tp": 1, "unique_fp": 0, "unique_fn": 0})
    >>> event_interval(s).set_index("metric").loc["pair_precision", ["estimate", "low", "high"]].tolist()
    [0.8, 0.5, 1.0]
    """
    rows = scores[scores["event"] != "overall"]
    if len(rows) < 2:
        return None
    counts = rows[list(_COUNT_COLUMNS)].to_numpy(dtype=np.int64)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(rows), size=(resamples, len(rows)))
    sums = counts[draws].sum(axis=1)  # (resamples, counts)
    col = {c: k for k, c in enumerate(_COUNT_COLUMNS)}
    pooled = pool_scores(rows)
    out = []
    for kind in ("pair", "unique"):
        tp, fp, fn = (sums[:, col[f"{kind}_{x}"]].astype(float) for x in ("tp", "fp", "fn"))
        with np.errstate(invalid="ignore", divide="ignore"):
            values = {
                "precision": np.where(tp + fp > 0, tp / (tp + fp), np.nan),
                "recall": np.where(tp + fn > 0, tp / (tp + fn), np.nan),
                "f1": np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan),
            }
        for name, v in values.items():
            v = v[~np.isnan(v)]
            lo, hi = np.quantile(v, [(1 - level) / 2, (1 + level) / 2]) if len(v) else (np.nan, np.nan)
            metric = f"{kind}_{name}"
            out.append({"metric": metric, "estimate": float(pooled[metric]), "low": round(float(lo), 4),
                        "high": round(float(hi), 4), "events": len(rows)})  # fmt: skip
    return pd.DataFrame(out)


def sweep_thresholds(
    gold: pd.DataFrame,
    sentences: pd.DataFrame,
    embeddings: np.ndarray,
    thresholds,
    *,
    aligner=None,
    drop_unlabelled=False,
) -> pd.DataFrame:
    """Overall scores of the alignment stage at each threshold: one row per threshold."""
    aligner = ClaimAligner() if aligner is None else aligner
    rows = []
    for t in thresholds:
        _, ids = find_claims(sentences, embeddings, aligner=aligner.set_params(threshold=float(t)))
        pred = sentences[["event", "outlet", "position"]].assign(claim_id=ids)
        s = score_alignment(gold, pred, drop_unlabelled=drop_unlabelled)
        rows.append(s[s["event"] == "overall"].drop(columns="event").assign(threshold=round(float(t), 6)))
    out = pd.concat(rows, ignore_index=True)
    return out[["threshold", *[c for c in SCORE_COLUMNS if c != "event"]]]


def pair_table(gold: pd.DataFrame, sentences: pd.DataFrame, embeddings: np.ndarray, *, tokens=None) -> pd.DataFrame:
    """Every cross-outlet pair of annotated sentences with its features (:data:`PAIR_FEATURES`) and ``label``.

    The training and cross-validation table of the pair scorer: ``event``,
    ``i`` and ``j`` (rows of ``sentences``), one column per feature, ``label``.
    ``tokens`` (per row of ``sentences``) default to
    :func:`narrative.tokens.sentence_tokens` of the texts (cached).
    """
    from .claims import states_claim
    from .tokens import sentence_tokens

    sentences = sentences.reset_index(drop=True)
    if tokens is None:
        tokens = sentence_tokens(sentences["text"].tolist())
    if len(tokens) != len(sentences):
        raise ValueError(f"{len(sentences)} sentences but {len(tokens)} token entries.")
    key = gold.set_index(["event", "outlet", "position"])["gold"]
    parts = []
    for event, frame in sentences.groupby("event", sort=False):
        frame = frame.sort_values(["outlet", "position"], kind="stable")
        frame = frame[frame["text"].map(states_claim)]
        idx = frame.index.to_numpy()
        groups = frame["outlet"].to_numpy()
        feats = pair_features(
            embeddings[idx],
            frame["text"].tolist(),
            groups,
            frame["position"].to_numpy(),
            tokens=[tokens[i] for i in idx],
        )
        labels = [_split(key.get((event, o, p), "")) for o, p in zip(frame["outlet"], frame["position"])]
        annotated = np.array([(event, o, p) in key.index for o, p in zip(frame["outlet"], frame["position"])])
        iu, ju = np.triu_indices(len(idx), 1)
        keep = (groups[iu] != groups[ju]) & annotated[iu] & annotated[ju]
        iu, ju = iu[keep], ju[keep]
        part = pd.DataFrame({"event": event, "i": idx[iu], "j": idx[ju]})
        for name in PAIR_FEATURES:
            part[name] = feats[name][iu, ju]
        part["label"] = [bool(labels[a] & labels[b]) for a, b in zip(iu, ju)]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def evaluate(
    gold,
    *,
    model=None,
    threshold: float | None = None,
    aligner: ClaimAligner | None = None,
    articles=None,
    cache_dir=None,
    use_cache: bool = True,
    thresholds=None,
    progress: bool = False,
    drop_unlabelled: bool = False,
):
    """Run the real pipeline on the events of gold annotations and score it.

    Parameters
    ----------
    gold : path or pandas.DataFrame
        A gold file, a folder of them, or a table from :func:`read_gold`.
    model : str or SentenceEncoder, optional
        Default the package's default model.
    threshold : float, optional
        Default the aligner's (:data:`narrative.claims.DEFAULT_THRESHOLD`).
    aligner : ClaimAligner, optional
    articles : path, optional
        BASIL folder for gold files of BASIL triplets.
    thresholds : sequence of float, optional
        Also score the alignment at each of these thresholds.
    drop_unlabelled : bool, default False
        Leave out of the scores the sentences the annotators gave no claim.

    Returns
    -------
    dict
        ``scores`` (per event and overall, :func:`score_alignment`; NaN where a rate
        is undefined, with a warning in ``notes``), ``interval``
        (95% bootstrap interval over events, :func:`event_interval`; None with one
        event), ``sweep`` (None without ``thresholds``), ``sentences`` (the
        pipeline's sentences table with ``gold``), ``omissions`` (the omissions the
        pipeline reports, each ``confirmed`` or not by the gold: :func:`score_omissions`),
        ``notes``.
    """
    from .datasets import _require
    from .embed import DEFAULT_MODEL, EmbeddingCache, SentenceEncoder, embed
    from .pipeline import compare

    if articles is not None:
        _require("basil", articles)
    if threshold is not None:
        check_threshold(threshold)
    gold = read_gold(gold) if not isinstance(gold, pd.DataFrame) else gold
    emptied = _unlabelled_events(gold) if drop_unlabelled else []
    sentences, notes = gold_sentences(gold, articles=articles)
    if emptied:
        notes.append(
            f"warning: --drop-unlabelled leaves nothing of {len(emptied)} event(s), whose every sentence is "
            f"unlabelled: {', '.join(map(repr, emptied))}; they are not scored."
        )
    model = DEFAULT_MODEL if model is None else model
    encoder = model if isinstance(model, SentenceEncoder) else SentenceEncoder(model, cache_dir=cache_dir)
    aligner = ClaimAligner() if aligner is None else aligner
    if threshold is not None:
        aligner = aligner.set_params(threshold=threshold)
    cache = EmbeddingCache(cache_dir) if use_cache else None
    embeddings = embed(sentences["text"].tolist(), encoder=encoder, cache=cache, show_progress_bar=progress)
    result = compare(
        sentences, model=encoder, aligner=aligner, embeddings=embeddings, use_cache=use_cache, cache_dir=cache_dir
    )
    predicted = result.sentences
    scores = score_alignment(gold, predicted, drop_unlabelled=drop_unlabelled)
    sweep = None
    if thresholds is not None:
        sweep = sweep_thresholds(
            gold,
            predicted,
            result.embeddings,
            thresholds,
            aligner=ClaimAligner(**aligner.get_params()),
            drop_unlabelled=drop_unlabelled,
        )
    table = predicted.merge(
        gold[["event", "outlet", "position", "gold"]], on=["event", "outlet", "position"], how="left"
    )
    undefined = _undefined_note(scores, sweep)
    if undefined:
        notes.append(undefined)
    return {
        "scores": scores,
        "interval": event_interval(scores),
        "sweep": sweep,
        "sentences": table,
        "omissions": score_omissions(gold, predicted, result.omissions),
        "notes": notes + list(result.notes),
    }


_UNDEFINED = {
    "pair_precision": "the alignment put no two sentences of different outlets in one claim",
    "pair_recall": "the gold has no two sentences of different outlets that share a claim",
    "pair_f1": "neither the gold nor the alignment has two sentences of different outlets sharing a claim",
    "unique_precision": "the alignment called no sentence unique",
    "unique_recall": "the gold has no unique sentence (every sentence shares a claim with another outlet)",
    "unique_f1": "neither the gold nor the alignment has a unique sentence",
}


def _undefined_note(scores: pd.DataFrame, sweep: pd.DataFrame | None = None) -> str | None:
    """One warning line naming the undefined (NaN) rates of a score table and its sweep, and why; None if none."""
    parts = []
    for metric, reason in _UNDEFINED.items():
        where = []
        events = scores.loc[scores[metric].isna(), "event"].astype(str).tolist()
        if "overall" in events:
            where.append("overall and every event")
        elif events:
            shown = ", ".join(map(repr, events[:3])) + (f" and {len(events) - 3} more" if len(events) > 3 else "")
            where.append(f"event(s) {shown}")
        if sweep is not None and sweep[metric].isna().any():
            t = sweep.loc[sweep[metric].isna(), "threshold"]
            where.append(
                f"sweep threshold {t.iloc[0]:g}"
                if len(t) == 1
                else f"{len(t)} sweep thresholds from {t.min():g} to {t.max():g}"
            )
        if where:
            parts.append(f"{metric.replace('_', ' ').replace('f1', 'F1')} for {', and '.join(where)}, as {reason}")
    if not parts:
        return None
    return (
        "warning: some scores are undefined (0/0), shown as n/a and left empty in the CSV files: "
        + "; ".join(parts)
        + "."
    )


#: The most thresholds ``--sweep`` scores. Each threshold re-runs the alignment of every event: about 1.3 s
#: for the 8 events (581 sentences) of the claims-gold dev set on two CPU cores, so 201 thresholds, the
#: whole range 0:1 in steps of 0.005 (ten times finer than the sweeps the docs suggest), take about four
#: minutes there. More is a mistyped STEP that runs for hours and can exhaust the memory (0:1:1e-9 asks for
#: a billion thresholds).
MAX_SWEEP_THRESHOLDS = 201


def _parse_sweep(text: str) -> np.ndarray:
    try:
        lo, hi, step = (float(x) for x in text.split(":"))
    except ValueError:
        raise InputError(
            f"--sweep must be LO:HI:STEP; got {text!r}.", fix="write three numbers, e.g. --sweep 0.1:0.6:0.05."
        ) from None
    if not (0 <= lo <= hi <= 1) or not (0 < step < float("inf")):
        raise InputError(
            f"--sweep needs 0 <= LO <= HI <= 1 and STEP > 0; got {text!r}.",
            fix="give thresholds between 0 and 1, the lower first, e.g. --sweep 0.1:0.6:0.05.",
        )
    count = (hi - lo) / step + 0.5
    if count > MAX_SWEEP_THRESHOLDS:
        many = f"{np.ceil(count):,.0f}" if count < 1e12 else f"about {count:.0e}" if count < np.inf else "countless"
        raise InputError(
            f"--sweep {text} asks for {many} thresholds; at most {MAX_SWEEP_THRESHOLDS:,} are scored, as each "
            "re-runs the alignment of every event.",
            fix=f"use a coarser STEP, e.g. --sweep {lo:g}:{hi:g}:{(hi - lo) / 100:.2g} (101 thresholds).",
        )
    return np.unique(np.round(np.arange(lo, hi + step / 2, step), 6))


def evaluate_command(args, *, reporter) -> int:
    """The ``narrative evaluate`` command: print the scores, write them to CSV; return the exit code."""
    from .embed import SentenceEncoder

    thresholds = _parse_sweep(args.sweep) if args.sweep else None
    if args.out:
        _prepare_scores_folder(
            Path(args.out), getattr(args, "force", False)
        )  # before the work: a folder it may not write is refused at once
    encoder = SentenceEncoder(args.model, revision=args.model_revision, device=args.device, cache_dir=args.cache_dir)
    out = evaluate(
        args.gold,
        model=encoder,
        threshold=args.threshold,
        articles=args.articles,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
        thresholds=thresholds,
        progress=not args.quiet,
        drop_unlabelled=args.drop_unlabelled,
    )
    for note in out["notes"]:
        if note.startswith("warning: "):
            reporter.warn(note.removeprefix("warning: "))
        else:
            reporter.info(note)
    cols = [
        "event",
        "sentences",
        "pair_precision",
        "pair_recall",
        "pair_f1",
        "unique_precision",
        "unique_recall",
        "unique_f1",
    ]
    threshold = args.threshold if args.threshold is not None else DEFAULT_THRESHOLD
    print(f"threshold {threshold}")
    print(out["scores"][cols].to_string(index=False, na_rep="n/a"))
    interval = out["interval"]
    if interval is not None:
        iv = interval.set_index("metric")
        print(
            f"\n95% interval over the {len(out['scores']) - 1} events (bootstrap): "
            + ", ".join(
                f"{m.replace('_', ' ')} "
                + ("n/a" if np.isnan(iv.at[m, "low"]) else f"{iv.at[m, 'low']:.3f}-{iv.at[m, 'high']:.3f}")
                for m in ("pair_f1", "unique_f1")
            )
        )
    omissions = out.get("omissions")
    if omissions is not None and len(omissions):
        summary = omission_summary(omissions).set_index("omissions")
        line = ", ".join(
            f"{name} {int(summary.at[name, 'confirmed'])} of {int(summary.at[name, 'n'])}"
            for name in summary.index
            if summary.at[name, "n"]
        )
        print(f"\nomissions confirmed by the gold: {line}")
    if out["sweep"] is not None:
        print("\nthreshold sweep (overall):")
        print(out["sweep"][["threshold", *cols[2:]]].to_string(index=False, na_rep="n/a"))
    if args.out:
        record = {
            "gold": str(args.gold),
            "articles": None if args.articles is None else str(args.articles),
            "model": args.model,
            "threshold": threshold,
            "sweep": args.sweep,
            "drop_unlabelled": bool(args.drop_unlabelled),
        }
        written = write_scores(out, args.out, record=record, force=getattr(args, "force", False))
        reporter.info(f"scores written to {args.out}/ ({', '.join(written)})")
    return 0


#: The file ``narrative evaluate --out`` writes next to its CSV files: it names the files of the run
#: (and its settings), so that a later run into the same folder replaces them and removes those it
#: does not write again, and never touches anything else.
EVALUATE_MARKER = "evaluate.json"
#: The files ``narrative evaluate`` writes, in this order.
EVALUATE_FILES = ("scores.csv", "interval.csv", "sweep.csv", "alignment.csv", "omissions.csv")
#: The marker's own key, which only narrative writes.
_MARKER_KEY = "narrative_evaluate"


def _earlier_scores(folder: Path) -> set[str] | None:
    """The files an earlier ``narrative evaluate`` wrote into ``folder``, from its marker; None without one."""
    try:
        data = json.loads((folder / EVALUATE_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get(_MARKER_KEY), str):
        return None
    listed = data.get("outputs")
    return {f for f in listed if f in EVALUATE_FILES} if isinstance(listed, list) else None


def _prepare_scores_folder(folder: Path, force: bool = False) -> set[str]:
    """Check that ``narrative evaluate`` may write into ``folder``; return the earlier run's files in it.

    A folder that does not exist yet, an empty one (hidden files aside) and one holding an
    earlier run's marker (:data:`EVALUATE_MARKER`) may be written into; any other folder is
    refused, so that a user's own files are never overwritten.
    """
    from .output import check_out_path

    check_out_path(folder)
    if not folder.is_dir():
        return set()
    earlier = _earlier_scores(folder)
    if earlier is None and not force and any(not p.name.startswith(".") for p in folder.iterdir()):
        raise InputError(
            "the output folder is not empty and holds no earlier results of narrative evaluate, whose files "
            f"({', '.join(EVALUATE_FILES)}) could replace files of yours.",
            path=folder,
            fix="give --out a new or empty folder (a later run may reuse it: narrative evaluate then replaces only "
            "the files of its own earlier run there), or add --force to write into it anyway.",
        )
    return earlier or set()


def _atomic_write(path: Path, data: bytes) -> None:
    from .output import _atomic_write as write

    write(path, data)


def _write_marker(folder: Path, outputs, record: dict) -> None:
    marker = {
        **record,
        _MARKER_KEY: __version__,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "outputs": [f for f in EVALUATE_FILES if f in set(outputs)],
    }
    _atomic_write(folder / EVALUATE_MARKER, (json.dumps(marker, indent=1, default=str) + "\n").encode("utf-8"))


def write_scores(result: dict, folder, *, record: dict | None = None, force: bool = False) -> list[str]:
    """Write the CSV files of an evaluation into ``folder``, as ``narrative evaluate --out`` does.

    Files: ``scores.csv``, ``interval.csv`` (with two or more events), ``sweep.csv`` (with a
    threshold sweep), ``alignment.csv``, ``omissions.csv`` (each omission, ``confirmed`` or not
    by the gold), and the marker :data:`EVALUATE_MARKER`, which names
    them and records ``record`` (the run's settings). Each file is written to a temporary name
    and renamed. A folder that holds other files and no marker of an earlier evaluation is
    refused; the files of an earlier evaluation that this one does not write (a ``sweep.csv``
    from a run with ``--sweep``) are removed, and nothing else is.

    Parameters
    ----------
    result : dict
        What :func:`evaluate` returns.
    folder : str or os.PathLike
        The output folder (created when missing).
    record : dict, optional
        Settings of the run to keep in the marker (gold file, threshold, sweep, model).
    force : bool, default False
        Write into a folder that holds other files (files of the same names are replaced).

    Returns
    -------
    list of str
        The names of the CSV files written.

    Raises
    ------
    narrative.InputError
        When the folder holds files of its user, or cannot be written.
    """
    folder = Path(folder)
    earlier = _prepare_scores_folder(folder, force)
    columns = ["event", "outlet", "position", "text", "gold", "claim_id", "status"]
    tables = {
        "scores.csv": result["scores"],
        "interval.csv": result.get("interval"),
        "sweep.csv": result.get("sweep"),
        "alignment.csv": result["sentences"][columns],
        "omissions.csv": result.get("omissions"),
    }
    tables = {name: frame for name, frame in tables.items() if frame is not None}
    record = dict(record or {})
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_marker(folder, earlier | set(tables), record)  # names every file the folder may hold meanwhile
        for name, frame in tables.items():
            _atomic_write(folder / name, frame.to_csv(index=False).encode("utf-8"))
        for name in sorted(earlier - set(tables)):
            (folder / name).unlink(missing_ok=True)
        _write_marker(folder, tables, record)
    except OSError as exc:
        raise InputError(
            f"cannot write the scores ({exc.strerror or exc}).",
            path=folder,
            fix="give --out a writable folder, and check that the disk is not full.",
        ) from None
    return list(tables)


# -- checks against annotations made for other purposes (BASIL, PAC) ------------------


def uniqueness_table(sentences: pd.DataFrame, embeddings: np.ndarray, *, aligner=None) -> pd.DataFrame:
    """Per sentence: does the tool say "only this outlet said it", and how strongly?

    Aligns each event's sentences with ``aligner`` (default ``ClaimAligner()``,
    the shipped method), once per event.

    Parameters
    ----------
    sentences : pandas.DataFrame
        ``event``, ``outlet``, ``position``, ``text``; row ``i`` has vector ``embeddings[i]``.
    embeddings : ndarray of shape (n_sentences, dim)
    aligner : ClaimAligner, optional

    Returns
    -------
    pandas.DataFrame
        In the row order of ``sentences``: ``event``, ``outlet``, ``position``,
        ``states_claim`` (the sentence can state a claim at all),
        ``unique`` (it states a claim and shares none with a sentence of
        another outlet: the sentence-level "unique" of :func:`score_alignment`),
        ``best_match`` (its best match score with a sentence of another outlet,
        0-1) and ``only_here`` (``1 - best_match``; 0 for sentences that state
        no claim, which the charts never call unique).
    """
    from sklearn.base import clone

    from .claims import states_claim

    if len(sentences) != len(embeddings):
        raise ValueError(f"{len(sentences)} sentences but {len(embeddings)} embeddings.")
    aligner = ClaimAligner() if aligner is None else aligner
    sentences = sentences.reset_index(drop=True)
    n = len(sentences)
    claim = np.zeros(n, dtype=bool)
    unique = np.zeros(n, dtype=bool)
    best = np.zeros(n)
    for _, frame in sentences.groupby("event", sort=False):
        frame = frame.sort_values(["outlet", "position"], kind="stable")
        index = frame.index.to_numpy()
        groups = frame["outlet"].to_numpy()
        mask = frame["text"].map(states_claim).to_numpy(dtype=bool)
        est = clone(aligner).fit(
            embeddings[index], groups=groups, mask=mask, texts=frame["text"].tolist(),
            positions=frame["position"].to_numpy(),
        )  # fmt: skip
        n_claims = 1 + max((max(m) for m in est.memberships_ if m), default=-1)
        holds = np.zeros((len(index), n_claims), dtype=float)
        for i, labels in enumerate(est.memberships_):
            holds[i, list(labels)] = 1.0
        shares = (holds @ holds.T > 0) & (groups[:, None] != groups[None, :])
        claim[index] = mask
        unique[index] = mask & ~shares.any(axis=1)
        best[index] = np.where(mask, est.pair_scores_.max(axis=1), 0.0)
    out = sentences[["event", "outlet", "position"]].copy()
    out["states_claim"] = claim
    out["unique"] = unique
    out["best_match"] = np.clip(best, 0.0, 1.0)
    out["only_here"] = np.where(claim, 1.0 - out["best_match"], 0.0)
    return out


def informational_bias_check(
    uniqueness: pd.DataFrame, labels: pd.DataFrame, *, label: str = "inf", score: str = "only_here", flag="unique"
) -> dict:
    """How well "only this outlet said it" predicts sentences annotated with ``label``.

    Made for BASIL's informational bias (:func:`narrative.datasets.read_basil_bias`):
    the experts marked sentences that add tangential, speculative or background
    information, which is often information the other outlets left out.

    Parameters
    ----------
    uniqueness : pandas.DataFrame
        :func:`uniqueness_table` (or any table with ``event``, ``outlet``,
        ``position``, a numeric ``score`` column and a boolean ``flag`` column).
    labels : pandas.DataFrame
        ``event``, ``outlet``, ``position`` and the boolean ``label`` column;
        matched to ``uniqueness`` on the three keys (sentences without a label row count as negative).
    flag : str or None
        The tool's yes/no decision; None to skip its precision / recall / F1.

    Returns
    -------
    dict
        ``sentences``, ``positives``, ``base_rate``; ``average_precision`` of
        ``score`` (a constant score gets the base rate, a perfect one 1);
        ``best_f1`` and ``best_f1_threshold`` (the best F1 of any cut of
        ``score``, picked on these same sentences, so optimistic);
        ``flag_precision``, ``flag_recall``, ``flag_f1``, ``flagged``;
        ``all_positive_f1`` (F1 of calling every sentence positive).
    """
    from sklearn.metrics import average_precision_score, precision_recall_curve

    keys = ["event", "outlet", "position"]
    y_table = labels[[*keys, label]].drop_duplicates(keys)
    merged = uniqueness.merge(y_table, on=keys, how="left", validate="one_to_one")
    y = merged[label].fillna(False).to_numpy(dtype=bool)
    s = merged[score].to_numpy(dtype=float)
    n, pos = len(y), int(y.sum())
    out = {"sentences": n, "positives": pos, "base_rate": pos / n if n else 0.0}
    if pos == 0 or pos == n:
        ap, best_f1, best_t = float("nan"), float("nan"), float("nan")
    else:
        ap = float(average_precision_score(y, s))
        precision, recall, cuts = precision_recall_curve(y, s)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0.0)
        k = int(np.argmax(f1[:-1]))
        best_f1, best_t = float(f1[k]), float(cuts[k])
    out.update(average_precision=ap, best_f1=best_f1, best_f1_threshold=best_t)
    if flag is not None:
        f = merged[flag].to_numpy(dtype=bool)
        tp = int((f & y).sum())
        p, r, f1 = _prf(tp, int((f & ~y).sum()), int((~f & y).sum()))
        out.update(flagged=int(f.sum()), flag_precision=p, flag_recall=r, flag_f1=f1)
    out["all_positive_f1"] = _prf(pos, n - pos, 0)[2]
    return out


def _odds_ratio(a, b, c, d, z):
    """Sample odds ratio of [[a, b], [c, d]] with Woolf's (log) interval; 0.5 added to every cell when one is 0."""
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    value = (a * d) / (b * c)
    se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return float(value), float(value * np.exp(-z * se)), float(value * np.exp(z * se))


def _mantel_haenszel(tables, z):
    """Mantel-Haenszel odds ratio over 2x2 tables with the Robins-Breslow-Greenland interval."""
    R = S = PR = PS_QR = QS = 0.0
    for a, b, c, d in tables:
        n = a + b + c + d
        if n == 0:
            continue
        r, s_ = a * d / n, b * c / n
        p, q = (a + d) / n, (b + c) / n
        R, S = R + r, S + s_
        PR, PS_QR, QS = PR + p * r, PS_QR + p * s_ + q * r, QS + q * s_
    if R == 0 or S == 0:
        return float("nan"), float("nan"), float("nan")
    value = R / S
    se = np.sqrt(PR / (2 * R**2) + PS_QR / (2 * R * S) + QS / (2 * S**2))
    return float(value), float(value * np.exp(-z * se)), float(value * np.exp(z * se))


def partisan_enrichment(
    table: pd.DataFrame,
    *,
    column: str = "partisan",
    unique: str = "unique",
    strata: str | None = "event",
    confidence: float = 0.95,
) -> dict:
    """Are sentences unique to one side enriched in that side's partisan events?

    Made for PAC (:func:`narrative.datasets.read_pac` joined with
    :func:`uniqueness_table`): each article's events are labelled Partisan when
    they favour the article's own side, so a sentence of the left article with
    a Partisan event favours the left. Sentences that state no claim
    (``states_claim`` false, when that column is there) are left out; the rest
    form the 2x2 table

    ==================  ===================  ======================
    \\                   with a ``column``    without
    unique to one side  ``a``                ``b``
    carried by both     ``c``                ``d``
    ==================  ===================  ======================

    Parameters
    ----------
    table : pandas.DataFrame
        One row per sentence: boolean ``unique``, ``column`` (a count or a
        boolean; above 0 counts as "with"), and ``strata`` (default ``event``).
    strata : str or None
        Also give the Mantel-Haenszel odds ratio over these groups (stories),
        which compares sentences within a story only; None to skip.
    confidence : float, default 0.95

    Returns
    -------
    dict
        ``a``, ``b``, ``c``, ``d``, ``sentences`` (their sum), ``left_out``
        (sentences stating no claim), ``rate_unique`` (a / (a + b)),
        ``rate_shared`` (c / (c + d)), ``odds_ratio`` with ``ci_low`` and
        ``ci_high`` (Woolf's log interval; 0.5 added to every cell when one
        is 0), ``p_value`` (Fisher's exact test, two-sided) and, with
        ``strata``, ``mh_odds_ratio``, ``mh_ci_low``, ``mh_ci_high``, ``strata``.
    """
    from scipy.stats import fisher_exact, norm

    rows = table
    left_out = 0
    if "states_claim" in table.columns:
        keep = table["states_claim"].to_numpy(dtype=bool)
        rows, left_out = table[keep], int((~keep).sum())
    u = rows[unique].to_numpy(dtype=bool)
    x = rows[column].to_numpy(dtype=float) > 0
    a, b = int((u & x).sum()), int((u & ~x).sum())
    c, d = int((~u & x).sum()), int((~u & ~x).sum())
    z = float(norm.ppf(0.5 + confidence / 2))
    value, lo, hi = _odds_ratio(a, b, c, d, z)
    out = {
        "a": a, "b": b, "c": c, "d": d, "sentences": a + b + c + d, "left_out": left_out,
        "rate_unique": a / (a + b) if a + b else float("nan"),
        "rate_shared": c / (c + d) if c + d else float("nan"),
        "odds_ratio": value, "ci_low": lo, "ci_high": hi,
        "p_value": float(fisher_exact([[a, b], [c, d]])[1]),
    }  # fmt: skip
    if strata is not None:
        tables = []
        for _, g in rows.assign(_u=u, _x=x).groupby(strata, sort=False):
            gu, gx = g["_u"].to_numpy(), g["_x"].to_numpy()
            tables.append(((gu & gx).sum(), (gu & ~gx).sum(), (~gu & gx).sum(), (~gu & ~gx).sum()))
        mh, mlo, mhi = _mantel_haenszel(tables, z)
        out.update(mh_odds_ratio=mh, mh_ci_low=mlo, mh_ci_high=mhi, strata=len(tables))
    return out
