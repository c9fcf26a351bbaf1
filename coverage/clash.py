"""Is coverage.py (the test-coverage tool, import name also ``coverage``) installed here?

The one check shared by ``import coverage`` (a warning) and the ``kh-coverage`` launcher
(a stop with an explanation). It looks for coverage.py's distribution metadata
(``coverage-<version>.dist-info`` or ``.egg-info``) in the folders on ``sys.path``, as
``importlib.metadata`` would, without importing ``importlib.metadata`` (about 30 ms, most
of what ``import coverage`` would otherwise cost).

Examples
--------
>>> coverage_py_installed([])
False
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable

__all__ = ["coverage_py_installed"]


def coverage_py_installed(path: Iterable[str] | None = None) -> bool:
    """True when a folder on ``path`` (default ``sys.path``) holds coverage.py's metadata.

    kh-coverage's own metadata is ``kh_coverage-<version>.dist-info``, so it never counts.
    """
    for entry in sys.path if path is None else path:
        try:
            names = os.listdir(entry or ".")
        except OSError:        # a zip file, a missing folder
            continue
        for name in names:
            low = name.lower()
            if low.startswith("coverage-") and low.endswith((".dist-info", ".egg-info")):
                return True
    return False
