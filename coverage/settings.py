"""Defaults and fixed choices of the method, each defined once.

Everything a user may change has its default here; every module that needs one
imports it from here (never repeats the number).

Examples
--------
>>> default_frame("forum"), default_frame("my_services.xlsx")
('2010', '2013')
>>> check_frame(2013)
'2013'
>>> check_weight("0.25", "nationwide_weight")
0.25
>>> check_min_count(5)
5
"""
from __future__ import annotations

import math
from typing import Final

__all__ = ["FRAMES", "PROVINCE_COUNT", "CURRENT_FRAME", "FORUM", "NATIONWIDE_WEIGHT", "PROVINCE_WEIGHT",
           "LEVELS", "NEEDS", "MIN_COUNT", "TOP_N", "SENSITIVITY_WEIGHTS", "RANGE_WEIGHTS", "DPI", "FUZZY_CUTOFF", "FUZZY_MARGIN",
           "FUZZY_MIN_LETTERS", "PLACE_MIN_LETTERS", "SCORE_DECIMALS", "default_frame",
           "check_frame", "check_weight", "check_min_count"]

#: Province frames: "2010" has 24 provinces (Kampong Cham still includes Tbong Khmum),
#: "2013" has 25.
FRAMES: Final[tuple[str, ...]] = ("2010", "2013")
PROVINCE_COUNT: Final[dict[str, int]] = {"2010": 24, "2013": 25}
#: Today's 25 provinces: the frame of place resolution and of any records but the forum's.
CURRENT_FRAME: Final = "2013"

#: The name of the bundled records (the 2010 forum's tables) wherever a source is named.
FORUM: Final = "forum"

#: Level of a service type in a province when it is only claimed nationwide.
NATIONWIDE_WEIGHT: Final = 0.5
#: Level of a service type in a district when a provider names only its province.
PROVINCE_WEIGHT: Final = 0.75
#: The units scored: provinces always; districts (the 2014 layer) on request.
LEVELS: Final[tuple[str, ...]] = ("province", "district")
#: Need indicators known by name: the 2008 census population (the default), every province
#: alike (rank by coverage alone), international migrants aged over 18 (2008 census).
NEEDS: Final[tuple[str, ...]] = ("population", "uniform", "migrants")
#: Counts from 1 to MIN_COUNT - 1 are withheld; 1 publishes everything.
MIN_COUNT: Final = 1
#: How many provinces a "top" list holds (rank tables, sensitivity, findings).
TOP_N: Final = 5
#: Nationwide weights tried by the sensitivity analysis.
SENSITIVITY_WEIGHTS: Final[tuple[float, ...]] = (0.0, 0.25, 0.5, 0.75, 1.0)
#: Nationwide weights of the rank-range scenarios (``CoverageResult.rank_ranges``): a claim
#: counted as nothing, as half a local provider, as a local provider.
RANGE_WEIGHTS: Final[tuple[float, ...]] = (0.0, 0.5, 1.0)
#: Resolution of raster maps.
DPI: Final = 200
#: Decimals of scores in the CSV tables.
SCORE_DECIMALS: Final = 4

#: Fuzzy place matching: best score needed, lead over the runner-up, and letters a
#: text must have before it is fuzzed at all.
FUZZY_CUTOFF: Final = 88.0
FUZZY_MARGIN: Final = 5.0
FUZZY_MIN_LETTERS: Final = 6
#: Sub-province place names shorter than this (in letters) are not looked up.
PLACE_MIN_LETTERS: Final = 5


def default_frame(source: str) -> str:
    """The frame a run uses when none is given: the forum's own (2010) for the bundled
    records, the current 25 provinces for anything else."""
    return "2010" if source == FORUM else CURRENT_FRAME


def check_frame(frame: object) -> str:
    """Return ``frame`` as one of :data:`FRAMES`, or raise ``ValueError``."""
    text = str(frame)
    if text not in FRAMES:
        raise ValueError(f"unknown frame {text!r}; valid frames are {', '.join(FRAMES)}")
    return text


def check_weight(value: object, name: str) -> float:
    """Return ``value`` as a float in [0, 1], or raise ``ValueError`` naming ``name``."""
    try:
        w = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in [0, 1], not {value!r}") from None
    if math.isnan(w) or not 0.0 <= w <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], not {value!r}")
    return w


def check_min_count(value: object) -> int:
    """Return ``value`` as an int >= 1, or raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"min_count must be an integer >= 1, not {value!r}")
    try:
        k = int(str(value))
    except ValueError:
        raise ValueError(f"min_count must be an integer >= 1, not {value!r}") from None
    if k < 1:
        raise ValueError(f"min_count must be an integer >= 1, not {value!r}")
    return k
