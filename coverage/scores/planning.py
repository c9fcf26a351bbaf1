"""Planning on a result: how rankings move with the nationwide weight, and where new
providers would cut the gap most.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterable

import pandas as pd

from coverage.scores.method import RANK_DECIMALS, score_tables
from coverage.settings import SENSITIVITY_WEIGHTS, TOP_N, check_weight
from coverage.taxonomy import GROUPS, get_group, group_id

if TYPE_CHECKING:
    from coverage.scores.result import CoverageResult

log = logging.getLogger(__name__)

SENSITIVITY_COLUMNS = ["nationwide_weight", "group_id", "group", "gap_rank", "province_code",
                       "province", "coverage", "gap", "robust"]


def sensitivity(result: CoverageResult,
                nationwide_weights: Iterable[float] = SENSITIVITY_WEIGHTS,
                n: int = TOP_N) -> pd.DataFrame:
    """How the top-``n`` underserved provinces of each group move with the nationwide weight.

    Parameters
    ----------
    result : CoverageResult
    nationwide_weights : iterable of float
        Each in [0, 1]; an empty iterable gives an empty table.
    n : int
        Ranks ``1..n`` count as the top (ties at rank ``n`` included); 1 or more.

    Returns
    -------
    pandas.DataFrame
        One row per weight × group × ranked province with ``gap_rank <= n`` (only
        provinces with a gap are ranked; a group with no data has no rows):
        ``nationwide_weight``, ``group_id``, ``group``, ``gap_rank``, ``province_code``,
        ``province``, ``coverage``, ``gap`` and ``robust`` (True when the province is in
        the group's top ``n`` at every weight at which the group has a gap somewhere).

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> table = sensitivity(analyze(), (0.0, 1.0), n=1)
    >>> table.query("group_id == 3")[["nationwide_weight", "province", "robust"]].values.tolist()
    [[0.0, 'Takeo', True]]

    Every shelter type is claimed nationwide, so at weight 1 no province has a shelter
    gap; Takeo is robust because weight 1 does not count against it.
    >>> sensitivity(analyze(), []).columns.tolist()[:3]
    ['nationwide_weight', 'group_id', 'group']
    """
    if n < 1:
        raise ValueError(f"n must be 1 or more, not {n}")
    parts = []
    for weight in nationwide_weights:
        weight = check_weight(weight, "nationwide_weight")
        bp, _ = score_tables(result.inputs, weight)
        top = bp[bp["gap_rank"].notna() & (bp["gap_rank"] <= n) & (bp["group_id"] > 0)]
        top = top[["group_id", "group", "gap_rank", "province_code", "province", "coverage",
                   "gap"]].copy()
        top.insert(0, "nationwide_weight", weight)
        parts.append(top)
    if not parts:
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    # robust: in the top n at every weight at which the group has any gap at all
    n_weights = out.groupby("group_id")["nationwide_weight"].transform("nunique")
    times = out.groupby(["group_id", "province_code"])["nationwide_weight"].transform("nunique")
    out["robust"] = (times == n_weights).astype(bool)
    out["gap_rank"] = out["gap_rank"].astype(int)
    return out.sort_values(["group_id", "nationwide_weight", "gap_rank", "province_code"],
                           kind="mergesort").reset_index(drop=True)[SENSITIVITY_COLUMNS]


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

    Raises
    ------
    ValueError
        If ``k`` is negative, ``max_services`` below 1, or the group has no data.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> plan = suggest_expansion(analyze(), "shelter", k=1)
    >>> plan[["province", "coverage_before", "coverage_after"]].values.tolist()
    [['Takeo', 0.5, 1.0]]
    """
    if k < 0 or max_services is not None and max_services < 1:
        raise ValueError("k must be >= 0 and max_services >= 1")
    gid = group_id(group)
    no_data = set(result.groups_without_data())
    if gid in no_data:
        raise ValueError(f"group {gid} has no data (no record offers it anywhere): there is "
                         "no gap to cut")
    svc = result.by_service[["province_code", "province", "group_id", "service_id", "service",
                             "level"]].copy()
    svc = svc[~svc["group_id"].isin(no_data)]
    bp = result.by_province
    need = bp[bp["group_id"] == 0].set_index("province_code")["need"]
    n_types = svc.groupby("group_id")["service_id"].nunique()
    n_groups = len(GROUPS)
    # the gain of a level change on the gap being cut
    svc["weight"] = svc["group_id"].map(n_types).rdiv(1.0)
    if gid == 0:
        svc["weight"] = svc["weight"] / (n_groups - len(no_data))
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
    """The national total of the gap (all-groups gap when several groups are given).

    Examples
    --------
    >>> svc = pd.DataFrame({"province_code": ["01", "01", "02"], "group_id": [3, 3, 3],
    ...                     "level": [1.0, 0.0, 0.5], "need": [1.0, 1.0, 0.5]})
    >>> total_gap(svc)
    0.75
    """
    cov = svc.groupby(["province_code", "group_id"])["level"].mean()
    need = svc.groupby(["province_code", "group_id"])["need"].first()
    gaps = need * (1 - cov)
    if svc["group_id"].nunique() > 1:
        gaps = gaps.groupby(level=0).mean()
    return float(gaps.sum())


