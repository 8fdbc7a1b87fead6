"""Read coverage of events: folders of articles, folders of events, tables.

Every reader returns an :class:`Input`: an ``articles`` table (one row per
outlet's article) or a ``sentences`` table (one row per sentence, already
segmented), plus the files read and their hashes, and notes about anything
that was cleaned.

Three input forms are accepted:

1. a folder for one event: one file per outlet (``*.txt``, ``*.md``,
   ``*.html``/``*.htm``); the outlet name is the file stem;
2. a folder of such folders: one event per sub-folder, named by it;
3. a table (``.csv``, ``.tsv``, ``.jsonl``, ``.parquet``) with column
   ``outlet`` and either ``text`` (one article per row) or ``sentence`` (one
   sentence per row; optional ``position``), plus optional ``event``,
   ``title``, ``url``, ``published``.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, fs_text

__all__ = [
    "ARTICLE_SUFFIXES",
    "TABLE_SUFFIXES",
    "Input",
    "read_input",
    "read_article_file",
    "read_table",
    "decode_bytes",
]

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".parquet")
OPTIONAL_COLUMNS = ("event", "title", "url", "published")
ARTICLE_COLUMNS = ["event", "outlet", "title", "url", "published", "text", "source"]

#: An HTML page that yields fewer words than this is reported (likely not the article itself).
HTML_FEW_WORDS = 30
SENTENCE_COLUMNS = ["event", "outlet", "position", "text", "source"]
#: Largest input file read, in bytes (larger files are refused, not truncated).
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class Input:
    """What was read from the user's input.

    Attributes
    ----------
    articles : pandas.DataFrame or None
        One row per article: ``event``, ``outlet``, ``title``, ``url``,
        ``published``, ``text``, ``source``. None when the input was a sentence table.
    sentences : pandas.DataFrame or None
        One row per given sentence: ``event``, ``outlet``, ``position``,
        ``text``, ``source``. None when the input held whole articles.
    files : dict
        Every file read, mapped to its SHA-256.
    notes : list of str
        Warnings about what was cleaned or skipped while reading.
    skipped : dict
        How many things of each kind were skipped or cleaned (e.g.
        ``{"empty_files": 1}``), for the summary and provenance.
    root : pathlib.Path or None
        The input folder that provenance names ``files`` relative to, when
        the input was read from a folder by other means than
        :func:`read_input` (a corpus run reads each event of a Parquet dataset
        folder by filter); None names each file relative to its own folder.
    """

    articles: pd.DataFrame | None = None
    sentences: pd.DataFrame | None = None
    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    root: Path | None = None

    def note(self, message: str, *, kind: str | None = None, count: int = 1) -> None:
        """Record a warning; ``kind`` counts what was skipped or cleaned."""
        self.notes.append(fs_text(message))
        if kind is not None:
            self.skipped[kind] = self.skipped.get(kind, 0) + count


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, *, path, encoding: str | None = None) -> tuple[str, str | None]:
    """Decode file bytes to text; return ``(text, note)``.

    UTF-8 (with or without a byte-order mark) and UTF-16/32 with a byte-order
    mark are read as such; other bytes that are not UTF-8 are read as
    Windows-1252 with a note, unless ``encoding`` is given. Binary data raises
    :class:`InputError`. Line endings are normalised to ``\\n``.
    """
    note = None
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(
                f"cannot decode the file as {encoding!r} ({exc}).",
                path=path,
                fix="give the right --encoding, or save the file as UTF-8.",
            ) from None
        try:
            as_utf8 = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            as_utf8 = None
        if as_utf8 is not None and as_utf8 != text.lstrip("\ufeff"):
            note = (
                f"{path}: read as {encoding}, as --encoding asks, but the file is valid UTF-8 and reads "
                "differently as UTF-8; check its sentences, or leave --encoding out."
            )
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        text = _decode_or_fail(data, "utf-32", path)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode_or_fail(data, "utf-16", path)
    elif (guess := _utf16_without_bom(data)) is not None:
        text = _decode_or_fail(data, guess, path)
        note = f"{path}: read as {guess.upper()} (no byte-order mark)."
    else:
        if b"\x00" in data[:65536]:
            raise _nul_error(data, path)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text, note = _decode_not_utf8(data, exc, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\t\f\v")
    if text and controls > 0.05 * min(len(text), 65536):
        raise InputError(
            "the file looks binary (many control characters), not text.",
            path=path,
            fix="remove it from the input folder, or save it as UTF-8 text.",
        )
    return text, note


#: A byte that is not UTF-8, as ``errors="surrogateescape"`` decodes it, and its Windows-1252 character.
_STRAY = re.compile("[\udc80-\udcff]")
_STRAY_CP1252 = {0xDC00 + b: bytes([b]).decode("cp1252", errors="replace") for b in range(0x80, 0x100)}


def _decode_not_utf8(data: bytes, error: UnicodeDecodeError, path) -> tuple[str, str]:
    """Text of bytes that are not valid UTF-8, and a note saying how they were read.

    A file that is UTF-8 but for a few stray bytes (text pasted from two sources) keeps its UTF-8
    characters, and only the stray bytes are read as Windows-1252; other files are read as
    Windows-1252 throughout.
    """
    line = data.count(b"\n", 0, error.start) + 1
    text = data.decode("utf-8-sig", errors="surrogateescape")
    stray = len(_STRAY.findall(text))
    utf8 = len(text) - len(text.encode("ascii", errors="ignore")) - stray  # characters beyond ASCII
    if utf8 and 4 * utf8 >= stray:  # real UTF-8 sequences: valid UTF-8 by chance is rare in other encodings
        return _STRAY.sub(lambda m: _STRAY_CP1252[ord(m.group())], text), (
            f"{path}: {stray} byte(s) are not valid UTF-8 (first on line {line}); the rest of the file is UTF-8. "
            "Those bytes were read as Windows-1252 characters; check that line, or save the file as UTF-8."
        )
    return data.decode("cp1252", errors="replace"), (
        f"{path}: not valid UTF-8; read as Windows-1252 (Latin-1). The first byte that is not UTF-8 is on line "
        f"{line}; if letters look wrong, give the file's encoding with --encoding."
    )


def _nul_error(data: bytes, path) -> InputError:
    """The error for bytes holding NUL: binary data, text with stray NULs, or cut-short UTF-16."""
    head = data[:65536]
    if len(head) >= 4 and len(head) % 2:
        for name in _utf16_layouts(head):
            return InputError(
                f"the file looks like {name.upper()} text without a byte-order mark, "
                f"but its length ({len(data):,} bytes) is odd: it may be cut short.",
                path=path,
                fix="save it again as UTF-8 (UTF-16 text always has an even number of bytes).",
            )
    nuls = data.count(b"\x00")
    if nuls <= max(1, len(data) // 1000):
        cleaned = data.replace(b"\x00", b"")
        try:
            text = cleaned.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        if text is not None and sum(ord(ch) < 32 and ch not in "\r\n\t\f\v" for ch in text[:65536]) == 0:
            first = data.index(b"\x00")
            line = data.count(b"\n", 0, first) + 1
            return InputError(
                f"the file is text but holds {nuls} NUL byte{'s' if nuls > 1 else ''} "
                f"(the first on line {line}, byte {first:,}).",
                path=path,
                fix="remove the NUL bytes (e.g. tr -d '\\000' < FILE > CLEAN) and give the cleaned file.",
            )
    return InputError(
        "the file looks binary (it holds NUL bytes), not text.",
        path=path,
        fix="remove it from the input folder, or save it as UTF-8 text.",
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes look like UTF-16 text without a BOM, else None."""
    head = data[:65536]
    if len(head) < 4 or len(head) % 2 or b"\x00" not in head:
        return None
    for name in _utf16_layouts(head):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            return None
        if all(ch.isprintable() or ch in "\n\r\t" for ch in text[:2000]):
            return name
    return None


