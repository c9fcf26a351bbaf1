"""The plain script ``kh-coverage run``'s maps are compared with: the same 14 PNG maps drawn
with ``GeoDataFrame.plot`` and ``savefig``.

Scores come from ``coverage.analyze()`` on the bundled forum records (as the command's
do); then one map of coverage and one of gap per service group (12) and, per metric, the
six groups as small multiples (2), at the command's resolution (``coverage.settings.DPI``).
No labels, no inset, no report: what a user writes to get the pictures.

Usage::

    .venv/bin/python benchmarks/plot_baseline.py OUT_DIR
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import coverage  # noqa: E402
from coverage.settings import DPI  # noqa: E402

METRICS = {"coverage": "YlGn", "gap": "OrRd"}


def main(out: Path) -> int:
    result = coverage.analyze()
    polygons = coverage.load_provinces(result.frame)
    table = polygons.merge(result.by_province, left_on="code", right_on="province_code")
    out.mkdir(parents=True, exist_ok=True)
    groups = sorted(g for g in table["group_id"].unique() if g != 0)
    for metric, cmap in METRICS.items():
        for gid in groups:
            part = table[table["group_id"] == gid]
            ax = part.plot(column=metric, cmap=cmap, legend=True, edgecolor="white",
                           linewidth=0.5, figsize=(8, 7))
            ax.set_axis_off()
            ax.set_title(f"{part['group'].iloc[0]}: {metric}")
            ax.figure.savefig(out / f"group_{gid}_{metric}.png", dpi=DPI)
            plt.close(ax.figure)
        fig, axes = plt.subplots(2, 3, figsize=(15, 9))
        for ax, gid in zip(axes.flat, groups):
            part = table[table["group_id"] == gid]
            part.plot(column=metric, cmap=cmap, ax=ax, edgecolor="white", linewidth=0.3)
            ax.set_axis_off()
            ax.set_title(part["group"].iloc[0])
        fig.savefig(out / f"all_groups_{metric}.png", dpi=DPI)
        plt.close(fig)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
