"""Province polygons, 2008 census population and point-in-province lookup.

Two bundled layers, both EPSG:4326, one row per province, sorted by NIS code:

* frame ``"2010"``: 24 provinces (Kampong Cham still includes Tbong Khmum), Natural Earth
  1:10m admin-1 v5.1, public domain;
* frame ``"2013"``: 25 provinces, a coarse OpenStreetMap-derived layer (ODbL 1.0,
  © OpenStreetMap contributors), good for small maps and for placing sites.

See ``shapefiles/README.md`` for sources, licences and known limits.

Examples
--------
>>> from coverage.boundaries import load_provinces, load_population, locate_sites
>>> gdf = load_provinces("2013")
>>> len(gdf), gdf.crs.to_epsg()
(25, 4326)
>>> int(load_population("2010")["population"].sum())
13395682
"""
from __future__ import annotations

import logging
import os
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from coverage.places import province_code, provinces as gazetteer_provinces
from coverage.settings import check_frame as _check_frame
from coverage.errors import BoundaryError, RecordsError

log = logging.getLogger(__name__)

PROVINCE_COUNT = {"2010": 24, "2013": 25}
LAYER_STEM = {"2010": "khm_provinces_2010", "2013": "khm_provinces_2013"}
CAMBODIA_AREA_KM2 = 181_035  # official land + water area of Cambodia
AREA_TOLERANCE = 0.01        # bundled layers must sum to within 1% of it
EQUAL_AREA_CRS = "EPSG:6933"
COLUMNS = ["code", "name", "name_km", "area_km2", "geometry"]
SITE_STATUSES = ("inside", "outside", "missing", "invalid")

def shapefile_dir() -> Path:
    """Folder holding the bundled shapefiles.

    Inside an installed wheel they sit in ``coverage/_shapefiles``; in a source checkout in the
    top-level ``shapefiles`` folder.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> (shapefile_dir() / "khm_provinces_2013.shp").is_file()
    True
    """
    packaged = resources.files("coverage") / "_shapefiles"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[1] / "shapefiles"


def province_table(frame: str = "2010") -> pd.DataFrame:
    """The gazetteer's provinces of ``frame`` as ``code, name, name_km``, sorted by code."""
    table = gazetteer_provinces(_check_frame(frame))
    return table[["code", "name", "name_km"]].sort_values("code").reset_index(drop=True)


def area_km2(geometry: gpd.GeoSeries) -> pd.Series:
    """Area of each geometry in km², computed in an equal-area CRS (EPSG:6933), 1 decimal.

    Examples
    --------
    >>> gdf = load_provinces("2010")
    >>> float(area_km2(gdf.geometry).sum()) > 180_000
    True
    """
    return (geometry.to_crs(EQUAL_AREA_CRS).area / 1e6).round(1)


