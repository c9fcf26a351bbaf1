"""The tables of the records stage: their columns, and the sheet object that carries them.

Examples
--------
>>> RECORD_COLUMNS[:3]
('record_id', 'group_id', 'group')
>>> sheet = RecordsSheet(pd.DataFrame(columns=list(RECORD_COLUMNS)), source="my.csv")
>>> sheet.name, len(sheet), sheet.rejected.columns.tolist()
('my.csv', 0, ['row', 'record_id', 'reason'])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Final

import pandas as pd

from coverage.settings import FORUM

__all__ = ["RECORD_COLUMNS", "SERVED_COLUMNS", "UNRESOLVED_COLUMNS", "REJECTED_COLUMNS",
           "TEMPLATE_COLUMNS", "TEXT_FIELDS", "BASES", "LOCAL_BASES", "RecordsSheet", "empty_rejected",
           "empty_unresolved"]

#: The records table (forum and user, after reading).
RECORD_COLUMNS: Final = ("record_id", "group_id", "group", "service_id", "service",
                         "institution", "programme", "area_text", "referral", "gaps",
                         "recommendations", "notes")
#: One row per record × province reached.
SERVED_COLUMNS: Final = ("record_id", "group_id", "service_id", "institution", "province_code",
                         "province", "district_code", "basis", "method", "fragment")
#: One row per place fragment (or record) that could not be placed.
UNRESOLVED_COLUMNS: Final = ("record_id", "fragment", "reason")
#: Free-text columns of a sheet, copied as written.
TEXT_FIELDS: Final = ("institution", "programme", "referral", "gaps", "recommendations", "notes")
#: Rows of a sheet that could not be used at all.
REJECTED_COLUMNS: Final = ("row", "record_id", "reason")
#: The columns of ``kh-coverage template``.
TEMPLATE_COLUMNS: Final = ("institution", "group", "service", "area", "lon", "lat", "programme",
                           "referral", "gaps", "recommendations", "notes")
#: How a served row reaches its province; the first two are local presence.
BASES: Final = ("named", "site", "nationwide")
LOCAL_BASES: Final = ("named", "site")


def empty_rejected() -> pd.DataFrame:
    """A rejected-rows table with no rows."""
    return pd.DataFrame({"row": pd.Series(dtype="Int64"), "record_id": pd.Series(dtype=str),
                         "reason": pd.Series(dtype=str)})


def empty_unresolved() -> pd.DataFrame:
    """An unresolved table with no rows."""
    return pd.DataFrame({c: pd.Series(dtype=str) for c in UNRESOLVED_COLUMNS})


@dataclass(frozen=True)
class RecordsSheet:
    """Records read from one source, with what could not be used and where they came from.

    Attributes
    ----------
    records : pandas.DataFrame
        The records table (:data:`RECORD_COLUMNS`, then ``lon``/``lat`` when the sheet has
        them, then extra columns).
    source : str
        ``"forum"`` for the bundled records, else the path of the sheet.
    rejected : pandas.DataFrame
        Sheet rows that could not be used at all (``row``, ``record_id``, ``reason``).
    extra_columns : tuple of str
        Columns of the sheet the tool does not use (copied only with ``--keep-columns``).
    sheet : str or None
        The Excel worksheet read.
    header_row : int or None
        The sheet row of the header.
    rows : pandas.Series or None
        The sheet row of each record (same order as ``records``), for messages.
    ignored_tags : tuple of str
        HXL hashtags of the sheet that name no field (their columns are extra columns).
    """

    records: pd.DataFrame
    source: str = FORUM
    rejected: pd.DataFrame = field(default_factory=empty_rejected)
    extra_columns: tuple[str, ...] = ()
    sheet: str | None = None
    header_row: int | None = None
    rows: pd.Series | None = None
    ignored_tags: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The source as printed in captions and reports: ``"forum"`` or the file name only."""
        return self.source if self.source == FORUM else PurePath(self.source).name

    def __len__(self) -> int:
        return len(self.records)

    def _repr_html_(self) -> str:
        return (f"<p><b>{len(self)} records from {self.name}</b>, {len(self.rejected)} rejected"
                f"</p>" + self.records.head(10).to_html(index=False))
