"""The inputs of scoring, checked: provinces, population, need, and the served table."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from coverage.boundaries.population import load_population
from coverage.errors import NeedError, RecordsError
from coverage.places import normalise_code, province_code, province_label, provinces as frame_provinces
from coverage.records.schema import BASES, LOCAL_BASES
from coverage.scores.tables import SCORED_COLUMNS
from coverage.taxonomy import GROUPS, services_table


@dataclass(frozen=True, eq=False)
class ScoreInputs:
    """What the scores were computed from, checked (kept to rescore in planning).

    Attributes
    ----------
    served : pandas.DataFrame
        The served table with integer codes (see :func:`check_served`).
    provinces : pandas.DataFrame
        ``code`` and ``name`` of every province scored.
    indicator : pandas.Series
        The need indicator per province code, as given (not normalised).
    population : pandas.Series
        Population per province code (may be missing for a user layer with a need table).
    institutions : numpy.ndarray
        The distinct institution names, sorted (the served table holds their codes).
    need : str
        How the need indicator is named (:func:`need_label`).
    migrants : pandas.Series or None
        International migrants aged over 18 (2008 census) per province code, when the
        bundled figures cover every province scored: for the density per 1,000 migrants
        and the migrants scenarios of the rank ranges.
    """

    served: pd.DataFrame
    provinces: pd.DataFrame
    indicator: pd.Series
    population: pd.Series
    institutions: np.ndarray
    need: str
    migrants: pd.Series | None = None


def _code(value: object) -> str:
    """A province code as the two digits, or the cell as written when it is no code."""
    return normalise_code(value) or str(value).strip()


def check_provinces(provinces: pd.DataFrame) -> pd.DataFrame:
    if "code" not in provinces.columns:
        raise ValueError("the province table needs a 'code' column (NIS two-digit codes)")
    out = pd.DataFrame({"code": provinces["code"].map(_code)})
    out["name"] = provinces["name"].astype(str).to_numpy() if "name" in provinces.columns \
        else out["code"]
    dup = out["code"][out["code"].duplicated()].tolist()
    if dup:
        raise ValueError(f"the province table repeats code(s) {sorted(set(dup))}")
    return out.sort_values("code", kind="mergesort").reset_index(drop=True)


def province_table(frame: str, provinces) -> pd.DataFrame:
    """``code`` and ``name`` of the provinces scored: the frame's, or those of a user layer."""
    table = frame_provinces(frame)[["code", "name"]]
    if provinces is None:
        return table
    user = check_provinces(provinces)
    names = dict(zip(table["code"], table["name"]))
    unknown = sorted(set(user["code"]) - set(names))
    if unknown:
        raise ValueError(f"the boundary layer has code(s) {unknown} that are not provinces "
                         f"of the {frame} frame")
    user["name"] = user["code"].map(names)
    return user


def census(frame: str, table: pd.DataFrame) -> pd.Series:
    """The 2008 census population of the provinces in ``table``."""

    pop = load_population(frame)
    return pop.set_index(pop["province_code"].map(_code))["population"].reindex(table["code"])


