"""Drawing choropleths: one group with legend, key, inset and caption, or six small
multiples with one shared legend. Figures are plain :class:`matplotlib.figure.Figure`
objects, never ``pyplot``'s.
"""
from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coverage.maps.base import WATER_ANGLE, WATER_LABEL, WATER_NAME, BaseMap, base_map
from coverage.maps.classes import METRICS, Classes, classify, metric_info
from coverage.maps.colours import (EDGE_COLOUR, HATCH_COLOUR, MISSING_COLOUR, MISSING_HATCH,
                                   SUPPRESSED_COLOUR, SUPPRESSED_HATCH, WATER_COLOUR, WATER_EDGE,
                                   WATER_TEXT, gap_ramp, group_ramp, lightness)
from coverage.maps.table import map_table, subtitle, values
from coverage.scores import CoverageResult
from coverage.sources import SOURCES, boundary_source, user_source
from coverage.taxonomy import GROUPS, Group, get_group, get_service

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Where to put the labels of provinces too small to hold one: code -> (lon, lat) of the text.
LEADER_LABELS: dict[str, tuple[float, float]] = {
    "12": (105.45, 11.80),   # Phnom Penh: north-east, over Kampong Cham
    "23": (104.55, 10.12),   # Kep: in the sea to the south-east
    "24": (102.05, 12.60),   # Pailin: west, over Thailand
    "18": (103.25, 10.35),   # Preah Sihanouk: in the sea to the south-west
}

#: Label positions (lon, lat) that move a label off a neighbour's leader line.
LABEL_AT: dict[str, tuple[float, float]] = {
    "03": (105.55, 12.25),   # Kampong Cham: north of the Phnom Penh leader line
}

#: Text that carries user input (file names, need labels) is never read as math ("$").
USER_TEXT = {"usetex": False, "parse_math": False}

#: Extent (lon0, lon1, lat0, lat1) of the inset around the capital on single maps.
CAPITAL_INSET = (104.55, 105.35, 11.25, 11.95)


def caption(result: CoverageResult, frame: str, metric: str) -> str:
    """The sources under a map: services, boundaries, and need on gap maps."""
    p = result.params
    parts = [SOURCES["forum"].caption if p.records == "forum" else f"Services: {p.records}",
             (user_source("Boundaries", p.boundaries) if p.boundaries and frame == p.frame
              else boundary_source(frame)).caption]
    if metric == "gap":
        parts.append(SOURCES[p.need].caption if p.need in ("population", "migrants")
                     else f"Need: {p.need}")
    return "\n".join(parts)


def _legend_handles(classes: Classes, min_count: int) -> list:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor=EDGE_COLOUR, linewidth=0.5, label=lab)
               for c, lab in zip(classes.colours, classes.labels)]
    if min_count > 1 and METRICS[classes.metric].kind == "count":
        handles.append(Patch(facecolor=SUPPRESSED_COLOUR, edgecolor=HATCH_COLOUR,
                             hatch=SUPPRESSED_HATCH, linewidth=0.5,
                             label=f"suppressed (<{min_count})"))
    handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor=HATCH_COLOUR, hatch=MISSING_HATCH,
                         linewidth=0.5, label="no data"))
    handles.append(Patch(facecolor=WATER_COLOUR, edgecolor=WATER_EDGE, linewidth=0.5,
                         label=WATER_NAME))
    return handles


def _draw_polygons(ax: "Axes", t: "gpd.GeoDataFrame", base: BaseMap,
                   linewidth: float = 0.5) -> None:
    """Fill every province in one collection, hatch the missing and suppressed ones, and
    draw the lake on top."""
    from matplotlib.collections import PathCollection
    from matplotlib.patches import PathPatch

    fills = PathCollection(base.paths, facecolors=list(t["colour"]), edgecolors=EDGE_COLOUR,
                           linewidths=linewidth, gid="provinces")
    fills.codes = base.codes  # type: ignore[attr-defined]  # read by tests
    ax.add_collection(fills, autolim=False)  # limits are set once, by _frame_axes
    for hatch in sorted(set(t["hatch"]) - {""}):
        on = (t["hatch"] == hatch).to_numpy()
        marks = PathCollection([p for p, keep in zip(base.paths, on) if keep],
                               facecolors="none", edgecolors=EDGE_COLOUR,
                               linewidths=linewidth, gid=f"hatch-{hatch}")
        marks.set_hatch(hatch)
        marks.codes = tuple(c for c, keep in zip(base.codes, on) if keep)  # type: ignore[attr-defined]
        ax.add_collection(marks, autolim=False)
    if base.water is not None:
        ax.add_artist(PathPatch(base.water, facecolor=WATER_COLOUR, edgecolor=WATER_EDGE,
                                linewidth=linewidth * 0.6, gid="water"))


