"""The sections of the report, in reading order."""
from __future__ import annotations

import io
from pathlib import Path, PurePath

import pandas as pd

from coverage.maps.colours import RAMP_COLOUR
from coverage.report.html import escape, figure, html_table, swatch
from coverage.report.summary import Finding
from coverage.scores import CoverageResult, format_suppressed
from coverage.sources import SOURCES, boundary_source, user_source
from coverage.settings import TOP_N
from coverage.taxonomy import GROUPS

FIGURE_DPI = 150
RANK_COLUMNS = {
    "gap_rank": "gap rank", "range": f"rank range (scenarios in top {TOP_N})",
    "province": "province", "gap": "gap (bounds)", "coverage": "coverage (local – claimed)",
    "coverage_rank": "coverage rank", "need_rank": "need rank",
    "providers_local": "local providers", "providers_nationwide": "nationwide providers",
    "density": "local providers per 100,000 people; per 1,000 migrants",
    "missing_services": "missing service types",
    "nationwide_only_services": "offered only nationwide",
}

METHOD = (
    "Each record says which institution offers which service type of which group, and "
    "where. Its place text is split into fragments and matched to provinces: exact and "
    "alias names, known towns and districts, then fuzzy matching for misspellings; "
    "&ldquo;24 capital/provinces&rdquo; and similar phrases mark a nationwide offer, which "
    "counts in every province with a reduced weight (the <em>nationwide weight</em>). "
    "For each province and group, <em>coverage</em> is the share of the group's service "
    "types offered there, counting a nationwide offer at the nationwide weight. The "
    "<em>gap</em> is need &times; (1 &minus; coverage), need being population (or the need "
    "chosen) relative to the largest province; provinces with a gap are ranked by it "
    "(rank 1 is the most underserved, equal gaps share a rank, provinces with no gap are "
    "not ranked). Where provinces are equally covered, need alone orders them: the "
    "coverage rank (1 = least covered) and need rank (1 = neediest) beside each gap rank "
    "show which one put a province there. A group no record offers anywhere is "
    "<em>no data</em>, not zero coverage, and is not ranked. "
    "The missing service types are those no provider, local or nationwide, offers in the "
    "province. Coverage is the share of the forum's service types present, not the share "
    "of people served; beside it stand the distinct institutions working locally and their "
    "density per 100,000 people and per 1,000 international migrants. Nationwide claims are "
    "also shown as bounds: coverage with every claim counted as nothing (local presence) "
    "and in full. Each rank comes with its range over a jackknife of institutions (each "
    "left out in turn) &times; nationwide weight 0, 0.5, 1 &times; need population or "
    "migrants; a province is called robustly underserved only when the whole range stays "
    "in the top 5. Counts below the minimum count are suppressed so that small numbers "
    "cannot identify anyone. Places that could not be resolved are listed in their own "
    "section and never silently dropped."
)



def header(result: CoverageResult, title: str, run_date: str, min_count: int) -> str:
    from coverage import __version__  # the package's own version, set in its __init__

    p = result.params
    frame = result.frame
    n_provinces = result.by_province["province_code"].nunique()
    count = published_counts(result)
    records = "the forum's records (bundled)" if p.records == "forum" else _file_name(p.records)
    rows = [("Date of run", run_date), ("Records", records),
            ("Province frame", f"{frame} ({n_provinces} provinces)")]
    # the Kampong Cham spread matters only on the 2013 frame, the province weight only
    # for districts
    skip = {"records", "frame"} | ({"spread"} if frame != "2013" else set()) | (
        {"province_weight"} if getattr(p, "level", "province") != "district" else set())
    rows += [(k.replace("_", " ").capitalize(), _file_name(getattr(p, k)))
             for k in sorted(vars(p)) if k not in skip and getattr(p, k) is not None]
    rows += [("Records placed in a province", count[("records", "placed in a province")]),
             ("Records reached only by a nationwide claim", count[("records", "nationwide only")]),
             ("Unresolved place fragments", count[("unresolved", "all")]),
             ("kh-coverage version", __version__)]
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return (f"<header><h1>{escape(title)}</h1>\n<p class=\"meta\">Generated on {escape(run_date)} by "
            f"kh-coverage {escape(__version__)}.</p>\n<table class=\"params\">{body}</table>"
            "</header>")