def read_need(path: str | os.PathLike, codes: Iterable[str]) -> pd.Series:
    """Read a need table (CSV) and check it row by row.

    Columns: ``province_code`` (or ``province``, a name the gazetteer knows) and ``need``
    (or the one other column). Every province in ``codes`` needs one value of 0 or more.

    Raises
    ------
    NeedError
        Naming the file, row and column of the first problem.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "need.csv"
    >>> _ = p.write_text("province,need\\nKep,3\\nPailin,1\\n")
    >>> read_need(p, ["23", "24"]).tolist()
    [3.0, 1.0]
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise NeedError("no such file", file=path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as err:
        raise NeedError(f"cannot read the need table as CSV ({err})", file=path) from err
    table.columns = [str(c).strip() for c in table.columns]
    key = next((c for c in ("province_code", "province") if c in table.columns), None)
    if key is None:
        raise NeedError("the need table needs a 'province_code' or 'province' column; "
                           f"found {list(table.columns)}", file=path, row=1)
    others = [c for c in table.columns if c not in ("province_code", "province")]
    value_col = "need" if "need" in others else (others[0] if len(others) == 1 else None)
    if value_col is None:
        raise NeedError(f"the need table needs a 'need' column; found {list(table.columns)}",
                           file=path, row=1)
    valid = list(codes)
    values: dict[str, float] = {}
    for i, (place, text) in enumerate(zip(table[key], table[value_col]), start=2):
        code = _code(place) if key == "province_code" else province_code(place)
        if code not in valid:
            raise NeedError(f"{place!r} is not one of the provinces scored",
                               file=path, row=i, column=key)
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if not 0 <= number < float("inf"):
            raise NeedError(f"expected a finite number of 0 or more, got {text!r}",
                               file=path, row=i, column=value_col)
        if code in values:
            raise NeedError(f"province {province_label(code)} is listed twice", file=path, row=i,
                            column=key)
        values[code] = number
    missing = [c for c in valid if c not in values]
    if missing:
        raise NeedError(f"no need value for {', '.join(map(province_label, missing))}",
                           file=path, column=key)
    if not any(values.values()):
        raise NeedError("the need is 0 in every province, so no province needs anything: "
                        "check the column", file=path, column=value_col)
    return pd.Series(values, dtype="float64").reindex(valid)


def indicator(value, codes: list[str], what: str, allow_missing: bool = False) -> pd.Series:
    """A need/population indicator as a float Series indexed by the given codes."""
    if isinstance(value, (str, os.PathLike)):
        value = read_need(value, codes)
    if isinstance(value, pd.DataFrame):
        if "province_code" not in value.columns:
            raise ValueError(f"the {what} table needs a 'province_code' column")
        num = [c for c in value.columns if c != "province_code"
               and pd.api.types.is_numeric_dtype(value[c])]
        if len(num) != 1:
            raise ValueError(f"the {what} table needs exactly one numeric column besides "
                             f"'province_code'; found {num}")
        series = pd.Series(value[num[0]].to_numpy(), index=value["province_code"])
    elif isinstance(value, pd.Series):
        series = value
    elif isinstance(value, Mapping):
        series = pd.Series(dict(value))
    else:
        raise TypeError(f"{what} must be a Series, mapping, DataFrame or CSV path")
    series = pd.Series(pd.to_numeric(series.to_numpy(), errors="coerce"),
                       index=[_code(c) for c in series.index], dtype="float64")
    if series.index.duplicated().any():
        raise ValueError(f"{what} repeats "
                         f"{_labels(sorted(set(series.index[series.index.duplicated()])))}")
    extra = sorted(set(series.index) - set(codes))
    if extra:
        raise ValueError(f"{what} has code(s) {extra} that are not among the provinces scored")
    series = series.reindex(codes)
    bad = series[~np.isfinite(series) | (series < 0)] if not allow_missing else \
        series[series.notna() & (~np.isfinite(series) | (series < 0))]
    if len(bad):
        raise ValueError(f"{what} is missing, negative or not a number for "
                         f"{_labels(bad.index)}")
    return series


def need_label(need) -> str:
    """How a need indicator is named in captions and reports: a file name, never a path."""
    if isinstance(need, (str, os.PathLike)):
        return f"custom: {os.path.basename(os.fspath(need))}"
    name = getattr(need, "name", None)
    if isinstance(need, pd.DataFrame):
        cols = [c for c in need.columns if c != "province_code"]
        name = cols[0] if len(cols) == 1 else None
    return f"custom: {name}" if name else "custom"


def _factorize(values: pd.Series, clean, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 = missing) and sorted uniques; ``clean`` maps a Series of distinct values."""
    raw_codes, raw_uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = clean(pd.Series(np.asarray(raw_uniques, dtype=object), dtype=object))
    cleaned = cleaned.where(cleaned.notna() & (cleaned != ""), None)
    codes, uniques = pd.factorize(cleaned, sort=sort, use_na_sentinel=True)
    remap = np.append(codes, -1).astype(np.int64)
    return remap[raw_codes], np.asarray(uniques, dtype=object)


