"""Resolving records to provinces: the served and unresolved tables.

Each distinct place text is resolved once with :func:`coverage.places.resolve_place`
and joined back to the records (vectorised: fine for millions of rows); records with
coordinates are located with :func:`coverage.boundaries.locate_sites`.
"""
from __future__ import annotations

import gc
import logging
from contextlib import contextmanager

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from coverage.errors import RecordsError
from coverage.places import province_label, provinces, resolve_place, to_frame
from coverage.places.tables import layer_district
from coverage.settings import check_frame, default_frame
from coverage.records.schema import SERVED_COLUMNS, UNRESOLVED_COLUMNS, RecordsSheet

log = logging.getLogger(__name__)

NO_PLACE = "no place given"
OUTSIDE = "site outside Cambodia"
WATER = "site in the Tonle Sap (water, no province)"
INVALID_SITE = "invalid coordinates"
SITE_REASONS = {"outside": OUTSIDE, "water": WATER, "invalid": INVALID_SITE}
BASIS_RANK = {"named": 0, "nationwide": 1, "site": 2}


#: The hash table size pandas starts from when it finds the distinct place texts (it grows
#: when there are more). Unasked, it sizes one for every row: texts repeat, and a table for
#: 10^6 rows holding 11,000 texts writes tens of MB it never uses (twice the time).
DISTINCT_HINT = 1 << 14

#: Served columns with few distinct values, stored as pandas categoricals.
CATEGORICAL = ("province_code", "district_code", "basis", "method", "fragment")


def _area_table(texts: pd.Index, frame: str, spread: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Resolve each distinct area text once.

    Returns the province rows (``_k`` = position in ``texts``, ``province_code``,
    ``district_code``, ``basis``, ``method``, ``fragment``) and the unplaced fragments
    (``_k``, ``fragment``, ``reason``). A fragment naming a district, commune or town that
    lies in one district of the 2014 layer keeps that district; a province named both with
    and without a district gives a row of each (scores count distinct institutions and
    records, so the province is not counted twice).
    """
    placed, unplaced = [], []
    for k, text in enumerate(texts):
        if not text.strip():
            continue
        res = resolve_place(text, frame)
        rows = _placed_rows(k, text, res.matches, frame, spread)
        placed.extend(sorted(rows, key=lambda r: (r[1], BASIS_RANK[r[3]], r[2]))
                      if len(rows) > 1 else rows)
        if res.unresolved:
            unplaced.extend((k, u.fragment or text, u.reason) for u in res.unresolved)
        elif not rows:  # guard: every area text is accounted for
            unplaced.append((k, text, "no place named"))
    columns = list(zip(*placed)) or [()] * 6
    placed_df = pd.DataFrame({"_k": np.array(columns[0], dtype=np.int64), **{
        # a few distinct values repeated millions of times: 1-2 byte codes
        col: pd.Categorical(values) for col, values in zip(CATEGORICAL, columns[1:])}})
    placed_df["_code"] = _sort_key(placed_df["province_code"].array, int)
    placed_df["_basis"] = _sort_key(placed_df["basis"].array, BASIS_RANK.get)
    unplaced_df = pd.DataFrame(unplaced, columns=["_k", "fragment", "reason"])
    return placed_df, unplaced_df


def _sort_key(values: pd.Categorical, rank) -> np.ndarray:
    """Per row, ``rank`` of its category, as int8 (two-digit codes, three bases)."""
    return np.array([rank(c) for c in values.categories], dtype=np.int8)[values.codes]


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector, restoring its state after.

    Resolving thousands of texts allocates hundreds of thousands of small objects (tuples,
    results, cache entries) and no reference cycles, and the expansion then makes arrays of
    millions of Python strings; each young-generation collection the small objects trigger
    would walk those arrays again (8% of :func:`resolve_records` at 10^6 rows). Reference
    counting still frees everything as usual; the objects made are scanned once, at the
    first collection after the call.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _placed_rows(k: int, text: str, matches: tuple, frame: str, spread: bool) -> list[tuple]:
    """One text's province rows: named rows, then nationwide rows of provinces not named."""
    seen: set[tuple[str, str]] = set()
    codes: set[str] = set()  # the provinces of ``seen``
    rows = []
    for basis, wanted in (("named", True), ("nationwide", False)):
        for m in matches:
            if (m.method != "nationwide") is not wanted:
                continue
            district = layer_district(m.district_code) or ""
            for code in to_frame(m.code, frame, spread):
                here = district if district[:2] == m.code else ""
                if (code, here) not in seen and (wanted or code not in codes):
                    seen.add((code, here))
                    codes.add(code)
                    rows.append((k, code, here, basis, m.method, m.fragment or text))
    return rows


def _site_fragment(lon: pd.Series, lat: pd.Series) -> pd.Series:
    return "lon " + lon.map("{:g}".format).astype(str) + ", lat " + lat.map("{:g}".format).astype(str)


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
        province_code=pd.Series(dtype="string"), district_code=pd.Series(dtype="string"),
        site_status=pd.Series(dtype="string"))
    sites = base[has].reset_index(drop=True).join(pts)
    sites = sites.merge(located[["lon", "lat", "province_code", "district_code", "site_status"]],
                        on=["lon", "lat"], how="left", sort=False)
    sites["fragment"] = _site_fragment(sites["lon"], sites["lat"])
    status = sites["site_status"].astype(object)
    inside = (status == "inside").to_numpy(dtype=bool)
    served = sites[inside].assign(basis="site", method="site",
                                  province_code=lambda d: d["province_code"].astype(str),
                                  district_code=lambda d: d["district_code"].astype(object).fillna(""),
                                  _code=lambda d: d["province_code"].astype(int),
                                  _basis=BASIS_RANK["site"])
    bad = sites[~inside & status.isin(list(SITE_REASONS)).to_numpy(dtype=bool)]
    unresolved = bad.assign(reason=bad["site_status"].astype(object).map(SITE_REASONS))[
        ["_order", "record_id", "fragment", "reason"]]
    return served, unresolved, has


