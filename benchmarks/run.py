"""Time each stage of kh-coverage against the plain code a user would otherwise write.

Usage::

    .venv/bin/python benchmarks/run.py --sizes 1000,100000
    .venv/bin/python benchmarks/run.py --sizes 1000,10000,100000,1000000

For every size, one worker subprocess (so memory peaks of sizes do not mix) makes the
synthetic records of ``generate.py``, checks that the library and each baseline agree, then
times them:

* ``resolve``: ``coverage.records.resolve_records`` (cold place cache) vs a per-row
  ``rapidfuzz.process.extractOne(text, province_names, processor=default_process,
  score_cutoff=80)``;
* ``sjoin``: ``coverage.boundaries.locate_sites(sites, provinces=polygons)`` vs plain
  ``geopandas.sjoin(points, provinces, predicate="within")`` on the same points and the
  same polygons (``load_provinces("2013")``, read once, outside the timing);
* ``analyze``: the library's coverage and gap per province x group on the resolved table
  vs a straightforward pandas groupby/merge written here (``baseline_scores``).

A second fresh subprocess per size times ``analyze(records)`` end to end (resolution with
sites, then scores) and reports that process's peak memory: the number to hold against
the 2 GB target.

Then the ``kh-coverage run`` command on the bundled data is timed in a fresh process,
split into import, compute (``analyze``) and drawing (``save_maps``, PNG as the command
writes by default); the import alone is also timed in fresh interpreters.

Peak memory is the process's peak resident set size during the stage (``VmHWM``, reset
before each stage through ``/proc/self/clear_refs``), so it includes the data the stage
reads. The table goes to stdout and ``benchmarks/results/latest.csv``.
"""
from __future__ import annotations

import argparse
import gc
import json
import logging
import math
import os
import platform
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

log = logging.getLogger("benchmarks")

SIZES = (1_000, 10_000, 100_000, 1_000_000)
FRAME = "2013"
FUZZ_CUTOFF = 80  # the baseline's score_cutoff: below it, "no province"
REPEAT_SMALL = 3  # best of 3 below 50 000 rows, one run above
COLUMNS = ["stage", "size", "rows", "distinct", "library_s", "baseline_s", "ratio",
           "records_per_s", "peak_mb", "baseline_peak_mb", "target", "met"]

#: targets of issue 8 (seconds, or ratio baseline/library for "ratio>=")
TARGETS = {
    "resolve": "<2 s at 1e6 and >=20x",
    "sjoin": "<=1.2x geopandas.sjoin",
    "analyze": "<2 s per 1e6 served rows",
    "cli import": "<1 s",
    "cli run": "<5 s",
    "analyze(records)": "peak <2048 MB at 1e6",
}


# ------------------------------------------------------------------ memory and timing

_SEEN = [0.0]  # largest peak RSS read before any reset: the worker's true peak


def _reset_peak() -> None:
    """Reset the process's peak RSS (Linux >= 4.0); silently keep it where not possible.

    The peak before the reset is kept in ``_SEEN``: resetting also resets ``ru_maxrss``.
    """
    _SEEN[0] = max(_SEEN[0], peak_mb())
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


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


def timed(fn, repeat: int = 1, before=None):
    """Best wall time of ``repeat`` calls of ``fn``, the peak RSS (MB), and the last result."""
    best, peak, out = math.inf, 0.0, None
    for _ in range(repeat):
        out = None
        if before is not None:
            before()
        gc.collect()
        _reset_peak()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        peak = max(peak, peak_mb())
    return best, peak, out


def row(stage: str, size: int, rows: int, lib: tuple | None, base: tuple | None = None,
        distinct: int | None = None) -> dict:
    """One line of the results table (``lib`` and ``base`` are ``(seconds, peak_mb)``)."""
    lib_s = lib[0] if lib else math.nan
    base_s = base[0] if base else math.nan
    return {
        "stage": stage, "size": size, "rows": rows, "distinct": distinct,
        "library_s": lib_s, "baseline_s": base_s,
        "ratio": base_s / lib_s if lib and base else math.nan,
        "records_per_s": rows / lib_s if lib and lib_s > 0 else math.nan,
        "peak_mb": lib[1] if lib else math.nan,
        "baseline_peak_mb": base[1] if base else math.nan,
    }


