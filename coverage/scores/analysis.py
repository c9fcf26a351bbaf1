"""The two entry points of scoring: :func:`analyze` (records to result) and :func:`score`
(an already resolved served table to result).
"""
from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import PurePath
from typing import Mapping

import pandas as pd

from coverage.records import RecordsSheet, load_forum_records, read_records, resolve_records
from coverage.records.schema import empty_rejected, empty_unresolved
from coverage.scores.disclosure import national_counts, suppress
from coverage.scores.districts import DISTRICT_COUNT_COLUMNS, district_tables
from coverage.scores.inputs import (ScoreInputs, census, check_layer_covers, check_provinces,
                                    province_table, score_inputs)
from coverage.scores.method import score_tables
from coverage.scores.params import RunParams
from coverage.scores.result import CoverageResult
from coverage.scores.tables import PROVINCE_COLUMNS, SERVICE_COLUMNS
from coverage.boundaries.population import load_migrants
from coverage.settings import (CURRENT_FRAME, FORUM, MIN_COUNT, NATIONWIDE_WEIGHT, NEEDS,
                               PROVINCE_WEIGHT, default_frame)

log = logging.getLogger(__name__)

__all__ = ["analyze", "score"]

#: Needs named by a word rather than given as a table.

Need = pd.Series | pd.DataFrame | Mapping | str | os.PathLike | None


def analyze(records: RecordsSheet | pd.DataFrame | str | os.PathLike | None = None, *,
            frame: str | None = None, provinces=None, need: Need = None,
            nationwide_weight: float = NATIONWIDE_WEIGHT, min_count: int = MIN_COUNT,
            spread: bool | None = None, level: str = "province",
            province_weight: float = PROVINCE_WEIGHT) -> CoverageResult:
    """Coverage and gap scores for every province, service group and service type.

    Parameters
    ----------
    records : RecordsSheet, DataFrame, path or None
        Records (from :func:`coverage.read_records`), a records table, a path to a records
        sheet, an already resolved *served* table (has ``province_code`` and ``basis``),
        or None for the forum's records.
    frame : {"2010", "2013"}, optional
        Province frame; default ``"2010"`` for the forum data, ``"2013"`` otherwise.
    provinces : GeoDataFrame, path or None, optional
        Your own boundary layer: a file (read with :func:`coverage.load_provinces`) or a
        GeoDataFrame already matched (has ``code``); it sets the provinces scored and is
        used for mapping. Default: the bundled layer of ``frame``.
    need : "population", "uniform", "migrants", Series, mapping, DataFrame or CSV path, optional
        Need indicator per province code (a DataFrame or CSV needs
        ``province_code`` and one numeric column). Default (or ``"population"``): 2008
        census population. ``"uniform"``: every province needs the same, so the gap
        ranks provinces by coverage alone. ``"migrants"``: international migrants aged
        over 18 (2008 census), the people the forum's services exist for.
    nationwide_weight : float
        Level of a service type that is only claimed nationwide, in [0, 1].
    min_count : int
        Counts from 1 to ``min_count - 1`` are withheld (see ``docs/method.md``).
    spread : bool, optional
        Passed to :func:`coverage.resolve_records`. Default: True for the forum's records
        on the 2013 frame (its "Kampong Cham" is the 2010 province, which included
        Tbong Khmum), False otherwise.
    level : {"province", "district"}
        ``"district"`` also fills ``by_district`` (the 197 districts of the 2014 layer;
        needs the bundled boundaries).
    province_weight : float
        With ``level="district"``: the level of a service type in each district of a
        province that a provider names as a whole.

    Returns
    -------
    CoverageResult

    Examples
    --------
    >>> result = analyze()
    >>> len(result.by_province), result.frame
    (168, '2010')
    >>> analyze(frame="2013").params.spread
    True
    >>> analyze(need="uniform").params.need
    'uniform'
    """
    if records is None:
        records = load_forum_records()
    elif isinstance(records, (str, os.PathLike)):
        records = read_records(records)
    elif isinstance(records, pd.DataFrame):
        records = RecordsSheet(records, source="records table")
    elif not isinstance(records, RecordsSheet):
        raise TypeError(f"records must be a RecordsSheet, a DataFrame, a path or None, not "
                        f"{type(records).__name__}")
    frame = frame or default_frame(records.source)
    if spread is None:
        spread = records.source == FORUM and frame == "2013"
    if {"province_code", "basis"} <= set(records.records.columns):
        served, unresolved, kept = records.records, empty_unresolved(), None
    else:
        served, unresolved = resolve_records(records, frame, spread=spread)
        kept = records
    layer = None
    if isinstance(provinces, (str, os.PathLike)):
        from coverage.boundaries import load_provinces
        layer, provinces = PurePath(os.fspath(provinces)).name, load_provinces(frame, provinces)
        check_layer_covers(served, provinces, records, layer)
    elif provinces is not None:
        layer = "your boundary layer"
    table = province_table(frame, provinces)
    inputs = _score_inputs(served, table, census(frame, table), need, frame)
    params = RunParams(frame=frame, nationwide_weight=nationwide_weight, min_count=min_count,
                       need=inputs.need, spread=spread, records=records.name,
                       boundaries=layer, level=level, province_weight=province_weight)
    districts = _districts(served, params) if level == "district" else {}
    return _result(inputs, params, served=served, unresolved=unresolved,
                   rejected=records.rejected, records=kept,
                   boundaries=provinces if hasattr(provinces, "geometry") else None,
                   **districts)


