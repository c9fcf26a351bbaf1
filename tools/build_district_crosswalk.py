"""Build ``coverage/data/district_crosswalk.csv``: MEF 2025 district code -> 2014 layer district.

Place resolution names districts by their MEF 2025 code (the vendored lists); the bundled
district layer is the 2014 one. They are matched within each province, in this order:

1. ``census_code``: the MEF code equals the layer district's 2008 census code;
2. ``name``: the normalised English names are equal (``coverage.places.text.key``);
3. ``similar name``: the romanisations differ (Chetr/Chet Borei, Memot/Memut …): the one
   remaining layer district of the province whose name scores at least 80 with
   ``rapidfuzz.fuzz.ratio`` on the normalised keys, with a lead of 10 over the next.

A MEF district left unmatched (created after 2014 by splitting a district) gets no row:
a text naming it credits its province, never a guessed district. Every row says how it
was matched, so a reviewer can check the third kind by eye. Run from the repository root:

    python tools/build_district_crosswalk.py coverage/data/district_crosswalk.csv
"""
from __future__ import annotations

import sys

import pandas as pd
from rapidfuzz import fuzz

from coverage.boundaries import load_districts
from coverage.places.text import key

MIN_SCORE, MIN_LEAD = 80.0, 10.0


def crosswalk() -> pd.DataFrame:
    layer = load_districts("2013").drop(columns="geometry")
    mef = pd.read_csv("coverage/data/mef/CambodiaDistrictList2025.csv", dtype=str,
                      encoding="utf-8-sig")
    by_census = {(p, c): d for p, c, d in zip(layer["province_code"], layer["census2008_code"],
                                              layer["code"]) if isinstance(c, str) and c}
    by_name = {(p, key(n)): d for p, n, d in zip(layer["province_code"], layer["name"],
                                                layer["code"])}
    rows, used = [], set()
    for p, code, name in zip(mef["province_code"], mef["district_code"], mef["district_en"]):
        hit = by_census.get((p, code)), "census_code"
        if hit[0] is None:
            hit = by_name.get((p, key(name))), "name"
        if hit[0] is not None:
            rows.append((code, name, hit[0], hit[1], ""))
            used.add(hit[0])
    matched = {r[0] for r in rows}
    for p, code, name in zip(mef["province_code"], mef["district_code"], mef["district_en"]):
        if code in matched:
            continue
        free = layer[(layer["province_code"] == p) & ~layer["code"].isin(used)]
        scored = sorted(((fuzz.ratio(key(name), key(n)), d) for n, d in
                         zip(free["name"], free["code"])), reverse=True)
        lead = scored[0][0] - (scored[1][0] if len(scored) > 1 else 0) if scored else 0
        if scored and scored[0][0] >= MIN_SCORE and lead >= MIN_LEAD:
            rows.append((code, name, scored[0][1], "similar name", f"{scored[0][0]:.0f}"))
            used.add(scored[0][1])
    out = pd.DataFrame(rows, columns=["mef_code", "mef_name", "district_code", "method", "score"])
    names = dict(zip(layer["code"], layer["name"]))
    out.insert(3, "district", out["district_code"].map(names))
    return out.sort_values("mef_code").reset_index(drop=True)


if __name__ == "__main__":
    table = crosswalk()
    table.to_csv(sys.argv[1], index=False, encoding="utf-8", lineterminator="\n")
    print(table["method"].value_counts().to_string())