#: The dtype pandas infers for an object array of text (the default string dtype).
_TEXT = pd.Series(["a"]).dtype


def _values(column: pd.Series):
    """The column's values for a new frame, as pandas infers them from ``to_numpy()``;
    text already in the default string dtype is passed on without scanning it again
    (pandas infers that dtype when the column holds any text, object when it holds none:
    a first value that is text settles it without counting the rest)."""
    if column.dtype == _TEXT and len(column) and (isinstance(column.array[0], str)
                                                 or column.count()):
        return column.array
    return column.to_numpy()


def _rows(codes: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(record position, table row) of a one-to-many join of records to a table keyed by
    ``_k`` (sorted), in record order then table order (vectorised: one pass over ``codes``,
    then work on the records that have rows; the table rows as one running sum).

    Examples
    --------
    >>> rec, row = _rows(np.array([1, 0, -1, 1]), np.array([0, 1, 1]))
    >>> rec.tolist(), row.tolist()
    ([0, 0, 1, 3, 3], [1, 2, 0, 1, 2])
    """
    counts = np.bincount(keys, minlength=codes.max(initial=-1) + 1)
    counts = np.append(counts, 0)  # code -1: missing area text
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    per_record = counts[codes]
    has = np.flatnonzero(per_record)  # int64 (intp): takes use it as is
    per_record, first = per_record[has], starts[codes[has]]
    rec = np.repeat(has, per_record)
    if not len(rec):
        return rec, rec.copy()
    # row = first[j], first[j] + 1, ... per record j: steps of 1, and at each record's first
    # row the jump from where the previous record's rows ended
    row = np.ones(len(rec), dtype=np.int64)
    ends = first + per_record - 1
    row[np.cumsum(per_record) - per_record] = first - np.concatenate([[0], ends[:-1]])
    np.cumsum(row, out=row)
    return rec, row


def _expand(base: pd.DataFrame, codes: np.ndarray, table: pd.DataFrame) -> pd.DataFrame:
    """Join ``table`` (rows keyed by ``_k``, sorted) to the records whose area has code ``_k``.

    A vectorised one-to-many join that keeps record order and the order of ``table``.
    """
    rec, row = _rows(codes, table["_k"].to_numpy(dtype=np.int64))
    out = base.iloc[rec].reset_index(drop=True)
    for col in table.columns.drop("_k"):
        out[col] = table[col].array.take(row)  # keeps categorical columns categorical
    return out


def _drop_unused(values: pd.Categorical) -> pd.Categorical:
    """``remove_unused_categories`` by counting codes instead of sorting them."""
    codes = np.asarray(values.codes, dtype=np.int64)
    used = np.bincount(codes[codes >= 0], minlength=len(values.categories)) > 0
    if used.all():
        return values
    remap = np.append(np.cumsum(used) - 1, -1)  # code -1 (missing) stays -1
    return pd.Categorical.from_codes(remap[codes], categories=values.categories[used])


def _assemble(base: pd.DataFrame, text: pd.DataFrame, sites: pd.DataFrame | None,
              names: pd.Series) -> pd.DataFrame:
    """The served table, built once: text rows (``_order`` + placed columns) and site rows
    merged in record order, then province code, then basis."""
    if sites is None:  # text rows are built in record, province, basis order
        order, pick = None, text["_order"].to_numpy()
    else:
        rec = np.concatenate([text["_order"].to_numpy(np.int64), sites["_order"].to_numpy(np.int64)])
        key = rec * 128 + np.concatenate([p["_code"].to_numpy(np.int64) * 4
                                          + p["_basis"].to_numpy(np.int64) for p in (text, sites)])
        order = np.argsort(key, kind="stable")
        pick = rec[order]
    # column by column, in their final order: one take per column, no frame-wide copies
    cols = {c: base[c].array.take(pick)
            for c in ("record_id", "group_id", "service_id", "institution")}
    for col in CATEGORICAL:
        ours = text[col].array
        values = ours if sites is None else union_categoricals(
            [ours, pd.Categorical(sites[col].astype(ours.categories.dtype))],
            sort_categories=True)
        values = values if sites is None else _drop_unused(values)  # rows of conflicts are gone
        cols[col] = values if order is None else values.take(order)
    cols["province"] = pd.Series(cols["province_code"]).map(names).array
    return pd.DataFrame({c: cols[c] for c in SERVED_COLUMNS}, copy=False)


def _in_order(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Stable sort by integer key columns; no copy when already in order."""
    key = np.zeros(len(df), dtype=np.int64)
    for k, scale in zip(keys, (128, 4, 1)[-len(keys):] if len(keys) > 1 else (1,)):
        key += df[k].to_numpy(dtype=np.int64) * scale
    if (np.diff(key) < 0).any():
        df = df.iloc[np.argsort(key, kind="stable")]
    return df.reset_index(drop=True)


def _labels_per_record(rows: pd.DataFrame) -> pd.Series:
    """Per ``_order``: its distinct province labels in order of appearance, comma-joined."""
    pairs = pd.DataFrame({"_order": rows["_order"].to_numpy(),
                          "code": rows["province_code"].astype(str).to_numpy()}).drop_duplicates()
    pairs = pairs.sort_values("_order", kind="stable")
    labels = pairs["code"].map({c: province_label(c) for c in pairs["code"].unique()}).tolist()
    order = pairs["_order"].to_numpy()
    starts = np.flatnonzero(np.r_[True, order[1:] != order[:-1]]) if len(order) else np.array([], int)
    ends = np.r_[starts[1:], len(order)]
    return pd.Series([", ".join(labels[a:b]) for a, b in zip(starts, ends)],
                     index=pd.Index(order[starts], name="_order"), dtype=object)


def _text_against_site(text: pd.DataFrame, sites: pd.DataFrame,
                       frame: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop the text's provinces of records whose site lies elsewhere; report each conflict.

    A record whose place text names provinces (not only a nationwide claim) and whose site
    lies in none of them is served where the site is: the coordinates are the more precise
    claim. The conflict is reported as an unresolved row naming both.
    """
    first_site = sites.drop_duplicates("_order")
    site_code = first_site.set_index("_order")["province_code"].astype(str)
    order = text["_order"].to_numpy(np.int64)
    n = int(max(order.max(initial=-1), first_site["_order"].max() if len(first_site) else -1)) + 1
    site_of = np.full(n, -1, dtype=np.int64)  # per record: its site's province (int code)
    site_of[first_site["_order"].to_numpy(np.int64)] = first_site["_code"].to_numpy(np.int64)
    named = (text["basis"] == "named").to_numpy(dtype=bool) & (site_of[order] >= 0)
    if not named.any():
        return text, pd.DataFrame(columns=["_order", "record_id", "fragment", "reason"])
    agrees = np.zeros(n, dtype=bool)
    agrees[order[named & (text["_code"].to_numpy(np.int64) == site_of[order])]] = True
    drop = named & ~agrees[order]  # named rows of records none of whose provinces has the site
    rows = text[drop]
    said = _labels_per_record(rows)
    lies = site_code.reindex(said.index).map(province_label)
    first = rows.drop_duplicates("_order").set_index("_order")
    ids = first_site.set_index("_order")["record_id"]
    conflicts = pd.DataFrame({
        "_order": said.index, "record_id": ids.reindex(said.index).to_numpy(),
        "fragment": first.loc[said.index, "fragment"].astype(str).to_numpy(),
        "reason": [f"conflict: the text names {a} but the site lies in {b}; served where "
                   "the site is" for a, b in zip(said, lies)]})
    log.info("%d records: place text and site disagree (served where the site is)", len(said))
    return text[~drop], conflicts


def resolve_records(records: RecordsSheet | pd.DataFrame, frame: str | None = None, *,
                    spread: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Resolve each record's places to provinces of ``frame``.

    Each distinct ``area_text`` is resolved once with
    :func:`coverage.places.resolve_place` and joined back to the records (vectorised:
    fine for millions of rows). Records with ``lon``/``lat`` are located with
    :func:`coverage.boundaries.locate_sites`.

    Decisions
    ---------
    * ``basis``: ``named`` for provinces the text names, ``nationwide`` for provinces
      reached only through a nationwide claim (named *and* nationwide -> one ``named``
      row), ``site`` for a located site. A province reached by both text and site keeps
      both rows.
    * Codes are crosswalked with :func:`coverage.places.to_frame`; two fragments that
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
    records : RecordsSheet or pandas.DataFrame
        From :func:`read_records` or :func:`load_forum_records`, or a records table.
    frame : {"2010", "2013"}, optional
        Province frame of the output; default :func:`coverage.settings.default_frame`
        of the source (2010 for the forum's records, 2013 otherwise).
    spread : bool
        Passed to :func:`coverage.places.to_frame`: on the 2013 frame, read Kampong Cham
        as the 2010 province (it then also covers Tbong Khmum).

    Returns
    -------
    served, unresolved : pandas.DataFrame
        The served and unresolved tables of docs/architecture.md. Every ``record_id``
        appears in at least one of them.

    Examples
    --------
    >>> from coverage.records import load_forum_records
    >>> served, unresolved = resolve_records(load_forum_records())
    >>> sorted(served["basis"].unique())
    ['named', 'nationwide']
    >>> served["province_code"].nunique()
    24
    """
    with _collector_paused():
        return _resolve(records, frame, spread)


def _resolve(records: RecordsSheet | pd.DataFrame, frame: str | None,
             spread: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    if isinstance(records, RecordsSheet):
        frame = check_frame(frame or default_frame(records.source))
        records = records.records
    else:
        frame = check_frame(frame or default_frame(""))
    missing = [c for c in ("record_id", "group_id", "service_id", "institution", "area_text")
               if c not in records.columns]
    if missing:
        raise RecordsError(f"not a records table: no column(s) {', '.join(missing)}",
                           column=missing[0])
    n = len(records)
    base = pd.DataFrame({
        "_order": np.arange(n),
        "record_id": _values(records["record_id"].astype(str)),
        "group_id": records["group_id"].to_numpy(),
        "service_id": pd.array(records["service_id"], dtype="Int64"),
        "institution": _values(records["institution"]),
    }, copy=False)
    codes, texts = pd.factorize(records["area_text"].to_numpy(), sort=False,
                                size_hint=min(n, DISTINCT_HINT))
    texts = pd.Index([t if isinstance(t, str) else "" for t in texts])
    placed, unplaced = _area_table(texts, frame, spread)
    rec, row = _rows(codes, placed["_k"].to_numpy(dtype=np.int64))
    with_sites = "lon" in records.columns and "lat" in records.columns
    keys = ("_code", "_basis") if with_sites else ()  # sort keys, for merging in site rows
    text = pd.DataFrame({"_order": rec, **{c: placed[c].array.take(row)
                                           for c in (*CATEGORICAL, *keys)}}, copy=False)
    unresolved = _expand(base[["_order", "record_id"]], codes, unplaced)
    blank = np.append(texts.str.strip() == "", True)  # code -1 (missing) is blank too
    has_area = ~blank[codes]
    has_site = np.zeros(n, dtype=bool)
    site_served, parts_unresolved = None, [unresolved]
    if with_sites:
        lon = pd.to_numeric(records["lon"], errors="coerce").astype(float)
        lat = pd.to_numeric(records["lat"], errors="coerce").astype(float)
        site_served, site_unresolved, has_site = _site_table(base, lon, lat, frame)
        text, conflicts = _text_against_site(text, site_served, frame)
        parts_unresolved += [site_unresolved, conflicts]
    nothing = base.loc[~has_area & ~has_site, ["_order", "record_id"]]
    parts_unresolved.append(nothing.assign(fragment="", reason=NO_PLACE))

    served = _assemble(base, text, site_served, provinces(frame).set_index("code")["name"])
    unresolved = _in_order(pd.concat(parts_unresolved, ignore_index=True), ["_order"])
    unresolved = unresolved[list(UNRESOLVED_COLUMNS)].astype(str)
    log.info("resolve_records (frame %s): %d records, %d served rows, %d unresolved rows",
             frame, n, len(served), len(unresolved))
    return served, unresolved
