"""Gaps and recommendations to show beside the scores: the forum's own, or a sheet's."""
from __future__ import annotations

import pandas as pd

from coverage.records.forum import forum_findings
from coverage.scores import CoverageResult
from coverage.settings import FORUM

FINDINGS_COLUMNS = ["group_id", "kind", "text"]

def records_findings(records: pd.DataFrame) -> pd.DataFrame:
    """Gaps and recommendations written in a records sheet, one row per distinct text.

    Parameters
    ----------
    records : pandas.DataFrame
        A records table with ``group_id`` and (optionally) ``gaps`` and
        ``recommendations`` columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_id``, ``kind``, ``text``; duplicates within a group removed,
        first-seen order kept.

    Examples
    --------
    >>> import pandas as pd
    >>> recs = pd.DataFrame({"group_id": [5, 5], "gaps": ["No lawyers", "No lawyers"],
    ...                      "recommendations": ["", "Train lawyers"]})
    >>> records_findings(recs)["text"].tolist()
    ['No lawyers', 'Train lawyers']
    """
    parts = []
    for column, kind in (("gaps", "gap"), ("recommendations", "recommendation")):
        if column not in records.columns:
            continue
        texts = records[column].astype("string").fillna("").str.strip()
        part = pd.DataFrame({"group_id": records["group_id"].astype(int), "kind": kind,
                             "text": texts, "order": range(len(records))})
        parts.append(part[part["text"] != ""])
    if not parts:
        return pd.DataFrame(columns=FINDINGS_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["group_id", "kind", "order"], kind="stable")
    out = out.drop_duplicates(["group_id", "kind", "text"])
    return out[FINDINGS_COLUMNS].reset_index(drop=True)




def default_findings(result: CoverageResult) -> pd.DataFrame | None:
    """The forum's findings for the forum's records, else the records' own columns.

    With ``min_count`` > 1 (case-level data) a sheet's own free text is never shown."""
    if result.params.records == FORUM:
        return forum_findings()
    if result.records is None or result.params.min_count > 1:
        return None
    return records_findings(result.records.records)


