"""The columns of the score tables, defined once.

Examples
--------
>>> PROVINCE_COLUMNS[:4]
('province_code', 'province', 'group_id', 'group')
"""
from __future__ import annotations

from typing import Final

__all__ = ["SCORED_COLUMNS", "COUNT_COLUMNS", "RATIO_COLUMNS", "BOUND_COLUMNS",
           "PROVINCE_COLUMNS", "SERVICE_COLUMNS"]

#: The served columns scoring needs (the rest of the served table is for people).
SCORED_COLUMNS: Final = ("record_id", "group_id", "service_id", "institution", "province_code",
                         "basis")
#: Columns holding counts that ``min_count`` may suppress.
COUNT_COLUMNS: Final = ("records", "providers", "providers_local", "providers_nationwide")
#: Ratios of ``providers_local`` to a published figure (people per local provider, local
#: providers per 100,000 people and per 1,000 international migrants): withheld with it.
RATIO_COLUMNS: Final = ("population_per_local_provider", "providers_local_per_100k",
                        "providers_local_per_1000_migrants")
#: Claims as bounds: coverage and gap with every nationwide claim counted as nothing
#: (``_local``, local presence) and in full (``_claimed``).
BOUND_COLUMNS: Final = ("coverage_local", "coverage_claimed", "gap_local", "gap_claimed")
#: ``by_province``: one row per province × group (group 0 = all groups: the mean over
#: the groups with data). ``coverage``, ``gap`` and the ranks are empty for a group no
#: record offers anywhere (no data is not zero); ``gap_rank`` only where ``gap > 0``.
PROVINCE_COLUMNS: Final = ("province_code", "province", "group_id", "group", "records",
                           "providers", "providers_local", "providers_nationwide",
                           "services_local", "services_nationwide_only", "services_total",
                           "coverage", "coverage_local", "coverage_claimed", "population",
                           "need", "gap", "gap_local", "gap_claimed", "gap_rank",
                           "coverage_rank", "need_rank", "population_per_local_provider",
                           "providers_local_per_100k", "providers_local_per_1000_migrants",
                           "suppressed")
#: ``by_service``: one row per province × service type.
SERVICE_COLUMNS: Final = ("province_code", "province", "group_id", "service_id", "service",
                          "level", "local", "nationwide", "records", "providers_local",
                          "providers_nationwide", "institutions_local",
                          "institutions_nationwide", "suppressed")
