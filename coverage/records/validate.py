"""Checking a sheet's cells and building the records table from them.

Every problem in every row is collected (:class:`coverage.errors.Problem`), and raised
once as :class:`coverage.errors.SheetProblems`, so a sheet is fixed in one pass.

Examples
--------
>>> _find_service(3, "Shelter/Center")
(3, 1)
>>> _find_service(None, "legal representation")
(5, 3)
"""
from __future__ import annotations

import logging

import pandas as pd

from coverage.errors import Problem, SheetProblems
from coverage.records.schema import RECORD_COLUMNS, TEXT_FIELDS
from coverage.taxonomy import GROUPS, SERVICES, ServiceNotFound, find_service, get_group

log = logging.getLogger(__name__)

#: Problems listed in one error; the count says how many more there are.
MAX_PROBLEMS = 100


def _problems(table: pd.DataFrame, mask: pd.Series, column: str, message: str,
              suggestion: str = "") -> list[Problem]:
    """One problem per masked row (with that row's value)."""
    return [Problem(int(r), column, str(v), message, suggestion)
            for r, v in zip(table.loc[mask, "_row"], table.loc[mask, column])]


def _as_int(table: pd.DataFrame, column: str, what: str,
            problems: list[Problem]) -> pd.Series:
    """Whole numbers from text ('3', '3.0'); blank or bad -> <NA> (bad ones noted)."""
    values = table[column]
    number = pd.to_numeric(values.where(values != ""), errors="coerce")
    bad = (values != "") & (number.isna() | (number % 1 != 0))
    problems += _problems(table, bad, column, f"expected a whole-number {what}")
    return number.where(~bad).astype("Int64")


def _group_ids(table: pd.DataFrame, cols: dict[str, str], problems: list[Problem]) -> pd.Series:
    """Group id per row (<NA> where no group is given or it is invalid)."""
    valid = ", ".join(f"{g.id} {g.slug}" for g in GROUPS)
    ids = pd.Series(pd.NA, index=table.index, dtype="Int64")
    if "group_id" in cols:
        col = cols["group_id"]
        ids = _as_int(table, col, "group id (1-6)", problems)
        bad = ids.notna() & ~ids.isin([g.id for g in GROUPS])
        problems += _problems(table, bad, col, "unknown service group", valid)
        ids = ids.where(~bad)
    if "group" in cols:
        col = cols["group"]
        names = table[col]
        lookup = {}
        for value in names[names != ""].unique():
            try:
                lookup[value] = get_group(value).id
            except KeyError:
                problems += _problems(table, names == value, col, "unknown service group", valid)
        by_name = names.map(lookup).astype("Int64")
        clash = ids.notna() & by_name.notna() & (ids != by_name)
        problems += _problems(table, clash, col,
                              f"group does not match the {cols.get('group_id')!r} column")
        ids = ids.fillna(by_name).where(~clash)
    return ids


def _find_service(group_id: int | None, key: str) -> tuple[int, int]:
    """(group_id, service_id) for a service wording (see :func:`coverage.taxonomy.find_service`)."""
    s = find_service(key, group_id)
    return s.group_id, s.id


def _hint(services: tuple) -> str:
    """Service types for a message: numbered, long names cut, at most three."""
    names = [f"{s.group_id}.{s.id} {s.name if len(s.name) <= 40 else s.name[:39] + '…'}"
             for s in services[:3]]
    return "; ".join(names) + ("; …" if len(services) > 3 else "")


def _service_ids(table: pd.DataFrame, cols: dict[str, str], groups: pd.Series,
                 problems: list[Problem]) -> tuple[pd.Series, pd.Series]:
    """Group and service ids per row; service <NA> for a group-level claim.

    Rows whose group is given but invalid are not looked up (their problem is the group).
    """
    group_text = pd.Series(False, index=table.index)
    for field in ("group", "group_id"):
        if field in cols:
            group_text |= table[cols[field]] != ""
    bad_group = group_text & groups.isna()
    by_id = (_as_int(table, cols["service_id"], "service number", problems)
             if "service_id" in cols else pd.Series(pd.NA, index=table.index, dtype="Int64"))
    names = table[cols["service"]] if "service" in cols else pd.Series("", index=table.index)
    keys = pd.DataFrame({"g": groups, "i": by_id, "n": names})
    groups_out = groups.copy()
    services_out = pd.Series(pd.NA, index=table.index, dtype="Int64")
    given = (keys["i"].notna() | (keys["n"] != "")) & ~bad_group
    for (g, i, n), rows in keys[given].groupby(["g", "i", "n"], dropna=False, sort=False).groups.items():
        g = None if pd.isna(g) else int(g)
        col = cols["service_id"] if not pd.isna(i) else cols["service"]
        mask = table.index.isin(rows)
        try:
            found = _find_service(g, str(int(i)) if not pd.isna(i) else n)
            if not pd.isna(i) and n != "" and _find_service(found[0], n) != found:
                problems += _problems(table, mask, cols["service"],
                                      f"service does not match {cols['service_id']!r} {int(i)}")
                continue
        except ServiceNotFound as exc:
            problems += _problems(table, mask, col, exc.reason, _hint(exc.closest))
            continue
        groups_out[rows] = found[0]
        services_out[rows] = found[1]
    return groups_out, services_out


