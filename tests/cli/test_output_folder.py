"""Issue 11, item 1: the output folder never loses a file the tool did not write.

Each test states the behaviour of the code before the fix in its docstring's second line.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from coverage.cli import main
from quick_run import _maps as quick_maps
from quick_run import quick  # noqa: F401  (fixture: no drawing)
from coverage.outputs import atomic_dir

MANIFEST = ".kh-coverage-files.json"     # the file that lists what a run wrote

SHEET = "institution,group,area\nWorld Hope,shelter,Siem Reap\n"
FAST = ["--quiet", "--metrics", "coverage"]


def _sheet(path: Path, text: str = SHEET) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _previous_output(out: Path, names=("coverage_by_province.csv",)) -> Path:
    with atomic_dir(out) as tmp:
        for name in names:
            (tmp / name).write_text("previous run\n")
    return out


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_notes_saved_into_an_earlier_output_are_kept(quick, tmp_path, capsys):
    """Before: the next run replaced the folder and the notes were gone."""
    out = _previous_output(tmp_path / "out")
    (out / "my notes.txt").write_text("call the shelter on Monday\n")
    before = _tree(out)
    assert main(["run", str(_sheet(tmp_path / "s.csv")), "--out", str(out), *FAST]) == 2
    err = capsys.readouterr().err
    assert "my notes.txt" in err and "did not write" in err and "Traceback" not in err
    assert _tree(out) == before and _leftovers(tmp_path) == []


def test_at_most_five_foreign_entries_are_named(tmp_path, capsys):
    out = _previous_output(tmp_path / "out")
    for i in range(7):
        (out / f"note{i}.txt").write_text("mine\n")
    assert main(["run", "--out", str(out), *FAST]) == 2
    err = capsys.readouterr().err
    named = [f"note{i}.txt" for i in range(7) if f"note{i}.txt" in err]
    assert named == [f"note{i}.txt" for i in range(5)] and "7 entries" in err


def test_a_folder_without_a_manifest_is_not_replaced(tmp_path, capsys):
    """Before: any folder holding a file named coverage_by_province.csv was replaced."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "coverage_by_province.csv").write_text("someone else's table\n")
    (out / "budget.xlsx").write_text("not ours\n")
    assert main(["run", "--out", str(out), *FAST]) == 2
    assert "budget.xlsx" in capsys.readouterr().err
    assert (out / "budget.xlsx").read_text() == "not ours\n"


def test_the_records_sheet_inside_the_output_folder_is_refused(quick, tmp_path, capsys):
    """Before: the sheet was deleted with the old output folder."""
    out = _previous_output(tmp_path / "out")
    sheet = _sheet(out / "records.csv")
    assert main(["run", str(sheet), "--out", str(out), *FAST]) == 2
    assert "contains the input file records.csv" in capsys.readouterr().err
    assert sheet.read_text() == SHEET