def _utf16_layouts(head: bytes):
    """The UTF-16 byte orders whose high bytes are nearly all zero in ``head`` (text of Latin letters)."""
    for zeros, name in ((head[1::2], "utf-16-le"), (head[0::2], "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros):
            yield name


def _decode_or_fail(data: bytes, encoding: str, path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file starts with a {encoding.upper()} byte-order mark but does not decode ({exc}).",
            path=path,
            fix="save the file as UTF-8.",
        ) from None


def _not_a_regular_file(path: Path) -> str | None:
    """What ``path`` is when it is neither a folder nor a regular file (reading it could block or never end)."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # the reader reports what it cannot read
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def _read_bytes(path: Path, files: dict) -> bytes:
    kind = _not_a_regular_file(path)
    if kind is not None:
        raise InputError(
            f"this is {kind}, not a file.", path=path, fix="save the input to a file and give that file's path."
        )
    too_large = (
        f"the file is larger than the {MAX_FILE_BYTES // 2**20} MiB limit.",
        "split it into one file (or table) per event.",
    )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"the file is {size / 2**20:.0f} MiB, larger than the {MAX_FILE_BYTES // 2**20} MiB limit.",
                path=path,
                fix=too_large[1],
            )
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)  # a file that grows while read stops at the limit
        if len(data) > MAX_FILE_BYTES:
            raise InputError(too_large[0], path=path, fix=too_large[1])
    except OSError as exc:
        raise InputError(
            f"cannot read the file ({exc.strerror}).", path=path, fix="check the path and its permissions."
        ) from None
    files[str(path)] = hashlib.sha256(data).hexdigest()
    return data


# --------------------------------------------------------------------------- articles

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_PREFIX = re.compile(r"^\s{0,3}(?:>+\s?|[-*+]\s+|\d+[.)]\s+)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n(.*?)\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_MD_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_MD_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_TABLE_ROWS = "table rows"  # counted with what is left out, but kept
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_HTML_CODE_BLOCK = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)


def _markdown_to_text(text: str) -> tuple[str, str, dict]:
    """Plain text, title and what was left out of a Markdown article.

    The title is the first level-1 heading (else a ``title:`` of YAML front matter). Front
    matter, fenced code blocks, images, HTML comments, scripts and tags are left out and counted;
    table rows are kept as text, their cells joined by commas, and counted under ``"table rows"``.
    """
    dropped = {}
    title = ""
    front = _MD_FRONT_MATTER.match(text)
    if front:
        text = text[front.end() :]
        dropped["front matter"] = 1
        for line in front.group(1).split("\n"):
            if m := re.match(r"\s*title\s*:\s*(.+?)\s*$", line, re.I):
                title = m.group(1).strip("'\" ")
    for name, pattern in (
        ("HTML comment(s)", _HTML_COMMENT), ("script or style block(s)", _HTML_CODE_BLOCK), ("image(s)", _MD_IMAGE),
        ("HTML tag(s)", _HTML_TAG),
    ):  # fmt: skip
        text, n = pattern.subn("", text)
        if n:
            dropped[name] = n
    heading_title = ""
    lines, fence = [], None
    for line in text.split("\n"):
        opening = _MD_FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            dropped["code block(s)"] = dropped.get("code block(s)", 0) + 1
            lines.append("")
            continue
        heading = re.match(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if heading:
            if not heading_title and heading.group(1) == "#":
                heading_title = heading.group(2)
                continue
            lines.extend(["", heading.group(2), ""])
            continue
        if re.match(r"^\s{0,3}([-*_]\s*){3,}$", line):  # thematic break
            lines.append("")
            continue
        if _MD_TABLE_ROW.match(line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):  # the row under the header
                continue
            lines.extend([", ".join(c for c in cells if c), ""])  # a row is a paragraph of its own
            dropped[_MD_TABLE_ROWS] = dropped.get(_MD_TABLE_ROWS, 0) + 1
            continue
        line = _MD_PREFIX.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        lines.append(re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", line))  # as Markdown shows it
    return "\n".join(lines), heading_title or title, dropped


class EmptyArticleError(InputError):
    """An article file with no text: an error, or skipped with a warning when asked to."""


#: An HTML tag, comment or doctype.
_HTML_TAG = re.compile(
    r"<(?:[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?|/[a-zA-Z][a-zA-Z0-9-]*\s*|!--.*?--|![a-zA-Z][^<>]*)>", re.S
)


def _html_to_text(text: str, path) -> tuple[str, str, str]:
    """Main text, title and date of an HTML page, through trafilatura."""
    import logging

    import trafilatura

    quiet = logging.getLogger("trafilatura")
    level, quiet.level = quiet.level, logging.CRITICAL  # its parse messages are not the user's concern
    try:
        doc = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
        )
    finally:
        quiet.setLevel(level)
    body = (doc.text if doc is not None else "") or ""
    if is_blank(body):
        raise EmptyArticleError(
            "no article text found in this HTML page (only navigation, scripts or markup).",
            path=path,
            fix="save the article page itself, or paste its text into a .txt file.",
        )
    title = (doc.title or "").strip()
    lines = body.split("\n")
    if title and lines and lines[0].strip() == title:
        lines = lines[1:]
    # trafilatura gives one paragraph per line: keep them apart.
    return "\n\n".join(lines), title, (doc.date or "")


_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


#: Tags that give a page or fragment its structure (paragraphs, line breaks, blocks). Text that quotes
#: a tag or two (an article on a script attack) is text; two of these make it HTML markup.
_KNOWN_TAG = re.compile(
    r"<!doctype html|</?(?:p|br|div|html|head|body|li|ul|ol|h[1-6]|table|tr|td|th|section|article|blockquote)\b[^<>]*>",
    re.IGNORECASE,
)


def markup_problem(text: str) -> str | None:
    """What markup a plain text really holds (an HTML page or fragment, an RTF document), or None."""
    if text.lstrip().startswith("{\\rtf"):
        return "an RTF document (word-processor markup)"
    tags = _KNOWN_TAG.findall(text[:200_000])
    if len(tags) >= 2:
        return f"HTML markup ({len(tags)} tags such as {tags[0][:30]!r})"
    return None


def _declared_charset(data: bytes) -> str | None:
    """The encoding an HTML page declares in a ``<meta>`` tag near its start (None for none, unknown or UTF-8)."""
    found = _META_CHARSET.search(data[:8192])
    if found is None:
        return None
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return None if name in ("utf-8", "utf-8-sig") else name


def read_article_file(path, *, event: str | None = None, encoding: str | None = None, files=None, notes=None):
    """Read one outlet's article from a ``.txt``, ``.md`` or ``.html`` file.

    Returns a dict with the columns of the articles table.
    """
    path = Path(path)
    files = {} if files is None else files
    suffix = path.suffix.lower()
    outlet = fs_text(path.stem).strip()  # as a table's outlet names: spaces around it trimmed
    if not outlet:
        raise InputError(
            "the file name gives no outlet name (the outlet is the file name without its extension).",
            path=path,
            fix="rename the file after its outlet, e.g. reuters.txt.",
        )
    data = _read_bytes(path, files)
    text = None
    if suffix in (".html", ".htm") and encoding is None and (declared := _declared_charset(data)) is not None:
        try:  # a page that is not UTF-8 is read in the encoding it declares
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text, _ = decode_bytes(data, path=path, encoding=declared)
                note = f"{path}: not UTF-8; read as {declared}, the encoding the page declares in its <meta> tag."
            except InputError:
                pass  # bytes the declared encoding cannot read: read as any other file
    if text is None:
        text, note = decode_bytes(data, path=path, encoding=encoding)
    if note and notes is not None:
        notes.append(note)
    title, published = "", ""
    if suffix in (".html", ".htm") and text.strip() and not _HTML_TAG.search(text):
        if notes is not None:
            notes.append(f"{path}: holds no HTML tags; read as plain text.")
    elif suffix in (".html", ".htm"):
        if text.strip():
            text, title, published = _html_to_text(text, path)
            words = len(text.split())
            if words < HTML_FEW_WORDS and notes is not None:
                notes.append(
                    f"{path}: only {words} word(s) of text found in this HTML page; check that it is the article "
                    "itself (a page built by JavaScript holds its text only once a browser has run it)."
                )
    elif suffix == ".txt" and (markup := markup_problem(text)):
        raise InputError(
            f"the file holds {markup}, not plain text.",
            path=path,
            fix="save it as plain text or Markdown"
            + (", or rename it to .html so its article text is extracted." if "HTML" in markup else "."),
        )
    elif suffix == ".md":
        text, title, dropped = _markdown_to_text(text)
        rows = dropped.pop(_MD_TABLE_ROWS, 0)
        if dropped and notes is not None:
            what = ", ".join(k if k == "front matter" else f"{n} {k}" for k, n in dropped.items())
            notes.append(f"{path}: left out of the Markdown article's text: {what}.")
        if rows and notes is not None:
            notes.append(f"{path}: kept {rows} Markdown table row(s) as lines of text, cells joined by commas.")
    if is_blank(text):
        raise EmptyArticleError(
            f"the article has a headline ({title[:80]!r}) but no text below it."
            if title.strip()
            else "the article is empty (no text, or only whitespace and invisible characters).",
            path=path,
            fix="add the article's text, or remove the file.",
        )
    return {  # names as text a table can hold, whatever bytes the file system gave them in
        "event": fs_text(event if event is not None else path.parent.name),
        "outlet": outlet,
        "title": title,
        "url": "",
        "published": published,
        "text": text,
        "source": fs_text(str(path)),
    }


def _article_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES and not p.name.startswith(".")
    )


def _other_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() not in ARTICLE_SUFFIXES and not p.name.startswith(".")
    )


def _loops_back(p: Path, folder: Path) -> bool:
    """A link to ``folder`` itself or to a folder above it: reading it would go round in a loop."""
    if not p.is_symlink():
        return False
    try:
        target = p.resolve(strict=True)
    except (OSError, RuntimeError):
        return False  # a broken or self-referring link: reported as a link whose target does not exist
    here = folder.resolve()
    return target == here or target in here.parents


def event_subfolders(folder: Path) -> list[Path]:
    """The sub-folders of ``folder`` that may be events: not hidden, not '_'-prefixed, not links back up."""
    return sorted(
        p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")) and not _loops_back(p, folder)
    )


def _note_loops(folder: Path, result: Input) -> None:
    loops = sorted(p.name for p in folder.iterdir() if _loops_back(p, folder))
    if loops:
        result.note(
            f"{folder}: skipped {len(loops)} link(s) that point back to this folder or a folder above it "
            f"({_some(loops)}).",
            kind="looping_links",
            count=len(loops),
        )


def _note_unread(folder: Path, result: Input) -> None:
    """Count and report article-like entries that are not read: hidden files, broken links."""
    _note_loops(folder, result)
    hidden = sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.suffix.lower() in ARTICLE_SUFFIXES)
    if hidden:
        result.note(
            f"{folder}: skipped {len(hidden)} hidden file(s) ({_some(hidden)}); "
            "rename them without the leading '.' to compare them.",
            kind="hidden_files",
            count=len(hidden),
        )
    special = sorted(
        p.name
        for p in folder.iterdir()
        if p.exists() and not p.is_file() and not p.is_dir() and not p.name.startswith(".")
    )
    if special:  # a named pipe, a socket, a device: never read (a pipe would block the run)
        result.note(
            f"{folder}: skipped {len(special)} item(s) that are not regular files but named pipes, sockets or "
            f"devices ({_some(special)}).",
            kind="special_files",
            count=len(special),
        )
    broken = sorted(p.name for p in folder.iterdir() if p.is_symlink() and not p.exists())
    if broken:
        result.note(
            f"{folder}: skipped {len(broken)} link(s) whose target does not exist ({_some(broken)}).",
            kind="broken_links",
            count=len(broken),
        )


def folder_name(folder: Path) -> str:
    """A folder's own name, also when it was given as ``.`` or ``..`` (the event id of an event folder)."""
    return fs_text(Path(os.path.abspath(folder)).name)


def _read_event_folder(folder: Path, result: Input, encoding, skip_empty: bool = False) -> list[dict]:
    paths = _article_files(folder)
    others = _other_files(folder)
    parquet = [p.name for p in others if p.suffix.lower() == ".parquet"]
    if parquet and len(paths) == 1:  # one outlet could not be compared anyway: the folder is a dataset
        raise InputError(
            f"the folder holds Parquet files ({_some(parquet)}) and one article file ({paths[0].name}); "
            "a Parquet dataset folder holds only Parquet files.",
            path=folder,
            fix=f"move {paths[0].name} out of the folder (or rename it to start with '_'), "
            "or give one article file per outlet.",
        )
    _note_unread(folder, result)
    if others:
        result.note(
            f"{folder}: skipped {len(others)} file(s) that are not articles ({_some(p.name for p in others)}); "
            f"articles are {', '.join('*' + s for s in ARTICLE_SUFFIXES)} files.",
            kind="non_article_files",
            count=len(others),
        )
    seen: dict[str, Path] = {}
    rows = []
    for path in paths:
        key = name_key(path.stem)
        if key in seen:
            a, b = seen[key].name, path.name
            stems = seen[key].stem, path.stem
            if stems[0] == stems[1]:
                how = ""  # the same name, two extensions
            elif stems[0].casefold() == stems[1].casefold():
                how = " (the names differ only in case)"
            else:  # looks the same: show the characters that differ
                a, b = ascii(a), ascii(b)
                how = " (the names differ only in Unicode form or spacing)"
            raise InputError(
                f"two files give the same outlet name {path.stem!r}: {a} and {b}{how}.",
                path=folder,
                fix="keep one file per outlet, or rename one of them.",
            )
        seen[key] = path
        try:
            row = read_article_file(
                path, event=folder_name(folder), encoding=encoding, files=result.files, notes=result.notes
            )
        except EmptyArticleError as exc:
            if not skip_empty:
                exc.fix = (
                    f"{exc.fix[:-1]}, or run with --skip-empty (in Python: skip_empty=True) to leave such files out."
                )
                raise
            result.note(f"{exc.message.split(' Fix:')[0]} The file was skipped.", kind="empty_files")
            continue
        rows.append(row)
    return rows


def _some(names) -> str:
    """The first three names, and "..." when there are more."""
    names = list(names)
    return ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")


def is_blank(text: str) -> bool:
    """True for text with nothing to read: only whitespace and invisible format characters
    (zero-width spaces and joiners, word joiners, byte-order marks)."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def name_key(name: str) -> str:
    """The key under which two outlet or event names count as one: case, Unicode form (NFKC: a
    composed or decomposed accent, a non-breaking space) and runs of spaces do not matter."""
    return " ".join(unicodedata.normalize("NFKC", str(name)).split()).casefold()


def check_event_ids(folder: Path, event_folders) -> None:
    """Refuse two event folders whose names (the event ids) differ only in case, Unicode form or spacing."""
    folded: dict[str, Path] = {}
    for sub in event_folders:
        key = name_key(sub.name)
        if key in folded:
            raise InputError(
                f"two event folders have the same id up to case, Unicode form or spacing: {folded[key].name!r} "
                f"and {sub.name!r}.",
                path=folder,
                fix="merge the two folders, or rename one so that every event has its own id.",
            )
        folded[key] = sub


def note_skipped_folders(folder: Path, result: Input) -> None:
    """Count and report the sub-folders of a folder of event folders that are not read as events."""
    _note_loops(folder, result)
    left = [p for p in event_subfolders(folder) if not _article_files(p)]
    if left:
        result.note(
            f"{folder}: skipped {len(left)} sub-folder(s) that hold no article files ({_some(p.name for p in left)}); an event "
            f"folder holds one {'/'.join('*' + s for s in ARTICLE_SUFFIXES)} file per outlet, directly inside it.",
            kind="folders_without_articles",
            count=len(left),
        )
    unread = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name.startswith("_"))
    if unread:
        result.note(
            f"{folder}: skipped {len(unread)} sub-folder(s) whose name starts with '_' ({_some(unread)}).",
            kind="underscore_folders",
            count=len(unread),
        )
    hidden = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name.startswith(".") and _article_files(p))
    if hidden:
        result.note(
            f"{folder}: skipped {len(hidden)} hidden sub-folder(s) that hold articles ({_some(hidden)}); "
            "rename them without the leading '.' to compare them.",
            kind="hidden_folders",
            count=len(hidden),
        )
    loose = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if loose:  # a table beside the event folders is not an event: say so rather than leave it out unseen
        result.note(
            f"{folder}: skipped {len(loose)} file(s) beside the event folders ({_some(loose)}); a folder of event "
            "folders is read folder by folder: give a table as INPUT on its own.",
            kind="files_beside_events",
            count=len(loose),
        )


def _what_else(folder: Path) -> str:
    """What a folder without articles holds that looks like input, for the error: '; it holds ...'."""
    try:
        entries = sorted(p for p in folder.iterdir() if p.is_file())
    except OSError:
        return ""
    kinds = []
    bare = [p.name for p in entries if not p.suffix and not p.name.startswith(".")]
    tables = [p.name for p in entries if p.suffix.lower() in TABLE_SUFFIXES and not p.name.startswith(".")]
    hidden = [p.name for p in entries if p.name.startswith(".") and p.suffix.lower() in ARTICLE_SUFFIXES]
    if bare:
        kinds.append(f"files without an extension ({_some(bare)}; name them e.g. reuters.txt)")
    if tables:
        kinds.append(f"tables ({_some(tables)}; give a table as INPUT on its own)")
    if hidden:
        kinds.append(f"hidden files ({_some(hidden)}; rename them without the leading '.')")
    return f"; it holds {' and '.join(kinds)}" if kinds else ""


def _read_folder(folder: Path, encoding, skip_empty: bool = False) -> Input:
    result = Input()
    files = _article_files(folder)
    event_folders = [p for p in event_subfolders(folder) if _article_files(p)]
    if files and event_folders:
        raise InputError(
            f"the folder holds both article files ({files[0].name}, ...) and event folders ({event_folders[0].name}, ...).",
            path=folder,
            fix="give either one event's folder (one file per outlet) or a folder of event folders.",
        )
    if files:
        rows = _read_event_folder(folder, result, encoding, skip_empty)
    elif event_folders:
        note_skipped_folders(folder, result)
        check_event_ids(folder, event_folders)
        rows = []
        for sub in event_folders:
            rows.extend(_read_event_folder(sub, result, encoding, skip_empty))
    else:
        raise InputError(
            f"no articles found (looked for {', '.join('*' + s for s in ARTICLE_SUFFIXES)} files, "
            f"and for sub-folders holding them){_what_else(folder)}.",
            path=folder,
            fix="put one file per outlet in the folder, named after the outlet (e.g. reuters.txt).",
        )
    if not rows:
        raise InputError(
            "every article file is empty, so there is nothing to compare.",
            path=folder,
            fix="add the articles' text to the files.",
        )
    result.articles = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    return result


# --------------------------------------------------------------------------- tables


def read_table(path, *, encoding: str | None = None) -> Input:
    """Read an articles or sentences table (``.csv``, ``.tsv``, ``.jsonl``, ``.parquet``)."""
    path = Path(path)
    result = Input()
    data = _read_bytes(path, result.files)
    suffix = path.suffix.lower()
    lines = None
    try:
        if suffix == ".parquet":
            import io as _io

            frame = pd.read_parquet(_io.BytesIO(data))
        else:
            text, note = decode_bytes(data, path=path, encoding=encoding)
            if note:
                result.note(note)
            if not text.strip():
                raise InputError("the table is empty.", path=path, fix="add a header row and one row per article.")
            import io as _io

            if suffix == ".jsonl":
                frame, lines = _read_jsonl(text, path)
            elif suffix == ".tsv":
                _check_header(text.lstrip("\ufeff").split("\n", 1)[0].split("\t"), path)
                frame = _read_tsv(text)
            else:
                import csv

                header = text.lstrip("\ufeff").split("\n", 1)[0]
                sep = ","
                if "," not in header and ";" in header:
                    sep = ";"
                    result.note(f"{path}: the columns are separated by ';' (as some spreadsheet programs save CSV).")
                _check_header(next(csv.reader([header], delimiter=sep), []), path)
                frame = pd.read_csv(_io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except InputError:
        raise
    except Exception as exc:  # the parsers raise many types; report any as the user's input
        raise InputError(
            f"cannot parse the {suffix[1:].upper()} table ({type(exc).__name__}: {str(exc).strip()[:200]}).",
            path=path,
            fix="check that every line is one JSON object."
            if suffix == ".jsonl"
            else f"check that the file is a valid {suffix[1:].upper()} table with a header row.",
        ) from None
    return _table_to_input(frame, path, result, rows=lines)


def _read_tsv(text: str) -> pd.DataFrame:
    """A tab-separated table, whether or not its writer quoted cells the CSV way.

    Plain TSV has no quoting: a cell may begin with a quotation mark
    (``"We will not retreat," said ...``). Some writers (pandas, spreadsheets)
    quote a cell that holds a quotation mark, a tab or a line break. The table
    is parsed both ways; where the two readings differ, a cell is unquoted only
    when its literal text is exactly the CSV quoting of the other reading, so a
    quotation mark that opens a sentence is never taken for quoting (and never
    swallows the rows after it).
    """
    import csv
    import io as _io

    def parse(quoting):
        return pd.read_csv(_io.StringIO(text), sep="\t", dtype=str, keep_default_na=False, quoting=quoting)

    lines = [line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]
    if len({line.count("\t") for line in lines}) > 1:  # ragged: a quoted cell spans lines or holds a tab
        return parse(csv.QUOTE_MINIMAL)
    literal = parse(csv.QUOTE_NONE)
    try:
        quoted = parse(csv.QUOTE_MINIMAL)
    except Exception:
        return literal
    if quoted.shape != literal.shape or list(quoted.columns) != [_unquote(c) for c in literal.columns]:
        return literal
    out = literal.copy()
    out.columns = quoted.columns
    for k in range(literal.shape[1]):
        a, b = literal.iloc[:, k], quoted.iloc[:, k]
        redo = (a != b) & (a == '"' + b.str.replace('"', '""') + '"')
        out.iloc[redo.to_numpy(), k] = b[redo]
    return out


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


_SURROGATE = re.compile("[\ud800-\udfff]")


def _read_jsonl(text: str, path: Path) -> tuple[pd.DataFrame, list[int]]:
    """The records of a JSONL table and the line number of each (blank lines are skipped)."""
    import json

    records, lines = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"line {number} is not valid JSON ({exc.msg} at column {exc.colno}).",
                path=path,
                row=number,
                fix="write one JSON object per line.",
            ) from None
        if not isinstance(record, dict):
            raise InputError(
                f"line {number} holds a JSON {type(record).__name__}, not an object.",
                path=path,
                row=number,
                fix='write one JSON object per line, e.g. {"outlet": "...", "text": "..."}.',
            )
        for key, value in record.items():
            if isinstance(value, str) and _SURROGATE.search(value):
                raise InputError(
                    f"the value of {key!r} holds an unpaired surrogate escape "
                    f"({_SURROGATE.search(value).group().encode('unicode_escape').decode()}), which is not text.",
                    path=path,
                    row=number,
                    fix="correct or remove the escape (a character outside the Basic Multilingual Plane needs "
                    "its two \\uXXXX halves together).",
                )
        records.append(record)
        lines.append(number)
    return pd.DataFrame.from_records(records), lines


def _suggest(name: str, columns) -> str:
    """A hint naming the column that looks like a misspelt ``name`` (never one the reader knows)."""
    known = {"outlet", "text", "sentence", "position", *OPTIONAL_COLUMNS}
    others = [str(c) for c in columns if str(c).strip().lower() not in known]
    close = difflib.get_close_matches(name, others, n=1, cutoff=0.6)
    return f" (is {close[0]!r} meant to be {name!r}?)" if close else ""


def check_event_column(event: pd.Series, rownum, path) -> None:
    """Refuse an empty event id, and two ids that differ only in case (``rownum``: the rows' numbers)."""
    empty = event.eq("").to_numpy()
    if empty.any():
        raise InputError(
            "a row has an empty 'event' value.",
            path=path,
            row=int(rownum[empty.nonzero()[0][0]]),
            fix="fill in the 'event' column.",
        )
    codes, ids = pd.factorize(event)  # ids in order of first appearance
    _, first_rows = np.unique(codes, return_index=True)
    spellings: dict[str, str] = {}
    for value, at in zip(ids, first_rows):
        first = spellings.setdefault(name_key(value), value)
        if first != value:
            raise InputError(
                f"events {first!r} and {value!r} differ only in case, Unicode form or spacing; "
                "they would be read as two events.",
                path=path,
                row=int(rownum[at]),
                fix="spell each event's id the same way in every row.",
            )


def _check_header(names, path) -> None:
    """Refuse a header that names one column twice (up to case and spaces); pandas would rename one."""
    names = [str(n) for n in names]
    keys = [n.strip().lower() for n in names]
    repeated = next((k for k in keys if keys.count(k) > 1), None)
    if repeated is not None:
        same = [n for n, k in zip(names, keys) if k == repeated]
        raise InputError(
            f"the table has {len(same)} columns named {repeated!r} (up to case and spaces: "
            f"{', '.join(repr(n) for n in same)}).",
            path=path,
            fix="keep one of them, or rename the others.",
        )


def _table_to_input(frame: pd.DataFrame, path: Path, result: Input, *, rows=None) -> Input:
    """Check a table and read it as articles ('text') or sentences ('sentence').

    ``rows`` are the rows' numbers in the file, for messages, when ``frame``
    is part of it (one event of a Parquet dataset); default the row order.
    """
    original = [str(c) for c in frame.columns]
    _check_header(original, path)
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    cols = list(frame.columns)
    if "outlet" not in cols:
        raise InputError(
            f"the table has no 'outlet' column{_suggest('outlet', cols)}; its columns are {cols}.",
            path=path,
            fix="add a column 'outlet' naming the outlet of each row.",
        )
    has_text, has_sentence = "text" in cols, "sentence" in cols
    if has_text == has_sentence:
        hint = _suggest("text", cols) or _suggest("sentence", cols)
        problem = (
            "the table has both 'text' and 'sentence' columns."
            if has_text
            else f"the table has neither a 'text' nor a 'sentence' column{hint}; its columns are {cols}."
        )
        raise InputError(
            problem,
            path=path,
            fix="keep one of the two columns: 'text' (one article per row) or 'sentence' (one sentence per row)."
            if has_text
            else "name the column that holds the articles 'text' (one article per row), or the one that holds "
            "sentences 'sentence' (one sentence per row).",
        )
    if frame.empty:
        raise InputError("the table has a header but no rows.", path=path, fix="add one row per article or sentence.")
    frame = frame.reset_index(drop=True)
    if rows is not None:
        rownum = pd.Index(rows)
    else:
        rownum = frame.index + 2 if path.suffix.lower() in (".csv", ".tsv") else frame.index + 1
    repeats = np.ones(len(frame), dtype=bool)
    for k, name in enumerate(original):
        repeats &= (frame.iloc[:, k].astype(str).str.strip().str.lower() == name.strip().lower()).to_numpy()
    if repeats.any():
        k = int(repeats.nonzero()[0][0])
        raise InputError(
            f"the row repeats the table's header ({', '.join(original)}); two files were probably "
            f"joined into one ({int(repeats.sum())} such row(s)).",
            path=path,
            row=int(rownum[k]),
            fix="delete the repeated header row(s).",
        )

    def column(name, default=""):
        if name not in frame.columns:
            return pd.Series([default] * len(frame), index=frame.index, dtype=object)
        kinds = frame[name].map(lambda v: _cell_kind(v, textual=name in ("text", "sentence")))
        odd = kinds.notna()
        if odd.any():
            k = int(odd.to_numpy().nonzero()[0][0])
            kind = kinds.iloc[k]
            fix = {
                "bytes": f"store '{name}' as a string column (decode the bytes as UTF-8 before writing the table).",
                "a number": f"give '{name}' as text (in JSON, in quotation marks).",
                "a true/false value": f"give '{name}' as text.",
            }.get(kind, f"give '{name}' as one plain string per row (e.g. join a list of paragraphs with blank lines).")
            raise InputError(
                f"the '{name}' cell holds {kind}, not text ({int(odd.sum())} row(s) like this).",
                path=path,
                row=int(rownum[k]),
                fix=fix,
            )
        return frame[name].map(lambda v: default if _is_missing(v) else str(v))

    outlet = column("outlet").str.strip()
    trimmed = int((column("outlet") != outlet).sum())
    missing = outlet.eq("")
    if missing.any():
        first = int(rownum[missing.to_numpy().nonzero()[0][0]])
        raise InputError(
            f"{int(missing.sum())} row(s) have no outlet name.",
            path=path,
            row=first,
            fix="fill in the 'outlet' column.",
        )
    event = column("event", "").str.strip()
    if "event" not in frame.columns:
        event = pd.Series([path.stem] * len(frame), index=frame.index)
    else:
        check_event_column(event, rownum, path)
        trimmed += int((column("event") != event).sum())
    if trimmed:
        result.note(
            f"{path}: removed spaces around {trimmed} outlet or event name(s).", kind="trimmed_names", count=trimmed
        )

    name = "text" if has_text else "sentence"
    marked = column(name).map(markup_problem)
    if marked.notna().any():
        k = int(marked.notna().to_numpy().nonzero()[0][0])
        raise InputError(
            f"the '{name}' cell holds {marked.iloc[k]}, not plain text ({int(marked.notna().sum())} row(s) like this).",
            path=path,
            row=int(rownum[k]),
            fix="strip the markup from the cells (or give each HTML page as its own .html file).",
        )
    if has_text:
        text = column("text")
        empty = text.map(is_blank)
        if empty.any():
            first = int(rownum[empty.to_numpy().nonzero()[0][0]])
            raise InputError(
                f"{int(empty.sum())} article(s) have no text.",
                path=path,
                row=first,
                fix="fill in the 'text' cell, or remove the row.",
            )
        articles = pd.DataFrame(
            {
                "event": event,
                "outlet": outlet,
                "title": column("title"),
                "url": column("url"),
                "published": column("published"),
                "text": text.str.replace("\r\n", "\n").str.replace("\r", "\n"),
                "source": [f"{path}:{r}" for r in rownum],
            }
        )
        dup = articles.duplicated(["event", "outlet"], keep=False)
        if dup.any():
            rows = [int(r) for r in rownum[dup.to_numpy()]]
            raise InputError(
                f"outlet {articles.loc[dup, 'outlet'].iloc[0]!r} has more than one article in event "
                f"{articles.loc[dup, 'event'].iloc[0]!r} (rows {', '.join(map(str, rows[:5]))}).",
                path=path,
                row=rows[0],
                fix="keep one row per event and outlet, or give the sentences in a 'sentence' column instead.",
            )
        result.articles = articles[ARTICLE_COLUMNS].reset_index(drop=True)
        return result

    sentence = column("sentence")
    empty = sentence.map(is_blank)
    if empty.any():
        result.note(
            f"{path}: {int(empty.sum())} sentence row(s) are empty (first: row {int(rownum[empty.to_numpy()][0])}); "
            "they are kept, with no claim.",
            kind="empty_sentences",
            count=int(empty.sum()),
        )
    if "position" in frame.columns:
        raw = frame["position"]
        position = pd.to_numeric(raw, errors="coerce")
        bad = ~np.isfinite(position.astype(float)) | (position != position.round()) | (position.abs() > 2**53)
        bad |= position < 0
        if bad.any():
            first = int(rownum[bad.to_numpy().nonzero()[0][0]])
            value = raw[bad].iloc[0]
            raise InputError(
                f"'position' must be a whole number from 0 (at most 2**53); got "
                f"{value if isinstance(value, str) else str(value)!r}.",
                path=path,
                row=first,
                fix="fill 'position' with each sentence's index in its article, or drop the column to use row order.",
            )
        position = position.astype("int64")
    else:
        position = frame.groupby([event, outlet], sort=False).cumcount().astype("int64")
    sentences = pd.DataFrame(
        {
            "event": event,
            "outlet": outlet,
            "position": position,
            "text": sentence.str.replace("\r\n", "\n").str.replace("\r", "\n"),
            "source": [f"{path}:{r}" for r in rownum],
        }
    )
    dup = sentences.duplicated(["event", "outlet", "position"], keep=False)
    if dup.any():
        rows = [int(r) for r in rownum[dup.to_numpy()]]
        raise InputError(
            f"two sentences of outlet {sentences.loc[dup, 'outlet'].iloc[0]!r} in event "
            f"{sentences.loc[dup, 'event'].iloc[0]!r} have the same position "
            f"{int(sentences.loc[dup, 'position'].iloc[0])} (rows {', '.join(map(str, rows[:5]))}).",
            path=path,
            row=rows[0],
            fix="give each sentence of an article its own position, or drop the column to use row order.",
        )
    # Events and outlets in order of first appearance; sentences by position within each.
    group = pd.Series(list(zip(event, outlet)), index=frame.index)
    sentences["_group"] = group.map({k: i for i, k in enumerate(dict.fromkeys(group))})
    keyed = sentences.sort_values(["_group", "position"], kind="stable").reset_index(drop=True)
    result.sentences = keyed[SENTENCE_COLUMNS]
    return result


def _cell_kind(value, *, textual: bool) -> str | None:
    """What a table cell holds when it is not text that can be read as such (None when it can)."""
    if isinstance(value, (list, tuple, dict, set, np.ndarray)):
        return f"a {type(value).__name__}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "bytes"
    if textual and isinstance(value, (bool, np.bool_)):
        return "a true/false value"
    if textual and isinstance(value, (int, float, np.number)) and not _is_missing(value):
        return "a number"
    return None


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- entry point


def _data_files(folder: Path) -> list[Path]:
    """The files of a folder tree that pyarrow reads as data: none whose name, or folder's, starts with ``.`` or ``_``."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        found.extend(Path(root) / name for name in sorted(names) if not name.startswith((".", "_")))
    return found


def is_parquet_dataset(folder: Path) -> bool:
    """Whether a folder is a Parquet dataset: it holds data files and every one of them is Parquet.

    Data files are those pyarrow reads: files and folders whose names start with ``.`` or ``_``
    (``_SUCCESS``, ``.crc`` files) are not. A folder of event folders with a stray ``.parquet``
    file among the articles is not a dataset.
    """
    files = _data_files(folder)
    return bool(files) and all(f.name.lower().endswith(".parquet") for f in files)


#: SHA-256 of files already hashed in this process, by (resolved path, size, modification time):
#: the events of one Parquet file each name it in their provenance, and it is read through once.
_FILE_DIGESTS: dict[tuple, str] = {}


def parquet_file_digests(path: Path) -> dict[str, str]:
    """SHA-256 of a Parquet input's files for provenance, named as the one-process run names a table."""
    if path.is_file():
        found = [(path.name, path)]
    else:
        found = [(f"{path.name}/{f.relative_to(path).as_posix()}", f) for f in _data_files(path)]
    return {rel: file_digest(full) for rel, full in sorted(found)}


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read through once per process while the file is unchanged."""
    try:
        stat = path.stat()
        key = (os.path.realpath(path), stat.st_size, stat.st_mtime_ns)
        if key not in _FILE_DIGESTS:
            with open(path, "rb") as fh:
                _FILE_DIGESTS[key] = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise InputError(
            f"cannot read the file ({exc.strerror}).", path=path, fix="check the path and its permissions."
        ) from None
    return _FILE_DIGESTS[key]


def _read_parquet_dataset(path: Path) -> Input:
    """A Parquet dataset folder read whole, as one table (a corpus run reads it one event at a time)."""
    result = Input()
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    if total > MAX_FILE_BYTES:  # before reading any of it
        raise InputError(
            f"the Parquet dataset is {total / 2**20:.0f} MiB, larger than the {MAX_FILE_BYTES // 2**20} MiB "
            "that one process reads at once.",
            path=path,
            fix="run it as a corpus (--jobs N, --dask), which reads one event at a time.",
        )
    for rel, digest in parquet_file_digests(path).items():
        result.files[str(path.parent / rel)] = digest
    try:
        import pyarrow.dataset as ds

        frame = ds.dataset(str(path), format="parquet", partitioning="hive").to_table().to_pandas()
    except Exception as exc:  # pyarrow raises many types; report any as the user's input
        raise InputError(
            f"cannot read the Parquet dataset ({type(exc).__name__}: {str(exc).strip()[:200]}).",
            path=path,
            fix="check that every data file in the folder is a valid Parquet table with the same columns "
            "(files and folders whose names start with '.' or '_' are ignored).",
        ) from None
    return _table_to_input(frame, path, result)


def as_path(value, name: str) -> Path:
    """``value`` as a path, or a user error naming the parameter when it is not one (None, a dict, bytes, ...)."""
    if isinstance(value, str | os.PathLike) and not isinstance(value, bytes):
        path = Path(value)
        if isinstance(os.fspath(path), str):
            return path
    raise InputError(
        f"the '{name}' parameter must be a path (a str or pathlib.Path); got {type(value).__name__} {_preview(value)}.",
        fix="give the path of a file or folder.",
    )


def _preview(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def read_input(path, *, encoding: str | None = None, skip_empty: bool = False) -> Input:
    """Read any of the three input forms from ``path``.

    Parameters
    ----------
    path : str or os.PathLike
        A folder of one event's articles, a folder of event folders, or a table.
    encoding : str, optional
        Text encoding of every file; by default UTF-8 (BOM-aware), UTF-16/32
        with a BOM, else Windows-1252 with a warning.
    skip_empty : bool, default False
        Leave out article files with no text (counted and reported) instead
        of stopping with an error.

    Returns
    -------
    Input
        The articles or sentences read, the files and their hashes, and notes.

    Raises
    ------
    InputError
        When the input cannot be read; the message names the file, the row and the fix.
    """
    path = as_path(path, "path")
    if not path.exists():
        raise InputError(
            "no such file or folder.",
            path=path,
            fix="give a folder of articles (one file per outlet) or a .csv/.tsv/.jsonl/.parquet table.",
        )
    kind = _not_a_regular_file(path)
    if kind is not None:  # reading a pipe or a device would wait, or never end
        raise InputError(
            f"this is {kind}, not a file or folder.",
            path=path,
            fix="save the input to a file (or a folder of files) and give its path.",
        )
    if path.is_dir() and is_parquet_dataset(path):
        result = _read_parquet_dataset(path)
    elif path.is_dir():
        result = _read_folder(path, encoding, skip_empty)
    elif path.suffix.lower() in TABLE_SUFFIXES:
        result = read_table(path, encoding=encoding)
    elif path.suffix.lower() in ARTICLE_SUFFIXES:
        raise InputError(
            "a single article is one outlet only; a comparison needs at least two.",
            path=path,
            fix="put each outlet's article in one folder and give the folder.",
        )
    else:
        raise InputError(
            f"unknown input type {path.suffix or '(no suffix)'!r}.",
            path=path,
            fix="give a folder of .txt/.md/.html articles or a .csv/.tsv/.jsonl/.parquet table.",
        )
    for note in list(result.notes):
        warnings.warn(note, UserWarning, stacklevel=2)
    return result
