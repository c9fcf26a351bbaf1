"""Checking a sheet's cells and building the records table from them.

Examples
--------
>>> _find_service(3, "Shelter/Center")
(3, 1)
"""
from __future__ import annotations

import logging

import pandas as pd
from rapidfuzz import fuzz, process

from coverage.errors import RecordsError
from coverage.records.schema import RECORD_COLUMNS, TEXT_FIELDS
from coverage.taxonomy import GROUPS, SERVICES, get_group, get_service

log = logging.getLogger(__name__)

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



def build_records(table: pd.DataFrame, cols: dict[str, str],
                  file: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate the raw table: the records table (index = table index) and the rejected rows."""
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
    records = records[list(RECORD_COLUMNS)]
    if "lon" in cols and "lat" in cols:
        records = records.join(_coordinates(keep, cols, file))
    return records, rejected.reset_index(drop=True)


