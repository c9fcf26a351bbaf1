"""CSV files a spreadsheet cannot run: formula-like text cells get a leading ``'``.

Written byte for byte as ``pandas.DataFrame.to_csv`` writes them (UTF-8, ``\\n``, minimal
quoting); a table of text, categorical text and integer columns is built from each
column's distinct values, any other table goes through ``to_csv`` itself.

Examples
--------
>>> neutralise(pd.DataFrame({"a": ["=HYPERLINK(1)", "-3.5", "ok", "@x"], "n": [1, 2, 3, 4]}))
                a  n
0  '=HYPERLINK(1)  1
1            -3.5  2
2              ok  3
3             '@x  4
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

__all__ = ["FORMULA_START", "neutralise", "write_csv", "plain_table"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
#: Characters for which ``csv.writer`` (minimal quoting) may quote a field; a field
#: without them is written as it is.
_MAY_QUOTE = re.compile(r'[,"\r\n]')


def _safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _safe_column(column: pd.Series) -> pd.Series:
    """``column`` with :func:`_safe_cell` applied to every cell, checking each distinct
    value once.

    The result is what ``column.astype(object).map(_safe_cell, na_action="ignore")``
    gives, dtype included: a column holding text keeps its other cells as they are (text
    stops ``map``'s numeric inference, so ``infer_objects`` infers the same dtype); a
    column with no text at all, or with unhashable cells, goes through ``map`` itself.
    """
    values = column.astype(object).to_numpy()
    if isinstance(column.dtype, pd.CategoricalDtype):   # distinct values known already
        codes = column.cat.codes.to_numpy()
        uniques = column.cat.categories.to_numpy(dtype=object)
        present = uniques[np.bincount(codes[codes >= 0], minlength=len(uniques)) > 0]
    else:
        try:
            codes, uniques = pd.factorize(values)
        except TypeError:   # unhashable cells (a dict, say): cell by cell
            return column.astype(object).map(_safe_cell, na_action="ignore")
        present = uniques
    if not any(isinstance(v, str) for v in present):
        return column.astype(object).map(_safe_cell, na_action="ignore")
    safe = np.empty(len(uniques), dtype=object)   # filled where a distinct value changes
    changed = []
    for i, value in enumerate(uniques):
        if (cell := _safe_cell(value)) is not value:
            safe[i] = cell
            changed.append(i)
    if changed:
        values = values.copy()
        rows = np.flatnonzero(np.isin(codes, changed))
        values[rows] = safe[codes[rows]]
    return pd.Series(values, index=column.index, name=column.name,
                     dtype=object).infer_objects()


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot run as spreadsheet formulas.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading ``'`` (OWASP's advice for CSV injection), unless it is a plain number such
    as ``-3.5``; numeric columns are left as they are. Each distinct value of a column
    is checked once.
    """
    df = df.copy()
    for col in df.columns:
        if not pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col]):
            df[col] = _safe_column(df[col])
    return df


def write_csv(df: pd.DataFrame, path: Path, *, hxl: bool = False) -> None:
    """Write ``df`` as a plain UTF-8 CSV with formula-like text neutralised (in the
    header too: ``--keep-columns`` copies a sheet's own column names).

    ``hxl=True`` writes a row of HXL hashtags under the header
    (:func:`coverage.records.hxl.output_tags`).
    """
    table = plain_table(df)
    header = [_safe_cell(str(c)) for c in table.columns]   # a sheet's own column names too
    text = None if hxl else _csv_text(table, header)
    if text is not None:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return
    table = neutralise(table)
    if hxl:
        from coverage.records.hxl import output_tags
        tags = pd.DataFrame([output_tags(list(table.columns))], columns=table.columns)
        table = pd.concat([tags, table.astype(object)], ignore_index=True)
    table.to_csv(path, index=False, header=header, encoding="utf-8", lineterminator="\n")


def plain_table(df: pd.DataFrame) -> pd.DataFrame:
    """Drop a geometry column and join list cells, so the table is a plain CSV."""
    df = df.drop(columns="geometry", errors="ignore").copy()
    for col in df.columns[df.dtypes == object]:  # list cells only live in object columns
        if df[col].map(lambda v: isinstance(v, (list, tuple))).any():
            df[col] = df[col].map(lambda v: "; ".join(map(str, v))
                                  if isinstance(v, (list, tuple)) else v)
    return df


# --- the same bytes as to_csv, one distinct value at a time ------------------------------

def _csv_text(table: pd.DataFrame, header: list[str]) -> str | None:
    """What ``neutralise(table).to_csv(index=False, header=header, lineterminator="\\n")``
    writes, or None when a column is neither text, categorical text nor integers (or the
    table has a single column, where ``csv`` quotes an empty row)."""
    if len(table.columns) < 2:
        return None
    quote = _quoter()
    fields = []
    for col in table.columns:
        column = _column_fields(table[col], quote)
        if column is None:
            return None
        fields.append(column)
    lines = [",".join(quote(h) for h in header), *map(",".join, zip(*fields))]
    return "\n".join(lines) + "\n"


def _column_fields(column: pd.Series, quote: Callable[[str], str]) -> list[str] | None:
    """Each cell of ``column`` as written in the CSV (neutralised, quoted; blank for NA)."""
    dtype = column.dtype
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        if dtype.kind not in "iub":   # integer or bool numpy arrays only
            return None
        codes, uniques = pd.factorize(column.array)   # an Int64 column stays whole numbers
        texts = [str(v) for v in uniques.tolist()]
    elif pd.api.types.is_numeric_dtype(dtype) or not (
            isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype)):
        return None
    else:
        if isinstance(dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy()
            uniques = column.cat.categories.to_numpy(dtype=object)
            present = uniques[np.bincount(codes[codes >= 0], minlength=len(uniques)) > 0]
        else:
            try:
                codes, uniques = pd.factorize(column.astype(object).to_numpy())
            except TypeError:
                return None
            present = uniques
        if not all(type(v) is str for v in present):
            return None
        texts = [quote(_safe_cell(v)) if type(v) is str else "" for v in uniques]
    return np.array(texts + [""], dtype=object)[codes].tolist()   # code -1 (NA): blank


def _quoter() -> Callable[[str], str]:
    """A field as ``csv.writer`` writes it (``excel`` dialect, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def quote(text: str) -> str:
        if not _MAY_QUOTE.search(text):
            return text
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([text, ""])
        return buffer.getvalue()[:-2]   # the field, without ',' + '\n'

    return quote