def _districts(served: pd.DataFrame, params: RunParams) -> dict[str, pd.DataFrame]:
    """``by_district`` tables; with ``min_count`` above 1 their counts are withheld."""
    if params.boundaries is not None:
        raise ValueError("level='district' uses the bundled 2014 districts; it cannot be "
                         "combined with your own province layer")
    if "district_code" not in served.columns:
        served = served.assign(district_code="")
    by_district, by_service = district_tables(
        served, params.frame, nationwide_weight=params.nationwide_weight,
        province_weight=params.province_weight)
    if params.min_count > 1:
        for col in DISTRICT_COUNT_COLUMNS:
            by_district[col] = pd.array([pd.NA] * len(by_district), dtype="Int64")
    return {"by_district": by_district, "by_district_service": by_service}


def score(served: pd.DataFrame, provinces: pd.DataFrame, *, population=None, need: Need = None,
          frame: str = CURRENT_FRAME, nationwide_weight: float = NATIONWIDE_WEIGHT,
          min_count: int = MIN_COUNT) -> CoverageResult:
    """Score an already resolved served table against a list of provinces.

    The pure core of :func:`analyze`: no files are read.

    Parameters
    ----------
    served : DataFrame
        ``record_id``, ``group_id``, ``service_id`` (``<NA>`` = every type of the
        group), ``institution``, ``province_code``, ``basis``
        (``named`` | ``site`` | ``nationwide``).
    provinces : DataFrame
        ``code`` and ``name`` of every province scored.
    population : Series, mapping or DataFrame, optional
        Population per province code (``population`` column of ``by_province``).
    need : "population", "uniform", "migrants", Series, mapping, DataFrame or CSV path, optional
        Need indicator; default the population.
    frame, nationwide_weight, min_count
        As in :func:`analyze`.

    Examples
    --------
    >>> served = pd.DataFrame({"record_id": ["r1"], "group_id": [3], "service_id": [1],
    ...     "institution": ["A"], "province_code": ["12"], "basis": ["named"]})
    >>> prov = pd.DataFrame({"code": ["12", "23"], "name": ["Phnom Penh", "Kep"]})
    >>> res = score(served, prov, population={"12": 1327615, "23": 35753})
    >>> float(res.by_province.query("group_id == 3 and province_code == '12'")["coverage"].iloc[0])
    0.5
    """
    inputs = _score_inputs(served, provinces, population, need, frame)
    params = RunParams(frame=frame, nationwide_weight=nationwide_weight, min_count=min_count,
                       need=inputs.need, records="served table")
    return _result(inputs, params, served=served, unresolved=empty_unresolved(),
                   rejected=empty_rejected())


def _score_inputs(served: pd.DataFrame, provinces: pd.DataFrame, population,
                  need: Need, frame: str) -> ScoreInputs:
    """:func:`score_inputs`, with the named needs of :data:`~coverage.settings.NEEDS`, and
    the bundled migrants figures when they cover every province scored."""
    inputs = _named_need_inputs(served, provinces, population, need, frame)
    migrants = load_migrants(frame).reindex(inputs.provinces["code"].to_numpy())
    return replace(inputs, migrants=None if migrants.isna().any() else migrants)


def _named_need_inputs(served: pd.DataFrame, provinces: pd.DataFrame, population,
                       need: Need, frame: str) -> ScoreInputs:
    if isinstance(need, str) and need in NEEDS:
        if need == "population":
            return score_inputs(served, provinces, population=population)
        codes = check_provinces(provinces)["code"]
        if need == "uniform":
            indicator = pd.Series(1.0, index=codes.to_numpy())
        else:
            indicator = load_migrants(frame).reindex(codes.to_numpy())
            if indicator.isna().any():
                raise ValueError("need='migrants' has no figure for province code(s) "
                                 f"{indicator.index[indicator.isna()].tolist()}")
        inputs = score_inputs(served, provinces, population=population, need=indicator)
        return replace(inputs, need=need)
    return score_inputs(served, provinces, population=population, need=need)


def _result(inputs, params: RunParams, **tables) -> CoverageResult:
    if params.min_count == 2:
        log.warning("min_count=2: zeros are published, so a withheld primary count can only "
                    "be 1; use 3 or more")
    by_province, by_service = score_tables(inputs, params.nationwide_weight)
    records = tables.get("records")
    totals = national_counts(tables["served"], tables["unresolved"], tables["rejected"],
                             used=None if records is None else len(records.records))
    by_province, by_service, totals = suppress(by_province, by_service, params.min_count,
                                               totals)
    log.debug("scored %d served rows on %d provinces (weight %s, min_count %d)",
              len(inputs.served), len(inputs.provinces), params.nationwide_weight,
              params.min_count)
    return CoverageResult(by_province=by_province[list(PROVINCE_COLUMNS)],
                          by_service=by_service[list(SERVICE_COLUMNS)], params=params,
                          inputs=inputs, totals=totals, **tables)

