"""Drawing one group's choropleth with legend, key, inset and caption, and the parts every
map shares (polygons, labels, the lake). Figures are plain
:class:`matplotlib.figure.Figure` objects, never ``pyplot``'s.
"""
from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

from coverage.maps.base import WATER_ANGLE, WATER_LABEL, WATER_NAME, BaseMap, base_map
from coverage.maps.classes import METRICS, Classes, classify
from coverage.maps.colours import (EDGE_COLOUR, HATCH_COLOUR, MISSING_COLOUR, MISSING_HATCH,
                                   SUPPRESSED_COLOUR, SUPPRESSED_HATCH, WATER_COLOUR, WATER_EDGE,
                                   WATER_TEXT, lightness)
from coverage.maps.table import map_table, subtitle
from coverage.scores import CoverageResult
from coverage.sources import SOURCES, boundary_source, user_source
from coverage.taxonomy import Group, get_group, get_service

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


def _inset_axes(ax: "Axes", size: float) -> "Axes":
    """The frame of the Phnom Penh inset (its limits, border and title), empty."""
    lon0, lon1, lat0, lat1 = CAPITAL_INSET
    ins = ax.inset_axes([0.70, 0.02, 0.30, 0.30])
    ins.set_xlim(lon0, lon1)
    ins.set_ylim(lat0, lat1)
    ins.set_aspect(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    ins.set_xticks([])
    ins.set_yticks([])
    for s in ins.spines.values():
        s.set_edgecolor("#000000")
        s.set_linewidth(0.6)
    ins.set_title("Phnom Penh area", fontsize=size, pad=2, y=1.0)
    return ins


def _draw_inset(ax: "Axes", ins: "Axes", t: "gpd.GeoDataFrame", size: float) -> None:
    """The provinces around the capital in the inset, and the box that marks them."""
    lon0, lon1, lat0, lat1 = CAPITAL_INSET
    base = base_map(t, clip=(lon0 - 0.1, lat0 - 0.1, lon1 + 0.1, lat1 + 0.1))
    sub = t.set_index("code").loc[list(base.codes)].reset_index()
    _draw_polygons(ins, sub, base, linewidth=0.6)
    for row, (x, y) in zip(sub.itertuples(), base.points):
        if row.code in ("12", "08"):
            ins.text(x, y, row.short, fontsize=size, ha="center", va="center",
                     color=_text_colour(row.colour), gid=f"inset-label-{row.code}")
    ax.indicate_inset([lon0, lat0, lon1 - lon0, lat1 - lat0], ins, edgecolor="#000000",
                      linewidth=0.6, alpha=0.8)


def draw_map(ax: "Axes", t: "gpd.GeoDataFrame", label_size: float, water_size: float,
             linewidth: float = 0.5) -> None:
    """Provinces, their labels and the lake on ``ax``, framed to the country."""
    base = base_map(t)
    _draw_polygons(ax, t, base, linewidth)
    _draw_labels(ax, t, base, size=label_size)
    _draw_water_label(ax, size=water_size)
    _frame_axes(ax, t)


def clear(fig: "Figure", axes: "list[Axes]") -> None:
    """Remove what the last map drew on ``axes`` and the figure's own texts and legends,
    keeping the axes, their layout and titles."""
    for ax in axes:
        for a in [*ax.collections, *ax.patches, *ax.texts, *ax.artists, *ax.lines]:
            a.remove()
    for a in [*fig.texts, *fig.legends]:
        a.remove()


def _key_text(t: "gpd.GeoDataFrame") -> str:
    return "\n".join(f"{s}  {n}" for s, n in zip(t["short"], t["name"]))


def new_figure(figsize: tuple[float, float]) -> "Figure":
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


class GroupCanvas:
    """The figure of one group's map, laid out once and drawn again for each map.

    An A4-width figure (not managed by ``pyplot``): the map, the Phnom Penh inset, the
    legend, the province key and the caption. The figure, its axes and the inset's frame
    are built once; :meth:`draw` replaces what differs between maps (fills, labels,
    legend, texts), so a run of maps builds its base map once.

    Parameters
    ----------
    inset, key : bool
        Draw the Phnom Penh inset and the province-code key.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> canvas, result = GroupCanvas(), analyze()
    >>> ax = canvas.draw(result, "shelter", "gap")
    >>> canvas.draw(result, "legal", "coverage") is ax
    True
    >>> ax.figure.texts[0].get_text()
    'Legal aid: coverage'
    """

    def __init__(self, inset: bool = True, key: bool = True) -> None:
        self.fig = new_figure((8.0, 6.3))
        self.ax = self.fig.add_axes((0.0, 0.115, 0.76, 0.74))
        self.ax.set_anchor("NW")
        self.inset = _inset_axes(self.ax, 6) if inset else None
        self.key = key

    def draw(self, result: CoverageResult, group: int | str, metric: str = "coverage",
             frame: str | None = None, service: int | str | None = None,
             classes: Classes | None = None) -> "Axes":
        """Draw one group's map of a metric on this figure (see :func:`plot_group`)."""
        g = get_group(group)
        frame = str(frame or result.frame)
        t, classes = _table(result, g, metric, frame, service, classes)
        fig, ax = self.fig, self.ax
        clear(fig, [ax] + ([self.inset] if self.inset is not None else []))
        draw_map(ax, t, label_size=6.5, water_size=6)
        if self.inset is not None:
            _draw_inset(ax, self.inset, t, size=6)
        sub = subtitle(result, metric)
        fig.text(0.012, 0.985, map_title(g, metric, service), fontsize=12, fontweight="bold",
                 va="top", gid="title")
        fig.text(0.012, 0.945, "\n".join(textwrap.wrap(sub, 115)), fontsize=7.5, va="top",
                 color="#333333", linespacing=1.3, gid="subtitle", **USER_TEXT)
        fig.legend(handles=_legend_handles(classes, result.params.min_count),
                   title="\n".join(textwrap.wrap(classes.title, 24)), loc="upper left",
                   bbox_to_anchor=(0.765, 0.87), fontsize=7.5, title_fontsize=8,
                   frameon=False, alignment="left")
        if self.key:
            fig.text(0.775, 0.53, "Province key", fontsize=6.5, fontweight="bold", va="top",
                     gid="key-title")
            fig.text(0.775, 0.505, _key_text(t), fontsize=6, va="top", ha="left",
                     linespacing=1.25, gid="key")
        fig.text(0.012, 0.012, caption(result, frame, metric), fontsize=6, va="bottom",
                 ha="left", color="#333333", linespacing=1.3, gid="caption", **USER_TEXT)
        return ax


def _table(result: CoverageResult, g: Group, metric: str, frame: str,
           service: int | str | None, classes: Classes | None):
    t = map_table(result, g.id, metric, frame, service, classes)
    if classes is None:
        classes = classify(t["value"], metric, g.id, result.params.nationwide_weight)
    return t, classes


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
    if ax is None:
        canvas = GroupCanvas(inset=True if inset is None else inset,
                             key=True if key is None else key)
        return canvas.draw(result, group, metric, frame, service, classes)
    g = get_group(group)
    frame = str(frame or result.frame)
    t, classes = _table(result, g, metric, frame, service, classes)
    draw_map(ax, t, label_size=6.5, water_size=6)
    if inset:
        _draw_inset(ax, _inset_axes(ax, 6), t, size=6)
    lines = textwrap.wrap(subtitle(result, metric), 70)
    ax.set_title(map_title(g, metric, service), fontsize=9, fontweight="bold", loc="left",
                 pad=4 + 8.5 * len(lines))
    ax.annotate("\n".join(lines), (0, 1), xycoords="axes fraction", xytext=(0, 3),
                textcoords="offset points", fontsize=6.5, va="bottom", color="#333333",
                **USER_TEXT)
    ax.legend(handles=_legend_handles(classes, result.params.min_count), title=classes.title,
              loc="lower left", fontsize=6, title_fontsize=6.5, frameon=False,
              alignment="left")
    return ax
