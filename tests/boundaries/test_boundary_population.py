"""2008 census population per province on both frames."""
from __future__ import annotations

import pandas as pd
import pytest

from coverage.boundaries import load_population, read_population_table
from coverage.places import provinces

DISTRICTS = "data/population/khm_census2008_district_population.csv"
NATIONAL_TOTAL_2008 = 13_395_682  # NIS, General Population Census of Cambodia 2008
TBONG_KHMUM_DISTRICTS_2008 = ("0304", "0309", "0310", "0311", "0312", "0316", "0317")


@pytest.mark.parametrize("frame,rows", [("2010", 24), ("2013", 25)])
def test_population_frames(frame, rows):
    pop = load_population(frame)
    assert pop.columns.tolist() == ["province_code", "province", "population", "derived"]
    assert len(pop) == rows
    assert pop["province_code"].tolist() == provinces(frame)["code"].tolist()
    assert pop["province"].tolist() == provinces(frame)["name"].tolist()
    assert int(pop["population"].sum()) == NATIONAL_TOTAL_2008
    derived = set(pop.loc[pop["derived"], "province_code"])
    assert derived == ({"03", "25"} if frame == "2013" else set())


def test_population_published_figures_and_sexes():
    table = read_population_table()
    assert (table["male"] + table["female"] == table["population"]).all()
    pop = load_population("2010").set_index("province_code")["population"]
    assert pop["12"] == 1_327_615 and pop["02"] == 1_025_174 and pop["23"] == 35_753
    new = load_population("2013").set_index("province_code")["population"]
    assert new["03"] + new["25"] == pop["03"]
    assert new["25"] == 754_000


def test_population_split_matches_district_table(shared):
    districts = pd.read_csv(shared(DISTRICTS), dtype={"nis_dist_code": str})
    tbong = districts[districts["nis_dist_code"].isin(TBONG_KHMUM_DISTRICTS_2008)]
    assert len(tbong) == 7
    table = read_population_table().query("frame == '2013' and province_code == '25'")
    for col in ("population", "male", "female"):
        assert table[col].item() == tbong[col].sum()