def _draw_water_label(ax: "Axes", size: float) -> None:
    import matplotlib.patheffects as pe

    # a halo in the lake's own colour: the name runs past the shore onto dark provinces
    ax.text(*WATER_LABEL, "Tonle Sap", fontsize=size, rotation=WATER_ANGLE, style="italic",
            ha="center", va="center", rotation_mode="anchor", color=WATER_TEXT,
            gid="label-water", path_effects=[pe.withStroke(linewidth=1.5, foreground=WATER_COLOUR)])


def _text_colour(face: str) -> str:
    return "#000000" if lightness(face) > 52 else "#FFFFFF"


def _draw_labels(ax: "Axes", t: "gpd.GeoDataFrame", base: BaseMap, size: float) -> None:
    import matplotlib.patheffects as pe

    for row, (px, py) in zip(t.itertuples(), base.points):
        x, y = LABEL_AT.get(row.code, (px, py))
        if row.code in LEADER_LABELS:
            ax.annotate(row.short, (px, py), xytext=LEADER_LABELS[row.code],
                        fontsize=size, ha="center", va="center", color="#000000",
                        arrowprops=dict(arrowstyle="-", color="#000000", lw=0.5, shrinkA=0,
                                        shrinkB=0),
                        bbox=dict(boxstyle="round,pad=0.15", fc="#FFFFFF", ec="none", alpha=0.85),
                        gid=f"label-{row.code}")
            continue
        colour = _text_colour(row.colour)
        halo = "#FFFFFF" if colour == "#000000" else "#000000"
        ax.text(x, y, row.short, fontsize=size, ha="center", va="center", color=colour,
                path_effects=[pe.withStroke(linewidth=1.2, foreground=halo, alpha=0.6)],
                gid=f"label-{row.code}")


def _frame_axes(ax: "Axes", t: "gpd.GeoDataFrame", pad: float = 0.05) -> None:
    x0, y0, x1, y1 = t.total_bounds
    xs = [x0, x1] + [p[0] for p in LEADER_LABELS.values()]
    ys = [y0, y1] + [p[1] for p in LEADER_LABELS.values()]
    ax.set_xlim(min(xs) - pad * 4, max(xs) + pad * 2)
    ax.set_ylim(min(ys) - pad * 2, max(ys) + pad)
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
    ax.set_axis_off()


def _draw_inset(ax: "Axes", t: "gpd.GeoDataFrame", size: float) -> None:
    lon0, lon1, lat0, lat1 = CAPITAL_INSET
    ins = ax.inset_axes([0.70, 0.02, 0.30, 0.30])
    base = base_map(t, clip=(lon0 - 0.1, lat0 - 0.1, lon1 + 0.1, lat1 + 0.1))
    sub = t.set_index("code").loc[list(base.codes)].reset_index()
    _draw_polygons(ins, sub, base, linewidth=0.6)
    for row, (x, y) in zip(sub.itertuples(), base.points):
        if row.code in ("12", "08"):
            ins.text(x, y, row.short, fontsize=size, ha="center", va="center",
                     color=_text_colour(row.colour), gid=f"inset-label-{row.code}")
    ins.set_xlim(lon0, lon1)
    ins.set_ylim(lat0, lat1)
    ins.set_aspect(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    ins.set_xticks([])
    ins.set_yticks([])
    for s in ins.spines.values():
        s.set_edgecolor("#000000")
        s.set_linewidth(0.6)
    ins.set_title("Phnom Penh area", fontsize=size, pad=2, y=1.0)
    ax.indicate_inset([lon0, lat0, lon1 - lon0, lat1 - lat0], ins, edgecolor="#000000",
                      linewidth=0.6, alpha=0.8)


def _key_text(t: "gpd.GeoDataFrame") -> str:
    return "\n".join(f"{s}  {n}" for s, n in zip(t["short"], t["name"]))


def _new_figure(figsize: tuple[float, float]) -> "Figure":
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=100)
    FigureCanvasAgg(fig)
    return fig


def map_title(group: Group, metric: str, service: int | str | None) -> str:
    m = METRICS[metric]
    if metric == "level":
        s = get_service(group.id, service)
        return f"{group.name}: {s.id}. {s.name}"
    return f"{group.name}: {m.title}"


