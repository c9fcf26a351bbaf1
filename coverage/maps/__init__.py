"""Choropleths of service coverage: one map per group, or all six side by side.

Each group's colour ramp is built on the colour of its pin on the forum's paper
map (light blue, yellow, dark blue, green, red, black), running from light
(little or nothing) to dark (much). Gap maps use one ramp for every group,
darker meaning worse. Scores in [0, 1] use fixed breaks that mean the same on
every map; counts use breaks that keep 0 in a class of its own. Provinces with
no data are hatched; suppressed counts have their own class.

Nothing here needs the network, and nothing touches ``pyplot``.

Modules: ``colours``, ``classes`` (metrics and classification), ``table`` (the provinces
as drawn), ``draw`` (a group's map), ``multiples`` (the six
groups side by side), ``raster`` (figures to pixels), ``files`` (saving),
``interactive`` (notebook map).

Examples
--------
>>> from coverage.scores import analyze
>>> from coverage.maps import plot_group
>>> ax = plot_group(analyze(), "shelter", metric="coverage")
>>> ax.figure.get_size_inches().tolist()
[8.0, 6.3]
"""
from coverage.maps.classes import GAP_BINS, METRICS, SCORE_BINS, Classes, classify
from coverage.maps.colours import gap_ramp, group_ramp, lightness
from coverage.maps.draw import plot_group
from coverage.maps.files import save_maps
from coverage.maps.interactive import explore
from coverage.maps.multiples import plot_groups
from coverage.maps.table import map_table

__all__ = ["METRICS", "SCORE_BINS", "GAP_BINS", "Classes", "classify", "group_ramp", "gap_ramp",
           "lightness", "map_table", "plot_group", "plot_groups", "save_maps", "explore"]
