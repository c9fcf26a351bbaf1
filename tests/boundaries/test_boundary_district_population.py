"""The district population table against the NIS 2008 district table in ../shared."""
from __future__ import annotations

from importlib import resources

import pandas as pd

from coverage.boundaries import load_districts

CENSUS = "data/population/khm_census2008_district_population.csv"
NATIONAL_TOTAL_2008 = 13_395_682


def _table() -> pd.DataFrame:
    with resources.as_file(resources.files("coverage") / "data" / "district_population_2008.csv") as p:
        return pd.read_csv(p, dtype=str, keep_default_na=False).astype({"population": int})


def test_one_row_per_district_and_national_total():
    table = _table()
    districts = load_districts()
    assert table["code"].tolist() == districts["code"].tolist()
    assert table["name"].tolist() == districts["name"].tolist()
    assert table["population"].sum() == NATIONAL_TOTAL_2008
    assert set(table["population_basis"]) == {"census", "split"}
    assert (table["population"] > 0).all()


def test_census_rows_equal_nis_and_provinces_keep_their_totals(shared):
    census = pd.read_csv(shared(CENSUS), dtype={"nis_dist_code": str, "nis_prov_code_2008": str})
    table = _table()
    own = table[table["population_basis"] == "census"]
    counts = census.set_index("nis_dist_code")["population"]
    assert (own["population"].to_numpy() == own["census2008_code"].map(counts).to_numpy()).all()
    assert own["census2008_code"].is_unique
    by_province = table.groupby("province_code_2010")["population"].sum()
    expected = census.groupby("nis_prov_code_2008")["population"].sum()
    pd.testing.assert_series_equal(by_province, expected, check_names=False)
    joined = table.loc[table["census2008_code"] != "", "census2008_code"]
    assert joined.str.split("+").explode().isin(census["nis_dist_code"]).all()
    assert set(census["nis_dist_code"]) <= set(joined.str.split("+").explode())


def test_splits_share_their_parent_count():
    table = _table()
    split = table[table["population_basis"] == "split"]
    for code, family in split.groupby("census2008_code"):
        same_parent = table[table["census2008_code"] == code]
        assert len(same_parent) == len(family)  # the parent's heirs are all flagged split
    assert split.loc[split["name"] == "Chraoy Chongvar", "census2008_code"].item() == "1207"
