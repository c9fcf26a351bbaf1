"""The self-contained HTML report: one file a donor can open from an email.

Everything is inline: the maps are base64 PNG images, the styles sit in a
``<style>`` element, and nothing is fetched from the network. The report holds
the run's date and parameters, the coverage maps of the six groups and the gap
map, the ranked underserved provinces per group with their missing service
types, the forum's own gaps and recommendations, the places that could not be
resolved, the method in brief, and the sources and licences.

Examples
--------
>>> from coverage.scores import analyze
>>> from coverage.report import write_report
>>> result = analyze()                                   # doctest: +SKIP
>>> write_report(result, "report.html", run_date="2026-01-31")  # doctest: +SKIP
PosixPath('report.html')
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import io
import logging
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from coverage.taxonomy import GROUPS

log = logging.getLogger(__name__)

__all__ = ["write_report", "render_report", "forum_findings", "records_findings"]

DEFAULT_TITLE = "Reintegration services for victims of trafficking: coverage by province"
RANK_N = 5
FIGURE_DPI = 150
RANK_COLUMNS = {
    "gap_rank": "rank", "province": "province", "coverage": "coverage",
    "providers_local": "local providers", "providers_nationwide": "nationwide providers",
    "gap": "gap", "missing_services": "missing service types",
    "nationwide_only_services": "offered only nationwide",
}
FINDINGS_COLUMNS = ["group_id", "kind", "text"]

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;
max-width:1100px;margin:0 auto;padding:1.5rem;line-height:1.45;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #1F3A93;padding-bottom:.2rem;
margin-top:2.2rem}h3{margin-bottom:.3rem}
.meta{color:#444}table.params{width:auto}table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.88rem;width:100%}
th,td{border:1px solid #bbb;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#eef1f7}td.num,th.num{text-align:right}
figure{margin:1rem 0;text-align:center}figure img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#444}.swatch{display:inline-block;width:.8em;height:.8em;
margin-right:.35em;border:1px solid #555;vertical-align:baseline}
ul.findings li{margin-bottom:.2rem}.kind{font-weight:600}
@media print{body{max-width:none;padding:0;font-size:10pt}h2{break-after:avoid}
figure,table,tr{break-inside:avoid}a{color:inherit;text-decoration:none}}
"""

METHOD = (
    "Each record says which institution offers which service type of which group, and "
    "where. Its place text is split into fragments and matched to provinces: exact and "
    "alias names, known towns and districts, then fuzzy matching for misspellings; "
    "&ldquo;24 capital/provinces&rdquo; and similar phrases mark a nationwide offer, which "
    "counts in every province with a reduced weight (the <em>nationwide weight</em>). "
    "For each province and group, <em>coverage</em> is the share of the group's service "
    "types offered there, counting a nationwide offer at the nationwide weight. The "
    "<em>gap</em> combines low coverage with need (population where no other need "
    "table is given), and provinces are ranked by gap: rank 1 is the most underserved. "
    "The missing service types are those no provider, local or nationwide, offers in the "
    "province. Counts below the minimum count are suppressed so that small numbers "
    "cannot identify anyone. Places that could not be resolved are listed below and "
    "never silently dropped."
)

SOURCES = (
    ("Service records",
     "National Practitioner Forum on Reintegration of Victims of Human Trafficking, Phnom "
     "Penh, 7&ndash;8 December 2010: report by World Vision Cambodia and the United Nations "
     "Inter-Agency Project on Human Trafficking (UNIAP), January 2011; annex 3, group "
     "discussion 1. Staff names and telephone numbers in the report are not reproduced."),
    ("Province boundaries",
     "2010 frame (24 provinces): Natural Earth 1:10m admin-1 v5.1, public domain (made with "
     "Natural Earth). 2013 frame (25 provinces): OpenStreetMap-derived outlines, &copy; "
     "OpenStreetMap contributors, Open Database License (ODbL) 1.0. A boundary file you "
     "supply keeps its own licence."),
    ("Population",
     "2008 General Population Census of Cambodia, National Institute of Statistics (NIS), "
     "Ministry of Planning: provincial totals (on the 2013 frame, Tbong Khmum is the sum of "
     "its seven 2008 districts)."),
    ("Software",
     "kh-coverage (MIT licence), with pandas, GeoPandas, Shapely and Matplotlib."),
)


