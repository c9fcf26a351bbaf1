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
>>> result.rank("shelter", n=3)["province"].tolist()
['Takeo', 'Kampong Cham', 'Kampong Speu']
"""
from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING

from coverage.clash import coverage_py_installed as _coverage_py_installed

__version__ = "0.1.0"

# The public API, in data-flow order. Each name is imported from its module on first use,
# so `import coverage` stays fast and pulls in neither pandas nor matplotlib; the
# TYPE_CHECKING imports below let IDEs and type checkers see every name.
if TYPE_CHECKING:  # pragma: no cover
    from coverage.boundaries import load_provinces, locate_sites
    from coverage.errors import InputError
    from coverage.places import resolve_place
    from coverage.maps import explore, plot_group, plot_groups, save_maps
    from coverage.records import RecordsSheet, load_forum_records, read_records, resolve_records
    from coverage.report import write_report
    from coverage.scores import CoverageResult, RunParams, analyze

_API = {
    "InputError": "errors",
    "RecordsSheet": "records", "load_forum_records": "records", "read_records": "records",
    "resolve_records": "records",
    "resolve_place": "places",
    "load_provinces": "boundaries", "locate_sites": "boundaries",
    "analyze": "scores", "CoverageResult": "scores", "RunParams": "scores",
    "plot_group": "maps", "plot_groups": "maps", "save_maps": "maps", "explore": "maps",
    "write_report": "report",
}
__all__ = list(_API)

CLASH_MESSAGE = (
    "coverage.py (the test-coverage tool) is installed in this environment. It uses the "
    "same import name, `coverage`, as kh-coverage, so one overwrites the other. "
    "Fix: install kh-coverage in its own virtual environment "
    "(python3 -m venv .venv && .venv/bin/pip install kh-coverage) and keep coverage.py "
    "and pytest-cov out of it. After `pip uninstall coverage`, run "
    "`pip install --force-reinstall kh-coverage`: the uninstall removes files both share."
)


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
