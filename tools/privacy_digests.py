"""Write ``tests/data/privacy_digests.txt``: SHA-256 digests of the report's staff names and phones.

Usage: ``python tools/privacy_digests.py [REPORT] [OUT]``; REPORT defaults to
``../shared/seed/000_a512bf7b4e73695b.txt`` beside the repository, OUT to the digest file.

The normalisation and the digest are imported from ``tests/test_privacy.py`` (defined once,
documented there), so the test and this script cannot drift apart. The clear-text names and
numbers exist only in memory while this runs; nothing here lists them.

Extraction (as the privacy test did before it kept digests only):

* phones: every match of the test's ``LOCAL_PHONE`` and ``INTERNATIONAL_PHONE`` patterns in
  the whole report;
* names: the "Key Staff and Phone" cells of the annex tables (report lines 407-633) split
  at honorifics, numbers and punctuation; words after ``Mr.``/``Mrs.``/``Ms.``/``Miss.``/
  ``Dr.`` anywhere; "General" + capitalised words; and "Firstname Lastname, ... Manager/
  Officer/Coordinator" lines (the organising committee); minus cell filler (``NOT_NAMES``).
* allow: place names from ``coverage/data/provinces.csv`` and ``aliases.csv`` that contain
  a recorded name as whole words (a given name that is also the start of a province
  spelling); the scanner ignores a name hit inside such a place name.
"""
from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO.parent / "shared" / "seed" / "000_a512bf7b4e73695b.txt"
OUT = REPO / "tests" / "data" / "privacy_digests.txt"
TABLES = (407, 633)  # annex 3, Group Discussion 1 .. the last staff table
HONORIFIC = r"\b(?:Mrs|Mr|Ms|Miss|Dr)\b\.?"
# what the report's staff cells hold besides names
NOT_NAMES = {"tel", "hotline", "office", "id", "social worker", "case manager refer",
             "case manager refer to hospitals", "pp", "sr", "www", "caterhelp", "org"}


def _privacy_module():
    path = REPO / "tests" / "test_privacy.py"
    loaded = sys.modules.get("test_privacy")  # already imported, e.g. by pytest
    if loaded is not None and Path(getattr(loaded, "__file__", "")).resolve() == path:
        return loaded
    spec = importlib.util.spec_from_file_location("test_privacy", REPO / "tests" / "test_privacy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


P = _privacy_module()


def phones(text: str) -> set[str]:
    found = [m.group(0) for m in P.LOCAL_PHONE.finditer(text)]
    found += [m.group(0) for m in P.INTERNATIONAL_PHONE.finditer(text)]
    return {P.normalise_phone(f) for f in found} - {""}


def staff_names(lines: list[str]) -> set[str]:
    """Names from the report: staff cells, after honorifics, 'General', committee lines."""
    names: set[str] = set()
    for line in lines[TABLES[0] - 1: TABLES[1]]:
        cells = line.split("\t")
        if len(cells) == 7 and cells[3] != "Key Staff and Phone":
            cell = P.LOCAL_PHONE.sub(";", cells[3])
            cell = re.sub(HONORIFIC + r"|\(Dr\.\)|Tel\b|\d+|www\.\S+|[:;,()\-–&]|\band\b", ";", cell)
            names.update(part.strip(" .") for part in cell.split(";"))
    text = "\n".join(lines)
    names.update(re.findall(r"\b(?:Mrs|Mr|Ms|Miss|Dr)\.\s*([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*)", text))
    names.update(re.findall(r"General ([A-Z][a-z]+(?: [A-Z][a-z]+)+)", text))
    names.update(re.findall(r"^([A-Z][a-z]+ [A-Z][a-z]+), [A-Za-z -]*(?:Manager|Officer|Coordinator)",
                            text, flags=re.M))
    names = {re.sub(r"\s+Tel$", "", n) for n in names}
    normalised = {P.normalise_name(n) for n in names if len(n) > 2 and n.lower() not in NOT_NAMES}
    return {n for n in normalised if n and n not in NOT_NAMES}


def place_names() -> set[str]:
    data = REPO / "coverage" / "data"
    places: set[str] = set()
    with open(data / "provinces.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            places.update({row["name"], row["name_nis"]})
    with open(data / "aliases.csv", encoding="utf-8", newline="") as f:
        places.update(row["alias"] for row in csv.DictReader(f))
    return {P.normalise_name(p) for p in places} - {""}


def allowed_places(names: set[str]) -> set[str]:
    allowed = set()
    for place in place_names():
        words = place.split()
        windows = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
        if windows & names:
            assert len(words) <= P.MAX_NAME_WORDS, place
            if place in names:
                raise SystemExit("a whole place name is recorded as a personal name; fix the extraction")
            allowed.add(place)
    return allowed


def digest_file_text(report: Path) -> str:
    text = report.read_text(encoding="utf-8")
    numbers = phones(text)
    names = staff_names(text.split("\n"))
    assert all(len(n.split()) <= P.MAX_NAME_WORDS for n in names)
    lengths = sorted({len(n) for n in numbers})
    out = [
        "# SHA-256 digests of the forum report's personal data; written by tools/privacy_digests.py,",
        "# normalisation documented in tests/test_privacy.py. No clear text here, by design.",
        f"# {len(names)} names, {len(numbers)} phone numbers",
        "phone-lengths " + " ".join(map(str, lengths)),
    ]
    out += sorted(f"name {P.sha256(n)}" for n in names)
    out += sorted(f"phone {P.sha256(n)}" for n in numbers)
    out += sorted(f"allow {P.sha256(p)}" for p in allowed_places(names))
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    report = Path(argv[1]) if len(argv) > 1 else REPORT
    out = Path(argv[2]) if len(argv) > 2 else OUT
    if not report.exists():
        print(f"report not found: {report}", file=sys.stderr)
        return 1
    text = digest_file_text(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: {text.splitlines()[2].lstrip('# ')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
