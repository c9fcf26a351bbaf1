"""The bundled forum dataset: forum_records.csv and forum_group_findings.csv.

The checks against the report text run only where the report is present
(``/work/shared/seed``); the rest run everywhere, including from an installed wheel.
"""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from coverage.records import load_forum_records
from coverage.taxonomy import get_group, get_service, services_table

from conftest import shared_path

COLUMNS = ["record_id", "group_id", "group", "service_id", "service", "institution", "programme",
           "area_text", "referral", "gaps", "recommendations", "notes", "source_line"]
ROWS_PER_GROUP = {1: 20, 2: 31, 3: 16, 4: 29, 5: 25, 6: 22}
INSTITUTIONS = {
    "AFESIP", "AIM", "ARC", "ARM", "BDASE", "Banteay Srey", "Bloom", "CGI", "CHABDAI", "CITIPOINT",
    "COSECAM", "CRC", "Cater Help", "Damnok Toek", "Destiny Rescue", "EC", "GOHC", "HCC", "HPO",
    "Hagar", "ICE", "IJM", "IOM", "KK", "LICADHO", "LSCW", "Love 146", "MPK", "MoI", "MoSVY", "NTC",
    "PTC", "PTD", "Precious Women", "SSC", "TCC", "WACD", "WHI", "WRC", "WVC", "White Lotus",
}
# how the report's institution cells write the canonical names that differ
VARIANTS = {
    "MoI": ("Mol",), "Damnok Toek": ("Domnok Toek", "Damnok Toek"), "GOHC": ("GOHC", "GHOC"),
    "CITIPOINT": ("CITIPOINT", "CITI POINT"), "WHI": ("WHI", "World Hope International"),
    "PTC": ("PTC", "Poipet Transit Center"), "NTC": ("Neavea Thmey Center",),
}
PROGRAMMES = {
    "G1-S1-WVC-TRP": "TRP", "G1-S2-WVC-MDRTS2": "MDRTS2", "G1-S5-WVC-MDRTS2": "MDRTS2",
    "G2-S1-WVC-SCTP": "SCTP", "G2-S4-WVC-SCTP": "SCTP", "G2-S5-WVC-SCTP": "SCTP",
    "G3-S1-WVC-TRP": "TRP", "G4-S2-WVC-TRP": "TRP", "G4-S5-WVC-TRP": "TRP",
}
# rows whose "District (Capital/Province)" cell is blank in the report
BLANK_AREAS = {
    "G1-S6-MOI", "G2-S1-NTC", "G2-S2-AIM", "G2-S3-AIM", "G2-S3-WVC", "G3-S2-MPK",
    "G6-S1-AFESIP", "G6-S1-WVC", "G6-S2-IOM",
}
# the one blank area cell whose text leaked into the institution cell and was recovered
RECOVERED_AREAS = {"G2-S1-GOHC": "Phnom Penh"}
# table lines with an institution cell that do not start a row: continuations of the row
# above across a page break, and the second COSECAM row merged into the first
NOT_ROW_STARTS = {421, 480, 515, 520, 523, 547}
FIRST_TABLE_LINE, LAST_TABLE_LINE = 407, 633


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return load_forum_records().records


