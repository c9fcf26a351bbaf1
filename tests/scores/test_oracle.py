"""The vectorised scorer against a naive one written from the method's definition.

``naive_scores`` below is a few dozen lines of plain Python and pandas that follow
docs/method.md word by word, with no shared code: a province gets level 1 for a service
type when an institution names it (or a site in it) for that type, the nationwide weight
when some institution claims the type nationwide, 0 otherwise; a group-level claim
counts for every type of the group; coverage is the mean level of a group's types (and,
for all groups, the mean over the groups with data); gap = need / max(need) × (1 − coverage);
a group no record offers anywhere has no data (no coverage, no gap), not zero. Tables
publish scores to 4 decimals.
Hypothesis draws random served tables; both scorers must agree everywhere.
"""
from __future__ import annotations

import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage.scores import score
from coverage.taxonomy import SERVICES

PROV = pd.DataFrame({"code": ["01", "02", "05", "12"],
                     "name": ["Banteay Meanchey", "Battambang", "Kampong Speu", "Phnom Penh"]})
POP = {"01": 10.0, "02": 40.0, "05": 0.0, "12": 25.0}
TYPES = [(s.group_id, s.id) for s in SERVICES]


def naive_scores(rows: list[tuple], weight: float) -> dict:
    """(province, group) -> (coverage, gap, providers_local, providers_nationwide, records)."""
    def types_of(group, service):
        return [t for t in TYPES if t[0] == group and (service is None or t[1] == service)]

    local, national = set(), set()           # (province, type, institution), (type, institution)
    local_records = set()                    # (province, group, record)
    for record, group, service, inst, prov, basis in rows:
        for t in types_of(group, service):
            if basis == "nationwide":
                national.add((t, inst))
            else:
                local.add((prov, t, inst))
        if basis != "nationwide":
            local_records.add((prov, group, record))
    biggest = max(POP.values())
    offered = {g for _, g, *_ in rows}
    out = {}
    for prov in PROV["code"]:
        group_cov = {}
        for group in range(1, 7):
            if group not in offered:
                out[(prov, group)] = (None, None, 0, 0, 0)
                continue
            levels = []
            for t in types_of(group, None):
                if any(p == prov and tt == t for p, tt, _ in local):
                    levels.append(1.0)
                elif any(tt == t for tt, _ in national):
                    levels.append(weight)
                else:
                    levels.append(0.0)
            cov = sum(levels) / len(levels)
            group_cov[group] = cov
            here = {i for p, t, i in local if p == prov and t[0] == group}
            nat = {i for t, i in national if t[0] == group} - here
            recs = {r for p, g, r in local_records if p == prov and g == group}
            out[(prov, group)] = (cov, POP[prov] / biggest * (1 - cov), len(here), len(nat),
                                  len(recs))
        cov = sum(group_cov.values()) / len(group_cov) if group_cov else None
        out[(prov, 0)] = (cov, None if cov is None else POP[prov] / biggest * (1 - cov))
    return out


claims = st.tuples(
    st.sampled_from(TYPES + [(g, None) for g in range(1, 7)]),  # a type, or a whole group
    st.sampled_from(["A", "B", "C", "D"]),
    st.lists(st.tuples(st.sampled_from(list(PROV["code"])),
                       st.sampled_from(["named", "site", "nationwide"])),
             min_size=1, max_size=4, unique_by=lambda x: x[0]),
)


def served_rows(drawn) -> list[tuple]:
    rows = []
    for k, ((group, service), inst, places) in enumerate(drawn):
        for prov, basis in places:
            rows.append((f"r{k}", group, service, inst, prov, basis))
    return rows


def frame(rows):
    return pd.DataFrame(rows, columns=["record_id", "group_id", "service_id", "institution",
                                       "province_code", "basis"]).astype({"service_id": "Int64"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=st.lists(claims, max_size=12), weight=st.sampled_from([0.0, 0.3, 0.5, 1.0]))
def test_agrees_with_naive_scorer(drawn, weight):
    rows = served_rows(drawn)
    result = score(frame(rows), PROV, population=POP, nationwide_weight=weight)
    expected = naive_scores(rows, weight)
    for r in result.by_province.itertuples():
        want = expected[(r.province_code, r.group_id)]
        if want[0] is None:
            assert math.isnan(r.coverage) and math.isnan(r.gap), r
        else:
            assert math.isclose(r.coverage, want[0], abs_tol=6e-5), r
            assert math.isclose(r.gap, want[1], abs_tol=6e-5), r
        if r.group_id:
            assert (r.providers_local, r.providers_nationwide, r.records) == want[2:], r


@settings(max_examples=40, deadline=None)
@given(drawn=st.lists(claims, max_size=10))
def test_properties(drawn):
    rows = served_rows(drawn)
    tables = [score(frame(rows), PROV, population=POP, nationwide_weight=w).by_province
              for w in (0.0, 0.5, 1.0)]
    offered = {g for _, g, *_ in rows}
    for bp in tables:
        cov = bp["coverage"]
        assert cov.dropna().between(0, 1).all()
        # a group nobody offers anywhere has no data, not zero coverage
        idle = (bp["group_id"] > 0) & ~bp["group_id"].isin(offered)
        assert cov[idle].isna().all() and cov[~idle & (bp["group_id"] > 0)].notna().all()
    # coverage never falls as nationwide claims weigh more
    for low, high in ((tables[0], tables[1]), (tables[1], tables[2])):
        both = low["coverage"].notna() & high["coverage"].notna()
        assert (low.loc[both, "coverage"] <= high.loc[both, "coverage"] + 1e-12).all()
    # where a group is offered, but neither in a province nor nationwide, its coverage is 0
    local = {(p, g) for _, g, _, _, p, b in rows if b != "nationwide"}
    national = {g for _, g, _, _, _, b in rows if b == "nationwide"}
    for r in tables[1].itertuples():
        if r.group_id in offered - national and (r.province_code, r.group_id) not in local:
            assert r.coverage == 0, r


def test_naive_scorer_by_hand():
    """The oracle itself, on a case worked by hand: shelter (group 3) has 2 types."""
    rows = [("r1", 3, 1, "A", "01", "named"), ("r2", 3, 2, "B", "02", "nationwide")]
    got = naive_scores(rows, 0.5)
    assert got[("01", 3)] == (0.75, 0.25 * 0.25, 1, 1, 1)   # type 1 local, type 2 nationwide
    assert got[("02", 3)] == (0.25, 1.0 * 0.75, 0, 1, 0)    # only the nationwide type
