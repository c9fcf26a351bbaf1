"""The ``kh-coverage`` command: ``run``, ``resolve`` and ``template``.

``kh-coverage run`` maps a records sheet (or the bundled forum records) into a folder of
tables, maps and a self-contained report; ``kh-coverage resolve`` shows how each place
text is read, so a sheet can be fixed before mapping; ``kh-coverage template`` writes an
empty records sheet with two example rows.

Exit codes: 0 success, 2 bad input (the message names the file, row and column),
1 any other failure (one line; the traceback with ``--verbose``).

Examples
--------
>>> from coverage.cli import main
>>> main(["template", "my_services.csv"])          # doctest: +SKIP
0
>>> main(["run", "--out", "out", "--quiet"])        # doctest: +SKIP
0
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
from importlib import resources
from pathlib import Path
from typing import Iterator, Sequence

import pandas as pd

from coverage.gazetteer import FRAMES
from coverage.records import RecordsError
from coverage.taxonomy import GROUPS

log = logging.getLogger("coverage.cli")  # also when run as python -m coverage.cli

__all__ = ["main", "build_parser"]

FORMATS = ("png", "svg", "pdf")
DEFAULT_FORMATS = "png"
METRICS = ("coverage", "gap", "providers", "providers_local")
DEFAULT_METRICS = "coverage,gap"
MARKER = "coverage_by_province.csv"   # an output folder of a previous run holds this file
TEMPLATE_COLUMNS = ["institution", "group", "service", "area", "lon", "lat", "programme",
                    "referral", "gaps", "recommendations", "notes"]
TOP_N = 5


class UsageError(ValueError):
    """A bad option value or output folder: exit code 2, like a bad records sheet."""


# --- parser ---------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``kh-coverage`` (all three subcommands)."""
    from coverage import __version__

    common = argparse.ArgumentParser(add_help=False)
    loud = common.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=-1,
                      default=argparse.SUPPRESS, help="only warnings and errors on stderr")
    loud.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=1,
                      default=argparse.SUPPRESS,
                      help="debug messages, step timings and tracebacks on stderr")

    parser = argparse.ArgumentParser(
        prog="kh-coverage", parents=[common],
        description="Map which reintegration services reach which Cambodian provinces: "
                    "coverage and gap scores, maps and a self-contained report, from the 2010 "
                    "National Practitioner Forum's records or your own sheet.",
        epilog="Exit codes: 0 success, 2 bad input (file, row and column named), 1 other error.")
    parser.add_argument("--version", action="version", version=f"kh-coverage {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", parents=[common], help="score, map and report into a folder",
                         description="Score coverage and gaps per province and write tables, "
                                     "maps and report.html into --out.")
    run.add_argument("records", nargs="?", metavar="RECORDS",
                     help="records sheet (.csv or .xlsx); the bundled forum records if omitted")
    run.add_argument("--out", required=True, type=Path, metavar="DIR",
                     help="output folder (replaced as a whole only when the run succeeds)")
    run.add_argument("--sheet", help="worksheet name of an .xlsx file (default: the first)")
    run.add_argument("--frame", choices=FRAMES,
                     help="province frame of the maps (default: 2010 for the forum records, "
                          "2013 for your own)")
    run.add_argument("--boundaries", type=Path, metavar="FILE",
                     help="province boundary file (GeoJSON, shapefile, GeoPackage) instead of "
                          "the bundled one")
    run.add_argument("--need", type=Path, metavar="FILE",
                     help="CSV of need per province (columns province_code or province, and "
                          "need) instead of population")
    run.add_argument("--nationwide-weight", type=float, default=0.5, metavar="W",
                     help="weight of a nationwide offer in each province, 0 to 1 (default 0.5)")
    run.add_argument("--min-count", type=int, default=1, metavar="K",
                     help="suppress published counts below K (default 1: no suppression)")
    run.add_argument("--formats", default=DEFAULT_FORMATS, metavar="LIST",
                     help="map file formats, comma-separated from png,svg,pdf (default png)")
    run.add_argument("--metrics", default=DEFAULT_METRICS, metavar="LIST",
                     help="map metrics, comma-separated from "
                          f"{','.join(METRICS)} (default {DEFAULT_METRICS})")
    run.add_argument("--keep-columns", action="store_true",
                     help="copy your sheet's extra columns into records_resolved.csv")
    run.add_argument("--title", help="title of report.html")
    run.set_defaults(func=cmd_run)

    res = sub.add_parser("resolve", parents=[common], help="show how each place text is read",
                         description="Resolve the place column only and print the review "
                                     "table: what each area text became, how, and what stayed "
                                     "unresolved.")
    res.add_argument("records", metavar="RECORDS", help="records sheet (.csv or .xlsx)")
    res.add_argument("--sheet", help="worksheet name of an .xlsx file (default: the first)")
    res.add_argument("--frame", choices=FRAMES, default="2013",
                     help="province frame (default 2013)")
    res.add_argument("--out", type=Path, metavar="CSV", help="also save the review table here")
    res.set_defaults(func=cmd_resolve)

    tpl = sub.add_parser("template", parents=[common], help="write an empty records sheet",
                         description="Write a records sheet with the expected columns and two "
                                     "example rows (.csv or .xlsx, by the file name).")
    tpl.add_argument("path", type=Path, metavar="OUT", help="OUT.csv or OUT.xlsx")
    tpl.add_argument("--force", action="store_true", help="overwrite an existing file")
    tpl.set_defaults(func=cmd_template)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kh-coverage`` command and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 on success, 2 on bad input, 1 on any other error.

    Examples
    --------
    >>> main(["template", "sheet.xlsx"])    # doctest: +SKIP
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:           # --help, --version, usage errors (argparse: 2)
        return int(exc.code or 0)
    verbosity = getattr(args, "verbosity", 0)
    with _logging(verbosity):
        try:
            return args.func(args)
        except (RecordsError, UsageError) as err:
            log.debug("bad input", exc_info=True)
            print(f"kh-coverage: error: {err}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("kh-coverage: interrupted", file=sys.stderr)
            return 130
        except Exception as err:  # noqa: BLE001 - the command's last line of defence
            if verbosity > 0:
                traceback.print_exc(file=sys.stderr)
            message = " ".join(str(err).split()) or type(err).__name__
            print(f"kh-coverage: error: {type(err).__name__}: {message}"
                  + ("" if verbosity > 0 else " (run with --verbose for details)"),
                  file=sys.stderr)
            return 1


# --- run ------------------------------------------------------------------------------

def cmd_run(args: argparse.Namespace) -> int:
    """``kh-coverage run``: score, map and report into ``--out``, atomically."""
    t0 = time.perf_counter()
    formats = _parse_list(args.formats, FORMATS, "--formats")
    metrics = _parse_list(args.metrics, METRICS, "--metrics")
    if "png" not in formats:
        log.info("--formats has no png: the report draws its maps itself")
    if not 0 <= args.nationwide_weight <= 1:
        raise UsageError(f"--nationwide-weight must be between 0 and 1, got {args.nationwide_weight}")
    if args.min_count < 1:
        raise UsageError(f"--min-count must be 1 or more, got {args.min_count}")
    out = args.out.resolve()
    _check_out(out)

    with _progress(6, "kh-coverage run") as step:
        records, source, frame = _load(args)
        step("read records")
        provinces = None
        if args.boundaries is not None:
            from coverage.boundaries import load_provinces
            provinces = load_provinces(frame, args.boundaries)
        need = args.need
        step("boundaries and need")
        t1 = time.perf_counter()

        from coverage.scores import analyze
        result = analyze(records, frame=frame, provinces=provinces, need=need,
                         nationwide_weight=args.nationwide_weight, min_count=args.min_count)
        step("scores")
        t2 = time.perf_counter()

        with _atomic_dir(out) as tmp:
            _write_tables(result, records, tmp, keep_columns=args.keep_columns)
            step("tables")
            from coverage.maps import save_maps
            save_maps(result, tmp / "maps", formats=formats, metrics=metrics)
            step("maps")
            from coverage.report import write_report
            write_report(result, tmp / "report.html", title=args.title, maps_dir=tmp / "maps")
            step("report")
            summary = _summary(result, records, source, tmp, out)
    t3 = time.perf_counter()
    log.debug("timing: read %.2f s, scores %.2f s, write (tables, maps, report) %.2f s",
              t1 - t0, t2 - t1, t3 - t2)
    print(summary)
    return 0


def _load(args: argparse.Namespace) -> tuple[pd.DataFrame, str, str]:
    from coverage import records as rec

    if args.records is None:
        if args.sheet:
            raise UsageError("--sheet needs a RECORDS file")
        return rec.load_forum_records(), "forum", args.frame or "2010"
    path = Path(args.records)
    if not path.is_file():
        raise RecordsError("no such file", file=path)
    df = rec.read_records(path, sheet=args.sheet)
    return df, str(path), args.frame or "2013"


def _parse_list(text: str, allowed: Sequence[str], option: str) -> tuple[str, ...]:
    """Split a comma-separated option value and check each item (order kept, no repeats)."""
    items = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in text.split(",")
                                if f.strip()))
    bad = [f for f in items if f not in allowed]
    if bad or not items:
        raise UsageError(f"{option}: unknown value {', '.join(bad) or repr(text)}; "
                         f"choose from {','.join(allowed)}")
    return items


