"""The report's opening findings, checked against facts derived independently of them:
the served table, the published 2008 census totals, and a hand-made partial sheet."""
from __future__ import annotations

import re

import pytest

from coverage.boundaries import load_population
from coverage.report import build_findings, render_report
from coverage.scores import analyze
from coverage.taxonomy import GROUPS

# Published 2008 census figures (NIS, General Population Census of Cambodia 2008).
CAMBODIA_2008 = 13_395_682
PHNOM_PENH_2008, BATTAMBANG_2008, SIEM_REAP_2008 = 1_327_615, 1_025_174, 896_443

PARTIAL = """record_id,institution,group,service,area
P1,Agency A,shelter,,Phnom Penh
P2,Agency B,shelter,,Battambang
P3,Agency C,legal,,24 capital/provinces
P4,Agency D,legal,,Siem Reap
"""


@pytest.fixture(scope="module")
def forum():
    return analyze()


@pytest.fixture(scope="module")
def partial(tmp_path_factory):
    path = tmp_path_factory.mktemp("partial") / "partial.csv"
    path.write_text(PARTIAL, encoding="utf-8")
    return analyze(path)


def test_forum_findings_count_and_order(forum):
    found = build_findings(forum)
    assert 4 <= len(found) <= 10
    assert [f.kind for f in found] == ["gap"] * 6 + ["robust", "need", "caveat", "caveat"]


def test_forum_unserved_provinces_match_the_served_table(forum):
    """'no provider works locally in k of 24': k and the people counted from the served
    table and the census file, not from by_province."""
    served = forum.served
    pop = load_population("2010").set_index("province_code")["population"]
    all_codes = set(forum.by_province["province_code"])
    found = {f.group_id: f.text for f in build_findings(forum) if f.kind == "gap"}
    for g in GROUPS:
        local = served[(served["group_id"] == g.id)
                       & served["basis"].astype(str).isin(["named", "site"])]
        bare = all_codes - set(local["province_code"].astype(str))
        people = int(pop.reindex(sorted(bare)).sum())
        assert f"in {len(bare)} of 24 provinces" in found[g.id], (g.id, found[g.id])
        assert f"home to {people:,} people" in found[g.id]


def test_forum_shelter_sentence_by_hand(forum):
    text = next(f.text for f in build_findings(forum) if f.group_id == 3)
    # Takeo has no local shelter, only the nationwide claims, and the most people of those
    assert text.startswith("Shelter and interim care: no provider works locally in 12 of 24")
    assert ": Takeo, " in text and "only nationwide claims reach them" in text


def test_robust_sentence_matches_rank_ranges(forum):
    """Robust = the whole range in the top 5; each named with its rank and range."""
    ranges = forum.rank_ranges()
    text = next(f.text for f in build_findings(forum) if f.kind == "robust")
    assert "38 institutions" in text and "need population or migrants" in text
    for g in GROUPS:
        rows = ranges[(ranges["group_id"] == g.id) & (ranges["rank_max"] <= 5)]
        part = text.split(g.name + ": ")[1].split(";")[0]
        named = re.findall(r"([A-Z][a-z]+(?: [A-Z][a-z]+)?) \((\d+)\w\w, range (\d+)–(\d+)\)",
                           part)
        assert sorted(n for n, *_ in named) == sorted(rows["province"]), g.id
        for name, rank, lo, hi in named:
            row = rows[rows["province"] == name].iloc[0]
            assert (int(rank), int(lo), int(hi)) == (row["gap_rank"], row["rank_min"],
                                                     row["rank_max"])
    # by hand from the 2010 forum tables: Takeo is first for shelter and never below 3rd
    assert "Shelter and interim care: Takeo (1st, range 1–3)" in text


def test_need_sentence_names_agreement_and_disagreement(forum):
    """Checked against two independent runs, need=population and need=migrants."""
    text = next(f.text for f in build_findings(forum) if f.kind == "need")
    migrants = analyze(need="migrants")
    for g in GROUPS:
        pop = forum.rank(g.id, 5)["province"].tolist()
        mig = migrants.rank(g.id, 5)["province"].tolist()
        part = text.split(g.name + ": ")[1].split(f"; {GROUPS[g.id].name}" if g.id < 6 else
                                                  "\n")[0]
        both = [p for p in pop if p in mig]
        if both:
            assert part.startswith("both " + (both[0] if len(both) == 1 else ", ".join(
                both[:-1]) + " and " + both[-1])), (g.id, part)
        for p in set(pop) - set(mig):
            assert p in part.split("population only ")[1].split("; migrants")[0]
        for p in set(mig) - set(pop):
            assert p in part.split("migrants only ")[1]
    # Kandal, third most populous in 2008, has few international migrants: population only
    assert "population only Kandal" in text


def test_caveats_name_weight_need_and_boundaries(forum):
    caveats = " ".join(f.text for f in build_findings(forum) if f.kind == "caveat")
    assert "counts as 0.5 of a local one" in caveats
    assert "not the share of people served" in caveats
    assert "2008 census population" in caveats and "Open Development Cambodia" in caveats
    uniform = " ".join(f.text for f in build_findings(analyze(need="uniform")))
    assert "ranking is by coverage alone" in uniform


def test_spread_is_mentioned_only_on_the_2013_frame(forum):
    assert "Tbong Khmum" not in " ".join(f.text for f in build_findings(forum))
    on_2013 = " ".join(f.text for f in build_findings(analyze(frame="2013")))
    assert "spread to Tbong Khmum" in on_2013


def test_partial_sheet_by_hand(partial):
    found = build_findings(partial)
    texts = {f.group_id: f.text for f in found if f.kind == "gap"}
    assert set(texts) == {3, 5}
    # shelter is local only in Phnom Penh and Battambang: 23 of 25 provinces lack it
    assert "in 23 of 25 provinces" in texts[3]
    assert f"home to {CAMBODIA_2008 - PHNOM_PENH_2008 - BATTAMBANG_2008:,} people" in texts[3]
    assert "not even a nationwide claim reaches them" in texts[3]
    # legal aid: local only in Siem Reap, nationwide claimed elsewhere
    assert f"in 24 of 25 provinces (home to {CAMBODIA_2008 - SIEM_REAP_2008:,}" in texts[5]
    assert "only nationwide claims reach them" in texts[5]
    no_data = next(f.text for f in found if f.kind == "no-data")
    for g in (1, 2, 4, 6):
        assert f"{g}. " in no_data
    assert "(all equally covered, so in order of need)" in next(
        f.text for f in found if f.kind == "robust")


def test_partial_sheet_tables_and_report(partial):
    bp = partial.by_province
    absent = bp[bp["group_id"].isin([1, 2, 4, 6])]
    assert absent["coverage"].isna().all() and absent["gap_rank"].isna().all()
    assert partial.rank("immediate").empty
    shelter = bp[bp["group_id"] == 3]
    # equal coverage everywhere but PNH and BB: ranks follow need, equal gaps share
    assert shelter["gap_rank"].notna().sum() == 23
    assert set(shelter.loc[shelter["gap_rank"].isna(), "province"]) == {"Phnom Penh",
                                                                       "Battambang"}
    html = render_report(partial, run_date="2026-01-31")
    section = html[html.index('id="underserved"'):html.index('id="findings"')]
    assert section.count("No data: no record offers this group anywhere") == 4
    assert section.count("<table>") == 2
    first = html[:html.index('id="explore"')]
    assert "No record in these data offers" in first
