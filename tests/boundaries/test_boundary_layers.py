"""The bundled layers: provinces of both frames, districts and the Tonle Sap.

Checked against ../shared (the district source, geoBoundaries ADM1, Natural Earth) and
hand-worked facts, never against the bundled layer itself.
"""
from __future__ import annotations

import hashlib
import importlib.util
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from coverage.boundaries import (CAMBODIA_AREA_KM2, BoundaryError, check_provinces,
                                 coverage_defects, load_districts, load_provinces, load_water,
                                 shapefile_dir)
from coverage.boundaries.layers import boundary_file
from coverage.places import provinces

ADM2 = "data/boundaries/khm_adm2_geoboundaries.geojson"
ADM1 = "data/boundaries/khm_adm1_geoboundaries.geojson"
NATURAL_EARTH = "data/boundaries/khm_adm1_naturalearth.geojson"
EQUAL_AREA = "EPSG:6933"
# Districts Natural Earth puts in the wrong province, with their true 2014 province
# (name as spelled in the geoBoundaries district layer -> NIS province code).
MISPLACED = {"Anlong Veaeng": "22", "Trapeang Prasat": "22", "Kampong Seila": "18"}
LAKE_POINT = (104.07, 12.89)       # PROVENANCE.md: the districts' ~2,550 km² hole
SEA_POINT = (103.0, 10.0)          # Gulf of Thailand, south-west of Kampong Som bay
TOLERANCE_KM2 = 0.01


@pytest.fixture(scope="module", params=["2010", "2013"])
def layer(request):
    return request.param, load_provinces(request.param)


def _projected(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return gdf.geometry.to_crs(EQUAL_AREA).values


def _source_points(path, names: dict[str, str]) -> pd.DataFrame:
    """Representative points of the named districts, from the ../shared district layer."""
    src = gpd.read_file(path)
    rows = src[src["shapeName"].isin(names)].copy()
    assert sorted(rows["shapeName"]) == sorted(names)
    points = rows.geometry.representative_point()
    return pd.DataFrame({"district": rows["shapeName"].to_numpy(), "lon": points.x.to_numpy(),
                         "lat": points.y.to_numpy()})


# --- provinces ------------------------------------------------------------------------------

def test_counts_columns_crs_and_order(layer):
    frame, gdf = layer
    assert len(gdf) == {"2010": 24, "2013": 25}[frame]
    assert gdf.columns.tolist() == ["code", "name", "name_km", "area_km2", "geometry"]
    assert gdf.crs.to_epsg() == 4326
    assert gdf["code"].tolist() == [f"{i:02d}" for i in range(1, len(gdf) + 1)]


def test_codes_and_names_equal_the_gazetteer(layer):
    frame, gdf = layer
    expected = provinces(frame)[["code", "name", "name_km"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(gdf[["code", "name", "name_km"]], expected)


def test_valid_polygons_and_total_area_with_the_lake(layer):
    frame, gdf = layer
    assert gdf.is_valid.all() and set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    total = shapely.area(_projected(gdf)).sum() / 1e6
    lake = shapely.area(_projected(load_water())).sum() / 1e6
    assert abs((total + lake) / CAMBODIA_AREA_KM2 - 1) < 0.01
    assert np.allclose(gdf["area_km2"], shapely.area(_projected(gdf)) / 1e6, atol=0.05)
    assert check_provinces(gdf, frame, water_km2=lake)["count"] == len(gdf)


def test_check_provinces_without_the_lake_fails_the_area_check():
    # 179,131 km² of land alone is 1.05% short of Cambodia's 181,035 km²
    with pytest.raises(BoundaryError, match="not within 1%"):
        check_provinces(load_provinces("2013"), "2013")


def test_check_provinces_rejects_a_missing_province():
    with pytest.raises(BoundaryError, match="24 features, expected 25"):
        check_provinces(load_provinces("2013").iloc[1:], "2013")


@pytest.mark.parametrize("frame", ["2010", "2013"])
def test_misplaced_districts_land_in_their_province(frame, shared):
    points = _source_points(shared(ADM2), MISPLACED)
    gdf = load_provinces(frame)
    found = gpd.sjoin(gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points.lon, points.lat),
                                       crs=4326), gdf, predicate="within")
    assert dict(zip(found["district"], found["code"])) == MISPLACED


def test_natural_earth_really_misplaced_them(shared):
    """The check above can fail: on the retired Natural Earth layer it does."""
    points = _source_points(shared(ADM2), MISPLACED)
    ne = gpd.read_file(shared(NATURAL_EARTH))
    found = gpd.sjoin(gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points.lon, points.lat),
                                       crs=4326), ne, predicate="within")
    assert dict(zip(found["district"], found["nis_code"])) == {
        "Anlong Veaeng": "17", "Trapeang Prasat": "17", "Kampong Seila": "09"}