# ------------------------------------------------------------------ baselines

def province_names() -> tuple[list[str], list[str]]:
    """English names and codes of the 25 provinces, from the gazetteer."""
    from coverage.places import provinces
    table = provinces(FRAME).sort_values("code")
    return table["name"].tolist(), table["code"].tolist()


def baseline_resolve(texts, names: list[str], codes: list[str]) -> np.ndarray:
    """What a user writes first: one ``extractOne`` per row against the province names.

    With rapidfuzz's ``default_process`` (lower case, punctuation to spaces), since
    rapidfuzz 3 compares case-sensitively by default and "KAMPOT" would match nothing.
    """
    from rapidfuzz import process, utils

    out = np.empty(len(texts), dtype=object)
    for i, text in enumerate(texts):
        match = process.extractOne(text, names, processor=utils.default_process,
                                   score_cutoff=FUZZ_CUTOFF)
        out[i] = codes[match[2]] if match else None
    return out


def baseline_sjoin(sites: pd.DataFrame, polygons):
    """Plain geopandas: points from lon/lat, then ``sjoin(..., predicate="within")``."""
    import geopandas as gpd

    points = gpd.GeoDataFrame(sites, geometry=gpd.points_from_xy(sites["lon"], sites["lat"]),
                              crs=4326)
    return gpd.sjoin(points, polygons[["code", "geometry"]], how="left", predicate="within")


# ------------------------------------------------------------------ agreement checks

def resolve_agreement(records: pd.DataFrame, served: pd.DataFrame,
                      base: np.ndarray) -> tuple[dict, pd.DataFrame]:
    """Compare library provinces (a set per record) with the baseline's single province.

    Returns counts per outcome and the rows where a plain province name (kind ``name``
    spelled as the English or NIS name) got different provinces, which must be none.
    """
    lib = served.groupby("record_id", sort=False)["province_code"].agg(
        lambda s: frozenset(s.astype(str)))
    lib = records["record_id"].map(lib)
    lib = lib.where(lib.notna(), frozenset())
    base = pd.Series(base, index=records.index, dtype=object)
    base = base.where(base.notna(), None)
    none = base.isna().to_numpy()
    empty = np.array([not lset for lset in lib], dtype=bool)
    same = np.array([lset == {b} for lset, b in zip(lib, base)], dtype=bool)
    among = np.array([b in lset for lset, b in zip(lib, base)], dtype=bool)
    outcome = np.select(
        [empty & none, same, ~empty & none, among, empty & ~none],
        ["both none", "same province", "baseline none", "baseline one of several",
         "baseline only"],
        "different province",
    )
    counts = pd.Series(outcome).value_counts().to_dict()
    by_kind = pd.crosstab(records["kind"].to_numpy(), outcome)
    plain = _plain_name_rows(records)
    bad = records.loc[plain & (outcome != "same province"), ["record_id", "area_text"]]
    bad = bad.assign(library=lib[bad.index].map(sorted), baseline=base[bad.index])
    truth_single = records["kind"].isin(["name", "typo"]).to_numpy()
    truth = records["truth"].to_numpy()
    counts["library right (single-province rows)"] = int(sum(
        lset == {t} for lset, t, k in zip(lib, truth, truth_single) if k))
    counts["baseline right (single-province rows)"] = int(sum(
        b == t for b, t, k in zip(base, truth, truth_single) if k))
    counts["single-province rows"] = int(truth_single.sum())
    return {"counts": counts, "by_kind": by_kind}, bad


