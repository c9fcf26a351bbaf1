"""Province layers supplied by the user: read, match each feature to a province, repair.

Used by :func:`coverage.boundaries.load_provinces` when a ``path`` is given.

Examples
--------
>>> _as_code("KH-3", frozenset({"03"})), _as_code(3.0, frozenset({"03"}))
('03', '03')
"""
from __future__ import annotations

import logging
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from coverage.places import provinces
from coverage.errors import BoundaryError
from coverage.places import province_code, province_label

log = logging.getLogger(__name__)

__all__ = ["read_user_provinces"]


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
    valid = frozenset(provinces(frame)["code"])
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


def read_user_provinces(path: str | os.PathLike, frame: str, column: str | None = None) -> gpd.GeoDataFrame:
    """Features of a polygon layer as ``code, geometry`` (EPSG:4326), matched to provinces.

    Raises :class:`BoundaryError` naming the file for anything unusable.
    """
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
    check_layer_extent(layer, source)
    codes = _match_column(layer.drop(columns="geometry"), column, frame, source)
    geometry = _repair(layer.geometry, codes, source).to_crs(4326)
    gdf = gpd.GeoDataFrame({"code": codes.values}, geometry=geometry.values, crs=4326)
    missing_codes = sorted(set(provinces(frame)["code"]) - set(gdf["code"]))
    if missing_codes:
        log.warning("%s: no polygon for %s", source,
                    ", ".join(province_label(c) for c in missing_codes))
    return gdf


#: (min lon, min lat, max lon, max lat) of Cambodia in degrees, rounded outwards from the
#: bundled layers (102.33, 10.35, 107.63, 14.69; a test checks it contains both frames).
CAMBODIA_EXTENT = (102.3, 10.3, 107.7, 14.8)


def check_layer_extent(gdf, file: object) -> None:
    """Raise :class:`BoundaryError` unless ``gdf`` overlaps Cambodia in degrees.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A boundary layer with a CRS (reprojected here to EPSG:4326 for the test).
    file : str or path
        The layer's file, named in the message.
    """
    layer = gdf.to_crs(4326) if gdf.crs is not None and gdf.crs.to_epsg() != 4326 else gdf
    x0, y0, x1, y1 = (float(v) for v in layer.total_bounds)
    a0, b0, a1, b1 = CAMBODIA_EXTENT
    if np.isfinite([x0, y0, x1, y1]).all() and x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1:
        log.debug("%s: extent %.2f, %.2f, %.2f, %.2f overlaps Cambodia", file, x0, y0, x1, y1)
        return
    hint = ""
    if b0 < x1 and x0 < b1 and a0 < y1 and y0 < a1:
        hint = "; longitude and latitude look swapped (x holds latitudes)"
    else:
        hint = ("; check the CRS the file declares: coordinates in degrees need EPSG:4326 "
                "(with a CRS in metres they land near lon 100.5, lat 0)")
    raise BoundaryError(f"the layer does not overlap Cambodia: in degrees it spans lon "
                        f"{x0:.4g} to {x1:.4g}, lat {y0:.4g} to {y1:.4g}, but Cambodia lies "
                        f"within lon {a0} to {a1}, lat {b0} to {b1}{hint}", file=file)
