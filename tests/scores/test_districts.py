"""District-level scores, on hand-worked examples (issue: coverage below the province).

Shelter (group 3) has two service types, legal aid (group 5) four. Weights: nationwide
0.5, province 0.75 (the defaults).
"""
from __future__ import annotations

import pandas as pd
import pytest

from coverage.boundaries import load_districts
from coverage.scores import analyze

# Anlong Veng town hall, Oddar Meanchey (a site of a shelter, type 1 only)
SHEET = ("institution,group,service,area,lon,lat\n"
         "Shelter org,shelter,1,,104.08,14.23\n"
         "Legal org,legal,,Battambang,,\n")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = tmp_path_factory.mktemp("d") / "sheet.csv"
    path.write_text(SHEET, encoding="utf-8")
    return analyze(path, level="district")


def _rows(result, group):
    bd = result.by_district
    return bd[bd["group_id"] == group].set_index("district_code")


def test_a_site_lifts_its_district_only(result):
    shelter = _rows(result, 3)
    oddar = load_districts("2013").query("province_code == '22'")["code"]
    anlong = oddar[load_districts("2013").set_index("code").loc[oddar, "name"].str.startswith(
        "Anlong").to_numpy()].item()
    assert shelter.loc[anlong, "coverage"] == pytest.approx(1 / 2)     # type 1 of 2, level 1
    for other in set(oddar) - {anlong}:
        assert shelter.loc[other, "coverage"] == 0                     # nobody there
    assert shelter.loc[anlong, "providers_local"] == 1 and shelter.loc[anlong, "records"] == 1


def test_a_province_claim_gives_every_district_the_province_weight(result):
    legal = _rows(result, 5)
    battambang = legal[legal["province_code"] == "02"]
    assert len(battambang) == 14
    assert battambang["coverage"].tolist() == pytest.approx([0.75] * 14)  # all 4 types at 0.75
    assert (battambang["providers_province"] == 1).all()
    assert (legal[legal["province_code"] != "02"]["coverage"] == 0).all()


def test_gap_need_and_ranks(result):
    shelter = _rows(result, 3)
    pop = shelter["population"].astype(float)
    need = pop / result.by_district.drop_duplicates("district_code")["population"].max()
    assert ((shelter["gap"] - need * (1 - shelter["coverage"])).abs() < 1e-12).all()
    ranked = shelter.dropna(subset=["gap_rank"]).sort_values("gap_rank")
    assert (ranked["gap"].diff().dropna() <= 1e-12).all()              # rank 1 = largest gap
    assert shelter.loc[shelter["gap"] == 0, "gap_rank"].isna().all()   # no gap, no rank


def test_forum_data_at_district_level():
    result = analyze(level="district")
    bd = result.by_district
    assert len(bd) == 197 * 7 and bd["district_code"].nunique() == 197
    assert set(bd["province_code"]) == set(f"{i:02d}" for i in range(1, 25))   # 2010 frame
    # almost every forum claim names a whole province: district presence is rare
    assert (bd["providers_local"] > 0).sum() < 0.05 * len(bd)


def test_min_count_withholds_district_counts(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(SHEET, encoding="utf-8")
    bd = analyze(path, level="district", min_count=5).by_district
    assert bd["providers_local"].isna().all() and bd["records"].isna().all()
    assert bd["coverage"].notna().all()


def test_cli_level_district_writes_table_maps_and_report(tmp_path):
    from coverage.cli import main

    sheet = tmp_path / "sheet.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(sheet), "--out", str(out), "--level", "district", "--quiet",
                 "--metrics", "gap"]) == 0
    table = pd.read_csv(out / "coverage_by_district.csv", dtype={"district_code": str,
                                                                  "province_code": str})
    legal = table[(table["group_id"] == 5) & (table["province_code"] == "02")]
    assert len(legal) == 14 and (legal["coverage"] == 0.75).all()
    assert (out / "maps" / "districts_gap.png").stat().st_size > 50_000
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="districts"' in html and "1 of 2 records with local presence name a district" in html
