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


def test_a_group_nobody_offers_is_no_data_not_zero(result):
    """As for provinces: immediate support (group 1) is in no record, so it has no
    coverage, gap or rank anywhere, and 'all groups' is the mean of the groups with data
    (shelter, legal aid)."""
    bd = result.by_district.set_index(["district_code", "group_id"])
    assert bd.xs(1, level="group_id")[["coverage", "gap", "gap_rank"]].isna().all().all()
    anlong = "22-01"   # shelter 1/2, legal aid 0 -> (0.5 + 0) / 2
    assert bd.loc[(anlong, 0), "coverage"] == pytest.approx(0.25)
    assert bd.loc[("02-01", 0), "coverage"] == pytest.approx((0 + 0.75) / 2)
    assert bd.loc[("22-02", 0), "coverage"] == 0


def test_levels_one_province_nationwide_zero_by_hand():
    """Shelter (types 1, 2): A has a site in Anlong Veaeng for type 1, B names Oddar
    Meanchey for type 1, C claims type 2 nationwide. Hand-worked, weights 0.75 / 0.5:
    Anlong Veaeng (1 + 0.5) / 2; the other districts of Oddar Meanchey (0.75 + 0.5) / 2;
    every district elsewhere (0 + 0.5) / 2."""
    from coverage.scores.districts import district_tables

    served = pd.DataFrame({
        "record_id": ["a", "b", "c", "c"], "group_id": [3, 3, 3, 3],
        "service_id": pd.array([1, 1, 2, 2], dtype="Int64"), "institution": ["A", "B", "C", "C"],
        "province_code": ["22", "22", "22", "02"], "district_code": ["22-01", "", "", ""],
        "basis": ["site", "named", "nationwide", "nationwide"]})
    bd, _ = district_tables(served, "2013", nationwide_weight=0.5, province_weight=0.75)
    shelter = bd[bd["group_id"] == 3].set_index("district_code")["coverage"]
    oddar = bd.loc[(bd["group_id"] == 3) & (bd["province_code"] == "22"), "district_code"]
    assert shelter["22-01"] == pytest.approx(0.75)
    assert shelter[oddar[oddar != "22-01"]].tolist() == pytest.approx([0.625] * 4)
    assert (shelter[bd.loc[(bd["group_id"] == 3) & (bd["province_code"] != "22"),
                           "district_code"]] == 0.25).all()
    bd0, _ = district_tables(served, "2013", nationwide_weight=0.0, province_weight=0.5)
    shelter0 = bd0[bd0["group_id"] == 3].set_index("district_code")["coverage"]
    assert (shelter0["22-01"], shelter0["22-02"], shelter0["02-01"]) == (0.5, 0.25, 0.0)


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
    offered = bd["group_id"].isin([0, 3, 5])      # shelter and legal aid have data
    assert bd.loc[offered, "coverage"].notna().all() and bd.loc[~offered, "coverage"].isna().all()


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
    singles = sorted(p.name for p in (out / "maps").glob("districts_group_*_gap.png"))
    assert len(singles) == 6 and singles[2] == "districts_group_3_shelter_gap.png"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="districts"' in html and "1 of 2 records with local presence name a district" in html


def test_district_maps_name_the_lake_and_label_only_where_it_fits(result):
    """Every map names the Tonle Sap; a district label lies inside its district; a group
    nobody offers is hatched as no data, not drawn as 0."""
    import shapely

    from coverage.maps.districts import district_map_table, plot_district_group, plot_district_groups

    assert (district_map_table(result, 1)[0]["label"] == "no data").all()
    fig = plot_district_group(result, "shelter", "gap")
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text() != "Tonle Sap"]
    assert any(t.get_text() == "Tonle Sap" for t in ax.texts)
    districts = district_map_table(result, 3, "gap")[0].set_index("gap_rank")
    renderer = fig.canvas.get_renderer()
    for t in texts:
        rank = int(t.get_text().split(".")[0])
        (a, b), (c, d) = ax.transData.inverted().transform(t.get_window_extent(renderer).get_points())
        assert districts.loc[rank, "geometry"].contains(shapely.box(a, b, c, d)), t.get_text()
    assert len(texts) <= 5 and "Largest gaps" in " ".join(t.get_text() for t in fig.texts)
    panels = [a for a in plot_district_groups(result, "coverage").axes
              if (a.get_gid() or "").startswith("panel")]
    assert len(panels) == 6 and all(any(t.get_text() == "Tonle Sap" for t in a.texts)
                                    for a in panels)
