"""HXL 3W sheets in, hashtag rows out, and the unresolved table a user fixes from.

``tests/data/good/3w_hxl.csv`` is a who-does-what-where sheet as partners exchange them:
human headers, a row of hashtags, the forum annex's institutions and places (rows copied
from coverage/data/forum_records.csv, one row per province), and one referral hospital of
the real ODC 2010 layer with its coordinates. Expected values were read off by hand.
"""
from __future__ import annotations

import csv

import pytest

from coverage.cli import main
from coverage.records import read_records, resolve_records
from coverage.records.hxl import find_tag_row, output_tags

from bad_cases import GOOD
from quick_run import quick  # noqa: F401  (fixture)

SHEET = GOOD / "3w_hxl.csv"


def test_3w_sheet_reads_by_its_tags():
    sheet = read_records(SHEET)
    r = sheet.records
    assert r["institution"].tolist() == ["MPK", "Destiny Rescue", "WVC", "GOHC", "KK", "WACD",
                                         "KK", "KK", "Provincial Hospital [RH 010001]"]
    assert list(zip(r["group_id"], r["service_id"].astype(int))) == [
        (1, 2), (2, 4), (2, 1), (2, 4), (4, 1), (4, 5), (4, 5), (4, 5), (2, 1)]
    assert r.loc[0, "area_text"] == "Kamrieng, Battambang"        # district, then province
    assert r.loc[3, "area_text"] == "Phnom Penh"                   # from the P-code KH12 alone
    assert (r.loc[8, "lon"], r.loc[8, "lat"]) == (103.023711, 13.544077)
    assert sheet.ignored_tags == ("#date+reported", "#meta+source")
    assert sheet.rows.tolist() == list(range(3, 12))              # sheet rows under the tags


def test_3w_sheet_places_every_row_in_its_province():
    served, _ = resolve_records(read_records(SHEET))
    got = served[served["basis"] != "nationwide"].groupby("record_id")["province_code"].agg(set)
    assert got.to_dict() == {"R0001": {"02"}, "R0002": {"03"}, "R0003": {"12"}, "R0004": {"12"},
                             "R0005": {"12"}, "R0006": {"24"}, "R0007": {"08"}, "R0008": {"02"},
                             "R0009": {"01"}}


def test_org_impl_wins_and_funder_is_ignored(tmp_path, caplog):
    path = tmp_path / "3w.csv"
    path.write_text("Donor,Partner,Cluster,Province\n#org+funder,#org+impl,#sector,#adm1+name\n"
                    "UNIAP,Hagar International,shelter,Phnom Penh\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="coverage"):
        sheet = read_records(path)
    assert sheet.records.loc[0, "institution"] == "Hagar International"
    assert sheet.ignored_tags == ("#org+funder",) and "#org+funder" in caplog.text


def test_a_row_of_words_starting_with_hash_only_when_all_are_tags():
    assert find_tag_row([["a", "b"], ["#org", "", "#adm1"]]) == 1
    assert find_tag_row([["#1 priority", "Battambang"]]) is None


def test_run_with_hxl_writes_a_tag_row_in_every_csv(tmp_path, quick):  # noqa: F811
    out = tmp_path / "out"
    assert main(["run", str(SHEET), "--out", str(out), "--hxl", "--quiet",
                 "--metrics", "coverage"]) == 0
    files = sorted(out.glob("*.csv"))
    assert {p.name for p in files} >= {"coverage_by_province.csv", "unresolved.csv",
                                       "records_resolved.csv"}
    for path in files:
        with open(path, encoding="utf-8", newline="") as f:
            header, tags = next(csv.reader(f)), next(csv.reader(f))
        assert len(tags) == len(header) and all(t.startswith("#") for t in tags), path.name
        assert tags == output_tags(header)
    with open(out / "coverage_by_province.csv", encoding="utf-8", newline="") as f:
        header, tags = next(csv.reader(f)), next(csv.reader(f))
    assert tags[header.index("province_code")] == "#adm1+code"


def test_unresolved_csv_names_row_institution_text_and_suggestion(tmp_path, quick):  # noqa: F811
    sheet = tmp_path / "s.csv"
    sheet.write_text("institution,group,area\nHagar International,shelter,Phnom Penh\n"
                     "World Hope International,shelter,\"Siem Reap, Banteay Mean\"\n",
                     encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(sheet), "--out", str(out), "--quiet", "--metrics", "coverage"]) == 0
    with open(out / "unresolved.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == [{"row": "3", "record_id": "R0002", "institution": "World Hope International",
                     "area_text": "Siem Reap, Banteay Mean", "fragment": "Banteay Mean",
                     "reason": rows[0]["reason"], "suggestion": "Banteay Meanchey (01)"}]


def test_3w_workbook_reads_like_the_csv(tmp_path):
    import openpyxl
    with open(SHEET, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    book = openpyxl.Workbook()
    book.active.title = "3W"
    for cells in rows:
        book.active.append(cells)
    notes = book.create_sheet("read me")
    notes.append(["Who does what where, forum annex rows"])
    book.save(tmp_path / "3w.xlsx")
    xlsx, plain = read_records(tmp_path / "3w.xlsx"), read_records(SHEET)
    assert xlsx.sheet == "3W"
    cols = ["institution", "group_id", "service_id", "area_text"]
    assert xlsx.records[cols].equals(plain.records[cols])


def test_cluster_names_in_sector_leave_the_group_to_the_activity(tmp_path):
    """Before: '#sector' had to hold one of the six groups; a 3W sheet's clusters
    ('Protection', 'Health') were each a problem, so the sheet did not run unchanged."""
    path = tmp_path / "3w_clusters.csv"
    path.write_text(
        "Organisation,Cluster,Activity,Province,Reached\n"
        "#org+impl,#sector+cluster,#activity,#adm1+name,#reached+ind\n"
        "Hagar International,Protection,legal representation,Phnom Penh,4\n"
        "Chab Dai,Health,mental health care,Battambang,7\n"
        "World Hope,Shelter,,Siem Reap,2\n"                 # a cluster that is a group
        "AFESIP,Protection,,Kandal,1\n", encoding="utf-8")   # cluster, no activity: a problem
    with pytest.raises(Exception) as err:
        read_records(path)
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [
        (6, "Cluster (#sector+cluster)", "Protection")]     # the sheet's header and tag
    path.write_text("\n".join(path.read_text().splitlines()[:-1]) + "\n", encoding="utf-8")
    r = read_records(path).records
    # by hand: 5.3 Legal representation, 2.3 Mental health care, group 3 (whole group)
    assert list(zip(r["group_id"], r["service_id"].astype("Int64").fillna(0))) == [
        (5, 3), (2, 3), (3, 0)]
    assert r["sector"].tolist() == ["Protection", "Health", "Shelter"]
