"""Reading a records sheet from a file: CSV or Excel, header found, cells as text.

The rows a user sees in a spreadsheet come out as lists of strings with their sheet row
numbers; :mod:`coverage.records.validate` turns them into the records table.

Examples
--------
>>> _cell_text(3.0), _cell_text(None)
('3', '')
"""
from __future__ import annotations

import csv
import dataclasses
import io
import logging
import zipfile
from pathlib import Path

import pandas as pd

from coverage.errors import Problem, RecordsError, SheetProblems
from coverage.records.headers import (HEADER_FIELDS, HEADER_SEARCH_ROWS, find_header,
                                      header_fields, missing_column_error, norm_header)
from coverage.records.hxl import find_tag_row, hxl_labels, hxl_rows
from coverage.records.schema import RecordsSheet
from coverage.records.validate import build_records

log = logging.getLogger(__name__)

ROW_COLUMN = "_row"   # the sheet row of each data row, carried through validation
CSV_ENCODINGS = ("utf-8-sig", "cp1252")  # utf-8-sig reads plain UTF-8 and UTF-8 with a BOM
CSV_DELIMITERS = (",", ";", "\t")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


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
        if find_header(head) is not None or find_tag_row(head) is not None:
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

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise RecordsError(f"cannot open as an Excel workbook ({exc})", file=path) from None
    try:
        sheets, parts = {}, {}
        for ws in book.worksheets:
            if sheet is None or ws.title == sheet:
                ws.reset_dimensions()      # read every row, whatever <dimension> claims
                sheets[ws.title] = [[_cell_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
                parts[ws.title] = getattr(ws, "_worksheet_path", None)
    finally:
        book.close()
    if sheet is not None and not sheets:
        names = ", ".join(repr(n) for n in openpyxl.load_workbook(path, read_only=True).sheetnames)
        raise RecordsError(f"no sheet named {sheet!r}; the workbook has: {names}", file=path)
    if len(sheets) == 1:
        name, rows = next(iter(sheets.items()))
    else:
        fits = [n for n, rows in sheets.items()
                if find_header(rows) is not None or find_tag_row(rows) is not None]
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
    _check_formulas(path, name, parts[name], rows)
    return rows, list(range(1, len(rows) + 1)), name


def _check_formulas(path: Path, name: str, part: str | None, rows: list[list[str]]) -> None:
    """Raise when formula cells have no saved value (they would read as blank).

    Workbooks written by programs other than a spreadsheet (scripts, some exporters)
    may hold formulas without the value a spreadsheet computes and saves with them.
    """
    import openpyxl

    with zipfile.ZipFile(path) as z:
        xml = z.read(part) if part in z.namelist() else b"<f>"
    if b"<f>" not in xml and b"<f " not in xml:
        return
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = book[name]
        ws.reset_dimensions()
        empty = [cell.coordinate for r, cells in enumerate(ws.iter_rows()) for c, cell in
                 enumerate(cells) if cell.data_type == "f"
                 and (r >= len(rows) or c >= len(rows[r]) or rows[r][c] == "")]
    finally:
        book.close()
    if empty:
        first = openpyxl.utils.cell.coordinate_from_string(empty[0])
        listed = ", ".join(empty[:10]) + (", ..." if len(empty) > 10 else "")
        raise RecordsError(f"{len(empty)} formula cells have no saved value ({listed}); open "
                           "the file in a spreadsheet program and save it, so the values "
                           "are stored", file=path, row=first[1], column=first[0])


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def _header_names(cells: list[str], file: object, row: int) -> list[str]:
    """Column names: the header cells as written; blank ones named after their column letter."""
    names, seen = [], {}
    for i, cell in enumerate(cells):
        name = cell.replace("\ufeff", "").strip() or f"column_{_column_letter(i)}"
        if name == ROW_COLUMN:
            raise RecordsError(f"the column name {name!r} is used by kh-coverage itself; "
                               "rename the column", file=file, row=row, column=name)
        key = HEADER_FIELDS.get(norm_header(name), norm_header(name))
        if key in seen:
            raise RecordsError(f"columns {_column_letter(seen[key])} ({names[seen[key]]!r}) and "
                               f"{_column_letter(i)} ({name!r}) hold the same field; keep one",
                               file=file, row=row, column=name)
        seen[key] = i
        names.append(name)
    return names


def _table(rows: list[list[str]], row_numbers: list[int], header: int, file: object,
           problems: list[Problem]) -> tuple[pd.DataFrame, list[str]]:
    """The data rows under the header as stripped strings, plus ``_row``; blank rows skipped
    (rows with more cells than the header are noted in ``problems``)."""
    names = _header_names(rows[header], file, row_numbers[header])
    width = len(names)
    body, numbers = [], []
    for cells, number in zip(rows[header + 1:], row_numbers[header + 1:]):
        if len(cells) > width:
            extra = [c for c in cells[width:] if c.strip()]
            if extra:
                problems.append(Problem(number, _column_letter(width), extra[0],
                                        f"{len(cells)} cells but the header has {width} "
                                        "columns (an unquoted separator inside a cell?)"))
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        cells = [c.strip() for c in cells]
        if any(cells):
            body.append(cells)
            numbers.append(number)
    if not body:
        raise RecordsError("no data rows under the header", file=file, row=row_numbers[header])
    skipped = len(rows) - header - 1 - len(body)
    if skipped:
        log.info("%s: skipped %d blank rows", file, skipped)
    table = pd.DataFrame(body, columns=range(width), dtype=str)   # cells stripped above
    table.columns = names
    table.insert(0, ROW_COLUMN, numbers)
    return table, names


def read_records(path: str | Path, *, sheet: str | None = None) -> RecordsSheet:
    """Read and validate a user's records sheet (CSV or Excel ``.xlsx``).

    Headers are matched ignoring case and spaces. Required: ``institution``; ``service`` or
    ``group`` (or both); ``area`` (or ``lon`` and ``lat``, or both). Optional:
    ``record_id``, ``programme``, ``referral``, ``gaps``, ``recommendations``, ``notes``.
    The forum dataset's names ``area_text``, ``group_id`` and ``service_id`` are accepted
    too, so ``load_forum_records().to_csv(...)`` reads back. Any other column is passed
    through unchanged (as text) and listed in ``extra_columns``.

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
      ``rejected`` (``row``, ``record_id``, ``reason``) and not validated
      further. A row with no area and no coordinates is kept: it becomes an unresolved
      record in :func:`resolve_records`.
    * ``record_id``: given ids, else ``R0001``... numbered by data row (blank rows not
      counted); must be unique.
    * ``lon``/``lat`` columns appear only when the sheet has them.
    * A row of HXL hashtags (``#org``, ``#adm1+name``...) anywhere in the first 20 rows
      makes the sheet read by its tags (:mod:`coverage.records.hxl`); tags that name no
      field are listed in ``ignored_tags`` (and logged).

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.csv`` (also ``.txt``/``.tsv``) or ``.xlsx``/``.xlsm`` file.
    sheet : str, optional
        Excel sheet name.

    Returns
    -------
    RecordsSheet
        ``records``: the records table of docs/architecture.md (``record_id``,
        ``group_id``, ``group``, ``service_id``, ``service``, ``institution``,
        ``programme``, ``area_text``, ``referral``, ``gaps``, ``recommendations``,
        ``notes``, then ``lon``, ``lat`` if given, then extra columns), in sheet order;
        with ``rejected``, ``source``, ``extra_columns``, ``sheet`` and ``header_row``.

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
    >>> read_records(p).records[["record_id", "group_id", "service_id", "area_text"]]
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
    tag_row, ignored_tags, labels = find_tag_row(rows), (), {}
    if tag_row is not None:
        labels = hxl_labels(rows, tag_row)     # messages name the sheet's own columns
        rows, row_numbers, ignored_tags = hxl_rows(rows, row_numbers, tag_row)
    header = find_header(rows)
    if header is None:
        raise missing_column_error(rows, path, row_numbers)
    problems: list[Problem] = []
    table, names = _table(rows, row_numbers, header, path, problems)
    fields = header_fields(names)
    cols = {field: names[i] for field, i in fields.items()}
    try:
        records, rejected = build_records(table, cols, path, problems)
    except SheetProblems as err:
        if not labels:
            raise
        raise SheetProblems(path, [dataclasses.replace(p, column=labels.get(p.column, p.column))
                                   for p in err.problems], total=err.total) from None
    if records.empty:
        first = rejected.iloc[0]
        column = (labels.get("institution", cols["institution"])
                  if first["reason"] == "no institution given" else None)
        raise RecordsError(f"every data row was rejected ({len(rejected)} rows; the first: "
                           f"{first['reason']}), so there is nothing to map", file=path,
                           row=int(first["row"]), column=column)
    extra = tuple(n for i, n in enumerate(names) if i not in fields.values())
    for name in extra:
        records[name] = table.loc[records.index, name].to_numpy()
    rows = table.loc[records.index, ROW_COLUMN].reset_index(drop=True)
    records = records.reset_index(drop=True)
    log.info("%s: %d records, %d rejected rows", path, len(records), len(rejected))
    return RecordsSheet(records, source=str(path), rejected=rejected, extra_columns=extra,
                        sheet=sheet_name, header_row=row_numbers[header], rows=rows,
                        ignored_tags=ignored_tags)


