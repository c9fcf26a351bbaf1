"""Rank ranges (issue 18.3) and claims as bounds and densities (18.2, 18.5).

The ranges are checked against a hand-worked table and against the method itself run on
the reduced records (:func:`score_tables` with one institution left out: a naive oracle
that shares nothing with the presence arrays of ``coverage.scores.ranges``); bounds
against the method at weights 0 and 1; densities against the published 2008 census.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from coverage.scores import analyze, score
from coverage.scores.inputs import score_inputs
from coverage.scores.method import score_tables
from coverage.scores.ranges import (describe_range, need_rankings, rank_ranges,
                                    scenario_needs, scenario_ranks)

PROV = pd.DataFrame({"code": ["01", "02", "03"],
                     "name": ["Banteay Meanchey", "Battambang", "Kampong Cham"]})
POP = {"01": 100, "02": 400, "03": 200}  # need = 0.25, 1, 0.5


@pytest.fixture(scope="module")
def forum():
    return analyze()


def _hand_result():
    """Shelter (2 types). A: type 1 in 02; B: both types nationwide; C: type 2 in 03."""
    rows = [("a", 3, 1, "A", "02", "named"), ("c", 3, 2, "C", "03", "named")]
    rows += [(f"b{s}", 3, s, "B", p, "nationwide") for s in (1, 2) for p in ("01", "02", "03")]
    served = pd.DataFrame(rows, columns=["record_id", "group_id", "service_id", "institution",
                                         "province_code", "basis"]).astype({"service_id": "Int64"})
    res = score(served, PROV, population=POP)
    return replace(res, inputs=replace(res.inputs, migrants=None))   # need: population only


def test_rank_ranges_by_hand():
    # Gaps (01, 02, 03), need .25, 1, .5:
    #   all records  w=.5: .125 .25 .125 -> ranks 2 1 2;  w=0: .25 .5 .25 -> 2 1 2;  w=1: no gap
    #   without A    w=.5: .125 .5 .125 -> 2 1 2;         w=0: .25 1 .25 -> 2 1 2;  w=1: no gap
    #   without B    every w: .25 .5 .25 -> 2 1 2 (B was the only nationwide claim: 3 scenarios)
    #   without C    w=.5: .125 .25 .25 -> 3 1 1;         w=0: .25 .5 .5 -> 3 1 1;  w=1: no gap
    # 9 scenarios count; 01 ranks 2 (7 times) or 3 (twice), 03 ranks 2 or 1 (twice)
    res = _hand_result()
    r = rank_ranges(res, n=2).set_index("province_code")
    assert (r["scenarios"] == 9).all() and set(r["group_id"]) == {3}
    assert r.loc["02", ["rank_min", "rank_max", "top_n"]].tolist() == [1, 1, 9]
    assert r.loc["01", ["rank_min", "rank_max", "top_n"]].tolist() == [2, 3, 7]
    assert r.loc["03", ["rank_min", "rank_max", "top_n"]].tolist() == [1, 2, 9]
    assert r["robust"].to_dict() == {"01": False, "02": True, "03": True}
    assert r["gap_rank"].tolist() == [2, 1, 2]          # this run: equal gaps share rank 2
    one = rank_ranges(res, n=1).set_index("province_code")
    assert one["top_n"].tolist() == [0, 9, 2] and one["robust"].tolist() == [False, True, False]
    with pytest.raises(ValueError):
        rank_ranges(res, n=0)


def test_scenarios_agree_with_the_method_on_reduced_records(forum):
    """None, AFESIP, Destiny Rescue, GOHC (the one nationwide interim-care claim) and the
    last institution left out, both needs, 3 weights:
    the ranks equal score_tables' gap_rank on the served table without that institution."""
    inp = forum.inputs
    needs = scenario_needs(inp)
    assert list(needs) == ["population", "migrants"]
    weights = [0.0, 0.5, 1.0]
    ranks, ranked, counts = scenario_ranks(inp, weights, needs)
    names = list(inp.institutions)
    n_d = len(names) + 1
    assert ranks.shape == (2 * 3 * n_d, 24, 6)
    served = forum.served[["record_id", "group_id", "service_id", "institution",
                           "province_code", "basis"]]
    drops = sorted({0, names.index("AFESIP") + 1, names.index("Destiny Rescue") + 1,
                    names.index("GOHC") + 1, n_d - 1})
    codes = inp.provinces["code"]
    for ni, need in enumerate(needs.values()):
        for wi, w in enumerate(weights):
            for d in drops:
                keep = served if d == 0 else served[served["institution"].astype(str)
                                                    != names[d - 1]]
                bp, _ = score_tables(score_inputs(keep, inp.provinces, population=inp.population,
                                                  need=need), w)
                k = (ni * 3 + wi) * n_d + d
                for gi in range(6):
                    gap_rank = bp[bp["group_id"] == gi + 1].set_index(
                        "province_code")["gap_rank"].reindex(codes)
                    n_ranked = int(gap_rank.notna().sum())
                    assert counts[k, gi] == (n_ranked > 0)
                    if n_ranked:
                        expected = gap_rank.fillna(n_ranked + 1).astype(int).to_numpy()
                        np.testing.assert_array_equal(ranks[k, :, gi], expected)
                        np.testing.assert_array_equal(ranked[k, :, gi],
                                                      gap_rank.notna().to_numpy())