def _runs(*columns: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Rows starting a run of equal values in every column, and each row's run number.

    A served table repeats a record's id and institution on consecutive rows (one row per
    province), so factorising the run heads and indexing back gives the codes of
    factorising every row, in a fraction of the time.

    Examples
    --------
    >>> heads, run = _runs(pd.Series(["a", "a", "b", "a"]), pd.Series(["x", "x", "x", "x"]))
    >>> heads.tolist(), run.tolist()
    ([0, 2, 3], [0, 0, 1, 2])
    """
    starts = np.zeros(len(columns[0]), dtype=bool)
    starts[:1] = True
    for col in columns:
        values = col.to_numpy(dtype=object, na_value=None)
        starts[1:] |= np.asarray(values[1:] != values[:-1], dtype=bool)
    return np.flatnonzero(starts), np.cumsum(starts) - 1


def check_served(served: pd.DataFrame, codes: set[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Validate the served table and add integer codes for the vectorised core."""
    missing = [c for c in SCORED_COLUMNS if c not in served.columns]
    if missing:
        raise RecordsError(f"the served table lacks column(s) {missing}", file="served table",
                           column=missing[0])
    df = served

    def fail(mask, column, why):
        bad = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(bad):
            row = int(bad[0])
            raise RecordsError(f"{why} (value {df[column].iloc[row]!r}; {len(bad)} row(s) "
                               f"like this)", file="served table", row=df.index[row],
                               column=column)

    def text(u: pd.Series) -> pd.Series:
        return u.astype(str).str.strip()

    b_codes, b_uniques = _factorize(df["basis"], lambda u: text(u).str.lower())
    fail(~np.append(np.isin(b_uniques, BASES), False)[b_codes], "basis",
         f"expected one of {list(BASES)}")
    local = np.append(np.isin(b_uniques, LOCAL_BASES), False)[b_codes]
    basis = pd.Categorical.from_codes(b_codes, categories=list(b_uniques))
    gid = pd.to_numeric(df["group_id"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    fail(~np.isin(gid, [g.id for g in GROUPS]), "group_id", "expected a group id 1-6")
    s_arr = pd.to_numeric(df["service_id"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    fail(df["service_id"].notna().to_numpy() & np.isnan(s_arr), "service_id",
         "expected a service number")
    svc = services_table()
    gs = np.full((len(GROUPS) + 1, int(svc["service_id"].max()) + 1), np.nan)
    gs[svc["group_id"], svc["service_id"]] = np.arange(len(svc))
    g_int = gid.astype(int)
    given = ~np.isnan(s_arr)
    ok = given & (s_arr == np.round(s_arr)) & (s_arr >= 1) & (s_arr < gs.shape[1])
    sidx = np.full(len(df), np.nan)
    sidx[ok] = gs[g_int[ok], s_arr[ok].astype(int)]
    fail(given & np.isnan(sidx), "service_id",
         "no such service type in the taxonomy for this group")
    heads, run = _runs(df["record_id"], df["institution"])
    inst_codes, inst_uniques = _factorize(df["institution"].iloc[heads], text, sort=True)
    inst_codes = inst_codes[run]
    fail(inst_codes < 0, "institution", "institution is empty")
    rec_codes, rec_uniques = pd.factorize(df["record_id"].iloc[heads], use_na_sentinel=True)
    rec_codes = rec_codes[run]
    empty = np.flatnonzero(np.asarray(rec_uniques, dtype=object) == "")
    rec_codes = np.where(np.isin(rec_codes, empty), -1, rec_codes)  # ids are compared as given
    fail(rec_codes < 0, "record_id", "record_id is empty")
    pc_codes, pc_uniques = _factorize(df["province_code"], lambda u: u.map(_code))
    pc_uniques = [str(u) for u in pc_uniques]
    pc = pd.Categorical.from_codes(pc_codes, categories=pc_uniques) if pc_uniques else \
        pd.Categorical([None] * len(df))
    order = sorted(codes)
    pos = np.array([order.index(c) if c in codes else -1 for c in pc_uniques] + [-1],
                   dtype=np.int64)
    pidx = np.where(local, pos[pc_codes], -1)
    fail(local & (pidx < 0), "province_code",
         "a named or site row must carry a province code of the frame scored")
    # new arrays, one dtype each: nothing to copy or stack into blocks
    out = pd.DataFrame({
        "record_id": df["record_id"], "group_id": g_int.astype(np.int8),
        "service_id": df["service_id"],
        "institution": pd.Categorical.from_codes(inst_codes, categories=list(inst_uniques)),
        "province_code": pc,
        "basis": basis, "_sidx": sidx, "_inst": inst_codes.astype(np.int32),
        "_rec": rec_codes.astype(np.int64), "_pidx": pidx.astype(np.int16), "_local": local},
        copy=False)
    return out, inst_uniques




def _labels(codes) -> str:
    """Provinces as every message names them, "Kandal (08)"; an unknown code as given."""
    def label(code: object) -> str:
        try:
            return province_label(str(code))
        except (KeyError, ValueError):
            return repr(code)
    return ", ".join(label(c) for c in codes)


def score_inputs(served: pd.DataFrame, provinces: pd.DataFrame, *, population=None,
                 need=None) -> ScoreInputs:
    """Check everything scoring needs and return it typed (see :func:`coverage.scores.score`)."""
    prov = check_provinces(provinces)
    codes = prov["code"].tolist()
    pop = indicator(population, codes, "population", allow_missing=True) \
        if population is not None else pd.Series(pd.NA, index=codes, dtype="Float64")
    if need is None:
        if pop.isna().any():
            raise ValueError(f"no population for {_labels(pop.index[pop.isna()])}; "
                             "pass `need`")
        ind, label = pop.astype(float), "population"
    else:
        ind, label = indicator(need, codes, "need"), need_label(need)
    if not (ind.max() > 0):
        raise ValueError("the need indicator is 0 in every province; it cannot be normalised")
    clean, institutions = check_served(served, set(codes))
    return ScoreInputs(clean, prov, ind, pop, institutions, label)


def check_layer_covers(served, gdf, records, file: object) -> None:
    """Raise :class:`RecordsError` when records are placed in provinces the layer lacks.

    Parameters
    ----------
    served : pandas.DataFrame
        The served table (``record_id``, ``province_code``, ``basis``).
    gdf : geopandas.GeoDataFrame
        The user's layer, matched (has ``code``).
    records : RecordsSheet
        The records read; its ``source`` and ``rows`` name the file and sheet rows.
    file : str or path
        The layer's file, named in the message.
    """
    local = served["basis"].astype(str).isin(LOCAL_BASES)
    codes = set(gdf["code"].astype(str))
    lost = served[local & ~served["province_code"].astype(str).isin(codes)]
    if lost.empty:
        return
    ids = records.records["record_id"].astype(str)
    sheet_rows = (records.rows if records.rows is not None
                  else pd.Series([None] * len(ids), dtype="Int64"))
    row_of = dict(zip(ids, sheet_rows))
    lost_ids = list(dict.fromkeys(lost["record_id"].astype(str)))
    rows = [row_of.get(i) for i in lost_ids]
    shown = ", ".join(f"row {r}" if r is not None and not pd.isna(r) else f"record {i}"
                      for i, r in list(zip(lost_ids, rows))[:10])
    missing = ", ".join(province_label(c) for c in sorted(set(lost["province_code"].astype(str))
                                                          - codes))
    first = rows[0] if rows[0] is not None and not pd.isna(rows[0]) else None
    raise RecordsError(f"{len(lost_ids)} records are placed in provinces the boundary layer "
                       f"{file} has no polygon for {missing}: {shown}"
                       f"{', ...' if len(lost_ids) > 10 else ''}; use a layer with every "
                       "province, or leave out --boundaries", file=records.name,
                       row=None if first is None else int(first))
