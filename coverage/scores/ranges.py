"""Rank ranges: how far a province's gap rank moves when the data or the method change.

A single rank hides how fragile it is: on the forum data, dropping one institution moves
rank 1 in four groups. :func:`rank_ranges` recomputes every group's gap ranks over a grid
of scenarios,

* the records as given, and with each institution dropped in turn (a jackknife),
* nationwide weight 0, 0.5 and 1 (:data:`~coverage.settings.RANGE_WEIGHTS`),
* need = population and need = international migrants (2008 census; only those given),

and reports per province × group the best and worst rank (``rank_min``, ``rank_max``) and in
how many scenarios the province is in the top *n*. A province is ``robust`` (robustly
underserved) only when its whole range stays in the top *n*.

A scenario counts for a group only when the group has a gap somewhere in it: dropping the
only provider of a group leaves no data, and at weight 1 a group every type of which is
claimed nationwide has no gap anywhere; neither says anything about the order of the
provinces. In a scenario that counts, a province with no gap is ranked after every province
with one (the rank it would share with the other provinces without a gap).

The levels are recomputed from a (institution × province × service type) array, so the
whole grid ((38 + 1) × 3 × 2 = 234 scenarios on the forum data, whose 38 placed
institutions are left out in turn) takes milliseconds; the test
checks it against :func:`coverage.scores.method.score_tables` run on the reduced records.

Examples
--------
>>> from coverage.scores import analyze
>>> ranges = rank_ranges(analyze())
>>> ranges.query("group_id == 2 and province == 'Kampong Cham'")[
...     ["gap_rank", "rank_min", "rank_max", "top_n", "scenarios", "robust"]].values.tolist()
[[5, 1, 8, 114, 234, False]]
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterable, Mapping

import numpy as np
import pandas as pd

from coverage.settings import RANGE_WEIGHTS, SCORE_DECIMALS, TOP_N, check_weight
from coverage.scores.inputs import ScoreInputs
from coverage.taxonomy import GROUPS, get_group, services_table

if TYPE_CHECKING:  # pragma: no cover
    from coverage.scores.result import CoverageResult

log = logging.getLogger(__name__)

__all__ = ["RANGE_COLUMNS", "rank_ranges", "need_rankings", "scenario_needs", "scenario_ranks",
           "describe_range",
           "ordinal"]

RANGE_COLUMNS = ["province_code", "province", "group_id", "group", "gap_rank", "rank_min",
                 "rank_max", "top_n", "scenarios", "robust"]


def scenario_needs(inputs: ScoreInputs) -> dict[str, pd.Series]:
    """The need indicators of the scenarios: population and migrants, where known.

    Falls back to the run's own indicator when neither covers every province.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> list(scenario_needs(analyze().inputs))
    ['population', 'migrants']
    """
    codes = inputs.provinces["code"].to_numpy()
    out = {}
    for name, values in (("population", inputs.population), ("migrants", inputs.migrants)):
        if values is None:
            continue
        values = pd.Series(values).reindex(codes).astype("Float64")
        if values.notna().all() and float(values.max()) > 0:
            out[name] = values.astype(float)
    return out or {inputs.need: inputs.indicator.reindex(codes).astype(float)}


def _presence(inputs: ScoreInputs) -> tuple[np.ndarray, np.ndarray]:
    """``local[i, p, s]``: institution i works in province p for type s; ``nationwide[i, s]``:
    it claims type s nationwide. A group-level record counts for every type of its group."""
    svc = services_table()
    n_i, n_p, n_s = max(len(inputs.institutions), 1), len(inputs.provinces), len(svc)
    group_of = svc["group_id"].to_numpy()
    served = inputs.served
    sidx = served["_sidx"].to_numpy(float)
    inst = served["_inst"].to_numpy(np.int64)
    pidx = served["_pidx"].to_numpy(np.int64)
    local = served["_local"].to_numpy(bool)
    gid = served["group_id"].to_numpy(np.int64)
    # expand group-level claims (service type <NA>) to the types of their group
    rows, types = [np.flatnonzero(~np.isnan(sidx))], [sidx[~np.isnan(sidx)].astype(np.int64)]
    for g in np.unique(gid[np.isnan(sidx)]):
        which = np.flatnonzero(np.isnan(sidx) & (gid == g))
        members = np.flatnonzero(group_of == g)
        rows.append(np.repeat(which, len(members)))
        types.append(np.tile(members, len(which)))
    row, s = np.concatenate(rows), np.concatenate(types)
    loc = np.zeros((n_i, n_p, n_s), dtype=np.int32)
    nat = np.zeros((n_i, n_s), dtype=np.int32)
    is_local = local[row]
    loc[inst[row][is_local], pidx[row][is_local], s[is_local]] = 1
    nat[inst[row][~is_local], s[~is_local]] = 1
    return loc, nat


def scenario_ranks(inputs: ScoreInputs, weights: Iterable[float],
                   needs: Mapping[str, pd.Series], jackknife: bool = True
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gap ranks in every scenario, which provinces have a gap, which scenarios count.

    Returns
    -------
    ranks : numpy.ndarray of int, shape (scenarios, provinces, groups)
        1 = largest gap; equal gaps (at the published decimals) share a rank; a province
        with no gap is ranked after every province with one. Scenarios are ordered need,
        weight, then dropped institution (none first, then each in name order; none
        only without ``jackknife``).
    ranked : numpy.ndarray of bool, same shape
        Whether the province has a gap (> 0 at the published decimals) in the scenario.
    counts : numpy.ndarray of bool, shape (scenarios, groups)
        Whether the group has a gap somewhere in the scenario (so the scenario counts).

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> r = analyze()
    >>> ranks, ranked, counts = scenario_ranks(r.inputs, [0.5], {"population": r.inputs.population})
    >>> ranks.shape, int(ranks[0, 20, 2])    # all records; Takeo (code 21), shelter
    ((39, 24, 6), 1)
    """
    loc, nat = _presence(inputs)
    n_i = loc.shape[0]
    group_of = services_table()["group_id"].to_numpy()
    n_g = len(GROUPS)
    members = [np.flatnonzero(group_of == g.id) for g in GROUPS]
    # presence with nobody dropped (row 0) and each institution dropped (rows 1..n_i)
    drop_loc, drop_nat = (loc, nat) if jackknife else (loc[:0], nat[:0])
    loc_any = np.concatenate([loc.sum(0)[None], loc.sum(0)[None] - drop_loc]) > 0
    nat_any = np.concatenate([nat.sum(0)[None], nat.sum(0)[None] - drop_nat]) > 0
    nat_any = np.broadcast_to(nat_any[:, None, :], loc_any.shape)
    offered = np.stack([(loc_any[..., m] | nat_any[..., m]).any(axis=(1, 2)) for m in members],
                       axis=1)                                  # (drops, groups)
    all_ranks, all_ranked, all_counts = [], [], []
    for need in needs.values():
        need = need.to_numpy(float)
        need = need / need.max()
        for w in weights:
            w = check_weight(w, "nationwide_weight")
            level = np.where(loc_any, 1.0, np.where(nat_any, w, 0.0))
            cov = np.stack([level[..., m].mean(axis=2) for m in members], axis=2)  # (d, p, g)
            gap = np.round(need[None, :, None] * (1.0 - np.round(cov, SCORE_DECIMALS)),
                           SCORE_DECIMALS)
            gap = np.where(offered[:, None, :], gap, 0.0)
            positive = np.where(gap > 0, gap, 0.0)
            # shared "min" rank: 1 + the number of provinces with a strictly larger gap
            rank = 1 + (positive[:, None, :, :] > positive[:, :, None, :]).sum(axis=2)
            all_ranks.append(rank)
            all_ranked.append(positive > 0)
            all_counts.append((positive > 0).any(axis=1))
    if not all_ranks:
        empty = np.zeros((0, len(inputs.provinces), n_g), dtype=int)
        return empty, empty.astype(bool), np.zeros((0, n_g), dtype=bool)
    ranks = np.concatenate(all_ranks)
    log.debug("rank ranges: %d scenarios (%d institutions dropped in turn)", len(ranks), n_i)
    return ranks, np.concatenate(all_ranked), np.concatenate(all_counts)


