"""The output folder of a run: written aside, moved into place whole, never over a
folder the tool does not own; the run's CSV tables (written by :mod:`coverage.csvfile`,
cells a spreadsheet cannot run).

Ownership: every output folder holds :data:`MANIFEST`, the list of the files the tool
wrote there. A folder is replaced only when every entry in it is in that list.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pandas as pd

from coverage.csvfile import write_csv
from coverage.errors import InputError
from coverage.records import RecordsSheet
from coverage.records.unresolved import unresolved_report
from coverage.scores import CoverageResult, format_suppressed

log = logging.getLogger(__name__)

__all__ = ["OutputError", "MANIFEST", "check_out", "check_new_file", "atomic_dir",
           "table_builders", "write_tables"]

#: The list of files the tool wrote into an output folder (JSON).
MANIFEST = ".kh-coverage-files.json"
TOOL = "kh-coverage"
SHOWN_FOREIGN = 5


class OutputError(InputError):
    """An output path the tool will not write to: exit code 2, like bad input."""


#: Tables with one row per record, fragment or sheet row: with ``min_count`` > 1 they are
#: written only on request (``record_level=True``), as they would give every withheld count.
RECORD_LEVEL = ("records_resolved.csv", "unresolved.csv", "rejected.csv")


def table_builders(result: CoverageResult, records: RecordsSheet, *, keep_columns: bool,
                   record_level: bool = False) -> dict[str, Callable[[], pd.DataFrame]]:
    """The run's CSV tables by file name, each built when called (by :func:`write_tables`).

    Always: ``coverage_by_province.csv``, ``coverage_by_service.csv`` and
    ``counts_by_reason.csv`` (records used, placed, not placed; unresolved fragments and
    rejected rows by reason), with withheld counts as ``"<k"``. The row-level tables
    (:data:`RECORD_LEVEL`) are included when ``min_count`` is 1, or when ``record_level``
    is True: for the analyst's own machine, never for sharing. Warnings about those
    choices are logged here, once, by the process that calls this (the command may write
    the files in a second process).
    """
    k = result.params.min_count
    tables = {"coverage_by_province.csv": lambda: format_suppressed(result.by_province, k),
              "coverage_by_service.csv": lambda: format_suppressed(result.by_service, k)}
    if result.totals is not None:
        tables["counts_by_reason.csv"] = lambda: format_suppressed(result.totals, k)
    if result.by_district is not None:   # counts blank (withheld) when min_count > 1
        tables["coverage_by_district.csv"] = lambda: result.by_district
    if k == 1 or record_level:
        if k > 1:
            log.warning("--record-level-tables: %s list every record; they give back every "
                        "withheld count and are not for sharing", ", ".join(RECORD_LEVEL))
        tables["records_resolved.csv"] = lambda: _served_with(result.served, records, keep_columns)
        tables["unresolved.csv"] = lambda: unresolved_report(records, result.unresolved)
        if len(result.rejected):
            tables["rejected.csv"] = lambda: result.rejected
    elif keep_columns:
        log.warning("--keep-columns has no effect with --min-count > 1: records_resolved.csv "
                    "is not written (see --record-level-tables)")
    return tables


def _served_with(served: pd.DataFrame, records: RecordsSheet, keep_columns: bool) -> pd.DataFrame:
    """The served table, with the sheet's extra columns when ``keep_columns``."""
    extra = list(records.extra_columns) if keep_columns else []
    if not extra:
        return served
    kept = records.records[["record_id", *extra]].rename(columns=lambda c: (
        f"{c} (sheet)" if c != "record_id" and (c in served.columns or c == "geometry") else c))
    return served.merge(kept, on="record_id", how="left", validate="many_to_one")


def write_tables(tables: dict[str, Callable[[], pd.DataFrame]], folder: Path, *,
                 hxl: bool = False) -> None:
    """Build and write each table of :func:`table_builders` into ``folder``."""
    for name, build in tables.items():
        df = build()
        write_csv(df, folder / name, hxl=hxl)
        log.debug("wrote %s (%d rows)", name, len(df))


# --- where the tool may write ---------------------------------------------------------

def _entries(folder: Path) -> list[str]:
    """Every file and folder under ``folder``, as sorted relative POSIX paths."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def _owned(folder: Path) -> set[str] | None:
    """The entries the tool wrote into ``folder`` (its manifest), or None without one."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("tool") != TOOL:
        return None
    files = {str(f) for f in data.get("files", [])}
    dirs = {"/".join(f.split("/")[:i]) for f in files for i in range(1, f.count("/") + 1)}
    return files | dirs | {MANIFEST}


