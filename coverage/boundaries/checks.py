"""Checks of a complete province layer and of a polygon coverage (gaps and overlaps).

Examples
--------
>>> from coverage.boundaries import load_provinces, load_water
>>> lake = float(load_water()["area_km2"].sum())
>>> check_provinces(load_provinces("2013"), "2013", water_km2=lake)["count"]
25
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from coverage.boundaries.layers import EQUAL_AREA_CRS, province_table
from coverage.errors import BoundaryError
from coverage.settings import PROVINCE_COUNT, check_frame

__all__ = ["CAMBODIA_AREA_KM2", "AREA_TOLERANCE", "check_provinces", "coverage_defects"]

CAMBODIA_AREA_KM2 = 181_035  # official land + water area of Cambodia
AREA_TOLERANCE = 0.01        # provinces plus left-out water must be within 1% of it


def _check_attributes(gdf: gpd.GeoDataFrame, frame: str) -> None:
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise BoundaryError(f"CRS is {gdf.crs}, expected EPSG:4326")
    if len(gdf) != PROVINCE_COUNT[frame]:
        raise BoundaryError(f"{len(gdf)} features, expected {PROVINCE_COUNT[frame]}")
    if gdf["code"].duplicated().any():
        raise BoundaryError(f"provinces more than once: {sorted(gdf.loc[gdf['code'].duplicated(), 'code'])}")
    got = gdf[["code", "name", "name_km"]].sort_values("code").reset_index(drop=True)
    if not got.equals(province_table(frame)):
        raise BoundaryError("codes or names differ from the gazetteer's")
    kinds = set(gdf.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise BoundaryError(f"non-polygon geometry: {sorted(kinds)}")
    bad = gdf.loc[~gdf.is_valid, "code"].tolist()
    if bad:
        raise BoundaryError(f"invalid geometry for codes {bad}")


def check_provinces(gdf: gpd.GeoDataFrame, frame: str, water_km2: float = 0.0) -> dict:
    """Check a complete province layer; raise :class:`BoundaryError` on the first failure.

    Checks: EPSG:4326, one valid (Multi)Polygon per province of ``frame`` and nothing else,
    codes and names equal to the gazetteer's, no overlaps (pairwise intersection below
    1 km² in total), total area plus ``water_km2`` within 1% of 181,035 km².

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        ``code, name, name_km, geometry``.
    frame : {"2010", "2013"}
    water_km2 : float
        Area of inland water the layer leaves out (the bundled layers leave out the
        Tonle Sap: pass ``load_water()["area_km2"].sum()``).

    Returns
    -------
    dict
        ``count``, ``total_km2``, ``union_km2``, ``overlap_km2``, ``vertices_min``,
        ``vertices_max``, ``vertices_total``.

    Examples
    --------
    >>> from coverage.boundaries import load_provinces
    >>> check_provinces(load_provinces("2010").iloc[1:], "2010")
    Traceback (most recent call last):
    ...
    coverage.errors.BoundaryError: 23 features, expected 24
    """
    frame = check_frame(frame)
    _check_attributes(gdf, frame)
    projected = gdf.geometry.to_crs(EQUAL_AREA_CRS)
    total = float(projected.area.sum() / 1e6)
    union = float(shapely.union_all(projected.values).area / 1e6)
    overlap = max(total - union, 0.0)
    if overlap > 1.0:
        raise BoundaryError(f"provinces overlap by {overlap:.1f} km²")
    if abs((total + water_km2) / CAMBODIA_AREA_KM2 - 1) > AREA_TOLERANCE:
        raise BoundaryError(f"total area {total:,.0f} km² plus {water_km2:,.0f} km² of water is "
                            f"not within 1% of {CAMBODIA_AREA_KM2:,} km²")
    vertices = shapely.get_num_coordinates(gdf.geometry.values)
    return {"count": len(gdf), "total_km2": round(total, 1), "union_km2": round(union, 1),
            "overlap_km2": round(overlap, 3), "vertices_min": int(vertices.min()),
            "vertices_max": int(vertices.max()), "vertices_total": int(vertices.sum())}


def coverage_defects(geometry: gpd.GeoSeries, keep: shapely.Geometry | None = None) -> dict:
    """Largest overlap between two polygons and largest gap among them, in km².

    Overlaps: the intersection area of every pair of touching polygons. Gaps: the
    interior rings of their union (holes no polygon covers), except those that contain a
    point of ``keep`` (e.g. a lake the layer leaves out on purpose). Areas in EPSG:6933.

    Parameters
    ----------
    geometry : geopandas.GeoSeries
        Polygons with a CRS.
    keep : shapely geometry, optional
        Holes that intersect it are not gaps.

    Returns
    -------
    dict
        ``max_overlap_km2``, ``max_gap_km2``, ``gaps`` (number of holes counted as gaps).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> squares = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=6933)
    >>> coverage_defects(squares)
    {'max_overlap_km2': 0.0, 'max_gap_km2': 0.0, 'gaps': 0}
    """
    projected = geometry.to_crs(EQUAL_AREA_CRS).values
    left, right = shapely.STRtree(projected).query(projected, predicate="intersects")
    pairs = left < right
    overlaps = shapely.area(shapely.intersection(projected[left[pairs]], projected[right[pairs]]))
    union = shapely.union_all(projected)
    holes = [shapely.Polygon(ring) for part in getattr(union, "geoms", [union])
             for ring in part.interiors]
    if keep is not None:
        keep = gpd.GeoSeries([keep], crs=geometry.crs).to_crs(EQUAL_AREA_CRS).iloc[0]
        holes = [h for h in holes if not h.intersects(keep)]
    gaps = shapely.area(np.array(holes, dtype=object)) if holes else np.zeros(0)
    return {"max_overlap_km2": round(float(overlaps.max(initial=0.0)) / 1e6, 6),
            "max_gap_km2": round(float(gaps.max(initial=0.0)) / 1e6, 6), "gaps": len(holes)}