def rank_ranges(result: CoverageResult, weights: Iterable[float] = RANGE_WEIGHTS,
                n: int = TOP_N, jackknife: bool | None = None) -> pd.DataFrame:
    """Per province × group: the range of gap ranks over the scenarios (see the module).

    Parameters
    ----------
    result : CoverageResult
    weights : iterable of float
        Nationwide weights of the scenarios; default 0, 0.5, 1.
    n : int
        Ranks ``1..n`` are the top (ties at rank ``n`` included); 1 or more.
    jackknife : bool, optional
        Leave each institution out in turn. Default: only when nothing is withheld
        (``min_count`` 1): with case-level data, how a rank moves without one institution
        would tell where it is the only provider, which the withheld counts hide.

    Returns
    -------
    pandas.DataFrame
        One row per province × group with data (groups 1–6): ``province_code``,
        ``province``, ``group_id``, ``group``, ``gap_rank`` (of this run), ``rank_min``,
        ``rank_max`` (empty when the province has no gap in any scenario), ``top_n``
        (scenarios with rank ≤ n), ``scenarios`` (scenarios that count for the group)
        and ``robust`` (``top_n == scenarios > 0``: the whole range in the top n).

    Raises
    ------
    ValueError
        If ``n`` is below 1 or a weight is outside [0, 1].

    Examples
    --------
    Shelter on the forum data: Takeo is first in this run and stays in the top 3 in every
    scenario that counts (at weight 1 only one scenario per need has a shelter gap):

    >>> from coverage.scores import analyze
    >>> r = rank_ranges(analyze())
    >>> r.query("group_id == 3 and gap_rank <= 2")[
    ...     ["province", "gap_rank", "rank_min", "rank_max", "scenarios", "robust"]
    ... ].values.tolist()
    [['Kampong Cham', 2, 1, 4, 158, True], ['Takeo', 1, 1, 3, 158, True]]
    """
    if n < 1:
        raise ValueError(f"n must be 1 or more, not {n}")
    inputs = result.inputs
    if jackknife is None:
        jackknife = result.params.min_count <= 1
    ranks, ranked, counts = scenario_ranks(inputs, list(weights), scenario_needs(inputs),
                                           jackknife=jackknife)
    codes = inputs.provinces["code"].to_numpy()
    no_data = set(result.groups_without_data())
    parts = []
    for gi, g in enumerate(GROUPS):
        if g.id in no_data:
            continue
        use = counts[:, gi]
        r = ranks[use, :, gi]                                    # (counted scenarios, p)
        ranked_ever = ranked[use, :, gi].any(axis=0)
        part = pd.DataFrame({
            "province_code": codes, "group_id": g.id, "group": g.name,
            "rank_min": pd.array(np.where(ranked_ever, r.min(axis=0, initial=10**6), 0),
                                 dtype="Int64"),
            "rank_max": pd.array(np.where(ranked_ever, r.max(axis=0, initial=0), 0),
                                 dtype="Int64"),
            "top_n": (r <= n).sum(axis=0).astype(int),
            "scenarios": int(use.sum())})
        part.loc[~ranked_ever, ["rank_min", "rank_max"]] = pd.NA
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=RANGE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["robust"] = (out["scenarios"] > 0) & (out["top_n"] == out["scenarios"])
    bp = result.by_province[["province_code", "province", "group_id", "gap_rank"]]
    out = out.merge(bp, on=["province_code", "group_id"], how="left", validate="one_to_one")
    return out.sort_values(["group_id", "province_code"], kind="mergesort"
                           ).reset_index(drop=True)[RANGE_COLUMNS]


