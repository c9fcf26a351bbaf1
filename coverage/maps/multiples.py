"""The six groups as small multiples (2 × 3) with one classification and one legend."""
from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

import pandas as pd

from coverage.maps.classes import METRICS, Classes, classify, metric_info
from coverage.maps.colours import (EDGE_COLOUR, HATCH_COLOUR, MISSING_COLOUR, MISSING_HATCH,
                                   SUPPRESSED_COLOUR, SUPPRESSED_HATCH, gap_ramp, group_ramp)
from coverage.maps.draw import USER_TEXT, new_figure, caption, clear, draw_map
from coverage.maps.table import map_table, subtitle, values
from coverage.scores import CoverageResult
from coverage.taxonomy import GROUPS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


class GroupsCanvas:
    """The small-multiples figure, laid out once and drawn again for each metric.

    The figure, the six map axes with their group titles, and the legend's axes are built
    once; :meth:`draw` replaces what differs between maps.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> canvas, result = GroupsCanvas(), analyze()
    >>> canvas.draw(result, "coverage") is canvas.draw(result, "gap")
    True
    >>> canvas.fig.texts[0].get_text()
    'Six service groups: gap'
    """

    def __init__(self) -> None:
        self.fig = new_figure((8.0, 7.2))
        self.panels: list[Axes] = []
        for i, g in enumerate(GROUPS):
            r, c = divmod(i, 3)
            # whole-pixel steps at DPI (532 and 540 px): a label has the same pixels in
            # every panel
            ax = self.fig.add_axes((0.005 + c * 0.3325, 0.575 - r * 0.375, 0.325, 0.31))
            ax.set_anchor("S")
            ax.set_title("\n".join(textwrap.wrap(f"{g.id}. {g.name}", 34)), fontsize=7.5,
                         fontweight="bold", loc="left", pad=1, color="#000000")
            ax.set_gid(f"panel-{g.id}")
            self.panels.append(ax)
        self.legend = self.fig.add_axes((0.01, 0.05, 0.44, 0.135))
        self.legend.set_gid("legend")
        self.legend.set_axis_off()

    def draw(self, result: CoverageResult, metric: str = "coverage",
             frame: str | None = None) -> "Figure":
        """Draw the six groups' maps of ``metric`` on this figure (see :func:`plot_groups`)."""
        m = metric_info(metric)
        if m.kind == "level":
            raise ValueError("plot_groups maps whole groups; draw metric='level' with plot_group")
        frame = str(frame or result.frame)
        pooled = pd.concat([values(result, g, metric, None)["value"] for g in GROUPS])
        fig = self.fig
        clear(fig, [*self.panels, self.legend])
        tables = []
        for g, ax in zip(GROUPS, self.panels):
            shared = classify(pooled, metric, g.id)  # same bins, each group's own ramp
            t = map_table(result, g.id, metric, frame, None, shared)
            tables.append(t)
            draw_map(ax, t, label_size=4.6, water_size=4.2, linewidth=0.35)
            ax.bins = shared.bins  # type: ignore[attr-defined]  # read by tests and report
        fig.text(0.01, 0.99, f"Six service groups: {m.title}", fontsize=12, fontweight="bold",
                 va="top")
        fig.text(0.01, 0.955, "\n".join(textwrap.wrap(subtitle(result, metric), 125)),
                 fontsize=7.5, va="top", color="#333333", **USER_TEXT)
        _shared_legend(self.legend, classify(pooled, metric, None), result.params.min_count,
                       metric)
        fig.text(0.47, 0.19, "Province key", fontsize=6.5, fontweight="bold", va="top",
                 gid="key-title")
        key = [f"{s} {n}" for s, n in zip(tables[0]["short"], tables[0]["name"])]
        rows = math.ceil(len(key) / 4)
        for j in range(4):
            fig.text(0.47 + j * 0.13, 0.17, "\n".join(key[j * rows:(j + 1) * rows]),
                     fontsize=5.3, va="top", linespacing=1.2, gid="key")
        fig.text(0.01, 0.006, caption(result, frame, metric), fontsize=5.5, va="bottom",
                 color="#333333", **USER_TEXT)
        return fig


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
    return GroupsCanvas().draw(result, metric, frame)


def _shared_legend(ax: "Axes", classes: Classes, min_count: int, metric: str) -> None:
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