def test_tbong_khmum_only_on_2013():
    old, new = load_provinces("2010"), load_provinces("2013")
    assert "25" not in set(old["code"])
    merged = shapely.union(new.geometry.iloc[2], new.geometry.iloc[24])
    assert shapely.symmetric_difference(merged, old.geometry.iloc[2]).area < 1e-9
    others = [c for c in old["code"] if c != "03"]
    for code in others:  # every other province is the same polygon on both frames
        a = old.loc[old["code"] == code].geometry.item()
        assert shapely.equals(a, new.loc[new["code"] == code].geometry.item()), code


def test_iou_with_geoboundaries_provinces(shared):
    reference = gpd.read_file(shared(ADM1)).set_index("nis_code").sort_index()
    ours = load_provinces("2013").set_index("code")
    assert list(reference.index) == list(ours.index)
    a, b = _projected(ours), _projected(reference)
    iou = shapely.area(shapely.intersection(a, b)) / shapely.area(shapely.union(a, b))
    assert iou.min() >= 0.9, dict(zip(ours.index, iou.round(3)))


def test_province_area_is_the_sum_of_its_districts(layer):
    frame, gdf = layer
    districts = load_districts(frame)
    sums = (shapely.area(_projected(districts)) / 1e6)
    by_province = pd.Series(sums).groupby(districts["province_code"].to_numpy()).sum()
    areas = pd.Series(shapely.area(_projected(gdf)) / 1e6, index=gdf["code"].to_numpy())
    assert (abs(areas / by_province.reindex(areas.index) - 1) < 0.01).all()


def _pairwise_overlap_km2(geometry: np.ndarray) -> float:
    left, right = shapely.STRtree(geometry).query(geometry, predicate="intersects")
    keep = left < right
    return float(shapely.area(shapely.intersection(geometry[left[keep]], geometry[right[keep]]))
                 .max(initial=0.0) / 1e6)


def _gaps_km2(geometry: np.ndarray, lake: np.ndarray) -> list[float]:
    """Holes of the union of the polygons and the lake: places nothing covers."""
    union = shapely.union_all(np.concatenate([geometry, lake]))
    return [shapely.Polygon(r).area / 1e6 for part in getattr(union, "geoms", [union])
            for r in part.interiors]


@pytest.mark.parametrize("kind", ["2010", "2013", "districts"])
def test_no_gaps_or_overlaps_between_neighbours(kind):
    gdf = load_districts() if kind == "districts" else load_provinces(kind)
    geometry, lake = _projected(gdf), _projected(load_water())
    assert _pairwise_overlap_km2(geometry) <= TOLERANCE_KM2
    assert _pairwise_overlap_km2(np.concatenate([geometry, lake])) <= TOLERANCE_KM2
    assert max(_gaps_km2(geometry, lake), default=0.0) <= TOLERANCE_KM2
    defects = coverage_defects(gdf.geometry, load_water().geometry.item())
    assert defects["max_overlap_km2"] <= TOLERANCE_KM2 and defects["max_gap_km2"] <= TOLERANCE_KM2


def test_coverage_defects_finds_a_gap_and_an_overlap():
    ring = [shapely.box(0, 0, 3000, 1000), shapely.box(0, 2000, 3000, 3000),
            shapely.box(0, 1000, 1000, 2000), shapely.box(1500, 900, 3000, 2000)]
    found = coverage_defects(gpd.GeoSeries(ring, crs=EQUAL_AREA))
    assert found["gaps"] == 1 and found["max_gap_km2"] == pytest.approx(0.5)
    assert found["max_overlap_km2"] == pytest.approx(0.15)


# --- districts ------------------------------------------------------------------------------

def test_districts_columns_and_codes():
    d = load_districts()
    assert d.columns.tolist() == ["code", "name", "province_code", "province", "census2008_code",
                                  "shape_id", "area_km2", "geometry"]
    assert len(d) == 197 and d["code"].is_unique and d.is_valid.all()
    assert d["code"].str.fullmatch(r"\d\d-\d\d").all()
    assert (d["code"].str[:2] == d["province_code"]).all()
    assert d["code"].tolist() == sorted(d["code"])
    for _, group in d.groupby("province_code"):  # rank by name within the province
        assert group.sort_values("name")["code"].str[3:].astype(int).tolist() == \
            list(range(1, len(group) + 1))


def test_district_frames_differ_only_for_tbong_khmum():
    old, new = load_districts("2010"), load_districts("2013")
    changed = new.loc[old["province_code"] != new["province_code"]]
    assert sorted(changed["name"]) == ["Dambae", "Krouch Chhmar", "Memot", "Ou Reang Ov",
                                       "Ponhea Kraek", "Suong", "Tboung Khmum"]
    assert set(changed["province_code"]) == {"25"}
    assert set(old.loc[changed.index, "province"]) == {"Kampong Cham"}