def describe_range(rank: object, rank_min: object, rank_max: object) -> str:
    """"1st, range 1–3" (or "1st, always 1st"; "—" for no rank).

    Examples
    --------
    >>> describe_range(1, 1, 3), describe_range(2, 2, 2), describe_range(None, 1, 4)
    ('1st, range 1–3', '2nd, always 2nd', '—')
    """
    if rank is None or pd.isna(rank):
        return "—"
    first = ordinal(int(rank))
    if pd.isna(rank_min) or pd.isna(rank_max):
        return first
    if int(rank_min) == int(rank_max):
        return f"{first}, always {ordinal(int(rank_min))}"
    return f"{first}, range {int(rank_min)}–{int(rank_max)}"


def ordinal(k: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd".

    Examples
    --------
    >>> [ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    """
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def need_rankings(result: CoverageResult, n: int = TOP_N) -> pd.DataFrame:
    """Each group's top ``n`` under need = population and under need = migrants, at this
    run's nationwide weight, side by side (only the needs known for every province).

    Returns
    -------
    pandas.DataFrame
        ``need`` ("population" or "migrants"), ``group_id``, ``gap_rank``, ``province_code``,
        ``province``, ``coverage``, ``gap``: the provinces ranked ``n`` or better.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> t = need_rankings(analyze())
    >>> t.query("group_id == 1 and need == 'migrants'")["province"].tolist()
    ['Prey Veng', 'Banteay Meanchey', 'Takeo', 'Kampong Cham', 'Kampong Thom']
    """
    from dataclasses import replace

    from coverage.scores.method import score_tables

    parts = []
    for name, indicator in scenario_needs(result.inputs).items():
        if name not in ("population", "migrants"):
            continue
        bp, _ = score_tables(replace(result.inputs, indicator=indicator),
                             result.params.nationwide_weight)
        top = bp[(bp["group_id"] > 0) & bp["gap_rank"].notna() & (bp["gap_rank"] <= n)]
        top = top[["group_id", "gap_rank", "province_code", "province", "coverage", "gap"]]
        parts.append(top.assign(need=name))
    cols = ["need", "group_id", "gap_rank", "province_code", "province", "coverage", "gap"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out["gap_rank"] = out["gap_rank"].astype(int)
    return out.sort_values(["group_id", "need", "gap_rank", "province_code"],
                           ascending=[True, False, True, True], kind="mergesort"
                           ).reset_index(drop=True)[cols]