def plot_group(result: CoverageResult, group: int | str, metric: str = "coverage", ax: "Axes | None" = None,
               frame: str | None = None, service: int | str | None = None,
               classes: Classes | None = None, inset: bool | None = None,
               key: bool | None = None) -> "Axes":
    """Draw one group's choropleth of a metric.

    Parameters
    ----------
    result : CoverageResult
        From :func:`coverage.scores.analyze`.
    group : int or str
        Group id (1–6), slug or name.
    metric : str
        A key of :data:`coverage.maps.classes.METRICS` (``"coverage"``, ``"gap"``,
        ``"coverage_local"``, ``"providers"``, ...); ``"level"`` needs ``service``.
    ax : matplotlib Axes, optional
        Where to draw; a new A4-width figure (not managed by ``pyplot``) if omitted.
    frame : {"2010", "2013"}, optional
        Draw on this frame's polygons; provinces with no data there are hatched.
    service : int or str, optional
        Service type number or name, for ``metric="level"``.
    classes : Classes, optional
        Classification to use (e.g. shared between panels).
    inset, key : bool, optional
        Draw the Phnom Penh inset and the province-code key; default: only when ``ax`` is None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> ax = plot_group(analyze(), "medical", metric="providers")
    >>> ax.figure.texts[0].get_text()
    'Medical and psychological support: providers'
    >>> ax.figure.savefig("medical.png", dpi=200)               # doctest: +SKIP
    """
    g = get_group(group)
    frame = str(frame or result.frame)
    t = map_table(result, g.id, metric, frame, service, classes)
    if classes is None:
        classes = classify(t["value"], metric, g.id, result.params.nationwide_weight)
    own = ax is None
    inset = own if inset is None else inset
    key = own if key is None else key
    if own:
        fig = _new_figure((8.0, 6.3))
        ax = fig.add_axes((0.0, 0.115, 0.76, 0.74))
        ax.set_anchor("NW")
    fig = ax.figure
    base = base_map(t)
    _draw_polygons(ax, t, base)
    _draw_labels(ax, t, base, size=6.5)
    _draw_water_label(ax, size=6)
    _frame_axes(ax, t)
    if inset:
        _draw_inset(ax, t, size=6)
    title, sub = map_title(g, metric, service), subtitle(result, metric)
    handles = _legend_handles(classes, result.params.min_count)
    if own:
        fig.text(0.012, 0.985, title, fontsize=12, fontweight="bold", va="top", gid="title")
        fig.text(0.012, 0.945, "\n".join(textwrap.wrap(sub, 115)), fontsize=7.5, va="top",
                 color="#333333", linespacing=1.3, gid="subtitle", **USER_TEXT)
        fig.legend(handles=handles, title="\n".join(textwrap.wrap(classes.title, 24)),
                   loc="upper left", bbox_to_anchor=(0.765, 0.87), fontsize=7.5, title_fontsize=8, frameon=False,
                   alignment="left")
        if key:
            fig.text(0.775, 0.53, "Province key", fontsize=6.5, fontweight="bold", va="top",
                     gid="key-title")
            fig.text(0.775, 0.505, _key_text(t), fontsize=6, va="top", ha="left",
                     linespacing=1.25, gid="key")
        fig.text(0.012, 0.012, caption(result, frame, metric), fontsize=6, va="bottom",
                 ha="left", color="#333333", linespacing=1.3, gid="caption", **USER_TEXT)
    else:
        lines = textwrap.wrap(sub, 70)
        ax.set_title(title, fontsize=9, fontweight="bold", loc="left", pad=4 + 8.5 * len(lines))
        ax.annotate("\n".join(lines), (0, 1), xycoords="axes fraction", xytext=(0, 3),
                    textcoords="offset points", fontsize=6.5, va="bottom", color="#333333",
                    **USER_TEXT)
        ax.legend(handles=handles, title=classes.title, loc="lower left", fontsize=6,
                  title_fontsize=6.5, frameon=False, alignment="left")
    return ax


