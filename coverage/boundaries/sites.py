"""Province and district of each site from its coordinates; sites in the Tonle Sap.

Examples
--------
>>> import pandas as pd
>>> sites = pd.DataFrame({"lon": [104.916, 104.07, 103.0], "lat": [11.5625, 12.89, 10.0]})
>>> locate_sites(sites)["site_status"].tolist()
['inside', 'water', 'outside']
"""
from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage.boundaries.layers import load_districts, load_provinces, load_water
from coverage.errors import RecordsError
from coverage.settings import CURRENT_FRAME, check_frame

log = logging.getLogger(__name__)

__all__ = ["SITE_STATUSES", "locate_sites"]

SITE_STATUSES = ("inside", "water", "outside", "missing", "invalid")
OUTPUT_COLUMNS = ("province_code", "province", "district_code", "site_status")
_NONE = np.iinfo(np.int64).max


def _coordinates(df: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Float values of ``column`` and a mask of cells that are present but not numbers."""
    if column not in df.columns:
        raise RecordsError(f"no such column; columns are {list(df.columns)}", column=column)
    raw = df[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
        return values, np.zeros(len(raw), dtype=bool)
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    blank = raw.isna().to_numpy() | raw.astype(str).str.strip().eq("").to_numpy()
    return values, np.isnan(values) & ~blank


def _first_hit(points: np.ndarray, polygons: np.ndarray,
               allowed: np.ndarray | None = None) -> np.ndarray:
    """Index of the first polygon containing or touching each point, -1 for none.

    A tree of the points is queried with each polygon (faster than the reverse). Polygons
    must be in priority order: the lowest index wins on a shared border. ``allowed``
    (optional) holds a key per polygon followed by a key per point; a polygon then only
    counts for points with the same key.
    """
    if len(points) == 0 or len(polygons) == 0:
        return np.full(len(points), -1)
    poly_idx, point_idx = shapely.STRtree(points).query(polygons, predicate="intersects")
    if allowed is not None:
        keep = allowed[poly_idx] == allowed[len(polygons):][point_idx]
        poly_idx, point_idx = poly_idx[keep], point_idx[keep]
    first = np.full(len(points), _NONE)
    np.minimum.at(first, point_idx, poly_idx)
    return np.where(first < _NONE, first, -1)


def _first_polygon(x: np.ndarray, y: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """Index of the first polygon containing or touching each point (x, y), -1 for none.

    Same answer as :func:`_first_hit` without building point objects or a tree: each
    polygon, prepared, tests only the points in its bounding box not yet placed by a
    polygon before it (so the lowest index wins on a shared border).
    """
    first = np.full(len(x), -1)
    for i, polygon in enumerate(polygons):
        if polygon is None or shapely.is_empty(polygon):
            continue
        x0, y0, x1, y1 = shapely.bounds(polygon)
        cand = np.flatnonzero((first < 0) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        if len(cand):
            shapely.prepare(polygon)
            first[cand[shapely.intersects_xy(polygon, x[cand], y[cand])]] = i
    return first


def _districts_of(points: np.ndarray, province: np.ndarray, districts: gpd.GeoDataFrame,
                  province_codes: np.ndarray) -> np.ndarray:
    """Index into ``districts`` of each point, among the districts of its own province."""
    own = np.where(province >= 0, province_codes[np.maximum(province, 0)], None)
    keys = np.concatenate([districts["province_code"].to_numpy(dtype=object), own])
    return _first_hit(points, districts.geometry.values, allowed=keys)


def _codes(values: np.ndarray, hit: np.ndarray) -> pd.arrays.StringArray:
    """``values[hit]`` as strings, ``<NA>`` where ``hit`` is -1."""
    if len(values) == 0:
        return pd.array([None] * len(hit), dtype="string")
    return pd.array(np.where(hit >= 0, values[np.maximum(hit, 0)], None), dtype="string")


def locate_sites(df: pd.DataFrame, lon: str = "lon", lat: str = "lat",
                 frame: str = CURRENT_FRAME,
                 provinces: gpd.GeoDataFrame | None = None,
                 districts: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Province and district of each site from its coordinates (WGS84 degrees).

    Vectorised point-in-polygon. A point on a shared border goes to one province only,
    the lowest code; its district is the lowest-coded district *of that province* that
    contains it, so district and province always agree. No row is dropped.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per site.
    lon, lat : str
        Columns with longitude and latitude in degrees.
    frame : {"2010", "2013"}
        Frame of the bundled layers used when ``provinces`` is None.
    provinces : geopandas.GeoDataFrame, optional
        Your own layer, as returned by :func:`load_provinces` (``code``, ``name``, geometry).
    districts : geopandas.GeoDataFrame, optional
        Districts with ``code`` and ``province_code`` (on ``frame``). Default: the bundled
        districts when ``provinces`` is None, else none (``district_code`` stays ``<NA>``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` (same index and row order) with ``province_code``, ``province``,
        ``district_code`` (``<NA>`` unless inside) and ``site_status``: ``inside``,
        ``water`` (in no province but in the Tonle Sap, see :func:`load_water`),
        ``outside`` (valid point in no province and not in the lake), ``missing`` (no
        coordinate) or ``invalid`` (not a number, or \\|lat\\| > 90 or \\|lon\\| > 180).

    Examples
    --------
    >>> import pandas as pd
    >>> sites = pd.DataFrame({"lon": [104.916, 103.0, None], "lat": [11.5625, 10.0, 12.0]})
    >>> out = locate_sites(sites)
    >>> out[["province_code", "district_code", "site_status"]].values.tolist()
    [['12', '12-08', 'inside'], [<NA>, <NA>, 'outside'], [<NA>, <NA>, 'missing']]
    """
    frame = check_frame(frame)
    if provinces is None:
        districts = load_districts(frame) if districts is None else districts
    polys = load_provinces(frame) if provinces is None else provinces
    polys = polys.to_crs(4326).sort_values("code").reset_index(drop=True)
    x, x_bad = _coordinates(df, lon)
    y, y_bad = _coordinates(df, lat)
    missing = (np.isnan(x) | np.isnan(y)) & ~(x_bad | y_bad)
    invalid = x_bad | y_bad | (np.abs(x) > 180) | (np.abs(y) > 90)
    rows = np.flatnonzero(~missing & ~invalid)
    hit = np.full(len(df), -1)
    hit[rows] = _first_polygon(x[rows], y[rows], polys.geometry.values)
    codes = polys["code"].to_numpy(dtype=object)
    district = np.full(len(df), -1)
    if districts is not None:
        districts = districts.to_crs(4326).sort_values("code").reset_index(drop=True)
        district[rows] = _districts_of(shapely.points(x[rows], y[rows]), hit[rows], districts,
                                       codes)
    lake = np.zeros(len(df), dtype=bool)
    off = rows[hit[rows] < 0]  # the lake is no province: only points in none can be in it
    if len(off):
        water = shapely.union_all(load_water().geometry.values)
        shapely.prepare(water)
        lake[off] = shapely.intersects_xy(water, x[off], y[off])
    return _output(df, polys, districts, hit, district, [invalid, missing, hit >= 0, lake])


def _output(df: pd.DataFrame, polys: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None,
            hit: np.ndarray, district: np.ndarray, masks: list[np.ndarray]) -> pd.DataFrame:
    out = df.copy()
    for col in OUTPUT_COLUMNS:
        if col in out.columns:
            log.warning("locate_sites: overwriting existing column %r", col)
    out["province_code"] = _codes(polys["code"].to_numpy(dtype=object), hit)
    out["province"] = _codes(polys["name"].to_numpy(dtype=object), hit)
    district_codes = (np.array([], dtype=object) if districts is None
                      else districts["code"].to_numpy(dtype=object))
    out["district_code"] = _codes(district_codes, district)
    status = np.select(masks, ["invalid", "missing", "inside", "water"], "outside")
    out["site_status"] = pd.array(status, dtype="string")
    counts = pd.Series(status).value_counts().to_dict()
    log.info("locate_sites: %s", ", ".join(f"{k} {counts.get(k, 0)}" for k in SITE_STATUSES))
    return out
