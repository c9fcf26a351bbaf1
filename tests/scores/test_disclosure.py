"""The disclosure rule: primary and complementary suppression, and the interval audit.

Oracles: the hand-worked table of issue 18 (7 = 5 + 1 + 1 + 0 + 0 + 0), and brute-force
enumeration of every integer completion of a small published table, independent of the
linear programs.
"""
from __future__ import annotations

import itertools

import pandas as pd
import pytest

from coverage.scores.audit import Relation, intervals
from coverage.scores.disclosure import _complement, national_counts, suppress
from coverage.scores.tables import COUNT_COLUMNS


def _province(records: list[int], providers: list[int] | None = None) -> pd.DataFrame:
    """``by_province`` rows of one province: group 0 (all) then groups 1-6."""
    bp = pd.DataFrame({"province_code": "01", "group_id": range(7)})
    for c in COUNT_COLUMNS:
        bp[c] = pd.array([0] * 7, dtype="Int64")
    bp["records"] = pd.array(records, dtype="Int64")
    if providers is not None:
        bp["providers_local"] = pd.array(providers, dtype="Int64")
        bp["providers"] = bp["providers_local"]
    bp["population_per_local_provider"] = float("nan")
    return bp


def _no_services() -> pd.DataFrame:
    return pd.DataFrame(columns=["province_code", "group_id", "records", "providers_local",
                                 "providers_nationwide", "institutions_local",
                                 "institutions_nationwide"])


def _completions(published: list, total: int, hi: int = 30):
    """Every integer completion of ``total = Σ cells`` (None = withheld, at least 1)."""
    hidden = [i for i, v in enumerate(published) if v is None]
    rest = total - sum(v for v in published if v is not None)
    for combo in itertools.product(range(1, hi + 1), repeat=len(hidden)):
        if sum(combo) == rest:
            yield dict(zip(hidden, combo))


ISSUE_18 = [7, 5, 1, 1, 0, 0, 0]   # all groups, then groups 1-6


def test_the_line_rule_alone_lets_issue_18_table_through():
    # the rule of the previous version: no line with exactly one withheld cell
    bp = _province(ISSUE_18)
    mp = pd.DataFrame(False, index=bp.index, columns=list(COUNT_COLUMNS))
    mp["records"] = bp["records"].between(1, 2).to_numpy(bool)
    ms = pd.DataFrame(False, index=[], columns=["records", "providers_local",
                                                "providers_nationwide"])
    _complement(bp, _no_services(), mp, ms)
    published = [None if m else int(v) for v, m in zip(bp["records"], mp["records"])]
    assert published == [7, 5, None, None, 0, 0, 0]
    # ... and every completion gives both withheld cells exactly 1: disclosed
    assert list(_completions(published[1:], 7)) == [{1: 1, 2: 1}]


@pytest.mark.parametrize("k", [3, 5, 11])
def test_issue_18_table_is_not_published_that_way(k):
    out, _, _ = suppress(_province(ISSUE_18), _no_services(), k)
    published = [None if pd.isna(v) else int(v) for v in out["records"]]
    assert published[2] is None and published[3] is None
    assert published != [7, 5, None, None, 0, 0, 0]
    # brute force: every withheld cell of groups 1-6 can take values at least k-1 apart
    total = published[0]
    if total is None:      # the total withheld too: the groups line is open, no bound at all
        return
    done = list(_completions(published[1:], total))
    assert done, "the true table must be a completion"
    for i in (j for j, v in enumerate(published[1:]) if v is None):
        values = [c[i] for c in done]
        assert max(values) - min(values) >= k - 1, (i, sorted(set(values)))


def test_audit_intervals_match_brute_force():
    # 12 = a + b + c + 4 + 0 and a + b = 5 (another published line): c = 3 exactly
    a, b, c, t = ("p", "records", 1), ("p", "records", 2), ("p", "records", 3), ("one",)
    rels = [Relation(((("p", "records", 0), 1.0), (a, -1.0), (b, -1.0), (c, -1.0),
                      (("p", "records", 4), -1.0))),
            Relation(((a, 1.0), (b, 1.0), (t, -5.0)))]
    values = {("p", "records", 0): 12, a: 2, b: 3, c: 3, ("p", "records", 4): 4}
    found = intervals(rels, values, [a, b, c])
    brute = [(x, y, z) for x in range(1, 20) for y in range(1, 20) for z in range(1, 20)
             if x + y + z + 4 == 12 and x + y == 5]
    for j, cell in enumerate((a, b, c)):
        assert found[cell] == (min(p[j] for p in brute), max(p[j] for p in brute))
    assert found[c] == (3.0, 3.0)


def test_inequalities_and_unbounded_cells():
    # distinct institutions: a group count is at most the sum of its service counts
    g, s1, s2 = ("p", "providers_local", 1), ("s", "providers_local", 0), ("s", "providers_local", 1)
    rels = [Relation(((g, 1.0), (s1, -1.0), (s2, -1.0)), equal=False)]
    found = intervals(rels, {g: 2, s1: 1, s2: 1}, [g])
    assert found[g] == (1.0, 2.0)                      # 1 <= g <= 1 + 1
    assert intervals(rels, {g: 2, s1: 1, s2: 1}, [s1])[s1][1] == float("inf")


