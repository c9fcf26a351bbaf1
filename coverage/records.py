"""Service records: the bundled forum dataset, reading user sheets, resolving places.

Examples
--------
>>> from coverage.records import load_forum_records
>>> records = load_forum_records()
>>> sorted(records["group_id"].unique().tolist())
[1, 2, 3, 4, 5, 6]
"""
from __future__ import annotations

import logging
from importlib import resources

import pandas as pd

log = logging.getLogger(__name__)

RECORD_COLUMNS = ["record_id", "group_id", "group", "service_id", "service", "institution",
                  "programme", "area_text", "referral", "gaps", "recommendations", "notes"]


def load_forum_records() -> pd.DataFrame:
    """The forum's service records: one row per (group, service type, institution) offer.

    Returns
    -------
    pandas.DataFrame
        Columns ``record_id``, ``group_id``, ``group``, ``service_id``, ``service``,
        ``institution``, ``programme``, ``area_text``, ``referral``, ``gaps``,
        ``recommendations``, ``notes`` and ``source_line`` (the line of the report text).
    """
    path = resources.files("coverage") / "data" / "forum_records.csv"
    with resources.as_file(path) as p:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in ("group_id", "service_id", "source_line"):
        df[col] = df[col].astype(int)
    return df
