"""Build ``coverage/data/district_population_2008.csv``: 2008 census population of the 197
districts of 2014 (run by hand, never at install or test time).

Reads ``../shared/data/population/khm_census2008_district_population.csv`` (193 districts,
NIS 2008) and the bundled districts (``coverage.boundaries.load_districts``), and gives
each 2014 district a population, in four steps, each recorded in ``method``:

1. ``code``: the district's ``census2008_code`` (same normalised name in the same
   province, from the boundary source) -> that census row (``population_basis=census``).
2. ``name``: a district still without a row and a 2008 district of the same 2008
   province that no district claims, with similar names (spelling variants such as
   "Ruessei Kaev" / "Russey Keo": normalised, "Krong" dropped, rapidfuzz ratio >= 60,
   each the other's best) -> that census row (``census``).
3. ``orphan pool``: 2008 districts still unclaimed in a province have their population
   pooled and split by area among that province's districts still without a row
   (``split``).
4. ``parent by longest border``: any district still without a row gets as parent the
   already-joined district of its 2008 province with which it shares the longest border;
   the parent's 2008 population is split by area among the parent and all such children
   (all ``split``).

Splits use the largest-remainder method, so every 2008 province keeps its census total and
the country its 13,395,682. Usage (from the repository root)::

    .venv/bin/python tools/build_district_population.py coverage/data/district_population_2008.csv
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from coverage.boundaries import load_districts  # noqa: E402

log = logging.getLogger("tools.district_population")

CENSUS = REPO.parent / "shared" / "data" / "population" / "khm_census2008_district_population.csv"
NATIONAL_TOTAL = 13_395_682
NAME_CUTOFF = 60.0
COLUMNS = ["code", "name", "province_code", "province_code_2010", "census2008_code",
           "population", "population_basis", "method"]


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", re.sub(r"^krong\s+", "", name.lower()))


def split(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` split in proportion to ``weights`` into integers that sum to it.

    >>> split(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    """
    exact = total * weights / weights.sum()
    out = np.floor(exact).astype(int)
    order = np.argsort(-(exact - out), kind="stable")
    out[order[: total - out.sum()]] += 1
    return out


def join_by_name(table: pd.DataFrame, census: pd.DataFrame) -> None:
    """Step 2: spelling variants between unclaimed rows on both sides, per 2008 province."""
    for prov, group in table[table["method"] == ""].groupby("province_code_2010"):
        free = census[(census["nis_prov_code_2008"] == prov)
                      & ~census["nis_dist_code"].isin(table["census2008_code"])]
        if free.empty:
            continue
        scores = np.array([[fuzz.ratio(_key(a), _key(b)) for b in free["district_name_source"]]
                           for a in group["name"]])
        for i, idx in enumerate(group.index):
            j = int(scores[i].argmax())
            if scores[i, j] >= NAME_CUTOFF and int(scores[:, j].argmax()) == i:
                row = free.iloc[j]
                log.info("name: %s = %s %s (%.0f)", table.at[idx, "name"], row["nis_dist_code"],
                         row["district_name_source"], scores[i, j])
                table.loc[idx, ["census2008_code", "method"]] = [row["nis_dist_code"], "name"]


def orphan_pools(table: pd.DataFrame, census: pd.DataFrame, area: pd.Series) -> None:
    """Step 3: unclaimed 2008 districts split by area among a province's unjoined districts."""
    orphans = census[~census["nis_dist_code"].isin(table["census2008_code"])]
    for prov, rows in orphans.groupby("nis_prov_code_2008"):
        todo = table.index[(table["method"] == "") & (table["province_code_2010"] == prov)]
        if len(todo) == 0:
            raise SystemExit(f"2008 districts {rows['nis_dist_code'].tolist()} have no 2014 heir")
        shares = split(int(rows["population"].sum()), area[todo].to_numpy())
        table.loc[todo, "population"] = shares
        table.loc[todo, "census2008_code"] = "+".join(rows["nis_dist_code"])
        table.loc[todo, "method"] = "orphan pool"
        log.info("orphan pool %s -> %s", rows["nis_dist_code"].tolist(), table.loc[todo, "name"].tolist())


def longest_border_parents(table: pd.DataFrame, geometry: pd.Series) -> dict[int, int]:
    """Step 4: each remaining district -> joined district of its 2008 province, longest border."""
    parents = {}
    for idx in table.index[table["method"] == ""]:
        same = table.index[(table["province_code_2010"] == table.at[idx, "province_code_2010"])
                           & table["method"].isin(["code", "name"])]
        border = shapely.length(shapely.intersection(geometry[same].values,
                                                     geometry[idx].boundary))
        if border.max() <= 0:
            raise SystemExit(f"{table.at[idx, 'name']}: no joined neighbour in its province")
        parents[idx] = int(same[int(border.argmax())])
    return parents


def build(census_path: Path = CENSUS) -> pd.DataFrame:
    """The district population table (see the module docstring)."""
    census = pd.read_csv(census_path, dtype={"nis_dist_code": str, "nis_prov_code_2008": str})
    d = load_districts("2013")
    d["province_code_2010"] = load_districts("2010")["province_code"]
    table = d[["code", "name", "province_code", "province_code_2010", "census2008_code"]].copy()
    table["method"] = np.where(table["census2008_code"] != "", "code", "")
    table["population"] = 0
    join_by_name(table, census)
    pop = census.set_index("nis_dist_code")["population"]
    joined = table["method"].isin(["code", "name"])
    table.loc[joined, "population"] = table.loc[joined, "census2008_code"].map(pop).to_numpy()
    area = d.geometry.to_crs("EPSG:6933").area
    orphan_pools(table, census, area)
    parents = longest_border_parents(table, d.geometry)
    for parent in set(parents.values()):
        family = [parent] + sorted(i for i, p in parents.items() if p == parent)
        table.loc[family, "population"] = split(int(pop[table.at[parent, "census2008_code"]]),
                                                area[family].to_numpy())
        table.loc[family[1:], "census2008_code"] = table.at[parent, "census2008_code"]
        table.loc[family[1:], "method"] = "parent by longest border"
        log.info("split %s among %s", table.at[parent, "name"], table.loc[family, "name"].tolist())
    table["population_basis"] = np.where(table["method"].isin(["code", "name"]), "census", "split")
    table.loc[list(parents.values()), "population_basis"] = "split"
    check(table, census)
    return table[COLUMNS]


def check(table: pd.DataFrame, census: pd.DataFrame) -> None:
    """Totals per 2008 province and for the country equal the census."""
    got = table.groupby("province_code_2010")["population"].sum()
    want = census.groupby("nis_prov_code_2008")["population"].sum()
    if not got.equals(want.reindex(got.index)) or int(got.sum()) != NATIONAL_TOTAL:
        raise SystemExit("district totals do not add up to the census")
    log.info("%d districts, %d people; %s", len(table), got.sum(),
             table["method"].value_counts().to_dict())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="CSV to write")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    build().to_csv(args.out, index=False, lineterminator="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
