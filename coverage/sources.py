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
           "Boundaries: Open Development Cambodia, districts 2014 (CC BY 4.0), via "
           "geoBoundaries; modified: dissolved to 24 provinces, simplified",
           "District boundaries: Open Development Cambodia, Administrative boundaries of "
           "Cambodia (2014), CC BY 4.0; via geoBoundaries (KHM-ADM2-14789045). Modified: "
           "attributes added, coordinates rounded to 1e-7°, one 0.015 km² gap filled, "
           "simplified as a coverage, dissolved into the 24 provinces of the 2010 frame "
           "(Tbong Khmum inside Kampong Cham; Phnom Penh with its 2014 extent), Tonle Sap "
           "derived as the lake the districts leave out.",
           "CC BY 4.0 (Creative Commons Attribution 4.0 International)"),
    Source("boundaries_2013", "Province boundaries, 2013 frame",
           "Boundaries: Open Development Cambodia, districts 2014 (CC BY 4.0), via "
           "geoBoundaries; modified: dissolved to 25 provinces, simplified",
           "District boundaries: Open Development Cambodia, Administrative boundaries of "
           "Cambodia (2014), CC BY 4.0; via geoBoundaries (KHM-ADM2-14789045). Modified: "
           "attributes added, coordinates rounded to 1e-7°, one 0.015 km² gap filled, "
           "simplified as a coverage, dissolved into the 25 provinces of the 2013 frame, "
           "Tonle Sap derived as the lake the districts leave out.",
           "CC BY 4.0 (Creative Commons Attribution 4.0 International)"),
    Source("population", "Population",
           "Population: NIS, General Population Census of Cambodia 2008",
           "2008 General Population Census of Cambodia, National Institute of Statistics (NIS), "
           "Ministry of Planning: provincial totals (on the 2013 frame, Tbong Khmum is the sum "
           "of its seven 2008 districts).",
           "published figures, cited"),
    Source("migrants", "International migrants (need)",
           "Need: international migrants aged over 18, NIS census 2008 (via Open Development "
           "Cambodia)",
           "International migrants aged over 18 by commune: NIS, General Population Census "
           "2008 / commune data 2011, as compiled in Save Cambodia's Wildlife, Atlas of "
           "Cambodia (2013), via Open Development Cambodia; summed to provinces and districts "
           "(tools/build_migrants.py).",
           "stated by the publisher as Creative Commons Public Domain"),
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
