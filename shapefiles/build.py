"""Build the boundary layers shipped with kh-coverage (run by hand, never at install/test time).

Reads the 197 districts of Open Development Cambodia's *Administrative boundaries of
Cambodia (2014)* (CC BY 4.0, via geoBoundaries KHM-ADM2-14789045) from
``../shared/data/boundaries/khm_adm2_geoboundaries.geojson`` (found relative to the
repository; its SHA-256 is pinned below), and writes one GeoPackage next to this script,
``khm_boundaries.gpkg``, with four layers (EPSG:4326):

* ``districts``: the 197 districts, gaps filled, simplified as a coverage;
* ``provinces_2013``: the districts dissolved by province (25);
* ``provinces_2010``: the same with Tbong Khmum's districts inside Kampong Cham (24);
* ``water``: the Tonle Sap, the hole of the districts' union that contains 104.07 E, 12.89 N.

Usage (from the repository root)::

    .venv/bin/python shapefiles/build.py            # rebuild and overwrite
    .venv/bin/python shapefiles/build.py --check    # rebuild in a temp folder, compare bytes
"""
from __future__ import annotations

import argparse
import hashlib
import logging
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from coverage.boundaries import (  # noqa: E402  (after the sys.path line, for a checkout)
    area_km2, check_provinces, coverage_defects, province_table)
from coverage.boundaries.layers import (  # noqa: E402
    BOUNDARY_FILE, DISTRICT_LAYER, EQUAL_AREA_CRS, PROVINCE_LAYER, STORED_DISTRICT_COLUMNS, WATER_LAYER)

log = logging.getLogger("shapefiles.build")

SOURCE = REPO.parent / "shared" / "data" / "boundaries" / "khm_adm2_geoboundaries.geojson"
SOURCE_SHA256 = "c9133e9fcb5eb9a111ad8c3f4b16a651976405f90465651135a8bec81f620f0d"
DISTRICT_COUNT = 197
#: A point in the Tonle Sap; the hole of the districts' union that contains it is the lake.
LAKE_POINT = shapely.Point(104.07, 12.89)
LAKE_NAME = "Tonle Sap"
#: Holes of the union smaller than this (km²) that are not the lake are slivers between
#: districts; each is given to the neighbour with which it shares the longest edge.
SLIVER_KM2 = 1.0
#: ``shapely.coverage_simplify`` tolerance in degrees (≈ 220 m; roughly the square root of
#: the area of the triangles removed).
TOLERANCE = 0.002
TBONG_KHMUM, KAMPONG_CHAM = "25", "03"  # split in 2013; on the 2010 frame one province
#: Date written into the GeoPackage (geoBoundaries' build date of the source) so that the
#: same input gives byte-identical output.
FILE_DATE = "2021-08-26T00:00:00Z"


