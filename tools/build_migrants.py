"""Build ``coverage/data/migrants_2008.csv``: international migrants aged over 18, summed from
communes to provinces (both frames) and to the 197 districts of the 2014 layer.

Source (read from ``../shared/data/need/``, SHA-256 checked): "International migrants aged
over 18 by commune: NIS, General Population Census 2008 / commune data 2011, as compiled in
Save Cambodia's Wildlife, Atlas of Cambodia (2013), via Open Development Cambodia" (column
``Both_IM_18``; 1,621 communes, 24 provinces; pre-2013 codes, so Tbong Khmum's communes carry
Kampong Cham's code 03).

* provinces, 2010 frame: communes summed by the first two digits of ``Com_Code``;
* provinces, 2013 frame: the same, with the communes of Tbong Khmum's seven districts (their
  2008 census codes, from the district layer's ``census2008_code``) moved to code 25;
* districts: communes summed by the first four digits (the 2008 census district) and given to
  the one 2014 district with that census code. A census district split after 2008 (several
  2014 districts share its code) cannot be divided without commune boundaries: its districts
  get no value and are listed in the build's output (``basis`` says which).

Run from the repository root:  python tools/build_migrants.py coverage/data/migrants_2008.csv
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "need" / "khm_international_migrants_commune.csv"
SHA256 = "5638566c123b5ab3ce8acca8397b67fffb99a72c0aaea78bd87622b48e3649d0"


def build() -> pd.DataFrame:
    sys.path.insert(0, str(ROOT))
    from coverage.boundaries import load_districts

    data = SOURCE.read_bytes()
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise SystemExit(f"{SOURCE}: SHA-256 differs from the one this script was written for")
    communes = pd.read_csv(SOURCE, dtype={"Com_Code": str})
    migrants = communes["Both_IM_18"].astype(int)
    district_2008 = communes["Com_Code"].str[:4]
    layer = load_districts("2013").drop(columns="geometry")
    tbong_khmum = set(layer.loc[layer["province_code"] == "25", "census2008_code"].dropna())
    rows = []
    for frame in ("2010", "2013"):
        code = communes["Com_Code"].str[:2]
        if frame == "2013":
            code = code.where(~district_2008.isin(tbong_khmum), "25")
        for c, total in migrants.groupby(code).sum().items():
            rows.append(("province", frame, c, int(total), "communes summed"))
    by_2008 = migrants.groupby(district_2008).sum()
    shared = layer["census2008_code"].value_counts()
    for d in layer.itertuples():
        code = d.census2008_code if isinstance(d.census2008_code, str) else ""
        if not code or code not in by_2008.index:
            rows.append(("district", "", d.code, None, "no 2008 census district"))
        elif shared[code] > 1:
            rows.append(("district", "", d.code, None, f"2008 district {code} split after 2008"))
        else:
            rows.append(("district", "", d.code, int(by_2008[code]), "communes summed"))
    out = pd.DataFrame(rows, columns=["level", "frame", "code", "migrants", "basis"])
    out["migrants"] = out["migrants"].astype("Int64")
    return out


if __name__ == "__main__":
    table = build()
    table.to_csv(sys.argv[1], index=False, encoding="utf-8", lineterminator="\n")
    d = table[table["level"] == "district"]
    print(f"districts with a value: {d['migrants'].notna().sum()} of {len(d)}")
    print(table[table["level"] == "province"].groupby("frame")["migrants"].sum().to_string())