@pytest.fixture(scope="module")
def findings() -> pd.DataFrame:
    path = resources.files("coverage") / "data" / "forum_group_findings.csv"
    with resources.as_file(path) as p:
        return pd.read_csv(p, dtype={"kind": str, "text": str}, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def report() -> list[str]:
    return shared_path("seed/000_a512bf7b4e73695b.txt").read_text(encoding="utf-8").split("\n")


def _clean(text: str) -> str:
    """The same clean-up the dataset applies: markup, Cyrillic look-alikes, whitespace."""
    text = re.sub(r"</?(u|i|b)>", "", text).replace("Chab\u0434\u0430\u0439", "Chabdai")
    return " ".join(text.split())


def _cells(report: list[str], line: int) -> list[str]:
    return report[line - 1].split("\t")


def _without_staff(line: str) -> str:
    """A table line without its "Key Staff and Phone" cell (names and numbers stay out)."""
    cells = line.split("\t")
    return "\t".join(cells[:3] + cells[4:]) if len(cells) == 7 else line


# ----------------------------------------------------------------------------- records


def test_columns_in_order(records):
    assert list(records.columns) == COLUMNS


def test_row_counts_per_group(records):
    assert records.groupby("group_id").size().to_dict() == ROWS_PER_GROUP
    assert len(records) == 143


def test_record_id_unique_and_readable(records):
    assert records["record_id"].is_unique
    for row in records.itertuples():
        assert row.record_id.startswith(f"G{row.group_id}-S{row.service_id}-"), row.record_id
        assert re.fullmatch(r"G[1-6]-S[1-6]-[A-Z0-9-]+", row.record_id), row.record_id


def test_one_row_per_offer(records):
    assert not records.duplicated(["group_id", "service_id", "institution"]).any()


def test_group_and_service_names_are_the_taxonomy(records):
    for row in records.itertuples():
        assert row.group == get_group(row.group_id).name
        assert row.service == get_service(row.group_id, row.service_id).name


def test_every_service_pair_exists_in_taxonomy(records):
    known = set(map(tuple, services_table()[["group_id", "service_id"]].to_numpy().tolist()))
    pairs = set(zip(records["group_id"], records["service_id"]))
    assert pairs <= known
    # every service type of the taxonomy has at least one offer in the forum's tables
    assert pairs == known


def test_institution_spellings_are_canonical(records):
    assert set(records["institution"]) == INSTITUTIONS


def test_programme_only_for_wvc(records):
    with_programme = records[records["programme"] != ""]
    assert dict(zip(with_programme["record_id"], with_programme["programme"])) == PROGRAMMES
    assert set(with_programme["institution"]) == {"WVC"}


def test_blank_areas_only_where_the_report_cell_is_blank(records):
    assert set(records.loc[records["area_text"] == "", "record_id"]) == BLANK_AREAS
    for rid, area in RECOVERED_AREAS.items():
        row = records.set_index("record_id").loc[rid]
        assert row["area_text"] == area
        assert "recovered" in row["notes"]


def test_rows_follow_the_report_order(records):
    assert records["source_line"].is_unique
    assert records["source_line"].is_monotonic_increasing


def test_text_is_whitespace_normalised(records):
    for col in ("institution", "area_text", "referral", "gaps", "recommendations", "notes"):
        for value in records[col]:
            assert value == " ".join(value.split()), (col, value)


def test_known_judgement_calls_are_noted(records):
    notes = records.set_index("record_id")["notes"]
    assert "Prey Veng" in notes["G4-S6-DAMNOK-TOEK"]  # Neak Loeung (Kandal)
    assert "drug addicts" in notes["G1-S3-TCC"]
    assert "Specialist counseling in PP" in notes["G2-S4-DESTINY-RESCUE"]
    assert "twice" in notes["G1-S2-COSECAM"]
    assert "assigned to IOM" in notes["G6-S2-WVC"]
    assert "assigned to TCC" in notes["G1-S3-MPK"]
    assert "GHOC" in notes["G4-S2-GOHC"]
    assert "CITI POINT" in notes["G6-S1-CITIPOINT"]


# ------------------------------------------------------------- records against the report


def test_every_table_row_is_accounted_for(records, report):
    starts = set()
    for n in range(FIRST_TABLE_LINE, LAST_TABLE_LINE + 1):
        cells = _cells(report, n)
        if len(cells) == 7 and cells[1] not in ("", "Institutions"):
            starts.add(n)
    assert set(records["source_line"]) == starts - NOT_ROW_STARTS
    assert NOT_ROW_STARTS <= starts


def test_source_line_names_the_institution(records, report):
    for row in records.itertuples():
        cell = _clean(_cells(report, row.source_line)[1]).lower()
        variants = VARIANTS.get(row.institution, (row.institution,))
        assert any(v.lower() in cell for v in variants), (row.record_id, cell)


def test_source_line_sits_under_its_group_and_service(records, report):
    for row in records.itertuples():
        group = service = None
        for n in range(row.source_line, FIRST_TABLE_LINE - 3, -1):
            line = report[n - 1]
            label = re.match(r"(\d)-", line.split("\t")[0]) if "\t" in line else None
            if service is None and label:
                service = int(label.group(1))
            header = re.search(r"GROUP (\d)\W*$", line)
            if header:
                group = int(header.group(1))
                break
        assert (group, service) == (row.group_id, row.service_id), row.record_id


def test_every_text_cell_comes_from_the_report_near_its_row(records, report):
    for row in records.itertuples():
        window = [_without_staff(line) for line in report[row.source_line - 1: row.source_line + 8]]
        words = set(_clean(" ".join(window)).split())
        for col in ("area_text", "referral", "gaps", "recommendations"):
            value = getattr(row, col)
            if value in ("", *RECOVERED_AREAS.values()):
                continue
            missing = [w for w in value.split() if w not in words]
            assert not missing, (row.record_id, col, missing)


def test_area_text_starts_on_the_source_line(records, report):
    for row in records.itertuples():
        if not row.area_text:
            assert _cells(report, row.source_line)[2].strip() == "", row.record_id
            continue
        first_words = " ".join(row.area_text.split()[:2])
        assert first_words in _clean(report[row.source_line - 1]), row.record_id


# ----------------------------------------------------------------------------- findings


def test_findings_shape(findings):
    assert list(findings.columns) == ["group_id", "kind", "text", "source_line"]
    assert set(findings["kind"]) == {"gap", "recommendation"}
    assert findings.groupby("group_id").size().to_dict() == {0: 6, 1: 5, 2: 4, 3: 4, 4: 5, 5: 3, 6: 3}
    assert (findings["kind"] == "recommendation").sum() == 2
    assert findings["source_line"].is_unique and findings["source_line"].is_monotonic_increasing


def test_findings_come_from_the_report(findings, report):
    for row in findings.itertuples():
        line = " ".join(report[row.source_line - 1].split())
        first_words = " ".join(row.text.split()[:5])
        assert first_words in line, (row.source_line, first_words)
        if row.group_id:
            assert 169 <= row.source_line <= 224
        else:
            assert row.source_line == 226 or 256 <= row.source_line <= 266


def test_findings_drop_the_note_phone_numbers(findings, report):
    note = findings.loc[findings["source_line"] == 226, "text"].item()
    assert re.search(r"\d{3} \d{3}", report[225])  # the report's note does quote numbers
    assert not re.search(r"\d", note)
    assert "The Future" in note and "Cambodia Red Cross" in note
