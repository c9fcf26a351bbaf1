"""The review table: how each distinct place text of a records table is read.

The table ``kh-coverage resolve`` prints and notebook 03 shows, one row per fragment, so a
user sees every reading before scoring; records with coordinates are read exactly as
:func:`coverage.records.resolve_records` reads them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from coverage.places import provinces, resolve_place
from coverage.records.resolve import resolve_records
from coverage.records.schema import RecordsSheet
from coverage.settings import check_frame, default_frame

__all__ = ["review_table", "REVIEW_COLUMNS"]


def review_table(records: RecordsSheet | pd.DataFrame, frame: str | None = None) -> pd.DataFrame:
    """How each distinct place text of a records table is read, one row per fragment.

    Parameters
    ----------
    records : RecordsSheet or pandas.DataFrame
        Records (``area_text`` column).
    frame : {"2010", "2013"}, optional
        Province frame; default as in :func:`resolve_records`.

    Returns
    -------
    pandas.DataFrame
        ``area_text``, ``records`` (how many records use it), ``fragment``,
        ``province_code``, ``province``, ``method``, ``score``, ``status``
        (``placed``, ``nationwide``, ``unresolved`` or ``conflict``) and ``reason``; place
        texts in order of first use, then one row per record with coordinates (its located
        province, read as :func:`resolve_records` reads it; a record whose text and site
        disagree is a ``conflict`` naming both provinces, its text left out of the texts).
    """
    if isinstance(records, RecordsSheet):
        frame = check_frame(frame or default_frame(records.source))
        records = records.records
    frame = check_frame(frame or default_frame(""))
    texts = records["area_text"].astype("string").fillna("")
    located = _site_review(records, frame)
    ids = records["record_id"].astype(str)
    sites_only = (ids.isin(located["_record"]).to_numpy(dtype=bool)
                  & (texts.str.strip() == "").to_numpy(dtype=bool, na_value=False))
    # text and site disagree: served where the site is (as run does), text in its conflict row
    conflicts = ids.isin(located.loc[located["status"] == "conflict", "_record"]).to_numpy(bool)
    texts = texts[~(sites_only | conflicts)]
    uses = texts.value_counts(sort=False)
    names = _province_names(frame)
    rows = []
    for text in dict.fromkeys(texts):
        res = resolve_place(text, frame)
        n = int(uses[text])
        if res.nationwide:
            rows.append((text, n, text, "", "", "nationwide", None, "nationwide", ""))
        for m in res.matches:
            if m.method == "nationwide":
                continue
            rows.append((text, n, m.fragment, m.code, names.get(m.code, ""), m.method,
                         round(float(m.score), 1) if m.score is not None else None,
                         "placed", ""))
        for u in res.unresolved:
            rows.append((text, n, u.fragment, "", "", "", None, "unresolved", u.reason))
        if not (res.nationwide or res.matches or res.unresolved):
            rows.append((text, n, text, "", "", "", None, "unresolved", "no place given"))
    table = pd.DataFrame(rows, columns=REVIEW_COLUMNS)
    return pd.concat([table, located[list(REVIEW_COLUMNS)]], ignore_index=True)


REVIEW_COLUMNS = ("area_text", "records", "fragment", "province_code", "province", "method",
                  "score", "status", "reason")


def _site_review(records: pd.DataFrame, frame: str) -> pd.DataFrame:
    """Review rows of the records with coordinates, read exactly as :func:`resolve_records`
    reads them: the located province, or why the site was not used."""
    empty = pd.DataFrame(columns=[*REVIEW_COLUMNS, "_record"])
    if not {"lon", "lat"} <= set(records.columns):
        return empty
    has = (pd.to_numeric(records["lon"], errors="coerce").notna()
           & pd.to_numeric(records["lat"], errors="coerce").notna())
    if not has.any():
        return empty
    part = records[has.to_numpy()]
    served, unresolved = resolve_records(part, frame)
    text = dict(zip(part["record_id"].astype(str), part["area_text"].astype("string").fillna("")))
    sites = served[served["basis"].astype(object) == "site"]
    problems = unresolved[unresolved["fragment"].str.startswith("lon ")
                          | unresolved["reason"].str.startswith("conflict")]
    placed = pd.DataFrame({
        "area_text": sites["record_id"].map(text), "records": 1,
        "fragment": sites["fragment"].astype(str), "province_code": sites["province_code"].astype(str),
        "province": sites["province"].astype(str), "method": "site", "score": None,
        "status": "placed", "reason": "", "_record": sites["record_id"]})
    bad = pd.DataFrame({
        "area_text": problems["record_id"].map(text), "records": 1,
        "fragment": problems["fragment"], "province_code": "", "province": "", "method": "",
        "score": None, "reason": problems["reason"], "_record": problems["record_id"],
        "status": np.where(problems["reason"].str.startswith("conflict"), "conflict",
                           "unresolved")})
    return pd.concat([placed, bad], ignore_index=True)


def _province_names(frame: str) -> dict[str, str]:
    table = provinces(frame)
    return dict(zip(table["code"], table["name"]))
