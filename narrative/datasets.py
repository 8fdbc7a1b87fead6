"""Readers for research corpora of multi-outlet coverage (read in place, never copied).

The corpora live outside the repository: ``$NARRATIVE_DATASETS`` or, by
default, ``../shared/datasets`` beside the checkout (or the working folder).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from .errors import InputError

__all__ = ["datasets_dir", "find_dataset", "read_basil", "read_basil_bias", "read_pac"]


def datasets_dir() -> Path | None:
    """The research datasets folder: ``$NARRATIVE_DATASETS``, else ``../shared/datasets``; None if absent."""
    env = os.environ.get("NARRATIVE_DATASETS")
    if env:
        return Path(env) if Path(env).is_dir() else None
    candidates = [
        Path(__file__).resolve().parents[2] / "shared" / "datasets",
        Path.cwd().parent / "shared" / "datasets",
        Path.cwd() / ".." / ".." / "shared" / "datasets",
    ]
    for c in candidates:
        if c.is_dir():
            return c.resolve()
    return None


def find_dataset(name: str) -> Path | None:
    """The folder of one research dataset (e.g. ``"basil"``), or None when it is not there."""
    root = datasets_dir()
    if root is None or not (root / name).is_dir():
        return None
    return root / name


def read_basil(path=None, *, events=None) -> pd.DataFrame:
    """Read BASIL articles (``articles/<year>/<triplet>_<n>.json``) as a sentences table.

    Parameters
    ----------
    path : path, optional
        The BASIL folder (holding ``articles/``) or its ``articles`` folder;
        default ``find_dataset("basil")``.
    events : iterable of str, optional
        Triplet ids to keep; default all.

    Returns
    -------
    pandas.DataFrame
        One row per body sentence: ``event`` (triplet id), ``outlet`` (``fox``,
        ``nyt``, ``hpo``), ``position`` (0-based in the flattened
        ``body-paragraphs``), ``text``, ``paragraph``, ``title``, ``published``,
        ``url``, ``source``. Events in order of their id, outlets in the order fox, nyt, hpo.
    """
    path = _require("basil", path)
    articles = path / "articles" if (path / "articles").is_dir() else path
    files = sorted(articles.glob("*/*.json")) or sorted(articles.glob("*.json"))
    if not files:
        raise InputError(
            "no BASIL article files (articles/<year>/<id>_<n>.json) found.", path=path, fix=_FOLDER_FIX["basil"]
        )
    wanted = None if events is None else set(events)
    rows = []
    for file in files:
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read this BASIL article ({exc}).", path=file) from None
        event = doc.get("triplet-uuid")
        if wanted is not None and event not in wanted:
            continue
        outlet = str(doc.get("source", "")).lower()
        position = 0
        for p, paragraph in enumerate(doc.get("body-paragraphs", [])):
            for sentence in paragraph:
                rows.append(
                    (
                        event,
                        outlet,
                        position,
                        sentence,
                        p,
                        doc.get("title", ""),
                        doc.get("date", ""),
                        doc.get("url", ""),
                        str(file),
                    )  # fmt: skip
                )
                position += 1
    columns = ["event", "outlet", "position", "text", "paragraph", "title", "published", "url", "source"]
    frame = pd.DataFrame(rows, columns=columns)
    rank = {"fox": 0, "nyt": 1, "hpo": 2}
    frame["_o"] = frame["outlet"].map(lambda o: rank.get(o, 3))
    frame = frame.sort_values(["event", "_o", "outlet", "position"], kind="stable").drop(columns="_o")
    return frame.reset_index(drop=True)


#: How to give each corpus's folder, on the command line and in Python.
_FOLDER_FIX = {
    "basil": "give the BASIL folder, which holds articles/<year>/<id>_<n>.json, with --articles "
    "(in Python: articles=... or read_basil(path)), or leave it out to use $NARRATIVE_DATASETS/basil.",
    "pac": "give the PAC folder, which holds merged_annotations/ (in Python: read_pac(path)), or leave it out to "
    "use $NARRATIVE_DATASETS/pac.",
}


def _require(name: str, path) -> Path:
    """The folder of corpus ``name``: ``path``, or the research datasets' one; a user error when there is none.

    A given ``path`` that does not exist, or is a file, is refused with the error naming it.
    """
    if path is None:
        path = find_dataset(name)
        if path is None:
            raise InputError(
                f"the {'BASIL' if name == 'basil' else name} corpus was not found.",
                fix=f"set NARRATIVE_DATASETS to the folder that holds {name}/, or pass the path.",
            )
    path = Path(path)
    if not path.is_dir():
        label = "BASIL" if name == "basil" else name.upper()
        raise InputError(
            f"the {label} folder {'is a file, not a folder' if path.exists() else 'does not exist'}.",
            path=path,
            fix=_FOLDER_FIX.get(name, f"give the folder of the {name} corpus."),
        )
    return path


def read_basil_bias(path=None, *, events=None) -> pd.DataFrame:
    """BASIL's expert bias labels per body sentence.

    Returns
    -------
    pandas.DataFrame
        ``event``, ``outlet``, ``position`` (as in :func:`read_basil`), ``inf``
        (the sentence holds at least one informational-bias span), ``lex``
        (at least one lexical-bias span).
    """
    path = _require("basil", path)
    wanted = None if events is None else set(events)
    sentences = read_basil(path, events=events)
    spans = set()
    outlets = {}
    for file in sorted((path / "articles").glob("*/*.json")):
        doc = json.loads(file.read_text(encoding="utf-8"))
        outlets[doc.get("uuid")] = (doc.get("triplet-uuid"), str(doc.get("source", "")).lower())
    for file in sorted((path / "annotations").glob("*/*_ann.json")):
        doc = json.loads(file.read_text(encoding="utf-8"))
        event, outlet = outlets.get(doc.get("uuid"), (doc.get("triplet-uuid"), ""))
        if wanted is not None and event not in wanted:
            continue
        for span in doc.get("phrase-level-annotations", []):
            sid = str(span.get("id", ""))
            if sid.startswith("p") and sid[1:].isdigit():
                spans.add((event, outlet, int(sid[1:]), span.get("bias")))
    out = sentences[["event", "outlet", "position"]].copy()
    keys = list(zip(out["event"], out["outlet"], out["position"]))
    out["inf"] = [(*k, "inf") in spans for k in keys]
    out["lex"] = [(*k, "lex") in spans for k in keys]
    return out


def read_pac(path=None, *, stories=None) -> pd.DataFrame:
    """PAC articles as a sentences table with their partisan-event counts.

    Parameters
    ----------
    path : path, optional
        The PAC folder (holding ``merged_annotations/``); default ``find_dataset("pac")``.
    stories : iterable of int, optional
        Story numbers to keep; default all.

    Returns
    -------
    pandas.DataFrame
        One row per sentence: ``event`` (``story-<s>``), ``outlet`` (the
        article's side within the pair, ``left`` or ``right``; the document id
        when both articles have the same side), ``position``, ``text``,
        ``partisan`` and ``counter_partisan`` (numbers of such events in the
        sentence, removed events left out), ``source`` (the outlet's name).
    """
    path = _require("pac", path)
    folder = path / "merged_annotations" if (path / "merged_annotations").is_dir() else path
    wanted = None if stories is None else {int(x) for x in stories}
    docs = {}
    for file in sorted(folder.glob("STORY_*_DOCUMENT_*.json")):
        parts = file.stem.split("_")
        story, document = int(parts[1]), int(parts[3])
        if wanted is not None and story not in wanted:
            continue
        docs.setdefault(story, []).append((document, json.loads(file.read_text(encoding="utf-8"))))
    rows = []
    for story in sorted(docs):
        sides = [str(d.get("relative_ideology", "")).lower() for _, d in docs[story]]
        for (document, d), side in zip(sorted(docs[story], key=lambda x: x[0]), sides):
            outlet = side if sides.count(side) == 1 and side else f"document-{document}"
            counts: dict[int, list[int]] = {}
            for e in d.get("events", []):
                if e.get("remove"):
                    continue
                c = counts.setdefault(int(e["sentence_id"]), [0, 0])
                if e.get("partisanship") == "Partisan":
                    c[0] += 1
                elif e.get("partisanship") == "Counter-Partisan":
                    c[1] += 1
            for sent in d.get("news", []):
                c = counts.get(int(sent["id"]), [0, 0])
                rows.append((f"story-{story}", outlet, int(sent["id"]), sent["text"], c[0], c[1], d.get("source", "")))
    columns = ["event", "outlet", "position", "text", "partisan", "counter_partisan", "source"]
    return pd.DataFrame(rows, columns=columns)
