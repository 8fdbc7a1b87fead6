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

__all__ = ["datasets_dir", "find_dataset", "read_basil"]


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
    if path is None:
        path = find_dataset("basil")
        if path is None:
            raise InputError(
                "the BASIL corpus was not found.",
                fix="set NARRATIVE_DATASETS to the folder that holds basil/, or pass the path.",
            )
    path = Path(path)
    articles = path / "articles" if (path / "articles").is_dir() else path
    files = sorted(articles.glob("*/*.json")) or sorted(articles.glob("*.json"))
    if not files:
        raise InputError("no BASIL article files (articles/<year>/<id>_<n>.json) found.", path=path)
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
