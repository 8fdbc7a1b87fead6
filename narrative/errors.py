"""The project's own error type for problems with a user's input or settings."""

from __future__ import annotations

import numbers
import re

__all__ = ["NarrativeError", "InputError", "fs_text", "require_table"]

_ESCAPED = re.compile("[\udc80-\udcff]")


def fs_text(text: str) -> str:
    r"""``text`` with the bytes a file or folder name could not be decoded from made readable.

    Python hands over the bytes of a name that are not valid in the file system's encoding (a
    Latin-1 file name, or any non-ASCII name when the locale is plain C) as lone surrogates,
    which no CSV, JSON or HTML file can hold. They are decoded here as UTF-8 where they form
    UTF-8, and as Windows-1252 characters where they do not.

    >>> fs_text("caf\udce9.txt"), fs_text("caf\udcc3\udca9.txt"), fs_text("café.txt")
    ('café.txt', 'café.txt', 'café.txt')
    """
    if not _ESCAPED.search(text):
        return text
    try:
        data = text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:  # other surrogates than escaped bytes: not from a file name
        return text.encode("utf-8", errors="replace").decode("utf-8")
    decoded = data.decode("utf-8", errors="surrogateescape")
    return _ESCAPED.sub(lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", errors="replace"), decoded)


class NarrativeError(Exception):
    """Base class of every error `narrative` raises on purpose."""


class InputError(NarrativeError, ValueError):
    """A problem with the user's input or settings, reported without a traceback.

    Parameters
    ----------
    problem : str
        What is wrong, in one sentence.
    path : str or os.PathLike, optional
        The file or folder at fault.
    row : int or str, optional
        The row (1-based data row of a table) or line at fault.
    fix : str, optional
        What the user can do about it.
    """

    def __init__(self, problem, *, path=None, row=None, fix=None):
        self.problem = problem
        self.path = None if path is None else str(path)
        self.row = row
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}"
            if self.row is not None:
                where += f", row {self.row}"
            where += ": "
        elif self.row is not None:
            where = f"row {self.row}: "
        text = f"{where}{self.problem}"
        if self.fix:
            text += f" Fix: {self.fix}"
        return fs_text(text)


def describe(value) -> str:
    """A value's type for a message: ``"None"``, ``"a dict"``, ``"a float (nan)"``."""
    if value is None:
        return "None"
    name = type(value).__name__
    if name == "ndarray":
        name = "numpy array"
    article = "an" if name[:1].lower() in "aeiou" else "a"
    shown = f" ({value})" if isinstance(value, numbers.Real) and not isinstance(value, bool) else ""
    return f"{article} {name}{shown}"


def require_table(frame, columns, *, what: str, where: str, fix: str) -> None:
    """Refuse anything but a pandas DataFrame that holds ``columns``.

    The error names the table (``what``), the function or parameter it was given to
    (``where``), the missing columns and those it has, and ``fix``.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{where} needs the {what} as a pandas DataFrame; got {describe(frame)}.", fix=fix)
    missing = [c for c in dict.fromkeys(columns) if c not in frame.columns]
    if missing:
        raise InputError(
            f"the {what} given to {where} lacks column(s) {missing} (it has {[str(c) for c in frame.columns]}).",
            fix=fix,
        )
