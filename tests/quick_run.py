"""Stand-ins for drawing maps and writing the report, for CLI tests about everything
else (output folders, tables, messages): a real run draws a dozen figures."""
from __future__ import annotations

from pathlib import Path

import pytest


def _maps(result, out_dir, formats=("png",), metrics=("coverage",), then=None,
          before=None, **kwargs):
    """Stands in for ``coverage.drawing.draw_maps``: the tables, one small file, then the
    report."""
    if before is not None:
        before()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "all_groups_coverage.png"
    path.write_bytes(b"\x89PNG stand-in")
    if then is not None:
        then()
    return [path]


def _report(result, path, **kwargs):
    Path(path).write_text("<html>stand-in</html>\n", encoding="utf-8")


@pytest.fixture
def quick(monkeypatch):
    """`kh-coverage run` without drawing: maps and report are one small file each."""
    import coverage.drawing
    import coverage.report

    monkeypatch.setattr(coverage.drawing, "draw_maps", _maps)
    monkeypatch.setattr(coverage.report, "write_report", _report)


@pytest.fixture
def no_maps(monkeypatch):
    """`kh-coverage run` with the real report but no map files (the report draws the one
    small-multiples figure it lacks): for CLI tests about tables and report text."""
    import coverage.drawing

    monkeypatch.setattr(coverage.drawing, "draw_maps", _maps)
