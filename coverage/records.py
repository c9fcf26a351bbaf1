"""Service records: the bundled forum dataset, reading user sheets, resolving places.

Examples
--------
>>> from coverage.records import load_forum_records
>>> records = load_forum_records()
>>> sorted(records["group_id"].unique().tolist())
[1, 2, 3, 4, 5, 6]
"""
from __future__ import annotations

import logging
from importlib import resources

import pandas as pd

log = logging.getLogger(__name__)



class RecordsError(ValueError):
    """Bad input in a records sheet: names the file, the row, the column and what was expected.

    ``row`` is the row number as the user sees it in the spreadsheet (header = row 1 in a
    plain CSV; for Excel, and for sheets whose header is lower down, the real sheet row).
    Any of ``file``, ``row`` and ``column`` may be ``None`` when it does not apply.

    Examples
    --------
    >>> err = RecordsError("expected a number", file="a.csv", row=3, column="lon")
    >>> str(err)
    "a.csv, row 3, column 'lon': expected a number"
    >>> err.row
    3
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


RECORD_COLUMNS = ["record_id", "group_id", "group", "service_id", "service", "institution",
                  "programme", "area_text", "referral", "gaps", "recommendations", "notes"]


def load_forum_records() -> pd.DataFrame:
    """The forum's service records: one row per (group, service type, institution) offer.

    Returns
    -------
    pandas.DataFrame
        Columns ``record_id``, ``group_id``, ``group``, ``service_id``, ``service``,
        ``institution``, ``programme``, ``area_text``, ``referral``, ``gaps``,
        ``recommendations``, ``notes`` and ``source_line`` (the line of the report text).
    """
    path = resources.files("coverage") / "data" / "forum_records.csv"
    with resources.as_file(path) as p:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in ("group_id", "service_id", "source_line"):
        df[col] = df[col].astype(int)
    return df
