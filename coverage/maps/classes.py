"""What a mapped column means (:data:`METRICS`) and how its values are classed.

Examples
--------
>>> classify([0, 0.3], "coverage").labels[:2]
('0 (none)', '> 0 – <25%')
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from coverage.maps.colours import gap_ramp, group_ramp
from coverage.taxonomy import GROUPS, get_group

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
               "province, so where coverage is equal the map follows the need; 1 = the "
               "neediest province with nothing (darker = worse)",
               "gap (0 none – 1 worst)", "gap"),
        Metric("providers", "providers",
               "Institutions offering at least one of the group's services in the province, "
               "local and nationwide",
               "institutions", "count"),
        Metric("providers_local", "local providers",
               "Institutions working in the province itself (nationwide programmes not counted)",
               "institutions", "count"),
        Metric("coverage_local", "local presence",
               "Share of the group's service types with an institution working in the "
               "province itself; nationwide claims count as nothing",
               "local presence (share of service types)", "score"),
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
        """Class number of each value (-1 for missing).

        Scores and gaps: 0 alone, then classes closed on the left ("25 – <50%" holds
        0.25 but not 0.5), the last one closed on both sides. Counts and levels: the
        first class whose upper bound is at least the value, as
        ``mapclassify.UserDefined(values, bins).yb`` gives. The bins are fixed, so this
        is one ``numpy.searchsorted`` (importing mapclassify would cost about a second).

        Examples
        --------
        >>> classify([0], "coverage").index([0, 0.1, 0.25, 0.5, 0.99, 1.0]).tolist()
        [0, 1, 2, 3, 4, 4]
        """
        v = np.asarray(list(values), dtype=float)
        out = np.full(len(v), -1)
        ok = ~np.isnan(v)
        if ok.any():
            bins = np.asarray(self.bins if len(self.bins) > 1 else (0.0, 1.0))
            left_closed = METRICS[self.metric].kind in ("score", "gap")
            pos = np.searchsorted(bins, v[ok], side="right" if left_closed else "left")
            if left_closed:
                pos = np.where(v[ok] == 0, 0, pos)
            out[ok] = np.minimum(pos, len(bins) - 1)
        return out


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def fmt_number(x: float) -> str:
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


def _range(lo: float, hi: float, pct: bool, last: bool) -> str:
    """A class label that does not overlap its neighbours: "25 – <50%", "75 – 100%"."""
    num = (lambda x: f"{x * 100:.0f}") if pct else (lambda x: f"{x:g}")
    unit = "%" if pct else ""
    top = f"{num(hi)}{unit}" if last else f"<{num(hi)}{unit}"
    return f"> 0 – {top}" if lo == 0 else f"{num(lo)} – {top}"


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
    ((0.0, 0.25, 0.5, 0.75, 1.0), ('0 (none)', '> 0 – <25%'))
    >>> classify([0.3], "gap").labels
    ('0 (no gap)', '> 0 – <0.1', '0.1 – <0.2', '0.2 – <0.4', '0.4 – 1')
    >>> classify([0, 1, 2, 2, 7], "providers").labels
    ('0 (no provider)', '1 – 2', '3 – 7')
    """
    m = metric_info(metric)
    colour_of = get_group(group) if group is not None else GROUPS[-1]
    v = np.array([np.nan if _isna(x) else float(x) for x in values], dtype=float)
    v = v[~np.isnan(v)]
    if m.kind == "score":
        bins = _fixed_bins(v, SCORE_BINS, metric)
        labels = ["0 (none)"] + [_range(lo, hi, True, hi == bins[-1])
                                 for lo, hi in zip(bins[:-1], bins[1:])]
    elif m.kind == "gap":
        bins = _fixed_bins(v, GAP_BINS, metric)
        labels = ["0 (no gap)"] + [_range(lo, hi, False, hi == bins[-1])
                                   for lo, hi in zip(bins[:-1], bins[1:])]
    elif m.kind == "level":
        w = float(nationwide_weight)
        bins = tuple(sorted({0.0, w, 1.0}))
        names = {0.0: "0: nobody", 1.0: "1: local institution"}
        labels = [names.get(b, f"{fmt_number(b)}: nationwide only") for b in bins]
    else:
        if (v < 0).any() or (v != np.round(v)).any():
            raise ValueError(f"{metric}: counts must be whole numbers ≥ 0")
        bins = _count_bins(v)
        # the first class starts at the smallest count shown, not 1: with min_count k no
        # published count, legend included, lies between 1 and k - 1
        lows = [float(v[v > 0].min())] + [b + 1 for b in bins[1:-1]] if len(bins) > 1 else []
        labels = ["0 (no provider)"] + [fmt_number(hi) if lo == hi else f"{fmt_number(lo)} – {fmt_number(hi)}"
                                        for lo, hi in zip(lows, bins[1:])]
    ramp = gap_ramp(len(bins)) if m.kind == "gap" else group_ramp(colour_of, max(len(bins), 2))
    return Classes(metric, tuple(float(b) for b in bins), tuple(labels),
                   tuple(ramp[:len(bins)]), m.unit)


def metric_info(metric: str) -> Metric:
    try:
        return METRICS[metric]
    except KeyError:
        raise ValueError(f"unknown metric {metric!r}; expected one of: {', '.join(METRICS)}") from None

