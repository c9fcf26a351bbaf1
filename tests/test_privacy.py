"""No staff names and no phone numbers anywhere in the package.

The forum report lists key staff with their personal phone numbers; the package ships
none of them. Every text file under ``coverage/`` is scanned for phone-number patterns,
for honorific + name patterns and, where the report is present, for the actual names
in the report's "Key Staff and Phone" cells and beside its honorifics and numbers.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "coverage"
REPORT = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_a512bf7b4e73695b.txt"
TEXT_SUFFIXES = {".py", ".csv", ".tsv", ".md", ".txt", ".rst", ".json", ".geojson", ".html",
                 ".css", ".js", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".j2", ".jinja"}

# Cambodian numbers: 0 + 1-2 digit prefix, 8-10 digits in all, optionally split by
# spaces, dots or hyphens (012 888 840, 012841296, 023 211 961, 012 71 66 11);
# not part of a longer number or of a decimal (coordinates such as 104.0123456).
LOCAL_PHONE = re.compile(r"(?<![\d.,])0\d(?:[ .\-]?\d){6,8}(?![\d])(?!\.\d)")
INTERNATIONAL_PHONE = re.compile(r"(?:\+\s*855|\(855\))[\s\-().\d]{6,}")
HONORIFIC_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\b\.?\s*[A-Z][a-z]")
# what the report's staff cells hold besides names
NOT_NAMES = {"tel", "hotline", "office", "id", "social worker", "case manager refer",
             "case manager refer to hospitals", "pp", "sr", "www", "caterhelp", "org"}
# a staff name that is also the start of a place name in the gazetteer ("Ratana Kiri")
PLACE_CONTINUATIONS = {"ratana": r"\s*kiri"}
TABLES = (407, 633)  # annex 3, Group Discussion 1


def package_files() -> list[Path]:
    files = sorted(p for p in PACKAGE.rglob("*")
                   if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES and "__pycache__" not in p.parts)
    assert files, f"no text files found under {PACKAGE}"
    return files


def find(pattern: re.Pattern[str], text: str) -> list[str]:
    return [m.group(0) for m in pattern.finditer(text)]


def staff_names(lines: list[str]) -> set[str]:
    """Names from the report: staff cells, after honorifics, before phone numbers."""
    names: set[str] = set()
    for line in lines[TABLES[0] - 1: TABLES[1]]:
        cells = line.split("\t")
        if len(cells) == 7 and cells[3] != "Key Staff and Phone":
            cell = LOCAL_PHONE.sub(";", cells[3])
            cell = re.sub(r"\b(?:Mrs|Mr|Ms|Miss|Dr)\b\.?|\(Dr\.\)|Tel\b|\d+|www\.\S+|[:;,()\-–&]|\band\b",
                          ";", cell)
            names.update(part.strip(" .") for part in cell.split(";"))
    text = "\n".join(lines)
    names.update(re.findall(r"\b(?:Mrs|Mr|Ms|Miss|Dr)\.\s*([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*)", text))
    names.update(re.findall(r"General ([A-Z][a-z]+(?: [A-Z][a-z]+)+)", text))
    # the organising committee, named with their job titles
    names.update(re.findall(r"^([A-Z][a-z]+ [A-Z][a-z]+), [A-Za-z -]*(?:Manager|Officer|Coordinator)",
                            text, flags=re.M))
    names = {re.sub(r"\s+Tel$", "", n) for n in names}
    return {n for n in names if len(n) > 2 and n.lower() not in NOT_NAMES}


def name_pattern(name: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive, and not the start of a known place name."""
    place = PLACE_CONTINUATIONS.get(name.lower())
    tail = f"(?!{place})" if place else ""
    return re.compile(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z]){tail}", flags=re.I)


@pytest.fixture(scope="module")
def report() -> list[str]:
    if not REPORT.exists():
        pytest.skip(f"report text not available at {REPORT}")
    return REPORT.read_text(encoding="utf-8").split("\n")


def test_patterns_catch_the_report_numbers_and_names(report):
    text = "\n".join(report)
    numbers = find(LOCAL_PHONE, text)
    for example in ("012 888 840", "012841296", "023 211 961", "012 71 66 11", "097 863 00 88"):
        assert example in numbers
    assert len(numbers) >= 80
    assert find(INTERNATIONAL_PHONE, text)
    assert "Ms. Ch" in find(HONORIFIC_NAME, text)
    names = staff_names(report)
    for name in ("Chea Sophal", "Sao Chhoeut", "Sopheap", "Kim Vet", "Ellen Minotte", "Ray Sano", "Lim Tith"):
        assert name in names
    assert not names & {"Tel", "PP", "Social Worker", "Hotline", "Case manager refer to hospitals"}
    assert not any(n.endswith(" Tel") for n in names)
    assert name_pattern("Ratana").search("Ratana: 092") and not name_pattern("Ratana").search("Ratana Kiri")


@pytest.mark.parametrize("text", ["Love 146", "PO Box 479", "H.E. Sar", "2010-12-07", "104.0123456, 11.5623",
                                  "population 1,024,000", "code 01", "#1F3A93", "Dr& Case", "24 capital/provinces"])
def test_no_false_positives(text):
    assert not find(LOCAL_PHONE, text) and not find(INTERNATIONAL_PHONE, text) and not find(HONORIFIC_NAME, text)


@pytest.mark.parametrize("path", package_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_phone_numbers(path):
    text = path.read_text(encoding="utf-8")
    assert not find(LOCAL_PHONE, text), f"{path}: phone-like numbers"
    assert not find(INTERNATIONAL_PHONE, text), f"{path}: phone-like numbers"


@pytest.mark.parametrize("path", package_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_honorific_names(path):
    assert not find(HONORIFIC_NAME, path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("path", package_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_staff_names_from_the_report(path, report):
    text = path.read_text(encoding="utf-8")
    found = sorted(n for n in staff_names(report) if name_pattern(n).search(text))
    assert not found, f"{path}: {found}"
