"""Service records: the bundled forum dataset, reading user sheets, resolving places.

A *records* table has one row per claim "this institution offers this service (type or
whole group) in these places". :func:`read_records` reads and validates a user's CSV or
Excel sheet into that table; :func:`resolve_records` turns it into the *served* table
(one row per record x province) and the *unresolved* table, which together account for
every record.

Examples
--------
>>> from coverage.records import load_forum_records
>>> records = load_forum_records()
>>> sorted(records["group_id"].unique().tolist())
[1, 2, 3, 4, 5, 6]
"""
from __future__ import annotations

import csv
import io
import logging
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from coverage.taxonomy import GROUPS, SERVICES, get_group, get_service

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


class _SharedFrame(pd.DataFrame):
    """A DataFrame kept in another frame's ``attrs`` (the ``rejected`` rows).

    pandas deep-copies ``attrs`` into every derived frame and then compares them with
    ``==``, which fails for a DataFrame value ("truth value ... ambiguous") and would break
    ``records.astype(...)``, ``merge`` and ``concat``. This frame deep-copies to itself, so
    the comparison short-cuts on identity; anything derived from it is a plain DataFrame.
    """

    @property
    def _constructor(self):
        return pd.DataFrame

    def __deepcopy__(self, memo=None):
        return self


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
    df.attrs["source"] = "forum"
    return df


# --------------------------------------------------------------------------- reading sheets

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
TEXT_FIELDS = ("institution", "programme", "referral", "gaps", "recommendations", "notes")
HEADER_SEARCH_ROWS = 20
CSV_ENCODINGS = ("utf-8-sig", "cp1252")  # utf-8-sig reads plain UTF-8 and UTF-8 with a BOM
CSV_DELIMITERS = (",", ";", "\t")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
REQUIRED_TEXT = "'institution', 'service' or 'group', and 'area' (or 'lon' and 'lat')"


def _norm_header(cell: str) -> str:
    return "_".join(re.split(r"[\s\-]+", cell.replace("\ufeff", "").strip().lower())).strip("_")


def _header_fields(cells: list[str]) -> dict[str, int]:
    """Field -> column index for the recognised cells of a candidate header row."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        field = HEADER_FIELDS.get(_norm_header(cell))
        if field is not None and field not in found:
            found[field] = i
    return found


def _missing_required(fields: dict[str, int]) -> list[str]:
    """The required columns a header lacks, by the name the user should add."""
    missing = []
    if "institution" not in fields:
        missing.append("institution")
    if not {"group", "group_id", "service", "service_id"} & fields.keys():
        missing.append("service")
    if "area" not in fields and not {"lon", "lat"} <= fields.keys():
        missing.append("area")
    return missing


def _find_header(rows: list[list[str]]) -> int | None:
    """Index of the first of the first 20 rows that holds every required column."""
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not _missing_required(_header_fields(cells)):
            return i
    return None


def _best_header_guess(rows: list[list[str]]) -> int | None:
    """Index of the row most like a header (most recognised cells; else first non-blank)."""
    head = rows[:HEADER_SEARCH_ROWS]
    scores = [len(_header_fields(cells)) for cells in head]
    if scores and max(scores) > 0:
        return scores.index(max(scores))
    return next((i for i, cells in enumerate(head) if any(c.strip() for c in cells)), None)


def _missing_column_error(rows: list[list[str]], file: object, row_numbers: list[int]) -> RecordsError:
    """The error for a sheet without the required columns, suggesting the nearest header."""
    guess = _best_header_guess(rows)
    if guess is None:
        return RecordsError("file is empty: no header row", file=file)
    cells = [c.strip() for c in rows[guess]]
    fields = _header_fields(cells)
    want = _missing_required(fields)[0]
    names = {"institution": ["institution"], "service": ["service", "group"],
             "area": ["area", "lon", "lat"]}[want]
    free = [c for i, c in enumerate(cells) if c and i not in fields.values()]
    hint = ""
    if free:
        best = max(((process.extractOne(_norm_header(n), [_norm_header(c) for c in free],
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


def _decode(data: bytes, file: object) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), then Excel's cp1252."""
    if data.startswith(b"PK\x03\x04"):
        raise RecordsError("this is an Excel workbook, not a CSV: give it a .xlsx name", file=file)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise RecordsError("unreadable file: NUL bytes (a binary file, or UTF-16 without a "
                           "byte-order mark); save as 'CSV UTF-8'", file=file, row=line)
    error = None
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            error = exc if error is None else error
            continue
        if encoding != CSV_ENCODINGS[0]:
            log.info("%s: read as %s (not UTF-8)", file, encoding)
        return text
    line = data[:error.start].count(b"\n") + 1
    bad = data[error.start:error.start + 1].hex()
    raise RecordsError(f"unreadable encoding: byte 0x{bad} is neither UTF-8 nor Windows-1252 "
                       "(cp1252); save the sheet as 'CSV UTF-8'", file=file, row=line)


