"""Coverage below the province: levels, coverage, gap and rank per district of the 2014 layer.

For district *d* and service type *s* the level is the highest that applies:

* 1 where a named place (a district, commune or town in *d*) or a site in *d* offers *s*;
* ``province_weight`` where a provider names only *d*'s province for *s*;
* ``nationwide_weight`` where *s* is only claimed nationwide;
* 0 otherwise.

Coverage, gap (need = 2008 census population of the district, relative to the largest),
ranks (only where the gap is above 0; equal gaps share a rank) and the provider counts
follow the province method (``docs/method.md``): a group that no record offers anywhere
has no data (empty coverage, gap and rank), not zero, and group 0 is the mean over the
groups with data.

Examples
--------
>>> import pandas as pd
>>> served = pd.DataFrame({
...     "record_id": ["r1", "r2"], "group_id": [3, 5], "service_id": [1, 1],
...     "institution": ["A", "B"], "province_code": ["22", "02"],
...     "district_code": ["22-01", ""], "basis": ["site", "named"]})
>>> bd, _ = district_tables(served, "2013", nationwide_weight=0.5, province_weight=0.75)
>>> row = lambda d, g: bd[(bd["district_code"] == d) & (bd["group_id"] == g)].iloc[0]
>>> float(row("22-01", 3)["coverage"]), float(row("22-02", 3)["coverage"])  # shelter: 2 types
(0.5, 0.0)
>>> float(row("02-01", 5)["coverage"]) == 0.75 / 4                        # legal aid: 4 types
True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from coverage.boundaries.population import load_district_population
from coverage.places import provinces
from coverage.records.schema import LOCAL_BASES
from coverage.scores.method import RANK_DECIMALS
from coverage.taxonomy import groups_table, services_table

__all__ = ["DISTRICT_COLUMNS", "DISTRICT_SERVICE_COLUMNS", "DISTRICT_COUNT_COLUMNS",
           "district_tables", "district_sensitivity"]

#: ``by_district``: one row per district × group (0 = all groups).
DISTRICT_COLUMNS = ("district_code", "district", "province_code", "province", "group_id",
                    "group", "records", "providers", "providers_local", "providers_province",
                    "providers_nationwide", "services_total", "coverage", "population",
                    "population_basis", "need", "gap", "gap_rank")
#: Counts of ``by_district``; withheld as a whole when ``min_count`` is above 1.
DISTRICT_COUNT_COLUMNS = ("records", "providers", "providers_local", "providers_province",
                          "providers_nationwide")
#: ``by_district_service``: one row per district × service type.
DISTRICT_SERVICE_COLUMNS = ("district_code", "district", "province_code", "group_id",
                            "service_id", "service", "level", "local", "province_only",
                            "nationwide")


def _distinct(served: pd.DataFrame, mask: np.ndarray, cols: list[str]) -> pd.DataFrame:
    """Distinct values of ``cols`` among the rows in ``mask``, found on integer codes first
    (millions of served rows reduce to a few thousand before any text is touched)."""
    codes, uniques = [], []
    for col in cols:
        c, u = pd.factorize(served[col].to_numpy()[mask], use_na_sentinel=True)
        codes.append(c.astype(np.int64) + 1)
        uniques.append(np.append(np.array([None], dtype=object), np.asarray(u, dtype=object)))
    key = np.zeros(int(mask.sum()), dtype=np.int64)
    for c, u in zip(codes, uniques):
        key = key * len(u) + c
    _, first = np.unique(key, return_index=True)
    return pd.DataFrame({col: u[c[first]] for col, c, u in zip(cols, codes, uniques)})


def _claims(served: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Distinct claims by how they reach a district, one row per service type (a
    group-level claim names every type of its group)."""
    basis = served["basis"].astype(object).to_numpy() if not isinstance(
        served["basis"].dtype, pd.CategoricalDtype) else np.asarray(served["basis"])
    district = served["district_code"].astype(object).fillna("").to_numpy()
    local = np.isin(basis, LOCAL_BASES)
    has_district = district != ""
    keys = ["group_id", "service_id", "institution"]
    parts = {
        "local": _distinct(served, local & has_district, ["district_code", *keys, "record_id"]),
        "province": _distinct(served, local & ~has_district, ["province_code", *keys]),
        "nationwide": _distinct(served, basis == "nationwide", keys),
    }
    svc = services_table()[["group_id", "service_id"]]
    out = {}
    for name, table in parts.items():
        table = table.assign(group_id=table["group_id"].astype(int),
                             institution=table["institution"].astype(str))
        given = table["service_id"].notna()
        whole = table[~given].drop(columns="service_id").merge(svc, on="group_id")
        typed = table[given].astype({"service_id": int})
        out[name] = pd.concat([typed, whole[typed.columns]], ignore_index=True)
    return out