def read_source(path: Path = SOURCE) -> gpd.GeoDataFrame:
    """The district layer, after checking its SHA-256, count and validity."""
    if not path.is_file():
        raise SystemExit(f"{path}: not found (../shared beside the repository is needed)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"{path}: sha256 {digest}, expected {SOURCE_SHA256}")
    gdf = gpd.read_file(path, engine="pyogrio")
    if len(gdf) != DISTRICT_COUNT or not gdf.is_valid.all():
        raise SystemExit(f"{path}: expected {DISTRICT_COUNT} valid districts")
    if not shapely.coverage_is_valid(gdf.geometry.values):
        raise SystemExit(f"{path}: the districts are not a valid polygon coverage")
    log.info("%s: sha256 ok, %d districts, %d vertices", path.name, len(gdf),
             shapely.get_num_coordinates(gdf.geometry.values).sum())
    return gdf


def _km2(geometry: shapely.Geometry) -> float:
    """Area in km² (EPSG:6933), unrounded."""
    return float(gpd.GeoSeries([geometry], crs=4326).to_crs(EQUAL_AREA_CRS).area.iloc[0] / 1e6)


def union_holes(geometry: np.ndarray) -> list[shapely.Polygon]:
    """The interior rings of the union of ``geometry``, as polygons."""
    union = shapely.union_all(geometry)
    return [shapely.Polygon(ring) for part in getattr(union, "geoms", [union])
            for ring in part.interiors]


def fill_slivers(geometry: np.ndarray, names: list[str]) -> np.ndarray:
    """Give each small non-lake hole of the union to the neighbour sharing its longest edge."""
    geometry = geometry.copy()
    for hole in union_holes(geometry):
        if hole.contains(LAKE_POINT):
            continue
        if _km2(hole) >= SLIVER_KM2:
            raise SystemExit(f"unexpected {_km2(hole):.2f} km² hole at {hole.representative_point()}")
        shared = shapely.length(shapely.intersection(geometry, hole.boundary))
        best = int(np.argmax(shared))
        log.info("sliver of %.4f km² at %s given to %s", _km2(hole),
                 hole.representative_point().wkt, names[best])
        geometry[best] = shapely.union(geometry[best], hole)
    return geometry


def lake(geometry: np.ndarray) -> shapely.Geometry:
    """The union's hole(s) containing :data:`LAKE_POINT`, minus the district parts inside."""
    holes = [h for h in union_holes(geometry) if h.contains(LAKE_POINT)]
    if len(holes) != 1:
        raise SystemExit(f"{len(holes)} holes contain {LAKE_POINT.wkt}, expected 1")
    return shapely.difference(holes[0], shapely.union_all(geometry))


def district_table(src: gpd.GeoDataFrame, geometry: np.ndarray) -> gpd.GeoDataFrame:
    """Districts with our ``code`` (province + rank by name), sorted by it."""
    gdf = gpd.GeoDataFrame({
        "name": src["shapeName"].to_numpy(), "province_code": src["adm1_nis_code"].to_numpy(),
        "census2008_code": src["census2008_dist_code"].fillna("").to_numpy(),
        "shape_id": src["shapeID"].to_numpy()}, geometry=geometry, crs=4326)
    if gdf.duplicated(["province_code", "name"]).any():
        raise SystemExit("a district name occurs twice in one province")
    gdf = gdf.sort_values(["province_code", "name", "shape_id"]).reset_index(drop=True)
    rank = gdf.groupby("province_code").cumcount() + 1
    gdf["code"] = gdf["province_code"] + "-" + rank.map("{:02d}".format)
    gdf["province_code_2010"] = gdf["province_code"].replace(TBONG_KHMUM, KAMPONG_CHAM)
    gdf["area_km2"] = area_km2(gdf.geometry)
    return gdf[STORED_DISTRICT_COLUMNS]


def dissolve(districts: gpd.GeoDataFrame, frame: str) -> gpd.GeoDataFrame:
    """Provinces of ``frame`` as the coverage union of their (simplified) districts."""
    key = "province_code" if frame == "2013" else "province_code_2010"
    table = province_table(frame)
    parts = [districts.geometry.values[(districts[key] == code).to_numpy()] for code in table["code"]]
    geometry = [shapely.coverage_union_all(p) for p in parts]
    gdf = gpd.GeoDataFrame(table, geometry=geometry, crs=4326)
    gdf["area_km2"] = area_km2(gdf.geometry)
    return gdf[["code", "name", "name_km", "area_km2", "geometry"]]


def make_layers(src: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """All four layers, checked."""
    geometry = fill_slivers(src.geometry.values, src["shapeName"].tolist())
    water = lake(geometry)
    simplified = shapely.coverage_simplify(np.append(geometry, water), TOLERANCE)
    if not shapely.is_valid(simplified).all() or not shapely.coverage_is_valid(simplified):
        raise SystemExit("coverage_simplify gave invalid polygons")
    districts = district_table(src, simplified[:-1])
    lake_gdf = gpd.GeoDataFrame({"name": [LAKE_NAME]}, geometry=[simplified[-1]], crs=4326)
    lake_gdf["area_km2"] = area_km2(lake_gdf.geometry)
    layers = {DISTRICT_LAYER: districts, WATER_LAYER: lake_gdf}
    for frame, name in PROVINCE_LAYER.items():
        layers[name] = dissolve(districts, frame)
        stats = check_provinces(layers[name], frame, water_km2=float(lake_gdf["area_km2"].sum()))
        log.info("%s: %s; %s", name, stats, coverage_defects(layers[name].geometry, water))
    log.info("districts: %d vertices; %s; lake %.1f km², %d vertices",
             shapely.get_num_coordinates(districts.geometry.values).sum(),
             coverage_defects(districts.geometry, water), lake_gdf["area_km2"].item(),
             shapely.get_num_coordinates(simplified[-1]))
    return layers


def write(layers: dict[str, gpd.GeoDataFrame], folder: Path) -> Path:
    """Write the GeoPackage: fixed date, no spatial index, layers in a fixed order."""
    path = folder / BOUNDARY_FILE
    path.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FILE_DATE})
    try:
        for name in sorted(layers):
            pyogrio.write_dataframe(layers[name], path, layer=name, driver="GPKG",
                                    layer_options={"SPATIAL_INDEX": "NO"})
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return path


def build(folder: Path) -> dict[str, str]:
    """Read, check, simplify and write into ``folder``; the sha256 of each written file."""
    path = write(make_layers(read_source()), folder)
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="build into a temporary folder and compare with the committed files")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if not args.check:
        for name, digest in build(HERE).items():
            log.info("wrote %s (%d bytes) sha256 %s", name, (HERE / name).stat().st_size, digest)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = build(Path(tmp))
    differ = [n for n, d in fresh.items()
              if not (HERE / n).is_file() or hashlib.sha256((HERE / n).read_bytes()).hexdigest() != d]
    for name in differ:
        log.error("%s differs from the committed file", name)
    log.info("%d of %d files byte-identical", len(fresh) - len(differ), len(fresh))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
