r"""What the command line prints: terminal-safe text and the review table.

Examples
--------
>>> printable("tab\there") == "tab\\there"
True
"""
from __future__ import annotations

import logging
import unicodedata

import pandas as pd

__all__ = ["printable", "review_summary", "text_table", "SafeFormatter"]


def printable(text: str, keep: str = "") -> str:
    r"""``text`` safe for a terminal: control and format characters (escape sequences,
    line breaks, bidi overrides) shown as Python escapes, except those in ``keep``.

    Examples
    --------
    >>> printable("a\x1b[31mb\nc")
    'a\\x1b[31mb\\nc'
    """
    return "".join(c if c in keep or unicodedata.category(c) not in ("Cc", "Cf")
                   else repr(c)[1:-1] for c in text)


def text_table(table: pd.DataFrame, width: int = 36) -> str:
    """The review table for a terminal: left-aligned, long texts cut, repeats blanked."""
    shown = table.astype(object).where(table.notna(), "").astype(str).apply(
        lambda col: col.map(printable))       # DataFrame.map needs pandas 2.1
    repeat = shown["area_text"].eq(shown["area_text"].shift())
    shown.loc[repeat, ["area_text", "records"]] = ""
    shown.loc[~repeat & (table["area_text"] == ""), "area_text"] = "(blank)"
    for col in ("area_text", "fragment"):   # the reason is the last column: never cut, so a
        # conflict names both provinces
        shown[col] = shown[col].map(lambda v: v if len(v) <= width else v[:width - 1] + "…")
    widths = {c: max(len(c), *(len(v) for v in shown[c])) for c in shown.columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in shown.columns).rstrip()]
    for row in shown.itertuples(index=False):
        lines.append("  ".join(v.ljust(widths[c]) for c, v in zip(shown.columns, row)).rstrip())
    return "\n".join(lines)


def review_summary(table: pd.DataFrame, n_records: int, n_rejected: int = 0) -> str:
    """The line under the review table: texts, unresolved fragments, text/site conflicts.

    Examples
    --------
    >>> t = pd.DataFrame({"area_text": ["Kandal", "Kandal"], "status": ["placed", "conflict"]})
    >>> review_summary(t, 2)
    '\\n1 place texts in 2 records: 0 fragments unresolved; 1 records whose text and site name different provinces (served where the site is)'
    """
    n_bad = int((table["status"] == "unresolved").sum())
    n_conflicts = int((table["status"] == "conflict").sum())
    return (f"\n{table['area_text'].nunique()} place texts in {n_records} records: "
            f"{n_bad} fragments unresolved"
            + (f"; {n_conflicts} records whose text and site name different provinces (served "
               "where the site is)" if n_conflicts else "")
            + (f"; {n_rejected} rows rejected" if n_rejected else ""))


class SafeFormatter(logging.Formatter):
    r"""A log formatter whose lines are :func:`printable` (line breaks kept): a sheet's
    text in a warning cannot drive the terminal.

    Examples
    --------
    >>> rec = logging.LogRecord("x", logging.WARNING, "", 0, "tag %s", ("#a\x1b[2J",), None)
    >>> SafeFormatter("%(message)s").format(rec)
    'tag #a\\x1b[2J'
    """

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record), keep="\n")