def forum_findings() -> pd.DataFrame:
    """The forum's own gaps and recommendations per group, as bundled with the package.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_id`` (0 = forum-wide), ``kind`` (``gap`` or ``recommendation``),
        ``text`` and ``source_line``, in file order.

    Examples
    --------
    >>> findings = forum_findings()             # doctest: +SKIP
    >>> sorted(findings["kind"].unique())       # doctest: +SKIP
    ['gap', 'recommendation']
    """
    path = resources.files("coverage") / "data" / "forum_group_findings.csv"
    with resources.as_file(path) as p:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
    df["group_id"] = df["group_id"].astype(int)
    return df


def records_findings(records: pd.DataFrame) -> pd.DataFrame:
    """Gaps and recommendations written in a records sheet, one row per distinct text.

    Parameters
    ----------
    records : pandas.DataFrame
        A records table with ``group_id`` and (optionally) ``gaps`` and
        ``recommendations`` columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_id``, ``kind``, ``text``; duplicates within a group removed,
        first-seen order kept.

    Examples
    --------
    >>> import pandas as pd
    >>> recs = pd.DataFrame({"group_id": [5, 5], "gaps": ["No lawyers", "No lawyers"],
    ...                      "recommendations": ["", "Train lawyers"]})
    >>> records_findings(recs)["text"].tolist()
    ['No lawyers', 'Train lawyers']
    """
    parts = []
    for column, kind in (("gaps", "gap"), ("recommendations", "recommendation")):
        if column not in records.columns:
            continue
        texts = records[column].astype("string").fillna("").str.strip()
        part = pd.DataFrame({"group_id": records["group_id"].astype(int), "kind": kind,
                             "text": texts, "order": range(len(records))})
        parts.append(part[part["text"] != ""])
    if not parts:
        return pd.DataFrame(columns=FINDINGS_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["group_id", "kind", "order"], kind="stable")
    out = out.drop_duplicates(["group_id", "kind", "text"])
    return out[FINDINGS_COLUMNS].reset_index(drop=True)


