"""coverage: which humanitarian services reach which Cambodian provinces.

Not coverage.py: this package shares its import name, so never install both in
one environment.
"""
from __future__ import annotations

__version__ = "0.1.0"
