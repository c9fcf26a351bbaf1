"""An interactive map that works offline: inline SVG drawn from the province polygons,
a legend, a tooltip per province and (for several groups) a group selector.

Nothing is fetched: the polygons are simplified and written into the page, and a
few lines of inline JavaScript show the tooltip and switch groups. Without
JavaScript the first group's map and legend still show.

Examples
--------
>>> from coverage.scores import analyze
>>> m = explore(analyze(), "shelter")
>>> html = m._repr_html_()
>>> "<svg" in html, "http" in html, html.count('class="khc-province"')
(True, False, 24)
"""
from __future__ import annotations

import hashlib
import html
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from coverage.boundaries import load_water
from coverage.maps.base import WATER_ANGLE, WATER_LABEL, WATER_NAME
from coverage.maps.classes import classify
from coverage.maps.colours import (EDGE_COLOUR, HATCH_COLOUR, MISSING_COLOUR, SUPPRESSED_COLOUR,
                                   WATER_COLOUR, WATER_EDGE, WATER_TEXT)
from coverage.maps.draw import caption
from coverage.maps.table import map_table, polygons, subtitle
from coverage.scores import CoverageResult
from coverage.scores.method import reasons
from coverage.taxonomy import GROUPS, get_group

__all__ = ["InteractiveMap", "explore", "interactive_map"]

#: Simplification tolerance in degrees (about 500 m): invisible at screen size.
TOLERANCE = 0.005
#: Width of the SVG's coordinate system.
WIDTH = 600.0
#: Marks a file written by :meth:`InteractiveMap.save` (it may be written again).
SAVED_MARK = "<!-- kh-coverage interactive map -->"

STYLE = """
.khc-map{position:relative;max-width:720px;margin:.5rem auto;font:13px/1.35 system-ui,sans-serif;color:#1b1b1b}
.khc-map svg{width:100%;height:auto;display:block}
.khc-province{stroke:EDGE;stroke-width:.6;cursor:pointer}
.khc-province:hover,.khc-province:focus{stroke:#000;stroke-width:1.8;outline:none}
.khc-legend{display:flex;flex-wrap:wrap;gap:.2rem .9rem;margin:.3rem 0;font-size:12px}
.khc-legend span{display:inline-flex;align-items:center;gap:.3rem}
.khc-legend i{display:inline-block;width:1.1em;height:1.1em;border:1px solid EDGE}
.khc-tip{position:absolute;pointer-events:none;background:#fff;border:1px solid #333;
padding:.3rem .45rem;white-space:pre-line;max-width:320px;box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:12px}
.khc-note{font-size:11px;color:#444}
""".replace("EDGE", EDGE_COLOUR)

SCRIPT = """(function(){var r=document.getElementById("ID"),t=r.querySelector(".khc-tip"),
s=r.querySelector("select");function show(g){r.querySelectorAll("[data-group]").forEach(
function(e){e.style.display=e.getAttribute("data-group")===g?"":"none";});}
if(s){s.addEventListener("change",function(){show(s.value);});}
function tip(e){var p=e.target.closest?e.target.closest("[data-tip]"):null;
if(!p){t.hidden=true;return;}t.textContent=p.getAttribute("data-tip");t.hidden=false;
var b=r.getBoundingClientRect(),q=p.getBoundingClientRect(),x=(e.clientX||q.left+q.width/2)-b.left,
y=(e.clientY||q.top+q.height/2)-b.top;t.style.left=Math.min(x+12,b.width-t.offsetWidth)+"px";
t.style.top=(y+14)+"px";}r.addEventListener("mouseover",tip);r.addEventListener("mousemove",tip);
r.addEventListener("focusin",tip);r.addEventListener("mouseleave",function(){t.hidden=true;});})();"""


@dataclass(frozen=True)
class InteractiveMap:
    """An offline interactive map: shows itself in Jupyter and saves as one HTML file.

    Attributes
    ----------
    html : str
        The map as an HTML fragment (style, SVG, legend, tooltip and script inline).
    title : str
        The page title used by :meth:`save`.

    Examples
    --------
    >>> m = InteractiveMap("<p>map</p>", "A map")
    >>> m._repr_html_()
    '<p>map</p>'
    """

    html: str
    title: str

    def _repr_html_(self) -> str:
        return self.html

    def save(self, path: str | Path) -> Path:
        """Write the map as a self-contained HTML page.

        An existing file is replaced only if this method wrote it.

        Raises
        ------
        FileExistsError
            If ``path`` exists and is not a map saved earlier.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "map.html"
        >>> InteractiveMap("<p>map</p>", "A map").save(p).read_text().count("<p>map</p>")
        1
        """
        path = Path(path)
        if path.exists() and SAVED_MARK not in path.read_text(encoding="utf-8", errors="replace"):
            raise FileExistsError(f"{path} exists and was not written by kh-coverage; "
                                  "choose another name")
        path.write_text(f"<!DOCTYPE html>\n{SAVED_MARK}\n<html lang=\"en\"><head>"
                        "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-"
                        f"width, initial-scale=1\"><title>{html.escape(self.title)}</title>"
                        f"</head><body>\n{self.html}\n</body></html>\n", encoding="utf-8")
        return path