def title_block(result: CoverageResult, title: str, run_date: str) -> str:
    """The first lines: title, and what the report was made from."""
    from coverage import __version__

    p = result.params
    records = "the forum's records (2010)" if p.records == "forum" else p.records
    return (f"<h1>{escape(title)}</h1>\n<p class=\"meta\">From {escape(records)} on the "
            f"{escape(p.frame)} province frame; generated on {escape(run_date)} by kh-coverage "
            f"{escape(__version__)}. Parameters are listed at the end.</p>")


def summary_section(found: list[Finding]) -> str:
    """The generated findings, first thing a reader sees."""
    def item(f: Finding) -> str:
        if not f.parts:
            return f"<li class=\"{escape(f.kind)}\">{escape(f.text)}</li>"
        sub = "".join(f"<li>{escape(p)}</li>" for p in f.parts[1:])
        return f"<li class=\"{escape(f.kind)}\">{escape(f.parts[0])}<ul>{sub}</ul></li>"

    items = "".join(item(f) for f in found)
    return ("<section id=\"summary\"><h2>What the data show</h2>"
            f"<ul class=\"summary\">{items}</ul></section>")


def interactive_section(result: CoverageResult) -> str:
    """The offline interactive map with a group selector."""
    from coverage.maps.interactive import interactive_map

    return ("<section id=\"explore\"><h2>Explore the map</h2>"
            "<p>Choose a service group; hover over (or tab to) a province for its coverage, "
            "gap, providers and missing service types.</p>"
            f"{interactive_map(result)}</section>")


def maps_section(result: CoverageResult, maps_dir: Path | None) -> str:
    need = result.params.need
    need_text = ("population (2008 census), so where coverage is equal, the more populous "
                 "province has the larger gap: much of this map is a population map"
                 if need == "population" else
                 "the same in every province, so this map shows missing services alone"
                 if need == "uniform" else
                 "international migrants aged over 18 (2008 census): where coverage is equal, "
                 "the province more people left for work abroad has the larger gap"
                 if need == "migrants" else f"{need}")
    parts = ["<section id=\"maps\"><h2>Coverage maps</h2>",
             figure(_map_png(result, "coverage", maps_dir),
                     "Coverage of each service group by province: the share of the group's "
                     "service types available, a nationwide offer counting at the nationwide "
                     f"weight ({result.params.nationwide_weight:g}). Hatched: no data."),
             "<h2 id=\"gap-map\">Gap map</h2>",
             figure(_map_png(result, "gap", maps_dir),
                     "Gap of each service group by province: need times the share of service "
                     f"types missing. Darker provinces are more underserved. Need is {need_text}."),
             "</section>"]
    return "\n".join(parts)


def _map_png(result: CoverageResult, metric: str, maps_dir: Path | None) -> bytes:
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


def need_section(rankings: pd.DataFrame) -> str:
    """Each group's top provinces under population and under migrants, side by side."""
    if rankings.empty or rankings["need"].nunique() < 2:
        return ""
    rows = []
    for g in GROUPS:
        sub = rankings[rankings["group_id"] == g.id]
        if sub.empty:
            continue
        pop = sub[sub["need"] == "population"]
        mig = sub[sub["need"] == "migrants"]
        both = set(pop["province"]) & set(mig["province"])
        cell = lambda t: ", ".join(  # noqa: E731
            f"{k}. <b>{escape(p)}</b>" if p in both else f"{k}. {escape(p)}"
            for k, p in zip(t["gap_rank"], t["province"]))
        rows.append(f"<tr><th>{g.id}. {escape(g.name)}</th><td>{cell(pop)}</td>"
                    f"<td>{cell(mig)}</td></tr>")
    return ("<section id=\"need-compare\"><h2>Population or migrants as need</h2>"
            f"<p>The {TOP_N} most underserved provinces of each group with need = population "
            "(2008 census) and with need = international migrants aged over 18 (2008 census), "
            "at this run's nationwide weight; in bold where both agree.</p>"
            "<table><tr><th>group</th><th>need = population</th><th>need = migrants</th></tr>"
            + "".join(rows) + "</table></section>")