def test_forum_ranges_match_the_methods_review(forum):
    """Issue 18 measured on the forum data: Kampong Cham's medical rank ranges 1-8, and
    leaving out AFESIP moves rank 1 of immediate support away from Kandal."""
    r = forum.rank_ranges()
    kc = r[(r["group_id"] == 2) & (r["province"] == "Kampong Cham")].iloc[0]
    assert (kc["rank_min"], kc["rank_max"]) == (1, 8) and not kc["robust"]
    served = forum.served[["record_id", "group_id", "service_id", "institution",
                           "province_code", "basis"]]
    bp, _ = score_tables(score_inputs(served[served["institution"].astype(str) != "AFESIP"],
                                      forum.inputs.provinces,
                                      population=forum.inputs.population), 0.5)
    first = bp[(bp["group_id"] == 1) & (bp["gap_rank"] == 1)]["province"].tolist()
    assert first and "Kandal" not in first
    # robust exactly when the whole range is in the top 5
    counted = r[r["scenarios"] > 0]
    assert (counted["robust"] == (counted["rank_max"].fillna(99) <= 5)).all()
    # at weight 1 a shelter gap exists only without GOHC, the one nationwide claim of interim
    # care: of the 2 needs x 39 weight-1 scenarios, 2 count
    assert set(r.loc[r["group_id"] == 3, "scenarios"]) == {2 * 3 * 39 - 2 * 38}


def test_no_data_groups_have_no_ranges(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("institution,group,area\nA,shelter,Phnom Penh\nB,legal,Siem Reap\n",
                    encoding="utf-8")
    res = analyze(path)
    assert set(res.rank_ranges()["group_id"]) == {3, 5}
    # no data is not zero: no bounds and no densities either
    absent = res.by_province[res.by_province["group_id"].isin([1, 2, 4, 6])]
    for col in ("coverage_local", "coverage_claimed", "gap_local", "gap_claimed",
                "providers_local_per_100k", "providers_local_per_1000_migrants"):
        assert absent[col].isna().all(), col
    shelter = res.by_province[res.by_province["group_id"] == 3]
    assert shelter["providers_local_per_100k"].notna().all()


def test_describe_range():
    assert describe_range(1, 1, 3) == "1st, range 1–3"
    assert describe_range(3, 3, 3) == "3rd, always 3rd"
    assert describe_range(pd.NA, 1, 2) == "—"


def test_need_rankings_agree_with_analyze_under_each_need(forum):
    t = need_rankings(forum)
    mig = analyze(need="migrants")
    for g in range(1, 7):
        for name, res in (("population", forum), ("migrants", mig)):
            expected = res.rank(g, 5)["province"].tolist()
            got = t[(t["group_id"] == g) & (t["need"] == name)]["province"].tolist()
            assert got == expected, (g, name)


def test_coverage_and_gap_bounds_are_the_method_at_weights_0_and_1(forum):
    bp = forum.by_province
    for w, col in ((0.0, "local"), (1.0, "claimed")):
        other, _ = score_tables(forum.inputs, w)
        pd.testing.assert_series_equal(bp[f"coverage_{col}"], other["coverage"],
                                       check_names=False)
        pd.testing.assert_series_equal(bp[f"gap_{col}"], other["gap"], check_names=False)
    # by hand: Takeo shelter (2 types, both only claimed nationwide), need 844,906 / 1,679,992
    takeo = bp[(bp["province"] == "Takeo") & (bp["group_id"] == 3)].iloc[0]
    assert (takeo["coverage_local"], takeo["coverage"], takeo["coverage_claimed"]) == (0, .5, 1)
    assert takeo["gap_local"] == round(844_906 / 1_679_992, 4) and takeo["gap_claimed"] == 0
    assert ((bp["coverage_local"] <= bp["coverage"]) & (bp["coverage"] <= bp["coverage_claimed"])
            | bp["coverage"].isna()).all()


def test_densities_by_hand(forum):
    bp = forum.by_province
    # Banteay Meanchey, shelter: 1 local provider; 677,872 people (2008 census) and 52,131
    # international migrants over 18 (census communes summed, coverage/data/migrants_2008.csv)
    row = bp[(bp["province_code"] == "01") & (bp["group_id"] == 3)].iloc[0]
    assert row["providers_local"] == 1
    assert row["providers_local_per_100k"] == round(1e5 / 677_872, 4)
    assert row["providers_local_per_1000_migrants"] == round(1e3 / 52_131, 4)
    # withheld with their provider count: 2 local providers in 01, 1 in 02, k = 3
    rows = [("a", 3, 1, "A", "01", "named"), ("b", 3, 1, "B", "01", "named"),
            ("c", 3, 1, "A", "02", "named")]
    served = pd.DataFrame(rows, columns=["record_id", "group_id", "service_id", "institution",
                                         "province_code", "basis"]).astype({"service_id": "Int64"})
    k3 = score(served, PROV, population=POP, min_count=3).by_province
    hidden = k3["providers_local"].isna()
    assert set(k3.loc[hidden & (k3["group_id"] == 3), "province_code"]) == {"01", "02"}
    for col in ("providers_local_per_100k", "providers_local_per_1000_migrants",
                "population_per_local_provider"):
        assert k3.loc[hidden, col].isna().all(), col
    plain = score(served, PROV, population=POP).by_province.set_index(["province_code", "group_id"])
    assert plain.loc[("01", 3), "providers_local_per_100k"] == 2 * 1e5 / 100


def test_no_jackknife_when_counts_are_withheld():
    """With min_count > 1 a rank moving without one institution would tell where it is the
    only provider: only the 3 weights x 1 need (population; the hand table has no migrants)."""
    res = _hand_result()
    k3 = replace(res, params=replace(res.params, min_count=3))
    r = rank_ranges(k3, n=2).set_index("province_code")
    # all records: w=.5 and w=0 count (ranks 2 1 2), w=1 has no gap
    assert (r["scenarios"] == 2).all() and r["rank_max"].tolist() == [2, 1, 2]
    assert (rank_ranges(k3, n=2, jackknife=True)["scenarios"] == 9).all()
