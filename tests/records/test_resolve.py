"""Text against site, and sites in the lake, in ``resolve_records``, and the review table
that shows them (hand-made records)."""
from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coverage.records import resolve_records, review_table
from coverage.records.resolve import _rows


def _records(rows):
    return pd.DataFrame(rows, columns=["record_id", "area_text", "lon", "lat"]).assign(
        group_id=3, service_id=1, institution="X")


# Kampong Cham town (105.46 E, 11.99 N); the middle of the Tonle Sap (104.07 E, 12.89 N).
RECORDS = _records([("a", "Stung Treng", 105.46, 11.99),    # text and site disagree
                    ("b", "Kampong Cham", 105.46, 11.99),   # they agree
                    ("c", "", 104.07, 12.89),               # a site in the lake
                    ("d", "", 105.46, 11.99)])              # coordinates only


def test_site_wins_a_conflict_and_it_is_reported():
    served, unresolved = resolve_records(RECORDS, "2013")
    a = served[served["record_id"] == "a"]
    assert a[["province_code", "basis"]].astype(str).values.tolist() == [["03", "site"]]
    reason = unresolved.loc[unresolved["record_id"] == "a", "reason"].item()
    assert "Stung Treng (19)" in reason and "Kampong Cham (03)" in reason
    b = served[served["record_id"] == "b"]
    assert sorted(b["basis"].astype(str)) == ["named", "site"]


def test_a_site_in_the_lake_is_water_not_outside():
    _, unresolved = resolve_records(RECORDS, "2013")
    assert unresolved.loc[unresolved["record_id"] == "c", "reason"].item().startswith(
        "site in the Tonle Sap")


def test_review_shows_located_rows_as_run_places_them():
    review = review_table(RECORDS, "2013")
    sites = review[review["method"] == "site"]
    assert set(sites["province"]) == {"Kampong Cham"} and len(sites) == 3   # a, b, d
    assert not ((review["status"] == "unresolved") & (review["reason"] == "no place given")).any()
    assert review["status"].tolist().count("conflict") == 1


def test_review_never_shows_placed_what_run_does_not_serve():
    """Before: a text whose record's site lies elsewhere was listed as 'placed' in the
    text's province, though run serves that record only where the site is. Naive oracle:
    every (record, province) pair the review shows as placed is a served pair of run."""
    # Phnom Penh (104.92 E, 11.56 N): inside Phnom Penh, not Kandal or Takeo
    records = _records([("a", "Kandal, Takeo", 104.92, 11.56),   # conflict: site wins
                        ("b", "Kandal", None, None),             # text only
                        ("c", "Kandal", 104.92, 11.56)])          # conflict
    served, _ = resolve_records(records, "2013")
    review = review_table(records, "2013")
    texts = review[review["status"] == "placed"]
    by_text = {t: set(rows["province_code"]) for t, rows in texts.groupby("area_text")}
    for rid, text, code in zip(served["record_id"], served["record_id"].map(
            dict(zip(records["record_id"], records["area_text"]))), served["province_code"]):
        assert code in by_text[text], (rid, code)
    assert by_text == {"Kandal": {"08", "12"}, "Kandal, Takeo": {"12"}}   # by hand
    kandal = review[(review["area_text"] == "Kandal") & (review["method"] == "exact")]
    assert kandal["records"].tolist() == [1]                              # b only
    assert review["status"].tolist().count("conflict") == 2


def test_the_collector_is_left_as_it_was(monkeypatch):
    """resolve_records pauses the cyclic garbage collector for the whole call and
    restores it, on or off, also when resolving fails."""
    import coverage.records.resolve as module

    def fails(text, frame):
        assert not gc.isenabled()  # paused while texts are resolved
        raise RuntimeError("resolver failed")

    try:
        gc.disable()
        resolve_records(RECORDS, "2013")
        assert not gc.isenabled()
        gc.enable()
        resolve_records(RECORDS, "2013")
        assert gc.isenabled()
        monkeypatch.setattr(module, "resolve_place", fails)
        with pytest.raises(RuntimeError, match="resolver failed"):
            resolve_records(RECORDS, "2013")
        assert gc.isenabled()
    finally:
        gc.enable()


@given(st.lists(st.integers(-1, 6), max_size=12), st.lists(st.integers(0, 5), max_size=10))
def test_rows_join_matches_a_nested_loop(codes, keys):
    """The vectorised one-to-many join gives the pairs a nested loop gives, in its order."""
    keys = sorted(keys)
    want = [(i, r) for i, c in enumerate(codes) for r, k in enumerate(keys) if k == c]
    rec, row = _rows(np.array(codes, dtype=np.int64), np.array(keys, dtype=np.int64))
    assert list(zip(rec.tolist(), row.tolist())) == want
