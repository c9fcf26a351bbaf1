"""2008 census population per province, on either frame.

Examples
--------
>>> int(load_population("2010")["population"].sum())
13395682
"""
from __future__ import annotations

from importlib import resources

import pandas as pd

from coverage.settings import CURRENT_FRAME, check_frame

__all__ = ["load_population", "read_population_table", "load_district_population", "load_migrants"]


def load_population(frame: str = CURRENT_FRAME) -> pd.DataFrame:
    """2008 census population per province on ``frame``.

    Source: National Institute of Statistics, Ministry of Planning, Cambodia – General
    Population Census of Cambodia 2008 (census date 3 March 2008; tables via Open
    Development Cambodia). On the ``"2013"`` frame, Tbong Khmum is the sum of its seven 2008
    districts and Kampong Cham the remainder (``derived`` is True for those two rows).

    Parameters
    ----------
    frame : {"2010", "2013"}

    Returns
    -------
    pandas.DataFrame
        ``province_code, province, population, derived``, sorted by code.

    Examples
    --------
    >>> pop = load_population("2013")
    >>> pop.loc[pop["province_code"] == "25", "population"].item()
    754000
    """
    frame = check_frame(frame)
    table = read_population_table()
    rows = table[table["frame"] == frame]
    return rows[["province_code", "province", "population", "derived"]].sort_values(
        "province_code").reset_index(drop=True)


def read_population_table() -> pd.DataFrame:
    """The bundled ``population_2008.csv``, both frames, all columns (with ``male``, ``female``
    and ``source_note``).

    Examples
    --------
    >>> sorted(read_population_table()["frame"].unique())
    ['2010', '2013']
    """
    path = resources.files("coverage") / "data" / "population_2008.csv"
    with resources.as_file(path) as p:
        table = pd.read_csv(p, dtype={"frame": str, "province_code": str, "province": str,
                                      "source_note": str}, encoding="utf-8")
    table["derived"] = table["derived"].astype(bool)
    for col in ("population", "male", "female"):
        table[col] = table[col].astype("int64")
    return table



def load_district_population(frame: str = CURRENT_FRAME) -> pd.DataFrame:
    """2008 census population of the 197 districts of the 2014 layer, with their province.

    Districts made after 2008 have no census row: their parent 2008 district's population
    is split by area, and ``population_basis`` says ``split`` (else ``census``); see
    ``coverage/data/POPULATION.md``.

    Returns
    -------
    pandas.DataFrame
        ``district_code, district, province_code`` (on ``frame``), ``population``,
        ``population_basis``, sorted by district code.

    Examples
    --------
    >>> pop = load_district_population("2010")
    >>> len(pop), int(pop["population"].sum()), int((pop["population_basis"] == "split").sum())
    (197, 13395682, 9)
    """
    frame = check_frame(frame)
    path = resources.files("coverage") / "data" / "district_population_2008.csv"
    with resources.as_file(path) as p:
        table = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
    province = table["province_code_2010" if frame == "2010" else "province_code"]
    return pd.DataFrame({"district_code": table["code"], "district": table["name"],
                         "province_code": province,
                         "population": table["population"].astype("int64"),
                         "population_basis": table["population_basis"]}
                        ).sort_values("district_code").reset_index(drop=True)


def load_migrants(frame: str = CURRENT_FRAME, level: str = "province") -> pd.Series:
    """International migrants aged over 18 (2008 census, by commune, summed up): a need
    indicator closer to the forum's services than population.

    Source: NIS, General Population Census 2008 / commune data 2011, as compiled in Save
    Cambodia's Wildlife, *Atlas of Cambodia* (2013), via Open Development Cambodia; built by
    ``tools/build_migrants.py``. ``level="district"`` gives the 182 districts of the 2014
    layer whose 2008 census district is theirs alone (others are missing).

    Examples
    --------
    >>> m = load_migrants("2010")
    >>> int(m.sum()), int(m["01"]), int(m["03"])
    (224018, 52131, 17866)
    >>> int(load_migrants("2013")["25"]) + int(load_migrants("2013")["03"])
    17866
    """
    frame = check_frame(frame)
    path = resources.files("coverage") / "data" / "migrants_2008.csv"
    with resources.as_file(path) as p:
        table = pd.read_csv(p, dtype={"frame": str, "code": str}, keep_default_na=False,
                            na_values={"migrants": [""]})
    rows = table[(table["level"] == level) & ((table["frame"] == frame) | (level == "district"))]
    return pd.Series(rows["migrants"].to_numpy(dtype=float), index=rows["code"].to_numpy(),
                     name="migrants").dropna()