def _plain_name_rows(records: pd.DataFrame) -> pd.Series:
    """Rows whose text is one province's English or NIS name (any case, spacing)."""
    from coverage.places import provinces

    table = provinces(FRAME)
    plain = set(table["name"].str.lower()) | set(table["name_nis"].str.lower())
    return records["kind"].eq("name") & records["area_text"].str.strip().str.lower().isin(plain)


def sjoin_agreement(located: pd.DataFrame, joined: pd.DataFrame) -> dict:
    """Same province per point? (the baseline's duplicates on shared borders counted)."""
    dup = joined.index.duplicated(keep="first")
    first = joined.loc[~dup, "code"].reindex(located.index)
    lib = located["province_code"].astype(object).where(located["province_code"].notna(), None)
    base = first.astype(object).where(first.notna(), None)
    same = (lib == base) | (lib.isna() & base.isna())
    return {"points": len(located), "same province": int(same.sum()),
            "different": int((~same).sum()), "baseline duplicate rows": int(dup.sum()),
            "outside every province": int(lib.isna().sum())}


# ------------------------------------------------------------------ worker (one size)

def _clear_place_cache() -> None:
    """Forget resolved strings so each timed library run starts cold.

    Clears every bounded (per-string) ``lru_cache`` of the gazetteer and records modules,
    ``resolve_place``'s included; the unbounded ``@cache`` tables (province names, aliases)
    are data loaded once per process and stay warm.
    """
    import coverage.places.names as names
    import coverage.places.resolve as res
    import coverage.places.tables as tables
    import coverage.records.resolve as rec
    for module in (names, res, tables, rec):
        for fn in vars(module).values():
            info = getattr(fn, "cache_info", None)
            if info is not None and info().maxsize is not None:
                fn.cache_clear()


def work(n: int, seed: int) -> dict:
    """Generate ``n`` records, check agreement, time every stage; return rows + checks."""
    from generate import make_records
    from coverage.boundaries import load_provinces, locate_sites
    from coverage.records import resolve_records

    repeat = REPEAT_SMALL if n < 50_000 else 1
    rows, checks = [], {"size": n}

    _reset_peak()
    t0 = time.perf_counter()
    records = make_records(n, seed=seed)
    rows.append(row("generate", n, n, (time.perf_counter() - t0, peak_mb())))
    distinct = int(records["area_text"].nunique())

    # resolve ------------------------------------------------------------------
    names, codes = province_names()
    uniq = records["area_text"].drop_duplicates()
    once = dict(zip(uniq, baseline_resolve(uniq.tolist(), names, codes)))
    text_only = records.drop(columns=["lon", "lat"])  # sites are the sjoin stage's job
    served, unresolved = resolve_records(text_only, frame=FRAME)
    agree, bad = resolve_agreement(records, served, records["area_text"].map(once).to_numpy())
    if len(bad):
        raise AssertionError(f"library and baseline disagree on plain province names:\n{bad}")
    checks["resolve"] = agree["counts"]
    checks["resolve_by_kind"] = agree["by_kind"].to_dict()
    checks["served_rows"] = len(served)
    checks["unresolved_rows"] = len(unresolved)
    del served, unresolved, once
    lib = timed(lambda: resolve_records(text_only, frame=FRAME), repeat, _clear_place_cache)
    texts = records["area_text"].tolist()
    base = timed(lambda: baseline_resolve(texts, names, codes), repeat)
    rows.append(row("resolve", n, n, lib[:2], base[:2], distinct))
    del lib, base, texts, text_only
    # with sites: the served table analyze scores (timed once, for information)
    full = timed(lambda: resolve_records(records, frame=FRAME), 1, _clear_place_cache)
    served = full[2][0]
    rows.append(row("resolve+sites", n, n, full[:2], None, distinct))
    del full
    log.info("n=%d resolve done", n)

    # sjoin --------------------------------------------------------------------
    sites = records[records["lon"].notna()]
    polygons = load_provinces(FRAME)
    located = locate_sites(sites, lon="lon", lat="lat", provinces=polygons)
    checks["sjoin"] = sjoin_agreement(located, baseline_sjoin(sites, polygons))
    if checks["sjoin"]["different"]:
        raise AssertionError(f"locate_sites and geopandas.sjoin disagree: {checks['sjoin']}")
    del located
    # cheap at every size: best of three, so one busy moment of a shared machine does not decide
    lib = timed(lambda: locate_sites(sites, lon="lon", lat="lat", provinces=polygons), 3)
    base = timed(lambda: baseline_sjoin(sites, polygons), 3)
    rows.append(row("sjoin", n, len(sites), lib[:2], base[:2]))
    del lib, base, sites
    log.info("n=%d sjoin done", n)

    # analyze ------------------------------------------------------------------
    rows.extend(analyze_stage(records, served, n, repeat, checks))
    rows.append(row("worker peak", n, n, None) | {"peak_mb": peak_of_process()})
    return {"rows": rows, "checks": checks}


