"""Issue 11, items 4-6: ordinary sheets that crashed, hostile text, bad input that exited 1
or misled. The table of ``tests/data/bad/EXPECTED.md`` lists each input and its outcome.
"""
from __future__ import annotations

import csv
import re
import shlex
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from bad_cases import DATA, HOSTILE, HOSTILE_DIR
from coverage.cli import main
from quick_run import quick  # noqa: F401  (fixture: no drawing)

#: OWASP's list of first characters that make a spreadsheet run a cell (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

FAST = ["--quiet", "--metrics", "coverage"]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def test_every_hostile_file_is_listed():
    listed = {c[0] for c in HOSTILE} | {"hostile/formula_text.csv", "hostile/escapes.csv"}
    table = (DATA / "bad" / "EXPECTED.md").read_text(encoding="utf-8")
    assert {f"hostile/{p.name}" for p in HOSTILE_DIR.iterdir()} == listed
    assert all(f"| {name} |" in table for name in listed)


@pytest.mark.parametrize("name,command,code,words", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_inputs_exit_with_their_message(name, command, code, words, tmp_path, capsys):
    args = shlex.split(command.replace("{file}", str(DATA / name)))
    if args[0] == "run":
        args += ["--out", str(tmp_path / "out"), *FAST]
    assert main(args) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for word in words:
        assert word in err, (word, err)
    assert not (tmp_path / "out").exists() and _leftovers(tmp_path) == []


# --- item 4: crashes and silent loss on ordinary sheets ---------------------------------

@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_then_run(suffix, quick, tmp_path, capsys):
    """Before: the untouched template (blank lon and lat) exited 1 with UFuncTypeError."""
    sheet = tmp_path / f"my_services{suffix}"
    assert main(["template", str(sheet)]) == 0
    out = tmp_path / "out"
    assert main(["run", str(sheet), "--out", str(out), *FAST]) == 0
    served = pd.read_csv(out / "records_resolved.csv", dtype=str)
    assert set(served["record_id"]) == {"R0001", "R0002"}
    assert "site" not in set(served["basis"])                # blank coordinates: no sites


def test_understated_xlsx_dimension_reads_every_row(capsys):
    """Before: 1 record (the tag said A1:D2), and the run exited 0."""
    import openpyxl

    path = DATA / "good" / "dimension_short.xlsx"
    from coverage.records import read_records

    book = openpyxl.load_workbook(path)            # full read: the independent count
    rows = book.active.max_row - 1
    book.close()
    assert rows == 4
    assert len(read_records(path)) == rows


# --- item 5: hostile text ---------------------------------------------------------------

def _csv_cells(folder: Path):
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for col, cell in row.items():
                    yield path.name, col, cell


def test_formulas_are_neutralised_in_every_csv(quick, tmp_path, capsys):
    """Before: '=HYPERLINK(...)' was written verbatim into records_resolved.csv."""
    out = tmp_path / "out"
    assert main(["run", str(HOSTILE_DIR / "formula_text.csv"), "--out", str(out),
                 "--keep-columns", *FAST]) == 0
    number = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
    seen = {}
    for name, col, cell in _csv_cells(out):
        assert not cell.startswith(FORMULA_START) or number.fullmatch(cell), (name, col, cell)
        seen.setdefault((name, col), []).append(cell)
    served = [c for c in seen[("records_resolved.csv", "institution")]]
    assert "'=HYPERLINK(\"http://example.invalid\",\"open\")" in served
    assert "'+ARM" in served and "'-HCC" in served
    assert sorted(set(seen[("records_resolved.csv", "amount")])) == ["+12", "-3.5", "1e3"]
    # the reader strips cells, so the leading tab of "\tcall" never reaches an output
    assert set(seen[("records_resolved.csv", "contact")]) == {"'@SUM(1+1)", "call", "'-x"}
    review = tmp_path / "review.csv"
    assert main(["resolve", str(HOSTILE_DIR / "formula_text.csv"), "--out", str(review),
                 "--quiet"]) == 0
    for _, col, cell in _csv_cells(tmp_path):
        assert not cell.startswith(FORMULA_START) or number.fullmatch(cell), (col, cell)


def test_formula_column_names_are_neutralised(quick, tmp_path, capsys):
    """Before: --keep-columns wrote a sheet's column named '=HYPERLINK(...)' verbatim into
    the header of records_resolved.csv."""
    sheet = tmp_path / "s.csv"
    sheet.write_text('institution,group,area,"=HYPERLINK(""http://example.invalid"")",@cmd,'
                     "-2\nARM,shelter,Kandal,1,2,3\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(sheet), "--out", str(out), "--keep-columns", "--hxl", *FAST]) == 0
    with open(out / "records_resolved.csv", encoding="utf-8", newline="") as f:
        header, tags, row = list(csv.reader(f))
    assert header[-3:] == ["'=HYPERLINK(\"http://example.invalid\")", "'@cmd", "-2"]
    assert all(t.startswith("#") for t in tags) and row[-3:] == ["1", "2", "3"]


def test_warnings_print_a_sheets_escape_sequences_escaped(tmp_path, capsys):
    """Before: an HXL tag holding ESC [2J was logged raw ('HXL tags ignored: #x') and
    cleared the terminal."""
    sheet = tmp_path / "3w.csv"
    sheet.write_text("Org,Sector,Province,Evil\n#org,#sector,#adm1+name,#x\x1b[2J\n"
                     "ARM,shelter,Kandal,1\n", encoding="utf-8")
    assert main(["resolve", str(sheet)]) == 0
    err = capsys.readouterr().err
    assert "#x\\x1b[2J" in err and "\x1b" not in err


def test_neutralise_by_hand():
    from coverage.csvfile import neutralise

    table = pd.DataFrame({"text": ["\tx", "\rx", "=1+1", "+", "-", "@", "a=b", "-0.5", "1e-3"],
                          "n": [-1, 2, 3, 4, 5, 6, 7, 8, 9]})
    got = neutralise(table)
    assert got["text"].tolist() == ["'\tx", "'\rx", "'=1+1", "'+", "'-", "'@", "a=b",
                                    "-0.5", "1e-3"]
    assert got["n"].tolist() == table["n"].tolist() and got["n"].dtype == table["n"].dtype


def test_keep_columns_never_overwrites_or_drops_a_tool_column(quick, tmp_path, capsys):
    """Before: a sheet column named method or province became method_x/method_y and
    geometry was dropped."""
    sheet = tmp_path / "s.csv"
    sheet.write_text("institution,group,area,method,geometry,province\n"
                     "ARM,shelter,Kandal,mine,POINT (0 0),Kep\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(sheet), "--out", str(out), "--keep-columns", *FAST]) == 0
    served = pd.read_csv(out / "records_resolved.csv", dtype=str)
    assert served[["method", "province", "method (sheet)", "geometry (sheet)",
                   "province (sheet)"]].values.tolist() == [
        ["exact", "Kandal", "mine", "POINT (0 0)", "Kep"]]


def test_dollar_in_file_name(tmp_path):
    """Before: kh-coverage run exited 1, 'ParseFatalException: Unknown symbol: \\q' from
    matplotlib, drawing the caption of every map."""
    from coverage.maps import plot_group, plot_groups
    from coverage.scores import analyze

    sheet = tmp_path / "r$\\q$.csv"
    sheet.write_text("institution,group,area\nARM,shelter,Kandal\n", encoding="utf-8")
    result = analyze(sheet)
    for fig in (plot_group(result, 3, "gap").figure, plot_groups(result, "coverage")):
        texts = [t for t in fig.texts if "r$\\q$.csv" in t.get_text()]
        assert texts and all(not t._parse_math for t in texts)     # drawn as written
        fig.canvas.draw()


def test_resolve_prints_escapes_and_multiline_cells_safely(capsys):
    """Before: the ESC byte reached the terminal and 'Koh Kong' started a line of its own."""
    assert main(["resolve", str(HOSTILE_DIR / "escapes.csv"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2JBattambang" in out
    table = out.split("\n\n")[0].splitlines()
    assert table[0].split()[:3] == ["area_text", "records", "fragment"]
    assert any("Kandal\\nKoh Kong" in line for line in table)
    assert not any(line.startswith("Koh Kong") for line in out.splitlines())
    from coverage.records import read_records, review_table

    assert len(table) == 1 + len(review_table(read_records(HOSTILE_DIR / "escapes.csv")))


# --- item 6: bad input that exited 1 or misled ------------------------------------------

def _layers(tmp_path: Path) -> dict[str, Path]:
    """The bundled 2013 polygons written back three wrong ways."""
    import shapely

    from coverage.boundaries import load_provinces

    real = load_provinces("2013")[["code", "geometry"]]
    swapped = real.copy()
    swapped["geometry"] = shapely.transform(real.geometry.values, lambda xy: xy[:, ::-1])
    swapped.to_file(tmp_path / "swapped.geojson")
    real.set_crs(32648, allow_override=True).to_file(tmp_path / "metres.gpkg")  # UTM 48N
    real[real["code"] != "08"].to_file(tmp_path / "partial.gpkg")                 # no Kandal
    real.to_file(tmp_path / "my_layer.gpkg")
    return {p.stem: p for p in tmp_path.glob("*.g*")}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("case,words", [
    ("swapped", ["swapped.geojson", "does not overlap Cambodia", "look swapped"]),
    ("metres", ["metres.gpkg", "does not overlap Cambodia", "EPSG:4326"])])
def test_layer_outside_cambodia(case, words, tmp_path, capsys):
    """Before: exit 0, every province drawn in the wrong place and sites unplaced."""
    layer = _layers(tmp_path)[case]
    out = tmp_path / "out"
    assert main(["run", "--out", str(out), "--frame", "2013", "--boundaries", str(layer),
                 *FAST]) == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err, (word, err)
    assert not out.exists()


def test_extent_constant_holds_the_bundled_layers():
    from coverage.boundaries import load_provinces
    from coverage.boundaries.user_layers import CAMBODIA_EXTENT

    for frame in ("2010", "2013"):
        x0, y0, x1, y1 = load_provinces(frame).total_bounds
        a0, b0, a1, b1 = CAMBODIA_EXTENT
        assert a0 <= x0 and b0 <= y0 and x1 <= a1 and y1 <= b1, frame


def test_partial_layer_names_the_records_file_and_rows(tmp_path, capsys):
    """Before: 'served table, row 1, column province_code' (neither file nor sheet row)."""
    sheet = tmp_path / "services.csv"
    sheet.write_text("institution,group,area\nARM,shelter,Battambang\n\n"
                     "HCC,shelter,Kandal\n", encoding="utf-8")          # Kandal: sheet row 4
    layer = _layers(tmp_path)["partial"]
    assert main(["run", str(sheet), "--out", str(tmp_path / "out"), "--boundaries",
                 str(layer), *FAST]) == 2
    err = capsys.readouterr().err
    assert "services.csv, row 4:" in err and "partial.gpkg" in err
    assert "has no polygon for Kandal (08): row 4" in err     # named, not a bare code
    assert "served table" not in err


def test_map_captions_credit_the_users_layer(tmp_path):
    from coverage.maps import plot_group
    from coverage.scores import analyze
    from coverage.sources import SOURCES

    layer = _layers(tmp_path)["my_layer"]
    result = analyze(DATA / "good" / "bom.csv", provinces=layer)
    fig = plot_group(result, 3, "coverage").figure
    caption = "\n".join(t.get_text() for t in fig.texts)
    assert "my_layer.gpkg" in caption
    bundled = [s.caption for s in SOURCES.values() if s.key.startswith("boundaries")]
    assert bundled and not any(b in caption for b in bundled)


def test_clash_message_after_uninstalling_coverage_py(monkeypatch, capsys):
    """Before: the message blamed an installed coverage.py and said nothing of reinstalling."""
    import coverage
    import kh_coverage_main

    assert "pip install --force-reinstall kh-coverage" in coverage.CLASH_MESSAGE
    monkeypatch.setitem(sys.modules, "coverage", types.ModuleType("coverage"))  # files gone
    monkeypatch.setitem(sys.modules, "coverage.cli", None)
    assert kh_coverage_main.main() == 2
    err = capsys.readouterr().err
    assert "pip install --force-reinstall kh-coverage" in err and "Traceback" not in err
