"""Coverage and gap scores per province, service group and service type.

Modules: ``params`` (the run's parameters), ``tables`` (columns), ``inputs`` (checking
provinces, population, need and the served table), ``method`` (levels, coverage, gap,
rank), ``disclosure`` (``min_count``), ``planning`` (sensitivity, expansion), ``result``
(:class:`CoverageResult`) and ``analysis`` (:func:`analyze`, :func:`score`).

Examples
--------
>>> from coverage.scores import analyze
>>> analyze().rank("legal", n=1)["province"].tolist()
['Prey Veng']
"""
from coverage.scores.analysis import analyze, score
from coverage.scores.disclosure import format_suppressed
from coverage.scores.inputs import read_need
from coverage.scores.params import RunParams
from coverage.scores.planning import sensitivity, suggest_expansion
from coverage.scores.result import CoverageResult

__all__ = ["analyze", "score", "CoverageResult", "RunParams", "sensitivity",
           "suggest_expansion", "format_suppressed", "read_need"]