def peak_of_process() -> float:
    """Peak RSS of the whole worker, over every stage and check."""
    return max(_SEEN[0], peak_mb())


def baseline_scores(served: pd.DataFrame, frame: str = FRAME,
                    nationwide_weight: float = 0.5) -> pd.DataFrame:
    """Coverage, gap and local providers per province x group, in plain pandas.

    The method of ``docs/method.md`` written the straightforward way: a province has
    level 1 for a service type when an institution serves it there (named or site), the
    nationwide weight when the type is only claimed nationwide, 0 otherwise; a group's
    coverage is the mean level over its types (group 0: mean of the six groups); gap =
    need x (1 - coverage) with need = population / largest population.
    """
    from coverage.boundaries import load_population
    from coverage.places import provinces
    from coverage.taxonomy import services_table

    types = services_table()[["group_id", "service_id"]]
    codes = provinces(frame)["code"].sort_values().tolist()
    s = served[["group_id", "service_id", "institution", "province_code", "basis"]]
    whole = s[s["service_id"].isna()].drop(columns="service_id").merge(types, on="group_id")
    s = pd.concat([s[s["service_id"].notna()], whole], ignore_index=True)
    s["service_id"] = s["service_id"].astype(int)
    local = s[s["basis"].isin(["named", "site"])]
    nationwide = s.loc[s["basis"].eq("nationwide"), ["group_id", "service_id"]].drop_duplicates()

    grid = pd.DataFrame({"province_code": codes}).merge(types, how="cross")
    here = local[["province_code", "group_id", "service_id"]].drop_duplicates().assign(here=True)
    grid = grid.merge(here, how="left", on=["province_code", "group_id", "service_id"])
    grid = grid.merge(nationwide.assign(nat=True), how="left", on=["group_id", "service_id"])
    grid["level"] = np.where(grid["here"].eq(True), 1.0,
                             np.where(grid["nat"].eq(True), nationwide_weight, 0.0))

    cov = grid.groupby(["province_code", "group_id"], as_index=False)["level"].mean()
    every = cov.groupby("province_code", as_index=False)["level"].mean().assign(group_id=0)
    out = pd.concat([every, cov], ignore_index=True).rename(columns={"level": "coverage"})
    prov_local = local.groupby(["province_code", "group_id"])["institution"].nunique()
    all_local = local.groupby("province_code")["institution"].nunique()
    counts = pd.concat([all_local.to_frame().assign(group_id=0).set_index("group_id", append=True),
                        prov_local.to_frame()])["institution"].rename("providers_local")
    out = out.merge(counts.reset_index(), how="left", on=["province_code", "group_id"])
    out["providers_local"] = out["providers_local"].fillna(0).astype(int)
    pop = load_population(frame).set_index("province_code")["population"]
    out["need"] = out["province_code"].map(pop / pop.max())
    out["gap"] = out["need"] * (1 - out["coverage"])
    return out.sort_values(["province_code", "group_id"]).reset_index(drop=True)