def _refused(out: Path, inputs: Iterable[Path]) -> str | None:
    """Why ``out`` may never be an output folder, or None."""
    if out == Path(out.anchor):
        return "is the root of the file system"
    if out == Path.home().resolve():
        return "is your home folder"
    if out == Path.cwd().resolve():
        return "is the current folder"
    for path in inputs:
        if path.resolve().is_relative_to(out):
            return f"contains the input file {path.name}"
    return None


def check_out(out: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse an output folder the tool must not replace (raises :class:`OutputError`).

    ``out`` (absolute) is refused when it is ``/``, the home folder, the current folder,
    a folder holding one of ``inputs``, a file, or a folder with any entry the tool did
    not write (up to five are named).
    """
    why = _refused(out, inputs)
    if why:
        raise OutputError(f"--out {out} {why}; choose a new folder for the output")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder")
    if not out.is_dir() or not any(out.iterdir()):
        return
    owned = _owned(out)
    foreign = [e for e in _entries(out) if owned is None or e not in owned]
    if foreign:
        shown = ", ".join(foreign[:SHOWN_FOREIGN]) + (", ..." if len(foreign) > SHOWN_FOREIGN else "")
        raise OutputError(f"--out {out} is a folder that is not empty and holds "
                          f"{len(foreign)} entries kh-coverage did not write ({shown}); "
                          "nothing was changed: choose a new folder or move them")


def check_new_file(path: Path, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse to write the single file ``path`` over an input, a folder, a missing folder,
    or (without ``force``) an existing file."""
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise OutputError(f"{path}: the folder {path.parent} does not exist")
    for given in inputs:
        if given.exists() and path.exists() and path.samefile(given):
            raise OutputError(f"{path} is the input file; give another name")
    if path.exists() and not force:
        raise OutputError(f"{path} exists; use --force to overwrite it")


# --- moving the new folder into place --------------------------------------------------

@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Defer SIGINT and SIGTERM until the block ends (a no-op off the main thread).

    Python handlers run in the main thread whichever thread the kernel hands the signal
    to, so deferring them here holds even while other threads run (a signal mask on the
    main thread alone would not: the kernel gives a process signal to any thread that
    does not block it).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, lambda signum, frame: caught.append(signum)) for s in held}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in dict.fromkeys(caught):
            signal.raise_signal(s)


def _write_manifest(folder: Path, files: list[str]) -> None:
    data = {"tool": TOOL, "pid": os.getpid(), "files": files}
    (folder / MANIFEST).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _stale(folder: Path) -> bool:
    """True for a left-over work folder this tool made and no running process uses."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("tool") == TOOL and not _alive(data.get("pid"))


def _clean_stale(out: Path) -> None:
    """Remove ``.NAME.tmp-*`` and ``.NAME.old-*`` folders left by an interrupted run;
    put back an old output whose replacement never arrived."""
    for old in sorted(out.parent.glob(f".{out.name}.old-*")):
        inner = old / out.name
        if [p.name for p in old.iterdir()] != [out.name] or _owned(inner) is None:
            continue
        if not out.exists():
            os.replace(inner, out)
            log.warning("restored %s from an interrupted run", out)
        else:
            shutil.rmtree(old)
        with contextlib.suppress(OSError):
            old.rmdir()
    for tmp in sorted(out.parent.glob(f".{out.name}.tmp-*")):
        if _stale(tmp):
            shutil.rmtree(tmp)
            log.info("removed %s, left by an interrupted run", tmp.name)


def _swap(tmp: Path, out: Path) -> Path | None:
    """Move ``tmp`` to ``out``; the displaced old folder (call with signals held)."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / out.name)
    try:
        os.replace(tmp, out)
    except OSError:
        if old is not None:
            os.replace(old / out.name, out)
            old.rmdir()
        raise
    return old


@contextlib.contextmanager
def atomic_dir(out: Path, cancelled: Callable[[], bool] | None = None) -> Iterator[Path]:
    """Yield a temporary folder next to ``out``; move it into place only on success.

    The files written into the yielded folder are listed in its :data:`MANIFEST` just
    before the move. An interrupt at any moment leaves under ``out`` either the complete
    old folder or the complete new one; the work folders are removed. ``cancelled``,
    asked with interrupts held just before the move, stops it (``KeyboardInterrupt``)
    when an interrupt was swallowed on its way.
    """
    created = [p for p in (out.parent, *out.parent.parents) if not p.exists()]
    out.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    old = None
    try:
        _write_manifest(tmp, [])
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)      # mkdtemp makes it private; the output is not
        yield tmp
        _write_manifest(tmp, [e for e in _entries(tmp) if e != MANIFEST])
        with _signals_held():          # an interrupt waits until both renames are done
            if cancelled is not None and cancelled():
                raise KeyboardInterrupt
            old = _swap(tmp, out)
        log.debug("moved %s into place as %s", tmp.name, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for p in created:          # parents we made for this run, innermost first
            with contextlib.suppress(OSError):
                p.rmdir()
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

