"""The result types of place resolution: a match, an unplaced fragment, a resolution."""
from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Match", "Unplaced", "Resolution"]


@dataclass(frozen=True)
class Match:
    """A fragment of the text placed in a province (``code`` of the 25-province list).

    ``district_code`` is the 4-digit MEF district code when the fragment names a district,
    commune or town lying in exactly one district (None otherwise).
    """

    fragment: str
    code: str
    method: str
    score: float = 100.0
    district_code: str | None = None


@dataclass(frozen=True)
class Unplaced:
    """A fragment of the text that names no single province, and why."""

    fragment: str
    reason: str


@dataclass(frozen=True)
class Resolution:
    """The provinces a free-text place cell names.

    Attributes
    ----------
    text : str
        The input.
    provinces : tuple of str
        Codes in the frame, sorted and unique (every province of the frame when
        ``nationwide``).
    nationwide : bool
        The text claims the whole country ("24 capital/provinces", "nationwide", ...).
    matches : tuple of Match
        How each named province was found, in text order; a nationwide claim adds one
        ``method="nationwide"`` match per province of the frame.
    unresolved : tuple of Unplaced
        Fragments that were not placed.
    notes : tuple of str
        Decisions taken (contradictions, district-first choices, variant spellings,
        counts that disagree with the names).
    """

    text: str
    provinces: tuple[str, ...]
    nationwide: bool
    matches: tuple[Match, ...]
    unresolved: tuple[Unplaced, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict:
        """Plain dict (lists of dicts for matches and unresolved), JSON-ready."""
        return asdict(self)

    @property
    def named(self) -> tuple[str, ...]:
        """Codes named in the text (not only covered by a nationwide claim), 25-list codes."""
        return tuple(sorted({m.code for m in self.matches if m.method != "nationwide"}))
