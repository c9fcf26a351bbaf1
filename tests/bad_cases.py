"""The table of hostile and broken sheets (``tests/data/bad/EXPECTED.md``), read once."""
from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
BAD, GOOD = DATA / "bad", DATA / "good"


def _expected() -> list[tuple[str, int | None, str | None, list[str]]]:
    """The table of bad/EXPECTED.md: file, row, column, key words."""
    cases = []
    for line in (BAD / "EXPECTED.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].endswith((".csv", ".xlsx")):
            continue
        name, row, column, words = cells
        cases.append((name, None if row == "-" else int(row), None if column == "-" else column,
                      [w.strip() for w in words.split(";")]))
    return cases


CASES = _expected()
