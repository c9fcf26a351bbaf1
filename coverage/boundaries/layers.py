"""The bundled boundary layers: provinces of both frames, districts and the Tonle Sap.

All four layers sit in one GeoPackage, ``khm_boundaries.gpkg`` (EPSG:4326), built by
``shapefiles/build.py`` from the 197 districts of Open Development Cambodia's
*Administrative boundaries of Cambodia (2014)* (CC BY 4.0, via geoBoundaries
KHM-ADM2-14789045). Provinces are dissolved from the districts, so the two agree exactly.

* ``provinces_2010``: 24 provinces (Tbong Khmum's seven districts inside Kampong Cham);
* ``provinces_2013``: 25 provinces;
* ``districts``: 197 districts (2014);
* ``water``: the Tonle Sap lake, which the districts leave out.

See ``shapefiles/README.md`` for sources, licence, method and known limits.

Examples
--------
>>> gdf = load_provinces("2013")
>>> len(gdf), gdf.crs.to_epsg()
(25, 4326)
>>> len(load_districts()), load_water()["name"].tolist()
(197, ['Tonle Sap'])
"""
from __future__ import annotations

import logging
import os
from functools import cache
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd

from coverage.boundaries.user_layers import read_user_provinces
from coverage.errors import BoundaryError
from coverage.places import provinces as gazetteer_provinces
from coverage.settings import CURRENT_FRAME, check_frame

log = logging.getLogger(__name__)

__all__ = ["BOUNDARY_FILE", "PROVINCE_LAYER", "DISTRICT_LAYER", "WATER_LAYER", "COLUMNS",
           "DISTRICT_COLUMNS", "WATER_COLUMNS", "EQUAL_AREA_CRS", "shapefile_dir",
           "boundary_file", "province_table", "area_km2", "load_provinces", "load_districts",
           "load_water"]

BOUNDARY_FILE = "khm_boundaries.gpkg"
PROVINCE_LAYER = {"2010": "provinces_2010", "2013": "provinces_2013"}
DISTRICT_LAYER = "districts"
WATER_LAYER = "water"
EQUAL_AREA_CRS = "EPSG:6933"
COLUMNS = ["code", "name", "name_km", "area_km2", "geometry"]
#: Columns of the district layer as stored (``province_code`` is on the 2013 frame).
STORED_DISTRICT_COLUMNS = ["code", "name", "province_code", "province_code_2010",
                           "census2008_code", "shape_id", "area_km2", "geometry"]
#: Columns :func:`load_districts` returns (``province_code`` on the frame asked for).
DISTRICT_COLUMNS = ["code", "name", "province_code", "province", "census2008_code",
                    "shape_id", "area_km2", "geometry"]
WATER_COLUMNS = ["name", "area_km2", "geometry"]


def shapefile_dir() -> Path:
    """Folder holding the bundled boundary file.

    Inside an installed wheel it is ``coverage/_shapefiles``; in a source checkout the
    top-level ``shapefiles`` folder.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> (shapefile_dir() / BOUNDARY_FILE).is_file()
    True
    """
    packaged = resources.files("coverage") / "_shapefiles"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "shapefiles"


def boundary_file() -> Path:
    """Path of the bundled GeoPackage ``khm_boundaries.gpkg``.

    Examples
    --------
    >>> boundary_file().name
    'khm_boundaries.gpkg'
    """
    return shapefile_dir() / BOUNDARY_FILE


def province_table(frame: str = CURRENT_FRAME) -> pd.DataFrame:
    """The gazetteer's provinces of ``frame`` as ``code, name, name_km``, sorted by code.

    Examples
    --------
    >>> province_table("2010")["code"].tolist()[-2:]
    ['23', '24']
    """
    table = gazetteer_provinces(check_frame(frame))
    return table[["code", "name", "name_km"]].sort_values("code").reset_index(drop=True)


def area_km2(geometry: gpd.GeoSeries) -> pd.Series:
    """Area of each geometry in km², computed in an equal-area CRS (EPSG:6933), 1 decimal.

    Examples
    --------
    >>> gdf = load_provinces("2010")
    >>> 179_000 < float(area_km2(gdf.geometry).sum()) < 179_300
    True
    """
    return (geometry.to_crs(EQUAL_AREA_CRS).area / 1e6).round(1)