def write_report(result: Any, path: str | Path, *, title: str | None = None,
                 run_date: str | dt.date | None = None,
                 findings: pd.DataFrame | None = None,
                 maps_dir: str | Path | None = None) -> Path:
    """Write the self-contained HTML report of a coverage result.

    Parameters
    ----------
    result : coverage.scores.CoverageResult
        The output of :func:`coverage.scores.analyze`.
    path : str or pathlib.Path
        Where to write the ``.html`` file.
    title : str, optional
        Heading of the report; a default title otherwise.
    run_date : str or datetime.date, optional
        Date printed as the date of the run; today when omitted (pin it for
        reproducible output).
    findings : pandas.DataFrame, optional
        Gaps and recommendations to show per group (``group_id``, ``kind``, ``text``).
        When omitted: the forum's own findings for the forum's records, else the
        ``gaps`` and ``recommendations`` columns of ``result.records``.
    maps_dir : str or pathlib.Path, optional
        A folder written by :func:`coverage.maps.save_maps` with PNG files: its
        ``all_groups_coverage.png`` and ``all_groups_gap.png`` are embedded instead of
        drawing the maps again.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> write_report(analyze(), "out/report.html", run_date="2026-01-31")  # doctest: +SKIP
    PosixPath('out/report.html')
    """
    path = Path(path)
    text = render_report(result, title=title, run_date=run_date, findings=findings,
                         maps_dir=maps_dir)
    path.write_text(text, encoding="utf-8")
    log.debug("wrote report %s (%d kB)", path, len(text.encode("utf-8")) // 1024)
    return path


def render_report(result: Any, *, title: str | None = None,
                  run_date: str | dt.date | None = None,
                  findings: pd.DataFrame | None = None,
                  maps_dir: str | Path | None = None) -> str:
    """The report of :func:`write_report` as an HTML string (same arguments, no path)."""
    title = title or DEFAULT_TITLE
    run_date = str(run_date or dt.date.today().isoformat())
    min_count = int(_params(result).get("min_count", 1) or 1)
    if findings is None:
        findings = _default_findings(result)
    sections = [
        _header(result, title, run_date, min_count),
        _maps_section(result, maps_dir),
        _ranking_section(result, min_count),
        _findings_section(findings),
        _unresolved_section(result, min_count),
        _method_section(),
        _sources_section(),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(sections) + "\n</body>\n</html>\n"
    )


# --- sections -------------------------------------------------------------------------

def _header(result: Any, title: str, run_date: str, min_count: int) -> str:
    from coverage import __version__

    params = _params(result)
    frame = str(getattr(result, "frame", params.get("frame", "")))
    n_provinces = result.by_province["province_code"].nunique()
    n_records = result.served["record_id"].nunique() if len(result.served) else 0
    n_unresolved = len(result.unresolved)
    rows = [("Date of run", run_date), ("Records", _source_label(result)),
            ("Province frame", f"{frame} ({n_provinces} provinces)")]
    rows += [(k.replace("_", " ").capitalize(), v) for k, v in sorted(params.items())
             if k not in ("records", "frame")]
    rows += [("Records placed on the map", _count(n_records, min_count)),
             ("Unresolved place fragments", _count(n_unresolved, min_count)),
             ("kh-coverage version", __version__)]
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return (f"<header><h1>{_e(title)}</h1>\n<p class=\"meta\">Generated on {_e(run_date)} by "
            f"kh-coverage {_e(__version__)}.</p>\n<table class=\"params\">{body}</table>"
            "</header>")


def _maps_section(result: Any, maps_dir: Path | None) -> str:
    parts = ["<section id=\"maps\"><h2>Coverage maps</h2>",
             _figure(_map_png(result, "coverage", maps_dir),
                     "Coverage of each service group by province: the share of the group's "
                     "service types available, a nationwide offer counting at the nationwide "
                     "weight."),
             "<h2 id=\"gap-map\">Gap map</h2>",
             _figure(_map_png(result, "gap", maps_dir),
                     "Gap of each service group by province: need times the share of service "
                     "types missing. Darker provinces are more underserved."),
             "</section>"]
    return "\n".join(parts)


def _map_png(result: Any, metric: str, maps_dir: Path | None) -> bytes:
    """The small multiples of a metric as PNG: from ``maps_dir`` if saved there, else drawn."""
    if maps_dir is not None:
        saved = Path(maps_dir) / f"all_groups_{metric}.png"
        if saved.is_file():
            return saved.read_bytes()
    from coverage.maps import plot_groups

    fig = plot_groups(result, metric)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=FIGURE_DPI, metadata={"Software": "kh-coverage"},
                facecolor="#FFFFFF")
    fig.clear()
    return buf.getvalue()


def _ranking_section(result: Any, min_count: int) -> str:
    from coverage.scores import format_suppressed

    parts = ["<section id=\"underserved\"><h2>Most underserved provinces per group</h2>",
             f"<p>The {RANK_N} provinces with the largest gap in each group (rank 1 = most "
             "underserved), and the service types no provider offers there.</p>"]
    for g in GROUPS:
        table = format_suppressed(result.rank(g.id, RANK_N), min_count)
        cols = [c for c in RANK_COLUMNS if c in table.columns]
        shown = table[cols].rename(columns=RANK_COLUMNS)
        parts.append(f"<h3>{_swatch(g.colour)}{g.id}. {_e(g.name)}</h3>")
        parts.append(_table(shown))
    parts.append("</section>")
    return "\n".join(parts)


