"""Interval audit of a suppressed publication, by linear programming.

After suppression a reader still knows every published count, that every withheld count
is at least 1 (zeros are published) and every relation the tables obey. For each withheld
count the audit finds the smallest and largest value it can take under all of that
knowledge (two linear programs, :func:`scipy.optimize.linprog`), as the interval audit of
τ-ARGUS and sdcTable does. A count whose interval is narrower than the protection width is
*exposed*; :func:`coverage.scores.disclosure.suppress` then withholds more and audits again.

A cell is a reference ``(table, column, row)`` into the published tables: ``"p"`` =
``by_province``, ``"s"`` = ``by_service``, ``"n"`` = the national ``totals``. The relations
(:func:`relations`) are all linear; :func:`intervals` also takes auxiliary unknowns
(``("aux", ...)``, at least 0) for counts nobody publishes. Counts a reader might know or
assume (records naming a whole group rather than one type, extra placements of records
naming several provinces) enter as constants: conservative.

Examples
--------
The table of issue 18: a province total 7, group 1 = 5, groups 4–6 = 0 published, groups
2 and 3 withheld. Each withheld cell is at least 1 and they add up to 2, so both are 1:

>>> rel = [Relation(((("p", "records", 0), 1.0), (("p", "records", 1), -1.0),
...                  (("p", "records", 2), -1.0), (("p", "records", 3), -1.0)))]
>>> values = {("p", "records", 0): 7, ("p", "records", 1): 5}
>>> hidden = [("p", "records", 2), ("p", "records", 3)]
>>> intervals(rel, values, hidden)
{('p', 'records', 2): (1.0, 1.0), ('p', 'records', 3): (1.0, 1.0)}
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping

import numpy as np
import pandas as pd

from coverage.scores.tables import COUNT_COLUMNS

log = logging.getLogger(__name__)

__all__ = ["PUBLISHED", "Relation", "relations", "intervals", "exposed"]

Ref = tuple[Hashable, ...]

#: Every count that leaves a run, by table: ``by_province``, ``by_service`` and the national
#: ``totals`` (records used, placed, not placed; unresolved and rejected by reason).
PUBLISHED: dict[str, tuple[str, ...]] = {
    "p": tuple(COUNT_COLUMNS),
    "s": ("records", "providers_local", "providers_nationwide"),
    "n": ("count",),
}


@dataclass(frozen=True)
class Relation:
    """``Σ coef × cell == 0`` (``equal``) or ``<= 0``; a ``("one",)`` term is a constant.

    ``via``: published cells whose publication makes the relation known (institution
    names); withholding one of them removes it. ``floor``: (cell, institution names) pairs;
    the names beside the cells still published add a constant ``|∪ names|`` to the sum
    (a lower bound on a distinct count, read off the names a reader can see).
    """

    terms: tuple[tuple[Ref, float], ...]
    equal: bool = True
    via: tuple[Ref, ...] = ()
    floor: tuple[tuple[Ref, frozenset], ...] = ()


ONE: Ref = ("one",)


def relations(bp: pd.DataFrame, bs: pd.DataFrame,
              totals: pd.DataFrame | None) -> list[Relation]:
    """Every linear relation between the published counts of a run.

    Parameters
    ----------
    bp, bs : DataFrame
        ``by_province`` and ``by_service`` with their true counts.
    totals : DataFrame or None
        The national counts (``kind``, ``reason``, ``count``), see
        :func:`coverage.scores.disclosure.national_counts`.

    Notes
    -----
    A record naming two provinces counts in both, so ``Σ province records = records placed
    + extra placements``; the number of extra placements is treated as known to the reader,
    which can only narrow the intervals (conservative).
    """
    rel: list[Relation] = []
    key_p = {(pc, g): i for i, pc, g in zip(bp.index, bp["province_code"], bp["group_id"])}
    for pc, idx in bp.groupby("province_code", sort=True).groups.items():
        total = key_p[(pc, 0)]
        parts = [i for i in idx if i != total]
        # records: one group per record, so the groups add up to the province
        rel.append(_sum(("p", "records", total), [("p", "records", i) for i in parts]))
        for c in ("providers_local", "providers_nationwide"):  # distinct institutions
            rel.append(_le(("p", c, total), [("p", c, i) for i in parts]))
        for i in parts:
            rel.append(_le(("p", "providers_local", i), [("p", "providers_local", total)]))
    for i in bp.index:
        rel.append(_sum(("p", "providers", i), [("p", "providers_local", i),
                                                ("p", "providers_nationwide", i)]))
    for (pc, g), idx in bs.groupby(["province_code", "group_id"], sort=True).groups.items():
        grp = key_p[(pc, g)]
        rel.append(_service_records(bp, bs, grp, list(idx)))
        for c in ("providers_local", "providers_nationwide"):
            rel.append(_le(("p", c, grp), [("s", c, i) for i in idx]))
        for i in idx:
            rel.append(_le(("s", "providers_local", i), [("p", "providers_local", grp)]))
    rel += _names(bp, bs, key_p)
    if totals is not None and len(totals):
        rel += _national(bp, totals, key_p)
    return rel


def _sum(total: Ref, parts: list[Ref]) -> Relation:
    return Relation(((total, 1.0), *((p, -1.0) for p in parts)))


def _le(part: Ref, whole: list[Ref]) -> Relation:
    """``part <= Σ whole``."""
    return Relation(((part, 1.0), *((w, -1.0) for w in whole)), equal=False)


def _service_records(bp: pd.DataFrame, bs: pd.DataFrame, grp: int, idx: list[int]) -> Relation:
    """Group records = Σ service records − (n − 1) × G.

    A record naming only the group (G of them here) counts once in the group and once in
    each of its n service types. G is treated as known to the reader (as the extra
    placements are, see :func:`relations`): a sheet whose rows all name a service type has
    G = 0 and the line is an exact sum, which a reader may well assume.
    """
    n = len(idx)
    extra = int(bs.loc[idx, "records"].sum()) - int(bp.at[grp, "records"])   # (n - 1) × G
    return Relation(((("p", "records", grp), 1.0),
                     *((("s", "records", i), -1.0) for i in idx), (ONE, float(extra))))


def _names(bp, bs, key_p) -> list[Relation]:
    """Institution names published beside every service row of a province × group give the
    group's (and, for all groups, the province's) distinct provider counts exactly; the
    names beside the rows still published bound the local count from below."""
    out = []
    for pc, rows in bs.groupby("province_code", sort=True):
        sets_all: dict[str, set] = {"providers_local": set(), "providers_nationwide": set()}
        via_all: list[Ref] = []
        floor_all: tuple = ()
        for g, part in rows.groupby("group_id", sort=True):
            loc = _split(part["institutions_local"])
            nat = _split(part["institutions_nationwide"]) - loc
            via = [("s", c, i) for i in part.index
                   for c in ("providers_local", "providers_nationwide")]
            grp = key_p[(pc, g)]
            out.append(Relation(((("p", "providers_local", grp), 1.0), (ONE, -float(len(loc)))),
                                via=tuple(via)))
            out.append(Relation(((("p", "providers_nationwide", grp), 1.0),
                                 (ONE, -float(len(nat)))), via=tuple(via)))
            sets_all["providers_local"] |= loc
            sets_all["providers_nationwide"] |= nat
            via_all += via
            floor = tuple((("s", "providers_local", i), frozenset(_split(part.loc[[i],
                          "institutions_local"]))) for i in part.index)
            out.append(Relation(((("p", "providers_local", grp), -1.0),), equal=False,
                                floor=floor))
            floor_all += floor
        total = key_p[(pc, 0)]
        loc = sets_all["providers_local"]
        out.append(Relation(((("p", "providers_local", total), 1.0), (ONE, -float(len(loc)))),
                            via=tuple(via_all)))
        out.append(Relation(((("p", "providers_nationwide", total), 1.0),
                             (ONE, -float(len(sets_all["providers_nationwide"] - loc)))),
                            via=tuple(via_all)))
        out.append(Relation(((("p", "providers_local", total), -1.0),), equal=False,
                            floor=floor_all))
    return out


def _split(names: pd.Series) -> set:
    return {n for v in names.dropna() for n in str(v).split("; ") if n}


def _national(bp, totals, key_p) -> list[Relation]:
    """Used = placed + nationwide only + not placed; provinces add up to placed; reasons add
    up to their totals."""
    ref = {(k, r): ("n", "count", i) for i, k, r in zip(totals.index, totals["kind"],
                                                        totals["reason"])}
    out = []
    rec = [ref[("records", r)] for r in ("placed in a province", "nationwide only",
                                         "not placed") if ("records", r) in ref]
    if ("records", "used") in ref:
        out.append(_sum(ref[("records", "used")], rec))
    if ("records", "placed in a province") in ref:
        provinces = [("p", "records", i) for (pc, g), i in key_p.items() if g == 0]
        placed = totals.loc[ref[("records", "placed in a province")][2], "count"]
        placed_extra = int(bp.loc[[i for _, _, i in provinces], "records"].sum()) - int(placed)
        out.append(Relation((*((p, 1.0) for p in provinces),
                             (ref[("records", "placed in a province")], -1.0),
                             (ONE, -float(placed_extra)))))
    for kind in ("unresolved", "rejected"):
        if (kind, "all") in ref:
            out.append(_sum(ref[(kind, "all")], [v for (k, r), v in ref.items()
                                                  if k == kind and r != "all"]))
    return out


def intervals(rels: Iterable[Relation], values: Mapping[Ref, float],
              hidden: Iterable[Ref], cache: dict | None = None,
              width: float = math.inf) -> dict[Ref, tuple[float, float]]:
    """The feasible interval ``(low, high)`` of every hidden cell (``high`` may be inf).

    ``values`` holds every cell's true value; hidden cells are unknowns of at least 1,
    ``("aux", …)`` terms unknowns of at least 0, all other cells are constants. A relation
    with a hidden ``via`` cell is not known to the reader and is left out. ``cache`` (a
    dict kept between calls) skips the components that have not changed. With a finite
    ``width``, a cell is only solved until its interval is proven at least that wide.
    """
    hidden = set(hidden)
    rows = []
    for r in rels:
        if any(v in hidden for v in r.via):
            continue
        unknown = [(c, a) for c, a in r.terms if c in hidden or c[0] == "aux"]
        if not unknown:
            continue
        const = sum(a * (1.0 if c == ONE else float(values[c])) for c, a in r.terms
                    if not (c in hidden or c[0] == "aux"))
        if r.floor:
            const += len(frozenset().union(*(n for c, n in r.floor if c not in hidden)))
        rows.append((tuple(unknown), const, r.equal))
    out: dict[Ref, tuple[float, float]] = {}
    cache = {} if cache is None else cache
    for comp_vars, comp_rows in _components(rows):
        key = (tuple(comp_rows), frozenset(c for c in comp_vars if c in hidden))
        if key not in cache:
            cache[key] = _solve(comp_vars, comp_rows, hidden, values, width)
        out.update(cache[key])
    for c in sorted(hidden - set(out), key=repr):   # in no known relation: unbounded
        out[c] = (1.0, math.inf)
    return out


def _components(rows):
    """Split the unknowns into independent groups (union-find over shared rows)."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for unknown, _, _ in rows:
        first = find(unknown[0][0])
        for c, _ in unknown[1:]:
            parent[find(c)] = first
    groups: dict = {}
    for row in rows:
        groups.setdefault(find(row[0][0][0]), []).append(row)
    for comp_rows in groups.values():
        names = sorted({c for unknown, _, _ in comp_rows for c, _ in unknown}, key=repr)
        yield names, comp_rows