def _csv_rows(text: str, delimiter: str, file: object, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for cells in reader:
            rows.append(cells)
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:
        raise RecordsError(f"cannot parse CSV: {exc}", file=file, row=reader.line_num) from None
    return rows


def _read_csv(path: Path) -> tuple[list[list[str]], list[int], str | None]:
    """Rows of cells and their sheet row numbers (one per CSV record, as a spreadsheet shows)."""
    text = _decode(path.read_bytes(), path)
    if not text.strip():
        raise RecordsError("file is empty: no header row", file=path)
    chosen = None
    for delimiter in CSV_DELIMITERS:
        head = _csv_rows(text, delimiter, path, limit=HEADER_SEARCH_ROWS)
        if _find_header(head) is not None:
            chosen = delimiter
            break
    if chosen is None:  # no header with any delimiter: report with the likeliest one
        counts = [text.split("\n", 1)[0].count(d) for d in CSV_DELIMITERS]
        chosen = CSV_DELIMITERS[counts.index(max(counts))]
    if chosen != ",":
        log.info("%s: delimiter %r", path, chosen)
    rows = _csv_rows(text, chosen, path)
    return rows, list(range(1, len(rows) + 1)), None


def _cell_text(value: object) -> str:
    """An Excel cell as the text a user typed (3.0 -> '3', dates in ISO format)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_excel(path: Path, sheet: str | None) -> tuple[list[list[str]], list[int], str]:
    """Rows of the sheet that holds the records (see :func:`read_records`)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    import zipfile

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise RecordsError(f"cannot open as an Excel workbook ({exc})", file=path) from None
    try:
        sheets = {ws.title: [[_cell_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
                  for ws in book.worksheets
                  if sheet is None or ws.title == sheet}
    finally:
        book.close()
    if sheet is not None and not sheets:
        names = ", ".join(repr(n) for n in openpyxl.load_workbook(path, read_only=True).sheetnames)
        raise RecordsError(f"no sheet named {sheet!r}; the workbook has: {names}", file=path)
    if len(sheets) == 1:
        name, rows = next(iter(sheets.items()))
    else:
        fits = [n for n, rows in sheets.items() if _find_header(rows) is not None]
        names = ", ".join(repr(n) for n in sheets)
        if len(fits) != 1:
            which = ("several sheets have" if fits else "no sheet has")
            listed = ", ".join(repr(n) for n in fits) if fits else names
            raise RecordsError(f"{which} the record columns ({listed}); choose one with "
                               f"sheet=... (sheets: {names})", file=path)
        name, rows = fits[0], sheets[fits[0]]
        log.info("%s: using sheet %r", path, name)
    if not any(any(c.strip() for c in cells) for cells in rows):
        raise RecordsError(f"sheet {name!r} is empty: no header row", file=path)
    return rows, list(range(1, len(rows) + 1)), name


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def _header_names(cells: list[str], file: object, row: int) -> list[str]:
    """Column names: the header cells as written; blank ones named after their column letter."""
    names, seen = [], {}
    for i, cell in enumerate(cells):
        name = cell.replace("\ufeff", "").strip() or f"column_{_column_letter(i)}"
        key = HEADER_FIELDS.get(_norm_header(name), _norm_header(name))
        if key in seen:
            raise RecordsError(f"columns {_column_letter(seen[key])} ({names[seen[key]]!r}) and "
                               f"{_column_letter(i)} ({name!r}) hold the same field; keep one",
                               file=file, row=row, column=name)
        seen[key] = i
        names.append(name)
    return names


def _table(rows: list[list[str]], row_numbers: list[int], header: int,
           file: object) -> tuple[pd.DataFrame, list[str]]:
    """The data rows under the header as stripped strings, plus ``_row``; blank rows skipped."""
    names = _header_names(rows[header], file, row_numbers[header])
    width = len(names)
    body, numbers = [], []
    for cells, number in zip(rows[header + 1:], row_numbers[header + 1:]):
        if len(cells) > width:
            if any(c.strip() for c in cells[width:]):
                raise RecordsError(f"{len(cells)} cells but the header has {width} columns "
                                   "(an unquoted separator inside a cell?)", file=file,
                                   row=number, column=_column_letter(width))
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        if any(c.strip() for c in cells):
            body.append(cells)
            numbers.append(number)
    if not body:
        raise RecordsError("no data rows under the header", file=file, row=row_numbers[header])
    skipped = len(rows) - header - 1 - len(body)
    if skipped:
        log.info("%s: skipped %d blank rows", file, skipped)
    table = pd.DataFrame(body, columns=range(width), dtype=str)
    table = table.apply(lambda col: col.str.strip())
    table.columns = names
    table.insert(0, "_row", numbers)
    return table, names


def _first_row(table: pd.DataFrame, mask: pd.Series) -> int:
    return int(table.loc[mask, "_row"].iloc[0])


def _as_int(values: pd.Series, table: pd.DataFrame, file: object, column: str,
            what: str) -> pd.Series:
    """Whole numbers from text ('3', '3.0'); blank -> <NA>; anything else is an error."""
    number = pd.to_numeric(values.where(values != ""), errors="coerce")
    bad = (values != "") & (number.isna() | (number % 1 != 0))
    if bad.any():
        value = values[bad].iloc[0]
        raise RecordsError(f"expected a whole-number {what}, got {value!r}", file=file,
                           row=_first_row(table, bad), column=column)
    return number.astype("Int64")


def _group_ids(table: pd.DataFrame, cols: dict[str, str], file: object) -> pd.Series:
    """Group id per row (<NA> where no group is given)."""
    ids = pd.Series(pd.NA, index=table.index, dtype="Int64")
    if "group_id" in cols:
        col = cols["group_id"]
        ids = _as_int(table[col], table, file, col, "group id (1-6)")
        for value in ids.dropna().unique():
            try:
                get_group(int(value))
            except KeyError as exc:
                raise RecordsError(exc.args[0], file=file, column=col,
                                   row=_first_row(table, ids == value)) from None
    if "group" in cols:
        col = cols["group"]
        names = table[col]
        lookup = {}
        for value in names[names != ""].unique():
            try:
                lookup[value] = get_group(value).id
            except KeyError as exc:
                raise RecordsError(exc.args[0], file=file, column=col,
                                   row=_first_row(table, names == value)) from None
        by_name = names.map(lookup).astype("Int64")
        clash = ids.notna() & by_name.notna() & (ids != by_name)
        if clash.any():
            raise RecordsError(f"group {names[clash].iloc[0]!r} does not match "
                               f"{cols['group_id']!r} {ids[clash].iloc[0]}", file=file,
                               column=col, row=_first_row(table, clash))
        ids = ids.fillna(by_name)
    return ids


def _find_service(group_id: int | None, key: str) -> tuple[int, int]:
    """(group_id, service_id) for a service key, looked up in all groups when none is given."""
    if group_id is not None:
        s = get_service(group_id, key)
        return s.group_id, s.id
    found = []
    for g in GROUPS:
        try:
            found.append(get_service(g.id, key))
        except KeyError:
            pass
    if len(found) == 1:
        return found[0].group_id, found[0].id
    if found:
        slugs = {g.id: g.slug for g in GROUPS}
        listed = ", ".join(f"{s.group_id} {slugs[s.group_id]}" for s in found)
        raise KeyError(f"service {key!r} is ambiguous without a group: it is in groups "
                       f"{listed}; add a 'group' column")
    best = process.extract(key, [s.name for s in SERVICES], scorer=fuzz.WRatio, limit=3)
    near = "; ".join(f"{SERVICES[i].group_id}.{SERVICES[i].id} {SERVICES[i].name!r}"
                     for _, _, i in best)
    raise KeyError(f"unknown service {key!r}; closest: {near} (all: coverage.taxonomy.services_table())")


def _service_ids(table: pd.DataFrame, cols: dict[str, str], groups: pd.Series,
                 file: object) -> tuple[pd.Series, pd.Series]:
    """Group and service ids per row; service <NA> for a group-level claim."""
    by_id = (_as_int(table[cols["service_id"]], table, file, cols["service_id"], "service number")
             if "service_id" in cols else pd.Series(pd.NA, index=table.index, dtype="Int64"))
    names = table[cols["service"]] if "service" in cols else pd.Series("", index=table.index)
    keys = pd.DataFrame({"g": groups, "i": by_id, "n": names})
    groups_out = groups.copy()
    services_out = pd.Series(pd.NA, index=table.index, dtype="Int64")
    given = keys["i"].notna() | (keys["n"] != "")
    for (g, i, n), rows in keys[given].groupby(["g", "i", "n"], dropna=False, sort=False).groups.items():
        g = None if pd.isna(g) else int(g)
        col = cols["service_id"] if not pd.isna(i) else cols["service"]
        try:
            found = _find_service(g, str(int(i)) if not pd.isna(i) else n)
            if not pd.isna(i) and n != "" and _find_service(found[0], n) != found:
                raise KeyError(f"service {n!r} does not match {cols['service_id']!r} {int(i)}")
        except KeyError as exc:
            raise RecordsError(exc.args[0], file=file, column=col,
                               row=int(table.loc[rows, "_row"].min())) from None
        groups_out[rows] = found[0]
        services_out[rows] = found[1]
    return groups_out, services_out


def _coordinates(table: pd.DataFrame, cols: dict[str, str], file: object) -> pd.DataFrame:
    """``lon`` and ``lat`` as floats (NaN where blank), checked for type and range."""
    out = {}
    for field, limit in (("lon", 180), ("lat", 90)):
        col = cols[field]
        text = table[col]
        value = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = (text != "") & value.isna()
        if bad.any():
            raise RecordsError(f"expected a number (decimal degrees), got {text[bad].iloc[0]!r}",
                               file=file, row=_first_row(table, bad), column=col)
        out[field] = value.astype(float)
        far = value.abs() > limit
        if far.any():
            raise RecordsError(f"{field} {text[far].iloc[0]} is out of range "
                               f"[-{limit}, {limit}]", file=file, row=_first_row(table, far),
                               column=col)
    coords = pd.DataFrame(out)
    half = coords["lon"].isna() != coords["lat"].isna()
    if half.any():
        missing = "lat" if coords.loc[half, "lat"].isna().iloc[0] else "lon"
        raise RecordsError(f"{missing} is blank but {'lon' if missing == 'lat' else 'lat'} "
                           "is given; give both or neither", file=file,
                           row=_first_row(table, half), column=cols.get(missing, missing))
    return coords


def _record_ids(table: pd.DataFrame, cols: dict[str, str], file: object) -> pd.Series:
    """Given ids, or ``R0001``... by data row where the sheet has none; unique."""
    width = max(4, len(str(len(table))))
    generated = pd.Series([f"R{n:0{width}d}" for n in range(1, len(table) + 1)], index=table.index)
    ids = generated
    if "record_id" in cols:
        given = table[cols["record_id"]]
        ids = given.where(given != "", generated)
    dup = ids.duplicated(keep=False)
    if dup.any():
        first = ids[dup].iloc[0]
        rows = table.loc[ids == first, "_row"].tolist()
        raise RecordsError(f"record_id {first!r} is used on rows {rows[0]} and {rows[1]}; "
                           "record ids must be unique", file=file, row=rows[1],
                           column=cols.get("record_id", "record_id"))
    return ids.astype(str)


def read_records(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read and validate a user's records sheet (CSV or Excel ``.xlsx``).

    Headers are matched ignoring case and spaces. Required: ``institution``; ``service`` or
    ``group`` (or both); ``area`` (or ``lon`` and ``lat``, or both). Optional:
    ``record_id``, ``programme``, ``referral``, ``gaps``, ``recommendations``, ``notes``.
    The forum dataset's names ``area_text``, ``group_id`` and ``service_id`` are accepted
    too, so ``load_forum_records().to_csv(...)`` reads back. Any other column is passed
    through unchanged (as text) and listed in ``df.attrs["extra_columns"]``.

    Decisions
    ---------
    * CSV encodings tried in order: UTF-8, UTF-8 with BOM, Windows-1252 (Excel's "CSV");
      delimiters ``,`` ``;`` and tab are sniffed by which one yields the header.
    * The header is the first of the first 20 rows holding the required columns; row
      numbers in messages and in ``rejected`` are sheet rows (header row = 1 when the
      header is on top; an Excel sheet's own row numbers).
    * A workbook with several sheets: the one sheet with the required columns, else an
      error naming the sheets; ``sheet=`` picks one by name.
    * Groups and services: ids, slugs or names, case-insensitive. A service without a
      group is looked up in all groups (ambiguous -> error). A group without a service is
      a group-level claim: ``service_id`` and ``service`` are ``<NA>``. When both an id
      and a name column are filled, the id wins and the name must agree.
    * Blank rows are skipped (logged). Rows with a blank institution, or with neither a
      group nor a service, are *rejected*, not errors: they are listed in
      ``df.attrs["rejected"]`` (``row``, ``record_id``, ``reason``) and not validated
      further. A row with no area and no coordinates is kept: it becomes an unresolved
      record in :func:`resolve_records`.
    * ``record_id``: given ids, else ``R0001``... numbered by data row (blank rows not
      counted); must be unique.
    * ``lon``/``lat`` columns appear only when the sheet has them.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.csv`` (also ``.txt``/``.tsv``) or ``.xlsx``/``.xlsm`` file.
    sheet : str, optional
        Excel sheet name.

    Returns
    -------
    pandas.DataFrame
        The records table of docs/architecture.md (``record_id``, ``group_id``, ``group``,
        ``service_id``, ``service``, ``institution``, ``programme``, ``area_text``,
        ``referral``, ``gaps``, ``recommendations``, ``notes``, then ``lon``, ``lat`` if
        given, then extra columns), in sheet order. ``attrs``: ``extra_columns``,
        ``rejected``, ``source``, ``sheet``, ``header_row``. (pandas cannot concat or merge
        two frames that *both* carry a DataFrame in ``attrs``; clear ``attrs`` first.)

    Raises
    ------
    RecordsError
        For anything that makes the sheet unreadable or a value invalid; the message
        names the file, the sheet row, the column and what was expected.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sheet.csv"
    >>> _ = p.write_text("Institution,Group,Area\\nWorld Hope,shelter,Siem Reap\\n")
    >>> read_records(p)[["record_id", "group_id", "service_id", "area_text"]]
      record_id  group_id  service_id  area_text
    0     R0001         3        <NA>  Siem Reap
    """
    path = Path(path)
    if not path.is_file():
        raise RecordsError("file not found" if not path.exists() else "not a file", file=path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise RecordsError("old Excel .xls files are not supported: save as .xlsx or CSV", file=path)
    if suffix in EXCEL_SUFFIXES:
        rows, row_numbers, sheet_name = _read_excel(path, sheet)
    else:
        if sheet is not None:
            raise RecordsError("sheet= applies only to Excel workbooks", file=path)
        rows, row_numbers, sheet_name = _read_csv(path)
    header = _find_header(rows)
    if header is None:
        raise _missing_column_error(rows, path, row_numbers)
    table, names = _table(rows, row_numbers, header, path)
    fields = _header_fields(names)
    cols = {field: names[i] for field, i in fields.items()}
    records = _build(table, cols, path)
    records.attrs["extra_columns"] = [n for i, n in enumerate(names) if i not in fields.values()]
    records.attrs["source"] = str(path)
    records.attrs["sheet"] = sheet_name
    records.attrs["header_row"] = row_numbers[header]
    for name in records.attrs["extra_columns"]:
        records[name] = table.loc[records.index, name].to_numpy()
    records = records.reset_index(drop=True)
    log.info("%s: %d records, %d rejected rows", path, len(records),
             len(records.attrs["rejected"]))
    return records


def _build(table: pd.DataFrame, cols: dict[str, str], file: object) -> pd.DataFrame:
    """Validate the raw table and build the records table (index = table index)."""
    ids = _record_ids(table, cols, file)
    institution = table[cols["institution"]]
    has_group = pd.Series(False, index=table.index)
    for field in ("group", "group_id", "service", "service_id"):
        if field in cols:
            has_group |= table[cols[field]] != ""
    reason = pd.Series("", index=table.index)
    reason[~has_group] = "no group or service given"
    reason[institution == ""] = "no institution given"
    rejected = pd.DataFrame({"row": table.loc[reason != "", "_row"].astype("Int64"),
                             "record_id": ids[reason != ""], "reason": reason[reason != ""]})
    keep = table[reason == ""]
    ids = ids[reason == ""]
    groups = _group_ids(keep, cols, file)
    groups, services = _service_ids(keep, cols, groups, file)
    group_names = {g.id: g.name for g in GROUPS}
    service_names = {(s.group_id, s.id): s.name for s in SERVICES}
    records = pd.DataFrame({
        "record_id": ids,
        "group_id": groups.astype("int64"),
        "group": groups.map(group_names).astype(str),
        "service_id": services,
        "service": pd.Series([service_names.get((g, s)) if not pd.isna(s) else None
                              for g, s in zip(groups, services)], index=keep.index, dtype=str),
        "institution": keep[cols["institution"]],
        "programme": keep[cols["programme"]] if "programme" in cols else "",
        "area_text": keep[cols["area"]] if "area" in cols else "",
        **{f: (keep[cols[f]] if f in cols else "") for f in TEXT_FIELDS[2:]},
    }, index=keep.index)
    records = records[RECORD_COLUMNS]
    if "lon" in cols and "lat" in cols:
        records = records.join(_coordinates(keep, cols, file))
    records.attrs["rejected"] = _SharedFrame(rejected.reset_index(drop=True))
    return records


# --------------------------------------------------------------------------- resolving places

SERVED_COLUMNS = ["record_id", "group_id", "service_id", "institution", "province_code",
                  "province", "basis", "method", "fragment"]
UNRESOLVED_COLUMNS = ["record_id", "fragment", "reason"]
NO_PLACE = "no place given"
OUTSIDE = "site outside Cambodia"
INVALID_SITE = "invalid coordinates"
BASIS_RANK = {"named": 0, "nationwide": 1, "site": 2}


#: Served columns with few distinct values, stored as pandas categoricals.
CATEGORICAL = ("province_code", "basis", "method", "fragment")


def _area_table(texts: pd.Index, frame: str, spread: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Resolve each distinct area text once.

    Returns the province rows (``_k`` = position in ``texts``, ``province_code``, ``basis``,
    ``method``, ``fragment``) and the unplaced fragments (``_k``, ``fragment``, ``reason``).
    """
    from coverage.gazetteer import resolve_place, to_frame

    placed, unplaced = [], []
    for k, text in enumerate(texts):
        if not text.strip():
            continue
        res = resolve_place(text, frame)
        seen: set[str] = set()
        for basis, wanted in (("named", True), ("nationwide", False)):
            for m in res.matches:
                if (m.method != "nationwide") is not wanted:
                    continue
                for code in to_frame(m.code, frame, spread):
                    if code not in seen:
                        seen.add(code)
                        placed.append((k, code, basis, m.method, m.fragment or text))
        unplaced.extend((k, u.fragment or text, u.reason) for u in res.unresolved)
        if not seen and not res.unresolved:  # guard: every area text is accounted for
            unplaced.append((k, text, "no place named"))
    placed_df = pd.DataFrame(placed, columns=["_k", "province_code", "basis", "method", "fragment"])
    placed_df = placed_df.sort_values(["_k", "province_code", "basis"], kind="stable")
    placed_df["_code"] = placed_df["province_code"].astype(int)
    placed_df["_basis"] = placed_df["basis"].map(BASIS_RANK).astype(int)
    for col in CATEGORICAL:  # a few distinct values repeated millions of times: 1-2 byte codes
        placed_df[col] = placed_df[col].astype("category")
    unplaced_df = pd.DataFrame(unplaced, columns=["_k", "fragment", "reason"])
    return placed_df, unplaced_df


def _site_fragment(lon: pd.Series, lat: pd.Series) -> pd.Series:
    return "lon " + lon.map("{:g}".format) + ", lat " + lat.map("{:g}".format)


def _site_table(base: pd.DataFrame, lon: pd.Series, lat: pd.Series,
                frame: str) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Served rows and unresolved rows of records with coordinates; mask of records with a site.

    Each distinct (lon, lat) pair is located once.
    """
    from coverage.boundaries import locate_sites

    has = lon.notna().to_numpy() & lat.notna().to_numpy()
    pts = pd.DataFrame({"lon": lon.to_numpy()[has], "lat": lat.to_numpy()[has]})
    keys = pts.drop_duplicates().reset_index(drop=True)
    located = locate_sites(keys, "lon", "lat", frame) if len(keys) else keys.assign(
        province_code=pd.Series(dtype="string"), site_status=pd.Series(dtype="string"))
    sites = base[has].reset_index(drop=True).join(pts)
    sites = sites.merge(located[["lon", "lat", "province_code", "site_status"]],
                        on=["lon", "lat"], how="left", sort=False)
    sites["fragment"] = _site_fragment(sites["lon"], sites["lat"])
    inside = sites["site_status"].eq("inside").to_numpy()
    served = sites[inside].assign(basis="site", method="site",
                                  province_code=lambda d: d["province_code"].astype(str),
                                  _code=lambda d: d["province_code"].astype(int),
                                  _basis=BASIS_RANK["site"])
    bad = sites[~inside & sites["site_status"].isin(["outside", "invalid"]).to_numpy()]
    unresolved = bad.assign(reason=np.where(bad["site_status"] == "outside", OUTSIDE,
                                            INVALID_SITE))[["_order", "record_id", "fragment", "reason"]]
    return served, unresolved, has


def _expand(base: pd.DataFrame, codes: np.ndarray, table: pd.DataFrame) -> pd.DataFrame:
    """Join ``table`` (rows keyed by ``_k``, sorted) to the records whose area has code ``_k``.

    A vectorised one-to-many join that keeps record order and the order of ``table``.
    """
    counts = np.bincount(table["_k"].to_numpy(dtype=np.int64), minlength=codes.max(initial=-1) + 1)
    counts = np.append(counts, 0)  # code -1: missing area text
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    per_record = counts[codes]
    rec = np.repeat(np.arange(len(codes)), per_record)
    first_out = np.concatenate([[0], np.cumsum(per_record)[:-1]])
    row = np.repeat(starts[codes] - first_out, per_record) + np.arange(per_record.sum())
    out = base.iloc[rec].reset_index(drop=True)
    for col in table.columns.drop("_k"):
        out[col] = table[col].array.take(row)  # keeps categorical columns categorical
    return out


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate served parts, keeping :data:`CATEGORICAL` columns categorical."""
    if len(parts) == 1:
        return parts[0]
    parts = [p.copy(deep=False) for p in parts]
    for col in CATEGORICAL:
        cats = sorted(set().union(*(set(pd.Series(p[col]).dropna().unique()) for p in parts)))
        for p in parts:
            p[col] = pd.Categorical(p[col], categories=cats)
    return pd.concat(parts, ignore_index=True)


def _in_order(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Stable sort by integer key columns; no copy when already in order."""
    key = np.zeros(len(df), dtype=np.int64)
    for k, scale in zip(keys, (128, 4, 1)[-len(keys):] if len(keys) > 1 else (1,)):
        key += df[k].to_numpy(dtype=np.int64) * scale
    if (np.diff(key) < 0).any():
        df = df.iloc[np.argsort(key, kind="stable")]
    return df.reset_index(drop=True)


def resolve_records(records: pd.DataFrame, frame: str = "2013", *,
                    spread: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Resolve each record's places to provinces of ``frame``.

    Each distinct ``area_text`` is resolved once with
    :func:`coverage.gazetteer.resolve_place` and joined back to the records (vectorised:
    fine for millions of rows). Records with ``lon``/``lat`` are located with
    :func:`coverage.boundaries.locate_sites`.

    Decisions
    ---------
    * ``basis``: ``named`` for provinces the text names, ``nationwide`` for provinces
      reached only through a nationwide claim (named *and* nationwide -> one ``named``
      row), ``site`` for a located site. A province reached by both text and site keeps
      both rows.
    * Codes are crosswalked with :func:`coverage.gazetteer.to_frame`; two fragments that
      land on the same province of the frame give one row (the first fragment in text
      order).
    * Unresolved rows: every unplaced fragment (reason from the gazetteer), a record with
      no area and no coordinates (``"no place given"``), a site outside every province
      (``"site outside Cambodia"``) or with unusable coordinates (``"invalid
      coordinates"``). A site's ``fragment`` is written ``"lon 104.9, lat 11.55"``.
    * Order: served by record order, then ``province_code``, then ``basis``; unresolved by
      record order, fragments in text order, then site problems.

    Parameters
    ----------
    records : pandas.DataFrame
        The records table (:func:`read_records` or :func:`load_forum_records`).
    frame : {"2010", "2013"}
        Province frame of the output. The forum's records are on the 2010 frame.
    spread : bool
        Passed to :func:`coverage.gazetteer.to_frame`: on the 2013 frame, read Kampong Cham
        as the 2010 province (it then also covers Tbong Khmum).

    Returns
    -------
    served, unresolved : pandas.DataFrame
        The served and unresolved tables of docs/architecture.md. Every ``record_id``
        appears in at least one of them.

    Examples
    --------
    >>> served, unresolved = resolve_records(load_forum_records(), frame="2010")
    >>> sorted(served["basis"].unique())
    ['named', 'nationwide']
    >>> served["province_code"].nunique()
    24
    """
    from coverage.gazetteer import provinces

    missing = [c for c in ("record_id", "group_id", "service_id", "institution", "area_text")
               if c not in records.columns]
    if missing:
        raise RecordsError(f"not a records table: no column(s) {', '.join(missing)}",
                           column=missing[0])
    n = len(records)
    base = pd.DataFrame({
        "_order": np.arange(n),
        "record_id": records["record_id"].astype(str).to_numpy(),
        "group_id": records["group_id"].to_numpy(),
        "service_id": pd.array(records["service_id"], dtype="Int64"),
        "institution": records["institution"].to_numpy(),
    })
    codes, texts = pd.factorize(records["area_text"].to_numpy(), sort=False)
    texts = pd.Index([t if isinstance(t, str) else "" for t in texts])
    placed, unplaced = _area_table(texts, frame, spread)
    served = _expand(base, codes, placed)
    unresolved = _expand(base[["_order", "record_id"]], codes, unplaced)
    blank = np.append(texts.str.strip() == "", True)  # code -1 (missing) is blank too
    has_area = ~blank[codes]
    has_site = np.zeros(n, dtype=bool)
    parts_served, parts_unresolved = [served], [unresolved]
    if "lon" in records.columns and "lat" in records.columns:
        lon = pd.to_numeric(records["lon"], errors="coerce").astype(float)
        lat = pd.to_numeric(records["lat"], errors="coerce").astype(float)
        site_served, site_unresolved, has_site = _site_table(base, lon, lat, frame)
        parts_served.append(site_served)
        parts_unresolved.append(site_unresolved)
    nothing = base.loc[~has_area & ~has_site, ["_order", "record_id"]]
    parts_unresolved.append(nothing.assign(fragment="", reason=NO_PLACE))

    names = provinces(frame).set_index("code")["name"]
    served = _in_order(_concat(parts_served), ["_order", "_code", "_basis"])
    served["province"] = served["province_code"].map(names)
    served = served[SERVED_COLUMNS]
    unresolved = _in_order(pd.concat(parts_unresolved, ignore_index=True), ["_order"])
    unresolved = unresolved[UNRESOLVED_COLUMNS].astype(str)
    log.info("resolve_records (frame %s): %d records, %d served rows, %d unresolved rows",
             frame, n, len(served), len(unresolved))
    return served, unresolved
