"""HXL hashtags: reading a who-does-what-where (3W) sheet tagged under its header.

The Humanitarian Exchange Language (https://hxlstandard.org) adds one row of hashtags
(``#org+impl``, ``#adm1+name``...) under a sheet's header. A sheet with such a row is read
by its tags, whatever its header says:

=====================================================  ===============================
tag (attributes in any order)                          field
=====================================================  ===============================
``#org`` (``+impl`` first; not ``+funder``/``+code``)  institution
``#sector``, ``#cluster``                              group (a cluster name: see below)
``#activity``, ``#subsector`` (not ``+id``/``+code``)  service
``#loc``, ``#adm4``, ``#adm3``, ``#adm2``, ``#adm1``    area: the names joined, most local first
``#adm1+code`` (P-codes such as ``KH02``)              area: the province's name
``#geo+lat``, ``#geo+lon``                             lat, lon
``#meta+id``                                           record_id
``#description``, ``#meta+notes``                      notes
=====================================================  ===============================

Other tags (``#reached``, ``#date``, ``#contact``...) are ignored: their columns stay extra
columns, and their tags are logged as a warning and kept in :func:`hxl_rows`' result.

In 3W sheets ``#sector`` usually holds a humanitarian cluster ("Protection", "Health"), not
one of the six service groups. Where it names no group and the row's ``#activity`` is
filled, the group is left to the activity (as a sheet with a service and no group) and the
cluster text is kept in the extra column ``sector``; with no activity it stays the group,
so the sheet's problem list names it.

Examples
--------
>>> _tag(" #Adm1 +Name ")
('#adm1', frozenset({'name'}))
>>> rows = [["Partner", "Province", "Activity"], ["#org+impl", "#adm1+code", "#activity"],
...         ["Hagar International", "KH12", "Shelter/Center"]]
>>> out, numbers, ignored = hxl_rows(rows, [1, 2, 3], 1)
>>> out[0], out[1], numbers, ignored
(['institution', '#adm1+code', 'service', 'area'], ['Hagar International', 'KH12', 'Shelter/Center', 'Phnom Penh'], [2, 3], ())
"""
from __future__ import annotations

import logging

from coverage.places import normalise_code, province_name
from coverage.taxonomy import get_group

log = logging.getLogger(__name__)

__all__ = ["find_tag_row", "hxl_rows", "hxl_labels", "output_tags", "TAG_FIELDS", "OUTPUT_TAGS"]

#: Base tag -> field, for the fields one column fills.
TAG_FIELDS = {"#org": "institution", "#sector": "group", "#cluster": "group",
              "#activity": "service", "#subsector": "service", "#meta": "record_id",
              "#description": "notes"}
#: Place tags, most local first: their names are joined into ``area``.
PLACE_TAGS = ("#loc", "#adm4", "#adm3", "#adm2", "#adm1")
#: Attributes that make a column something else than the field of its base tag.
NOT_THE_FIELD = {"#org": {"funder", "code", "type", "acronym"},
                 "#activity": {"id", "code"}, "#subsector": {"id", "code"}}
SEARCH_ROWS = 20


def _tag(cell: str) -> tuple[str, frozenset[str]]:
    """``(base, attributes)`` of a hashtag cell, lower case, spaces ignored."""
    parts = "".join(cell.split()).lower().split("+")
    return parts[0], frozenset(p for p in parts[1:] if p)