def _ratio(value: object) -> str:
    """A density as printed: 2 decimals, or the withheld marker as it is."""
    try:
        return f"{float(value):.2f}" if value != "" else ""
    except (TypeError, ValueError):
        return str(value)


def ranking_section(result: CoverageResult, min_count: int,
                    ranges: pd.DataFrame | None = None) -> str:
    n = result.by_province["province_code"].nunique()
    ranges = result.rank_ranges() if ranges is None else ranges
    parts = ["<section id=\"underserved\"><h2>Most underserved provinces per group</h2>",
             f"<p>The provinces ranked {TOP_N} or better by gap in each group (rank 1 = most "
             "underserved; equal gaps share a rank), and the service types no provider offers "
             "there. Rank range: the best and worst gap rank over the scenarios ("
             + ("each institution left out in turn, " if min_count <= 1 else "")
             + "nationwide weight 0, 0.5 and 1, need population and migrants"
             + ("" if min_count <= 1 else "; with counts withheld, institutions are not "
                "left out in turn, as that would tell where one is the only provider")
             + f"), and in how many of them the province is in the top {TOP_N}; "
             "<b>robust</b> when it always is. Coverage (local – claimed): as counted, and "
             "with every nationwide claim counted as nothing and in full; gap bounds likewise. "
             f"Coverage rank: 1 = least covered of the {n} provinces; need rank: 1 = "
             "neediest. A province with a high need rank and a middling coverage rank is there "
             "because of its need.</p>"]
    no_data = set(result.groups_without_data())
    for g in GROUPS:
        parts.append(f"<h3>{swatch(RAMP_COLOUR.get(g.id, g.colour))}{g.id}. "
                     f"{escape(g.name)}</h3>")
        if g.id in no_data:
            parts.append("<p>No data: no record offers this group anywhere, so no province "
                         "is ranked.</p>")
            continue
        table = format_suppressed(result.rank(g.id, TOP_N), min_count)
        if table.empty:
            parts.append("<p>No province has a gap in this group.</p>")
            continue
        table = table.merge(ranges[["province_code", "group_id", "rank_min", "rank_max",
                                    "top_n", "scenarios", "robust"]],
                            on=["province_code", "group_id"], how="left", validate="one_to_one")
        table["range"] = [(f"{lo}–{hi} ({t} of {k})" if pd.notna(lo) else f"({t} of {k})")
                          + (" robust" if rob else "") for lo, hi, t, k, rob in zip(
                              table["rank_min"], table["rank_max"], table["top_n"],
                              table["scenarios"], table["robust"])]
        table["density"] = [f"{_ratio(a)}; {_ratio(b)}" for a, b in zip(
            table["providers_local_per_100k"], table["providers_local_per_1000_migrants"])]
        cols = [c for c in RANK_COLUMNS if c in table.columns]
        shown = table[cols].assign(
            coverage=[f"{c:.0%} ({lo:.0%} – {hi:.0%})" if lo != hi else f"{c:.0%}"
                      for c, lo, hi in zip(table["coverage"], table["coverage_local"],
                                           table["coverage_claimed"])],
            gap=[f"{g:.2f} ({lo:.2f} – {hi:.2f})" if lo != hi else f"{g:.2f}"
                 for g, lo, hi in zip(table["gap"], table["gap_claimed"], table["gap_local"])],
        ).rename(columns=RANK_COLUMNS)
        parts.append(html_table(shown))
    parts.append("</section>")
    return "\n".join(parts)


