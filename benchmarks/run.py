"""Time each stage of kh-coverage against plain code doing the same work, in the same run.

Usage::

    .venv/bin/python benchmarks/run.py --sizes 1000,100000          # a few minutes
    .venv/bin/python benchmarks/run.py                              # 1e3 .. 1e6

Every comparison is interleaved (library, baseline, library, baseline, ...) in one process
(or, for first call and the command, alternating fresh processes) and repeated; the table
shows the median of each and the median and range of the per-repeat ratios, so a busy
moment of a shared machine hits both sides. Stages (see ``baselines.py``):

* ``resolve``: ``resolve_records`` on the area text (cold place caches) vs distinct texts
  looked up once with ``extractOne`` and mapped back to rows; beside it the floor (a dict
  lookup per distinct text + the expanding merge), and at 1e6 the floor again with each
  side run on memory touched just before (:func:`_touch`: without most of the virtual
  machine's first-touch page faults, which vary from round to round); at 1e6 both in at
  least ``TARGET_ROUNDS`` rounds;
* ``sjoin``: ``locate_sites`` vs ``geopandas.sjoin(predicate="within")``;
* ``analyze``: ``analyze`` on the served table vs plain pandas computing every column of
  ``by_province`` and ``by_service``;
* ``analyze(records)``: records to scores in a fresh process, for its peak memory;
* ``first call``: fresh ``python -c "import coverage; coverage.analyze()"`` vs fresh
  ``python -c "import pandas"``;
* ``cli run``: ``kh-coverage run`` on the bundled data vs ``plot_baseline.py`` (the same 14
  maps with ``GeoDataFrame.plot`` + ``savefig``); and both pinned to one CPU (the command then
  draws in one process).

Before timing, library and baseline are checked to agree wherever they claim the same
thing, and precision and recall of both resolvers are scored on labelled rows
(``accuracy.py``). Results: ``benchmarks/results/latest.{csv,md}``, ``agreement.json``,
``machine.json``.
"""
from __future__ import annotations

import argparse
import gc
import json
import logging
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
try:
    import coverage.taxonomy  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

import baselines  # noqa: E402

log = logging.getLogger("benchmarks")

SIZES = (1_000, 10_000, 100_000, 1_000_000)
FRAME = "2013"
REPEAT = 3
#: Rounds at least, at 1e6, of the resolve comparisons (their target is read there and
#: their per-round ratios vary most: both sides write hundreds of MB).
TARGET_ROUNDS = 7
COLUMNS = ["stage", "size", "rows", "library_s", "baseline", "baseline_s", "ratio",
           "ratio_range", "peak_mb", "target", "met"]

#: targets of issue 16: (baseline compared with, test on ratio = baseline_s / library_s)
TARGETS = {
    "resolve vs floor": ("floor: dict lookup per distinct text + expanding merge",
                         "library within 2x the floor at 1e6 (ratio >= 0.5)"),
    "resolve vs floor, memory touched": ("the floor, each side on memory touched just before",
                                         "library within 2x the floor at 1e6 (ratio >= 0.5)"),
    "sjoin": ("geopandas.sjoin", "ratio >= 1.0 at 1e5 and 1e6"),
    "analyze": ("plain pandas, same columns", "ratio >= 1.0 at 1e6"),
    "analyze(records)": ("", "peak < 1536 MB at 1e6"),
    "first call": ("fresh python -c 'import pandas'", "library within 1.4x (ratio >= 1/1.4)"),
    "cli run": ("plot_baseline.py (GeoDataFrame.plot + savefig)", "ratio >= 2.0"),
    "cli run, 1e5-row sheet": ("", "under 6 s"),
}
#: Rows of the generated user sheet timed through ``kh-coverage run``.
SHEET_ROWS = 100_000


# ------------------------------------------------------------------ memory and timing

_SEEN = [0.0]


def peak_mb() -> float:
    """Peak resident set size of this process in MB (since the last reset)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Reset the peak RSS (Linux >= 4.0), keeping the old one in ``_SEEN``."""
    _SEEN[0] = max(_SEEN[0], peak_mb())
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def _once(fn, before=None) -> tuple[float, float, object]:
    if before is not None:
        before()
    gc.collect()
    _reset_peak()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, peak_mb(), out