@cache
def _read_layer(layer: str) -> gpd.GeoDataFrame:
    """One layer of the bundled GeoPackage (cached; callers get copies)."""
    path = boundary_file()
    if not path.is_file():
        raise BoundaryError("bundled boundary file is missing; rebuild it with "
                            "shapefiles/build.py", file=path)
    gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    log.debug("%s: read layer %s (%d features)", path.name, layer, len(gdf))
    return gdf


def _bundled(layer: str, columns: list[str]) -> gpd.GeoDataFrame:
    gdf = _read_layer(layer)
    missing = sorted(set(columns) - set(gdf.columns))
    if missing:
        raise BoundaryError(f"layer {layer!r} lacks columns {missing}", file=boundary_file())
    return gdf[columns].copy()


def load_provinces(frame: str = CURRENT_FRAME, path: str | os.PathLike | None = None,
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
        ``code, name, name_km, area_km2, geometry``, sorted by code, EPSG:4326. The bundled
        layers leave the Tonle Sap out (see :func:`load_water`).

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
    frame = check_frame(frame)
    if path is None:
        return _bundled(PROVINCE_LAYER[frame], COLUMNS).sort_values("code").reset_index(drop=True)
    gdf = read_user_provinces(path, frame, column)
    gdf = gdf.merge(province_table(frame), on="code", how="left", validate="one_to_one")
    gdf["area_km2"] = area_km2(gdf.geometry)
    return gpd.GeoDataFrame(gdf[COLUMNS], crs=4326).sort_values("code").reset_index(drop=True)


def load_districts(frame: str = CURRENT_FRAME) -> gpd.GeoDataFrame:
    """The 197 districts (2014), with their province on ``frame``.

    Parameters
    ----------
    frame : {"2010", "2013"}
        Frame of ``province_code`` and ``province``: on ``"2010"`` Tbong Khmum's seven
        districts belong to Kampong Cham (03).

    Returns
    -------
    geopandas.GeoDataFrame
        ``code`` (our district id: 2013 province code, a hyphen and the district's rank by
        name within that province, e.g. ``"22-01"``; not an NIS code), ``name``
        (geoBoundaries spelling), ``province_code``, ``province``, ``census2008_code``
        (NIS 2008 district code where the name matched in the same province, else
        ``""``), ``shape_id`` (geoBoundaries shapeID), ``area_km2``, ``geometry``;
        sorted by code, EPSG:4326.

    Examples
    --------
    >>> d = load_districts("2010")
    >>> d.loc[d["name"] == "Memot", ["code", "province_code", "province"]].values.tolist()
    [['25-03', '03', 'Kampong Cham']]
    >>> load_districts("2013").loc[d["name"] == "Memot", "province_code"].item()
    '25'
    """
    frame = check_frame(frame)
    gdf = _bundled(DISTRICT_LAYER, STORED_DISTRICT_COLUMNS)
    if frame == "2010":
        gdf["province_code"] = gdf["province_code_2010"]
    names = dict(zip(province_table(frame)["code"], province_table(frame)["name"]))
    gdf["province"] = gdf["province_code"].map(names)
    gdf["census2008_code"] = gdf["census2008_code"].fillna("")
    return gdf[DISTRICT_COLUMNS].sort_values("code").reset_index(drop=True)


def load_water() -> gpd.GeoDataFrame:
    """Inland water the districts leave out: the Tonle Sap lake.

    Derived in ``shapefiles/build.py`` from the same district layer: the interior ring of
    the union of the 197 districts that contains 104.07 E, 12.89 N, minus the district
    parts (islands) inside it; simplified together with the districts, so its shore is
    exactly the districts' edge.

    Returns
    -------
    geopandas.GeoDataFrame
        ``name, area_km2, geometry``, EPSG:4326, one row.

    Examples
    --------
    >>> lake = load_water()
    >>> 2_500 < lake["area_km2"].item() < 2_600
    True
    """
    return _bundled(WATER_LAYER, WATER_COLUMNS).reset_index(drop=True)