def findings_section(findings: pd.DataFrame | None) -> str:
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
        parts.append(f"<h3>{escape(names.get(gid, str(gid)))}</h3>")
        for kind, label in (("gap", "Gaps"), ("recommendation", "Recommendations")):
            texts = sub.loc[sub["kind"] == kind, "text"].tolist()
            if texts:
                items = "".join(f"<li>{escape(t)}</li>" for t in texts)
                parts.append(f"<p class=\"kind\">{label}</p><ul class=\"findings\">{items}</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def unresolved_section(result: CoverageResult, min_count: int) -> str:
    """Unresolved place fragments and rejected rows.

    With ``min_count`` > 1 only their counts by reason appear (suppressed like every
    count); the fragments themselves, text from the user's rows, never reach the report.
    """
    parts = ["<section id=\"unresolved\"><h2>Unresolved places</h2>"]
    count = published_counts(result)
    unresolved, rejected = count[("unresolved", "all")], count[("rejected", "all")]
    if unresolved == "0":
        parts.append("<p>Every place in the records was resolved to a province.</p>")
    else:
        parts.append(f"<p>{escape(unresolved)} place fragments could not be placed in a "
                     "province. They are not on the maps; fix them in the records sheet "
                     "(<code>kh-coverage resolve</code> shows how each place was read).</p>")
    if min_count > 1:
        if unresolved != "0" or rejected != "0":
            parts.append(html_table(_by_reason(result)))
    elif len(result.unresolved):
        records = None if result.records is None else result.records.records
        parts.append(html_table(_with_context(result.unresolved, records)))
    if rejected != "0":
        parts.append(f"<h3>Rejected rows</h3><p>{escape(rejected)} rows of the records sheet "
                     "could not be used at all.</p>")
        if min_count == 1:
            parts.append(html_table(result.rejected))
    parts.append("</section>")
    return "\n".join(parts)


def published_counts(result: CoverageResult) -> dict[tuple[str, str], str]:
    """The national counts as published (withheld ones as ``"<k"``), by (kind, reason)."""
    table = format_suppressed(result.totals, result.params.min_count)
    return dict(zip(zip(table["kind"], table["reason"]), table["count"]))


def _by_reason(result: CoverageResult) -> pd.DataFrame:
    """Unresolved fragments and rejected rows: counts by reason, as published."""
    table = format_suppressed(result.totals, result.params.min_count)
    table = table[table["kind"].isin(["unresolved", "rejected"]) & (table["reason"] != "all")]
    return table[["kind", "reason", "count"]].reset_index(drop=True)


def _file_name(value):
    """A path printed as its file name only (parameters may hold one)."""
    if isinstance(value, str) and ("/" in value or "\\" in value):
        return PurePath(value.replace("\\", "/")).name
    return value


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


def method_section() -> str:
    return f"<section id=\"method\"><h2>Method in brief</h2><p>{METHOD}</p></section>"


def parameters_section(result: CoverageResult, run_date: str, min_count: int) -> str:
    """The run's parameters, last (the table of :func:`header`, under its own heading)."""
    return ("<section id=\"parameters\">"
            + header(result, "Parameters of this run", run_date, min_count) + "</section>")


def sources_section(result: CoverageResult) -> str:
    p = result.params
    boundaries = (user_source("Boundaries", p.boundaries) if p.boundaries
                  else boundary_source(p.frame))
    services = SOURCES["forum"] if p.records == "forum" else user_source("Service records",
                                                                           p.records)
    items = "".join(f"<dt>{escape(s.title)}</dt><dd>{escape(s.citation)} Licence: "
                    f"{escape(s.licence)}.</dd>"
                    for s in (services, boundaries, SOURCES["population"], SOURCES["software"]))
    return f"<section id=\"sources\"><h2>Sources and licences</h2><dl>{items}</dl></section>"


def count_text(n: int, min_count: int) -> str:
    """A count as published: below the minimum count (and above zero) it is suppressed."""
    return f"fewer than {min_count}" if 0 < n < min_count else str(n)


