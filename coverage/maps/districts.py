"""District choropleths (``analyze(level="district")``): the 197 districts of the 2014 layer,
province outlines drawn over them, the Tonle Sap as water and named on every map, and
labels only for the districts with the largest gaps, and only where the label fits inside
the district (most are too small to hold one; the full ranking is listed beside the map).

Examples
--------
>>> from coverage.scores import analyze
>>> result = analyze(level="district")
>>> fig = plot_district_groups(result, "coverage")
>>> len([ax for ax in fig.axes if ax.get_gid() and ax.get_gid().startswith("panel")])
6
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from coverage.maps.classes import METRICS, classify, metric_info
from coverage.maps.base import WATER_ANGLE, WATER_LABEL, WATER_NAME
from coverage.maps.colours import (EDGE_COLOUR, MISSING_COLOUR, MISSING_HATCH, WATER_COLOUR,
                                   WATER_EDGE, WATER_TEXT)
from coverage.scores import CoverageResult
from coverage.settings import DPI, TOP_N
from coverage.sources import boundary_source
from coverage.taxonomy import GROUPS, get_group

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["district_map_table", "plot_district_group", "plot_district_groups",
           "save_district_maps"]

TEXT = {"usetex": False, "parse_math": False}   # user text is never read as math


def _layers(frame: str):
    from coverage.boundaries import load_districts, load_provinces, load_water

    return load_districts(frame), load_provinces(frame), load_water()


def district_map_table(result: CoverageResult, group: int | str, metric: str = "coverage"):
    """The districts as drawn for one group: polygon, value, class colour and label.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name``, ``province_code``, ``value``, ``gap_rank``, ``colour``,
        ``hatch``, ``label``, ``geometry``.
    """
    if result.by_district is None:
        raise ValueError("this result has no district scores: run analyze(..., level='district')")
    g = get_group(group)
    metric_info(metric)
    rows = result.by_district[result.by_district["group_id"] == g.id]
    districts, _, _ = _layers(result.frame)
    t = districts[["code", "name", "province_code", "geometry"]].merge(
        rows[["district_code", metric, "gap_rank"]].rename(columns={metric: "value"}),
        left_on="code", right_on="district_code", how="left").drop(columns="district_code")
    classes = classify(t["value"], metric, g.id, result.params.nationwide_weight)
    idx = classes.index(pd.to_numeric(t["value"], errors="coerce"))
    t["colour"] = [classes.colours[i] if i >= 0 else MISSING_COLOUR for i in idx]
    t["hatch"] = ["" if i >= 0 else MISSING_HATCH for i in idx]
    t["label"] = [classes.labels[i] if i >= 0 else "no data" for i in idx]
    return t, classes


def _draw(ax: "Axes", result: CoverageResult, t, lw: float, label_top: int) -> None:
    _, provinces, water = _layers(result.frame)
    t.plot(ax=ax, color=t["colour"], edgecolor=EDGE_COLOUR, linewidth=lw * 0.5)
    hatched = t.geometry[(t["hatch"] != "").to_numpy()]
    if len(hatched):   # one hatched shape, not 197: hatching is what costs when drawing
        import geopandas as gpd
        import shapely

        gpd.GeoSeries([shapely.coverage_union_all(hatched.values)], crs=t.crs).plot(
            ax=ax, facecolor="none", edgecolor="#8C8C8C", hatch=MISSING_HATCH, linewidth=0)
    provinces.boundary.plot(ax=ax, color="#222222", linewidth=lw)
    water.plot(ax=ax, color=WATER_COLOUR, edgecolor=WATER_EDGE, linewidth=lw * 0.5)
    x0, y0, x1, y1 = provinces.total_bounds
    ax.set_xlim(x0 - 0.05, x1 + 0.05)
    ax.set_ylim(y0 - 0.05, y1 + 0.05)
    ax.set_aspect(1 / np.cos(np.radians((y0 + y1) / 2)))
    ax.set_axis_off()
    # the lake is named on every map, panels included (rotated along its long axis)
    ax.text(*WATER_LABEL, "Tonle Sap", fontsize=5 if label_top else 3.5, ha="center",
            va="center", rotation=WATER_ANGLE, color=WATER_TEXT, style="italic", **TEXT)
    if label_top:
        top = t[t["gap_rank"].notna()].sort_values("gap_rank", kind="mergesort").head(label_top)
        _label_where_fits(ax, top)


def _label_where_fits(ax: "Axes", top) -> list[str]:
    """Label each district ``"rank. name"``, else ``"rank"``, else nothing: a label is kept
    only when its box lies inside the district and clear of the labels already placed.

    Returns the labels kept (the full ranking is listed beside the map).
    """
    import shapely

    ax.apply_aspect()
    renderer = ax.figure.canvas.get_renderer()
    to_data = ax.transData.inverted()
    placed: list = []
    kept = []
    for row in top.itertuples():
        pt = row.geometry.representative_point()
        for text in (f"{int(row.gap_rank)}. {row.name}", f"{int(row.gap_rank)}"):
            artist = ax.text(pt.x, pt.y, text, fontsize=5.5, ha="center", va="center",
                             color="#000000", **TEXT)
            (a, b), (c, d) = to_data.transform(artist.get_window_extent(renderer).get_points())
            box = shapely.box(a, b, c, d)
            if row.geometry.contains(box) and not any(box.intersects(p) for p in placed):
                placed.append(box)
                kept.append(text)
                break
            artist.remove()
    return kept


def _caption(result: CoverageResult, metric: str) -> str:
    p = result.params
    lines = [f"Services: {p.records}" if p.records != "forum" else
             "Services: National Practitioner Forum, Phnom Penh, December 2010 (WVC, UNIAP)",
             boundary_source(p.frame).caption]
    if metric == "gap":
        lines.append("Need: NIS, General Population Census 2008, by district")
    return "\n".join(lines)


def _figure(size: tuple[float, float]) -> "Figure":
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=100)
    canvas = FigureCanvasAgg(fig)
    # geopandas asks for a redraw after every layer; on a bare Agg canvas that renders the
    # whole figure each time (quadratic in the layers): nothing is shown, so skip it
    canvas.draw_idle = lambda *args, **kwargs: None
    return fig


def _legend(fig: "Figure", classes, loc: tuple[float, float], no_data: bool = False) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor=EDGE_COLOUR, linewidth=0.5, label=lab)
               for c, lab in zip(classes.colours, classes.labels)]
    if no_data:
        handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor=EDGE_COLOUR, hatch=MISSING_HATCH,
                             linewidth=0.5, label="no data"))
    handles.append(Patch(facecolor=WATER_COLOUR, edgecolor=WATER_EDGE, label=WATER_NAME))
    fig.legend(handles=handles, title=classes.title, loc="upper left", bbox_to_anchor=loc,
               fontsize=7, title_fontsize=7.5, frameon=False, alignment="left")


def _group_legend(fig: "Figure", metric: str, no_data: bool = False) -> None:
    """One legend for six ramps: each class as a row of six swatches, one per group."""
    from matplotlib.patches import Rectangle

    ax = fig.add_axes((0.01, 0.02, 0.42, 0.06))
    ax.set_axis_off()
    ramps = [classify([], metric, g.id) for g in GROUPS]
    labels = list(ramps[0].labels) + ["water\n(Tonle Sap)"] + (["no data"] if no_data else [])
    ax.set_xlim(0, len(labels))
    ax.set_ylim(0, 1)
    ax.text(0, 1.1, ramps[0].title, fontsize=6.5, fontweight="bold", va="bottom", **TEXT)
    for i, label in enumerate(labels):
        if i < len(ramps[0].labels):
            for j, classes in enumerate(ramps):
                ax.add_patch(Rectangle((i + j * 0.15, 0.45), 0.15, 0.5,
                                       facecolor=classes.colours[i], edgecolor="none"))
        elif label == "no data":
            ax.add_patch(Rectangle((i, 0.45), 0.9, 0.5, facecolor=MISSING_COLOUR,
                                   edgecolor="#8C8C8C", hatch=MISSING_HATCH, linewidth=0))
        else:
            ax.add_patch(Rectangle((i, 0.45), 0.9, 0.5, facecolor=WATER_COLOUR, edgecolor="none"))
        ax.add_patch(Rectangle((i, 0.45), 0.9, 0.5, facecolor="none", edgecolor=EDGE_COLOUR,
                               linewidth=0.4))
        ax.text(i + 0.45, 0.3, label, fontsize=5.5, ha="center", va="top", **TEXT)


def plot_district_group(result: CoverageResult, group: int | str,
                        metric: str = "coverage") -> "Figure":
    """One group's district choropleth, the districts with the five largest gaps labelled.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> fig = plot_district_group(analyze(level="district"), "shelter", "gap")
    >>> [t.get_text() for t in fig.texts][0]
    'Shelter and interim care: gap by district'
    """
    g = get_group(group)
    t, classes = district_map_table(result, g.id, metric)
    fig = _figure((8.0, 6.6))
    ax = fig.add_axes((0.0, 0.1, 0.75, 0.78))
    _draw(ax, result, t, lw=0.7, label_top=TOP_N)
    fig.text(0.012, 0.985, f"{g.name}: {METRICS[metric].title} by district", fontsize=12,
             fontweight="bold", va="top", **TEXT)
    sub = ("The 197 districts of 2014 (province outlines in black). Level 1 where a place or "
           f"site in the district is named, {result.params.province_weight:g} where only its "
           f"province is, {result.params.nationwide_weight:g} for a nationwide claim. "
           f"Numbered: the {TOP_N} largest gaps, named where the name fits.")
    fig.text(0.012, 0.945, "\n".join(textwrap.wrap(sub, 120)), fontsize=7.5, va="top",
             color="#333333", **TEXT)
    _legend(fig, classes, (0.76, 0.86), no_data=bool((t["hatch"] != "").any()))
    top = t[t["gap_rank"].notna()].sort_values("gap_rank", kind="mergesort").head(TOP_N)
    if len(top):
        names = dict(zip(_layers(result.frame)[1]["code"], _layers(result.frame)[1]["name"]))
        ranking = "\n".join(f"{int(r.gap_rank)}. {r.name}\n     {names.get(r.province_code, '')}"
                            for r in top.itertuples())
        fig.text(0.77, 0.5, f"Largest gaps\n{ranking}", fontsize=6.5, va="top",
                 linespacing=1.35, **TEXT)
    fig.text(0.012, 0.012, _caption(result, metric), fontsize=6, va="bottom", color="#333333",
             **TEXT)
    return fig


def plot_district_groups(result: CoverageResult, metric: str = "coverage") -> "Figure":
    """The six groups' district choropleths as small multiples, one legend per figure."""
    fig = _figure((8.0, 6.4))
    no_data = False
    for i, g in enumerate(GROUPS):
        t, _ = district_map_table(result, g.id, metric)
        no_data |= bool((t["hatch"] != "").any())
        r, c = divmod(i, 3)
        ax = fig.add_axes((0.005 + c * 0.332, 0.5 - r * 0.40, 0.325, 0.36))
        ax.set_gid(f"panel-{g.id}")
        _draw(ax, result, t, lw=0.35, label_top=0)
        ax.set_title("\n".join(textwrap.wrap(f"{g.id}. {g.name}", 34)), fontsize=7.5,
                     fontweight="bold", loc="left", **TEXT)
    fig.text(0.01, 0.99, f"Six service groups by district: {METRICS[metric].title}",
             fontsize=12, fontweight="bold", va="top", **TEXT)
    _group_legend(fig, metric, no_data)
    caption = "\n".join(line for part in _caption(result, metric).splitlines()
                        for line in textwrap.wrap(part, 80))
    fig.text(0.47, 0.01, caption, fontsize=5.5, va="bottom", color="#333333", **TEXT)
    return fig


def save_district_maps(result: CoverageResult, out_dir: str | Path,
                       metrics: Sequence[str] = ("coverage", "gap"), dpi: int = DPI) -> list[Path]:
    """Write, for each metric, ``districts_<metric>.png`` (six groups) and one map per group,
    ``districts_group_<id>_<slug>_<metric>.png`` (named as the province maps are); the
    same input gives the same bytes."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for metric in metrics:
        figures = [(f"districts_{metric}.png", lambda: plot_district_groups(result, metric))]
        figures += [(f"districts_group_{g.id}_{g.slug}_{metric}.png",
                     lambda g=g: plot_district_group(result, g.id, metric)) for g in GROUPS]
        for name, draw in figures:
            fig = draw()
            paths.append(out / name)
            fig.savefig(paths[-1], format="png", dpi=dpi, metadata={"Software": "kh-coverage"},
                        facecolor="#FFFFFF")
            fig.clear()
    return paths