def explore(result: CoverageResult, group: int | str, metric: str = "coverage",
            frame: str | None = None) -> InteractiveMap:
    """An interactive map of one group that works offline (in Jupyter, or saved).

    Each province's tooltip gives its name, coverage and gap (rounded, with the gap
    rank), local and nationwide providers, the service types nobody offers there and
    those only claimed nationwide.

    Parameters
    ----------
    result : CoverageResult
    group : int or str
        Group id, slug or name.
    metric : str
        The mapped column (``coverage``, ``gap``, ``providers`` or ``providers_local``).
    frame : {"2010", "2013"}, optional
        The polygons to draw on; default the result's frame.

    Returns
    -------
    InteractiveMap

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> m = explore(analyze(), "legal", metric="gap")
    >>> "Legal" in m.title
    True
    """
    g = get_group(group)
    fragment = interactive_map(result, [g.id], metric, frame)
    return InteractiveMap(fragment, f"{g.name}: {metric}")


def interactive_map(result: CoverageResult, groups: Sequence[int] | None = None,
                    metric: str = "coverage", frame: str | None = None) -> str:
    """The HTML fragment of an interactive map; a group selector when several groups.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> text = interactive_map(analyze())
    >>> text.count("<option"), text.count("<script>")
    (6, 1)
    """
    groups = [get_group(g).id for g in (groups or [g.id for g in GROUPS])]
    frame = str(frame or result.frame)
    shapes = _shape_paths(polygons(result, frame))
    view = shapes.viewbox
    uid = "khc-" + hashlib.sha256(
        f"{frame}|{metric}|{groups}|{result.params}".encode()).hexdigest()[:10]
    hatch = f"{uid}-hatch"
    defs = (f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{MISSING_COLOUR}"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH_COLOUR}" stroke-width="1.5"/>'
            "</pattern></defs>")
    no_data = set(result.groups_without_data())
    first = next((g for g in groups if g not in no_data), groups[0])
    layers, legends = [], []
    for gid in groups:
        hidden = "" if gid == first else ' style="display:none"'
        t = map_table(result, gid, metric, frame)
        tips = _tips(result, gid, t["code"])
        paths = "".join(
            f'<path class="khc-province" tabindex="0" d="{shapes.provinces[code]}" '
            f'fill="{f"url(#{hatch})" if status == "missing" else colour}" '
            f'aria-label="{_attr(name)}" data-tip="{_attr(tips[code])}"/>'
            for code, name, status, colour in zip(t["code"], t["name"], t["status"],
                                                   t["colour"]) if code in shapes.provinces)
        layers.append(f'<g data-group="{gid}"{hidden}>{paths}</g>')
        legends.append(f'<div class="khc-legend" data-group="{gid}"{hidden}>'
                       + _legend(result, gid, metric, t, hatch) + "</div>")
    select = ""
    if len(groups) > 1:
        options = "".join(f'<option value="{gid}"{" selected" if gid == first else ""}>'
                          f'{gid}. {html.escape(get_group(gid).name)}'
                          f'{" (no data)" if gid in no_data else ""}</option>'
                          for gid in groups)
        select = (f'<label>Service group: <select aria-label="Service group">{options}'
                  "</select></label>")
    note = html.escape(subtitle(result, metric) + ". " + caption(result, frame, metric)
                       .replace("\n", " · "))
    return (f'<div class="khc-map" id="{uid}"><style>{STYLE}</style>{select}'
            f'<svg viewBox="{view}" role="img" aria-label="Map of {html.escape(metric)} by '
            f'province">{defs}{"".join(layers)}{shapes.water}</svg>{"".join(legends)}'
            f'<p class="khc-note">Hover over or tab to a province for its figures. {note}</p>'
            f'<div class="khc-tip" hidden></div><script>{SCRIPT.replace("ID", uid)}</script>'
            "</div>")


@dataclass(frozen=True)
class _Paths:
    """The provinces as SVG path data (by code), the view box and the Tonle Sap (path data
    and its name, drawn over the provinces)."""

    provinces: dict[str, str]
    viewbox: str
    water: str


