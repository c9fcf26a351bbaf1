"""Finding the header row of a sheet and the field each header cell fills.

Examples
--------
>>> norm_header(" Area-Text ")
'area_text'
>>> find_header([["Title"], ["Institution", "Group", "Area"]])
1
"""
from __future__ import annotations

import re


from coverage.errors import RecordsError

__all__ = ["HEADER_FIELDS", "HEADER_SEARCH_ROWS", "norm_header", "header_fields", "find_header",
           "missing_column_error"]

#: Header (normalised: lower case, runs of spaces/hyphens -> "_") -> field it fills.
#: The forum dataset's own names (``area_text``, ``group_id``, ``service_id``) are accepted
#: so that ``load_forum_records().to_csv(...)`` reads back.
HEADER_FIELDS = {
    "record_id": "record_id", "institution": "institution",
    "group": "group", "group_id": "group_id", "service": "service", "service_id": "service_id",
    "area": "area", "area_text": "area",
    "lon": "lon", "longitude": "lon", "lat": "lat", "latitude": "lat",
    "programme": "programme", "program": "programme", "referral": "referral", "gaps": "gaps",
    "recommendations": "recommendations", "notes": "notes",
}
HEADER_SEARCH_ROWS = 20
REQUIRED_TEXT = "'institution', 'service' or 'group', and 'area' (or 'lon' and 'lat')"


def norm_header(cell: str) -> str:
    return "_".join(re.split(r"[\s\-]+", cell.replace("\ufeff", "").strip().lower())).strip("_")


def header_fields(cells: list[str]) -> dict[str, int]:
    """Field -> column index for the recognised cells of a candidate header row."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        field = HEADER_FIELDS.get(norm_header(cell))
        if field is not None and field not in found:
            found[field] = i
    return found


def missing_required(fields: dict[str, int]) -> list[str]:
    """The required columns a header lacks, by the name the user should add."""
    missing = []
    if "institution" not in fields:
        missing.append("institution")
    if not {"group", "group_id", "service", "service_id"} & fields.keys():
        missing.append("service")
    if "area" not in fields and not {"lon", "lat"} <= fields.keys():
        missing.append("area")
    return missing


def find_header(rows: list[list[str]]) -> int | None:
    """Index of the first of the first 20 rows that holds every required column."""
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not missing_required(header_fields(cells)):
            return i
    return None


def best_header_guess(rows: list[list[str]]) -> int | None:
    """Index of the row most like a header (most recognised cells; else first non-blank)."""
    head = rows[:HEADER_SEARCH_ROWS]
    scores = [len(header_fields(cells)) for cells in head]
    if scores and max(scores) > 0:
        return scores.index(max(scores))
    return next((i for i, cells in enumerate(head) if any(c.strip() for c in cells)), None)


def missing_column_error(rows: list[list[str]], file: object, row_numbers: list[int]) -> RecordsError:
    """The error for a sheet without the required columns, suggesting the nearest header."""
    from rapidfuzz import fuzz, process  # only for a sheet that lacks a column

    guess = best_header_guess(rows)
    if guess is None:
        return RecordsError("file is empty: no header row", file=file)
    cells = [c.strip() for c in rows[guess]]
    fields = header_fields(cells)
    want = missing_required(fields)[0]
    names = {"institution": ["institution"], "service": ["service", "group"],
             "area": ["area", "lon", "lat"]}[want]
    free = [c for i, c in enumerate(cells) if c and i not in fields.values()]
    hint = ""
    if free:
        best = max(((process.extractOne(norm_header(n), [norm_header(c) for c in free],
                                        scorer=fuzz.ratio), n) for n in names),
                   key=lambda t: t[0][1])
        (_, score, idx), name = best
        if score >= 60:
            hint = f"did you mean {free[idx]!r}? expected {name!r}"
    expected = {"institution": "'institution'", "service": "'service' or 'group'",
                "area": "'area' (or 'lon' and 'lat')"}[want]
    message = (f"required column missing; {hint}" if hint else
               f"required column missing: expected {expected} in one of the first "
               f"{HEADER_SEARCH_ROWS} rows (a sheet needs {REQUIRED_TEXT})")
    return RecordsError(message, file=file, row=row_numbers[guess], column=want)