def check_provinces(gdf: gpd.GeoDataFrame, frame: str) -> dict:
    """Check a complete province layer; raise :class:`BoundaryError` on the first failure.

    Checks: EPSG:4326, one valid (Multi)Polygon per province of ``frame`` and nothing else,
    codes and names equal to the gazetteer's, no overlaps (pairwise intersection below
    1 km² in total), total area within 1% of 181,035 km².

    Returns
    -------
    dict
        ``count``, ``total_km2``, ``union_km2``, ``overlap_km2``, ``vertices_min``,
        ``vertices_max``.

    Examples
    --------
    >>> check_provinces(load_provinces("2013"), "2013")["count"]
    25
    """
    frame = _check_frame(frame)
    expected = province_table(frame)
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise BoundaryError(f"CRS is {gdf.crs}, expected EPSG:4326")
    if len(gdf) != PROVINCE_COUNT[frame]:
        raise BoundaryError(f"{len(gdf)} features, expected {PROVINCE_COUNT[frame]}")
    if gdf["code"].duplicated().any():
        raise BoundaryError(f"provinces more than once: {sorted(gdf.loc[gdf['code'].duplicated(), 'code'])}")
    got = gdf[["code", "name", "name_km"]].sort_values("code").reset_index(drop=True)
    if not got.equals(expected):
        raise BoundaryError("codes or names differ from the gazetteer's")
    kinds = set(gdf.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise BoundaryError(f"non-polygon geometry: {sorted(kinds)}")
    bad = gdf.loc[~gdf.is_valid, "code"].tolist()
    if bad:
        raise BoundaryError(f"invalid geometry for codes {bad}")
    projected = gdf.geometry.to_crs(EQUAL_AREA_CRS)
    total = float(projected.area.sum() / 1e6)
    union = float(shapely.union_all(projected.values).area / 1e6)
    overlap = max(total - union, 0.0)
    if overlap > 1.0:
        raise BoundaryError(f"provinces overlap by {overlap:.1f} km²")
    if abs(total / CAMBODIA_AREA_KM2 - 1) > AREA_TOLERANCE:
        raise BoundaryError(f"total area {total:,.0f} km² is not within 1% of {CAMBODIA_AREA_KM2:,} km²")
    vertices = shapely.get_num_coordinates(gdf.geometry.values)
    return {"count": len(gdf), "total_km2": round(total, 1), "union_km2": round(union, 1),
            "overlap_km2": round(overlap, 3), "vertices_min": int(vertices.min()),
            "vertices_max": int(vertices.max())}


def _as_code(value: object, codes: frozenset[str]) -> str | None:
    """NIS code of a cell holding a code (``3``, ``"03"``, ``"KH-3"``) or a province name."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, (int, np.integer)):
        value = str(value)
    code = province_code(value) if isinstance(value, str) else None
    return code if code in codes else None


def _match_column(layer: pd.DataFrame, column: str | None, frame: str, source: str) -> pd.Series:
    """Province code of every feature, from ``column`` or the first column that matches all."""
    candidates = [column] if column is not None else [c for c in layer.columns if c != "geometry"]
    if column is not None and column not in layer.columns:
        raise BoundaryError(f"no such column; columns are {list(layer.columns)}", file=source, column=column)
    valid = frozenset(province_table(frame)["code"])
    best = None
    for name in candidates:
        codes = layer[name].map(lambda v: _as_code(v, valid))
        if codes.notna().all() and not codes.duplicated().any():
            log.info("%s: matched %d features to provinces by column %r", source, len(codes), name)
            return codes
        if best is None or codes.notna().sum() > best[1].notna().sum():
            best = (name, codes)
    if best is None:
        raise BoundaryError("layer has no attribute column to match provinces by", file=source)
    name, codes = best
    unmatched = layer.loc[codes.isna(), name]
    if len(unmatched):
        listed = ", ".join(f"feature {i}: {v!r}" for i, v in unmatched.items())
        raise BoundaryError(f"{len(unmatched)} features match no province of the {frame} frame "
                            f"(Tbong Khmum exists on the 2013 frame only): {listed}",
                            file=source, column=name)
    twice = codes[codes.duplicated(keep=False)]
    listed = ", ".join(f"feature {i}: {layer.at[i, name]!r} -> {c}" for i, c in twice.items())
    raise BoundaryError(f"provinces matched more than once: {listed}", file=source, column=name)


def _repair(geometry: gpd.GeoSeries, labels: pd.Series, source: str) -> gpd.GeoSeries:
    """Repair invalid geometries with ``shapely.make_valid``, warning with the features named."""
    invalid = ~geometry.is_valid
    if invalid.any():
        log.warning("%s: repaired invalid geometry of %s with shapely.make_valid",
                    source, ", ".join(map(str, labels[invalid])))
        fixed = shapely.make_valid(geometry[invalid].values, method="structure", keep_collapsed=False)
        geometry = geometry.copy()
        geometry[invalid] = fixed
    return geometry


def _read_user_layer(path: str | os.PathLike, frame: str, column: str | None) -> gpd.GeoDataFrame:
    source = str(path)
    if not os.path.exists(path):
        raise BoundaryError("no such file", file=source)
    try:
        layer = gpd.read_file(path, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        raise BoundaryError(f"cannot read as a vector layer: {err}", file=source) from err
    if layer.crs is None:
        raise BoundaryError("layer has no CRS (for a shapefile: the .prj is missing); "
                            "set one, e.g. with GeoDataFrame.set_crs", file=source)
    if len(layer) == 0:
        raise BoundaryError("layer has no features", file=source)
    missing = layer.geometry.isna() | layer.geometry.is_empty
    kinds = layer.geometry.geom_type
    bad = missing | ~kinds.isin(["Polygon", "MultiPolygon"])
    if bad.any():
        listed = ", ".join(f"feature {i}: {'empty' if missing[i] else kinds[i]}" for i in layer.index[bad])
        raise BoundaryError(f"only Polygon/MultiPolygon features can be provinces; {listed}", file=source)
    codes = _match_column(layer.drop(columns="geometry"), column, frame, source)
    geometry = _repair(layer.geometry, codes, source).to_crs(4326)
    gdf = gpd.GeoDataFrame({"code": codes.values}, geometry=geometry.values, crs=4326)
    missing_codes = sorted(set(province_table(frame)["code"]) - set(gdf["code"]))
    if missing_codes:
        log.warning("%s: no polygon for provinces %s", source, ", ".join(missing_codes))
    return gdf


def load_provinces(frame: str = "2010", path: str | os.PathLike | None = None,
                   column: str | None = None) -> gpd.GeoDataFrame:
    """Province polygons of ``frame``: the bundled layer, or a polygon layer of your own.

    Parameters
    ----------
    frame : {"2010", "2013"}
        ``"2010"``: 24 provinces; ``"2013"``: 25 (with Tbong Khmum).
    path : str or path-like, optional
        Any polygon layer pyogrio reads (GeoPackage, GeoJSON, shapefile, zipped shapefile).
        Its features are matched to provinces by a code (``3``, ``"03"``, ``"KH-3"``) or name
        column; it may hold a subset of the provinces (a warning lists the missing ones).
    column : str, optional
        Column to match by. By default the first column whose values all match a province
        (once each).

    Returns
    -------
    geopandas.GeoDataFrame
        ``code, name, name_km, area_km2, geometry``, sorted by code, EPSG:4326.

    Raises
    ------
    BoundaryError
        Unmatched features (listed), a province matched twice, no CRS, non-polygon geometry.

    Examples
    --------
    >>> gdf = load_provinces("2010")
    >>> gdf.columns.tolist()
    ['code', 'name', 'name_km', 'area_km2', 'geometry']
    >>> gdf["code"].iloc[0], len(gdf)
    ('01', 24)
    """
    frame = _check_frame(frame)
    if path is None:
        layer = gpd.read_file(shapefile_dir() / f"{LAYER_STEM[frame]}.shp", engine="pyogrio")
        return layer[COLUMNS].sort_values("code").reset_index(drop=True)
    gdf = _read_user_layer(path, frame, column)
    names = province_table(frame)
    gdf = gdf.merge(names, on="code", how="left", validate="one_to_one")
    gdf["area_km2"] = area_km2(gdf.geometry)
    return gpd.GeoDataFrame(gdf[COLUMNS], crs=4326).sort_values("code").reset_index(drop=True)


def load_population(frame: str = "2010") -> pd.DataFrame:
    """2008 census population per province on ``frame``.

    Source: National Institute of Statistics, Ministry of Planning, Cambodia – General
    Population Census of Cambodia 2008 (census date 3 March 2008; tables via Open
    Development Cambodia). On the ``"2013"`` frame, Tbong Khmum is the sum of its seven 2008
    districts and Kampong Cham the remainder (``derived`` is True for those two rows).

    Parameters
    ----------
    frame : {"2010", "2013"}

    Returns
    -------
    pandas.DataFrame
        ``province_code, province, population, derived``, sorted by code.

    Examples
    --------
    >>> pop = load_population("2013")
    >>> pop.loc[pop["province_code"] == "25", "population"].item()
    754000
    """
    frame = _check_frame(frame)
    table = read_population_table()
    rows = table[table["frame"] == frame]
    return rows[["province_code", "province", "population", "derived"]].sort_values(
        "province_code").reset_index(drop=True)


def read_population_table() -> pd.DataFrame:
    """The bundled ``population_2008.csv``, both frames, all columns (with ``male``, ``female``
    and ``source_note``).

    Examples
    --------
    >>> sorted(read_population_table()["frame"].unique())
    ['2010', '2013']
    """
    path = resources.files("coverage") / "data" / "population_2008.csv"
    with resources.as_file(path) as p:
        table = pd.read_csv(p, dtype={"frame": str, "province_code": str, "province": str,
                                      "source_note": str}, encoding="utf-8")
    table["derived"] = table["derived"].astype(bool)
    for col in ("population", "male", "female"):
        table[col] = table[col].astype("int64")
    return table


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


def locate_sites(df: pd.DataFrame, lon: str = "lon", lat: str = "lat", frame: str = "2013",
                 provinces: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Province of each site from its coordinates (WGS84 degrees).

    Vectorised point-in-polygon (a shapely STRtree of the points, queried with each province). A point on a shared border goes to one
    province only, the lowest code. No row is dropped.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per site.
    lon, lat : str
        Columns with longitude and latitude in degrees.
    frame : {"2010", "2013"}
        Frame of the bundled layer used when ``provinces`` is None.
    provinces : geopandas.GeoDataFrame, optional
        Your own layer, as returned by :func:`load_provinces` (``code``, ``name``, geometry).

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` (same index and row order) with ``province_code``, ``province``
        (``<NA>`` unless inside) and ``site_status``: ``inside``, ``outside`` (valid point
        in no province), ``missing`` (no coordinate) or ``invalid`` (not a number, or
        \\|lat\\| > 90 or \\|lon\\| > 180).

    Examples
    --------
    >>> import pandas as pd
    >>> sites = pd.DataFrame({"lon": [104.916, 103.0, None], "lat": [11.5625, 10.0, 12.0]})
    >>> locate_sites(sites)[["province_code", "site_status"]].values.tolist()
    [['12', 'inside'], [<NA>, 'outside'], [<NA>, 'missing']]
    """
    polys = load_provinces(frame) if provinces is None else provinces
    polys = polys.to_crs(4326).sort_values("code").reset_index(drop=True)
    x, x_bad = _coordinates(df, lon)
    y, y_bad = _coordinates(df, lat)
    missing = (np.isnan(x) | np.isnan(y)) & ~(x_bad | y_bad)
    invalid = x_bad | y_bad | (np.abs(x) > 180) | (np.abs(y) > 90)
    usable = ~missing & ~invalid
    rows = np.flatnonzero(usable)
    hit = np.full(len(df), -1)
    if len(rows):
        # tree on the points, queried with each (prepared) polygon: faster than the reverse
        tree = shapely.STRtree(shapely.points(x[rows], y[rows]))
        poly_idx, point_idx = tree.query(polys.geometry.values, predicate="intersects")
        first = np.full(len(rows), np.iinfo(np.int64).max)
        np.minimum.at(first, point_idx, poly_idx)  # polygons are sorted by code: lowest wins
        found = first < np.iinfo(np.int64).max
        hit[rows[found]] = first[found]
    inside = hit >= 0
    out = df.copy()
    for col in ("province_code", "province", "site_status"):
        if col in out.columns:
            log.warning("locate_sites: overwriting existing column %r", col)
    codes = polys["code"].to_numpy(dtype=object)
    names = polys["name"].to_numpy(dtype=object)
    out["province_code"] = pd.array(np.where(inside, codes[hit], None), dtype="string")
    out["province"] = pd.array(np.where(inside, names[hit], None), dtype="string")
    status = np.select([invalid, missing, inside], ["invalid", "missing", "inside"], "outside")
    out["site_status"] = pd.array(status, dtype="string")
    counts = pd.Series(status).value_counts().to_dict()
    log.info("locate_sites: %s", ", ".join(f"{k} {counts.get(k, 0)}" for k in SITE_STATUSES))
    return out