def _shape_paths(shapes) -> _Paths:
    """Simplified polygons as SVG path data, lon/lat projected with cos(mid-latitude)."""
    x0, y0, x1, y1 = shapes.total_bounds
    k = math.cos(math.radians((y0 + y1) / 2))
    scale = WIDTH / ((x1 - x0) * k)

    def d(geom) -> str:
        geom = geom.simplify(TOLERANCE, preserve_topology=True)
        rings = []
        for poly in getattr(geom, "geoms", [geom]):
            for ring in (poly.exterior, *poly.interiors):
                pts = [f"{(x - x0) * k * scale:.1f},{(y1 - y) * scale:.1f}"
                       for x, y in ring.coords[:-1]]
                rings.append("M" + "L".join(pts) + "Z")
        return "".join(rings)

    provinces = {code: d(geom) for code, geom in zip(shapes["code"].astype(str), shapes.geometry)}
    lx, ly = (WATER_LABEL[0] - x0) * k * scale, (y1 - WATER_LABEL[1]) * scale
    water = ("".join(f'<path class="khc-water" d="{d(g)}" fill="{WATER_COLOUR}" '
                         f'stroke="{WATER_EDGE}" stroke-width="0.6" pointer-events="none"/>'
                         for g in load_water().geometry)
                 + f'<text x="{lx:.1f}" y="{ly:.1f}" transform="rotate({-WATER_ANGLE:g} '
                 f'{lx:.1f} {ly:.1f})" text-anchor="middle" dominant-baseline="middle" '
                 f'font-size="11" font-style="italic" fill="{WATER_TEXT}" '
                 'pointer-events="none">Tonle Sap</text>')
    return _Paths(provinces, f"-2 -2 {WIDTH + 4:.0f} {(y1 - y0) * scale + 4:.0f}", water)


def _attr(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "&#10;")


def _num(value, pct: bool = False) -> str:
    if value is None or pd.isna(value):
        return "no data"
    return f"{float(value):.0%}" if pct else f"{float(value):.2f}"


def _count(value, min_count: int) -> str:
    return f"<{min_count}" if value is None or pd.isna(value) else str(int(value))


def _tips(result: CoverageResult, gid: int, codes) -> dict[str, str]:
    """Province code -> tooltip text for one group."""
    bp = result.by_province[result.by_province["group_id"] == gid].set_index("province_code")
    why = reasons(result.by_service[result.by_service["group_id"] == gid]).set_index(
        "province_code")
    k = result.params.min_count
    out = {}
    for code in codes:
        if code not in bp.index:
            out[code] = "no data for this province"
            continue
        r = bp.loc[code]
        if pd.isna(r["coverage"]):
            out[code] = f"{r['province']}\nno data: no record offers this group anywhere"
            continue
        gap = "no gap" if r["gap"] == 0 else f"gap {_num(r['gap'])}"
        rank = "" if pd.isna(r["gap_rank"]) else f" (rank {int(r['gap_rank'])})"
        bounds = ""
        if r.get("coverage_local") is not None and pd.notna(r.get("coverage_local")) and \
                r["coverage_local"] != r["coverage_claimed"]:
            bounds = (f" (local {_num(r['coverage_local'], pct=True)} – claimed "
                      f"{_num(r['coverage_claimed'], pct=True)})")
        lines = [str(r["province"]),
                 f"coverage {_num(r['coverage'], pct=True)}{bounds} · {gap}{rank}",
                 f"local providers {_count(r['providers_local'], k)} · nationwide providers "
                 f"{_count(r['providers_nationwide'], k)}"]
        if code in why.index:
            miss, nat = why.at[code, "missing_services"], why.at[code, "nationwide_only_services"]
            lines.append(f"missing: {miss or 'none'}")
            if nat:
                lines.append(f"only claimed nationwide: {nat}")
        out[code] = "\n".join(lines)
    return out


def _legend(result: CoverageResult, gid: int, metric: str, t, hatch: str) -> str:
    classes = classify(t["value"], metric, gid, result.params.nationwide_weight)
    items = [f'<span><i style="background:{c}"></i>{html.escape(lab)}</span>'
             for c, lab in zip(classes.colours, classes.labels)]
    if (t["status"] == "missing").any():
        items.append(f'<span><svg width="14" height="14"><rect width="14" height="14" '
                     f'fill="url(#{hatch})" stroke="{EDGE_COLOUR}"/></svg>no data</span>')
    if (t["status"] == "suppressed").any():
        items.append(f'<span><i style="background:{SUPPRESSED_COLOUR}"></i>suppressed '
                     f'(&lt;{result.params.min_count})</span>')
    items.append(f'<span><i style="background:{WATER_COLOUR};border-color:{WATER_EDGE}"></i>'
                 f'{WATER_NAME}</span>')
    return f"<b>{html.escape(classes.title)}:</b> " + "".join(items)
