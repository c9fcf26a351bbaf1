"""The unresolved table as a user fixes it: sheet row, institution, place text, a suggestion.

Examples
--------
>>> suggest_place("Bttambang")
'Battambang (02)'
>>> suggest_place("the river")
''
"""
from __future__ import annotations

import pandas as pd

from coverage.places import province_label
from coverage.places.names import fuzzy_choices
from coverage.places.text import spaced
from coverage.records.schema import RecordsSheet

__all__ = ["UNRESOLVED_REPORT_COLUMNS", "SUGGEST_CUTOFF", "suggest_place", "unresolved_report"]

#: The columns of ``unresolved.csv``.
UNRESOLVED_REPORT_COLUMNS = ("row", "record_id", "institution", "area_text", "fragment",
                             "reason", "suggestion")
#: Similarity (0-100, rapidfuzz WRatio) from which a province name is suggested. Lower than
#: the cutoff that places a name by itself (settings.FUZZY_CUTOFF): a suggestion is only shown.
SUGGEST_CUTOFF = 70.0


def suggest_place(fragment: str) -> str:
    """The closest province name to an unplaced fragment, as ``"Name (code)"``, or ``""``."""
    from rapidfuzz import fuzz, process

    choices = fuzzy_choices()
    best = process.extractOne(spaced(str(fragment)), list(choices), scorer=fuzz.WRatio)
    if best is None or best[1] < SUGGEST_CUTOFF:
        return ""
    return province_label(choices[best[0]])


def unresolved_report(sheet: RecordsSheet, unresolved: pd.DataFrame) -> pd.DataFrame:
    """``unresolved`` with the sheet row, institution and full place text of each record,
    and a suggested province where one is close (:func:`suggest_place`).

    Examples
    --------
    >>> from coverage.records import load_forum_records, resolve_records
    >>> sheet = load_forum_records()
    >>> table = unresolved_report(sheet, resolve_records(sheet)[1])
    >>> table.columns.tolist() == list(UNRESOLVED_REPORT_COLUMNS), len(table)
    (True, 14)
    """
    records = sheet.records
    rows = (sheet.rows if sheet.rows is not None
            else pd.Series(pd.NA, index=records.index, dtype="Int64"))
    info = pd.DataFrame({"record_id": records["record_id"].astype(str),
                         "row": pd.array(rows.to_numpy(), dtype="Int64"),
                         "institution": records["institution"],
                         "area_text": records["area_text"]})
    table = unresolved.assign(record_id=unresolved["record_id"].astype(str)).merge(
        info, on="record_id", how="left", validate="many_to_one")
    fragments = table["fragment"].fillna("").tolist()
    suggestions = {f: suggest_place(f) if str(f).strip() else "" for f in dict.fromkeys(fragments)}
    table["suggestion"] = [suggestions[f] for f in fragments]   # once per distinct fragment
    return table[list(UNRESOLVED_REPORT_COLUMNS)]
