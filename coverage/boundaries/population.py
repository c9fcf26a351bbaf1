"""2008 census population per province, on either frame.

Examples
--------
>>> int(load_population("2010")["population"].sum())
13395682
"""
from __future__ import annotations

from importlib import resources

import pandas as pd

from coverage.settings import check_frame

__all__ = ["load_population", "read_population_table"]


def load_population(frame: str = "2010") -> pd.DataFrame:
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