def test_width_zero_keeps_the_line_rule_only():
    out, _, _ = suppress(_province(ISSUE_18), _no_services(), 3, width=0)
    assert out["records"].isna().tolist() == [False, False, True, True, False, False, False]


def test_k1_withholds_nothing():
    bp, bs, tot = suppress(_province(ISSUE_18), _no_services(), 1,
                           pd.DataFrame({"kind": ["records"], "reason": ["used"],
                                         "count": pd.array([1], dtype="Int64")}))
    assert not bp["suppressed"].any() and not tot["suppressed"].any()
    assert bp["records"].tolist() == ISSUE_18


def test_national_total_protects_provinces_against_subtraction():
    # three provinces 6 + 2 + 1 = 9 records placed: publishing 9 and 6 gives 2 + 1 = 3
    rows = []
    for pc, n in (("01", 6), ("02", 2), ("03", 1)):
        p = _province([n, 0, 0, n, 0, 0, 0])
        p["province_code"] = pc
        rows.append(p)
    bp = pd.concat(rows, ignore_index=True)
    served = pd.DataFrame({"record_id": [f"r{i}" for i in range(9)],
                           "province_code": ["01"] * 6 + ["02"] * 2 + ["03"],
                           "basis": "named"})
    empty = pd.DataFrame({"record_id": [], "fragment": [], "reason": []})
    totals = national_counts(served, empty, empty.rename(columns={"fragment": "row"}))
    out, _, tot = suppress(bp, _no_services(), 5, totals)
    placed = tot.set_index("reason").loc["placed in a province", "count"]
    first = out.query("province_code == '01' and group_id == 0")["records"].item()
    assert pd.isna(placed) or pd.isna(first)      # not both published
    for n in (2, 1):
        assert out[out["records"].astype("Float64") == n].empty


def test_reasons_carry_no_text_from_rows():
    un = pd.DataFrame({"record_id": ["a"], "fragment": ["near the house of Mr X"],
                       "reason": ["contradicts 'near the house of Mr X' (12)"]})
    rej = pd.DataFrame({"row": [2], "record_id": [""], "reason": ["no institution given"]})
    table = national_counts(pd.DataFrame({"record_id": [], "province_code": [], "basis": []}),
                            un, rej, used=1)
    assert "contradicts" in table["reason"].tolist()
    assert not table["reason"].str.contains("Mr X").any()
    assert table.set_index(["kind", "reason"]).loc[("records", "not placed"), "count"] == 1


def test_names_beside_published_rows_bound_a_withheld_group_count():
    # group local providers withheld; rows s1 {A, B} and s2 {B, C} print their names
    g, s1, s2 = ("p", "providers_local", 1), ("s", "providers_local", 0), ("s", "providers_local", 1)
    rel = [Relation(((g, -1.0),), equal=False,
                    floor=((s1, frozenset({"A", "B"})), (s2, frozenset({"B", "C"})))),
           Relation(((g, 1.0), (s1, -1.0), (s2, -1.0)), equal=False)]
    values = {g: 3, s1: 2, s2: 2}
    assert intervals(rel, values, [g])[g] == (3.0, 4.0)       # |{A, B, C}| <= g <= 2 + 2
    # with s2 withheld its names are masked: only {A, B} is seen
    assert intervals(rel, values, [g, s2])[g] == (2.0, float("inf"))


def test_a_zero_total_beside_a_withheld_group_stays_published(tmp_path):
    """Before: Org A local in group 1 and nationwide in group 2 leaves Kandal's all-groups
    nationwide count at 0 beside a withheld group-2 count of 1; the line rule withheld
    that zero, and the audit (every withheld count >= 1) stopped with 'infeasible'. The
    same happened on any large generated sheet with --min-count 5."""
    from coverage.scores import analyze
    from coverage.scores.tables import COUNT_COLUMNS

    sheet = tmp_path / "s.csv"
    sheet.write_text("institution,group,area\nOrg A,immediate,Kandal\nOrg B,immediate,Kandal\n"
                     "Org C,immediate,Kandal\nOrg A,medical,nationwide\n", encoding="utf-8")
    true = analyze(sheet).by_province
    shown = analyze(sheet, min_count=3).by_province
    for col in COUNT_COLUMNS:
        withheld = shown[col].isna()
        assert (true.loc[withheld, col] >= 1).all(), col            # zeros are published
        assert (shown.loc[~withheld, col] == true.loc[~withheld, col]).all(), col
    kandal = (true["province"] == "Kandal") & (true["group_id"] == 0)
    assert int(true.loc[kandal, "providers_nationwide"].iloc[0]) == 0
    assert shown.loc[kandal, "providers_nationwide"].iloc[0] == 0
