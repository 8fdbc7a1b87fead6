"""The project's own error type for problems with a user's input or settings."""

from __future__ import annotations

__all__ = ["NarrativeError", "InputError"]


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
        return text
