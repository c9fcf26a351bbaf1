"""Disclosure control: counts from 1 to ``min_count - 1`` are withheld, with
complementary suppression so that no withheld count can be recovered from a line.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from coverage.scores.tables import COUNT_COLUMNS

def suppress(by_province: pd.DataFrame, by_service: pd.DataFrame,
             k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Withhold counts from 1 to k-1, then complementary cells until none can be recovered.

    Lines checked (a line = cells plus the published total they add up to or bound):
    a province's six group rows against its all-groups row, one per count column;
    a province × group's service rows against that group row (``records``,
    ``providers_local``, ``providers_nationwide``); and within a row
    ``providers_local + providers_nationwide = providers``. A line whose total is
    published must not have exactly one withheld cell; a line whose total is
    withheld must have at least one withheld cell. The rule repeats until stable.
    """
    bp, bs = by_province.copy(), by_service.copy()
    cols_p, cols_s = list(COUNT_COLUMNS), ["records", "providers_local", "providers_nationwide"]
    mp = pd.DataFrame(False, index=bp.index, columns=cols_p)
    ms = pd.DataFrame(False, index=bs.index, columns=cols_s)
    if k > 1:
        for col in cols_p:
            mp[col] = bp[col].between(1, k - 1).to_numpy(bool)
        for col in cols_s:
            ms[col] = bs[col].between(1, k - 1).to_numpy(bool)
        _complement(bp, bs, mp, ms)
    for col in cols_p:
        bp[col] = bp[col].mask(mp[col])
    for col in cols_s:
        bs[col] = bs[col].mask(ms[col])
    bp["population_per_local_provider"] = bp["population_per_local_provider"].mask(
        mp["providers_local"])
    bs["institutions_local"] = bs["institutions_local"].mask(ms["providers_local"])
    bs["institutions_nationwide"] = bs["institutions_nationwide"].mask(
        ms["providers_nationwide"])
    bp["suppressed"] = mp.any(axis=1).to_numpy()
    bs["suppressed"] = ms.any(axis=1).to_numpy()
    return bp, bs


def _complement(bp, bs, mp, ms) -> None:
    """Add complementary suppressions in place until every line is protected."""
    lines = []  # (cell values, cell mask, total value, total mask) as (frame, col, index) refs
    for col in COUNT_COLUMNS:
        for pc, idx in bp.groupby("province_code", sort=True).groups.items():
            total = [i for i in idx if bp.at[i, "group_id"] == 0]
            cells = [("p", col, i) for i in idx if bp.at[i, "group_id"] != 0]
            lines.append((cells, ("p", col, total[0])))
    key_p = dict(zip(zip(bp["province_code"], bp["group_id"]), bp.index))
    for col in ("records", "providers_local", "providers_nationwide"):
        for (pc, g), idx in bs.groupby(["province_code", "group_id"], sort=True).groups.items():
            lines.append(([("s", col, i) for i in idx], ("p", col, key_p[(pc, g)])))
    for i in bp.index:
        lines.append(([("p", "providers_local", i), ("p", "providers_nationwide", i)],
                      ("p", "providers", i)))
    frames, masks = {"p": bp, "s": bs}, {"p": mp, "s": ms}

    def hidden(ref):
        t, c, i = ref
        return bool(masks[t].at[i, c])

    def value(ref):
        t, c, i = ref
        return int(frames[t].at[i, c])

    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            n_hidden = sum(hidden(c) for c in cells)
            if hidden(total) and n_hidden == 0 or not hidden(total) and n_hidden == 1:
                open_ = sorted((value(c), c[2], c) for c in cells
                               if not hidden(c) and value(c) > 0)
                target = open_[0][2] if open_ else total
                if hidden(target):
                    continue
                t, c, i = target
                masks[t].at[i, c] = True
                changed = True



def format_suppressed(table: pd.DataFrame, min_count: int,
                      marker: str | None = None) -> pd.DataFrame:
    """A copy of ``by_province`` or ``by_service`` with withheld counts as text.

    Withheld counts (``<NA>`` in a count column of a row flagged ``suppressed``)
    print as ``"<k"``; so does ``population_per_local_provider`` when its provider
    count is withheld. Complementary suppressions print alike, on purpose: telling
    them apart would narrow the hidden counts.

    Examples
    --------
    >>> t = pd.DataFrame({"records": pd.array([pd.NA, 7], dtype="Int64"),
    ...                   "suppressed": [True, False]})
    >>> format_suppressed(t, 3)["records"].tolist()
    ['<3', '7']
    """
    marker = f"<{min_count}" if marker is None else marker
    out = table.copy()
    cols = [c for c in (*COUNT_COLUMNS, "population_per_local_provider") if c in out.columns]
    for col in cols:
        text = out[col].astype(object).where(out[col].notna(), "")
        text = text.map(lambda v: v if v == "" else _fmt(v))
        hidden = out[col].isna() & out["suppressed"]
        if col == "population_per_local_provider":
            hidden = hidden & out["providers_local"].isna()
        out[col] = text.where(~hidden, marker)
    return out



def _fmt(v) -> str:
    """A count or ratio as text: whole numbers without decimals, others to 6 digits."""
    if isinstance(v, (float, np.floating)):
        return f"{v:.6g}" if not float(v).is_integer() else str(int(v))
    return str(v)