#: Bytes :func:`_touch` allocates and writes before a side runs.
TOUCH_BYTES = 1 << 30


def _touch() -> None:
    """Write 1 GB and free it, so the side that runs next gets memory this process has
    used: on a virtual machine the first write to memory the host has not yet backed (or
    has taken back) costs a fault per page (here about 1 s per GB, varying), which a
    side that allocates more pays more of. Not counted in any peak."""
    _SEEN[0] = max(_SEEN[0], peak_mb())
    block = np.ones(TOUCH_BYTES // 8)
    del block
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def interleaved(sides: dict, repeat: int) -> dict:
    """Run each side once per round, rounds ``repeat`` times; seconds and peaks per side.

    ``sides`` maps a name to ``fn`` or ``(fn, before)``.
    """
    got = {name: {"s": [], "mb": []} for name in sides}
    for _ in range(repeat):
        for name, side in sides.items():
            fn, before = side if isinstance(side, tuple) else (side, None)
            seconds, mb = _once(fn, before)[:2]  # the output is freed before the next side runs
            got[name]["s"].append(seconds)
            got[name]["mb"].append(mb)
    return got


def row(stage: str, size: int, rows: int, lib: dict, base: dict | None = None,
        baseline: str = "") -> dict:
    """One line of the table: medians, and the median and range of per-round ratios."""
    out = {"stage": stage, "size": size, "rows": rows,
           "library_s": statistics.median(lib["s"]), "baseline": baseline,
           "peak_mb": max(lib["mb"]) if lib.get("mb") else math.nan,
           "baseline_s": math.nan, "ratio": math.nan, "ratio_range": ""}
    if base is not None:
        ratios = [b / a for a, b in zip(lib["s"], base["s"])]
        out.update(baseline_s=statistics.median(base["s"]), ratio=statistics.median(ratios),
                   ratio_range=f"{min(ratios):.2f}-{max(ratios):.2f}")
    return out


def _clear_place_cache() -> None:
    """Forget resolved strings so each library run starts cold.

    Clears every bounded (per-string) ``lru_cache`` of every ``coverage.places`` module
    (texts, pieces, words, tokens) and of the records resolver; the unbounded ``@cache``
    tables (province names, aliases, the prebuilt place lookups) are data loaded once per
    process and stay warm.
    """
    import importlib
    import pkgutil

    import coverage.places as places
    import coverage.records.resolve as rec
    modules = [importlib.import_module(f"coverage.places.{m.name}")
               for m in pkgutil.iter_modules(places.__path__)]
    for module in (*modules, rec):
        for fn in vars(module).values():
            info = getattr(fn, "cache_info", None)
            if info is not None and info().maxsize is not None:
                fn.cache_clear()


# ------------------------------------------------------------------ agreement checks

def resolve_checks(records: pd.DataFrame, served: pd.DataFrame, fuzzy: pd.DataFrame,
                   floor: pd.DataFrame) -> dict:
    """The floor gives the library's served rows; on plain province names, so does extractOne."""
    from coverage.places import provinces

    if len(floor) != len(served):
        raise AssertionError(f"floor gives {len(floor)} served rows, the library {len(served)}")
    table = provinces(FRAME)
    plain = set(table["name"].str.lower()) | set(table["name_nis"].str.lower())
    is_plain = records["kind"].eq("name") & records["area_text"].str.strip().str.lower().isin(plain)
    ids = set(records.loc[is_plain, "record_id"])
    lib = served[served["record_id"].isin(ids)].set_index("record_id")["province_code"].astype(str)
    base = fuzzy[fuzzy["record_id"].isin(ids)].set_index("record_id")["province_code"]
    if len(lib) != len(ids) or not lib.sort_index().equals(base.sort_index()):
        raise AssertionError("library and extractOne disagree on plain province names")
    return {"served rows": len(served), "floor rows": len(floor),
            "baseline served rows": len(fuzzy), "plain-name rows agreeing": len(ids)}


def sjoin_checks(located: pd.DataFrame, joined: pd.DataFrame) -> dict:
    """Same province per point (the baseline's duplicates on shared borders counted)."""
    dup = joined.index.duplicated(keep="first")
    first = joined.loc[~dup, "code"].reindex(located.index)
    lib = located["province_code"].astype(object).where(located["province_code"].notna(), None)
    base = first.astype(object).where(first.notna(), None)
    same = (lib == base) | (lib.isna() & base.isna())
    out = {"points": len(located), "same province": int(same.sum()),
           "different": int((~same).sum()), "baseline duplicate rows": int(dup.sum()),
           "outside every province": int(lib.isna().sum())}
    if out["different"]:
        raise AssertionError(f"locate_sites and geopandas.sjoin disagree: {out}")
    return out


def analyze_checks(served: pd.DataFrame) -> dict:
    """Every column of both tables equal to the plain pandas one (before disclosure control)."""
    from coverage.scores import analyze

    result = analyze(served, frame=FRAME, min_count=1)  # min_count=1: nothing withheld
    bp, bs = baselines.scores(served, FRAME)
    lp = result.by_province.sort_values(["province_code", "group_id"]).reset_index(drop=True)
    ls = result.by_service.sort_values(["province_code", "group_id", "service_id"]).reset_index(drop=True)
    checked = []
    for lib, base, cols in ((lp, bp, ["province", "group", "records", "providers",
                                      "providers_local", "providers_nationwide",
                                      "services_local", "services_nationwide_only",
                                      "services_total", "coverage",
                                      "population", "need", "gap", "gap_rank",
                                      "population_per_local_provider"]),
                            (ls, bs, ["province", "service", "level", "local", "nationwide",
                                      "records", "providers_local", "providers_nationwide",
                                      "institutions_local", "institutions_nationwide"])):
        for col in cols:
            a, b = lib[col], base[col]
            if pd.api.types.is_numeric_dtype(a) and not pd.api.types.is_bool_dtype(a):
                same = np.allclose(a.astype(float), b.astype(float), rtol=1e-9, equal_nan=True)
            else:
                same = a.astype(str).tolist() == b.astype(str).tolist()
            if not same:
                raise AssertionError(f"analyze and the pandas baseline differ in {col!r}")
            checked.append(col)
    return {"by_province rows": len(lp), "by_service rows": len(ls), "columns equal": checked}


# ------------------------------------------------------------------ worker (one size)

def work(n: int, seed: int, repeat: int = REPEAT) -> dict:
    """Generate ``n`` records, check agreement and accuracy, time every stage."""
    import accuracy
    from generate import make_records
    from coverage.boundaries import load_provinces, locate_sites
    from coverage.records import resolve_records
    from coverage.scores import analyze

    rows, checks = [], {"size": n}
    records = make_records(n, seed=seed)
    checks["distinct area texts"] = int(records["area_text"].nunique())

    # resolve: library vs dedup+extractOne vs the floor ------------------------------
    text_only = records.drop(columns=["lon", "lat"])  # sites are the sjoin stage's job
    served, _ = resolve_records(text_only, frame=FRAME)
    by_text = pd.Series(text_only["area_text"].to_numpy(), index=text_only["record_id"])
    # a text's served rows: (province, district) pairs, a province named with and without a
    # district giving one of each, as the library serves them
    pairs = pd.DataFrame({"area_text": served["record_id"].map(by_text).to_numpy(),
                          "code": served["province_code"].astype(str).to_numpy(),
                          "district": served["district_code"].astype(str).to_numpy()})
    answers = {t: tuple(dict.fromkeys(zip(g["code"], g["district"])))
               for t, g in pairs.groupby("area_text", sort=False)}
    names, codes = baselines.province_names(FRAME)
    checks["resolve"] = resolve_checks(records, served,
                                       baselines.resolve_fuzzy(text_only, names, codes),
                                       baselines.resolve_floor(text_only, answers))
    checks["accuracy (generated rows)"] = accuracy.generated(records, FRAME)
    del served, pairs
    rounds = max(repeat, TARGET_ROUNDS) if n >= 1_000_000 else repeat  # the target is read here
    got = interleaved({
        "library": (lambda: resolve_records(text_only, frame=FRAME), _clear_place_cache),
        "fuzzy": lambda: baselines.resolve_fuzzy(text_only, names, codes),
        "floor": lambda: baselines.resolve_floor(text_only, answers)}, rounds)
    rows.append(row("resolve vs extractOne", n, n, got["library"], got["fuzzy"],
                    "distinct texts, extractOne each, mapped to rows"))
    rows.append(row("resolve vs floor", n, n, got["library"], got["floor"],
                    TARGETS["resolve vs floor"][0]))
    if n >= 1_000_000:  # the same comparison without the virtual machine's first-touch faults
        got = interleaved({
            "library": (lambda: resolve_records(text_only, frame=FRAME),
                        lambda: (_clear_place_cache(), _touch())),
            "floor": (lambda: baselines.resolve_floor(text_only, answers), _touch)}, rounds)
        rows.append(row("resolve vs floor, memory touched", n, n, got["library"], got["floor"],
                        TARGETS["resolve vs floor, memory touched"][0]))
    del text_only, answers
    # with sites: the served table analyze scores
    seconds, mb, (served, _) = _once(lambda: resolve_records(records, frame=FRAME),
                                     _clear_place_cache)
    rows.append(row("resolve+sites", n, n, {"s": [seconds], "mb": [mb]}))
    log.info("n=%d resolve done", n)

    # sjoin --------------------------------------------------------------------------
    sites = records[records["lon"].notna()]
    polygons = load_provinces(FRAME)
    checks["sjoin"] = sjoin_checks(locate_sites(sites, lon="lon", lat="lat", provinces=polygons),
                                   baselines.sjoin(sites, polygons))
    got = interleaved({
        "library": lambda: locate_sites(sites, lon="lon", lat="lat", provinces=polygons),
        "baseline": lambda: baselines.sjoin(sites, polygons)}, repeat)
    rows.append(row("sjoin", n, len(sites), got["library"], got["baseline"],
                    TARGETS["sjoin"][0]))
    del sites
    log.info("n=%d sjoin done", n)

    # analyze ------------------------------------------------------------------------
    checks["analyze"] = analyze_checks(served)
    got = interleaved({"library": lambda: analyze(served, frame=FRAME),
                       "baseline": lambda: baselines.scores(served, FRAME)}, repeat)
    rows.append(row("analyze", n, len(served), got["library"], got["baseline"],
                    TARGETS["analyze"][0]))
    log.info("n=%d analyze done", n)
    rows.append(row("worker peak", n, n, {"s": [math.nan], "mb": [max(_SEEN[0], peak_mb())]}))
    return {"rows": rows, "checks": checks}


def pipeline(n: int, seed: int) -> dict:
    """``analyze(records)`` end to end in a fresh process: its whole peak, records included."""
    from generate import make_records
    from coverage.scores import analyze

    records = make_records(n, seed=seed)
    gc.collect()
    t0 = time.perf_counter()
    analyze(records, frame=FRAME)
    seconds = time.perf_counter() - t0
    return {"rows": [row("analyze(records)", n, n, {"s": [seconds], "mb": [peak_mb()]})],
            "checks": {"size": n}}


# ------------------------------------------------------------------ fresh processes

def _env() -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [
        str(ROOT), os.environ.get("PYTHONPATH", "")])))


