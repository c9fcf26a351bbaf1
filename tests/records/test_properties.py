"""Property tests: messy sheets only ever raise RecordsError, and every row is accounted for."""
from __future__ import annotations

import csv
import os
import tempfile

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coverage.places import provinces
from coverage.errors import RecordsError
from coverage.records import load_forum_records, read_records, resolve_records
from coverage.taxonomy import GROUPS, SERVICES

FORUM = load_forum_records().records
AREAS = sorted(set(FORUM["area_text"]))
INSTITUTIONS = sorted(set(FORUM["institution"]))
KHMER = provinces("2013")["name_km"].tolist()
GROUP_KEYS = ([str(g.id) for g in GROUPS] + [g.slug for g in GROUPS] + [g.name.upper() for g in GROUPS]
              + ["7", "0", "abc", "housing", "3.0", " shelter "])
SERVICE_KEYS = [s.name for s in SERVICES] + ["1", "2", "6", "9", "Safe house", "x" * 300]
FRAMES = provinces("2010")["code"].tolist(), provinces("2013")["code"].tolist()


def _typo(draw, text: str) -> str:
    if not text or not draw(st.booleans()):
        return text
    i = draw(st.integers(0, len(text) - 1))
    op = draw(st.sampled_from(["drop", "double", "swap", "upper"]))
    if op == "drop":
        return text[:i] + text[i + 1:]
    if op == "double":
        return text[:i] + text[i] + text[i:]
    if op == "swap" and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text.upper()


@st.composite
def place(draw) -> str:
    kind = draw(st.sampled_from(["forum", "forum", "mix", "khmer", "blank", "noise", "long"]))
    if kind == "forum":
        return _typo(draw, draw(st.sampled_from(AREAS)))
    if kind == "mix":
        parts = draw(st.lists(st.sampled_from(AREAS + KHMER), min_size=1, max_size=4))
        sep = draw(st.sampled_from([", ", ";", " / ", " and ", " & ", "\n", " - ", "|", "និង"]))
        return sep.join(_typo(draw, p) for p in parts)
    if kind == "khmer":
        return draw(st.sampled_from(KHMER))
    if kind == "blank":
        return draw(st.sampled_from(["", " ", "\t"]))
    if kind == "long":
        return ", ".join(draw(st.lists(st.sampled_from(AREAS), min_size=20, max_size=40)))
    return draw(st.text(min_size=1, max_size=40))


@st.composite
def row(draw) -> list[str]:
    institution = draw(st.one_of(st.sampled_from(INSTITUTIONS), st.just(""),
                                 st.text(min_size=1, max_size=15)))
    group = draw(st.one_of(st.just(""), st.sampled_from(GROUP_KEYS)))
    service = draw(st.one_of(st.just(""), st.sampled_from(SERVICE_KEYS)))
    notes = draw(st.text(max_size=30))
    return [institution, group, service, draw(place()), notes]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row(), min_size=1, max_size=12), frame=st.sampled_from(["2010", "2013"]),
       delimiter=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig"]))
def test_messy_sheets(rows, frame, delimiter, encoding):
    fd, name = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh, delimiter=delimiter)
            writer.writerow(["Institution", "Group", "Service", "Area", "Notes"])
            writer.writerows(rows)
        try:
            sheet = read_records(name)
        except RecordsError as err:
            assert err.file == name and str(err)
            event(f"RecordsError: {err.reason.split(' ')[0]}")
            return
        event("read")
        served, unresolved = resolve_records(sheet, frame)
    finally:
        os.unlink(name)
    records, rejected = sheet.records, sheet.rejected
    # every non-blank input row is a record or a rejected row, and rows are not invented
    non_blank = [r for r in rows if any(c.strip() for c in r)]
    assert len(records) + len(rejected) == len(non_blank)
    accounted = set(served["record_id"]) | set(unresolved["record_id"])
    assert accounted == set(records["record_id"])
    assert not set(rejected["record_id"]) & set(records["record_id"])
    assert (served["method"].str.len() > 0).all()
    assert (served["fragment"].str.len() > 0).all()
    assert set(served["province_code"]) <= set(FRAMES[frame == "2013"])
    assert not served.duplicated(["record_id", "province_code", "district_code", "basis"]).any()
