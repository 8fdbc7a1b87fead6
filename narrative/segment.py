"""Articles -> one row per sentence, in order, with its position kept."""

from __future__ import annotations

import functools
import math
import re
import unicodedata

import pandas as pd

from .errors import InputError, describe, require_table

__all__ = ["split_sentences", "segment", "long_sentences_note", "LONG_SENTENCE_CHARS"]

#: pysbd's run time grows faster than linearly with the length of a block, so
#: longer blocks are split window by window (sentences that cross a window edge
#: are carried over whole).
_WINDOW = 2000
#: A sentence longer than this is kept whole but reported: the model reads only its start.
LONG_SENTENCE_CHARS = 5000
_BOUNDARY_CHARS = re.compile(r"[.!?\u2026:;\u3002\uff01\uff1f\u061f\u0964]")

#: Invisible format characters (Unicode category Cf) that text carries around its sentences: the
#: soft hyphen, the Arabic letter mark, zero-width spaces and joiners, the left-to-right and
#: right-to-left marks and embeddings, word joiners, bidi isolates and the byte-order mark.
_FORMAT_CHARS = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
#: A line ending in one of these ends a sentence (format characters after it do not change that).
_END = re.compile(rf"""[.!?\u2026:;]["'\u201d\u2019)\]]*[\s{_FORMAT_CHARS}]*$""")


@functools.lru_cache(maxsize=8)
def _segmenter(language: str):
    import pysbd

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


#: A line ending in one of these runs on into the next ("KYIV, Nov 22 (Reuters) -").
_RUNS_ON = re.compile(r"[,\-\u2013\u2014(/&]\s*$")


def _hard_wrapped(lines: list[str]) -> bool:
    """Whether line breaks inside paragraphs are wraps: at least two, and most, of the lines
    followed by another line of their paragraph end without end punctuation, and those lines
    are long ones (their median at least 60% of the longest line: the wrap width), not
    titles and subheadings above long lines."""
    inner = [a for a, b in zip(lines, lines[1:]) if a and b]
    open_lines = sorted(len(a) for a in inner if not _END.search(a))
    if len(open_lines) < 2 or 2 * len(open_lines) <= len(inner):
        return False
    return open_lines[len(open_lines) // 2] >= 0.6 * max(len(a) for a in lines)


def _blocks(text: str) -> list[str]:
    """Paragraph blocks: blank lines separate; a line break after end punctuation does too.

    A line without end punctuation is joined with the next line when the text is
    hard-wrapped (:func:`_hard_wrapped`) and the line is about as long as the
    wrapped ones, when the next line starts in lower case, or when the line ends
    in a comma or dash; otherwise it stands alone: a title, a subheading or a
    byline above the text is not run into its first sentence.
    A line that ends a sentence stands alone, so one-sentence-per-line files are
    kept as written.
    """
    lines = [raw.strip() for raw in text.split("\n")]
    # in hard-wrapped text, a line shorter than most is a title or subheading, not a wrap
    wrap = 0.6 * max(len(line) for line in lines) if _hard_wrapped(lines) else math.inf
    blocks: list[str] = []
    current: list[str] = []
    for k, line in enumerate(lines):
        if not line:
            if current:
                blocks.append(" ".join(current))
                current = []
            continue
        current.append(line)
        following = lines[k + 1] if k + 1 < len(lines) else ""
        runs_on = len(line) >= wrap or following[:1].islower() or _RUNS_ON.search(line) is not None
        if _END.search(line) or not runs_on:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


def _invisible(piece: str) -> bool:
    r"""Whether ``piece`` holds nothing visible: only whitespace and format characters (category Cf).

    >>> _invisible("\u200f"), _invisible(" \ufeff\u200b "), _invisible("\u200fA")
    (True, True, False)
    """
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in piece)


def split_sentences(text: str, *, language: str = "en") -> list[str]:
    r"""Split an article's text into sentences.

    Paragraphs and line breaks after end punctuation are kept as boundaries;
    within them, pysbd's rule-based segmenter handles abbreviations ("U.S.",
    "Mr."), numbers and quotations. A piece that holds only invisible format
    characters (a right-to-left mark after a full stop, a zero-width space, a
    byte-order mark) is no sentence of its own: it goes on the sentence before
    it (or, at the start of the text, on the first sentence), so no character
    of the text is lost; a text of nothing else has no sentences.

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

    Raises
    ------
    narrative.InputError
        When ``text`` is not a str (None, bytes, a number, a list, ...).

    Examples
    --------
    >>> split_sentences("Mr. Smith went to Washington. He arrived at 5 p.m. on Monday.")
    ['Mr. Smith went to Washington.', 'He arrived at 5 p.m. on Monday.']
    >>> split_sentences("It burned.\u200f\nNobody was hurt.")
    ['It burned.\u200f', 'Nobody was hurt.']
    """
    if not isinstance(text, str):
        fix = (
            "decode it first, e.g. text.decode('utf-8')."
            if isinstance(text, bytes | bytearray)
            else "pass one article's text as a str; for a table of articles use narrative.segment(articles)."
        )
        raise InputError(f"split_sentences needs the article's text as a str; got {describe(text)}.", fix=fix)
    segmenter = _segmenter(language)
    sentences: list[str] = []
    leading = ""
    for block in _blocks(text):
        for piece in _repair(_split_block(block, segmenter)):
            piece = piece.strip()
            if not piece:
                continue
            if _invisible(piece):
                if sentences:
                    sentences[-1] += piece
                else:
                    leading += piece
                continue
            sentences.append(leading + piece)
            leading = ""
    return sentences


