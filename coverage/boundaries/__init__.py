"""Province and district polygons, the Tonle Sap, 2008 census population, site lookup.

One bundled GeoPackage (EPSG:4326) derived from the 197 districts of Open Development
Cambodia's *Administrative boundaries of Cambodia (2014)* (CC BY 4.0, via geoBoundaries
KHM-ADM2-14789045), dissolved into provinces for both frames:

* frame ``"2010"``: 24 provinces (Kampong Cham still includes Tbong Khmum);
* frame ``"2013"``: 25 provinces.

Phnom Penh has its 2014 extent (with the khans added in 2011) on both frames. The
Tonle Sap is left out of the districts and provinces and shipped as a water layer.
See ``shapefiles/README.md`` for sources, licence, method and known limits.

Modules: :mod:`~coverage.boundaries.layers` (bundled layers),
:mod:`~coverage.boundaries.checks`, :mod:`~coverage.boundaries.user_layers` (your own
province layer), :mod:`~coverage.boundaries.population`, :mod:`~coverage.boundaries.sites`.

Examples
--------
>>> from coverage.boundaries import load_provinces, load_population, locate_sites
>>> gdf = load_provinces("2013")
>>> len(gdf), gdf.crs.to_epsg()
(25, 4326)
>>> int(load_population("2010")["population"].sum())
13395682
"""
from __future__ import annotations

import importlib

# Names load from their module on first use, so that reading the census
# (coverage.boundaries.population) never imports geopandas.
_HOME = {
    "AREA_TOLERANCE": "checks", "CAMBODIA_AREA_KM2": "checks", "check_provinces": "checks",
    "coverage_defects": "checks",
    "area_km2": "layers", "boundary_file": "layers", "load_districts": "layers",
    "load_provinces": "layers", "load_water": "layers", "province_table": "layers",
    "shapefile_dir": "layers",
    "load_population": "population", "read_population_table": "population",
    "SITE_STATUSES": "sites", "locate_sites": "sites",
}
from coverage.errors import BoundaryError  # noqa: E402

__all__ = ["load_provinces", "load_districts", "load_water", "load_population", "locate_sites",
           "check_provinces", "coverage_defects", "area_km2", "shapefile_dir", "boundary_file",
           "province_table", "read_population_table", "BoundaryError", "CAMBODIA_AREA_KM2",
           "AREA_TOLERANCE", "SITE_STATUSES"]


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'coverage.boundaries' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"coverage.boundaries.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))
