"""Sentences -> claim units: the clauses, quotations and appositions a sentence is made of.

A news sentence often states several claims ("Trump, who placed second in the poll,
said Obama should show his birth certificate"). Comparing whole sentences hides
a shared clause behind the rest of the sentence; comparing units finds it.

:func:`split_units` is dependency-free and deterministic: it cuts at quotation
boundaries, semicolons, colons and dashes, and at commas that open a new
clause (``, which``, ``, but``, ``, saying`` ...). Fragments shorter than
``min_words`` words are merged into their neighbour. The whole sentence is
always the first unit.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["split_units", "units_table"]

_QUOTE = re.compile(r"[\"“”]([^\"“”]{12,})[\"“”]")
_HARD = re.compile(r"\s*(?:;|:\s|\s--\s|\s—\s|\s–\s|—)\s*")
_CLAUSE = re.compile(
    r",\s+(?=(?:and|but|while|which|who|whom|whose|where|when|although|though|because|after|before|"
    r"saying|adding|according|as|since|despite|even|including|noting|calling|arguing|if)\b)",
    flags=re.IGNORECASE,
)
_COMMA = re.compile(r",\s+")
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _merge_short(parts: list[str], min_words: int) -> list[str]:
    out: list[str] = []
    for part in parts:
        part = part.strip(" ,;:.!?\"“”'")
        if not part:
            continue
        if out and (_words(part) < min_words or _words(out[-1]) < min_words):
            out[-1] = f"{out[-1]}, {part}"
        else:
            out.append(part)
    return out


def split_units(text: str, *, min_words: int = 4, commas: bool = True) -> list[str]:
    """Split one sentence into claim units; the whole sentence comes first.

    Parameters
    ----------
    text : str
        One sentence.
    min_words : int, default 4
        Fragments with fewer words are joined to their neighbour.
    commas : bool, default True
        Also cut at every comma (not only those that open a clause) when both
        sides keep at least ``min_words`` words.

    Returns
    -------
    list of str
        The sentence, then its units in order (no duplicates).

    Examples
    --------
    >>> split_units("Trump, who placed second in the poll, said he would run, adding that Obama must show the papers.")[1:]
    ['Trump, who placed second in the poll', 'said he would run', 'adding that Obama must show the papers']
    """
    text = str(text or "").strip()
    units = [text]
    if not text:
        return units
    pieces: list[str] = []
    quotes = [m.group(1) for m in _QUOTE.finditer(text) if _words(m.group(1)) >= min_words]
    outside = _QUOTE.sub(lambda m: " | " if _words(m.group(1)) >= min_words else m.group(0), text)
    for chunk in [*outside.split(" | "), *quotes]:
        for hard in _HARD.split(chunk):
            for clause in _CLAUSE.split(hard):
                if commas:
                    pieces.extend(_merge_short(_COMMA.split(clause), min_words))
                else:
                    pieces.append(clause)
    for piece in _merge_short(pieces, min_words):
        if piece not in units and _words(piece) >= min_words:
            units.append(piece)
    return units


def units_table(sentences: pd.DataFrame, *, min_words: int = 4) -> pd.DataFrame:
    """One row per claim unit: ``row`` (index into ``sentences``), ``unit`` (0 = whole sentence), ``text``."""
    rows = []
    for row, text in enumerate(sentences["text"].tolist()):
        for k, unit in enumerate(split_units(text, min_words=min_words)):
            rows.append((row, k, unit))
    return pd.DataFrame(rows, columns=["row", "unit", "text"])