def analyze_agreement(by_province: pd.DataFrame, base: pd.DataFrame) -> dict:
    """Same coverage, gap and local providers per province x group? (np.allclose)."""
    keys = ["province_code", "group_id"]
    lib = by_province.sort_values(keys).reset_index(drop=True)
    if lib[keys].astype(str).values.tolist() != base[keys].astype(str).values.tolist():
        raise AssertionError("analyze and the pandas baseline score different province x group rows")
    out = {"cells": len(lib)}
    for col in ("coverage", "gap", "providers_local"):
        a = lib[col].astype(float).to_numpy()
        b = base[col].astype(float).to_numpy()
        out[col] = bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))
        if not out[col]:
            worst = int(np.nanargmax(np.abs(a - b)))
            raise AssertionError(f"analyze and the pandas baseline differ in {col!r}: "
                                 f"{lib.loc[worst, keys].tolist()} {a[worst]} vs {b[worst]}")
    return out


def analyze_stage(records, served, n, repeat, checks) -> list[dict]:
    """``analyze`` on the resolved served table vs :func:`baseline_scores`."""
    from coverage.scores import analyze

    result = analyze(served, frame=FRAME)
    checks["analyze"] = analyze_agreement(result.by_province, baseline_scores(served))
    del result
    lib = timed(lambda: analyze(served, frame=FRAME), repeat)
    base = timed(lambda: baseline_scores(served), repeat)
    log.info("n=%d analyze done", n)
    return [row("analyze", n, len(served), lib[:2], base[:2])]


def current_mb() -> float:
    """Resident set size of this process now, in MB."""
    with open("/proc/self/status") as fh:
        return next(int(x.split()[1]) for x in fh if x.startswith("VmRSS:")) / 1024


def pipeline(n: int, seed: int) -> dict:
    """What a user runs on a big sheet: ``analyze(records)`` end to end, in a fresh process.

    No peak resets here: the peak is the whole process's, records included.
    """
    from generate import make_records
    from coverage.scores import analyze

    records = make_records(n, seed=seed)
    gc.collect()
    before = current_mb()
    t0 = time.perf_counter()
    analyze(records, frame=FRAME)
    seconds = time.perf_counter() - t0
    out = row("analyze(records)", n, n, (seconds, peak_mb()))
    return {"rows": [out], "checks": {"size": n, "pipeline_rss_before_analyze_mb": round(before)}}


# ------------------------------------------------------------------ the command

IMPORT_ONLY = r"""
import time
t0 = time.perf_counter()
import coverage
coverage.analyze
print(time.perf_counter() - t0)
"""

#: one ``kh-coverage run`` in this process, with analyze and save_maps timed as it calls them
CLI_RUN = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from coverage.cli import main
t_import = time.perf_counter() - t0
import coverage.maps, coverage.scores
spent = {"compute": 0.0, "drawing": 0.0}
def timing(fn, key):
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - t
    return wrapper
coverage.scores.analyze = timing(coverage.scores.analyze, "compute")
coverage.maps.save_maps = timing(coverage.maps.save_maps, "drawing")
rc = main(["run", "--out", sys.argv[1], "--quiet"])
print("\nBENCH", json.dumps({"rc": rc, "import": t_import, **spent,
                             "total": time.perf_counter() - t0,
                             "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _python(code: str, *args: str) -> str:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [
        str(ROOT), os.environ.get("PYTHONPATH", "")])))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, cwd=tempfile.gettempdir())
    if done.returncode:
        raise RuntimeError(f"benchmark subprocess failed:\n{done.stderr[-3000:]}")
    return done.stdout


