"""The bundled data of the forum: its records, its own findings, the example sheet.

Examples
--------
>>> sheet = load_forum_records()
>>> sheet.source, len(sheet), sorted(sheet.records["group_id"].unique().tolist())
('forum', 143, [1, 2, 3, 4, 5, 6])
>>> template_table().columns[:4].tolist()
['institution', 'group', 'service', 'area']
"""
from __future__ import annotations

from importlib import resources

import pandas as pd

from coverage.records.schema import TEMPLATE_COLUMNS, RecordsSheet
from coverage.settings import FORUM

__all__ = ["load_forum_records", "forum_findings", "example_records", "template_table"]


def _read_data(name: str) -> pd.DataFrame:
    path = resources.files("coverage") / "data" / name
    with resources.as_file(path) as p:
        return pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")


def load_forum_records() -> RecordsSheet:
    """The forum's service records: one row per (group, service type, institution) offer.

    Returns
    -------
    RecordsSheet
        ``records`` has the columns ``record_id``, ``group_id``, ``group``, ``service_id``,
        ``service``, ``institution``, ``programme``, ``area_text``, ``referral``, ``gaps``,
        ``recommendations``, ``notes`` and ``source_line`` (the line of the report text);
        ``source`` is ``"forum"``.
    """
    df = _read_data("forum_records.csv")
    for col in ("group_id", "service_id", "source_line"):
        df[col] = df[col].astype(int)
    return RecordsSheet(df, source=FORUM)


def forum_findings() -> pd.DataFrame:
    """The forum's own gaps and recommendations per group, as bundled with the package.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_id`` (0 = forum-wide), ``kind`` (``gap`` or ``recommendation``),
        ``text`` and ``source_line``, in file order.

    Examples
    --------
    >>> sorted(forum_findings()["kind"].unique())
    ['gap', 'recommendation']
    """
    df = _read_data("forum_group_findings.csv")
    df["group_id"] = df["group_id"].astype(int)
    return df


def example_records() -> pd.DataFrame:
    """The bundled messy example sheet (``coverage/data/example_records.csv``) as text."""
    return _read_data("example_records.csv")


def template_table() -> pd.DataFrame:
    """The records template: expected columns, two real example rows from the forum's annex."""
    return example_records().reindex(columns=list(TEMPLATE_COLUMNS), fill_value="").head(2)
