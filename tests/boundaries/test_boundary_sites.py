"""Province, district and lake of each site (``locate_sites``)."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from coverage.boundaries import load_districts, load_provinces, load_water, locate_sites
from coverage.errors import RecordsError

ADM2 = "data/boundaries/khm_adm2_geoboundaries.geojson"
LAKE_POINT = (104.07, 12.89)       # PROVENANCE.md: inside the districts' Tonle Sap hole
SEA_POINT = (103.0, 10.0)          # Gulf of Thailand


@pytest.mark.parametrize("frame", ["2010", "2013"])
def test_capitals_land_in_their_province(frame, capitals):
    sites = locate_sites(capitals, frame=frame)
    want = capitals["code"].where(~((frame == "2010") & (capitals["code"] == "25")), "03")
    assert sites["province_code"].tolist() == want.tolist()  # the old layers missed Ta Khmau, Kep
    assert (sites["site_status"] == "inside").all()


def test_capitals_district_is_the_source_district_containing_them(capitals, shared):
    src = gpd.read_file(shared(ADM2))
    pts = gpd.GeoDataFrame(capitals, geometry=gpd.points_from_xy(capitals.lon, capitals.lat), crs=4326)
    expected = gpd.sjoin(pts, src, predicate="within")["shapeID"].reindex(capitals.index)
    got = locate_sites(capitals)["district_code"].map(
        load_districts().set_index("code")["shape_id"])
    assert got.tolist() == expected.tolist()
    assert locate_sites(capitals.iloc[[11]])["district_code"].item() == "12-08"  # Prampir Meakkakra


def test_lake_is_water_and_sea_is_outside():
    df = pd.DataFrame({"lon": [LAKE_POINT[0], SEA_POINT[0]], "lat": [LAKE_POINT[1], SEA_POINT[1]]})
    for frame in ("2010", "2013"):
        out = locate_sites(df, frame=frame)
        assert out["site_status"].tolist() == ["water", "outside"]
        assert out["province_code"].isna().all() and out["district_code"].isna().all()


def test_lake_shore_island_is_land():
    """District land inside the lake (an island) is inside, not water."""
    lake = load_water().geometry.item()
    island = shapely.Polygon(lake.interiors[0]).representative_point()
    out = locate_sites(pd.DataFrame({"lon": [island.x], "lat": [island.y]}))
    assert out["site_status"].item() == "inside" and out["district_code"].notna().item()


def test_statuses_index_and_order_kept():
    df = pd.DataFrame({"lon": [103.0, 104.916, None, 200.0, "abc", 104.916, ""],
                       "lat": [10.0, 11.5625, 11.0, 11.0, 11.0, -95.0, 12.0],
                       "other": list("abcdefg")},
                      index=[70, 10, 50, 20, 60, 30, 40])
    out = locate_sites(df)
    assert out.index.tolist() == df.index.tolist()
    assert out["other"].tolist() == df["other"].tolist()
    assert out["site_status"].tolist() == ["outside", "inside", "missing", "invalid", "invalid",
                                           "invalid", "missing"]
    assert out.loc[10, "province_code"] == "12" and out.loc[10, "province"] == "Phnom Penh"
    assert out["province_code"].isna().sum() == 6
    assert "province_code" not in df.columns  # a copy, input untouched


def test_border_point_goes_to_lowest_code_and_its_district_agrees():
    gdf = load_provinces("2013")
    shared_edge = shapely.intersection(gdf.geometry.iloc[0].boundary, gdf.geometry.iloc[1].boundary)
    vertex = shapely.get_coordinates(shared_edge)[0]
    df = pd.DataFrame({"lon": [vertex[0]] * 3, "lat": [vertex[1]] * 3})
    out = locate_sites(df, provinces=gdf.iloc[::-1], districts=load_districts("2013"))
    assert out["province_code"].tolist() == ["01"] * 3
    assert out["district_code"].str[:2].tolist() == ["01"] * 3
    bundled = locate_sites(df)
    assert bundled["province_code"].tolist() == ["01"] * 3
    assert bundled["district_code"].str[:2].tolist() == ["01"] * 3


def test_tbong_khmum_border_district_follows_the_2010_province():
    """On 2010, a point on the Tbong Khmum / Prey Veng border is Kampong Cham (03 < 14) and
    its district must be a Tbong Khmum district (25-..), not a Prey Veng one (14-..)."""
    d = load_districts("2010")
    tk = shapely.union_all(d.loc[d["code"].str.startswith("25")].geometry.values)
    pv = shapely.union_all(d.loc[d["province_code"] == "14"].geometry.values)
    vertex = shapely.get_coordinates(shapely.intersection(tk.boundary, pv.boundary))[0]
    out = locate_sites(pd.DataFrame({"lon": [vertex[0]], "lat": [vertex[1]]}), frame="2010")
    assert out["province_code"].item() == "03"
    assert out["district_code"].item().startswith("25-")


def test_locate_is_deterministic_and_matches_sjoin():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"lon": rng.uniform(102, 108, 2000), "lat": rng.uniform(10, 15, 2000)})
    first, second = locate_sites(df), locate_sites(df)
    pd.testing.assert_frame_equal(first, second)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326)
    for layer, column in ((load_provinces("2013"), "province_code"), (load_districts(), "district_code")):
        expected = gpd.sjoin(pts, layer, predicate="intersects").groupby(level=0)["code"].min()
        expected = expected.reindex(df.index).astype(object)
        got = first[column].astype(object)
        assert got.where(got.notna(), None).tolist() == expected.where(expected.notna(), None).tolist()
    in_lake = pts.intersects(load_water().geometry.item()).to_numpy()
    assert (first["site_status"] == "water").to_numpy().tolist() == in_lake.tolist()
    assert in_lake.sum() > 0 and (first["site_status"] == "outside").sum() > 0


def test_bad_column_name():
    with pytest.raises(RecordsError, match="column 'x'"):
        locate_sites(pd.DataFrame({"lon": [1.0], "lat": [1.0]}), lon="x")