def _is_tag_row(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    return len(filled) >= 2 and all(c.startswith("#") and len(c) > 1 for c in filled)


def find_tag_row(rows: list[list[str]]) -> int | None:
    """Index of the first of the first 20 rows made only of hashtags, else None."""
    return next((i for i, cells in enumerate(rows[:SEARCH_ROWS]) if _is_tag_row(cells)), None)


def _field(base: str, attrs: frozenset[str]) -> str | None:
    if base == "#geo" and attrs & {"lat", "lon"}:
        return "lat" if "lat" in attrs else "lon"
    if base == "#meta":
        return "record_id" if "id" in attrs else "notes" if "notes" in attrs else None
    if base in PLACE_TAGS:
        return "area"
    if attrs & NOT_THE_FIELD.get(base, set()):
        return None
    return TAG_FIELDS.get(base)


def _columns(tags: list[str]) -> tuple[dict[str, int], list[int], tuple[str, ...]]:
    """One column per field (``#org+impl`` before other ``#org``), the place columns,
    and the tags ignored."""
    fields: dict[str, int] = {}
    places, ignored = [], []
    order = sorted(range(len(tags)), key=lambda i: "impl" not in _tag(tags[i])[1])
    for i in order:
        if not tags[i].strip():
            continue
        field = _field(*_tag(tags[i]))
        if field == "area":
            places.append(i)
        elif field is None or field in fields:
            ignored.append(tags[i].strip())
        else:
            fields[field] = i
    places.sort(key=lambda i: PLACE_TAGS.index(_tag(tags[i])[0]))
    return fields, places, tuple(ignored)


def _place(cell: str, tag: str) -> str:
    base, attrs = _tag(tag)
    code = normalise_code(cell) if base == "#adm1" and "code" in attrs else None
    return province_name(code) if code else cell.strip()


def hxl_labels(rows: list[list[str]], tag_row: int) -> dict[str, str]:
    """How messages name the column of each field a tag fills: the sheet's header and tag.

    Examples
    --------
    >>> hxl_labels([["Partner", "Cluster"], ["#org+impl", "#sector"]], 1)
    {'institution': 'Partner (#org+impl)', 'group': 'Cluster (#sector)'}
    """
    tags = rows[tag_row]
    above = rows[tag_row - 1] if tag_row else []
    fields, _, _ = _columns(tags)
    return {field: (f"{above[i].strip()} ({tags[i].strip()})"
                    if i < len(above) and above[i].strip() else tags[i].strip())
            for field, i in fields.items()}


def hxl_rows(rows: list[list[str]], row_numbers: list[int],
             tag_row: int) -> tuple[list[list[str]], list[int], tuple[str, ...]]:
    """Rows with a header of field names in place of the header and tag rows.

    Returns the new rows (header first; an ``area`` column added when the sheet has
    place tags), their sheet row numbers (the tag row's for the header) and the tags
    ignored. Columns keep their tag as name unless they fill a field.
    """
    tags = rows[tag_row] + [""] * (max(map(len, rows)) - len(rows[tag_row]))
    fields, places, ignored = _columns(tags)
    names = {i: f for f, i in fields.items()}
    header = [names.get(i, tag.strip() or (rows[tag_row - 1][i] if tag_row and i < len(
        rows[tag_row - 1]) else "")) for i, tag in enumerate(tags)]
    body = [cells + [""] * (len(tags) - len(cells)) for cells in rows[tag_row + 1:]]
    if "group" in fields and "service" in fields:
        header.append("sector")
        _clusters(body, fields["group"], fields["service"])
    if places:
        header.append("area")
        for cells in body:
            parts = [_place(cells[i], tags[i]) for i in places if cells[i].strip()]
            cells.append(", ".join(dict.fromkeys(parts)))
    if ignored:
        log.warning("HXL tags ignored (their columns are kept as extra columns): %s",
                    ", ".join(ignored))
    return [header, *body], row_numbers[tag_row:], ignored


def _is_group(text: str) -> bool:
    try:
        get_group(text.strip())
    except (KeyError, ValueError):
        return False
    return True


def _clusters(body: list[list[str]], group: int, service: int) -> None:
    """Move a ``#sector`` cell that names no group (a cluster) to a ``sector`` column
    appended to each row, where the row's activity can give the group instead."""
    moved = set()
    for cells in body:
        sector = cells[group]
        if sector.strip() and cells[service].strip() and not _is_group(sector):
            cells[group] = ""
            moved.add(sector.strip())
        cells.append(sector)
    if moved:
        log.info("#sector %s: not service groups (clusters); the group comes from #activity",
                 ", ".join(repr(m) for m in sorted(moved)))


#: Hashtags written under the header of output CSVs (``--hxl``), by column name; any other
#: column gets ``#meta+<name>``.
OUTPUT_TAGS = {
    "record_id": "#meta+id", "row": "#meta+row", "institution": "#org+name",
    "group_id": "#sector+code", "group": "#sector+name", "service_id": "#activity+code",
    "service": "#activity+name", "province_code": "#adm1+code", "province": "#adm1+name",
    "district_code": "#adm2+code", "district": "#adm2+name", "area_text": "#loc+name",
    "fragment": "#loc+name+fragment", "lon": "#geo+lon", "lat": "#geo+lat",
    "population": "#population", "reason": "#meta+reason", "notes": "#meta+notes",
}


def output_tags(columns: list[str]) -> list[str]:
    """The HXL hashtag of each output column.

    Examples
    --------
    >>> output_tags(["province_code", "coverage", "gap (%)"])
    ['#adm1+code', '#meta+coverage', '#meta+gap']
    """
    def generic(name: str) -> str:
        attr = "_".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
        return f"#meta+{attr}" if attr else "#meta"
    return [OUTPUT_TAGS.get(str(c), None) or generic(str(c)) for c in columns]