def _solve(names, rows, hidden, values, width) -> dict[Ref, tuple[float, float]]:
    """Feasible intervals of the hidden unknowns of one component.

    Where a cell is proven wide enough (``width``) before both programs are solved, the
    interval returned is the part found so far (a lower estimate of its width)."""
    # scipy is imported here, not at the top: only ``min_count > 1`` audits, and importing
    # scipy.optimize costs a fresh ``analyze()`` about 0.2 s.
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    col = {c: j for j, c in enumerate(names)}
    eq = [r for r in rows if r[2]]
    ub = [r for r in rows if not r[2]]

    def matrix(part):
        if not part:
            return None, None
        data, ri, ci = [], [], []
        for k, (unknown, _, _) in enumerate(part):
            for c, a in unknown:
                data.append(a)
                ri.append(k)
                ci.append(col[c])
        m = csr_matrix((data, (ri, ci)), shape=(len(part), len(names)))
        return m, np.array([-const for _, const, _ in part])

    a_eq, b_eq = matrix(eq)
    a_ub, b_ub = matrix(ub)
    bounds = [(1.0 if c in hidden else 0.0, None) for c in names]
    free = _unbounded(a_eq, a_ub, len(names))
    # Every solution found is a feasible point: the span of the values seen so far is a
    # proven part of each interval, and a cell whose span already reaches ``width`` needs no
    # more programs. Start from the true values.
    seen_lo = np.array([float(values[c]) if c in values else np.nan for c in names])
    seen_hi = seen_lo.copy()
    out = {}
    for c in names:
        j = col[c]
        if c not in hidden:
            continue
        if free[j] and not math.isinf(width):
            out[c] = (float(seen_lo[j]), math.inf)           # low: a feasible value, not the least
            continue
        if seen_hi[j] - seen_lo[j] >= width:
            out[c] = (float(seen_lo[j]), float(seen_hi[j]))   # at least this wide
            continue
        lo_hi = []
        for sign in ((1.0,) if free[j] else (-1.0, 1.0)):
            cost = np.zeros(len(names))
            cost[j] = sign
            res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds,
                          method="highs")
            if res.status != 0:
                raise RuntimeError(f"disclosure audit: no finite bound for {c} "
                                   f"({res.message})")
            lo_hi.append(sign * res.fun)
            seen_lo = np.fmin(seen_lo, res.x)
            seen_hi = np.fmax(seen_hi, res.x)
            if seen_hi[j] - seen_lo[j] >= width:
                break
        out[c] = (float(seen_lo[j]), math.inf if free[j] else float(seen_hi[j]))
    return out


