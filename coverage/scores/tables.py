"""The columns of the score tables, defined once.

Examples
--------
>>> PROVINCE_COLUMNS[:4]
('province_code', 'province', 'group_id', 'group')
"""
from __future__ import annotations

from typing import Final

__all__ = ["SCORED_COLUMNS", "COUNT_COLUMNS", "PROVINCE_COLUMNS", "SERVICE_COLUMNS"]

#: The served columns scoring needs (the rest of the served table is for people).
SCORED_COLUMNS: Final = ("record_id", "group_id", "service_id", "institution", "province_code",
                         "basis")
#: Columns holding counts that ``min_count`` may suppress.
COUNT_COLUMNS: Final = ("records", "providers", "providers_local", "providers_nationwide")
#: ``by_province``: one row per province × group (group 0 = all groups: the mean over
#: the groups with data). ``coverage``, ``gap`` and the ranks are empty for a group no
#: record offers anywhere (no data is not zero); ``gap_rank`` only where ``gap > 0``.
PROVINCE_COLUMNS: Final = ("province_code", "province", "group_id", "group", "records",
                           "providers", "providers_local", "providers_nationwide",
                           "services_local", "services_nationwide_only", "services_total",
                           "coverage", "population", "need", "gap", "gap_rank",
                           "coverage_rank", "need_rank", "population_per_local_provider",
                           "suppressed")
#: ``by_service``: one row per province × service type.
SERVICE_COLUMNS: Final = ("province_code", "province", "group_id", "service_id", "service",
                          "level", "local", "nationwide", "records", "providers_local",
                          "providers_nationwide", "institutions_local",
                          "institutions_nationwide", "suppressed")