def cli_rows(repeat: int = 1) -> list[dict]:
    """Import, compute, drawing and the whole ``kh-coverage run`` on the bundled data.

    ``cli import`` is ``import coverage; coverage.analyze`` in a fresh interpreter (best of
    three); the other rows come from ``repeat`` runs of the command in a fresh interpreter,
    ``cli run`` being its wall time from start to exit, interpreter start included.
    """
    imports = [float(_python(IMPORT_ONLY)) for _ in range(3)]
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            printed = _python(CLI_RUN, str(Path(out) / "run")).splitlines()
            got = json.loads(next(x for x in printed if x.startswith("BENCH "))[6:])
            got["wall"] = time.perf_counter() - t0
        if got["rc"]:
            raise RuntimeError(f"kh-coverage run exited with {got['rc']}")
        runs.append(got)
    best = min(runs, key=lambda r: r["wall"])
    from coverage.records import load_forum_records
    n = len(load_forum_records())
    return [
        row("cli import", n, n, (min(imports), math.nan)),
        row("cli compute", n, n, (best["compute"], math.nan)),
        row("cli drawing", n, n, (best["drawing"], math.nan)),
        row("cli run", n, n, (best["wall"], best["peak_mb"])),
    ]


# ------------------------------------------------------------------ report

def judge(df: pd.DataFrame) -> pd.DataFrame:
    """Fill ``target`` and ``met`` for the stages issue 8 sets targets for."""
    df = df.copy()
    df["target"] = df["stage"].map(TARGETS).fillna("")
    big = df["size"] >= 1_000_000
    met = pd.Series(pd.NA, index=df.index, dtype="boolean")
    s = df["stage"]
    met[s.eq("resolve") & big] = (df["library_s"].lt(2) & df["ratio"].ge(20))[s.eq("resolve") & big]
    # analyze: seconds per 1e6 served rows, at 1e5 records and up
    per_million = df["library_s"] / df["rows"] * 1e6
    scaled = s.eq("analyze") & df["size"].ge(100_000)
    met[scaled] = per_million.lt(2)[scaled]
    whole = s.eq("analyze(records)") & big
    met[whole] = df["peak_mb"].lt(2048)[whole]
    met[s.eq("sjoin")] = df["ratio"].ge(1 / 1.2)[s.eq("sjoin")]
    met[s.eq("cli import")] = df["library_s"].lt(1)[s.eq("cli import")]
    met[s.eq("cli run")] = df["library_s"].lt(5)[s.eq("cli run")]
    df["met"] = met
    return df[COLUMNS]


def growth(df: pd.DataFrame) -> pd.DataFrame:
    """Microseconds per row and the log-log slope of time against size, per stage."""
    out = []
    for stage, part in df[df["stage"].isin(["generate", "resolve", "sjoin", "analyze"])].groupby(
            "stage", sort=False):
        part = part.sort_values("size")
        us = (part["library_s"] / part["rows"] * 1e6).round(2).tolist()
        big = part[part["size"] >= 10_000]  # below that, fixed costs dominate
        big = big if len(big) >= 2 else part
        slope = (np.polyfit(np.log(big["rows"]), np.log(big["library_s"]), 1)[0]
                 if len(big) >= 2 else math.nan)
        per_text = (part["library_s"] / part["distinct"] * 1e6).round(0).tolist() \
            if part["distinct"].notna().all() else []
        out.append({"stage": stage, "sizes": part["size"].tolist(), "us_per_row": us,
                    "slope": round(float(slope), 2), "us_per_distinct_text": per_text})
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
    ram = "-"
    try:
        kb = next(int(line.split()[1]) for line in open("/proc/meminfo")
                  if line.startswith("MemTotal"))
        ram = f"{kb / 1024 ** 2:.1f} GiB"
    except (OSError, StopIteration):
        pass
    import coverage
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "-"
    return {"cpus": os.cpu_count(), "load (1/5/15 min)": load, "cpu": model, "ram": ram, "python": platform.python_version(),
            "platform": platform.platform(), "kh-coverage": coverage.__version__,
            **{d: version(d) for d in ("pandas", "geopandas", "shapely", "numpy", "rapidfuzz",
                                       "matplotlib", "pyogrio")}}


