"""The table of hostile and broken sheets (``tests/data/bad/EXPECTED.md``), read once."""
from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
BAD, GOOD, HOSTILE_DIR = DATA / "bad", DATA / "good", DATA / "hostile"


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


def _hostile() -> list[tuple[str, str, int, list[str]]]:
    """Rows of the hostile-input table with a file in ``data/hostile`` whose outcome is
    stderr: input path (relative to ``data``), command, exit code, key words."""
    cases = []
    for line in (BAD / "EXPECTED.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("hostile/") and cells[3] == "stderr":
            cases.append((cells[0], cells[1], int(cells[2]),
                          [w.strip() for w in cells[4].split(";")]))
    return cases


CASES = _expected()
HOSTILE = _hostile()