#: The columns :func:`segment` reads.
_SEGMENT_COLUMNS = ("event", "outlet", "text")


def segment(articles: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """Split every article of an articles table into sentences.

    Parameters
    ----------
    articles : pandas.DataFrame
        Columns ``event``, ``outlet``, ``text`` (a str in every row); optional ``source``.
    language : str, default "en"
        Language passed to :func:`split_sentences`.

    Returns
    -------
    pandas.DataFrame
        One row per sentence: ``event``, ``outlet``, ``position`` (0-based
        index in its article), ``text``, ``source``. The input is not modified.

    Raises
    ------
    narrative.InputError
        When ``articles`` is not a DataFrame, lacks one of the columns, or a ``text`` cell
        is not a str (the error names the row, counting data rows from 1).
    """
    fix = (
        "pass a pandas DataFrame with one row per article and columns event, outlet and text, e.g. "
        "narrative.read_input(path).articles."
    )
    require_table(articles, _SEGMENT_COLUMNS, what="articles table", where="segment", fix=fix)
    rows = []
    for k, art in enumerate(articles.itertuples(index=False)):
        if not isinstance(art.text, str):
            raise InputError(
                f"the 'text' of the article of outlet {art.outlet!r} (event {art.event!r}) is {describe(art.text)}, "
                "not text.",
                row=k + 1,
                fix="give every article's text as a str; drop the rows without one first, e.g. "
                "articles.dropna(subset=['text']).",
            )
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


#: The commonest English words. English news prose has about a third of its words among them (BASIL
#: and PAC articles: 27% at least); German, French, Spanish, Italian or Dutch prose, 2-5%.
_COMMON_ENGLISH = frozenset(
    "the of and to a in is that for it was on with as he be by at said from his have are this not but "
    "had has they were an which been will who their would or its after about more than also".split()
)
#: An article of at least :data:`_LANGUAGE_MIN_WORDS` words with a smaller share of common English
#: words is reported as not English.
ENGLISH_SHARE = 0.15
_LANGUAGE_MIN_WORDS = 40
_LETTERS = re.compile(r"[^\W\d_]+")


def english_share(text: str) -> float | None:
    """Share of the text's words that are common English words (None for fewer than 40 words).

    >>> round(english_share("The town was abandoned by the troops, the official said. " * 5), 2)
    0.6
    >>> round(english_share("Die Truppen haben die Stadt in der Nacht verlassen, sagte ein Beamter. " * 5), 2)
    0.08
    """
    words = _LETTERS.findall(text.lower())
    letters = sum(len(w) for w in words)
    if len(words) < _LANGUAGE_MIN_WORDS and letters >= 2 * _LANGUAGE_MIN_WORDS and letters >= 8 * len(words):
        return 0.0  # a script written without spaces between words (Chinese, Japanese, Thai, ...)
    if len(words) < _LANGUAGE_MIN_WORDS:
        return None
    return sum(w in _COMMON_ENGLISH for w in words) / len(words)


def language_note(sentences: pd.DataFrame, *, language: str = "en") -> tuple[int, str | None]:
    """How many articles do not look like English, and a warning for models that read English only."""
    texts = sentences.groupby(["event", "outlet"], sort=False)["text"].agg(" ".join)
    other = [key for key, text in texts.items() if (share := english_share(text)) is not None and share < ENGLISH_SHARE]
    if not other:
        return 0, None
    named = ", ".join(f"outlet {o!r} (event {e!r})" for e, o in other[:5]) + (
        f" and {len(other) - 5} more" if len(other) > 5 else ""
    )
    split = "" if language != "en" else " and --language for sentence splitting"
    return len(other), (
        f"{len(other)} article(s) do not look like English (fewer than {ENGLISH_SHARE:.0%} of their words are "
        f"common English words): {named}. The default model reads English only, so their matches, omissions "
        "and scores are unreliable. Give --model a multilingual sentence-transformers model (for example "
        f"paraphrase-multilingual-MiniLM-L12-v2, downloaded once with internet){split}."
    )
