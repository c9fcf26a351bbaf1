"""The base map of a polygon layer, built once and reused by every map drawn on it.

Matplotlib paths of the provinces (simplified together with the lake, topology preserved,
to what a printed map at :data:`coverage.settings.DPI` can show), their label points, and
the Tonle Sap, cached by the polygons' content.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.path import Path as MPath

#: Simplification tolerance in degrees: about one pixel of an 8-inch map at 200 dpi
#: (Cambodia spans about 5.5 degrees of longitude over some 1,200 pixels).
DRAW_TOLERANCE = 0.004

#: Where the lake's name goes: the centre of its largest inscribed circle (lon, lat), and
#: the angle that follows the lake's long axis.
WATER_LABEL = (103.934, 13.035)
WATER_ANGLE = -40.0
#: Its legend entry: the lake's light blue is close to the lightest class of the blue ramp.
WATER_NAME = "water (Tonle Sap)"

_CACHE: dict[str, "BaseMap"] = {}


@dataclass(frozen=True)
class BaseMap:
    """One polygon layer ready to draw: paths and label points in the layer's row order."""

    codes: tuple[str, ...]
    paths: tuple["MPath", ...]
    points: tuple[tuple[float, float], ...]
    water: "MPath | None"


def to_path(geom) -> "MPath":
    """A (multi)polygon as one matplotlib compound path (holes included).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> to_path(box(0, 0, 1, 1)).vertices.shape
    (5, 2)
    """
    from matplotlib.path import Path as MPath

    verts, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            verts.append(xy)
            codes.append(np.r_[MPath.MOVETO, np.full(len(xy) - 2, MPath.LINETO), MPath.CLOSEPOLY])
    if not verts:
        return MPath(np.zeros((0, 2)))
    return MPath(np.concatenate(verts), np.concatenate(codes).astype(MPath.code_type))


def _simplified(geoms: np.ndarray) -> np.ndarray:
    """Simplify as a coverage (shared edges stay shared) when the layer is one, else each."""
    import shapely

    if shapely.coverage_is_valid(geoms):
        return shapely.coverage_simplify(geoms, DRAW_TOLERANCE)
    return shapely.simplify(geoms, DRAW_TOLERANCE / 2, preserve_topology=True)


def _water() -> "gpd.GeoDataFrame":
    from coverage.boundaries import load_water

    return load_water()


def base_map(polys: "gpd.GeoDataFrame",
             clip: tuple[float, float, float, float] | None = None) -> BaseMap:
    """The drawable form of ``polys`` (``code``, ``geometry``), built once per content.

    Parameters
    ----------
    polys : GeoDataFrame
        ``code`` and ``geometry``, in drawing order.
    clip : (lon0, lat0, lon1, lat1), optional
        Keep only what falls in this rectangle, unsimplified (for a close-up inset).

    Examples
    --------
    >>> from coverage.boundaries import load_provinces
    >>> b = base_map(load_provinces("2010"))
    >>> len(b.paths) == len(b.codes) == 24, b.water is not None
    (True, True)
    >>> base_map(load_provinces("2010")) is b
    True
    """
    import shapely

    geoms = np.asarray(polys.geometry.values, dtype=object)
    codes = tuple(polys["code"].astype(str))
    key = hashlib.sha256(repr((codes, clip)).encode()
                         + b"".join(shapely.to_wkb(geoms))).hexdigest()
    if key not in _CACHE:
        lake = np.asarray(_water().geometry.values, dtype=object)
        if clip is None:
            shapes = _simplified(np.concatenate([geoms, lake]))
        else:
            shapes = shapely.clip_by_rect(np.concatenate([geoms, lake]), *clip)
            keep = ~shapely.is_empty(shapes[:len(geoms)])
            geoms, codes = shapes[:len(geoms)][keep], tuple(np.asarray(codes)[keep])
            shapes = np.concatenate([geoms, shapes[len(keep):]])
        water = shapely.union_all(shapes[len(geoms):])
        points = shapely.get_coordinates(shapely.point_on_surface(geoms))
        _CACHE[key] = BaseMap(codes, tuple(to_path(g) for g in shapes[:len(geoms)]),
                              tuple(map(tuple, points)),
                              None if water.is_empty else to_path(water))
    return _CACHE[key]
