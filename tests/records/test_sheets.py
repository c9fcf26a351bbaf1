"""Reading, validating and resolving records (coverage.records)."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coverage.places import provinces
from coverage.errors import RecordsError, SheetProblems
from coverage.records import load_forum_records, read_records, resolve_records
from coverage.records.schema import RECORD_COLUMNS, SERVED_COLUMNS, UNRESOLVED_COLUMNS

from bad_cases import BAD, CASES, DATA, GOOD


def test_expected_lists_every_bad_file():
    listed = {c[0] for c in CASES}
    on_disk = {p.name for p in BAD.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert listed == on_disk
    assert len(CASES) >= 15


@pytest.mark.parametrize("name,row,column,words", CASES, ids=[c[0] for c in CASES])
def test_bad_sheet_raises_records_error(name, row, column, words):
    path = BAD / name
    with pytest.raises(RecordsError) as info:
        read_records(path)
    err = info.value
    message = str(err)
    assert isinstance(err, ValueError)
    assert err.file == str(path) and str(path) in message
    where = err.problems[0] if isinstance(err, SheetProblems) else err  # the first problem
    assert where.row == row
    assert where.column == column
    if row is not None:
        assert f"row {row}" in message
    if column is not None:
        assert f"column {column!r}" in message
    for word in words:
        assert word.lower() in message.lower(), (word, message)
    assert all(len(line) < 240 for line in message.splitlines())  # one line per problem
    assert "Traceback" not in message


def test_missing_file():
    with pytest.raises(RecordsError, match="file not found") as info:
        read_records(DATA / "no_such_sheet.csv")
    assert info.value.file.endswith("no_such_sheet.csv")


def test_old_xls_refused(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(RecordsError, match=r"\.xls"):
        read_records(path)


def test_xlsx_renamed_to_csv(tmp_path):
    path = tmp_path / "book.csv"
    path.write_bytes((GOOD / "header_on_row_3.xlsx").read_bytes())
    with pytest.raises(RecordsError, match="Excel workbook"):
        read_records(path)


def test_records_error_attributes():
    err = RecordsError("expected a number", file="a.csv", row=3, column="lon")
    assert (err.file, err.row, err.column) == ("a.csv", 3, "lon")
    assert str(err) == "a.csv, row 3, column 'lon': expected a number"
    assert str(RecordsError("plain")) == "plain"


# ----------------------------------------------------------------- valid sheets

def test_cp1252_sheet_loads():
    records = read_records(GOOD / "cp1252.csv").records
    assert records.loc[0, "area_text"] == "Kampóng Cham"
    served, unresolved = resolve_records(records)
    assert served["province_code"].tolist() == ["03"]
    assert unresolved.empty


def test_bom_and_messy_headers():
    records = read_records(GOOD / "bom.csv").records
    assert list(records.columns) == list(RECORD_COLUMNS)
    assert records.loc[0, ["institution", "group_id", "area_text"]].tolist() == [
        "World Hope", 3, "PNH- SRP"]
    assert pd.isna(records.loc[0, "service_id"]) and pd.isna(records.loc[0, "service"])


def test_semicolon_and_tab_delimiters():
    semi = read_records(GOOD / "semicolon.csv").records
    assert semi.loc[0, ["group_id", "service_id", "service"]].tolist() == [
        4, 4, "Start-up capital assistance"]
    sheet = read_records(GOOD / "tab.tsv")
    tab = sheet.records
    assert sheet.extra_columns == ("Donor",)
    assert tab.loc[0, "Donor"] == "none listed"
    assert tab.loc[0, "area_text"] == "Pailin"


def test_header_on_row_3_and_sheet_choice():
    sheet = read_records(GOOD / "header_on_row_3.xlsx")
    records = sheet.records
    assert sheet.sheet == "records"
    assert sheet.header_row == 3
    assert records["record_id"].tolist() == ["R0001", "R0002"]
    assert records["group_id"].tolist() == [3, 3]
    assert records["service_id"].tolist() == [1, 1]  # 1.0 from Excel reads as 1
    assert records.loc[0, "lon"] == pytest.approx(104.92)
    assert np.isnan(records.loc[1, "lat"])


def test_sheet_argument_picks_one():
    records = read_records(BAD / "two_sheets.xlsx", sheet="2010")
    assert records.sheet == "2010" and len(records) == 2
    with pytest.raises(RecordsError, match="no sheet named '2011'.*'2009', '2010'"):
        read_records(BAD / "two_sheets.xlsx", sheet="2011")
    with pytest.raises(RecordsError, match="only to Excel"):
        read_records(GOOD / "bom.csv", sheet="x")


def test_rejected_rows_are_listed_not_dropped():
    sheet = read_records(GOOD / "rejected.csv")
    records, rejected = sheet.records, sheet.rejected
    assert records["record_id"].tolist() == ["A1", "A4"]
    assert list(rejected.columns) == ["row", "record_id", "reason"]
    assert rejected.values.tolist() == [[3, "A2", "no institution given"],
                                        [5, "A3", "no group or service given"]]
    # a group-level claim and a service found without its group
    assert pd.isna(records.loc[0, "service_id"])
    assert records.loc[1, ["group_id", "service_id"]].tolist() == [6, 1]


def test_unknown_service_without_group_suggests(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("institution,service,area\nKK,Job placment,PP\n", encoding="utf-8")
    with pytest.raises(RecordsError, match="did you mean|closest") as info:
        read_records(path)
    assert "Job placement" in str(info.value) and info.value.problems[0].row == 2


def test_service_by_name_without_group(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Institution,Service,Area\nKK,vocational training,PP\n", encoding="utf-8")
    records = read_records(path).records
    assert records.loc[0, ["group_id", "service_id", "service"]].tolist() == [
        4, 6, "Vocational training"]


def test_forum_records_round_trip(tmp_path):
    forum = load_forum_records().records
    path = tmp_path / "forum.csv"
    forum.to_csv(path, index=False)
    sheet = read_records(path)
    back = sheet.records
    assert sheet.extra_columns == ("source_line",)
    assert back["record_id"].tolist() == forum["record_id"].tolist()
    for col in RECORD_COLUMNS:
        assert back[col].astype(str).tolist() == forum[col].astype(str).tolist(), col
    assert sheet.rejected.empty


def test_same_input_same_output():
    a = read_records(GOOD / "header_on_row_3.xlsx").records
    b = read_records(GOOD / "header_on_row_3.xlsx").records
    pd.testing.assert_frame_equal(a, b)


# ----------------------------------------------------------------- resolving

FORUM_UNRESOLVED = {
    # blank place cells in the annex tables
    ("G1-S6-MOI", ""), ("G2-S1-NTC", ""), ("G2-S2-AIM", ""), ("G2-S3-AIM", ""),
    ("G2-S3-WVC", ""), ("G3-S2-MPK", ""), ("G6-S1-AFESIP", ""), ("G6-S1-WVC", ""),
    ("G6-S2-IOM", ""),
    # "PP and 12 provinces": which twelve is not said
    ("G4-S5-WVC-TRP", "12 provinces"),
    # "Neak Loeung (Kandal)": Neak Loeung is in Prey Veng; the gazetteer keeps the town
    ("G4-S6-DAMNOK-TOEK", "Kandal"),
    # "PNH, BTB, SRP, BMC and other provinces"
    ("G6-S2-WVC", "and other provinces"), ("G6-S3-WVC", "and other provinces"),
    ("G6-S4-WVC", "and other provinces"),
}


@pytest.fixture(scope="module")
def forum():
    return load_forum_records().records


@pytest.fixture(scope="module")
def forum_2010(forum):
    return resolve_records(forum, frame="2010")


def test_forum_every_record_accounted_for(forum, forum_2010):
    served, unresolved = forum_2010
    assert list(served.columns) == list(SERVED_COLUMNS)
    assert list(unresolved.columns) == list(UNRESOLVED_COLUMNS)
    accounted = set(served["record_id"]) | set(unresolved["record_id"])
    assert accounted == set(forum["record_id"])
    blank = set(forum.loc[forum["area_text"].str.strip() == "", "record_id"])
    assert blank == set(unresolved.loc[unresolved["reason"] == "no place given", "record_id"])
    assert not blank & set(served["record_id"])


def test_forum_unresolved_is_short_and_genuine(forum_2010):
    _, unresolved = forum_2010
    assert set(zip(unresolved["record_id"], unresolved["fragment"])) == FORUM_UNRESOLVED
    assert len(unresolved) == len(FORUM_UNRESOLVED)


def test_forum_served_rows(forum_2010):
    served, _ = forum_2010
    assert set(served["province_code"]) <= set(provinces("2010")["code"])
    assert "25" not in set(served["province_code"])
    assert (served["fragment"].str.len() > 0).all() and (served["method"].str.len() > 0).all()
    assert set(served["basis"]) == {"named", "nationwide"}
    assert not served.duplicated(["record_id", "province_code", "district_code", "basis"]).any()


def test_forum_order_is_record_then_province(forum, forum_2010):
    served, _ = forum_2010
    order = {r: i for i, r in enumerate(forum["record_id"])}
    keys = list(zip(served["record_id"].map(order), served["province_code"], served["basis"]))
    assert keys == sorted(keys)


def test_nationwide_24_on_2010_and_25_on_2013(forum, forum_2010):
    served_2013, _ = resolve_records(forum, frame="2013")
    nationwide = forum.loc[forum["area_text"] == "24 capital/provinces", "record_id"]
    assert len(nationwide) > 10
    for frame, served, n in (("2010", forum_2010[0], 24), ("2013", served_2013, 25)):
        counts = served[served["record_id"].isin(nationwide)].groupby("record_id").size()
        assert (counts == n).all(), frame
        assert set(served.loc[served["record_id"].isin(nationwide), "basis"]) == {"nationwide"}


def test_named_and_nationwide_is_one_named_row(forum, forum_2010):
    served, _ = forum_2010
    text = "Centers: Phnom Penh & Siem Reap Target: 24 capital/provinces"
    ids = forum.loc[forum["area_text"] == text, "record_id"].tolist()
    assert len(ids) == 1
    one = served[served["record_id"] == ids[0]]
    assert len(one) == 24 and one["province_code"].is_unique
    assert set(one.loc[one["basis"] == "named", "province_code"]) == {"12", "17"}
    assert (one.loc[one["basis"] == "nationwide", "method"] == "nationwide").all()


def test_sites_and_area_both_kept(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("record_id,institution,group,area,lon,lat\n"
                    "S1,White Lotus,shelter,Two centers in PP,104.916,11.5625\n"
                    "S2,ARM,shelter,,103.2,13.1\n"
                    "S3,HCC,shelter,,100.5,13.75\n"
                    "S4,WACD,education,,,\n", encoding="utf-8")
    served, unresolved = resolve_records(read_records(path), frame="2013")
    s1 = served[served["record_id"] == "S1"]
    assert s1[["province_code", "basis"]].values.tolist() == [["12", "named"], ["12", "site"]]
    assert s1["fragment"].tolist()[1] == "lon 104.916, lat 11.5625"
    assert served.loc[served["record_id"] == "S2", "basis"].tolist() == ["site"]
    assert served.loc[served["record_id"] == "S2", "province_code"].tolist() == ["02"]
    assert unresolved.values.tolist() == [["S3", "lon 100.5, lat 13.75", "site outside Cambodia"],
                                          ["S4", "", "no place given"]]


def test_spread_on_2013(tmp_path):
    path = tmp_path / "kc.csv"
    path.write_text("institution,group,area\nDestiny Rescue,shelter,Kampong Cham\n", encoding="utf-8")
    records = read_records(path).records
    assert resolve_records(records, "2013")[0]["province_code"].tolist() == ["03"]
    assert resolve_records(records, "2013", spread=True)[0]["province_code"].tolist() == ["03", "25"]
    tbk = records.assign(area_text="Tbong Khmum")
    assert resolve_records(tbk, "2010")[0]["province_code"].tolist() == ["03"]


def test_resolve_logs_summary(forum, caplog):
    with caplog.at_level(logging.DEBUG, logger="coverage.records"):
        resolve_records(forum, frame="2010")
    assert re.search(r"143 records, \d+ served rows, 14 unresolved", caplog.text)


def test_resolve_is_deterministic_and_scales(forum):
    big = pd.concat([forum] * 40, ignore_index=True)
    big["record_id"] = [f"X{i:05d}" for i in range(len(big))]
    served, unresolved = resolve_records(big, frame="2010")
    small, small_unresolved = resolve_records(forum, frame="2010")
    assert len(served) == 40 * len(small) and len(unresolved) == 40 * len(small_unresolved)
    again, _ = resolve_records(big, frame="2010")
    pd.testing.assert_frame_equal(served, again)


def test_not_a_records_table():
    with pytest.raises(RecordsError, match="area_text"):
        resolve_records(pd.DataFrame({"record_id": ["a"], "group_id": [1], "service_id": [1],
                                      "institution": ["x"]}))


def test_spread_keeps_places_named_in_tbong_khmum():
    """Spreading reads a 2010 Kampong Cham as both provinces; Tbong Khmum named as such
    (or Memot, one of its districts) is still served there, not dropped as no place."""
    records = pd.DataFrame({"record_id": ["a", "b", "c"], "group_id": [1, 1, 1],
                            "service_id": [1, 1, 1], "institution": ["x", "y", "z"],
                            "area_text": ["Tbong Khmum", "Memot", "Kampong Cham"]})
    served, unresolved = resolve_records(records, "2013", spread=True)
    assert served.groupby("record_id")["province_code"].apply(list).to_dict() == {
        "a": ["25"], "b": ["25"], "c": ["03", "25"]}
    assert unresolved.empty