def _one_cpu() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _wall(cmd: list[str], one_cpu: bool = False) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=_env(), cwd=tempfile.gettempdir(), capture_output=True, text=True,
                          preexec_fn=_one_cpu if one_cpu else None)
    if done.returncode:
        raise RuntimeError(f"{cmd} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - t0


def fresh_rows(repeat: int) -> list[dict]:
    """First call and the command, each alternating with its baseline in fresh processes.

    The package is byte-compiled first, as ``pip install`` does (this checkout may run with
    PYTHONDONTWRITEBYTECODE, which would make every run compile the package from source).
    """
    import compileall
    compileall.compile_dir(str(ROOT / "coverage"), quiet=1)
    py = sys.executable
    first = {"library": {"s": []}, "baseline": {"s": []}}
    for _ in range(max(repeat, 11)):
        first["baseline"]["s"].append(_wall([py, "-c", "import pandas"]))
        first["library"]["s"].append(_wall([py, "-c", "import coverage; coverage.analyze()"]))
    # the command as it runs (two processes on two CPUs), and both sides pinned to one CPU
    pinned = hasattr(os, "sched_setaffinity")
    cli = {k: {"library": {"s": []}, "baseline": {"s": []}} for k in ("two", "one")}
    for _ in range(repeat):
        for k in ("two", "one") if pinned else ("two",):
            with tempfile.TemporaryDirectory() as out:
                cli[k]["library"]["s"].append(_wall(
                    [py, str(ROOT / "kh_coverage_main.py"), "run", "--out",
                     str(Path(out) / "run"), "--quiet"], one_cpu=k == "one"))
                cli[k]["baseline"]["s"].append(_wall(
                    [py, str(HERE / "plot_baseline.py"), str(Path(out) / "plain")],
                    one_cpu=k == "one"))
    sheet = {"s": []}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([py, str(HERE / "generate.py"), "--sizes", str(SHEET_ROWS), "--out", tmp],
                       env=_env(), check=True, capture_output=True)
        records = Path(tmp) / f"records_{SHEET_ROWS}.csv"
        for i in range(repeat):
            sheet["s"].append(_wall([py, str(ROOT / "kh_coverage_main.py"), "run", str(records),
                                     "--out", str(Path(tmp) / f"run{i}"), "--quiet"]))
    from coverage.records import load_forum_records
    n = len(load_forum_records().records)
    return [row("first call", 1, n, first["library"], first["baseline"], TARGETS["first call"][0]),
            row("cli run", n, n, cli["two"]["library"], cli["two"]["baseline"],
                TARGETS["cli run"][0]),
            *([row("cli run, one CPU", n, n, cli["one"]["library"], cli["one"]["baseline"],
                   TARGETS["cli run"][0] + ", one CPU")] if pinned else []),
            row("cli run, 1e5-row sheet", SHEET_ROWS, SHEET_ROWS, sheet)]


# ------------------------------------------------------------------ report

def judge(df: pd.DataFrame) -> pd.DataFrame:
    """Fill ``target`` and ``met`` for the stages issue 16 sets targets for."""
    df = df.copy()
    df["target"] = df["stage"].map(lambda s: TARGETS.get(s, ("", ""))[1])
    met = pd.Series(pd.NA, index=df.index, dtype="boolean")
    s, big = df["stage"], df["size"] >= 1_000_000
    r = df["ratio"]
    rules = [
        (s.isin(["resolve vs floor", "resolve vs floor, memory touched"]) & big, r >= 0.5),
        (s.eq("sjoin") & df["size"].ge(100_000), r >= 1.0),
        (s.eq("analyze") & big, r >= 1.0),
        (s.eq("analyze(records)") & big, df["peak_mb"] < 1536),
        (s.eq("first call"), r >= 1 / 1.4),
        (s.eq("cli run"), r >= 2.0),
        (s.eq("cli run, 1e5-row sheet"), df["library_s"] < 6.0),
    ]
    for where, ok in rules:
        met[where] = ok[where]
    df["met"] = met
    return df[COLUMNS]


def growth(df: pd.DataFrame) -> pd.DataFrame:
    """Log-log slope of median time against rows per stage (1 = linear), all sizes and the
    last step."""
    out = []
    stages = ["resolve vs floor", "resolve+sites", "sjoin", "analyze", "analyze(records)"]
    for stage in stages:
        part = df[df["stage"].eq(stage)].sort_values("size")
        if len(part) < 2:
            continue
        x, y = np.log(part["rows"].to_numpy(float)), np.log(part["library_s"].to_numpy(float))
        out.append({"stage": stage, "sizes": part["size"].tolist(),
                    "us_per_row": (part["library_s"] / part["rows"] * 1e6).round(2).tolist(),
                    "slope (all sizes)": round(float(np.polyfit(x, y, 1)[0]), 2),
                    "slope (last step)": round(float((y[-1] - y[-2]) / (x[-1] - x[-2])), 2)})
    return pd.DataFrame(out)


def machine() -> dict:
    """What the numbers were measured on."""
    import importlib.metadata as md

    def version(dist: str) -> str:
        try:
            return md.version(dist)
        except md.PackageNotFoundError:
            return "-"

    model = "-"
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import coverage
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "-"
    return {"cpus": os.cpu_count(), "load (1/5/15 min) at the end": load, "cpu": model,
            "python": platform.python_version(), "platform": platform.platform(),
            "kh-coverage": coverage.__version__,
            **{d: version(d) for d in ("pandas", "geopandas", "shapely", "numpy", "rapidfuzz",
                                       "matplotlib", "pyogrio")}}


def fmt(df: pd.DataFrame) -> pd.DataFrame:
    """The results table as strings."""
    show = df.copy()
    for col in ("library_s", "baseline_s"):
        show[col] = show[col].map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
    show["ratio"] = show["ratio"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}x")
    show["peak_mb"] = show["peak_mb"].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
    show["met"] = show["met"].map(lambda v: "" if pd.isna(v) else ("yes" if v else "NO"))
    return show


def markdown(table: pd.DataFrame) -> str:
    """A frame of strings as a Markdown pipe table."""
    cols = list(table.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    lines += ["| " + " | ".join(str(v) for v in r) + " |" for r in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def run_size(n: int, seed: int, repeat: int, mode: str = "--worker") -> dict:
    """Run :func:`work` (or, ``mode="--pipeline"``, :func:`pipeline`) in a fresh subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), mode, str(n),
               "--seed", str(seed), "--repeat", str(repeat), "--result", str(path)]
        if subprocess.run(cmd, env=_env()).returncode:
            raise SystemExit(f"worker for size {n} failed")
        return json.loads(path.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kh-coverage benchmarks against plain baselines")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated row counts (default: 1e3..1e6)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.csv")
    parser.add_argument("--repeat", type=int, default=REPEAT,
                        help="rounds of each interleaved comparison (default 3)")
    parser.add_argument("--no-cli", action="store_true", help="skip first call and the command")
    parser.add_argument("--cli-only", action="store_true",
                        help="only first call and the command (no sizes)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pipeline", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")

    if args.worker is not None:
        args.result.write_text(json.dumps(work(args.worker, args.seed, args.repeat),
                                                  default=str))
        return 0
    if args.pipeline is not None:
        args.result.write_text(json.dumps(pipeline(args.pipeline, args.seed), default=str))
        return 0

    import accuracy
    started = time.perf_counter()
    rows, checks = [], {"real sheets": accuracy.real_sheets(), "sizes": []}
    for n in (() if args.cli_only else (int(s) for s in args.sizes.split(","))):
        result = run_size(n, args.seed, args.repeat)
        rows.extend(result["rows"])
        rows.extend(run_size(n, args.seed, args.repeat, "--pipeline")["rows"])
        checks["sizes"].append(result["checks"])
    if not args.no_cli:
        rows.extend(fresh_rows(args.repeat))
    table = judge(pd.DataFrame(rows))
    shown = fmt(table)
    print(shown.to_string(index=False))
    print("\nGrowth (log-log slope of time vs rows; 1 = linear):")
    grow = growth(table)
    print(grow.to_string(index=False))
    print("\nAccuracy on the real labelled sheets:")
    print(json.dumps(checks["real sheets"], indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False)
    args.out.with_suffix(".md").write_text(markdown(shown) + "\n" + markdown(grow.astype(str)))
    info = machine()
    (args.out.parent / "machine.json").write_text(json.dumps(info, indent=1) + "\n")
    (args.out.parent / "agreement.json").write_text(json.dumps(checks, indent=1, default=str) + "\n")
    print("\nmachine:", ", ".join(f"{k} {v}" for k, v in info.items()))
    print(f"wrote {args.out} ({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
