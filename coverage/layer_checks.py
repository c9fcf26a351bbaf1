"""Checks that a user's boundary layer lies where Cambodia is.

A layer whose coordinates are degrees but whose CRS says metres, or whose longitude and
latitude are swapped, still has province names that match; it only lands in the wrong
place, and every site then falls outside it. :func:`check_layer_extent` catches both.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> check_layer_extent(gpd.GeoDataFrame(geometry=[box(104, 11, 105, 12)], crs=4326), "ok.gpkg")
>>> swapped = gpd.GeoDataFrame(geometry=[box(11, 104, 12, 85)], crs=4326)
>>> check_layer_extent(swapped, "swapped.gpkg")
Traceback (most recent call last):
...
coverage.errors.BoundaryError: swapped.gpkg: the layer does not overlap Cambodia: ...
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from coverage.errors import BoundaryError, RecordsError

log = logging.getLogger(__name__)

__all__ = ["CAMBODIA_EXTENT", "check_layer_extent", "check_layer_covers"]

#: (min lon, min lat, max lon, max lat) of Cambodia in degrees, rounded outwards from the
#: bundled layers (2010: 102.31, 10.42, 107.61, 14.70; tests check it contains both).
CAMBODIA_EXTENT = (102.3, 10.4, 107.7, 14.8)


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
    from coverage.records.schema import LOCAL_BASES

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
    missing = ", ".join(sorted(set(lost["province_code"].astype(str)) - codes))
    first = rows[0] if rows[0] is not None and not pd.isna(rows[0]) else None
    raise RecordsError(f"{len(lost_ids)} records are placed in provinces the boundary layer "
                       f"{file} has no polygon for ({missing}): {shown}"
                       f"{', ...' if len(lost_ids) > 10 else ''}; use a layer with every "
                       "province, or leave out --boundaries", file=records.name,
                       row=None if first is None else int(first))
