"""Tests of the coverage and gap method (coverage/scores.py).

Method tests use small hand-made served tables whose every number is worked out
by hand in the comments; forum spot-checks run the real pipeline.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from coverage.errors import RecordsError
from coverage.scores.tables import COUNT_COLUMNS
from coverage.scores import analyze, format_suppressed, score, sensitivity, \
    suggest_expansion
from coverage.taxonomy import services_table

PROV = pd.DataFrame({"code": ["01", "02", "03"],
                     "name": ["Banteay Meanchey", "Battambang", "Kampong Cham"]})
POP = {"01": 100, "02": 400, "03": 200}  # need = 0.25, 1, 0.5


def served_table(rows):
    return pd.DataFrame(rows, columns=["record_id", "group_id", "service_id", "institution",
                                       "province_code", "basis"]).astype(
        {"service_id": "Int64"})


@pytest.fixture
def served():
    na = pd.NA
    return served_table([
        ("r1", 3, 1, "A", "01", "named"),
        ("r2", 3, 1, "A", "01", "named"),       # same institution, second record
        ("r3", 3, 2, "B", "01", "site"),        # a site counts as local
        ("r4", 3, 1, "C", "01", "named"),       # C names 01 and claims the rest nationwide
        ("r4", 3, 1, "C", "02", "nationwide"),
        ("r4", 3, 1, "C", "03", "nationwide"),
        ("r5", 5, na, "D", "02", "named"),      # group-level claim: every legal aid type
        ("r6", 5, 2, "D", "01", "nationwide"),
        ("r6", 5, 2, "D", "02", "named"),
        ("r6", 5, 2, "D", "03", "nationwide"),
    ])


def row(result, code, group):
    bp = result.by_province
    return bp[(bp["province_code"] == code) & (bp["group_id"] == group)].iloc[0]


def cell(result, code, group, service):
    bs = result.by_service
    return bs[(bs["province_code"] == code) & (bs["group_id"] == group)
              & (bs["service_id"] == service)].iloc[0]


# ---------------------------------------------------------------- shape


def test_tables_have_one_row_per_province_group_and_service(served):
    res = score(served, PROV, population=POP)
    assert len(res.by_province) == 3 * 7
    assert len(res.by_service) == 3 * len(services_table())
    assert list(res.by_province[["province_code", "group_id"]].itertuples(index=False)) == [
        (c, g) for c in ("01", "02", "03") for g in range(7)]
    assert res.by_province["services_total"].tolist()[:7] == [30, 6, 6, 2, 6, 4, 6]


# ---------------------------------------------------------------- levels and coverage


def test_level_named_nationwide_none(served):
    res = score(served, PROV, population=POP)
    assert cell(res, "01", 3, 1)["level"] == 1        # named by A and C
    assert cell(res, "02", 3, 1)["level"] == 0.5      # only C's nationwide claim
    assert cell(res, "02", 3, 2)["level"] == 0        # nobody
    assert cell(res, "01", 3, 2)["level"] == 1        # B's site


def test_coverage_is_mean_over_all_types_including_unoffered(served):
    res = score(served, PROV, population=POP)
    assert row(res, "01", 3)["coverage"] == 1.0            # (1 + 1) / 2
    assert row(res, "02", 3)["coverage"] == 0.25           # (0.5 + 0) / 2
    assert row(res, "01", 5)["coverage"] == 0.125          # (0 + 0.5 + 0 + 0) / 4
    assert row(res, "02", 5)["coverage"] == 1.0            # group-level claim: all four
    # local / only nationwide counts of service types
    assert (row(res, "02", 5)["services_local"], row(res, "02", 5)["services_nationwide_only"]) \
        == (4, 0)
    assert (row(res, "02", 3)["services_local"], row(res, "02", 3)["services_nationwide_only"]) \
        == (0, 1)                                          # 3.1 by C's claim only; 3.2 nobody
    assert (row(res, "01", 5)["services_local"], row(res, "01", 5)["services_nationwide_only"]) \
        == (0, 1)


def test_group_nobody_offers_is_no_data_not_zero(served):
    res = score(served, PROV, population=POP)
    g1 = res.by_province[res.by_province["group_id"] == 1]
    assert g1["coverage"].isna().all() and g1["gap"].isna().all()
    assert g1[["gap_rank", "coverage_rank", "need_rank"]].isna().all().all()
    assert (g1["services_local"] == 0).all() and (g1["providers"] == 0).all()
    assert res.groups_without_data() == [1, 2, 4, 6]
    assert res.rank(1).empty
    assert (res.by_service.query("group_id == 1")["institutions_local"] == "").all()


def test_nationwide_weight_zero_and_one(served):
    zero = score(served, PROV, population=POP, nationwide_weight=0)
    one = score(served, PROV, population=POP, nationwide_weight=1)
    assert row(zero, "02", 3)["coverage"] == 0 and row(zero, "02", 3)["services_local"] == 0
    assert zero.groups_without_data() == [1, 2, 4, 6]     # a nationwide claim is data at w=0
    assert row(one, "02", 3)["coverage"] == 0.5
    assert row(one, "01", 5)["coverage"] == 0.25
    # the weight changes levels only, never counts
    for col in COUNT_COLUMNS:
        assert zero.by_province[col].equals(one.by_province[col])


@pytest.mark.parametrize("bad", [-0.1, 1.5, "half", float("nan")])
def test_nationwide_weight_is_validated(served, bad):
    with pytest.raises(ValueError, match="nationwide_weight"):
        score(served, PROV, population=POP, nationwide_weight=bad)


# ---------------------------------------------------------------- counts


def test_providers_are_distinct_institutions(served):
    res = score(served, PROV, population=POP)
    r = row(res, "01", 3)
    assert (r["providers_local"], r["providers_nationwide"], r["providers"]) == (3, 0, 3)
    assert r["records"] == 4                                 # r1..r4
    r = row(res, "02", 3)
    assert (r["providers_local"], r["providers_nationwide"], r["providers"]) == (0, 1, 1)
    # D names 02 for legal aid, so its nationwide claim does not count again there
    r = row(res, "02", 5)
    assert (r["providers_local"], r["providers_nationwide"], r["records"]) == (1, 0, 2)  # r5, r6
    assert row(res, "01", 5)["providers_nationwide"] == 1
    c = cell(res, "01", 3, 1)
    assert (c["providers_local"], c["providers_nationwide"], c["records"]) == (2, 0, 3)
    assert c["institutions_local"] == "A; C" and c["institutions_nationwide"] == ""
    c = cell(res, "03", 3, 1)
    assert c["institutions_nationwide"] == "C" and c["providers_nationwide"] == 1


def test_all_groups_row(served):
    res = score(served, PROV, population=POP)
    r = row(res, "01", 0)
    assert r["group"].startswith("all groups")
    assert r["coverage"] == pytest.approx((1 + 0.125) / 2, abs=1e-4)  # the 2 groups with data
    assert (r["providers_local"], r["providers_nationwide"], r["providers"]) == (3, 1, 4)
    assert (r["records"], r["services_local"], r["services_nationwide_only"],
            r["services_total"]) == (4, 2, 1, 30)
    r = row(res, "02", 0)
    assert r["coverage"] == pytest.approx((0.25 + 1) / 2)
    assert (r["providers_local"], r["providers_nationwide"], r["providers"]) == (1, 1, 2)
    assert r["gap"] == pytest.approx(1 * (1 - 1.25 / 2))
    assert row(res, "03", 0)["providers"] == 2


def test_population_per_local_provider(served):
    res = score(served, PROV, population=POP)
    assert row(res, "01", 0)["population_per_local_provider"] == 33.3   # 100 / 3, 1 decimal
    assert row(res, "02", 5)["population_per_local_provider"] == 400
    assert pd.isna(row(res, "02", 3)["population_per_local_provider"])
    assert pd.isna(row(res, "03", 0)["population_per_local_provider"])


# ---------------------------------------------------------------- need, gap, rank


def test_need_gap_and_rank(served):
    res = score(served, PROV, population=POP)
    g3 = res.by_province[res.by_province["group_id"] == 3].set_index("province_code")
    assert g3["need"].tolist() == [0.25, 1.0, 0.5]
    assert g3["gap"].tolist() == pytest.approx([0.0, 0.75, 0.375])
    assert g3["gap_rank"].tolist() == [pd.NA, 1, 2]        # gap 0: not ranked
    assert g3["coverage_rank"].tolist() == [3, 1, 1]       # coverages 1, .25, .25
    assert g3["need_rank"].tolist() == [3, 1, 2]
    assert (res.params.nationwide_weight, res.params.min_count, res.params.need) == (0.5, 1, "population")


def test_equal_gaps_share_a_rank(served):
    res = score(served, PROV, population=POP, need={"01": 7, "02": 7, "03": 7})
    g3 = res.by_province[res.by_province["group_id"] == 3]
    assert g3["gap"].tolist() == [0.0, 0.75, 0.75]
    assert g3["gap_rank"].tolist() == [pd.NA, 1, 1]
    g5 = res.by_province[res.by_province["group_id"] == 5]   # gaps .875, 0, .875 -> 1, -, 1
    assert g5["gap_rank"].tolist() == [1, pd.NA, 1]
    assert res.rank(5)["province_code"].tolist() == ["01", "03"]   # ties listed by code


def test_uniform_need_ranks_by_coverage_alone():
    res = analyze(need="uniform")
    assert res.params.need == "uniform" and (res.by_province["need"] == 1).all()
    for g in range(1, 7):
        part = res.by_province[res.by_province["group_id"] == g].dropna(subset=["gap_rank"])
        # with equal need, the gap rank is the coverage rank among the ranked provinces
        assert (part["gap_rank"] == part["coverage_rank"]).all()


def test_custom_need_forms(served, tmp_path):
    want = [0.5, 1.0, 0.25]
    series = pd.Series({"01": 2.0, "02": 4.0, "03": 1.0}, name="cases")
    frame = pd.DataFrame({"province_code": ["03", "01", "02"], "cases": [1, 2, 4]})
    path = tmp_path / "need.csv"
    frame.to_csv(path, index=False)
    for need in (series, series.to_dict(), frame, path, str(path)):
        res = score(served, PROV, population=POP, need=need)
        assert res.by_province.query("group_id == 0")["need"].tolist() == want
        assert res.params.need.startswith("custom")
    # population is still the census column, need is the indicator
    assert res.by_province["population"].tolist()[:1] == [100]


def test_need_missing_or_bad_province_is_named(served):
    with pytest.raises(ValueError, match=r"for Kampong Cham \(03\)$"):
        score(served, PROV, population=POP, need={"01": 1, "02": 2})
    with pytest.raises(ValueError, match=r"'99'"):
        score(served, PROV, population=POP, need={"01": 1, "02": 2, "03": 1, "99": 4})
    with pytest.raises(ValueError, match=r"for Battambang \(02\)$"):
        score(served, PROV, population=POP, need={"01": 1, "02": -2, "03": 1})
    with pytest.raises(ValueError, match="every province"):
        score(served, PROV, population=POP, need={"01": 0, "02": 0, "03": 0})


# ---------------------------------------------------------------- input errors


def test_bad_served_rows_name_row_and_column(served):
    bad = served.copy()
    bad.loc[4, "basis"] = "rumour"
    with pytest.raises(RecordsError) as err:
        score(bad, PROV, population=POP)
    assert err.value.row == 4 and err.value.column == "basis"
    bad = served.copy()
    bad.loc[2, "service_id"] = 9                    # shelter has two types
    with pytest.raises(RecordsError, match="no such service") as err:
        score(bad, PROV, population=POP)
    assert err.value.row == 2
    bad = served.copy()
    bad.loc[0, "province_code"] = "24"              # not among the scored provinces
    with pytest.raises(RecordsError) as err:
        score(bad, PROV, population=POP)
    assert err.value.column == "province_code"
    bad = served.copy()
    bad.loc[1, "record_id"] = "r3"                  # r3 would be two different offers
    with pytest.raises(RecordsError, match="r3"):
        score(bad, PROV, population=POP)
    with pytest.raises(RecordsError, match="institution"):
        score(served.drop(columns="institution"), PROV, population=POP)


# ---------------------------------------------------------------- min_count


@pytest.fixture
def small_counts():
    rows = [(f"a{i}", 3, 1, "A", "01", "named") for i in range(5)]
    rows += [("b1", 5, 1, "B", "01", "named")]
    rows += [(f"c{i}", 3, 1, "A", "02", "named") for i in range(4)]
    return served_table(rows)


def test_min_count_one_suppresses_nothing(served):
    res = score(served, PROV, population=POP)
    assert not res.by_province["suppressed"].any() and not res.by_service["suppressed"].any()
    for col in COUNT_COLUMNS:
        assert res.by_province[col].notna().all()


def test_min_count_primary_and_complementary(small_counts):
    res = score(small_counts, PROV, population=POP, min_count=3)
    # 01: records g3 = 5, g5 = 1 (< 3), all = 6 published -> g5 withheld, and g3 too,
    # or 6 - 5 would give it away
    assert pd.isna(row(res, "01", 5)["records"])
    assert pd.isna(row(res, "01", 3)["records"])
    assert row(res, "01", 0)["records"] == 6
    # g3 is now withheld, its service cells would add back to it: one is withheld too
    assert pd.isna(cell(res, "01", 3, 1)["records"])
    assert cell(res, "01", 3, 2)["records"] == 0
    # 02: 4 records (published), 1 provider (withheld) and population per provider with it
    assert row(res, "02", 3)["records"] == 4
    assert pd.isna(row(res, "02", 3)["providers_local"])
    assert pd.isna(row(res, "02", 3)["population_per_local_provider"])
    assert pd.isna(cell(res, "02", 3, 1)["institutions_local"])
    # zeros are published, scores are kept
    assert row(res, "03", 3)["records"] == 0
    plain = score(small_counts, PROV, population=POP)
    pd.testing.assert_series_equal(res.by_province["gap"], plain.by_province["gap"])
    assert row(res, "01", 5)["suppressed"] and not row(res, "03", 3)["suppressed"]
    text = format_suppressed(res.by_province, 3)
    assert text.loc[(text["province_code"] == "01") & (text["group_id"] == 5),
                    "records"].item() == "<3"
    assert text.loc[(text["province_code"] == "01") & (text["group_id"] == 0),
                    "records"].item() == "6"


def _lines(res):
    """(cells, total) value lists of every line the suppression rule protects."""
    bp, bs = res.by_province, res.by_service
    for col in COUNT_COLUMNS:
        for _, part in bp.groupby("province_code"):
            yield part.loc[part["group_id"] > 0, col].tolist(), \
                part.loc[part["group_id"] == 0, col].item()
    for col in ("records", "providers_local", "providers_nationwide"):
        for (pc, g), part in bs.groupby(["province_code", "group_id"]):
            total = bp.loc[(bp["province_code"] == pc) & (bp["group_id"] == g), col].item()
            yield part[col].tolist(), total
    for r in bp.itertuples():
        yield [r.providers_local, r.providers_nationwide], r.providers


@pytest.mark.parametrize("k", [2, 3, 5])
def test_no_published_small_count_and_no_line_with_one_hidden_cell(served, small_counts, k):
    for data in (served, small_counts):
        res = score(data, PROV, population=POP, min_count=k)
        for table in (res.by_province, res.by_service):
            for col in set(COUNT_COLUMNS) & set(table.columns):
                shown = table[col].dropna()
                assert not shown.between(1, k - 1).any(), col
                assert (table["suppressed"] | table[col].notna()).all()
        for cells, total in _lines(res):
            hidden = sum(pd.isna(c) for c in cells)
            assert not (pd.notna(total) and hidden == 1), (cells, total)
            if pd.isna(total):
                assert hidden >= 1 or all(c == 0 for c in cells), (cells, total)


def test_min_count_is_validated(served):
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="min_count"):
            score(served, PROV, population=POP, min_count=bad)


def test_to_csv_prints_withheld_counts(small_counts, tmp_path):
    res = score(small_counts, PROV, population=POP, min_count=3)
    res.to_csv(tmp_path / "p.csv")
    res.to_csv(tmp_path / "s.csv", table="by_service")
    text = pd.read_csv(tmp_path / "p.csv", dtype=str, keep_default_na=False)
    assert (text["records"] == "<3").sum() == res.by_province["records"].isna().sum() > 0
    assert "<3" in pd.read_csv(tmp_path / "s.csv", dtype=str)["records"].tolist()


# ---------------------------------------------------------------- rank, sensitivity, expansion


def test_rank_gives_reasons(served):
    res = score(served, PROV, population=POP)
    top = res.rank("legal")
    assert top["province_code"].tolist() == ["03", "01"]   # gaps .4375, .2188; 02 has none
    assert top["gap_rank"].tolist() == [1, 2]
    r = top.iloc[0]
    assert r["nationwide_only_services"] == "Legal investigation"
    assert r["missing_services"].split("; ") == [
        "Legal counseling/advice/assistance (complaint...)",
        "Legal representation (lawyers at the court)", "Criminal case referral coordination"]
    assert len(res.rank(5, n=1)) == 1 and res.rank(5, n=0).empty
    with pytest.raises(ValueError, match="n must be"):
        res.rank(1, n=-3)
    assert res.rank("all")["group_id"].eq(0).all()
    with pytest.raises(KeyError):
        res.rank("astrology")


def test_sensitivity_lists_top_n_per_weight(served):
    res = score(served, PROV, population=POP)
    table = sensitivity(res, (0, 1), n=2)
    assert set(table["nationwide_weight"]) == {0.0, 1.0}
    assert len(table) == 2 * 2 * 2        # 2 weights x groups 3 and 5 (the rest: no data)
    g3 = table[table["group_id"] == 3]
    # weight 0: gaps 0, 1, .5; weight 1: 0, .5, .25 -> same top two, robust
    assert g3["province_code"].tolist() == ["02", "03", "02", "03"] and g3["robust"].all()
    pd.testing.assert_frame_equal(table, res.sensitivity((0, 1), n=2))
    # a province with gap 0 is not underserved: 02 (fully served for legal aid) never appears
    assert not ((table["group_id"] == 5) & (table["province_code"] == "02")).any()
    assert (table["gap"] > 0).all()
    assert sensitivity(res, []).empty and list(sensitivity(res, []).columns) == list(
        table.columns)
    with pytest.raises(ValueError):
        sensitivity(res, (0.5,), n=0)


def test_sensitivity_ignores_weights_without_any_gap():
    # one nationwide claim for immediate support: at weight 1 nobody has a gap
    one = served_table([("x", 1, pd.NA, "Z", None, "nationwide")])
    table = score(one, PROV, population=POP).sensitivity((0, 1), n=2)
    assert set(table["nationwide_weight"]) == {0.0}
    assert table["province_code"].tolist() == ["02", "03"] and table["robust"].all()


def test_suggest_expansion_greedy(served):
    res = score(served, PROV, population=POP)
    plan = suggest_expansion(res, "shelter", k=3)
    # gaps 0, .75, .375: 02 then 03; 01 already fully covered gives nothing
    assert plan["province_code"].tolist() == ["02", "03"]
    assert plan["gap_reduction"].tolist() == pytest.approx([0.75, 0.375])
    assert plan["total_gap_before"].iloc[0] == pytest.approx(1.125)
    assert plan["total_gap_after"].iloc[-1] == pytest.approx(0)
    assert plan["services_added"].iloc[0].startswith("Shelter/Center; Interim care")
    capped = res.suggest_expansion("shelter", k=2, max_services=1)
    # one type at a time: 02's missing interim care (level 0) first, then 02 or 03 again
    assert capped["province_code"].iloc[0] == "02"
    assert capped["services_added"].iloc[0].startswith("Interim care")
    assert capped["gap_reduction"].iloc[0] == pytest.approx(1 * 1 / 2)
    overall = suggest_expansion(res, "all", k=2)
    # over the 2 groups with data: 02 shelter (1 x 1.5/2 / 2), then 03 legal (.5 x 3.5/4 / 2)
    assert list(zip(overall["province_code"], overall["group_id"])) == [("02", 3), ("03", 5)]
    assert overall["gap_reduction"].tolist() == pytest.approx([0.375, 0.21875])
    with pytest.raises(ValueError, match="no data"):
        suggest_expansion(res, "immediate", k=1)
    totals = overall["total_gap_before"] - overall["total_gap_after"]
    assert totals.tolist() == pytest.approx(overall["gap_reduction"].tolist())


# ---------------------------------------------------------------- determinism, speed, display


def test_same_input_same_output_and_row_order_independent(served):
    a = score(served, PROV, population=POP, min_count=2)
    b = score(served, PROV, population=POP, min_count=2)
    shuffled = served.sample(frac=1, random_state=7).reset_index(drop=True)
    c = score(shuffled, PROV.iloc[::-1], population=POP, min_count=2)
    for other in (b, c):
        pd.testing.assert_frame_equal(a.by_province, other.by_province)
        pd.testing.assert_frame_equal(a.by_service, other.by_service)


def test_two_hundred_thousand_rows_count_each_record_once():
    rng = np.random.default_rng(1)
    n = 200_000
    svc = services_table()
    pick = rng.integers(0, len(svc), n)
    basis = rng.choice(["named", "site", "nationwide"], n, p=[0.7, 0.2, 0.1])
    served = pd.DataFrame({
        "record_id": pd.Series(np.arange(n)).map("R{:07d}".format),
        "group_id": svc["group_id"].to_numpy()[pick],
        "service_id": pd.array(svc["service_id"].to_numpy()[pick], dtype="Int64"),
        "institution": pd.Series(rng.integers(0, 500, n)).map("org{}".format),
        "province_code": PROV["code"].to_numpy()[rng.integers(0, 3, n)],
        "basis": basis})
    res = score(served, PROV, population=POP)  # speed is measured in benchmarks/, not here
    local_01 = (basis != "nationwide") & (served["province_code"] == "01").to_numpy()
    assert res.by_province["records"].iloc[0] == local_01.sum()   # one row per record


def test_repr_and_html(served):
    res = score(served, PROV, population=POP)
    assert "CoverageResult: frame 2013, 3 provinces" in repr(res)
    assert "<table" in res._repr_html_() and "Legal aid" in res._repr_html_()


# ---------------------------------------------------------------- forum data


@pytest.fixture(scope="module")
def forum():
    return analyze()


def test_forum_shape_and_values(forum):
    bp = forum.by_province
    assert len(bp) == 168 and forum.frame == "2010"
    assert bp["province_code"].nunique() == 24
    assert bp["coverage"].between(0, 1).all()
    for col in ("coverage", "need", "gap"):          # published at 4 decimals
        assert (bp[col] == bp[col].round(4)).all(), col
    for col in ("coverage", "need", "gap", "population"):
        assert np.isfinite(bp[col].astype(float)).all(), col
    ppp = bp["population_per_local_provider"].dropna().astype(float)
    assert np.isfinite(ppp).all() and (ppp > 0).all()
    assert (bp.loc[bp["providers_local"] == 0, "population_per_local_provider"].isna()).all()
    assert len(forum.by_service) == 24 * 30
    assert isinstance(forum.rejected, pd.DataFrame) and isinstance(forum.unresolved,
                                                                  pd.DataFrame)


def test_forum_phnom_penh_leads_education(forum):
    g4 = forum.by_province[forum.by_province["group_id"] == 4]
    top = g4.sort_values("providers_local", ascending=False, kind="mergesort").iloc[:2]
    assert top["province"].iloc[0] == "Phnom Penh"
    assert top["providers_local"].iloc[0] > top["providers_local"].iloc[1]


def test_forum_legal_aid_nationwide_everywhere(forum):
    g5 = forum.by_province[forum.by_province["group_id"] == 5]
    assert (g5["providers_nationwide"] > 0).all()
    assert (g5["coverage"] >= 0.5).all()       # every type of legal aid is claimed nationwide


def test_forum_is_deterministic(forum):
    again = analyze()
    pd.testing.assert_frame_equal(forum.by_province, again.by_province)
    pd.testing.assert_frame_equal(forum.by_service, again.by_service)


def test_forum_records_table_and_user_sheet():
    from importlib import resources
    from coverage.records import load_forum_records

    records = load_forum_records().records
    res = analyze(records[records["group_id"] == 3], frame="2010")
    assert len(res.by_province) == 168
    assert res.by_province.query("group_id == 1")["coverage"].isna().all()   # no data
    assert res.groups_without_data() == [1, 2, 4, 5, 6]
    with resources.as_file(resources.files("coverage") / "data" / "example_records.csv") as p:
        user = analyze(p)
    assert user.frame == "2013" and len(user.by_province) == 25 * 7
    with pytest.raises(ValueError, match="nationwide_weight"):
        analyze(nationwide_weight=2)


def test_forum_geodataframe(forum):
    gdf = forum.to_geodataframe("shelter")
    assert len(gdf) == 24 and gdf.geometry.notna().all()
    assert gdf["coverage"].between(0, 1).all()


def test_forum_min_count_hides_small_counts():
    res = analyze(min_count=5)
    shown = res.by_province["records"].dropna()
    assert not shown.between(1, 4).any()
    assert res.by_province["suppressed"].any()
    pd.testing.assert_series_equal(res.by_province["gap"], analyze().by_province["gap"])


def test_empty_and_nationwide_only_tables():
    empty = served_table([])
    res = score(empty, PROV, population=POP, min_count=3)
    assert res.by_province["coverage"].isna().all() and (res.by_province["providers"] == 0).all()
    assert res.by_province["gap_rank"].isna().all()
    with pytest.raises(ValueError, match="no data"):
        suggest_expansion(res, "legal", k=1)
    # one group-level nationwide claim: half of every immediate-support type, everywhere
    one = served_table([("x", 1, pd.NA, "Z", None, "nationwide")])
    res = score(one, PROV, population=POP)
    g1 = res.by_province.query("group_id == 1")
    assert (g1["coverage"] == 0.5).all() and (g1["providers_nationwide"] == 1).all()
    assert (g1["records"] == 0).all()                     # records count local rows only
    plan = suggest_expansion(res, 1, k=5)                 # stops once nothing is left to add
    assert plan["province_code"].tolist() == ["02", "03", "01"]
    assert plan["total_gap_after"].iloc[-1] == pytest.approx(0)


def test_forum_on_2013_frame_spreads_kampong_cham_by_default():
    """In 2010 "Kampong Cham" included Tbong Khmum: spread, the two get the same coverage
    in every group; not spread, Tbong Khmum looks bare and ranks high everywhere."""
    spread, kept = analyze(frame="2013"), analyze(frame="2013", spread=False)
    assert spread.params.spread and not kept.params.spread and not analyze().params.spread
    bp = spread.by_province.set_index(["province", "group_id"])["coverage"]
    for g in range(1, 7):
        assert bp[("Tbong Khmum", g)] == bp[("Kampong Cham", g)], g

    def top5(r):
        return sum("Tbong Khmum" in r.rank(g, 5)["province"].tolist() for g in range(1, 7))
    assert top5(spread) < top5(kept)