@pytest.mark.parametrize("where", ["cwd", "home", "root"])
def test_dangerous_out_folders_are_refused(where, tmp_path, monkeypatch, capsys):
    """Before: `--out .` or `--out ~` holding coverage_by_province.csv was replaced whole."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "coverage_by_province.csv").write_text("old\n")
    (home / "thesis.docx").write_text("years of work\n")
    monkeypatch.setenv("HOME", str(home if where == "home" else tmp_path))
    monkeypatch.chdir(home)
    out = {"cwd": ".", "home": str(home), "root": "/"}[where]
    assert main(["run", "--out", out, *FAST]) == 2
    err = capsys.readouterr().err
    assert {"cwd": "current folder", "home": "home folder", "root": "root"}[where] in err
    assert (home / "thesis.docx").read_text() == "years of work\n"


def test_a_folder_the_tool_wrote_is_replaced_and_its_manifest_lists_every_file(quick,
                                                                                  tmp_path,
                                                                                  capsys):
    out = tmp_path / "out"
    sheet = _sheet(tmp_path / "s.csv")
    assert main(["run", str(sheet), "--out", str(out), *FAST]) == 0
    (out / "coverage_by_province.csv").write_text("edited by hand, still listed\n")
    assert main(["run", str(sheet), "--out", str(out), *FAST]) == 0      # its own output
    assert (out / "coverage_by_province.csv").read_text().startswith("province_code,")
    listed = json.loads((out / MANIFEST).read_text())["files"]
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                     if p.name != MANIFEST)
    assert listed == on_disk and {"report.html", "maps", "records_resolved.csv"} <= set(listed)
    assert _leftovers(tmp_path) == []


def test_resolve_out_rules(tmp_path, capsys):
    """Before: `resolve --out` overwrote any file, the records sheet included."""
    sheet = _sheet(tmp_path / "s.csv")
    review = tmp_path / "review.csv"
    review.write_text("mine\n")
    assert main(["resolve", str(sheet), "--out", str(review), "--quiet"]) == 2
    assert "--force" in capsys.readouterr().err and review.read_text() == "mine\n"
    for force in ([], ["--force"]):
        assert main(["resolve", str(sheet), "--out", str(sheet), "--quiet", *force]) == 2
        assert sheet.read_text() == SHEET
    assert "is the input file" in capsys.readouterr().err
    assert main(["resolve", str(sheet), "--out", str(tmp_path), "--quiet"]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["resolve", str(sheet), "--out", str(tmp_path / "no" / "r.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["resolve", str(sheet), "--out", str(review), "--force", "--quiet"]) == 0
    assert pd.read_csv(review)["fragment"].tolist() == ["Siem Reap"]


@pytest.mark.parametrize("target", ["folder", "missing parent"])
def test_template_refuses_folders_and_missing_parents(target, tmp_path, capsys):
    path = tmp_path / "t.csv" if target == "folder" else tmp_path / "no" / "t.csv"
    if target == "folder":
        path.mkdir()
    assert main(["template", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_sigint_between_the_two_renames_leaves_a_complete_folder(quick, tmp_path, monkeypatch,
                                                                capsys):
    """Before: Ctrl-C right after the old folder was moved aside left neither folder."""
    import coverage.outputs as outputs

    out = _previous_output(tmp_path / "out")
    real = os.replace
    calls = []

    def replace_then_interrupt(src, dst):
        real(src, dst)
        calls.append(dst)
        if len(calls) == 1:                   # the old folder has just been moved aside
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(outputs.os, "replace", replace_then_interrupt)
    code = main(["run", str(_sheet(tmp_path / "s.csv")), "--out", str(out), *FAST])
    err = capsys.readouterr().err
    assert code == 130 and len(calls) == 2
    assert err.strip().count("\n") == 0 and "interrupted" in err
    assert (out / "report.html").is_file()           # the complete new folder
    assert json.loads((out / MANIFEST).read_text())["files"]
    assert _leftovers(tmp_path) == []


def _assert_interrupted_run_leaves_it(out, tmp_path, capsys):
    """A run into ``out`` that gets interrupted: exit 130, one line on stderr, the earlier
    output exactly as it was, no work folders left."""
    before = _tree(out)
    assert main(["run", str(_sheet(tmp_path / "s.csv")), "--out", str(out), *FAST]) == 130
    assert capsys.readouterr().err.strip().splitlines() == [
        "kh-coverage: interrupted; nothing was changed or the output is complete"]
    assert _tree(out) == before and _leftovers(tmp_path) == []


def test_sigterm_mid_run_keeps_the_old_output_and_prints_one_line(quick, tmp_path, monkeypatch,
                                                                   capsys):
    """Before: SIGTERM killed the process and left the .tmp- folder behind."""
    import coverage.drawing

    def terminated(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(coverage.drawing, "draw_maps", terminated)
    out = _previous_output(tmp_path / "out")
    _assert_interrupted_run_leaves_it(out, tmp_path, capsys)
    assert signal.getsignal(signal.SIGTERM) is not None


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(proc.stdout)


def test_a_later_run_removes_stale_work_folders_it_made(quick, tmp_path, capsys):
    out = tmp_path / "out"
    stale = tmp_path / ".out.tmp-abc123"
    stale.mkdir()
    (stale / MANIFEST).write_text(json.dumps({"tool": "kh-coverage", "pid": _dead_pid(),
                                              "files": []}))
    (stale / "coverage_by_province.csv").write_text("half written\n")
    foreign = tmp_path / ".out.tmp-notours"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine\n")
    assert main(["run", str(_sheet(tmp_path / "s.csv")), "--out", str(out), *FAST]) == 0
    assert not stale.exists()
    assert (foreign / "keep.txt").read_text() == "mine\n"


def test_an_old_output_stranded_by_a_hard_kill_is_put_back(quick, tmp_path, capsys):
    """A SIGKILL between the renames cannot be held off; the next run restores the old
    folder before it starts, so the user never finds neither."""
    stranded = _previous_output(tmp_path / "x")
    old = tmp_path / ".out.old-zz9"
    old.mkdir()
    os.replace(stranded, old / "out")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "missing.csv"), "--out", str(out), *FAST]) == 2
    assert not out.exists()                  # bad input: nothing touched yet
    assert main(["run", str(_sheet(tmp_path / "s.csv")), "--out", str(out), *FAST]) == 0
    assert (out / "report.html").is_file() and _leftovers(tmp_path) == []


def test_sigterm_while_maps_are_drawn_stops_the_workers_quietly(tmp_path, capfd):
    """Before: the parent could sleep on in a process pool (the signal reached a helper
    thread) and forked workers inherited its handler; now maps are drawn in this process
    (PNG compression on one thread): the interrupt stops it, no child process is left and
    nothing prints a traceback (capfd sees every thread's and process's stderr)."""
    import multiprocessing
    import threading

    from coverage.interrupts import interrupted
    from coverage.interrupts import term_interrupts as _term_interrupts
    from coverage.maps import save_maps
    from coverage.scores import analyze

    # Import what the SVG and PDF writers load lazily before signalling: a signal landing
    # inside `import fontTools.subset` leaves its class patches behind, and every later
    # PDF save in this process then fails on re-import ("class 'Coverage' has method ...").
    import fontTools.subset  # noqa: F401
    import matplotlib.backends.backend_pdf  # noqa: F401
    import matplotlib.backends.backend_svg  # noqa: F401

    result = analyze()
    stop, lock = threading.Event(), threading.Lock()

    def terminate():
        while not stop.wait(0.3):                     # until save_maps has noticed
            with lock:
                if not stop.is_set():
                    os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=terminate, daemon=True).start()
    with _term_interrupts():
        try:
            save_maps(result, tmp_path / "maps", formats=("png", "svg", "pdf"))
        except KeyboardInterrupt:
            pass
        except Exception:          # matplotlib may turn it into another error (an SVG path
            assert interrupted.is_set()   # effect: "Invalid affine transformation matrix")
        else:
            raise AssertionError("save_maps ran to the end through SIGTERM every 0.3 s")
        finally:
            with lock:
                stop.set()
    assert multiprocessing.active_children() == []
    assert "Traceback" not in capfd.readouterr().err


def test_an_interrupt_swallowed_on_its_way_still_stops_the_run(quick, tmp_path, monkeypatch,
                                                              capsys):
    """Before: Ctrl-C landing in a ``__del__`` (or a weakref callback, as it did in
    matplotlib) was printed as "Exception ignored ... KeyboardInterrupt" and lost: the
    run went on and replaced the output, exit 0."""
    import coverage.drawing

    class Dropped:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)

    def maps_with_a_finaliser(*args, **kwargs):
        Dropped()                                   # collected at once: __del__ runs
        return []

    monkeypatch.setattr(coverage.drawing, "draw_maps", maps_with_a_finaliser)
    out = _previous_output(tmp_path / "out")
    _assert_interrupted_run_leaves_it(out, tmp_path, capsys)
    monkeypatch.setattr(coverage.drawing, "draw_maps", quick_maps)
    assert main(["run", str(_sheet(tmp_path / "s.csv")), "--out", str(tmp_path / "o2"),
                 *FAST]) == 0                      # the next command starts afresh


def test_an_interrupt_turned_into_another_error_is_still_an_interrupt(quick, tmp_path,
                                                                       monkeypatch, capsys):
    """Before: SIGTERM landing in matplotlib's SVG path effects surfaced as 'ValueError:
    Invalid affine transformation matrix', exit 1."""
    import coverage.drawing

    def maps_then_error(*args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGTERM)
        except KeyboardInterrupt:
            raise ValueError("Invalid affine transformation matrix") from None

    monkeypatch.setattr(coverage.drawing, "draw_maps", maps_then_error)
    out = _previous_output(tmp_path / "out")
    _assert_interrupted_run_leaves_it(out, tmp_path, capsys)


def test_an_interrupt_while_the_package_is_imported_prints_one_line(monkeypatch, capsys):
    """Before: Ctrl-C in the first second (imports) printed a traceback; SIGTERM then
    killed the process with no word."""
    import kh_coverage_main

    class Interrupting:
        def find_spec(self, name, path=None, target=None):
            if name == "coverage.cli":
                raise KeyboardInterrupt
            return None

    monkeypatch.delitem(sys.modules, "coverage.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    monkeypatch.setattr(kh_coverage_main, "_coverage_py_installed", lambda: False)
    term = signal.getsignal(signal.SIGTERM)
    assert kh_coverage_main.main() == 130
    assert capsys.readouterr().err.strip().splitlines() == [kh_coverage_main.INTERRUPTED]
    assert signal.getsignal(signal.SIGTERM) == term          # handler put back
