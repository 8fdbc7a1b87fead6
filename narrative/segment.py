"""Articles -> one row per sentence, in order, with its position kept."""

from __future__ import annotations

import functools
import re

import pandas as pd

__all__ = ["split_sentences", "segment"]

_END = re.compile(r"""[.!?\u2026:;]["'\u201d\u2019)\]]*\s*$""")


@functools.lru_cache(maxsize=8)
def _segmenter(language: str):
    import pysbd

    return pysbd.Segmenter(language=language, clean=False)


def _blocks(text: str) -> list[str]:
    """Paragraph blocks: blank lines separate; a line break after end punctuation does too.

    Lines without end punctuation are joined with the next line (hard-wrapped
    text); a line that ends a sentence stands alone, so one-sentence-per-line
    files are kept as written.
    """
    blocks: list[str] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            if current:
                blocks.append(" ".join(current))
                current = []
            continue
        current.append(line)
        if _END.search(line):
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


def split_sentences(text: str, *, language: str = "en") -> list[str]:
    """Split an article's text into sentences.

    Paragraphs and line breaks after end punctuation are kept as boundaries;
    within them, pysbd's rule-based segmenter handles abbreviations ("U.S.",
    "Mr."), numbers and quotations.

    Parameters
    ----------
    text : str
        The article text.
    language : str, default "en"
        ISO 639-1 code of a language pysbd supports.

    Returns
    -------
    list of str
        The sentences, stripped, none empty, in order.

    Examples
    --------
    >>> split_sentences("Mr. Smith went to Washington. He arrived at 5 p.m. on Monday.")
    ['Mr. Smith went to Washington.', 'He arrived at 5 p.m. on Monday.']
    """
    segmenter = _segmenter(language)
    sentences: list[str] = []
    for block in _blocks(text):
        for piece in segmenter.segment(block):
            piece = piece.strip()
            if piece:
                sentences.append(piece)
    return sentences


def segment(articles: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """Split every article of an articles table into sentences.

    Parameters
    ----------
    articles : pandas.DataFrame
        Columns ``event``, ``outlet``, ``text``; optional ``source``.
    language : str, default "en"
        Language passed to :func:`split_sentences`.

    Returns
    -------
    pandas.DataFrame
        One row per sentence: ``event``, ``outlet``, ``position`` (0-based
        index in its article), ``text``, ``source``. The input is not modified.
    """
    rows = []
    for art in articles.itertuples(index=False):
        source = getattr(art, "source", "")
        for position, sentence in enumerate(split_sentences(art.text, language=language)):
            rows.append((art.event, art.outlet, position, sentence, source))
    return pd.DataFrame(rows, columns=["event", "outlet", "position", "text", "source"]).astype({"position": "int64"})
