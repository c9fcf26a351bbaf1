"""The provinces as drawn: polygon, value, status, class label and colour."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coverage.places import provinces
from coverage.maps.classes import METRICS, Classes, classify, fmt_number, metric_info
from coverage.maps.colours import MISSING_COLOUR, MISSING_HATCH, SUPPRESSED_COLOUR, SUPPRESSED_HATCH
from coverage.scores import CoverageResult
from coverage.taxonomy import Group, get_group, get_service

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

log = logging.getLogger(__name__)

def polygons(result: CoverageResult, frame: str) -> "gpd.GeoDataFrame":
    """The result's own polygons on its frame (they may be a user layer), else the bundled ones."""
    if frame == result.frame:
        return result.provinces
    from coverage.boundaries import load_provinces

    return load_provinces(frame)


def short_names(frame: str) -> dict[str, str]:
    """Province code -> the short label drawn on maps."""
    table = provinces(frame)
    return dict(zip(table["code"].astype(str), table["short"].astype(str)))


def values(result: CoverageResult, group: Group, metric: str,
           service: int | str | None) -> pd.DataFrame:
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


def subtitle(result: CoverageResult, metric: str) -> str:
    """The plain-language line under a map's title."""
    need = result.params.need
    need = "2008 population" if need == "population" else need
    return METRICS[metric].subtitle.format(w=fmt_number(result.params.nationwide_weight), need=need)


def map_table(result: CoverageResult, group: int | str, metric: str = "coverage",
              frame: str | None = None,
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
    >>> from coverage.scores import analyze
    >>> t = map_table(analyze(), "legal", "providers")
    >>> t[["code", "name", "value", "status", "label"]].head(2)
      code              name  value status label
    0   01  Banteay Meanchey   11.0  value    11
    1   02        Battambang   10.0  value    10
    """
    g = get_group(group)
    metric_info(metric)
    frame = str(frame or result.frame)
    vals = values(result, g, metric, service)
    polys = polygons(result, frame)
    codes = polys["code"].astype(str).to_numpy()
    orphans = sorted(set(vals["province_code"]) - set(codes))
    if orphans:
        log.warning("%s/%s: provinces %s have no polygon in the %s frame and are not drawn",
                    g.slug, metric, ", ".join(orphans), frame)
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    row = pd.Index(vals["province_code"]).get_indexer(codes)  # -1: no value for the polygon
    has = row >= 0
    value = np.where(has, vals["value"].to_numpy()[row], np.nan)
    suppressed = has & vals["suppressed"].to_numpy()[row]
    if classes is None:
        classes = classify(pd.Series(value), metric, g.id, result.params.nationwide_weight)
    idx = classes.index(pd.Series(value))
    shorts = short_names(frame)
    status = np.where(suppressed, "suppressed", np.where(idx < 0, "missing", "value"))
    if classes.bins and classes.bins[0] == 0.0:
        status = np.where((status == "value") & (idx == 0), "zero", status)
    k = result.params.min_count
    label = [classes.labels[i] if i >= 0 else
             (f"suppressed (<{k})" if s == "suppressed" else "no data")
             for i, s in zip(idx, status)]
    colour = [classes.colours[i] if i >= 0 else
              (SUPPRESSED_COLOUR if s == "suppressed" else MISSING_COLOUR)
              for i, s in zip(idx, status)]
    hatch = [SUPPRESSED_HATCH if s == "suppressed" else MISSING_HATCH if s == "missing" else ""
             for s in status]
    import geopandas as gpd

    return gpd.GeoDataFrame({
        "code": codes, "name": polys["name"].to_numpy()[order],
        "short": [shorts.get(c, c) for c in codes], "value": value, "status": status,
        "label": label, "colour": colour, "hatch": hatch,
    }, geometry=polys.geometry.to_numpy()[order], crs=polys.crs)
