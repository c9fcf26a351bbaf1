"""District level against province level: ``analyze(served, level=...)`` interleaved.

Target (issue 14): ``analyze(level="district")`` within 2x the province-level time at 10^6
records, and under 0.5 s warm on the forum data. Run from the repository root:

    .venv/bin/python benchmarks/districts.py --sizes 100000,1000000 --repeat 3
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from generate import make_records

    from coverage.records import resolve_records
    from coverage.scores import analyze

    forum = analyze(level="district")          # warm: imports, tables, district layer
    warm = [_time(lambda: analyze(level="district")) for _ in range(args.repeat)]
    print(f"forum data, level district, warm: median {statistics.median(warm):.2f} s "
          f"(range {min(warm):.2f}-{max(warm):.2f}); {len(forum.by_district)} rows")
    print("| records | served rows | province (s) | district (s) | district / province |")
    print("|---:|---:|---:|---:|---:|")
    for n in (int(s) for s in args.sizes.split(",")):
        served, _ = resolve_records(make_records(n, seed=0), "2013")
        ratios, prov, dist = [], [], []
        for _ in range(args.repeat):                 # interleaved, same process
            p = _time(lambda: analyze(served, frame="2013"))
            d = _time(lambda: analyze(served, frame="2013", level="district"))
            prov.append(p), dist.append(d), ratios.append(d / p)
        print(f"| {n:,} | {len(served):,} | {statistics.median(prov):.2f} | "
              f"{statistics.median(dist):.2f} | {statistics.median(ratios):.2f} "
              f"({min(ratios):.2f}-{max(ratios):.2f}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
