"""The district section of the report (runs with ``level="district"``).

Examples
--------
>>> from coverage.scores import analyze
>>> html = district_section(analyze(level="district"), None)
>>> 'id="districts"' in html and "name a whole province" in html
True
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from coverage.records.schema import LOCAL_BASES
from coverage.report.html import escape, figure, html_table, swatch
from coverage.scores import CoverageResult
from coverage.scores.districts import district_sensitivity
from coverage.settings import TOP_N
from coverage.taxonomy import GROUPS

__all__ = ["district_section"]

COLUMNS = {"gap_rank": "rank", "district": "district", "province": "province",
           "coverage": "coverage", "gap": "gap", "robust": "in the top 5 at every weight"}


def _precision(served: pd.DataFrame) -> str:
    """How many local claims name a district (or a site), against whole provinces."""
    local = served[served["basis"].astype(str).isin(LOCAL_BASES)]
    records = local.drop_duplicates("record_id")["record_id"]
    fine = local.loc[local["district_code"].astype(object).fillna("") != "", "record_id"].unique()
    share = len(fine) / max(len(records), 1)
    text = (f"{len(fine)} of {len(records)} records with local presence name a district, "
            "commune, town or site; ")
    if share < 0.2:
        text += ("almost all the others name a whole province, so most districts get the "
                 "province weight and differ mainly by population. Read these maps as "
                 "where people live within provinces, not as where services are.")
    else:
        text += "the others name a whole province and count at the province weight."
    return text


def _map(result: CoverageResult, metric: str, maps_dir: Path | None) -> bytes:
    if maps_dir is not None and (Path(maps_dir) / f"districts_{metric}.png").is_file():
        return (Path(maps_dir) / f"districts_{metric}.png").read_bytes()
    from coverage.maps.districts import plot_district_groups

    fig = plot_district_groups(result, metric)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": "kh-coverage"},
                facecolor="#FFFFFF")
    fig.clear()
    return buf.getvalue()


def district_section(result: CoverageResult, maps_dir: Path | None) -> str:
    """Districts: how precise the records are, the maps, the largest gaps per group."""
    p = result.params
    robust = district_sensitivity(result.served, result.frame, n=TOP_N)
    robust = set(zip(robust.loc[robust["robust"], "group_id"],
                     robust.loc[robust["robust"], "district_code"]))
    parts = ['<section id="districts"><h2>Districts (197, boundaries of 2014)</h2>',
             f"<p>{escape(_precision(result.served))} A service type counts 1 in a district "
             f"where a place or site in it is named, {p.province_weight:g} where only its "
             f"province is, {p.nationwide_weight:g} where it is only claimed nationwide. "
             "Need is the district's 2008 census population.</p>",
             figure(_map(result, "gap", maps_dir), "Gap by district, six service groups.")]
    bd = result.by_district
    for g in GROUPS:
        rows = bd[(bd["group_id"] == g.id) & bd["gap_rank"].notna()]
        rows = rows.sort_values("gap_rank", kind="mergesort").head(TOP_N)
        parts.append(f"<h3>{swatch(g.colour)}{g.id}. {escape(g.name)}</h3>")
        if rows.empty:
            parts.append("<p>No district has a gap, or no record offers this group.</p>")
            continue
        shown = rows.assign(robust=["yes" if (g.id, d) in robust else "no"
                                    for d in rows["district_code"]])
        parts.append(html_table(shown[list(COLUMNS)].rename(columns=COLUMNS)))
    parts.append("</section>")
    return "\n".join(parts)
