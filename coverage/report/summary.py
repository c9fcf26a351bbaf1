"""The findings the report opens with: short sentences generated from a result, each
checkable against the tables (``by_province``, ``by_service``, ``rank_ranges``, and the
rankings under population and under migrants, ``need_rankings``).

:func:`build_findings` takes the result and, optionally, extra tables (``"rank_ranges"``
and ``"need_rankings"``, computed when not given); a later method can add tables and
builders without changing the callers.

Examples
--------
>>> from coverage.scores import analyze
>>> found = build_findings(analyze())
>>> 4 <= len(found) <= 10, found[0].kind
(True, 'gap')
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import pandas as pd

from coverage.scores import CoverageResult
from coverage.scores.ranges import describe_range, need_rankings
from coverage.settings import RANGE_WEIGHTS, TOP_N
from coverage.sources import SOURCES, boundary_source, user_source
from coverage.taxonomy import GROUPS, get_group

__all__ = ["Finding", "build_findings", "group_finding", "no_data_finding", "robust_finding",
           "need_finding", "caveat_findings", "report_tables", "MAX_LISTED"]

#: How many provinces a sentence names before "and k more".
MAX_LISTED = 5


@dataclass(frozen=True)
class Finding:
    """One generated sentence.

    Attributes
    ----------
    text : str
        The sentence, plain text.
    kind : {"gap", "no-data", "robust", "need", "caveat"}
    group_id : int or None
        The group it is about, if one.
    parts : tuple of str
        For a sentence that goes through the groups: its lead and one clause per group
        (the report lists them one under the other); ``text`` holds them all.
    """

    text: str
    kind: str
    group_id: int | None = None
    parts: tuple[str, ...] = ()


Tables = Mapping[str, pd.DataFrame]


def report_tables(result: CoverageResult, tables: Tables | None = None) -> dict[str, pd.DataFrame]:
    """The tables findings and rank tables read: ``"rank_ranges"`` and ``"need_rankings"``,
    computed when not given.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> sorted(report_tables(analyze()))
    ['need_rankings', 'rank_ranges']
    """
    tables = dict(tables or {})
    if "rank_ranges" not in tables:
        tables["rank_ranges"] = result.rank_ranges()
    if "need_rankings" not in tables:
        tables["need_rankings"] = need_rankings(result)
    return tables


def build_findings(result: CoverageResult, tables: Tables | None = None) -> list[Finding]:
    """The report's opening findings: per group with data where services are missing,
    the groups with no data, the robustly underserved provinces (rank ranges), where
    population and migrants as need agree, and the caveats.

    Parameters
    ----------
    result : CoverageResult
    tables : mapping of str to DataFrame, optional
        ``"rank_ranges"`` (:meth:`CoverageResult.rank_ranges`) and ``"need_rankings"``
        (:func:`coverage.scores.ranges.need_rankings`); computed when missing.

    Returns
    -------
    list of Finding

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> [f.kind for f in build_findings(analyze())][-4:]
    ['robust', 'need', 'caveat', 'caveat']
    """
    tables = report_tables(result, tables)
    no_data = set(result.groups_without_data())
    out = [group_finding(result, g.id) for g in GROUPS if g.id not in no_data]
    has_data = len(no_data) < len(GROUPS)
    builders: list[Callable[[CoverageResult, Tables], list[Finding]]] = [
        lambda r, t: [no_data_finding(r)] if no_data else [],
        lambda r, t: [robust_finding(r, t["rank_ranges"])] if has_data else [],
        lambda r, t: ([need_finding(r, t["need_rankings"])]
                      if has_data and t["need_rankings"]["need"].nunique() == 2 else []),
        lambda r, t: caveat_findings(r),
    ]
    for build in builders:
        out.extend(build(result, tables))
    return out


def _names(names: list[str]) -> str:
    """"A, B and C"; beyond :data:`MAX_LISTED` names, "A, B, …, E and 3 more"."""
    if len(names) > MAX_LISTED:
        return ", ".join(names[:MAX_LISTED]) + f" and {len(names) - MAX_LISTED} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def group_finding(result: CoverageResult, gid: int) -> Finding:
    """Where a group's services are missing: provinces with no local provider (most
    populous first, with their 2008 population), how many of them no claim reaches at
    all, and the service types nobody offers anywhere.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> group_finding(analyze(), 5).text.split(":")[0]
    'Legal aid'
    """
    g = get_group(gid)
    bp = result.by_province[result.by_province["group_id"] == gid]
    n = len(bp)
    bare = bp[bp["services_local"] == 0]
    bare = bare.assign(_p=bare["population"].astype("Float64").fillna(-1)).sort_values(
        ["_p", "province_code"], ascending=[False, True], kind="mergesort")
    if len(bare):
        text = (f"{g.name}: no provider works locally in {len(bare)} of {n} provinces"
                f"{_people(bare)}: {_names(bare['province'].tolist())}")
        unreached = int((bare["services_nationwide_only"] == 0).sum())
        text += ("; only nationwide claims reach them" if unreached == 0 else
                 "; not even a nationwide claim reaches them" if unreached == len(bare) else
                 f"; not even a nationwide claim reaches {unreached} of them")
    else:
        top = result.rank(gid, 1)
        text = f"{g.name}: every province has a local provider"
        if len(top):
            row = top.iloc[0]
            text += (f"; the largest gap is in {row['province']} (coverage "
                     f"{row['coverage']:.0%})")
    svc = result.by_service[result.by_service["group_id"] == gid]
    nobody = svc.groupby("service_id", sort=True).agg(
        service=("service", "first"), offered=("level", "max"))
    nobody = nobody[nobody["offered"] == 0]["service"].tolist()
    if nobody:
        text += f"; nobody offers {_names(nobody)} anywhere"
    return Finding(text + ".", "gap", gid)


def _people(rows: pd.DataFrame) -> str:
    """" (home to N people in the 2008 census)", or nothing if a population is missing."""
    pop = rows["population"]
    return f" (home to {int(pop.sum()):,} people in the 2008 census)" if pop.notna().all() \
        else ""


def no_data_finding(result: CoverageResult) -> Finding:
    """One sentence naming the groups no record offers anywhere.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> no_data_finding(analyze()).text[:13]
    'No record in '
    """
    groups = [f"{g}. {get_group(g).name}" for g in result.groups_without_data()]
    what = "this group" if len(groups) == 1 else "these groups"
    return Finding(f"No record in these data offers {'; '.join(groups) or 'any group'} "
                   f"anywhere: {what} show as no data (hatched on the maps), not as zero "
                   "coverage, and no province is ranked for "
                   f"{'it' if len(groups) == 1 else 'them'}.", "no-data")


def robust_finding(result: CoverageResult, ranges: pd.DataFrame) -> Finding:
    """The robustly underserved provinces: those whose gap rank stays in the top
    :data:`TOP_N` in every scenario of :meth:`CoverageResult.rank_ranges`, with their rank
    and range ("Takeo (1st, range 1–2)").

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> r = analyze()
    >>> text = robust_finding(r, r.rank_ranges()).text
    >>> text.startswith("Robustly underserved"), "Shelter and interim care: Takeo (1st, range 1–3)" in text
    (True, True)
    """
    counted = ranges[ranges["scenarios"] > 0]
    n_drop = result.inputs.served["institution"].nunique()
    needs = ("population or migrants" if result.inputs.migrants is not None
             and result.inputs.population.notna().all() else "as given")
    weights = ", ".join(f"{w:g}" for w in RANGE_WEIGHTS)
    parts, none = [], []
    for gid, rows in counted.groupby("group_id", sort=True):
        rows = rows[rows["robust"]].sort_values(["gap_rank", "province_code"],
                                                kind="mergesort", na_position="last")
        name = get_group(int(gid)).name
        if rows.empty:
            none.append(name)
            continue
        cov = result.by_province[(result.by_province["group_id"] == gid)
                                 & result.by_province["province_code"].isin(
                                     rows["province_code"])]["coverage"]
        same = " (all equally covered, so in order of need)" \
            if len(rows) > 1 and cov.nunique() == 1 else ""
        listed = [f"{p} ({describe_range(k, lo, hi)})" for p, k, lo, hi in zip(
            rows["province"], rows["gap_rank"], rows["rank_min"], rows["rank_max"])]
        parts.append(f"{name}: {_names(listed)}{same}")
    # the default of rank_ranges: institutions are left out in turn only when nothing is
    # withheld
    left_out = (f" whichever one of the {n_drop} institutions is left out,"
                if result.params.min_count <= 1 else "")
    lead = (f"Robustly underserved — in the top {TOP_N}{left_out} at nationwide weight "
            f"{weights} and with need {needs}:")
    if not parts:
        return Finding(lead + " no province in any group.", "robust")
    if none:
        parts.append(f"none for {_names(none)}")
    return Finding(f"{lead} {'; '.join(parts)}.", "robust", parts=(lead, *parts))


def need_finding(result: CoverageResult, rankings: pd.DataFrame) -> Finding:
    """Where the top :data:`TOP_N` under population and under migrants agree and differ.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> from coverage.scores.ranges import need_rankings
    >>> r = analyze()
    >>> need_finding(r, need_rankings(r)).text.split(" — ")[0]
    'Population or international migrants as need (top 5 of each)'
    """
    parts = []
    for gid, rows in rankings.groupby("group_id", sort=True):
        pop = rows[rows["need"] == "population"]["province"].tolist()
        mig = rows[rows["need"] == "migrants"]["province"].tolist()
        both = [p for p in pop if p in mig]
        pop_only = [p for p in pop if p not in mig]
        mig_only = [p for p in mig if p not in pop]
        text = f"{get_group(int(gid)).name}: both {_names(both)}" if both else \
            f"{get_group(int(gid)).name}: none in both"
        if pop_only:
            text += f"; population only {_names(pop_only)}"
        if mig_only:
            text += f"; migrants only {_names(mig_only)}"
        parts.append(text)
    lead = f"Population or international migrants as need (top {TOP_N} of each) —"
    return Finding(f"{lead} {'; '.join(parts)}.", "need", parts=(lead, *parts))


def caveat_findings(result: CoverageResult) -> list[Finding]:
    """What the figures rest on: the nationwide weight and need, the boundaries, and the
    Kampong Cham spread when the 2013 frame makes it matter.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> "2008 census" in caveat_findings(analyze())[0].text
    True
    """
    p = result.params
    if p.need == "population":
        need = ("need is the 2008 census population, so where coverage is equal the "
                "ranking follows population")
    elif p.need == "uniform":
        need = "every province is given the same need, so the ranking is by coverage alone"
    elif p.need == "migrants":
        need = ("need is the number of international migrants aged over 18 (2008 census), "
                "so where coverage is equal the ranking follows migration")
    else:
        need = f"need is {p.need}"
    first = ("Caveats: coverage is the share of the forum's service types present in a "
             "province, not the share of people served. A service claimed only nationwide "
             f"counts as {p.nationwide_weight:g} of a local one (counted as nothing or in "
             "full, coverage lies between the local and claimed figures of the rank "
             f"tables), and {need} (the rank tables give each province's coverage rank and "
             "need rank beside its gap rank).")
    layer = (user_source("Boundaries", p.boundaries) if p.boundaries
             else boundary_source(p.frame))
    second = (f"The map is the {p.frame} frame of "
              f"{result.by_province['province_code'].nunique()} provinces; "
              f"{layer.caption[0].lower()}{layer.caption[1:]}")
    if p.frame == "2013" and p.records == "forum":
        second += ("; the forum's \"Kampong Cham\" (2010) is "
                   + ("spread to Tbong Khmum, which it then included" if p.spread
                      else "not spread to Tbong Khmum, so Tbong Khmum shows only what names "
                           "it directly"))
    sources = SOURCES["forum"].caption if p.records == "forum" else f"Services: {p.records}"
    return [Finding(first, "caveat"), Finding(second + f". {sources}.", "caveat")]