def _write_tables(result, records: pd.DataFrame, folder: Path, *, keep_columns: bool) -> None:
    from coverage.scores import format_suppressed

    served = _no_attrs(result.served)
    extra = list(records.attrs.get("extra_columns", [])) if keep_columns else []
    if extra:
        served = served.merge(_no_attrs(records[["record_id", *extra]]), on="record_id",
                              how="left", validate="many_to_one")
    k = result.params["min_count"]
    tables = {"coverage_by_province.csv": format_suppressed(result.by_province, k),
              "coverage_by_service.csv": format_suppressed(result.by_service, k),
              "records_resolved.csv": served,
              "unresolved.csv": result.unresolved}
    rejected = getattr(result, "rejected", None)
    if rejected is not None and len(rejected):
        tables["rejected.csv"] = rejected
    for name, df in tables.items():
        _plain(df).to_csv(folder / name, index=False, encoding="utf-8", lineterminator="\n")
        log.debug("wrote %s (%d rows)", name, len(df))


def _no_attrs(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(df).copy()
    out.attrs = {}
    return out


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Drop a geometry column and join list cells, so the table is a plain CSV."""
    df = _no_attrs(df.drop(columns="geometry", errors="ignore"))
    for col in df.columns[df.dtypes == object]:  # list cells only live in object columns
        if df[col].map(lambda v: isinstance(v, (list, tuple))).any():
            df[col] = df[col].map(lambda v: "; ".join(map(str, v))
                                  if isinstance(v, (list, tuple)) else v)
    return df


def _summary(result, records: pd.DataFrame, source: str, folder: Path, out: Path) -> str:
    """The lines printed after a run (``folder``: where the files are now)."""
    n_prov = result.by_province["province_code"].nunique()
    label = "the forum's records (2010)" if source == "forum" else source
    n_rejected = len(result.rejected)
    lines = [f"kh-coverage: {label} on the {result.frame} frame, {n_prov} provinces",
             f"  records: {len(records)} used, {n_rejected} rejected; "
             f"unresolved place fragments: {len(result.unresolved)}",
             f"  most underserved provinces per group (top {TOP_N} by gap):"]
    for g in GROUPS:
        names = result.rank(g.id, TOP_N)["province"].tolist()
        lines.append(f"    {g.id} {g.slug:<10} {', '.join(names)}")
    files = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())
    lines.append(f"  wrote {out}{os.sep}: {', '.join(files)}")
    lines.append(f"  open {out / 'report.html'}")
    return "\n".join(lines)


# --- resolve --------------------------------------------------------------------------

def cmd_resolve(args: argparse.Namespace) -> int:
    """``kh-coverage resolve``: print the review table of the place column."""
    from coverage import records as rec

    path = Path(args.records)
    if not path.is_file():
        raise RecordsError("no such file", file=path)
    records = rec.read_records(path, sheet=args.sheet)
    table = review_table(records, args.frame)
    if args.out is not None:
        table.to_csv(args.out, index=False, encoding="utf-8", lineterminator="\n")
        log.info("wrote %s", args.out)
    print(_text_table(table))
    n_bad = int((table["status"] == "unresolved").sum())
    n_texts = table["area_text"].nunique()
    print(f"\n{n_texts} place texts in {len(records)} records: "
          f"{n_bad} fragments unresolved"
          + (f"; {len(records.attrs.get('rejected', []))} rows rejected"
             if len(records.attrs.get("rejected", [])) else ""))
    return 0


def _text_table(table: pd.DataFrame, width: int = 36) -> str:
    """The review table for a terminal: left-aligned, long texts cut, repeats blanked."""
    shown = table.astype(object).where(table.notna(), "").astype(str)
    repeat = shown["area_text"].eq(shown["area_text"].shift())
    shown.loc[repeat, ["area_text", "records"]] = ""
    shown.loc[~repeat & (table["area_text"] == ""), "area_text"] = "(blank)"
    for col in ("area_text", "fragment", "reason"):
        shown[col] = shown[col].map(lambda v: v if len(v) <= width else v[:width - 1] + "…")
    widths = {c: max(len(c), *(len(v) for v in shown[c])) for c in shown.columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in shown.columns).rstrip()]
    for row in shown.itertuples(index=False):
        lines.append("  ".join(v.ljust(widths[c]) for c, v in zip(shown.columns, row)).rstrip())
    return "\n".join(lines)


def review_table(records: pd.DataFrame, frame: str = "2013") -> pd.DataFrame:
    """How each distinct place text of a records table is read, one row per fragment.

    Parameters
    ----------
    records : pandas.DataFrame
        A records table (``area_text`` column).
    frame : {"2010", "2013"}
        Province frame.

    Returns
    -------
    pandas.DataFrame
        ``area_text``, ``records`` (how many records use it), ``fragment``,
        ``province_code``, ``province``, ``method``, ``score``, ``status``
        (``placed``, ``nationwide`` or ``unresolved``) and ``reason``; in order of first use.
    """
    from coverage.gazetteer import resolve_place

    texts = records["area_text"].astype("string").fillna("")
    uses = texts.value_counts(sort=False)
    names = _province_names(frame)
    rows = []
    for text in dict.fromkeys(texts):
        res = resolve_place(text, frame)
        n = int(uses[text])
        if res.nationwide:
            rows.append((text, n, text, "", "", "nationwide", None, "nationwide", ""))
        for m in res.matches:
            if m.method == "nationwide":
                continue
            rows.append((text, n, m.fragment, m.code, names.get(m.code, ""), m.method,
                         round(float(m.score), 1) if m.score is not None else None,
                         "placed", ""))
        for u in res.unresolved:
            rows.append((text, n, u.fragment, "", "", "", None, "unresolved", u.reason))
        if not (res.nationwide or res.matches or res.unresolved):
            rows.append((text, n, text, "", "", "", None, "unresolved", "no place given"))
    return pd.DataFrame(rows, columns=["area_text", "records", "fragment", "province_code",
                                       "province", "method", "score", "status", "reason"])


def _province_names(frame: str) -> dict[str, str]:
    from coverage.gazetteer import provinces

    table = provinces(frame)
    return dict(zip(table["code"], table["name"]))


# --- template -------------------------------------------------------------------------

def cmd_template(args: argparse.Namespace) -> int:
    """``kh-coverage template``: an empty records sheet with two example rows."""
    path: Path = args.path
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(f"{path}: the template must end in .csv or .xlsx")
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists; use --force to overwrite it")
    table = template_table()
    if suffix == ".csv":
        table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    else:
        table.to_excel(path, index=False, sheet_name="records")
    print(f"wrote {path}: columns {', '.join(table.columns)}; replace the two example rows "
          "with your own")
    return 0


def template_table() -> pd.DataFrame:
    """The records template: expected columns, two real example rows from the forum's annex.

    Examples
    --------
    >>> template_table().columns[:4].tolist()
    ['institution', 'group', 'service', 'area']
    """
    example = example_records()
    return example.reindex(columns=TEMPLATE_COLUMNS, fill_value="").head(2)


def example_records() -> pd.DataFrame:
    """The bundled messy example sheet (``coverage/data/example_records.csv``) as text."""
    path = resources.files("coverage") / "data" / "example_records.csv"
    with resources.as_file(path) as p:
        return pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")


# --- plumbing -------------------------------------------------------------------------

def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(f"--out {out} is a folder that is not empty and holds no earlier "
                         f"kh-coverage output ({MARKER}); choose a new folder")


@contextlib.contextmanager
def _atomic_dir(out: Path) -> Iterator[Path]:
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


@contextlib.contextmanager
def _progress(total: int, desc: str) -> Iterator:
    """A step counter: a tqdm bar on a terminal (stderr), silent otherwise."""
    bar = None
    quiet = logging.getLogger("coverage").getEffectiveLevel() > logging.INFO
    if sys.stderr.isatty() and not quiet:
        try:
            from tqdm import tqdm
            bar = tqdm(total=total, desc=desc, file=sys.stderr, leave=False,
                       bar_format="{desc}: {n}/{total} {postfix}")
        except ImportError:
            bar = None
    last = [time.perf_counter()]

    def step(name: str) -> None:
        now = time.perf_counter()
        log.debug("step %s: %.2f s", name, now - last[0])
        last[0] = now
        if bar is not None:
            bar.set_postfix_str(name)
            bar.update(1)

    try:
        yield step
    finally:
        if bar is not None:
            bar.close()


@contextlib.contextmanager
def _logging(verbosity: int) -> Iterator[None]:
    """Send the package's log records to stderr for the duration of the command."""
    logger = logging.getLogger("coverage")
    level = {-1: logging.WARNING, 0: logging.INFO, 1: logging.DEBUG}[max(-1, min(1, verbosity))]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"
                                           if verbosity > 0 else "%(message)s"))
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


if __name__ == "__main__":
    sys.exit(main())
