"""The output folder of a run: written aside, moved into place whole, never over a
folder the tool does not own.
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pandas as pd

from coverage.errors import InputError
from coverage.records import RecordsSheet
from coverage.scores import CoverageResult, format_suppressed

log = logging.getLogger(__name__)

__all__ = ["OutputError", "MARKER", "check_out", "atomic_dir", "write_tables"]

MARKER = "coverage_by_province.csv"   # an output folder of a previous run holds this file


class OutputError(InputError):
    """An output path the tool will not write to: exit code 2, like bad input."""


#: Tables with one row per record, fragment or sheet row: with ``min_count`` > 1 they are
#: written only on request (``record_level=True``), as they would give every withheld count.
RECORD_LEVEL = ("records_resolved.csv", "unresolved.csv", "rejected.csv")


def write_tables(result: CoverageResult, records: RecordsSheet, folder: Path, *,
                 keep_columns: bool, record_level: bool = False) -> None:
    """Write the run's CSV tables into ``folder``.

    Always: ``coverage_by_province.csv``, ``coverage_by_service.csv`` and
    ``counts_by_reason.csv`` (records used, placed, not placed; unresolved fragments and
    rejected rows by reason), with withheld counts as ``"<k"``. The row-level tables
    (:data:`RECORD_LEVEL`) are written when ``min_count`` is 1, or when ``record_level`` is
    True: for the analyst's own machine, never for sharing.
    """
    k = result.params.min_count
    tables = {"coverage_by_province.csv": format_suppressed(result.by_province, k),
              "coverage_by_service.csv": format_suppressed(result.by_service, k)}
    if result.totals is not None:
        tables["counts_by_reason.csv"] = format_suppressed(result.totals, k)
    if k == 1 or record_level:
        if k > 1:
            log.warning("--record-level-tables: %s list every record; they give back every "
                        "withheld count and are not for sharing", ", ".join(RECORD_LEVEL))
        served = result.served
        extra = list(records.extra_columns) if keep_columns else []
        if extra:
            served = served.merge(records.records[["record_id", *extra]], on="record_id",
                                  how="left", validate="many_to_one")
        tables["records_resolved.csv"] = served
        tables["unresolved.csv"] = result.unresolved
        if len(result.rejected):
            tables["rejected.csv"] = result.rejected
    elif keep_columns:
        log.warning("--keep-columns has no effect with --min-count > 1: records_resolved.csv "
                    "is not written (see --record-level-tables)")
    for name, df in tables.items():
        _plain(df).to_csv(folder / name, index=False, encoding="utf-8", lineterminator="\n")
        log.debug("wrote %s (%d rows)", name, len(df))


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Drop a geometry column and join list cells, so the table is a plain CSV."""
    df = df.drop(columns="geometry", errors="ignore").copy()
    for col in df.columns[df.dtypes == object]:  # list cells only live in object columns
        if df[col].map(lambda v: isinstance(v, (list, tuple))).any():
            df[col] = df[col].map(lambda v: "; ".join(map(str, v))
                                  if isinstance(v, (list, tuple)) else v)
    return df


def check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(f"--out {out} is a folder that is not empty and holds no earlier "
                         f"kh-coverage output ({MARKER}); choose a new folder")


@contextlib.contextmanager
def atomic_dir(out: Path) -> Iterator[Path]:
    """Yield a temporary folder next to ``out``; move it into place only on success."""
    created = [p for p in (out.parent, *out.parent.parents) if not p.exists()]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)      # mkdtemp makes it private; the output folder is not
    try:
        yield tmp
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.replace(out, old / out.name)
            try:
                os.replace(tmp, out)
            except OSError:
                os.replace(old / out.name, out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
        log.debug("moved %s into place as %s", tmp.name, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for p in created:          # parents we made for this run, innermost first
            with contextlib.suppress(OSError):
                p.rmdir()
        raise


