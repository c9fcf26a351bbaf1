"""An interactive map for notebooks."""
from __future__ import annotations

from typing import Any

from coverage.maps.colours import EDGE_COLOUR
from coverage.maps.draw import caption, map_title
from coverage.maps.table import map_table
from coverage.scores import CoverageResult
from coverage.taxonomy import Group, get_group

def _missing_services(result: CoverageResult, group: Group) -> dict[str, str]:
    """Province code -> the group's service types nobody offers there."""
    t = result.by_service[result.by_service["group_id"] == group.id]
    none = t[(t["providers_local"].fillna(0) + t["providers_nationwide"].fillna(0)) == 0]
    return {str(c): "; ".join(d["service"].astype(str))
            for c, d in none.sort_values(["province_code", "service_id"]).groupby("province_code")}


def explore(result: CoverageResult, group: int | str, metric: str = "coverage", frame: str | None = None,
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
    sources = caption(result, frame, metric).replace("\n", " · ")
    m.get_root().html.add_child(folium.Element(
        f'<div style="position:fixed;bottom:4px;left:4px;font:11px sans-serif;'
        f'background:#fff;padding:2px 4px">{map_title(g, metric, None)}<br>{sources}</div>'))
    return m
