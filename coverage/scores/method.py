"""The method: levels per province × service type, coverage, gap and rank.

A province gets level 1 for a service type when at least one institution names it (or a
place or site in it) for that type, ``nationwide_weight`` when the type is only claimed
nationwide, 0 otherwise. A group's coverage is the mean level over all its service types;
the gap is ``need × (1 − coverage)`` where need is the indicator divided by its largest
value. See ``docs/method.md``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from coverage.errors import RecordsError
from coverage.settings import SCORE_DECIMALS
from coverage.scores.inputs import ScoreInputs
from coverage.scores.tables import BOUND_COLUMNS
from coverage.taxonomy import GROUPS, services_table

#: Values equal to this many decimals are ties (planning's greedy steps).
RANK_DECIMALS = 12
#: The label of the all-groups rows (``group_id`` 0) of ``by_province``.
ALL_GROUPS = "all groups (mean of the groups with data)"

def _compute(served: pd.DataFrame, institutions: np.ndarray, prov: pd.DataFrame,
             w: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Levels, coverage and provider/record counts (vectorised, integer-coded).

    Rows are first reduced to distinct (province, claim, institution) pairs and
    distinct (province, record) pairs; only those few pairs are expanded from a
    group-level claim to the service types of its group.
    """
    svc_tab = services_table()
    n_p, n_s, n_g = len(prov), len(svc_tab), len(GROUPS)
    s_group = svc_tab["group_id"].to_numpy() - 1
    per_group = [np.flatnonzero(s_group == g) for g in range(n_g)]
    n_k = n_s + n_g  # claim code: a service index, or n_s + group index for a group-level claim
    n_inst = max(len(institutions), 1)
    sid = served["_sidx"].to_numpy(float)
    claim = np.where(np.isnan(sid), n_s + served["group_id"].to_numpy(np.int64) - 1,
                     np.nan_to_num(sid)).astype(np.int64)
    inst, rec = served["_inst"].to_numpy(np.int64), served["_rec"].to_numpy(np.int64)
    local, pidx = served["_local"].to_numpy(bool), served["_pidx"].to_numpy(np.int64)
    n_rec = int(rec.max()) + 1 if len(rec) else 1
    rec_claim = np.full(n_rec, -1, dtype=np.int64)
    rec_claim[rec] = claim
    _check_record_claims(served, rec_claim[rec] != claim)

    def expand(key):
        """(outer * n_k + claim) keys -> (outer * n_s + service) keys, repeating group claims."""
        outer, k = key // n_k, key % n_k
        reps = np.where(k < n_s, 1, np.array([len(x) for x in per_group] + [0])[
            np.clip(k - n_s, 0, n_g)])
        src = np.repeat(np.arange(len(key)), reps)
        offs = np.arange(len(src)) - np.repeat(np.cumsum(reps) - reps, reps)
        kk = k[src]
        svc = np.where(kk < n_s, kk, 0)
        grp = kk >= n_s
        if grp.any():
            starts = np.array([x[0] for x in per_group])
            svc[grp] = starts[kk[grp] - n_s] + offs[grp]
        return src, outer[src] * n_s + svc

    # institutions: distinct (province x claim, institution), then expanded
    lp_pairs = _pairs(pidx[local] * n_k + claim[local], inst[local], n_inst, n_p * n_k)
    src, key = expand(lp_pairs // n_inst)
    lpairs_s = _pairs(key, (lp_pairs % n_inst)[src], n_inst, n_p * n_s)
    np_pairs = _pairs(claim[~local], inst[~local], n_inst, n_k)
    src, key = expand(np_pairs // n_inst)
    npairs_s = _pairs(key, (np_pairs % n_inst)[src], n_inst, n_s)
    # records: distinct (province, record); each record has one claim
    r_pairs = _pairs(pidx[local], rec[local], n_rec, n_p)
    r_p, r_rec = r_pairs // n_rec, r_pairs % n_rec
    src, key = expand(r_p * n_k + rec_claim[r_rec])
    records_s = np.bincount(key, minlength=n_p * n_s)
    r_k = rec_claim[r_rec]
    r_g = np.where(r_k < n_s, s_group[np.clip(r_k, 0, n_s - 1)], r_k - n_s)
    records_g = np.bincount(r_p * n_g + r_g, minlength=n_p * n_g)
    records_a = np.bincount(r_p, minlength=n_p)

    def counts(pairs, to_key, n_key):
        """Distinct institutions per coarser key, and the distinct (key, inst) pairs."""
        coarse = _pairs(to_key(pairs // n_inst), pairs % n_inst, n_inst, n_key)
        return np.bincount(coarse // n_inst, minlength=n_key), coarse

    ident = lambda k: k  # noqa: E731
    local_s, _ = counts(lpairs_s, ident, n_p * n_s)
    nat_s, _ = counts(npairs_s, ident, n_s)
    nat_only_s = np.tile(nat_s, n_p) - _overlap(lpairs_s, n_inst, lambda k: k % n_s,
                                                npairs_s, n_p * n_s)
    to_g = lambda k: (k // n_s) * n_g + s_group[k % n_s]  # noqa: E731
    local_g, lpairs_g = counts(lpairs_s, to_g, n_p * n_g)
    nat_g, npairs_g = counts(npairs_s, to_g, n_g)
    nat_only_g = np.tile(nat_g, n_p) - _overlap(lpairs_g, n_inst, lambda k: k % n_g,
                                                npairs_g, n_p * n_g)
    local_a, lpairs_a = counts(lpairs_s, lambda k: k // n_s, n_p)
    nat_a, npairs_a = counts(npairs_s, lambda k: np.zeros_like(k), 1)
    nat_only_a = nat_a[0] - _overlap(lpairs_a, n_inst, lambda k: np.zeros_like(k),
                                     npairs_a, n_p)

    has_nat = np.tile(nat_s > 0, n_p)
    level = np.where(local_s > 0, 1.0, np.where(has_nat, w, 0.0))
    grid_p = np.repeat(np.arange(n_p), n_s)
    grid_s = np.tile(np.arange(n_s), n_p)
    names = _institution_names(institutions, lpairs_s, npairs_s, n_p, n_s)
    by_service = pd.DataFrame({
        "province_code": prov["code"].to_numpy()[grid_p],
        "province": prov["name"].to_numpy()[grid_p],
        "group_id": svc_tab["group_id"].to_numpy()[grid_s],
        "service_id": svc_tab["service_id"].to_numpy()[grid_s],
        "service": svc_tab["service"].to_numpy()[grid_s],
        "level": level,
        "local": local_s > 0,
        "nationwide": has_nat,
        "records": pd.array(records_s, dtype="Int64"),
        "providers_local": pd.array(local_s, dtype="Int64"),
        "providers_nationwide": pd.array(nat_only_s, dtype="Int64"),
        "institutions_local": names[0],
        "institutions_nationwide": names[1],
    })
    by_province = _by_province(prov, s_group, n_g, local_s > 0, has_nat, w,
                               (records_a, local_a, nat_only_a),
                               (records_g, local_g, nat_only_g))
    return by_service, by_province


def _by_province(prov: pd.DataFrame, s_group: np.ndarray, n_g: int, local: np.ndarray,
                 nationwide: np.ndarray, w: float, counts_a: tuple,
                 counts_g: tuple) -> pd.DataFrame:
    """Per province, the all-groups row (group 0) then one row per group: coverage (the
    mean level of the group's service types; empty for a group nobody offers anywhere;
    for group 0 the mean over the groups with data), service-type counts and the
    record and provider counts given per province (``counts_a``) and per province and
    group (``counts_g``), in province then group order."""
    n_p, n_s = len(prov), len(s_group)
    member = np.zeros((n_s, n_g))
    member[np.arange(n_s), s_group] = 1.0       # service type -> its group
    per_group = member.sum(axis=0)
    grid = lambda v: v.reshape(n_p, n_s) @ member  # noqa: E731  (sums per province x group)
    n_local = grid(local.astype(float))
    n_nat_only = grid((~local & nationwide).astype(float))
    offered = (n_local + grid(nationwide.astype(float))).sum(axis=0) > 0
    # levels are 0, w or 1: a group's mean from its counts (the same as summing them)
    coverage = np.where(offered, (n_local + w * n_nat_only) / per_group, np.nan)
    with np.errstate(invalid="ignore"):
        mean_all = np.nanmean(np.where(offered, coverage, np.nan), axis=1) \
            if offered.any() else np.full(n_p, np.nan)
    rows = n_g + 1
    table = {
        "province_code": np.repeat(prov["code"].to_numpy(), rows),
        "coverage": np.column_stack([mean_all, coverage]).ravel(),
        "services_local": np.column_stack([n_local.sum(axis=1), n_local]).ravel(),
        "services_nationwide_only": np.column_stack([n_nat_only.sum(axis=1), n_nat_only]).ravel(),
        "services_total": np.tile(np.r_[n_s, per_group], n_p),
        "group_id": np.tile(np.arange(rows), n_p),
        "group": np.tile(np.array([ALL_GROUPS, *(g.name for g in GROUPS)], dtype=object), n_p),
    }
    for col, a, g in zip(("records", "providers_local", "providers_nationwide"),
                         counts_a, counts_g):
        table[col] = pd.array(np.column_stack([a, np.asarray(g).reshape(n_p, n_g)]).ravel(),
                              dtype="Int64")
    table["province"] = np.repeat(prov["name"].to_numpy(), rows)
    out = pd.DataFrame(table)
    for col in ("services_local", "services_nationwide_only", "services_total"):
        out[col] = out[col].astype(int)
    out["province_code"] = out["province_code"].astype(prov["code"].dtype)
    out["province"] = out["province"].astype(prov["name"].dtype)
    out["group"] = out["group"].astype("str")
    out["providers"] = out["providers_local"] + out["providers_nationwide"]
    return out


def _overlap(lpairs, n_inst, key_to_target, tpairs, size):
    """Per local key: how many of its institutions also claim the target nationwide."""
    if len(lpairs) == 0 or len(tpairs) == 0:
        return np.zeros(size, dtype=np.int64)
    keys, inst = lpairs // n_inst, lpairs % n_inst
    target = key_to_target(keys).astype(np.int64) * n_inst + inst
    hit = np.isin(target, tpairs)
    return np.bincount(keys[hit], minlength=size)


def _institution_names(names, lpairs, npairs, n_p, n_s):
    """``"; "``-joined institution names per province × service cell.

    Local: institutions naming the province for the type. Nationwide: institutions
    claiming the type nationwide that do not name the province for it. Pairs are
    sorted and institution codes follow the names' order, so names come out sorted.
    """
    m = max(len(names), 1)
    nat = (np.arange(n_p, dtype=np.int64)[:, None] * n_s * m + npairs[None, :]).ravel()
    nat = nat[~np.isin(nat, lpairs)]
    out = []
    for pairs in (lpairs, nat):
        arr = np.full(n_p * n_s, "", dtype=object)
        keys, values = pairs // m, names[pairs % m].tolist()
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else []
        ends = list(starts[1:]) + [len(keys)]
        for a, b in zip(starts, ends):  # one join per cell, not per row
            arr[keys[a]] = "; ".join(values[a:b])
        out.append(arr)
    return out[0], out[1]


def _pairs(key: np.ndarray, other: np.ndarray, n_other: int, n_key: int) -> np.ndarray:
    """Sorted distinct ``key * n_other + other`` codes (a bitmap when small, else hashing)."""
    code = np.asarray(key, dtype=np.int64) * n_other + np.asarray(other, dtype=np.int64)
    if n_key * n_other <= 50_000_000:
        seen = np.zeros(n_key * n_other, dtype=bool)
        seen[code] = True
        return np.flatnonzero(seen)
    return np.sort(pd.unique(code))


def _check_record_claims(served: pd.DataFrame, bad: np.ndarray) -> None:
    """Every row of one record must carry the same group and service type."""
    rows = np.flatnonzero(bad)
    if len(rows):
        row = int(rows[0])
        raise RecordsError(
            f"record {served['record_id'].iloc[row]!r} appears with different groups or "
            "service types; each record is one (group, service type) offer",
            file="served table", row=served.index[row], column="service_id")


def shared_rank(values: pd.Series, groups: pd.Series, ascending: bool) -> pd.Series:
    """Rank within each group, equal values sharing the lowest rank ("1, 2, 2, 4").

    Values are compared at :data:`~coverage.settings.SCORE_DECIMALS` decimals, as
    published; missing values get no rank.

    Examples
    --------
    >>> v = pd.Series([0.2, 0.5, 0.2, None])
    >>> shared_rank(v, pd.Series([1, 1, 1, 1]), ascending=False).tolist()
    [2, 1, 2, <NA>]
    """
    rounded = values.astype(float).round(SCORE_DECIMALS)
    rank = rounded.groupby(groups.to_numpy()).rank(method="min", ascending=ascending)
    return rank.astype("Int64")


def gap_rank(by_province: pd.DataFrame) -> pd.Series:
    """Rank by gap within each group (1 = largest); only provinces with a gap > 0 are
    ranked, and equal gaps share a rank.

    Examples
    --------
    >>> bp = pd.DataFrame({"group_id": [3, 3, 3, 3], "gap": [0.5, 0.0, 0.5, 0.25]})
    >>> gap_rank(bp).tolist()
    [1, <NA>, 1, 3]
    """
    gap = by_province["gap"].astype(float)
    return shared_rank(gap.where(gap.round(SCORE_DECIMALS) > 0), by_province["group_id"],
                       ascending=False)


def reasons(svc: pd.DataFrame) -> pd.DataFrame:
    """Per province: the service types at level 0 and those only claimed nationwide."""
    label = svc["service"] if svc["group_id"].nunique() == 1 else \
        svc["group_id"].astype(str) + "." + svc["service_id"].astype(str) + " " + svc["service"]
    tmp = pd.DataFrame({"province_code": svc["province_code"], "label": label,
                        "missing": svc["level"] == 0,
                        "nat_only": ~svc["local"] & svc["nationwide"]})
    miss = tmp[tmp["missing"]].groupby("province_code", sort=True)["label"].agg("; ".join)
    nat = tmp[tmp["nat_only"]].groupby("province_code", sort=True)["label"].agg("; ".join)
    codes = pd.Index(sorted(svc["province_code"].unique()), name="province_code")
    return pd.DataFrame({"missing_services": miss.reindex(codes, fill_value=""),
                         "nationwide_only_services": nat.reindex(codes, fill_value="")}
                        ).reset_index()




def score_tables(inputs: ScoreInputs, nationwide_weight: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``by_province`` and ``by_service`` before disclosure control.

    Examples
    --------
    >>> from coverage.scores.inputs import score_inputs
    >>> served = pd.DataFrame({"record_id": ["r1"], "group_id": [3], "service_id": [1],
    ...     "institution": ["A"], "province_code": ["12"], "basis": ["named"]})
    >>> prov = pd.DataFrame({"code": ["12", "23"], "name": ["Phnom Penh", "Kep"]})
    >>> inputs = score_inputs(served, prov, population={"12": 10, "23": 5})
    >>> bp, bs = score_tables(inputs, 0.5)
    >>> bp.query("group_id == 3")[["province_code", "coverage", "gap"]].to_numpy().tolist()
    [['12', 0.5, 0.5], ['23', 0.0, 0.5]]
    """
    by_service, by_province = _compute(inputs.served, inputs.institutions, inputs.provinces,
                                       nationwide_weight)
    ind, pop = inputs.indicator, inputs.population
    by_province["population"] = by_province["province_code"].map(
        pop.round().astype("Int64")).astype("Int64")
    by_province["need"] = by_province["province_code"].map(ind / ind.max())
    by_province["gap"] = by_province["need"] * (1.0 - by_province["coverage"])
    # claims as bounds: a nationwide claim counted as nothing (local presence) or in full
    bounds = _coverage_bounds(by_province)
    for name in ("local", "claimed"):
        by_province[f"coverage_{name}"] = bounds[name]
        by_province[f"gap_{name}"] = by_province["need"] * (1.0 - bounds[name])
    for col in ("coverage", "need", "gap", *BOUND_COLUMNS):
        by_province[col] = by_province[col].astype(float).round(SCORE_DECIMALS)
    by_province["gap_rank"] = gap_rank(by_province)
    has_data = by_province["coverage"].notna()
    by_province["coverage_rank"] = shared_rank(by_province["coverage"], by_province["group_id"],
                                               ascending=True)
    by_province["need_rank"] = shared_rank(by_province["need"].where(has_data),
                                           by_province["group_id"], ascending=False)
    local = by_province["providers_local"].astype("Float64")
    by_province["population_per_local_provider"] = (
        by_province["population"].astype("Float64") / local.where(local > 0)).round(1)
    # 3W-style density: local providers per 100,000 people and per 1,000 migrants
    migrants = inputs.migrants
    per = {"providers_local_per_100k": (by_province["population"].astype("Float64"), 1e5),
           "providers_local_per_1000_migrants": (
               by_province["province_code"].map(migrants).astype("Float64")
               if migrants is not None else pd.Series(pd.NA, index=by_province.index,
                                                      dtype="Float64"), 1e3)}
    for col, (base, scale) in per.items():  # empty, like coverage, for a group with no data
        by_province[col] = (local * scale / base.where(base > 0)).astype(float).round(
            SCORE_DECIMALS).where(has_data)
    return by_province, by_service



def _coverage_bounds(by_province: pd.DataFrame) -> dict[str, pd.Series]:
    """Coverage with every nationwide claim counted as nothing, and counted in full.

    Per group: the share of service types with a local provider, and with a local provider
    or a nationwide claim; group 0 is the mean over the groups with data; no data stays
    empty. Coverage at nationwide weight ``w`` is ``local + w × (claimed − local)``.

    Examples
    --------
    >>> bp = pd.DataFrame({"province_code": ["01"] * 3, "group_id": [0, 1, 2],
    ...     "coverage": [0.5, 0.5, 0.5], "services_local": [3, 1, 2],
    ...     "services_nationwide_only": [2, 2, 0], "services_total": [8, 4, 4]})
    >>> {k: v.tolist() for k, v in _coverage_bounds(bp).items()}
    {'local': [0.375, 0.25, 0.5], 'claimed': [0.625, 0.75, 0.5]}
    """
    total = by_province["services_total"].astype(float)
    has_data = by_province["coverage"].notna()
    out = {"local": by_province["services_local"] / total,
           "claimed": (by_province["services_local"]
                       + by_province["services_nationwide_only"]) / total}
    groups = by_province["group_id"] > 0
    for name, value in out.items():
        value = value.astype(float).where(has_data)
        mean = value[groups].groupby(by_province.loc[groups, "province_code"]).mean()
        out[name] = value.where(groups, by_province["province_code"].map(mean))
    return out
