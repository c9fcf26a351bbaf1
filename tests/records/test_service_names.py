"""Forgiving service names and all problems at once (issue 17).

The wordings are the forum report's own list of "Available Services" (section A, before
the annex tables number them; ``../shared/seed/000_a512bf7b4e73695b.txt``), the wordings a
programme manager tried in issue 17, and the services of the real health-facility sheets.
The expected types were worked out by hand against the annex names.
"""
from __future__ import annotations

import pytest

from coverage.errors import SheetProblems
from coverage.records import read_records
from coverage.taxonomy import SERVICES, ServiceNotFound, find_service, synonyms_table

# wording as written in the forum report (section A) -> (group, service) of the annex
FORUM_WORDINGS = [
    ("Repatriation and return facilitation", (1, 1)),
    ("On-arrival support/reception", (1, 2)),
    ("Temporary accommodation", (1, 3)),
    ("Basic need package", (1, 4)),
    ("Transportation fee for traveling back home", (1, 5)),
    ("General medical care", (2, 1)),
    ("Clinical treatment", (2, 2)),
    ("Psycho-social counseling", (2, 4)),
    ("Transportation fee to access health services", (2, 6)),
    ("Shelters/centers", (3, 1)),
    ("Interim care (including food, supplies, health check-up, life skills...)", (3, 2)),
    ("Formal education and available support/scholarship", (4, 1)),
    ("Informal education and available support/scholarship", (4, 2)),
    ("Job placement", (4, 3)),
    ("Vocational training", (4, 6)),
    ("Family tracing", (6, 1)),
    ("Post-reintegration follow-up and monitoring", (6, 2)),
    ("Referral hotline and coordination service", (6, 3)),
    ("Self-help group service", (6, 4)),
]
# section A lines naming two or three annex types at once: no single type, but suggestions
FORUM_COMBINED = [
    ("Mental health care and psychological therapy", {(2, 3), (2, 5)}),
    ("Start-up capital and logistics assistance", {(4, 4), (4, 5)}),
    ("Legal counseling, investigation and representation", {(5, 1), (5, 2)}),
]
ISSUE_WORDINGS = [("shelter", None, (3, 1)), ("legal representation", None, (5, 3)),
                  ("counselling", 2, (2, 4)), ("counselling", 5, (5, 1)),
                  ("psychosocial", None, (2, 4)), ("vocational training", None, (4, 6)),
                  ("SHELTER", "shelter", (3, 1)), ("psycho social counselling", 2, (2, 4))]


@pytest.mark.parametrize("wording,expected", FORUM_WORDINGS)
def test_forum_wordings_map_to_the_annex_type(wording, expected):
    s = find_service(wording)
    assert (s.group_id, s.id) == expected


@pytest.mark.parametrize("wording,expected", FORUM_COMBINED)
def test_combined_wordings_suggest_their_types(wording, expected):
    with pytest.raises(ServiceNotFound) as info:
        find_service(wording)
    assert expected & {(s.group_id, s.id) for s in info.value.closest}


@pytest.mark.parametrize("wording,group,expected", ISSUE_WORDINGS)
def test_issue_wordings(wording, group, expected):
    s = find_service(wording, group)
    assert (s.group_id, s.id) == expected


def test_counselling_without_group_is_ambiguous_and_names_both():
    with pytest.raises(ServiceNotFound, match=r"several groups \(2, 5\)") as info:
        find_service("counselling")
    assert [(s.group_id, s.id) for s in info.value.closest] == [(2, 4), (5, 1)]


def test_health_facility_sheet_services(shared):
    """The services written in the real health-facility sheets all resolve in group 2."""
    import csv
    folder = shared("data/external/health_facilities")
    names = set()
    for name in ("odc2010_records.csv", "yobol2022_records.csv"):
        with open(folder / name, encoding="utf-8", newline="") as f:
            names |= {r["service"] for r in csv.DictReader(f) if r["service"]}
    assert names == {"General medical care", "Clinical treatment"}
    assert {find_service(n, 2).id for n in names} == {1, 2}


def test_synonym_table_is_consistent():
    table = synonyms_table()
    ids = {(s.group_id, s.id) for s in SERVICES}
    assert set(zip(table["group_id"], table["service_id"])) <= ids
    assert (table["source"] != "").all()
    # one wording names one type per group (else it would be ambiguous within the group)
    assert not table.assign(w=table["wording"].str.lower()).duplicated(["w", "group_id"]).any()


FIVE_MISTAKES = (
    "institution,group,service,area,lon,lat\n"
    "World Hope International,9,Shelter/Center,Siem Reap,,\n"        # 2 group
    "Hagar International,shelter,Safe house,Phnom Penh,,\n"          # 3 service
    "World Vision Cambodia,,counselling,Battambang,,\n"              # 4 ambiguous
    "Poipet Transit Center,immediate,reception,Banteay Meanchey,102.56,\n"  # 5 lat blank
    "LICADHO,legal,legal representation,Kandal,east,11.5\n"          # 6 lon
    "Chab Dai,community,family tracing,Kampot,,\n"                   # fine
)


def test_every_problem_of_a_sheet_at_once(tmp_path):
    path = tmp_path / "five.csv"
    path.write_text(FIVE_MISTAKES, encoding="utf-8")
    with pytest.raises(SheetProblems) as info:
        read_records(path)
    got = [(p.row, p.column) for p in info.value.problems]
    assert got == [(2, "group"), (3, "service"), (4, "service"), (5, "lat"), (6, "lon")]
    by_row = {p.row: p for p in info.value.problems}
    assert "3.1 Shelter/Center" in by_row[3].suggestion
    assert "2.4" in by_row[4].suggestion and "5.1" in by_row[4].suggestion
    assert by_row[6].value == "east"
    assert str(path) in str(info.value) and "5 problems" in str(info.value)


def test_problems_capped_at_100_with_the_count(tmp_path):
    rows = "".join(f"Hagar International,shelter,Safe house {i},Phnom Penh\n" for i in range(150))
    path = tmp_path / "many.csv"
    path.write_text("institution,group,service,area\n" + rows, encoding="utf-8")
    with pytest.raises(SheetProblems) as info:
        read_records(path)
    assert len(info.value.problems) == 100
    assert "150 problems in the sheet (the first 100 shown)" in str(info.value)
    assert [p.row for p in info.value.problems] == list(range(2, 102))


def test_numbers_as_kh_coverage_services_prints_them(tmp_path, capsys):
    """Before: a sheet giving service "3.2" (as `kh-coverage services` lists it) was rejected."""
    import re

    from coverage.cli import main

    assert main(["services"]) == 0
    listed = re.findall(r"^\s+(\d)\.(\d+) (.+)$", capsys.readouterr().out, flags=re.M)
    assert len(listed) == 30
    slugs = {"1": "immediate", "2": "medical", "3": "shelter", "4": "education", "5": "legal",
             "6": "community"}
    rows = [f"Org {i},{slugs[g] if i % 2 else ''},{g}.{s},Kandal"
            for i, (g, s, _) in enumerate(listed)]
    path = tmp_path / "numbered.csv"
    path.write_text("institution,group,service,area\n" + "\n".join(rows) + "\n", encoding="utf-8")
    records = read_records(path).records
    got = list(zip(records["group_id"].astype(str), records["service_id"].astype(str),
                   records["service"]))
    assert got == listed
    path.write_text("institution,group,service,area\nOrg,medical,3.2,Kandal\n", encoding="utf-8")
    with pytest.raises(SheetProblems, match="group 3"):
        read_records(path)