def _findings_section(findings: pd.DataFrame | None) -> str:
    parts = ["<section id=\"findings\"><h2>Gaps and recommendations</h2>",
             "<p>As the practitioners wrote them, per service group (forum-wide findings "
             "first).</p>"]
    if findings is None or findings.empty:
        parts.append("<p>No gaps or recommendations were supplied with these records.</p>")
        parts.append("</section>")
        return "\n".join(parts)
    names = {0: "Forum-wide"} | {g.id: f"{g.id}. {g.name}" for g in GROUPS}
    for gid in sorted(findings["group_id"].astype(int).unique()):
        sub = findings[findings["group_id"].astype(int) == gid]
        parts.append(f"<h3>{_e(names.get(gid, str(gid)))}</h3>")
        for kind, label in (("gap", "Gaps"), ("recommendation", "Recommendations")):
            texts = sub.loc[sub["kind"] == kind, "text"].tolist()
            if texts:
                items = "".join(f"<li>{_e(t)}</li>" for t in texts)
                parts.append(f"<p class=\"kind\">{label}</p><ul class=\"findings\">{items}</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def _unresolved_section(result: Any, min_count: int) -> str:
    parts = ["<section id=\"unresolved\"><h2>Unresolved places</h2>"]
    unresolved = result.unresolved
    if unresolved.empty:
        parts.append("<p>Every place in the records was resolved to a province.</p>")
    else:
        parts.append(f"<p>{_e(_count(len(unresolved), min_count))} place fragments could not "
                     "be placed in a province. They are not on the maps; fix them in the "
                     "records sheet (<code>kh-coverage resolve</code> shows how each place was "
                     "read).</p>")
        parts.append(_table(_with_context(unresolved, getattr(result, "records", None))))
    rejected = getattr(result, "rejected", None)
    if rejected is not None and len(rejected):
        parts.append("<h3>Rejected rows</h3><p>Rows of the records sheet that could not be "
                     "used at all.</p>")
        parts.append(_table(rejected))
    parts.append("</section>")
    return "\n".join(parts)


def _with_context(unresolved: pd.DataFrame, records: pd.DataFrame | None) -> pd.DataFrame:
    """Unresolved fragments with the institution and the full place text of their record."""
    if records is None or not {"record_id", "institution", "area_text"} <= set(records.columns):
        return unresolved
    context = pd.DataFrame({"record_id": records["record_id"].astype(str).to_numpy(),
                            "institution": records["institution"].to_numpy(),
                            "place text": records["area_text"].to_numpy()})
    out = pd.DataFrame(unresolved).copy()
    out.attrs = {}
    out["record_id"] = out["record_id"].astype(str)
    out = out.merge(context.drop_duplicates("record_id"), on="record_id", how="left",
                    validate="many_to_one")
    first = ["record_id", "institution", "place text"]
    return out[first + [c for c in out.columns if c not in first]]


def _method_section() -> str:
    return f"<section id=\"method\"><h2>Method in brief</h2><p>{METHOD}</p></section>"


def _sources_section() -> str:
    items = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in SOURCES)
    return f"<section id=\"sources\"><h2>Sources and licences</h2><dl>{items}</dl></section>"


# --- helpers --------------------------------------------------------------------------

def _params(result: Any) -> dict:
    return dict(getattr(result, "params", {}) or {})


def _source_label(result: Any) -> str:
    """Where the records came from, for the header."""
    given = _params(result).get("records", "records table")
    return "the forum's records (bundled)" if given == "forum" else str(given)


def _default_findings(result: Any) -> pd.DataFrame | None:
    """The forum's findings for the forum's records, else the records' own columns."""
    if _params(result).get("records") == "forum":
        return forum_findings()
    records = getattr(result, "records", None)
    return None if records is None else records_findings(records)


def _count(n: int, min_count: int) -> str:
    """A count as published: below the minimum count (and above zero) it is suppressed."""
    return f"fewer than {min_count}" if 0 < n < min_count else str(n)


def _e(value: object) -> str:
    return html.escape("" if value is None or value is pd.NA else str(value))


def _swatch(colour: str) -> str:
    return f"<span class=\"swatch\" style=\"background:{_e(colour)}\"></span>"


def _table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False):
        cells = []
        for value in rec:
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            cells.append(f"<td class=\"num\">{_fmt(value)}</td>" if numeric
                         else f"<td>{_fmt(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _fmt(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return _e("; ".join(str(v) for v in value))
    if isinstance(value, float):
        return "" if pd.isna(value) else _e(f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}")
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return _e(value)


def _figure(png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f"<figure><img alt=\"{_e(caption)}\" src=\"data:image/png;base64,{data}\">"
            f"<figcaption>{_e(caption)}</figcaption></figure>")
