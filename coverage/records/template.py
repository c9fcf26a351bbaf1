"""The records template a programme manager fills in once: CSV, or Excel with drop-downs.

The Excel template has three sheets: ``records`` (the columns, two real example rows from
the forum's annex, drop-down lists for ``group`` and ``service``), ``services`` (every
group and numbered service type, with the forum report's own wording where it has one)
and ``instructions``.

Examples
--------
>>> table = services_sheet()
>>> table.columns.tolist()
['group_id', 'group', 'short name', 'service_id', 'service', 'forum wording', 'also accepted']
>>> table.loc[table["service"] == "Shelter/Center", "forum wording"].item()
'Shelters/centers'
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from coverage.records.forum import template_table
from coverage.taxonomy import GROUPS, SERVICES, synonyms_table

__all__ = ["services_sheet", "services_listing", "write_template", "INSTRUCTIONS"]

#: The source of the synonyms that are the forum report's own list of available services.
FORUM_LIST = "forum report: A. Available Services"
NO_WORDING = "(none: the report names this type only in its annex, as in 'service')"

INSTRUCTIONS = (
    "kh-coverage records sheet: one row per institution x service x area.",
    "institution: the organisation offering the service (required).",
    "group: one of the six service groups by its short name (drop-down: immediate, medical, "
    "shelter, education, legal, community); the number 1-6 or the full name also works.",
    "service: a service type of that group (drop-down, see the 'services' sheet). Leave it "
    "blank when the institution offers the whole group. Common wordings are accepted "
    "('shelter', 'counselling', 'legal representation'); `kh-coverage services` lists them.",
    "area: the provinces, districts or communes served, as you would write them "
    "('Battambang, Pailin', 'Kg. Cham', 'nationwide').",
    "lon, lat: decimal degrees of a site, if you have them (give both or neither).",
    "programme, referral, gaps, recommendations, notes: free text, copied as written.",
    "Replace the two example rows (taken from the forum's annex) with your own.",
    "Do not write names or phone numbers of people in any cell.",
    "Check the sheet: kh-coverage resolve SHEET.xlsx; map it: kh-coverage run SHEET.xlsx "
    "--out DIR. Every problem is listed at once, with its row and column.",
)


def services_sheet() -> pd.DataFrame:
    """Every group and numbered service type, with the forum report's wording of it.

    ``forum wording`` is the line of the report's list of available services (section A)
    that names exactly this type; the report has no other description of the types.
    ``also accepted``: the other wordings a sheet may use for it
    (``coverage/data/service_synonyms.csv``).
    """
    table = synonyms_table()
    forum = table[table["source"] == FORUM_LIST]
    wording = {(g, s): w for w, g, s in zip(forum["wording"], forum["group_id"], forum["service_id"])}
    groups = {g.id: g for g in GROUPS}

    def accepted(s) -> str:
        shown = {s.name.lower(), wording.get((s.group_id, s.id), "").lower()}
        mine = table[(table["group_id"] == s.group_id) & (table["service_id"] == s.id)]
        return "; ".join(dict.fromkeys(w for w in mine["wording"] if w.lower() not in shown))
    return pd.DataFrame(
        [(s.group_id, groups[s.group_id].name, groups[s.group_id].slug, s.id, s.name,
          wording.get((s.group_id, s.id), NO_WORDING), accepted(s)) for s in SERVICES],
        columns=["group_id", "group", "short name", "service_id", "service", "forum wording",
                 "also accepted"])


def services_listing() -> str:
    """The groups and numbered service types as lines of text (``kh-coverage services``).

    Examples
    --------
    >>> print(services_listing().splitlines()[0])
    1 immediate: Immediate support and emergency package
    """
    lines = []
    for g in GROUPS:
        lines.append(f"{g.id} {g.slug}: {g.name}")
        lines += [f"    {g.id}.{s.id} {s.name}" for s in SERVICES if s.group_id == g.id]
    lines.append("\nA sheet may give a group by number, short name or name, and a service by "
                 "number (with its group), name or a common wording (kh-coverage reads the "
                 "table coverage/data/service_synonyms.csv; see docs/sheets.md).")
    return "\n".join(lines)


def write_template(path: Path) -> pd.DataFrame:
    """Write the records template (``.csv`` or ``.xlsx``); return its records table.

    Examples
    --------
    >>> import pathlib, tempfile, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> _ = write_template(p)
    >>> openpyxl.load_workbook(p).sheetnames
    ['records', 'services', 'instructions']
    """
    table = template_table()
    if Path(path).suffix.lower() == ".csv":
        table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        return table
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        table.to_excel(writer, index=False, sheet_name="records")
        services_sheet().to_excel(writer, index=False, sheet_name="services")
        pd.DataFrame({"instructions": INSTRUCTIONS}).to_excel(
            writer, index=False, sheet_name="instructions")
        _drop_downs(writer.book, list(table.columns))
    return table


def _drop_downs(book, columns: list[str], rows: int = 1000) -> None:
    """Drop-down lists on ``group`` and ``service`` (other wordings warn, not refuse)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = book["records"]
    n = len(SERVICES)
    # group names hold commas, the separator of a typed list: the short names (slugs) do not
    lists = {"group": '"' + ",".join(g.slug for g in GROUPS) + '"',
             "service": f"services!$E$2:$E${n + 1}"}
    for field, source in lists.items():
        col = get_column_letter(columns.index(field) + 1)
        rule = DataValidation(type="list", formula1=source, allow_blank=True,
                              errorStyle="warning", showErrorMessage=True,
                              error="Not in the list: kh-coverage will try to match it "
                                    "(see the 'services' sheet).")
        rule.add(f"{col}2:{col}{rows}")
        ws.add_data_validation(rule)
    for sheet, widths in (("records", {"A": 28, "B": 30, "C": 40, "D": 40}),
                          ("services", {"B": 40, "E": 50, "F": 60, "G": 50}),
                          ("instructions", {"A": 120})):
        for col, width in widths.items():
            book[sheet].column_dimensions[col].width = width
