"""Province layers supplied by the user (``load_provinces(frame, path=...)``)."""
from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from coverage.boundaries import BoundaryError, load_provinces, locate_sites
from coverage.errors import InputError
from coverage.places import provinces

GEOBOUNDARIES = "data/boundaries/khm_adm1_geoboundaries.geojson"


def test_geoboundaries_as_user_layer(caplog, shared, capitals):
    path = shared(GEOBOUNDARIES)
    with caplog.at_level(logging.WARNING, logger="coverage.boundaries"):
        gdf = load_provinces("2013", path=path)
    assert len(gdf) == 25 and gdf["code"].tolist() == provinces("2013")["code"].tolist()
    assert gdf["name"].tolist() == provinces("2013")["name"].tolist()
    assert not caplog.records  # nothing unmatched, missing or repaired
    by_name = load_provinces("2013", path=path, column="shapeName")
    assert by_name["code"].tolist() == gdf["code"].tolist()
    sites = locate_sites(capitals, provinces=gdf)
    assert sites["province_code"].tolist() == capitals["code"].tolist()
    assert sites["district_code"].isna().all()  # no districts for a layer of one's own


def test_geoboundaries_on_the_2010_frame_names_tbong_khmum(shared):
    with pytest.raises(BoundaryError, match="Tbong Khmum"):
        load_provinces("2010", path=shared(GEOBOUNDARIES), column="shapeName")


def _write(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    gdf.to_file(path, engine="pyogrio")
    return path


def test_zipped_shapefile_round_trip(tmp_path):
    original = load_provinces("2013")
    shp = _write(original.rename(columns={"code": "pcode"})[["pcode", "geometry"]].to_crs(32648),
                 tmp_path / "prov.shp")
    archive = tmp_path / "prov.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("prov.*"):
            if part != archive:
                z.write(part, part.name)
    back = load_provinces("2013", path=archive)
    assert back["code"].tolist() == original["code"].tolist()
    assert back.crs.to_epsg() == 4326
    assert np.allclose(back["area_km2"], original["area_km2"], rtol=1e-3)
    assert shp.is_file()


def test_geopackage_by_khmer_names_subset_warns(tmp_path, caplog):
    subset = load_provinces("2010").iloc[[5, 0, 11]][["name_km", "geometry"]]
    path = _write(subset, tmp_path / "three.gpkg")
    with caplog.at_level(logging.WARNING, logger="coverage.boundaries"):
        gdf = load_provinces("2010", path=path)
    assert gdf["code"].tolist() == ["01", "06", "12"]
    assert any("no polygon for Battambang (02), " in r.getMessage() for r in caplog.records)


def test_layer_without_crs(tmp_path):
    path = _write(load_provinces("2013"), tmp_path / "nocrs.shp")
    path.with_suffix(".prj").unlink()
    with pytest.raises(BoundaryError, match=r"nocrs\.shp.*no CRS"):
        load_provinces("2013", path=path)


def test_unmatched_features_are_listed(tmp_path):
    gdf = load_provinces("2013")[["name", "geometry"]].copy()
    gdf.loc[3, "name"] = "Atlantis"
    gdf.loc[7, "name"] = "Gotham"
    path = _write(gdf, tmp_path / "bad.geojson")
    with pytest.raises(BoundaryError) as err:
        load_provinces("2013", path=path)
    message = str(err.value)
    assert "bad.geojson" in message and "'Atlantis'" in message and "'Gotham'" in message
    assert "2 features match no province" in message and err.value.column == "name"
    assert isinstance(err.value, InputError) and isinstance(err.value, ValueError)


def test_province_matched_twice(tmp_path):
    gdf = load_provinces("2013")[["code", "geometry"]].copy()
    gdf.loc[4, "code"] = "03"
    path = _write(gdf, tmp_path / "twice.gpkg")
    with pytest.raises(BoundaryError, match=r"twice\.gpkg.*more than once.*-> 03"):
        load_provinces("2013", path=path, column="code")


def test_non_polygon_geometry(tmp_path):
    gdf = load_provinces("2013")[["code", "geometry"]].copy()
    gdf["geometry"] = gdf.representative_point()
    path = _write(gdf, tmp_path / "points.gpkg")
    with pytest.raises(BoundaryError, match=r"points\.gpkg.*Point"):
        load_provinces("2013", path=path)


def test_unknown_column(tmp_path):
    path = _write(load_provinces("2013")[["code", "geometry"]], tmp_path / "p.gpkg")
    with pytest.raises(BoundaryError, match="no such column"):
        load_provinces("2013", path=path, column="nope")


def test_invalid_geometry_repaired_with_warning(tmp_path, caplog):
    gdf = load_provinces("2013")[["code", "geometry"]].copy()
    minx, miny, maxx, maxy = gdf.geometry.iloc[0].bounds
    bowtie = shapely.Polygon([(minx, miny), (maxx, maxy), (maxx, miny), (minx, maxy)])
    gdf.loc[0, "geometry"] = bowtie
    path = _write(gdf, tmp_path / "bowtie.gpkg")
    with caplog.at_level(logging.WARNING, logger="coverage.boundaries"):
        out = load_provinces("2013", path=path)
    assert out.is_valid.all() and out.loc[0, "area_km2"] > 0
    assert any("make_valid" in r.getMessage() and "01" in r.getMessage() for r in caplog.records)

