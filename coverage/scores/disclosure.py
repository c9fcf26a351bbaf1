"""Disclosure control: counts from 1 to ``min_count - 1`` are withheld, with complementary
suppression audited by linear programming (:mod:`coverage.scores.audit`) so that no withheld
count can be narrowed below the protection width from everything published.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from coverage.records.schema import LOCAL_BASES
from coverage.scores.audit import PUBLISHED, exposed, intervals, relations
from coverage.scores.tables import COUNT_COLUMNS, RATIO_COLUMNS as _RATIOS

log = logging.getLogger(__name__)

__all__ = ["suppress", "national_counts", "format_suppressed"]

#: A reason's quoted part (``contradicts 'Neak Loeung' (14)``) may be text from a user's
#: row; published reasons stop before it.
_QUOTED = r"\s*['\"(].*$"


def suppress(by_province: pd.DataFrame, by_service: pd.DataFrame, k: int,
             totals: pd.DataFrame | None = None, *, width: float | None = None,
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """Withhold counts from 1 to k-1, then more until an interval audit passes.

    1. *Primary*: every published count (:data:`coverage.scores.audit.PUBLISHED`) from
       1 to ``k - 1`` is withheld; zeros are published.
    2. *Complementary, by lines*: a line (a province's groups against its all-groups
       row, a group's service types against the group row, local + nationwide =
       providers) with a published total must not have exactly one withheld cell.
    3. *Audit*: for every withheld count, the smallest and largest value it can take
       under every published relation (:func:`coverage.scores.audit.relations`) is
       found by linear programming; while an interval is narrower than ``width``
       (default ``k - 1``), the smallest published non-zero count sharing a relation
       with it is withheld too, and the audit runs again.

    Parameters
    ----------
    by_province, by_service : DataFrame
        The score tables with their true counts.
    k : int
        ``min_count``; 1 withholds nothing.
    totals : DataFrame, optional
        National counts from :func:`national_counts` (``kind``, ``reason``, ``count``).
    width : float, optional
        Protection width: every withheld count's feasible interval must span at least
        this much (high − low). Default ``k - 1``.

    Returns
    -------
    by_province, by_service, totals
        Copies with withheld counts as ``<NA>`` and a boolean ``suppressed`` column.

    Examples
    --------
    A province of 7 records: 5 in group 1, one each in groups 2 and 3. The line rule alone
    would stop after withholding the two ones; the audit sees that, with zeros published,
    they are exactly 1 each, and withholds group 1 as well (then 7 = x + y + z with each
    at least 1 leaves every cell a range of width 4):

    >>> from coverage.scores.tables import COUNT_COLUMNS, RATIO_COLUMNS as _RATIOS
    >>> bp = pd.DataFrame({"province_code": "01", "group_id": range(7)})
    >>> for c in COUNT_COLUMNS:
    ...     bp[c] = pd.array([0] * 7, dtype="Int64")
    >>> bp["records"] = pd.array([7, 5, 1, 1, 0, 0, 0], dtype="Int64")
    >>> bp["population_per_local_provider"] = float("nan")
    >>> bs = pd.DataFrame(columns=["province_code", "group_id", "records", "providers_local",
    ...                            "providers_nationwide", "institutions_local",
    ...                            "institutions_nationwide"])
    >>> out, _, _ = suppress(bp, bs, 3)
    >>> out["records"].tolist()
    [7, <NA>, <NA>, <NA>, 0, 0, 0]
    """
    bp, bs = by_province.copy(), by_service.copy()
    tot = None if totals is None else totals.copy()
    cols_p, cols_s = list(PUBLISHED["p"]), list(PUBLISHED["s"])
    mp = pd.DataFrame(False, index=bp.index, columns=cols_p)
    ms = pd.DataFrame(False, index=bs.index, columns=cols_s)
    mn = pd.DataFrame(False, index=[] if tot is None else tot.index, columns=["count"])
    if k > 1:
        for col in cols_p:
            mp[col] = bp[col].between(1, k - 1).to_numpy(bool)
        for col in cols_s:
            ms[col] = bs[col].between(1, k - 1).to_numpy(bool)
        if tot is not None:
            mn["count"] = tot["count"].between(1, k - 1).to_numpy(bool)
        _complement(bp, bs, mp, ms)
        _audit(bp, bs, tot, {"p": mp, "s": ms, "n": mn}, k - 1 if width is None else width)
    for col in cols_p:
        bp[col] = bp[col].mask(mp[col])
    for col in cols_s:
        bs[col] = bs[col].mask(ms[col])
    for col in _RATIOS:  # each is providers_local over a published figure
        if col in bp.columns:
            bp[col] = bp[col].mask(mp["providers_local"])
    bs["institutions_local"] = bs["institutions_local"].mask(ms["providers_local"])
    bs["institutions_nationwide"] = bs["institutions_nationwide"].mask(
        ms["providers_nationwide"])
    bp["suppressed"] = mp.any(axis=1).to_numpy()
    bs["suppressed"] = ms.any(axis=1).to_numpy()
    if tot is not None:
        tot["count"] = tot["count"].astype("Int64").mask(mn["count"])
        tot["suppressed"] = mn["count"].to_numpy()
    return bp, bs, tot


def national_counts(served: pd.DataFrame, unresolved: pd.DataFrame, rejected: pd.DataFrame,
                    used: int | None = None) -> pd.DataFrame:
    """The national counts a run publishes: records used, placed in a province, reached only
    by a nationwide claim and not placed; unresolved place fragments and rejected rows, in
    all and by reason. Counts only: no text from the rows.

    Examples
    --------
    >>> served = pd.DataFrame({"record_id": ["a", "a", "b"], "province_code": ["01", "02", None],
    ...                        "basis": ["named", "named", "nationwide"]})
    >>> un = pd.DataFrame({"record_id": ["c"], "fragment": ["x"], "reason": ["unknown place"]})
    >>> rej = pd.DataFrame({"row": [5], "record_id": [""], "reason": ["no institution given"]})
    >>> national_counts(served, un, rej, used=3)["count"].tolist()
    [3, 1, 1, 1, 1, 1, 1, 1]
    """
    ids = served["record_id"].astype(str)
    values = ids.to_numpy(dtype=object)   # a set of an object array: no pandas scalar per row
    local = served["basis"].isin(LOCAL_BASES).to_numpy()
    placed = set(values[local])
    nationwide = set(values[~local]) - placed
    used = ids.nunique() if used is None else int(used)
    rows = [("records", "used", used), ("records", "placed in a province", len(placed)),
            ("records", "nationwide only", len(nationwide)),
            ("records", "not placed", used - len(placed) - len(nationwide))]
    for kind, table in (("unresolved", unresolved), ("rejected", rejected)):
        rows.append((kind, "all", len(table)))
        reasons = table["reason"].astype(str).str.replace(_QUOTED, "", regex=True)
        for reason, n in reasons.value_counts().sort_index().items():
            rows.append((kind, reason, int(n)))
    out = pd.DataFrame(rows, columns=["kind", "reason", "count"])
    out["count"] = out["count"].astype("Int64")
    return out


def _audit(bp, bs, tot, masks, width: float) -> None:
    """Withhold more (in ``masks``) until every withheld count's interval spans ``width``."""
    frames = {"p": bp, "s": bs, "n": tot}
    values = {(t, c, i): int(v) for t, f in frames.items() if f is not None
              for c in PUBLISHED[t] for i, v in f[c].items()}
    rels = relations(bp, bs, tot)
    index: dict = {}
    for r in rels:
        for c, _ in r.terms:
            index.setdefault(c, []).append(r)
    hidden = {(t, c, i) for t, m in masks.items() for c in m.columns
              for i in m.index[m[c].to_numpy(bool)]}
    rounds, cache = 0, {}
    while hidden:
        bad = exposed(intervals(rels, values, hidden, cache, width), width)
        if not bad:
            break
        more: set = set()
        for c in bad:   # one partner per neighbourhood and round: the next round re-checks
            options = _partners(c, index, hidden, values)
            if not options & more:
                more.add(min(options, key=lambda o: (values[o], repr(o))))
        hidden |= more
        rounds += 1
        log.debug("disclosure audit round %d: %d exposed, %d more withheld", rounds,
                  len(bad), len(more))
    for t, c, i in hidden:
        masks[t].at[i, c] = True


