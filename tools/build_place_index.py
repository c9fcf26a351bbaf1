"""Prebuild the place lookups of ``coverage.places`` into ``coverage/data/place_index.json``.

Building the exact and variant lookups of ~6 000 district, commune and town names takes
about half a second; a fresh ``coverage.analyze()`` would spend it on every first call.
The file holds the finished lookups and the SHA-256 of each data file they come from
(``provinces.csv``, ``aliases.csv``, the two MEF lists). The package checks those digests
when it loads the file and builds the lookups itself (slower, same result) when a source
changed; ``tests/test_speed_contracts.py`` rebuilds the file and compares.

Usage::

    .venv/bin/python tools/build_place_index.py        # after editing a source file
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coverage.places.tables import INDEX_FILE, build_index  # noqa: E402

TARGET = ROOT / "coverage" / "data" / INDEX_FILE


def render() -> str:
    """The file's text: compact, sorted, UTF-8, so the same sources give the same bytes."""
    return json.dumps(build_index(), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")) + "\n"


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