def _unbounded(a_eq, a_ub, n: int) -> np.ndarray:
    """Which unknowns can grow without limit: one LP over the recession cone.

    Directions ``d >= 0`` with ``A_eq d = 0`` and ``A_ub d <= 0``; maximise ``Σ t`` with
    ``t <= d`` and ``0 <= t <= 1``. Directions add up, so at an optimum ``t_j = 1`` for every
    unknown some direction raises, and ``t_j = 0`` for the others.
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, hstack, identity, vstack

    eye = identity(n, format="csr")
    a_ub2 = [hstack([-eye, eye])]  # t - d <= 0
    if a_ub is not None:
        a_ub2.append(hstack([a_ub, csr_matrix((a_ub.shape[0], n))]))
    a_ub2 = vstack(a_ub2).tocsr()
    a_eq2 = None if a_eq is None else hstack([a_eq, csr_matrix((a_eq.shape[0], n))]).tocsr()
    res = linprog(np.r_[np.zeros(n), -np.ones(n)], A_ub=a_ub2, b_ub=np.zeros(a_ub2.shape[0]),
                  A_eq=a_eq2, b_eq=None if a_eq is None else np.zeros(a_eq.shape[0]),
                  bounds=[(0, None)] * n + [(0, 1)] * n, method="highs")
    if res.status != 0:
        raise RuntimeError(f"disclosure audit: recession cone LP failed ({res.message})")
    return res.x[n:] > 0.5


def exposed(found: Mapping[Ref, tuple[float, float]], width: float) -> list[Ref]:
    """Hidden cells whose interval is narrower than ``width`` (high − low < width).

    Examples
    --------
    >>> exposed({("p", "records", 2): (1.0, 1.0), ("p", "records", 3): (1.0, 9.0)}, 2)
    [('p', 'records', 2)]
    """
    return sorted((c for c, (lo, hi) in found.items() if hi - lo < width - 1e-6), key=repr)
