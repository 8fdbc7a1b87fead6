"""Articles -> one row per sentence, in order, with its position kept."""

from __future__ import annotations

import functools
import re

import pandas as pd

__all__ = ["split_sentences", "segment", "long_sentences_note", "LONG_SENTENCE_CHARS"]

#: pysbd's run time grows faster than linearly with the length of a block, so
#: longer blocks are split window by window (sentences that cross a window edge
#: are carried over whole).
_WINDOW = 2000
#: A sentence longer than this is kept whole but reported: the model reads only its start.
LONG_SENTENCE_CHARS = 5000
_BOUNDARY_CHARS = re.compile(r"[.!?\u2026:;\u3002\uff01\uff1f\u061f\u0964]")

_END = re.compile(r"""[.!?\u2026:;]["'\u201d\u2019)\]]*\s*$""")


@functools.lru_cache(maxsize=8)
def _segmenter(language: str):
    import pysbd

    from .errors import InputError

    try:
        return pysbd.Segmenter(language=language, clean=False, char_span=True)
    except (ValueError, KeyError):
        from pysbd.languages import LANGUAGE_CODES

        raise InputError(
            f"sentence splitting does not support language {language!r}.",
            fix=f"give --language as one of {', '.join(sorted(LANGUAGE_CODES))} "
            "(for other languages, 'en' splits at . ! ? reasonably).",
        ) from None


def _split_block(block: str, segmenter) -> list[str]:
    """pysbd over one block, window by window when the block is long; nothing is dropped."""
    pieces: list[str] = []
    carry = ""
    pos = 0
    while pos < len(block):
        chunk = block[pos : pos + _WINDOW]
        last = pos + len(chunk) >= len(block)
        cuts = []
        if _BOUNDARY_CHARS.search(chunk):
            starts = [sp.start for sp in segmenter.segment(chunk)]
            cuts = sorted({c for c in starts[1:] if 0 < c < len(chunk)})
        if not cuts:  # one sentence, which may go on past this window
            carry += chunk
            pos += len(chunk)
            continue
        edges = [0, *cuts, len(chunk)] if last else [0, *cuts]
        texts = [chunk[i:j] for i, j in zip(edges, edges[1:])]
        texts[0] = carry + texts[0]
        pieces.extend(texts)
        carry = ""
        # the window's last sentence may go on past it: read it again in the next window
        pos += len(chunk) if last else cuts[-1]
    if carry:
        pieces.append(carry)
    return pieces


#: Characters that close a sentence rather than open one: a piece made of them alone
#: (a closing quotation mark cut off by the splitter) belongs to the sentence before it.
_CLOSERS = set("\"'\u201d\u2019\u00bb)]}.!?\u2026,;:*-\u2013\u2014")
#: A piece opening with one of these goes on the sentence before it ("R-Tenn., and ...").
_CONTINUERS = tuple(",;:)]}")
_ABBREVIATION = re.compile(r"(?:^|[\s(\[/-])(?:[A-Z][A-Za-z]{0,4}|(?:[A-Za-z]\.)+[A-Za-z])\.[\"'\u201d\u2019)\]]*$")


def _continues(previous: str, piece: str) -> bool:
    """Whether ``piece`` goes on the sentence ``previous`` (the splitter cut after an abbreviation)."""
    if not previous:
        return False
    if all(ch in _CLOSERS or ch.isspace() for ch in piece):
        return True
    if piece.startswith(_CONTINUERS):
        return True
    return piece[:1].islower() and _ABBREVIATION.search(previous) is not None


def _repair(pieces: list[str]) -> list[str]:
    """Join pieces the splitter cut off wrongly to the sentence before them (text kept exactly)."""
    out: list[str] = []
    for piece in pieces:
        if out and _continues(out[-1].strip(), piece.strip()):
            out[-1] += piece
        else:
            out.append(piece)
    return out


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
        for piece in _repair(_split_block(block, segmenter)):
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


def long_sentences_note(sentences: pd.DataFrame) -> tuple[int, str | None]:
    """How many sentences are so long that the model reads only their start, and a warning (or None)."""
    lengths = sentences["text"].astype(str).str.len()
    long = lengths > LONG_SENTENCE_CHARS
    if not long.any():
        return 0, None
    return int(long.sum()), (
        f"{int(long.sum())} sentence(s) are longer than {LONG_SENTENCE_CHARS:,} characters (longest: "
        f"{int(lengths.max()):,}, outlet {sentences.loc[lengths.idxmax(), 'outlet']!r}); they are kept whole, "
        "but the model reads only the first few hundred words of each."
    )