def _presence(claims: dict[str, pd.DataFrame], districts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Distinct (district, group, type, institution) by how the institution reaches it."""
    keys = ["group_id", "service_id", "institution"]
    local = claims["local"][["district_code", *keys]].drop_duplicates()
    province = claims["province"].astype({"province_code": str}).merge(
        districts[["district_code", "province_code"]], on="province_code")[["district_code", *keys]]
    nationwide = districts[["district_code"]].merge(claims["nationwide"][keys].drop_duplicates(),
                                                    how="cross")
    return {"local": local, "province": province, "nationwide": nationwide}


def _levels(presence: dict[str, pd.DataFrame], districts: pd.DataFrame, w_nat: float,
            w_prov: float) -> pd.DataFrame:
    """One row per district × service type: level and how it is reached."""
    svc = services_table()[["group_id", "service_id", "service"]]
    grid = districts[["district_code", "district", "province_code"]].merge(svc, how="cross")
    on = ["district_code", "group_id", "service_id"]
    for name, table in presence.items():
        hit = table[on].drop_duplicates().assign(**{f"_{name}": True})
        grid = grid.merge(hit, on=on, how="left")
        grid[f"_{name}"] = grid[f"_{name}"].fillna(False).astype(bool)
    grid["level"] = np.select([grid["_local"], grid["_province"], grid["_nationwide"]],
                              [1.0, w_prov, w_nat], 0.0)
    return grid.rename(columns={"_local": "local", "_province": "province_only",
                                "_nationwide": "nationwide"})


def _counts(presence: dict[str, pd.DataFrame], local: pd.DataFrame) -> pd.DataFrame:
    """Distinct institutions (local, province-wide, nationwide only) and records per district × group."""
    frames = []
    seen = None
    for name in ("local", "province", "nationwide"):
        pairs = presence[name][["district_code", "group_id", "institution"]].drop_duplicates()
        if seen is not None:  # an institution counts once, at its finest reach
            pairs = pairs.merge(seen, how="left", indicator=True)
            pairs = pairs[pairs["_merge"] == "left_only"].drop(columns="_merge")
        seen = pairs if seen is None else pd.concat([seen, pairs])
        frames.append(pairs.groupby(["district_code", "group_id"]).size().rename(
            f"providers_{name}"))
    records = local[["district_code", "group_id", "record_id"]].drop_duplicates()
    frames.append(records.groupby(["district_code", "group_id"]).size().rename("records"))
    return pd.concat(frames, axis=1)


def _rank(table: pd.DataFrame) -> pd.Series:
    """Rank by gap within each group, largest first, only where the gap is above 0."""
    gap = table["gap"].round(RANK_DECIMALS)
    rank = gap.where(gap > 0).groupby(table["group_id"]).rank(method="min", ascending=False)
    return rank.astype("Int64")


def district_tables(served: pd.DataFrame, frame: str, *, nationwide_weight: float,
                    province_weight: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``by_district`` and ``by_district_service`` of a served table (with ``district_code``).

    Parameters
    ----------
    served : pandas.DataFrame
        The served table of :func:`coverage.resolve_records`.
    frame : {"2010", "2013"}
        The frame whose province each district belongs to.
    nationwide_weight, province_weight : float
        The level of a type claimed only nationwide, and only for the whole province.

    Returns
    -------
    by_district, by_district_service : pandas.DataFrame
        :data:`DISTRICT_COLUMNS` and :data:`DISTRICT_SERVICE_COLUMNS`.
    """
    districts = load_district_population(frame)
    claims = _claims(served)
    presence = _presence(claims, districts)
    by_service = _levels(presence, districts, nationwide_weight, province_weight)
    groups = by_service.groupby(["district_code", "group_id"], sort=True).agg(
        coverage=("level", "mean"), services_total=("level", "size")).reset_index()
    # no data is not zero (as for provinces): a group nobody offers anywhere has no
    # coverage, gap or rank, and group 0 is the mean over the groups with data
    offered = (by_service["local"] | by_service["province_only"]
               | by_service["nationwide"]).groupby(by_service["group_id"]).any()
    groups["coverage"] = groups["coverage"].where(groups["group_id"].map(offered).astype(bool))
    overall = groups.groupby("district_code", sort=True).agg(
        coverage=("coverage", "mean"), services_total=("services_total", "sum")).reset_index()
    table = pd.concat([overall.assign(group_id=0), groups], ignore_index=True)
    counts = _counts(presence, claims["local"])
    counts_all = _counts({k: v.assign(group_id=0) for k, v in presence.items()},
                         claims["local"].assign(group_id=0))
    table = table.merge(pd.concat([counts, counts_all]).reset_index(),
                        on=["district_code", "group_id"], how="left")
    for col in ("records", "providers_local", "providers_province", "providers_nationwide"):
        table[col] = table[col].fillna(0).astype("Int64")
    table["providers"] = (table["providers_local"] + table["providers_province"]
                          + table["providers_nationwide"])
    table = table.merge(districts, on="district_code", how="left")
    table = table.merge(groups_table()[["group_id", "group"]], on="group_id", how="left")
    table["group"] = table["group"].fillna("all")
    table["need"] = table["population"] / districts["population"].max()
    table["gap"] = table["need"] * (1.0 - table["coverage"])
    table["gap_rank"] = _rank(table)
    table["province"] = table["province_code"].map(
        dict(zip(provinces(frame)["code"], provinces(frame)["name"])))
    table = table.sort_values(["district_code", "group_id"], kind="mergesort")
    return (table[list(DISTRICT_COLUMNS)].reset_index(drop=True),
            by_service[list(DISTRICT_SERVICE_COLUMNS)].reset_index(drop=True))



def district_sensitivity(served: pd.DataFrame, frame: str, *,
                         nationwide_weights=(0.0, 0.5, 1.0), province_weights=(0.5, 0.75, 1.0),
                         n: int = 5) -> pd.DataFrame:
    """How each group's top-``n`` districts move with both weights.

    Returns one row per weight pair × group × district in that pair's top ``n`` (districts
    with a gap only), with ``robust``: True when the district is in the group's top ``n``
    at every weight pair at which the group has a gap somewhere.

    Examples
    --------
    >>> from coverage.scores import analyze
    >>> table = district_sensitivity(analyze(level="district").served, "2010", n=3)
    >>> sorted(table["province_weight"].unique().tolist())
    [0.5, 0.75, 1.0]
    """
    parts = []
    for w_nat in nationwide_weights:
        for w_prov in province_weights:
            table, _ = district_tables(served, frame, nationwide_weight=w_nat,
                                       province_weight=w_prov)
            top = table[table["gap_rank"].notna() & (table["gap_rank"] <= n)]
            parts.append(top[["group_id", "group", "gap_rank", "district_code", "district",
                              "province", "coverage", "gap"]].assign(
                nationwide_weight=float(w_nat), province_weight=float(w_prov)))
    out = pd.concat(parts, ignore_index=True)
    pairs = out.groupby("group_id")[["nationwide_weight", "province_weight"]].apply(
        lambda d: len(d.drop_duplicates()))
    seen = out.groupby(["group_id", "district_code"])[["nationwide_weight", "province_weight"]
                                                      ].apply(lambda d: len(d.drop_duplicates()))
    out["robust"] = [seen[(g, d)] == pairs[g] for g, d in zip(out["group_id"], out["district_code"])]
    return out.sort_values(["group_id", "nationwide_weight", "province_weight", "gap_rank"],
                           kind="mergesort").reset_index(drop=True)
