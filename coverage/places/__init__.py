"""Provinces, their many spellings, sub-province places and free-text place resolution.

The forum report writes places in many ways: ``"BTB, SRP and BMC"``,
``"12 capital/provinces: PP, KSP, KK, ..."``, ``"Poipet (BMC province)"``,
``"24 capital/provinces"``; user sheets add district names, Khmer text and
abbreviations such as ``"Kg. Cham"``. :func:`resolve_place` turns such a cell into
NIS province codes (``"01"`` ... ``"25"``), with the district when one is named,
and says how each code was found, what could not be placed and which decisions
were taken.

Modules: :mod:`~coverage.places.text` (keys, Khmer clean-up, romanisation variants),
:mod:`~coverage.places.names` (province table, frames, codes, aliases),
:mod:`~coverage.places.abbreviations` (dotted abbreviations: "Kg. Cham", "B. Meanchey"),
:mod:`~coverage.places.tables` (MEF districts and communes, towns),
:mod:`~coverage.places.grammar` (counts, nationwide claims, separators),
:mod:`~coverage.places.fuzzy` (misspelt province names, guarded by the place names),
:mod:`~coverage.places.resolve` (:func:`resolve_place`).

Examples
--------
>>> from coverage.places import province_code, resolve_place, to_frame
>>> province_code("Bantey Meanchey"), province_code(3.0)
('01', '03')
>>> resolve_place("BTB, SRP and BMC").provinces
('01', '02', '17')
>>> resolve_place("24 capital/provinces").nationwide
True
>>> to_frame("25", "2010")
('03',)
"""
from __future__ import annotations

from coverage.places.abbreviations import expand_abbreviations
from coverage.places.names import (aliases, normalise_code, province_code, province_label,
                                   province_name, provinces, to_frame)
from coverage.places.resolve import resolve_place
from coverage.places.result import Match, Resolution, Unplaced
from coverage.places.tables import PlaceHit, place_hit, places, variant_hit
from coverage.places.text import clean_khmer, key, variant_key

__all__ = ["provinces", "province_code", "normalise_code", "province_name", "province_label",
           "to_frame", "resolve_place", "Resolution", "Match", "Unplaced", "aliases", "places",
           "PlaceHit", "place_hit", "variant_hit", "expand_abbreviations", "clean_khmer", "key",
           "variant_key"]
