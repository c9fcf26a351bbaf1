"""The plain code a user would write instead of each library stage, doing the same work.

* :func:`resolve_fuzzy`: deduplicate the area texts, ``rapidfuzz.process.extractOne`` each
  distinct text once against the province names, expand back to one served row per record;
* :func:`resolve_floor`: the least any resolver can do: one dict lookup per distinct text
  (the answers are given) and the merge that expands them to served rows;
* :func:`scores`: every column of ``by_province`` and ``by_service`` (before disclosure
  control) with pandas drop_duplicates / groupby / merge;
* :func:`sjoin`: ``geopandas.sjoin(points, provinces, predicate="within")``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

FUZZ_CUTOFF = 80  # extractOne's score_cutoff: below it, "no province"
LOCAL = ("named", "site")


def province_names(frame: str) -> tuple[list[str], list[str]]:
    """English names and codes of the provinces of ``frame``."""
    from coverage.places import provinces
    table = provinces(frame).sort_values("code")
    return table["name"].tolist(), table["code"].tolist()


def fuzzy_lookup(texts: list[str], names: list[str], codes: list[str]) -> list[str | None]:
    """One ``extractOne`` per text (rapidfuzz's ``default_process``: lower case, no punctuation)."""
    from rapidfuzz import process, utils

    out = []
    for text in texts:
        match = process.extractOne(text, names, processor=utils.default_process,
                                   score_cutoff=FUZZ_CUTOFF)
        out.append(codes[match[2]] if match else None)
    return out


def resolve_fuzzy(records: pd.DataFrame, names: list[str], codes: list[str]) -> pd.DataFrame:
    """Served rows the plain way: distinct texts looked up once, mapped back to the records."""
    uniq = records["area_text"].dropna().unique().tolist()
    found = dict(zip(uniq, fuzzy_lookup(uniq, names, codes)))
    code = records["area_text"].map(found)
    keep = code.notna().to_numpy()
    cols = ["record_id", "group_id", "service_id", "institution"]
    return records.loc[keep, cols].assign(province_code=code[keep].to_numpy())


def resolve_floor(records: pd.DataFrame,
                  answers: dict[str, tuple[tuple[str, str], ...]]) -> pd.DataFrame:
    """The floor: a dict lookup per distinct text (answers known: its (province, district)
    rows), then the expanding merge."""
    uniq = records["area_text"].dropna().unique()
    pairs = [(t, c, d) for t in uniq for c, d in answers.get(t, ())]
    table = pd.DataFrame(pairs, columns=["area_text", "province_code", "district_code"])
    cols = ["record_id", "group_id", "service_id", "institution", "area_text"]
    return records[cols].merge(table, on="area_text", how="inner")


def sjoin(sites: pd.DataFrame, polygons):
    """Plain geopandas: points from lon/lat, then ``sjoin(..., predicate="within")``."""
    import geopandas as gpd

    points = gpd.GeoDataFrame(sites, geometry=gpd.points_from_xy(sites["lon"], sites["lat"]),
                              crs=4326)
    return gpd.sjoin(points, polygons[["code", "geometry"]], how="left", predicate="within")


def _not_local(nat: pd.DataFrame, local: pd.DataFrame, prov: pd.Series, on: list[str]) -> pd.DataFrame:
    """Nationwide (key, institution) pairs, per province, that are not local there."""
    every = nat.merge(prov.to_frame(), how="cross")
    marked = every.merge(local[["province_code", *on, "institution"]], how="left",
                         on=["province_code", *on, "institution"], indicator=True)
    return marked[marked["_merge"] == "left_only"].drop(columns="_merge")


def scores(served: pd.DataFrame, frame: str, nationwide_weight: float = 0.5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``by_province`` and ``by_service`` as docs/method.md defines them, in plain pandas.

    A province has level 1 for a service type when an institution serves it there (named or
    site), the nationwide weight when the type is only claimed nationwide, 0 otherwise; a
    group's coverage is the mean level over its types (group 0: mean of the groups); counts
    are distinct records and institutions; gap = need x (1 - coverage), need = population /
    largest population; scores at the published decimals; rank by gap within a group, only
    gaps > 0, equal gaps sharing a rank; people per local provider to 0.1.
    """
    from coverage.boundaries.population import load_population
    from coverage.places import provinces
    from coverage.scores.method import ALL_GROUPS  # the label of the group-0 summary rows
    from coverage.settings import SCORE_DECIMALS
    from coverage.taxonomy import groups_table, services_table

    types = services_table()[["group_id", "service_id", "service"]]
    prov = provinces(frame)[["code", "name"]].rename(columns={"code": "province_code",
                                                            "name": "province"})
    s = pd.DataFrame({"record_id": served["record_id"].astype(str),
                      "group_id": served["group_id"].astype(int),
                      "service_id": served["service_id"].astype("Int64"),
                      "institution": served["institution"].astype(str).str.strip(),
                      "province_code": served["province_code"].astype(str),
                      "basis": served["basis"].astype(str)})
    is_local = s["basis"].isin(LOCAL)
    # distinct claims first, then a group-level claim (no service_id) becomes every type
    keys = ["province_code", "group_id", "service_id", "institution"]
    claims = s.loc[is_local, keys].drop_duplicates()
    nat = s.loc[~is_local, ["group_id", "service_id", "institution"]].drop_duplicates()
    recs = s.loc[is_local, ["province_code", "group_id", "service_id", "record_id"]].drop_duplicates()

    def by_type(df: pd.DataFrame) -> pd.DataFrame:
        whole = df[df["service_id"].isna()].drop(columns="service_id").merge(
            types[["group_id", "service_id"]], on="group_id")
        out = pd.concat([df[df["service_id"].notna()], whole], ignore_index=True)
        return out.astype({"service_id": int}).drop_duplicates()

    claims, nat, recs = by_type(claims), by_type(nat), by_type(recs)
    cell = ["province_code", "group_id", "service_id"]
    nat_only = _not_local(nat, claims, prov["province_code"], ["group_id", "service_id"])

    def names(df):
        return df.sort_values("institution").groupby(cell)["institution"].agg("; ".join)

    svc = prov.merge(types, how="cross").set_index(cell)
    svc["records"] = recs.groupby(cell).size()
    svc["providers_local"] = claims.groupby(cell).size()
    svc["providers_nationwide"] = nat_only.groupby(cell).size()
    svc["institutions_local"] = names(claims)
    svc["institutions_nationwide"] = names(nat_only)
    svc = svc.reset_index()
    svc[["records", "providers_local", "providers_nationwide"]] = svc[
        ["records", "providers_local", "providers_nationwide"]].fillna(0).astype(int)
    svc[["institutions_local", "institutions_nationwide"]] = svc[
        ["institutions_local", "institutions_nationwide"]].fillna("")
    svc["local"] = svc["providers_local"] > 0
    nat_types = nat[["group_id", "service_id"]].drop_duplicates().assign(nationwide=True)
    svc = svc.merge(nat_types, how="left", on=["group_id", "service_id"])
    svc["nationwide"] = svc["nationwide"].eq(True)
    svc["level"] = np.where(svc["local"], 1.0, np.where(svc["nationwide"], nationwide_weight, 0.0))

    svc["nationwide_only"] = svc["nationwide"] & ~svc["local"]
    grp = svc.groupby(["province_code", "group_id"], as_index=False).agg(
        coverage=("level", "mean"), services_local=("local", "sum"),
        services_nationwide_only=("nationwide_only", "sum"), services_total=("level", "size"))
    everyone = grp.groupby("province_code", as_index=False).agg(
        coverage=("coverage", "mean"), services_local=("services_local", "sum"),
        services_nationwide_only=("services_nationwide_only", "sum"),
        services_total=("services_total", "sum")).assign(group_id=0)
    local_rows = s[is_local]
    g_inst = local_rows[["province_code", "group_id", "institution"]].drop_duplicates()
    g_nat = _not_local(nat[["group_id", "institution"]].drop_duplicates(), g_inst,
                       prov["province_code"], ["group_id"])
    a_inst = g_inst[["province_code", "institution"]].drop_duplicates()
    a_nat = _not_local(nat[["institution"]].drop_duplicates(), a_inst, prov["province_code"], [])
    g_rec = local_rows[["province_code", "group_id", "record_id"]].drop_duplicates()
    count = {
        "records": (g_rec, local_rows[["province_code", "record_id"]].drop_duplicates()),
        "providers_local": (g_inst, a_inst),
        "providers_nationwide": (g_nat, a_nat),
    }
    grp = grp.set_index(["province_code", "group_id"])
    everyone = everyone.set_index(["province_code", "group_id"])
    for col, (per_group, per_province) in count.items():
        grp[col] = per_group.groupby(["province_code", "group_id"]).size()
        everyone[col] = per_province.groupby("province_code").size().reindex(
            everyone.index.get_level_values(0)).to_numpy()
    out = pd.concat([everyone, grp]).reset_index()
    for col in count:
        out[col] = out[col].fillna(0).astype(int)
    out["providers"] = out["providers_local"] + out["providers_nationwide"]
    out = out.merge(prov, on="province_code").merge(
        pd.concat([pd.DataFrame({"group_id": [0], "group": [ALL_GROUPS]}),
                   groups_table()[["group_id", "group"]]]), on="group_id")
    pop = load_population(frame).set_index("province_code")["population"]
    out["population"] = out["province_code"].map(pop)
    out["need"] = out["province_code"].map(pop / pop.max())
    out["gap"] = out["need"] * (1 - out["coverage"])
    for col in ("coverage", "need", "gap"):  # published at SCORE_DECIMALS, ranked as published
        out[col] = out[col].round(SCORE_DECIMALS)
    out["gap_rank"] = out["gap"].where(out["gap"] > 0).groupby(out["group_id"]).rank(
        method="min", ascending=False).astype("Int64")
    local_n = out["providers_local"].where(out["providers_local"] > 0)
    out["population_per_local_provider"] = (out["population"] / local_n).round(1)
    return (out.sort_values(["province_code", "group_id"]).reset_index(drop=True),
            svc.sort_values(cell).reset_index(drop=True))
