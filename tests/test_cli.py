"""The kh-coverage command: run, resolve, template, exit codes and atomic output folders."""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from coverage.cli import main
from coverage.records import read_records
from quick_run import no_maps, quick  # noqa: F401  (fixtures: no drawing)

PROVINCES = pd.read_csv(resources.files("coverage") / "data" / "provinces.csv", dtype=str)
EXAMPLE = resources.files("coverage") / "data" / "example_records.csv"
COUNT_COLUMNS = ("records", "providers", "providers_local", "providers_nationwide")


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def _html_tables(html):
    """[(header cells, [row cells...]), ...] of every <table> (standard library only)."""
    from html.parser import HTMLParser

    class Tables(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tables, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.tables[-1].append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th"):
                self.tables[-1][-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Tables()
    parser.feed(html)
    return [(t[0], t[1:]) for t in parser.tables if t]


def _sheet(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def forum_run(tmp_path_factory):
    """One run of `kh-coverage run` on the bundled records (the slow part, shared)."""
    out = tmp_path_factory.mktemp("forum") / "out"
    capture = pytest.MonkeyPatch()
    import io
    import sys
    buf = io.StringIO()
    capture.setattr(sys, "stdout", buf)
    code = main(["run", "--out", str(out), "--quiet"])
    capture.undo()
    return code, out, buf.getvalue()


def test_run_on_bundled_data_writes_everything(forum_run):
    code, out, stdout = forum_run
    assert code == 0
    for name in ("coverage_by_province.csv", "coverage_by_service.csv", "records_resolved.csv",
                 "unresolved.csv", "report.html", "maps/all_groups_coverage.png",
                 "maps/all_groups_gap.png", "maps/group_3_shelter_coverage.png"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert _leftovers(out.parent) == []
    by_province = pd.read_csv(out / "coverage_by_province.csv", dtype={"province_code": str})
    assert by_province["province_code"].nunique() == 24          # 2010 frame
    served = pd.read_csv(out / "records_resolved.csv", dtype=str)
    assert {"record_id", "province_code", "basis", "method"} <= set(served.columns)


def test_run_summary_names_real_provinces(forum_run):
    _, out, stdout = forum_run
    assert "24 provinces" in stdout
    assert re.search(r"records: 143 used", stdout)
    unresolved = len(pd.read_csv(out / "unresolved.csv"))
    assert f"unresolved place fragments: {unresolved}" in stdout
    lines = [ln for ln in stdout.splitlines() if re.match(r"\s+\d (immediate|medical|shelter|"
                                                          r"education|legal|community)", ln)]
    assert len(lines) == 6
    names = set(PROVINCES["name"])
    for line in lines:
        listed = [n.strip() for n in line.split(None, 2)[2].split(",")]
        assert len(listed) == 5 and set(listed) <= names, line
    assert str(out) in stdout


def test_run_is_reproducible(forum_run, tmp_path, capsys):
    _, out, _ = forum_run
    again = tmp_path / "again"
    assert main(["run", "--out", str(again), "--quiet", "--metrics", "coverage"]) == 0
    for name in ("coverage_by_province.csv", "coverage_by_service.csv", "records_resolved.csv",
                 "unresolved.csv", "maps/all_groups_coverage.png"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def _previous_output(out, names=("coverage_by_province.csv",)):
    """An output folder as an earlier run leaves it (written through the tool's own
    machinery, so its manifest lists ``names``)."""
    from coverage.outputs import atomic_dir

    with atomic_dir(out) as tmp:
        for name in names:
            (tmp / name).write_text("previous run\n" if name.endswith(".csv")
                                    else "from an earlier run\n")
    return out


def test_run_replaces_an_earlier_output_folder(forum_run, quick, tmp_path, capsys):
    out = _previous_output(tmp_path / "out", ("coverage_by_province.csv", "stale.txt"))
    sheet = _sheet(tmp_path / "s.csv", "institution,group,area\nWorld Hope,shelter,Siem Reap\n")
    assert main(["run", str(sheet), "--out", str(out), "--quiet", "--metrics", "coverage"]) == 0
    assert not (out / "stale.txt").exists()
    assert (out / "coverage_by_province.csv").read_text() != "previous run\n"
    assert _leftovers(tmp_path) == []


def test_help_and_version(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for word in ("run", "resolve", "template", "--version", "--quiet", "--verbose"):
        assert word in text
    assert main(["--version"]) == 0
    assert re.match(r"kh-coverage \d+\.\d+", capsys.readouterr().out)
    assert main(["run", "--help"]) == 0
    text = capsys.readouterr().out
    for opt in ("--out", "--frame", "--boundaries", "--need", "--nationwide-weight",
                "--formats", "--min-count", "--keep-columns"):
        assert opt in text


def test_resolve_prints_the_review_table(capsys):
    with resources.as_file(EXAMPLE) as path:
        assert main(["resolve", str(path)]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header[:3] == ["area_text", "records", "fragment"]
    assert "fuzzy" in out and "alias" in out and "place" in out
    assert re.search(r"Batambang\s+1\s+Batambang\s+02\s+Battambang\s+fuzzy", out)
    assert re.search(r"Kg\.Chhnang\s+04\s+Kampong Chhnang\s+exact", out)  # shown as written
    assert re.search(r"B\. Meanchey\s+01\s+Banteay Meanchey\s+exact", out)
    assert re.search(r"\d+ fragments unresolved", out)


def test_resolve_can_save_the_review_table(tmp_path, capsys):
    review = tmp_path / "review.csv"
    with resources.as_file(EXAMPLE) as path:
        assert main(["resolve", str(path), "--out", str(review), "--quiet"]) == 0
    table = pd.read_csv(review, dtype=str, keep_default_na=False)
    assert set(table["status"]) == {"placed", "unresolved"}
    row = table[table["fragment"] == "Phnom Pen"].iloc[0]
    assert (row["province_code"], row["method"]) == ("12", "fuzzy")
    blank = table[table["area_text"] == ""]
    assert blank["status"].tolist() == ["unresolved"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_is_a_readable_records_sheet(tmp_path, capsys, suffix):
    path = tmp_path / f"my_services{suffix}"
    assert main(["template", str(path)]) == 0
    records = read_records(path).records
    assert len(records) == 2
    assert records["area_text"].str.len().gt(0).all()
    assert set(records["group_id"]) <= set(range(1, 7))
    assert main(["template", str(path)]) == 2           # no silent overwrite
    assert "exists" in capsys.readouterr().err
    assert main(["template", str(path), "--force", "--quiet"]) == 0


def test_template_rejects_other_suffixes(tmp_path, capsys):
    assert main(["template", str(tmp_path / "x.ods")]) == 2
    assert not (tmp_path / "x.ods").exists()


def test_typo_in_required_column_exits_2_without_output(tmp_path, capsys):
    sheet = _sheet(tmp_path / "typo.csv",
                   "instituton,group,area\nWorld Hope,shelter,Siem Reap\n")
    out = tmp_path / "new" / "out"
    assert main(["run", str(sheet), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "typo.csv" in err and "row 1" in err and "institution" in err
    assert "Traceback" not in err
    assert not (tmp_path / "new").exists()
    assert _leftovers(tmp_path) == []


def test_unknown_service_exits_2_naming_row_and_column(tmp_path, capsys):
    sheet = _sheet(tmp_path / "svc.csv", "institution,group,service,area\n"
                                         "World Hope,shelter,Shelter/Center,Siem Reap\n"
                                         "Hagar,shelter,Helicopter rescue,Phnom Penh\n")
    assert main(["run", str(sheet), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "svc.csv" in err and "row 3" in err and "'service'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_failed_run_leaves_previous_output_untouched(tmp_path, capsys):
    out = _previous_output(tmp_path / "out")
    sheet = _sheet(tmp_path / "bad.csv", "institution,group,area\nWorld Hope,parachutes,Kep\n")
    assert main(["run", str(sheet), "--out", str(out)]) == 2
    assert "parachutes" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [".kh-coverage-files.json",
                                                     "coverage_by_province.csv"]
    assert (out / "coverage_by_province.csv").read_text() == "previous run\n"
    assert _leftovers(tmp_path) == []


def test_crash_midway_exits_1_and_cleans_up(tmp_path, capsys, monkeypatch):
    import coverage.drawing

    def broken(*args, **kwargs):
        raise RuntimeError("disk full\nsecond line")

    monkeypatch.setattr(coverage.drawing, "draw_maps", broken)
    out = _previous_output(tmp_path / "out")
    sheet = _sheet(tmp_path / "s.csv", "institution,group,area\nWorld Hope,shelter,Siem Reap\n")
    assert main(["run", str(sheet), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert [ln for ln in err.splitlines() if "error" in ln] == [
        "kh-coverage: error: RuntimeError: disk full second line (run with --verbose for details)"]
    assert "Traceback" not in err
    assert (out / "coverage_by_province.csv").read_text() == "previous run\n"
    assert _leftovers(tmp_path) == []
    assert main(["run", str(sheet), "--out", str(out), "--verbose"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine\n")
    assert main(["run", "--out", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "mine\n"


@pytest.mark.parametrize("args", [["--formats", "gif"], ["--metrics", "beauty"],
                                  ["--nationwide-weight", "2"], ["--min-count", "0"],
                                  ["--frame", "2020"]])
def test_bad_options_exit_2(tmp_path, capsys, args):
    assert main(["run", "--out", str(tmp_path / "out"), *args]) == 2
    assert not (tmp_path / "out").exists()


def test_missing_records_file_exits_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "out")]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_unplaceable_area_is_listed_not_fatal(no_maps, tmp_path, capsys):
    sheet = _sheet(tmp_path / "s.csv", "institution,group,service,area\n"
                                       "World Hope,shelter,1,Siem Reap\n"
                                       "Somebody,legal,2,Thai border\n")
    out = tmp_path / "out"
    assert main(["run", str(sheet), "--out", str(out), "--metrics", "coverage"]) == 0
    stdout = capsys.readouterr().out
    assert "unresolved place fragments: 1" in stdout
    unresolved = pd.read_csv(out / "unresolved.csv", dtype=str)
    assert unresolved[["record_id", "fragment"]].values.tolist() == [["R0002", "Thai border"]]
    assert "Thai border" in (out / "report.html").read_text(encoding="utf-8")
    by_province = pd.read_csv(out / "coverage_by_province.csv", dtype={"province_code": str})
    assert by_province["province_code"].nunique() == 25          # user data: 2013 frame


def test_keep_columns_passes_extra_columns_through(quick, tmp_path, capsys):
    with resources.as_file(EXAMPLE) as path:
        assert main(["run", str(path), "--out", str(tmp_path / "a"), "--quiet",
                     "--metrics", "coverage"]) == 0
        assert main(["run", str(path), "--out", str(tmp_path / "b"), "--quiet",
                     "--metrics", "coverage", "--keep-columns"]) == 0
    plain = pd.read_csv(tmp_path / "a" / "records_resolved.csv", dtype=str)
    kept = pd.read_csv(tmp_path / "b" / "records_resolved.csv", dtype=str)
    assert "source_line" not in plain.columns
    assert "source_line" in kept.columns
    assert len(kept) == len(plain)
    assert kept.loc[kept["record_id"] == "R0001", "source_line"].unique().tolist() == ["430"]


def test_min_count_suppresses_small_counts_everywhere(no_maps, tmp_path, capsys):
    rows = ["institution,group,service,area"]
    # case-level: one row per case handled, a few providers per province
    for i, (inst, area) in enumerate([("A", "Battambang"), ("B", "Battambang"),
                                      ("C", "Battambang"), ("D", "Siem Reap"),
                                      ("E", "Siem Reap"), ("F", "Pailin"),
                                      ("G", "Battambang"), ("H", "Battambang"),
                                      ("I", "Battambang")]):
        rows.append(f"{inst},shelter,1,{area}")
    sheet = _sheet(tmp_path / "cases.csv", "\n".join(rows) + "\n")
    out = tmp_path / "out"
    assert main(["run", str(sheet), "--out", str(out), "--min-count", "5", "--quiet",
                 "--metrics", "coverage"]) == 0
    for name in ("coverage_by_province.csv", "coverage_by_service.csv"):
        table = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        for col in COUNT_COLUMNS:
            if col not in table.columns:
                continue
            values = table[col]
            numbers = pd.to_numeric(values.where(values != "<5"), errors="coerce")
            assert not numbers.between(1, 4).any(), (name, col)
        assert (table["suppressed"] == "True").any(), name
    assert (pd.read_csv(out / "coverage_by_province.csv", dtype=str)["providers"] == "6").any()
    html = (out / "report.html").read_text(encoding="utf-8")
    html = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    tables = _html_tables(html)
    counted = [t for t in tables if "local providers" in t[0]]
    assert len(counted) == 1                      # shelter only: the other five have no data
    assert html.count("No data: no record offers this group anywhere") == 5
    for header, rows in counted:
        for col in ("local providers", "nationwide providers"):
            j = header.index(col)
            values = [r[j] for r in rows]
            assert not [v for v in values if v.isdigit() and 1 <= int(v) <= 4], values
    # 9 = 6 (Battambang) + 2 + 1: with the total published, Siem Reap and Pailin would be
    # narrowed to [1, 2]; the audit withholds it (or Battambang)
    assert "Records placed in a province</th><td>&lt;5</td>" in html


def _need_sheet(path, column="female", frame="2010"):
    """A real need indicator: the 2008 census count of women per province (NIS)."""
    pop = pd.read_csv(resources.files("coverage") / "data" / "population_2008.csv",
                      dtype=str, keep_default_na=False)
    pop = pop[pop["frame"] == frame][["province_code", column]].rename(columns={column: "need"})
    pop.to_csv(path, index=False)
    return path


def test_need_file_changes_the_gap(no_maps, tmp_path, capsys):
    need = _need_sheet(tmp_path / "need.csv")
    out = tmp_path / "out"
    assert main(["run", "--out", str(out), "--need", str(need), "--quiet",
                 "--metrics", "gap"]) == 0
    table = pd.read_csv(out / "coverage_by_province.csv", dtype={"province_code": str})
    women = pd.read_csv(need, dtype={"province_code": str}).set_index("province_code")["need"]
    allg = table[table["group_id"] == 0].set_index("province_code")
    expected = women / women.max()
    assert (allg["need"] - expected.reindex(allg.index)).abs().max() <= 5e-5   # 4 decimals
    assert "custom" in (out / "report.html").read_text(encoding="utf-8")


def test_bad_need_value_names_row_and_column(tmp_path, capsys):
    need = _need_sheet(tmp_path / "need.csv")
    lines = need.read_text().splitlines()
    lines[3] = lines[3].split(",")[0] + ",lots"
    need.write_text("\n".join(lines) + "\n")
    assert main(["run", "--out", str(tmp_path / "out"), "--need", str(need)]) == 2
    err = capsys.readouterr().err
    assert "need.csv, row 4, column 'need'" in err and "'lots'" in err
    assert not (tmp_path / "out").exists()


def test_need_file_must_cover_the_frame(tmp_path, capsys):
    need = _need_sheet(tmp_path / "need.csv", frame="2013")        # has Tbong Khmum (25)
    assert main(["run", "--out", str(tmp_path / "out"), "--need", str(need)]) == 2
    assert "'25' is not one of the provinces scored" in capsys.readouterr().err


def test_boundaries_file_from_the_user(tmp_path, capsys, shared):
    layer = shared("data/boundaries/khm_adm1_geoboundaries.geojson")
    sheet = _sheet(tmp_path / "s.csv", "institution,group,area\nWorld Hope,shelter,Siem Reap\n")
    out = tmp_path / "out"
    assert main(["run", str(sheet), "--out", str(out), "--boundaries", str(layer), "--quiet",
                 "--metrics", "coverage"]) == 0
    assert (out / "maps" / "all_groups_coverage.png").stat().st_size > 10_000
    broken = _sheet(tmp_path / "broken.geojson", '{"type": "FeatureCollection", "features": []}')
    assert main(["run", str(sheet), "--out", str(tmp_path / "o2"), "--boundaries",
                 str(broken)]) == 2
    assert "broken.geojson" in capsys.readouterr().err


# --- every broken input: exit code 2, the message, no traceback, no output ---------------

from bad_cases import BAD, CASES  # noqa: E402  (the table of tests/data/bad/EXPECTED.md)


@pytest.mark.parametrize("name,row,column,words", CASES, ids=[c[0] for c in CASES])
def test_every_bad_sheet_exits_2_with_its_message(name, row, column, words, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(BAD / name), "--out", str(out), "--metrics", "coverage"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and name in err
    if row is not None:
        assert f"row {row}" in err
    for word in words:
        assert word.lower() in err.lower(), (word, err)
    assert not out.exists() and _leftovers(tmp_path) == []


def _broken_layers(tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    """Real province polygons, broken one way each: no CRS, unknown names, a repeated code."""
    import geopandas as gpd  # noqa: F401
    from coverage.boundaries import load_provinces

    real = load_provinces("2013")
    nocrs = tmp_path / "nocrs.shp"
    real[["code", "geometry"]].to_file(nocrs)
    nocrs.with_suffix(".prj").unlink()
    unknown = real[["name", "geometry"]].copy()
    unknown.loc[3, "name"] = "Atlantis"
    unknown.to_file(tmp_path / "unknown.geojson")
    twice = real[["code", "geometry"]].copy()
    twice.loc[4, "code"] = "03"
    twice.to_file(tmp_path / "twice.gpkg")
    return {"no CRS": (nocrs, ["nocrs.shp", "no CRS"]),
            "unknown": (tmp_path / "unknown.geojson", ["unknown.geojson", "'Atlantis'"]),
            "twice": (tmp_path / "twice.gpkg", ["twice.gpkg", "03"]),
            "missing": (tmp_path / "nowhere.gpkg", ["nowhere.gpkg", "no such file"])}


@pytest.mark.parametrize("case", ["no CRS", "unknown", "twice", "missing"])
def test_every_bad_boundary_layer_exits_2(case, tmp_path, capsys):
    path, words = _broken_layers(tmp_path)[case]
    out = tmp_path / "out"
    code = main(["run", "--out", str(out), "--frame", "2013", "--boundaries", str(path),
                 "--metrics", "coverage"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    for word in words:
        assert word in err, (word, err)
    assert not out.exists()