def _coordinates(table: pd.DataFrame, cols: dict[str, str],
                 problems: list[Problem]) -> pd.DataFrame:
    """``lon`` and ``lat`` as floats (NaN where blank), checked for type and range."""
    out = {}
    for field, limit in (("lon", 180), ("lat", 90)):
        col = cols[field]
        text = table[col]
        value = pd.to_numeric(text.where(text != ""), errors="coerce")
        problems += _problems(table, (text != "") & value.isna(), col,
                              "expected a number (decimal degrees)")
        problems += _problems(table, value.abs() > limit, col,
                              f"{field} is out of range [-{limit}, {limit}]")
        out[field] = value.astype(float)
    coords = pd.DataFrame(out)
    for missing, other in (("lat", "lon"), ("lon", "lat")):
        half = coords[missing].isna() & coords[other].notna() & (table[cols[missing]] == "")
        problems += _problems(table, half, cols[missing],
                              f"{missing} is blank but {other} is given; give both or neither")
    return coords


def _record_ids(table: pd.DataFrame, cols: dict[str, str], problems: list[Problem]) -> pd.Series:
    """Given ids, or ``R0001``... by data row where the sheet has none; unique."""
    width = max(4, len(str(len(table))))
    generated = pd.Series([f"R{n:0{width}d}" for n in range(1, len(table) + 1)], index=table.index)
    ids = generated
    if "record_id" in cols:
        given = table[cols["record_id"]]
        ids = given.where(given != "", generated)
    dup = ids.duplicated(keep="first") & ids.duplicated(keep=False)
    for index in ids[dup].index:
        first = int(table.loc[ids == ids[index], "_row"].iloc[0])
        problems.append(Problem(int(table.at[index, "_row"]), cols.get("record_id", "record_id"),
                                str(ids[index]), f"record_id already used on row {first}; "
                                "record ids must be unique"))
    return ids.astype(str)


def _raise_problems(problems: list[Problem], file: object) -> None:
    if problems:
        problems = sorted(problems, key=lambda p: (p.row or 0, p.column or ""))
        raise SheetProblems(file, problems[:MAX_PROBLEMS], total=len(problems))


def build_records(table: pd.DataFrame, cols: dict[str, str], file: object,
                  problems: list[Problem] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate the raw table: the records table (index = table index) and the rejected rows.

    Raises
    ------
    SheetProblems
        Listing every bad cell (the first :data:`MAX_PROBLEMS`), sorted by row, with any
        ``problems`` found while reading the rows.
    """
    problems = list(problems or [])
    ids = _record_ids(table, cols, problems)
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
    groups = _group_ids(keep, cols, problems)
    groups, services = _service_ids(keep, cols, groups, problems)
    coords = (_coordinates(keep, cols, problems) if "lon" in cols and "lat" in cols else None)
    _raise_problems(problems, file)
    group_names = {g.id: g.name for g in GROUPS}
    service_names = {(s.group_id, s.id): s.name for s in SERVICES}
    records = pd.DataFrame({
        "record_id": ids,
        "group_id": groups.astype("int64"),
        "group": groups.map(group_names).astype(str),
        "service_id": services,
        "service": pd.Series([service_names.get((g, s)) if not pd.isna(s) else None
                              for g, s in zip(groups.tolist(), services.tolist())],
                             index=keep.index, dtype=str),   # lists: no pandas scalar per row
        "institution": keep[cols["institution"]],
        "programme": keep[cols["programme"]] if "programme" in cols else "",
        "area_text": keep[cols["area"]] if "area" in cols else "",
        **{f: (keep[cols[f]] if f in cols else "") for f in TEXT_FIELDS[2:]},
    }, index=keep.index)
    records = records[list(RECORD_COLUMNS)]
    if coords is not None:
        records = records.join(coords)
    return records, rejected.reset_index(drop=True)