def fmt(df: pd.DataFrame, text: bool = True):
    """The results table as aligned text (or, ``text=False``, as a frame of strings)."""
    show = df.copy()
    for col in ("library_s", "baseline_s"):
        show[col] = show[col].map(lambda v: "" if pd.isna(v) else f"{v:.4f}")
    show["ratio"] = show["ratio"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}x")
    show["records_per_s"] = show["records_per_s"].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
    for col in ("peak_mb", "baseline_peak_mb"):
        show[col] = show[col].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
    show["distinct"] = show["distinct"].map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
    show["target"] = show["target"].fillna("")
    show["met"] = show["met"].map(lambda v: "" if pd.isna(v) else ("yes" if v else "NO"))
    return show.to_string(index=False) if text else show


def markdown(text_table: pd.DataFrame) -> str:
    """A formatted table (strings) as a Markdown pipe table."""
    cols = list(text_table.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    lines += ["| " + " | ".join(str(v) for v in r) + " |" for r in text_table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def run_size(n: int, seed: int, mode: str = "--worker") -> dict:
    """Run :func:`work` (or, ``mode="--pipeline"``, :func:`pipeline`) in a fresh subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), mode, str(n),
               "--seed", str(seed), "--result", str(path)]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [
            str(ROOT), os.environ.get("PYTHONPATH", "")])))
        done = subprocess.run(cmd, env=env)
        if done.returncode:
            raise SystemExit(f"worker for size {n} failed (exit {done.returncode})")
        return json.loads(path.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kh-coverage benchmarks against plain baselines")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated row counts (default: 1e3..1e6)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.csv")
    parser.add_argument("--no-cli", action="store_true", help="skip the kh-coverage run timing")
    parser.add_argument("--cli-repeat", type=int, default=1,
                        help="runs of kh-coverage run to take the best of (default 1)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pipeline", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")

    if args.worker is not None:
        result = work(args.worker, args.seed)
        args.result.write_text(json.dumps(result, default=str))
        return 0
    if args.pipeline is not None:
        args.result.write_text(json.dumps(pipeline(args.pipeline, args.seed), default=str))
        return 0

    started = time.perf_counter()
    rows, checks = [], []
    for n in (int(s) for s in args.sizes.split(",")):
        result = run_size(n, args.seed)
        rows.extend(result["rows"])
        end_to_end = run_size(n, args.seed, "--pipeline")
        rows.extend(end_to_end["rows"])
        checks.append(result["checks"] | end_to_end["checks"])
    if not args.no_cli:
        rows.extend(cli_rows(args.cli_repeat))
    table = judge(pd.DataFrame(rows))
    print(fmt(table))
    print()
    print("Agreement, checked before timing (library vs baseline):")
    for check in checks:
        print(f"  n={check['size']:,}: resolve {check['resolve']}")
        print(f"  n={check['size']:,}: sjoin   {check['sjoin']}")
        if "analyze" in check:
            print(f"  n={check['size']:,}: analyze {check['analyze']}")
        if "pipeline_rss_before_analyze_mb" in check:
            print(f"  n={check['size']:,}: analyze(records) started at "
                  f"{check['pipeline_rss_before_analyze_mb']} MB resident (records in memory)")
    print()
    print("Cost per row (us) by size, and log-log slope of time vs rows (1 = linear):")
    print(growth(table).to_string(index=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False)
    args.out.with_suffix(".md").write_text(markdown(fmt(table, text=False)))
    info = machine()
    (args.out.parent / "machine.json").write_text(json.dumps(info, indent=1) + "\n")
    (args.out.parent / "agreement.json").write_text(json.dumps(checks, indent=1, default=str) + "\n")
    print()
    print("machine:", ", ".join(f"{k} {v}" for k, v in info.items()))
    print(f"wrote {args.out} ({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
