"""The ``kh-coverage`` command: ``run``, ``resolve``, ``template`` and ``services``.

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
import sys
import time
import traceback
from pathlib import Path
from typing import Iterator, Sequence


from coverage.console import SafeFormatter, printable, review_summary, text_table
from coverage.interrupts import INTERRUPTED, interrupted
from coverage.interrupts import term_interrupts as _term_interrupts
from coverage.errors import InputError
from coverage.maps.classes import METRICS as MAP_METRICS
from coverage.settings import (FRAMES, LEVELS, MIN_COUNT, NATIONWIDE_WEIGHT, PROVINCE_WEIGHT,
                               TOP_N)
from coverage.taxonomy import GROUPS

log = logging.getLogger("coverage.cli")  # also when run as python -m coverage.cli

__all__ = ["main", "build_parser"]

FORMATS = ("png", "svg", "pdf")
#: Metrics mapped by ``run`` (``level`` is per service type, for the API only).
METRICS = tuple(m for m, info in MAP_METRICS.items() if info.kind != "level")
DEFAULT_METRICS = "coverage,gap"


class UsageError(InputError):
    """A bad option value: exit code 2, like a bad records sheet."""


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
                      help="progress (INFO) and debug messages, step timings and tracebacks "
                           "on stderr (default: warnings and errors only)")

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
                     help="output folder: written aside and moved into place when the run "
                          "succeeds; an existing folder is replaced only when kh-coverage wrote "
                          "every entry in it")
    run.add_argument("--sheet", help="worksheet name of an .xlsx file (default: the first)")
    run.add_argument("--frame", choices=FRAMES,
                     help="province frame of the maps (default: 2010 for the forum records, "
                          "2013 for your own)")
    run.add_argument("--boundaries", type=Path, metavar="FILE",
                     help="province boundary file (GeoJSON, shapefile, GeoPackage) instead of "
                          "the bundled one")
    run.add_argument("--need", metavar="FILE|uniform|migrants",
                     help="CSV of need per province (columns province_code or province, and "
                          "need) instead of population; 'uniform' (rank by coverage alone); "
                          "'migrants' (international migrants over 18, census 2008)")
    run.add_argument("--spread", action=argparse.BooleanOptionalAction, default=None,
                     help="on the 2013 frame, spread a 2010 'Kampong Cham' to Tbong Khmum "
                          "(default: on for the forum's records)")
    run.add_argument("--nationwide-weight", type=float, default=NATIONWIDE_WEIGHT, metavar="W",
                     help="weight of a nationwide offer in each province, 0 to 1 (default 0.5)")
    run.add_argument("--level", choices=LEVELS, default="province",
                     help="'district' also scores the 197 districts of 2014: "
                          "coverage_by_district.csv, district maps and a report section")
    run.add_argument("--province-weight", type=float, default=PROVINCE_WEIGHT, metavar="W",
                     help="with --level district: weight of a claim naming only the province "
                          f"(default {PROVINCE_WEIGHT})")
    run.add_argument("--min-count", type=int, default=MIN_COUNT, metavar="K",
                     help="suppress published counts below K (default 1: no suppression)")
    run.add_argument("--formats", default="png", metavar="LIST",
                     help="map file formats, comma-separated from png,svg,pdf (default png)")
    run.add_argument("--metrics", default=DEFAULT_METRICS, metavar="LIST",
                     help="map metrics, comma-separated from "
                          f"{','.join(METRICS)} (default {DEFAULT_METRICS})")
    run.add_argument("--keep-columns", action="store_true",
                     help="copy your sheet's extra columns into records_resolved.csv")
    run.add_argument("--record-level-tables", action="store_true",
                     help="with --min-count above 1, still write records_resolved.csv, "
                          "unresolved.csv and rejected.csv (one row per record: for your own "
                          "machine, NOT for sharing)")
    run.add_argument("--title", help="title of report.html")
    run.add_argument("--hxl", action="store_true",
                     help="write a row of HXL hashtags under the header of every CSV")
    run.set_defaults(func=cmd_run)

    res = sub.add_parser("resolve", parents=[common], help="show how each place text is read",
                         description="Resolve the place column only and print the review "
                                     "table: what each area text became, how, and what stayed "
                                     "unresolved.")
    res.add_argument("records", metavar="RECORDS", help="records sheet (.csv or .xlsx)")
    res.add_argument("--sheet", help="worksheet name of an .xlsx file (default: the first)")
    res.add_argument("--frame", choices=FRAMES,
                     help="province frame (default: 2013 for a sheet)")
    res.add_argument("--out", type=Path, metavar="CSV", help="also save the review table here")
    res.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    res.add_argument("--hxl", action="store_true", help="a row of HXL hashtags in --out")
    res.set_defaults(func=cmd_resolve)

    tpl = sub.add_parser("template", parents=[common], help="write an empty records sheet",
                         description="Write a records sheet with the expected columns and two "
                                     "example rows (.csv or .xlsx, by the file name).")
    tpl.add_argument("path", type=Path, metavar="OUT", help="OUT.csv or OUT.xlsx")
    tpl.add_argument("--force", action="store_true", help="overwrite an existing file")
    tpl.set_defaults(func=cmd_template)
    sub.add_parser("services", parents=[common], help="list the groups and service types",
                   description="The six service groups and their numbered service types."
                   ).set_defaults(func=cmd_services)
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
    with _logging(verbosity), _term_interrupts():
        try:
            return args.func(args)
        except InputError as err:
            log.debug("bad input", exc_info=True)
            print(f"kh-coverage: error: {printable(str(err), keep=chr(10))}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(INTERRUPTED, file=sys.stderr)
            return 130
        except BrokenPipeError:          # kh-coverage services | head: the reader left
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 141                   # as a shell reports a command stopped by SIGPIPE
        except Exception as err:  # noqa: BLE001 - the command's last line of defence
            if interrupted.is_set():     # library code turned the interrupt into this error
                log.debug("interrupted", exc_info=True)
                print(INTERRUPTED, file=sys.stderr)
                return 130
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
    from coverage.drawing import draw_maps
    from coverage.maps.districts import save_district_maps
    from coverage.outputs import atomic_dir, check_out, table_builders, write_tables
    from coverage.report import write_report
    from coverage.scores import analyze

    formats = _parse_list(args.formats, FORMATS, "--formats")
    metrics = _parse_list(args.metrics, METRICS, "--metrics")
    if "png" not in formats:
        log.info("--formats has no png: the report draws its maps itself")
    out = args.out.resolve()
    check_out(out, _inputs(args))
    step = _timer()
    records = _load(args)
    step("read records")
    try:
        result = analyze(records, frame=args.frame, provinces=args.boundaries, need=args.need,
                         nationwide_weight=args.nationwide_weight, min_count=args.min_count,
                         spread=args.spread, level=args.level,
                         province_weight=args.province_weight)
    except ValueError as err:
        if isinstance(err, InputError):
            raise
        raise UsageError(str(err)) from None
    step("scores")
    tables = table_builders(result, records, keep_columns=args.keep_columns,
                            record_level=args.record_level_tables)  # warns here, once
    with atomic_dir(out, cancelled=interrupted.is_set) as tmp:
        def write() -> None:  # in the second process, if there is one
            write_tables(tables, tmp, hxl=args.hxl)

        def report() -> None:  # after the maps it embeds
            if result.by_district is not None:
                save_district_maps(result, tmp / "maps",
                                   metrics=[m for m in metrics if m in ("coverage", "gap")])
            write_report(result, tmp / "report.html", title=args.title, maps_dir=tmp / "maps")

        draw_maps(result, tmp / "maps", formats, metrics, then=report, before=write)
        step("tables, maps and report")
        summary = _summary(result, records, tmp, out)
    print(summary)
    return 0


def _inputs(args: argparse.Namespace) -> list[Path]:
    """The input files of a command (the tool never writes over or near them)."""
    given = [getattr(args, name, None) for name in ("records", "need", "boundaries")]
    return [Path(p) for p in given if p is not None and Path(p).exists()]


def _load(args: argparse.Namespace):
    from coverage.records import load_forum_records, read_records

    if args.records is None:
        if args.sheet:
            raise UsageError("--sheet needs a RECORDS file")
        return load_forum_records()
    return read_records(Path(args.records), sheet=args.sheet)


def _parse_list(text: str, allowed: Sequence[str], option: str) -> tuple[str, ...]:
    """Split a comma-separated option value and check each item (order kept, no repeats)."""
    items = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in text.split(",")
                                if f.strip()))
    bad = [f for f in items if f not in allowed]
    if bad or not items:
        raise UsageError(f"{option}: unknown value {', '.join(bad) or repr(text)}; "
                         f"choose from {','.join(allowed)}")
    return items


def _conflicts(totals, min_count: int) -> str:
    """``" (text and site disagree for N, ...)"`` when counts are all published, else ``""``
    (a difference of two published counts must not reveal a withheld one)."""
    rows = totals[(totals["kind"] == "unresolved")
                  & totals["reason"].str.startswith("conflict")]
    n = int(rows["count"].sum())
    if min_count > 1 or not n:
        return ""
    return f" (text and site disagree for {n}: served where the site is)"


def _summary(result, records, folder: Path, out: Path) -> str:
    """The lines printed after a run (``folder``: where the files are now).

    Counts come from the published (suppressed) national counts only.
    """
    from coverage.scores import format_suppressed

    n_prov = result.by_province["province_code"].nunique()
    label = ("the forum's records (2010)" if records.source == "forum"
             else printable(records.name))
    totals = format_suppressed(result.totals, result.params.min_count)
    count = dict(zip(zip(totals["kind"], totals["reason"]), totals["count"]))
    lines = [f"kh-coverage: {label} on the {result.frame} frame, {n_prov} provinces",
             f"  records: {count[('records', 'used')]} used, "
             f"{count[('records', 'placed in a province')]} placed in a province, "
             f"{count[('rejected', 'all')]} rejected; "
             f"unresolved place fragments: {count[('unresolved', 'all')]}"
             + _conflicts(result.totals, result.params.min_count),
             f"  most underserved provinces per group (top {TOP_N} by gap):"]
    for g in GROUPS:
        names = result.rank(g.id, TOP_N)["province"].tolist()
        shown = names[:TOP_N] + ([f"and {len(names) - TOP_N} more (equal gaps share a rank)"]
                                 if len(names) > TOP_N else [])
        text = ", ".join(shown) or ("no data: no record offers this group"
                                    if g.id in result.groups_without_data() else "no gap")
        lines.append(f"    {g.id} {g.slug:<10} {text}")
    files = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir()
                   if not p.name.startswith("."))
    lines.append(f"  wrote {printable(str(out))}{os.sep}: {', '.join(files)}")
    lines.append(f"  open {printable(str(out / 'report.html'))}")
    return "\n".join(lines)


# --- resolve --------------------------------------------------------------------------

def cmd_resolve(args: argparse.Namespace) -> int:
    """``kh-coverage resolve``: print the review table of the place column."""
    from coverage.csvfile import write_csv
    from coverage.outputs import check_new_file
    from coverage.records import read_records, review_table

    if args.out is not None:
        check_new_file(args.out, force=args.force, inputs=_inputs(args))
    records = read_records(Path(args.records), sheet=args.sheet)
    table = review_table(records, args.frame)
    if args.out is not None:
        write_csv(table, args.out, hxl=args.hxl)
        log.info("wrote %s", args.out)
    print(text_table(table))
    print(review_summary(table, len(records), len(records.rejected)))
    return 0


def cmd_services(args: argparse.Namespace) -> int:
    """``kh-coverage services``: the groups and numbered service types a sheet may name."""
    from coverage.records.template import services_listing

    print(services_listing())
    return 0


# --- template -------------------------------------------------------------------------

def cmd_template(args: argparse.Namespace) -> int:
    """``kh-coverage template``: a records sheet with two example rows (xlsx: drop-downs)."""
    from coverage.outputs import check_new_file
    from coverage.records.template import write_template

    if args.path.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"{args.path}: the template must end in .csv or .xlsx")
    check_new_file(args.path, force=args.force)
    table = write_template(args.path)
    print(f"wrote {args.path}: columns {', '.join(table.columns)}; replace the two example rows "
          "with your own (kh-coverage services lists the service types)")
    return 0


# --- plumbing -------------------------------------------------------------------------

def _timer():
    """A step timer: ``step(name)`` logs the seconds since the last step (shown with -v)."""
    last = [time.perf_counter()]

    def step(name: str) -> None:
        now = time.perf_counter()
        log.debug("step %s: %.2f s", name, now - last[0])
        last[0] = now
    return step


@contextlib.contextmanager
def _logging(verbosity: int) -> Iterator[None]:
    """Send the package's log records to stderr for the duration of the command."""
    logger = logging.getLogger("coverage")
    level = logging.DEBUG if verbosity > 0 else logging.WARNING  # INFO lines only with -v
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"
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