def test_districts_match_the_source_attributes(shared):
    src = gpd.read_file(shared(ADM2)).set_index("shapeID")
    d = load_districts().set_index("shape_id")
    assert set(d.index) == set(src.index)
    src = src.loc[d.index]
    assert (d["name"] == src["shapeName"]).all()
    assert (d["province_code"] == src["adm1_nis_code"]).all()
    assert (d["census2008_code"] == src["census2008_dist_code"].fillna("")).all()
    assert (d["census2008_code"] != "").sum() == 182
    # 2008 census codes are on the 24-province frame: Tbong Khmum's start with 03
    matched = d[d["census2008_code"] != ""]
    assert (matched["census2008_code"].str[:2] == load_districts("2010").set_index(
        "shape_id").loc[matched.index, "province_code"]).all()
    ratio = shapely.area(_projected(d)) / shapely.area(gpd.GeoSeries(src.geometry).to_crs(
        EQUAL_AREA).values)
    assert np.abs(ratio - 1).max() < 0.01  # simplification moves no district by 1% in area


# --- the lake -------------------------------------------------------------------------------

def test_lake_is_the_tonle_sap_hole(shared):
    lake = load_water()
    assert lake["name"].tolist() == ["Tonle Sap"] and lake.is_valid.all()
    assert 2_500 < lake["area_km2"].item() < 2_600  # PROVENANCE.md: ~2,550 km²
    assert lake.geometry.item().contains(shapely.Point(LAKE_POINT))
    districts = gpd.read_file(shared(ADM2))
    assert not districts.contains(shapely.Point(LAKE_POINT)).any()
    provinces_with_lake = gpd.read_file(shared(ADM1))  # OSM provinces include the lake
    assert provinces_with_lake.contains(shapely.Point(LAKE_POINT)).any()


# --- files ----------------------------------------------------------------------------------

def test_bundled_files_small_and_licensed():
    folder = shapefile_dir()
    data = [p for p in folder.iterdir() if p.suffix in {".gpkg", ".shp", ".dbf", ".shx"}]
    assert sum(p.stat().st_size for p in data) < 3_000_000
    assert "CC BY 4.0" in (folder / "LICENSE-DATA.md").read_text(encoding="utf-8")
    assert not list(folder.glob("*ODbL*")) and not list(folder.glob("khm_provinces_*"))


def test_package_metadata_lists_the_data_licences():
    """The wheel's licence expression and licence files name the data's licences beside the
    code's (pyproject.toml, from which the wheel's METADATA is built)."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    expression = re.search(r'^license = "([^"]+)"', text, re.M).group(1)
    assert set(expression.split(" AND ")) >= {"MIT", "CC-BY-4.0"}
    files = re.search(r"^license-files = \[([^\]]+)\]", text, re.M).group(1)
    assert "shapefiles/LICENSE-DATA.md" in files and '"LICENSE"' in files


def test_missing_bundled_file_names_it(monkeypatch, tmp_path):
    from coverage.boundaries import layers

    monkeypatch.setattr(layers, "shapefile_dir", lambda: tmp_path)
    layers._read_layer.cache_clear()
    try:
        with pytest.raises(BoundaryError, match=re.escape(str(tmp_path / "khm_boundaries.gpkg"))):
            layers.load_water()
    finally:
        layers._read_layer.cache_clear()


#: The GDAL that wrote the committed GeoPackage: other GDAL versions write other bytes.
BUILD_GDAL = "3.12.4"


def test_build_is_deterministic(shared, tmp_path):
    """The build script rebuilds the bundled layers from ../shared: the same content always,
    and the same bytes with the GDAL that wrote them."""
    import pyogrio

    shared(ADM2)
    script = shapefile_dir().parent / "shapefiles" / "build.py"
    if not script.is_file():
        pytest.skip("build script is not in this installation (wheel); it lives in the repository")
    spec = importlib.util.spec_from_file_location("shapefiles_build", script)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    digests = build.build(tmp_path)
    rebuilt = tmp_path / "khm_boundaries.gpkg"
    for layer in pyogrio.list_layers(boundary_file())[:, 0]:
        a = gpd.read_file(boundary_file(), layer=layer)
        b = gpd.read_file(rebuilt, layer=layer)
        pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
        assert a.geometry.geom_equals_exact(b.geometry, tolerance=0).all(), layer
    if pyogrio.__gdal_version_string__ == BUILD_GDAL:
        assert digests == {"khm_boundaries.gpkg":
                           hashlib.sha256(boundary_file().read_bytes()).hexdigest()}