"""Writing every map to files, byte-identical for the same input."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from coverage.maps.classes import metric_info
from coverage.maps.draw import plot_group, plot_groups
from coverage.maps.table import polygons, short_names
from coverage.scores import CoverageResult
from coverage.settings import DPI
from coverage.taxonomy import GROUPS, get_group

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

def _save(fig: "Figure", path: Path, fmt: str, dpi: int) -> None:
    import matplotlib

    meta = {
        "png": {"Software": "kh-coverage"},
        "svg": {"Date": None, "Creator": "kh-coverage"},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": "kh-coverage",
                "Producer": "kh-coverage"},
    }.get(fmt)
    with matplotlib.rc_context({"svg.hashsalt": "kh-coverage", "svg.fonttype": "none",
                                "pdf.fonttype": 42}):
        fig.savefig(path, format=fmt, dpi=dpi, metadata=meta, facecolor="#FFFFFF")


def _draw_and_save(result: CoverageResult, metric: str, group_id: int | None, frame: str | None,
                   out: Path, formats: tuple[str, ...], dpi: int) -> list[Path]:
    """Draw one map (a group, or the small multiples when ``group_id`` is None) and save it."""
    if group_id is None:
        stem, fig = f"all_groups_{metric}", plot_groups(result, metric, frame=frame)
    else:
        g = get_group(group_id)
        stem = f"group_{g.id}_{g.slug}_{metric}"
        fig = plot_group(result, g.id, metric, frame=frame).figure
    paths = []
    for fmt in formats:
        paths.append(out / f"{stem}.{fmt}")
        _save(fig, paths[-1], fmt, dpi)
    fig.clear()
    return paths


def _warm_up(result: CoverageResult, frame: str | None, metrics: Iterable[str] = ()) -> None:
    """Do once, before forking, what every worker would otherwise do again: imports,
    fonts, polygons."""
    import matplotlib.font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401

    if any(metric_info(m).kind == "count" for m in metrics):
        import mapclassify  # noqa: F401  (count classes come from mapclassify.Quantiles)
    matplotlib.font_manager.findfont("DejaVu Sans")
    polygons(result, str(frame or result.frame))
    short_names(str(frame or result.frame))


def _quiet_worker() -> None:
    """Leave interrupts to the parent, which stops the pool and reports once."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _map_jobs(func: Any, args: list[tuple]) -> list[Any]:
    """``[func(*a) for a in args]``, on up to two forked worker processes where the OS allows.

    Each map is drawn independently, so the files are the same either way; forking (not
    spawning) lets the workers share the already-imported libraries and the result.
    """
    import multiprocessing as mp
    import os

    workers = min(len(args), len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
    if workers < 2 or "fork" not in mp.get_all_start_methods():
        return [func(*a) for a in args]
    _warm_up(args[0][0], args[0][3], {a[1] for a in args})
    with mp.get_context("fork").Pool(workers, initializer=_quiet_worker) as pool:
        jobs = pool.starmap_async(func, args, chunksize=1)
        while True:       # wake now and then: a signal may reach a helper thread, not this one
            try:
                return jobs.get(timeout=0.2)
            except mp.TimeoutError:
                continue


def save_maps(result: CoverageResult, out_dir: str | Path, formats: Sequence[str] = ("png", "svg", "pdf"),
              metrics: Sequence[str] = ("coverage", "gap", "providers", "providers_local"),
              dpi: int = DPI, frame: str | None = None) -> list[Path]:
    """Write one map per group and metric, plus the small multiples of each metric.

    Files are named ``group_<id>_<slug>_<metric>.<ext>`` and ``all_groups_<metric>.<ext>``.
    The same input gives byte-identical files (fixed metadata, fixed SVG ids).

    Parameters
    ----------
    result : CoverageResult
    out_dir : str or Path
        Created if needed.
    formats : sequence of {"png", "svg", "pdf"}
    metrics : sequence of str
        Metrics to map (``level`` is per service type: use :func:`plot_group`).
    dpi : int
        Raster resolution (at least 200 for print).
    frame : {"2010", "2013"}, optional

    Returns
    -------
    list of Path
        The files written, in writing order.

    Examples
    --------
    >>> paths = save_maps(result, "out/maps", formats=("png",))   # doctest: +SKIP
    """
    bad = [f for f in formats if f not in ("png", "svg", "pdf")]
    if bad:
        raise ValueError(f"unsupported format(s) {bad}; expected png, svg or pdf")
    if dpi < 200 and "png" in formats:
        raise ValueError(f"dpi={dpi}: print maps need at least 200 dpi")
    for metric in metrics:
        if metric_info(metric).kind == "level":
            raise ValueError("save_maps maps whole groups; draw metric='level' with plot_group")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(metric, g.id) for metric in metrics for g in GROUPS] + [(m, None) for m in metrics]
    jobs.sort(key=lambda j: (metrics.index(j[0]), j[1] is None, j[1] or 0))
    args = [(result, metric, gid, frame, out, tuple(formats), dpi) for metric, gid in jobs]
    written = [p for paths in _map_jobs(_draw_and_save, args) for p in paths]
    log.debug("wrote %d map files to %s", len(written), out)
    return written


