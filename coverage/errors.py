"""Errors shared by every stage: one input-error base that names file, row and column.

Every error about what a user gave us (a records sheet, a need table, a boundary
layer) derives from :class:`InputError`, itself a ``ValueError``. The command
line turns any of them into one clear message and exit code 2.

Examples
--------
>>> err = RecordsError("expected a number", file="a.csv", row=3, column="lon")
>>> str(err)
"a.csv, row 3, column 'lon': expected a number"
>>> isinstance(err, InputError), err.row
(True, 3)
>>> str(BoundaryError("no CRS", file="p.gpkg"))
'p.gpkg: no CRS'
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["InputError", "RecordsError", "BoundaryError", "NeedError", "Problem", "SheetProblems"]


class InputError(ValueError):
    """Bad input: names the file, the row and the column where it applies.

    ``row`` is the row number as the user sees it in the spreadsheet (header = row 1
    in a plain CSV; for Excel, and for sheets whose header is lower down, the real
    sheet row). Any of ``file``, ``row`` and ``column`` may be ``None``.
    """

    def __init__(self, message: str, *, file: object = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.reason = message
        where = [part for part in (
            self.file,
            None if row is None else f"row {row}",
            None if column is None else f"column {column!r}",
        ) if part]
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class RecordsError(InputError):
    """A records sheet (or records table) that cannot be used as given."""


class BoundaryError(InputError):
    """A boundary layer that cannot be used: names the file, the column and the features."""


class NeedError(InputError):
    """A need table (``--need``) that cannot be used."""


@dataclass(frozen=True)
class Problem:
    """One problem found in one cell of a sheet.

    Examples
    --------
    >>> Problem(4, "service", "sheltr", "unknown service type", "shelter").text()
    "row 4, column 'service', value 'sheltr': unknown service type (did you mean: shelter?)"
    """

    row: int | None
    column: str | None
    value: str
    message: str
    suggestion: str = ""

    def text(self) -> str:
        where = [part for part in (
            None if self.row is None else f"row {self.row}",
            None if self.column is None else f"column {self.column!r}",
            f"value {self.value!r}" if self.value else None) if part]
        hint = f" (did you mean: {self.suggestion}?)" if self.suggestion else ""
        return f"{', '.join(where)}: {self.message}{hint}"


class SheetProblems(RecordsError):
    """Every problem found in one sheet, raised once after reading all of it.

    Examples
    --------
    >>> err = SheetProblems("a.csv", [Problem(2, "group", "9", "unknown group")])
    >>> err.problems[0].row, str(err).splitlines()[0]
    (2, 'a.csv: 1 problem in the sheet')
    """

    def __init__(self, file: object, problems: list[Problem], total: int | None = None) -> None:
        self.problems = list(problems)
        n = len(self.problems) if total is None else total
        self.total = n
        head = f"{n} problem{'s' if n != 1 else ''} in the sheet"
        if n > len(self.problems):
            head += f" (the first {len(self.problems)} shown)"
        body = "\n".join("  " + p.text() for p in self.problems)
        super().__init__(f"{head}\n{body}" if body else head, file=file)
