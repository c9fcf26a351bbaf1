"""Planning on a result: how rankings move with the nationwide weight, and where new
providers would cut the gap most.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterable

import pandas as pd

from coverage.scores.method import RANK_DECIMALS, score_tables
from coverage.settings import SENSITIVITY_WEIGHTS, TOP_N
from coverage.taxonomy import GROUPS, get_group, group_id

if TYPE_CHECKING:
    from coverage.scores.result import CoverageResult

log = logging.getLogger(__name__)

def sensitivity(result: CoverageResult,
                nationwide_weights: Iterable[float] = SENSITIVITY_WEIGHTS,
                n: int = TOP_N) -> pd.DataFrame:
    """How the top-``n`` underserved provinces of each group move with the nationwide weight.

    Parameters
    ----------
    result : CoverageResult
    nationwide_weights : iterable of float
    n : int

    Returns
    -------
    pandas.DataFrame
        One row per weight × group × rank 1..n (provinces with a gap of 0 are left
        out: at weight 1 a group claimed nationwide has none): ``nationwide_weight``, ``group_id``,
        ``group``, ``gap_rank``, ``province_code``, ``province``, ``coverage``, ``gap``
        and ``robust`` (True when the province is in the group's top ``n`` at every weight
        at which the group has a gap somewhere).

    Examples
    --------
    >>> table = analyze().sensitivity()                         # doctest: +SKIP
    >>> table.query("group_id == 3 and robust")["province"].unique()  # doctest: +SKIP
    """
    parts = []
    for weight in nationwide_weights:
        bp, _ = score_tables(result.inputs, weight)
        top = bp[(bp["gap_rank"] <= n) & (bp["gap"] > 0)]  # a province with no gap is not underserved
        top = top[["group_id", "group", "gap_rank", "province_code", "province", "coverage",
                   "gap"]].copy()
        top.insert(0, "nationwide_weight", float(weight))
        parts.append(top)
    out = pd.concat(parts, ignore_index=True)
    # robust: in the top n at every weight at which the group has any gap at all
    n_weights = out.groupby("group_id")["nationwide_weight"].transform("nunique")
    times = out.groupby(["group_id", "province_code"])["nationwide_weight"].transform("nunique")
    out["robust"] = times == n_weights
    return out.sort_values(["group_id", "nationwide_weight", "gap_rank"],
                           kind="mergesort").reset_index(drop=True)


def suggest_expansion(result: CoverageResult, group: int | str, k: int = 3,
                      max_services: int | None = None) -> pd.DataFrame:
    """Where one new local provider would cut the national total gap most (greedy).

    Each step adds one local provider in one province offering the service types
    that are not yet locally available there (at most ``max_services`` of them,
    lowest level first), raising their level to 1. The step picks the
    (province, group) whose gap falls most; for ``group="all"`` the gain is counted
    on the all-groups gap, so the steps may name different groups. Ties go to the
    lower province code, then group id.

    Parameters
    ----------
    result : CoverageResult
    group : int or str
        A group, or ``0``/``"all"`` to choose among all six groups.
    k : int
        Number of new providers.
    max_services : int, optional
        The most service types one new provider offers; default all missing ones.

    Returns
    -------
    pandas.DataFrame
        ``step``, ``province_code``, ``province``, ``group_id``, ``group``,
        ``services_added``, ``need``, ``coverage_before``, ``coverage_after``,
        ``gap_reduction`` (on the chosen group's gap, or the all-groups gap),
        ``total_gap_before``, ``total_gap_after`` (sum over provinces).

    Examples
    --------
    >>> suggest_expansion(analyze(), "shelter", k=3)  # doctest: +SKIP
    """
    if k < 0 or max_services is not None and max_services < 1:
        raise ValueError("k must be >= 0 and max_services >= 1")
    gid = group_id(group)
    svc = result.by_service[["province_code", "province", "group_id", "service_id", "service",
                             "level"]].copy()
    bp = result.by_province
    need = bp[bp["group_id"] == 0].set_index("province_code")["need"]
    n_types = svc.groupby("group_id")["service_id"].nunique()
    n_groups = len(GROUPS)
    # the gain of a level change on the gap being cut
    svc["weight"] = svc["group_id"].map(n_types).rdiv(1.0)
    if gid == 0:
        svc["weight"] = svc["weight"] / n_groups
    else:
        svc = svc[svc["group_id"] == gid]
    svc["need"] = svc["province_code"].map(need)
    svc = svc.sort_values(["province_code", "group_id", "level", "service_id"],
                          kind="mergesort").reset_index(drop=True)
    total = total_gap(svc)
    steps = []
    for step in range(1, k + 1):
        open_ = svc[svc["level"] < 1].copy()
        if open_.empty:
            log.info("suggest_expansion: every service type is locally available; stopped")
            break
        open_["gain"] = open_["need"] * (1 - open_["level"]) * open_["weight"]
        open_["pos"] = open_.groupby(["province_code", "group_id"]).cumcount()
        if max_services is not None:
            open_ = open_[open_["pos"] < max_services]
        cand = open_.groupby(["province_code", "group_id"], sort=True)["gain"].sum()
        best = cand.round(RANK_DECIMALS).sort_values(ascending=False, kind="mergesort")
        pc, g = best.index[0]
        chosen = open_[(open_["province_code"] == pc) & (open_["group_id"] == g)]
        in_pg = (svc["province_code"] == pc) & (svc["group_id"] == g)
        before = svc.loc[in_pg, "level"].mean()
        svc.loc[chosen.index, "level"] = 1.0
        after = svc.loc[in_pg, "level"].mean()
        new_total = total_gap(svc)
        steps.append((step, pc, chosen["province"].iloc[0], int(g), get_group(int(g)).name,
                      "; ".join(chosen.sort_values("service_id")["service"]), float(need[pc]), float(before),
                      float(after), float(cand[(pc, g)]), total, new_total))
        total = new_total
    return pd.DataFrame(steps, columns=[
        "step", "province_code", "province", "group_id", "group", "services_added", "need",
        "coverage_before", "coverage_after", "gap_reduction", "total_gap_before",
        "total_gap_after"])



def total_gap(svc: pd.DataFrame) -> float:
    """The national total of the gap (all-groups gap when several groups are given)."""
    cov = svc.groupby(["province_code", "group_id"])["level"].mean()
    need = svc.groupby(["province_code", "group_id"])["need"].first()
    gaps = need * (1 - cov)
    if svc["group_id"].nunique() > 1:
        gaps = gaps.groupby(level=0).mean()
    return float(gaps.sum())