def plot_groups(result: CoverageResult, metric: str = "coverage", frame: str | None = None,
                service: int | str | None = None) -> "Figure":
    """Draw the six groups as small multiples (2 × 3) with one classification and one legend.

    Parameters
    ----------
    result : CoverageResult
    metric : str
        As in :func:`plot_group` (not ``level``, which is per service type).
    frame : {"2010", "2013"}, optional
        The polygons to draw on; defaults to the result's frame.

    Returns
    -------
    matplotlib.figure.Figure
        Six map axes (group order), then the legend; not managed by ``pyplot``.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> fig = plot_groups(analyze(), "coverage")
    >>> len(fig.axes)                                    # six maps and the legend
    7
    """
    m = metric_info(metric)
    if m.kind == "level":
        raise ValueError("plot_groups maps whole groups; draw metric='level' with plot_group")
    frame = str(frame or result.frame)
    pooled = pd.concat([values(result, g, metric, None)["value"] for g in GROUPS])
    mc = result.params.min_count
    fig = _new_figure((8.0, 7.2))
    tables = []
    for i, g in enumerate(GROUPS):
        shared = classify(pooled, metric, g.id)  # same bins, each group's own ramp
        r, c = divmod(i, 3)
        # whole-pixel steps at DPI (532 and 540 px): a label has the same pixels in every panel
        ax = fig.add_axes((0.005 + c * 0.3325, 0.575 - r * 0.375, 0.325, 0.31))
        ax.set_anchor("S")
        t = map_table(result, g.id, metric, frame, None, shared)
        tables.append(t)
        base = base_map(t)
        _draw_polygons(ax, t, base, linewidth=0.35)
        _draw_labels(ax, t, base, size=4.6)
        _draw_water_label(ax, size=4.2)
        _frame_axes(ax, t)
        ax.set_title("\n".join(textwrap.wrap(f"{g.id}. {g.name}", 34)), fontsize=7.5,
                     fontweight="bold", loc="left", pad=1, color="#000000")
        ax.set_gid(f"panel-{g.id}")
        ax.bins = shared.bins  # type: ignore[attr-defined]  # read by tests and report
    fig.text(0.01, 0.99, f"Six service groups: {m.title}", fontsize=12, fontweight="bold",
             va="top")
    fig.text(0.01, 0.955, "\n".join(textwrap.wrap(subtitle(result, metric), 125)), fontsize=7.5,
             va="top", color="#333333", **USER_TEXT)
    _shared_legend(fig, classify(pooled, metric, None), mc, metric)
    fig.text(0.47, 0.19, "Province key", fontsize=6.5, fontweight="bold", va="top",
             gid="key-title")
    key = [f"{s} {n}" for s, n in zip(tables[0]["short"], tables[0]["name"])]
    rows = math.ceil(len(key) / 4)
    for j in range(4):
        fig.text(0.47 + j * 0.13, 0.17, "\n".join(key[j * rows:(j + 1) * rows]), fontsize=5.3,
                 va="top", linespacing=1.2, gid="key")
    fig.text(0.01, 0.006, caption(result, frame, metric), fontsize=5.5, va="bottom",
             color="#333333", **USER_TEXT)
    return fig


def _shared_legend(fig: "Figure", classes: Classes, min_count: int, metric: str) -> None:
    """One legend for the six maps: class labels across the top, then one row of swatches
    per group (one row for gap maps, which share a ramp), and the no-data swatches."""
    from matplotlib.patches import Rectangle

    gap = METRICS[metric].kind == "gap"
    rows = [("all groups", gap_ramp(len(classes.bins)))] if gap else \
        [(f"group {g.id}", group_ramp(g, len(classes.bins))) for g in GROUPS]
    extra = []
    if min_count > 1 and METRICS[metric].kind == "count":
        extra.append((SUPPRESSED_COLOUR, SUPPRESSED_HATCH, f"suppressed (<{min_count})"))
    extra.append((MISSING_COLOUR, MISSING_HATCH, "no data"))
    n = len(classes.labels) + len(extra)
    ax = fig.add_axes((0.01, 0.05, 0.44, 0.135))
    ax.set_gid("legend")
    ax.set_axis_off()
    label_w = 1.1 if gap else 0.75
    ax.set_xlim(-label_w, n)
    ax.set_ylim(-len(rows) - 0.2, 1.6)
    ax.text(-label_w, 1.55, classes.title, fontsize=6.5, fontweight="bold", va="top")
    for i, label in enumerate([*classes.labels, *(e[2] for e in extra)]):
        ax.text(i + 0.45, 0.15, label, fontsize=5.6, ha="center", va="bottom",
                gid="legend-entry")
    for r, (name, ramp) in enumerate(rows):
        y = -r - 1
        ax.text(-0.08, y + 0.42, name, fontsize=5.8, ha="right", va="center",
                fontweight="bold")
        for i, colour in enumerate(ramp[:len(classes.labels)]):
            # add_artist, not add_patch: the limits are set above, and updating data
            # limits per swatch cost more than drawing them
            ax.add_artist(Rectangle((i + 0.05, y), 0.8, 0.84, facecolor=colour,
                                    edgecolor=EDGE_COLOUR, linewidth=0.3))
    for k, (face, hatch, _) in enumerate(extra, start=len(classes.labels)):
        ax.add_artist(Rectangle((k + 0.05, -len(rows)), 0.8, len(rows) - 0.16, facecolor=face,
                                hatch=hatch, edgecolor=HATCH_COLOUR, linewidth=0.4))
