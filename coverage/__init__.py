"""coverage: which humanitarian services reach which Cambodian provinces.

Coverage and gap scores per province for the six service groups of the 2010
National Practitioner Forum on Reintegration of Victims of Human Trafficking,
and the choropleths that show them.

Not coverage.py: this package shares its import name, so never install both
in one environment.

Examples
--------
>>> import coverage
>>> result = coverage.analyze()               # the forum's records, 2010 frame
>>> result.rank("shelter", n=5)               # doctest: +SKIP
>>> fig = coverage.plot_groups(result)        # doctest: +SKIP
"""
from __future__ import annotations

import importlib
import warnings
from importlib import metadata

__version__ = "0.1.0"

# Public name -> module that defines it. Modules are imported on first use, so
# `import coverage` stays fast and never pulls in matplotlib or folium.
_API = {
    "GROUPS": "taxonomy", "SERVICES": "taxonomy", "get_group": "taxonomy",
    "get_service": "taxonomy", "groups_table": "taxonomy", "services_table": "taxonomy",
    "provinces": "gazetteer", "province_code": "gazetteer", "resolve_place": "gazetteer",
    "to_frame": "gazetteer", "province_name": "gazetteer", "FRAMES": "gazetteer",
    "Resolution": "gazetteer",
    "load_forum_records": "records", "read_records": "records",
    "resolve_records": "records", "RecordsError": "records",
    "BoundaryError": "boundaries", "load_provinces": "boundaries", "load_population": "boundaries", "locate_sites": "boundaries",
    "analyze": "scores", "CoverageResult": "scores", "sensitivity": "scores",
    "suggest_expansion": "scores", "score": "scores", "read_need": "scores",
    "plot_group": "maps", "plot_groups": "maps", "save_maps": "maps", "explore": "maps",
    "write_report": "report",
}
__all__ = sorted(_API)

CLASH_MESSAGE = (
    "coverage.py (the test-coverage tool) is installed in this environment. It uses the "
    "same import name, `coverage`, as kh-coverage, so one overwrites the other. "
    "Fix: install kh-coverage in its own virtual environment "
    "(python3 -m venv .venv && .venv/bin/pip install kh-coverage) and keep coverage.py "
    "and pytest-cov out of it."
)


def _coverage_py_installed() -> bool:
    """True when the distribution `coverage` (coverage.py) is installed here."""
    try:
        metadata.distribution("coverage")
    except metadata.PackageNotFoundError:
        return False
    return True


if _coverage_py_installed():
    warnings.warn(CLASH_MESSAGE, RuntimeWarning, stacklevel=2)


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'coverage' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"coverage.{_API[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