def _partners(cell, index, hidden, values) -> set:
    """The published non-zero counts sharing a known relation with ``cell``, or failing
    that with the unknowns it is tied to (breadth first). ``index``: cell -> relations."""
    seen, frontier = {cell}, {cell}
    while frontier:
        ring = [r for c in sorted(frontier, key=repr) for r in index.get(c, ())
                if not any(v in hidden for v in r.via)]
        options = {c for r in ring for c in (*(c for c, _ in r.terms), *r.via,
                                             *(c for c, _ in r.floor))
                   if c in values and c not in hidden and values[c] > 0}
        if options:
            return options
        frontier = {c for r in ring for c, _ in r.terms
                    if (c in hidden or c[0] == "aux") and c not in seen}
        seen |= frontier
    raise RuntimeError(f"disclosure audit: nothing left to withhold to protect {cell}")


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
                # zeros stay published: the audit (and a reader) takes every withheld
                # count as at least 1. A zero total of distinct institutions beside a
                # withheld group (an institution nationwide in one group, local in
                # another) tells nothing about that group: nothing to add here.
                if hidden(target) or value(target) == 0:
                    continue
                t, c, i = target
                masks[t].at[i, c] = True
                changed = True



def format_suppressed(table: pd.DataFrame, min_count: int,
                      marker: str | None = None) -> pd.DataFrame:
    """A copy of ``by_province`` or ``by_service`` with withheld counts as text.

    Withheld counts (``<NA>`` in a count column of a row flagged ``suppressed``)
    print as ``"<k"``; so do ``population_per_local_provider`` and the densities per
    100,000 people and per 1,000 migrants when their provider count is withheld. Complementary suppressions print alike, on purpose: telling
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
    cols = [c for c in (*COUNT_COLUMNS, "count", *_RATIOS) if c in out.columns]
    for col in cols:
        text = out[col].astype(object).where(out[col].notna(), "")
        text = text.map(lambda v: v if v == "" else _fmt(v))
        hidden = out[col].isna() & out["suppressed"]
        if col in _RATIOS:
            hidden = hidden & out["providers_local"].isna()
        out[col] = text.where(~hidden, marker)
    return out



def _fmt(v) -> str:
    """A count or ratio as text: whole numbers without decimals, others to 6 digits."""
    if isinstance(v, (float, np.floating)):
        return f"{v:.6g}" if not float(v).is_integer() else str(int(v))
    return str(v)


