"""The findings the report opens with: short sentences generated from a result, each
checkable against the tables (``by_province``, ``by_service``, ``sensitivity``).

:func:`build_findings` takes the result and, optionally, extra tables (today only
``"sensitivity"``, computed when not given); a later method can add tables and
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
from coverage.settings import SENSITIVITY_WEIGHTS, TOP_N
from coverage.sources import SOURCES, boundary_source, user_source
from coverage.taxonomy import GROUPS, get_group

__all__ = ["Finding", "build_findings", "group_finding", "no_data_finding", "robust_finding",
           "caveat_findings", "MAX_LISTED"]

#: How many provinces a sentence names before "and k more".
MAX_LISTED = 5


@dataclass(frozen=True)
class Finding:
    """One generated sentence.

    Attributes
    ----------
    text : str
        The sentence, plain text.
    kind : {"gap", "no-data", "robust", "caveat"}
    group_id : int or None
        The group it is about, if one.
    """

    text: str
    kind: str
    group_id: int | None = None


Tables = Mapping[str, pd.DataFrame]


def build_findings(result: CoverageResult, tables: Tables | None = None) -> list[Finding]:
    """The report's opening findings: per group with data where services are missing,
    the groups with no data, the provinces that rank high at every nationwide weight,
    and the caveats.

    Parameters
    ----------
    result : CoverageResult
    tables : mapping of str to DataFrame, optional
        Extra tables: ``"sensitivity"`` (from :meth:`CoverageResult.sensitivity`;
        computed when missing).

    Returns
    -------
    list of Finding

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> [f.kind for f in build_findings(analyze())][-3:]
    ['robust', 'caveat', 'caveat']
    """
    tables = dict(tables or {})
    if "sensitivity" not in tables:
        tables["sensitivity"] = result.sensitivity()
    no_data = set(result.groups_without_data())
    out = [group_finding(result, g.id) for g in GROUPS if g.id not in no_data]
    builders: list[Callable[[CoverageResult, Tables], list[Finding]]] = [
        lambda r, t: [no_data_finding(r)] if no_data else [],
        lambda r, t: [robust_finding(r, t["sensitivity"])] if len(no_data) < len(GROUPS) else [],
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


def robust_finding(result: CoverageResult, sensitivity: pd.DataFrame) -> Finding:
    """The provinces that stay in a group's top :data:`TOP_N` at every nationwide weight.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> r = analyze()
    >>> robust_finding(r, r.sensitivity()).text.startswith("Whatever weight")
    True
    """
    weights = sorted(sensitivity["nationwide_weight"].unique()) if len(sensitivity) else \
        list(SENSITIVITY_WEIGHTS)
    span = f"{min(weights):g} to {max(weights):g}"
    robust = sensitivity[sensitivity["robust"]]
    parts = []
    for gid, rows in robust.groupby("group_id", sort=True):
        names = rows.drop_duplicates("province_code").sort_values(
            ["gap_rank", "province_code"], kind="mergesort")["province"].tolist()
        cov = result.by_province[(result.by_province["group_id"] == gid)
                                 & result.by_province["province"].isin(names)]["coverage"]
        same = " (all equally covered, so in order of need)" \
            if len(names) > 1 and cov.nunique() == 1 else ""
        parts.append(f"{get_group(int(gid)).name}: {_names(names)}{same}")
    if not parts:
        return Finding(f"No province stays among the {TOP_N} most underserved of any group "
                       f"at every nationwide weight ({span}): the rankings depend on how much "
                       "a nationwide claim is counted.", "robust")
    return Finding(f"Whatever weight a nationwide claim is given ({span} of a local "
                   f"provider), these provinces stay among the {TOP_N} most underserved — "
                   + "; ".join(parts) + ".", "robust")


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
    first = (f"Caveats: a service claimed only nationwide counts as {p.nationwide_weight:g} "
             f"of a local one, and {need} (the rank tables give each province's coverage "
             "rank and need rank beside its gap rank).")
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
