"""The parameters of one run, typed and frozen: what maps, report and CLI print.

Examples
--------
>>> p = RunParams(frame="2010")
>>> p.nationwide_weight, p.min_count, p.need, p.records
(0.5, 1, 'population', 'forum')
>>> RunParams(frame="2013", nationwide_weight=2)
Traceback (most recent call last):
...
ValueError: nationwide_weight must be in [0, 1], not 2
"""
from __future__ import annotations

from dataclasses import dataclass

from coverage.settings import (FORUM, LEVELS, MIN_COUNT, NATIONWIDE_WEIGHT, PROVINCE_WEIGHT,
                               check_frame, check_min_count, check_weight)

__all__ = ["RunParams"]


@dataclass(frozen=True)
class RunParams:
    """Every parameter of a run (and no date, so the same input gives the same output).

    Attributes
    ----------
    frame : {"2010", "2013"}
        Province frame.
    nationwide_weight : float
        Level of a service type only claimed nationwide, in [0, 1].
    min_count : int
        Counts from 1 to ``min_count - 1`` are withheld.
    need : str
        What the need indicator is: ``"population"`` (2008 census) or the name of the
        table given (a file name, never a full path).
    spread : bool
        On the 2013 frame, the forum's "Kampong Cham" was read as the 2010 province.
    records : str
        Where the records came from: ``"forum"`` or the sheet's file name.
    boundaries : str or None
        The file name of a user's boundary layer; None for the bundled layer.
    level : {"province", "district"}
        ``"district"`` also scores the 197 districts of the 2014 layer.
    province_weight : float
        Level of a service type in a district when a provider names only its province.
    """

    frame: str
    nationwide_weight: float = NATIONWIDE_WEIGHT
    min_count: int = MIN_COUNT
    need: str = "population"
    spread: bool = False
    records: str = FORUM
    boundaries: str | None = None
    level: str = "province"
    province_weight: float = PROVINCE_WEIGHT

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        object.__setattr__(self, "province_weight",
                           check_weight(self.province_weight, "province_weight"))
        object.__setattr__(self, "frame", check_frame(self.frame))
        object.__setattr__(self, "nationwide_weight",
                           check_weight(self.nationwide_weight, "nationwide_weight"))
        object.__setattr__(self, "min_count", check_min_count(self.min_count))
