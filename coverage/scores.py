"""Coverage and gap scores per province, service group and service type.

The method (``docs/method.md``) in one paragraph: a province gets level 1 for a
service type when at least one institution names it (or a place or site in it)
for that type, ``nationwide_weight`` when the type is only claimed nationwide,
0 otherwise. A group's coverage is the mean level over all its service types;
the gap is ``need × (1 − coverage)`` where need is the population (or any
indicator) divided by its largest value.

Examples
--------
>>> from coverage.scores import analyze
>>> result = analyze()                                   # doctest: +SKIP
>>> result.rank("shelter", n=3)[["province", "gap"]]     # doctest: +SKIP
"""
from __future__ import annotations

import html
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from coverage.records import RecordsError
from coverage.taxonomy import GROUPS, get_group, groups_table, services_table

log = logging.getLogger(__name__)

__all__ = ["CoverageResult", "analyze", "score", "sensitivity", "suggest_expansion",
           "format_suppressed", "COUNT_COLUMNS"]

BASES = ("named", "site", "nationwide")
LOCAL_BASES = ("named", "site")
SERVED_COLUMNS = ["record_id", "group_id", "service_id", "institution", "province_code", "basis"]
#: Columns holding counts that ``min_count`` may suppress.
COUNT_COLUMNS = ("records", "providers", "providers_local", "providers_nationwide")
PROVINCE_COLUMNS = ["province_code", "province", "group_id", "group", "records", "providers",
                    "providers_local", "providers_nationwide", "services_available",
                    "services_total", "coverage", "population", "need", "gap", "gap_rank",
                    "population_per_local_provider", "suppressed"]
SERVICE_COLUMNS = ["province_code", "province", "group_id", "service_id", "service", "level",
                   "local", "nationwide", "records", "providers_local", "providers_nationwide",
                   "institutions_local", "institutions_nationwide", "suppressed"]
_RANK_DECIMALS = 12  # gaps equal to 12 decimals are ties (broken by province code)


# --------------------------------------------------------------------------- result


@dataclass
class CoverageResult:
    """Coverage and gap scores, with the tables they were computed from.

    Attributes
    ----------
    by_province : pandas.DataFrame
        One row per province × group (``group_id`` 0 = all groups).
    by_service : pandas.DataFrame
        One row per province × service type.
    served, unresolved, rejected : pandas.DataFrame
        The resolved served table, the place fragments that could not be placed
        and the sheet rows that could not be used at all.
    frame : str
        ``"2010"`` (24 provinces) or ``"2013"`` (25).
    params : dict
        ``nationwide_weight``, ``min_count``, ``need`` (source) and ``spread``.
    records : pandas.DataFrame or None
        The records the scores were computed from (None when a served table was given).

    Examples
    --------
    >>> result = analyze()                 # doctest: +SKIP
    >>> result.rank("legal", n=3)          # doctest: +SKIP
    """

    by_province: pd.DataFrame
    by_service: pd.DataFrame
    served: pd.DataFrame
    unresolved: pd.DataFrame
    rejected: pd.DataFrame
    frame: str
    params: dict
    records: pd.DataFrame | None = None
    _provinces: Any = field(default=None, repr=False)
    _inputs: dict = field(default_factory=dict, repr=False)
    _masks: dict = field(default_factory=dict, repr=False)

    # ---- geometry, loaded only when a map needs it
    @property
    def provinces(self):
        """The province polygons (GeoDataFrame), loaded on first use."""
        if self._provinces is None:
            from coverage.boundaries import load_provinces
            self._provinces = load_provinces(self.frame)
        return self._provinces

    def rank(self, group: int | str, n: int | None = None) -> pd.DataFrame:
        """Provinces of one group sorted by gap (largest first), with the reasons.

        Parameters
        ----------
        group : int or str
            Group id, slug or name; ``0`` or ``"all"`` for all groups.
        n : int, optional
            Keep the first ``n`` rows.

        Returns
        -------
        pandas.DataFrame
            ``by_province`` rows plus ``missing_services`` (service types at level 0,
            ``"; "``-joined) and ``nationwide_only_services`` (types with no local
            provider but a nationwide claim).

        Examples
        --------
        >>> analyze().rank("shelter", n=2)[["province", "gap_rank"]]  # doctest: +SKIP
        """
        gid = _group_id(group)
        rows = self.by_province[self.by_province["group_id"] == gid]
        svc = self.by_service if gid == 0 else self.by_service[self.by_service["group_id"] == gid]
        reasons = _reasons(svc)
        out = rows.merge(reasons, on="province_code", how="left", validate="one_to_one")
        out = out.sort_values("gap_rank", kind="mergesort").reset_index(drop=True)
        return out if n is None else out.head(n)

    def to_geodataframe(self, group: int | str):
        """``by_province`` rows of one group joined to the province polygons.

        Examples
        --------
        >>> analyze().to_geodataframe("legal").plot(column="coverage")  # doctest: +SKIP
        """
        import geopandas as gpd

        gid = _group_id(group)
        rows = self.by_province[self.by_province["group_id"] == gid]
        shapes = self.provinces
        keep = [c for c in shapes.columns if c not in rows.columns or c == "geometry"]
        gdf = shapes[keep].merge(rows, left_on="code", right_on="province_code", how="left",
                                 validate="one_to_one")
        missing = sorted(set(rows["province_code"]) - set(shapes["code"]))
        if missing:
            raise ValueError(f"the boundary layer has no polygon for province code(s) {missing}")
        gdf = gdf.sort_values("code", kind="mergesort").reset_index(drop=True)
        return gpd.GeoDataFrame(gdf, geometry="geometry", crs=shapes.crs)

    def sensitivity(self, nationwide_weights: Iterable[float] = (0, 0.25, 0.5, 0.75, 1),
                    n: int = 5) -> pd.DataFrame:
        """See :func:`sensitivity`."""
        return sensitivity(self, nationwide_weights, n=n)

    def suggest_expansion(self, group: int | str, k: int = 3,
                          max_services: int | None = None) -> pd.DataFrame:
        """See :func:`suggest_expansion`."""
        return suggest_expansion(self, group, k=k, max_services=max_services)

    def to_csv(self, path: str | os.PathLike, table: str = "by_province",
               marker: str | None = None) -> None:
        """Write a table to CSV with suppressed counts printed as ``"<k"``.

        Parameters
        ----------
        path : str or path-like
        table : {"by_province", "by_service"}
        marker : str, optional
            Text for a withheld count; default ``f"<{min_count}"``.
        """
        if table not in ("by_province", "by_service"):
            raise ValueError(f"table must be 'by_province' or 'by_service', not {table!r}")
        format_suppressed(getattr(self, table), self.params["min_count"], marker).to_csv(
            path, index=False, encoding="utf-8")

    # ---- maps: thin delegates to coverage.maps
    def plot_group(self, group, metric: str = "coverage", ax=None):
        """Choropleth of one group (see ``coverage.maps.plot_group``)."""
        from coverage.maps import plot_group
        return plot_group(self, group, metric=metric, ax=ax, frame=self.frame)

    def plot_groups(self, metric: str = "coverage"):
        """Small multiples of the six groups (see ``coverage.maps.plot_groups``)."""
        from coverage.maps import plot_groups
        return plot_groups(self, metric=metric)

    def save_maps(self, out_dir, formats=("png", "svg", "pdf")):
        """Write every map to ``out_dir`` (see ``coverage.maps.save_maps``)."""
        from coverage.maps import save_maps
        return save_maps(self, out_dir, formats=formats)

    def explore(self, group, metric: str = "coverage"):
        """Interactive folium map (see ``coverage.maps.explore``)."""
        from coverage.maps import explore
        return explore(self, group, metric=metric)

    # ---- display
    def _summary(self) -> pd.DataFrame:
        rows = []
        for gid, name in [(0, "all")] + [(g.id, g.name) for g in GROUPS]:
            part = self.by_province[self.by_province["group_id"] == gid]
            top = part.sort_values("gap_rank", kind="mergesort").head(3)["province"]
            rows.append((gid, name, round(float(part["coverage"].mean()), 3),
                         "; ".join(top)))
        return pd.DataFrame(rows, columns=["group_id", "group", "mean coverage",
                                           "largest gaps"])

    def _header(self) -> str:
        p = self.params
        n_prov = self.by_province["province_code"].nunique()
        return (f"CoverageResult: frame {self.frame}, {n_prov} provinces, "
                f"{self.served['record_id'].nunique()} records placed, "
                f"{len(self.unresolved)} unresolved, {len(self.rejected)} rejected; "
                f"nationwide_weight={p['nationwide_weight']}, min_count={p['min_count']}, "
                f"need={p['need']}")

    def __repr__(self) -> str:
        return self._header() + "\n" + self._summary().to_string(index=False)

    def _repr_html_(self) -> str:
        return (f"<p><b>{html.escape(self._header())}</b></p>"
                + self._summary().to_html(index=False, escape=True))


# --------------------------------------------------------------------------- entry points


def analyze(records: pd.DataFrame | str | os.PathLike | None = None, *,
            frame: str | None = None, provinces=None,
            need: pd.Series | pd.DataFrame | Mapping | str | os.PathLike | None = None,
            nationwide_weight: float = 0.5, min_count: int = 1,
            spread: bool = False) -> CoverageResult:
    """Coverage and gap scores for every province, service group and service type.

    Parameters
    ----------
    records : DataFrame, path or None
        A records table (resolved here with ``resolve_records``), a path to a
        records sheet (read with ``read_records``), an already resolved *served*
        table (has ``province_code`` and ``basis``), or None for the forum's records.
    frame : {"2010", "2013"}, optional
        Province frame; default ``"2010"`` for the forum data, ``"2013"`` otherwise.
    provinces : GeoDataFrame, optional
        Your own boundary layer, already matched (has ``code``); it sets the
        provinces scored and is used for mapping.
    need : Series, mapping, DataFrame or CSV path, optional
        Need indicator per province code (a DataFrame or CSV needs
        ``province_code`` and one numeric column). Default: 2008 census population.
    nationwide_weight : float
        Level of a service type that is only claimed nationwide, in [0, 1].
    min_count : int
        Counts from 1 to ``min_count - 1`` are withheld (see ``docs/method.md``).
    spread : bool
        Passed to ``resolve_records``.

    Returns
    -------
    CoverageResult

    Examples
    --------
    >>> result = analyze()                                  # doctest: +SKIP
    >>> len(result.by_province)                             # doctest: +SKIP
    168
    """
    from coverage.records import load_forum_records, read_records, resolve_records

    rejected = _empty_rejected()
    if records is None:
        records = load_forum_records()
    elif isinstance(records, (str, os.PathLike)):
        records = read_records(records)
    elif not isinstance(records, pd.DataFrame):
        raise TypeError(f"records must be a DataFrame, a path or None, not "
                        f"{type(records).__name__}")
    source = str(records.attrs.get("source", "records table"))
    frame = frame or ("2010" if source == "forum" else "2013")
    if records.attrs.get("rejected") is not None:
        rejected = records.attrs["rejected"]
    frame = str(frame)
    if {"province_code", "basis"} <= set(records.columns):
        served, unresolved, records = records, _empty_unresolved(), None
    else:
        served, unresolved = resolve_records(records, frame, spread=spread)
    table = _province_table(frame, provinces)
    population = _census(frame, table)
    result = score(served, table, population=population, need=need, frame=frame,
                   nationwide_weight=nationwide_weight, min_count=min_count)
    result.unresolved = unresolved
    result.rejected = rejected if rejected is not None else _empty_rejected()
    result.records = records
    result.params["spread"] = spread
    result.params["records"] = source
    if provinces is not None and hasattr(provinces, "geometry"):
        result._provinces = provinces
    return result


def score(served: pd.DataFrame, provinces: pd.DataFrame, *, population=None, need=None,
          frame: str = "2010", nationwide_weight: float = 0.5,
          min_count: int = 1) -> CoverageResult:
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
    need : Series, mapping, DataFrame or CSV path, optional
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
    w = _check_weight(nationwide_weight)
    k = _check_min_count(min_count)
    if k == 2:
        log.warning("min_count=2: zeros are published, so a withheld primary count can only "
                    "be 1; use 3 or more")
    prov = _check_provinces(provinces)
    codes = prov["code"].tolist()
    pop = _indicator(population, codes, "population", allow_missing=True) \
        if population is not None else pd.Series(pd.NA, index=codes, dtype="Float64")
    if need is None:
        if pop.isna().any():
            raise ValueError("no population for province code(s) "
                             f"{pop.index[pop.isna()].tolist()}; pass `need`")
        indicator, source = pop.astype(float), "population"
    else:
        indicator, source = _indicator(need, codes, "need"), _source(need)
    if not (indicator.max() > 0):
        raise ValueError("the need indicator is 0 in every province; it cannot be normalised")
    clean, institutions = _check_served(served, set(codes))
    by_service, by_province = _compute(clean, institutions, prov, w)
    pop_int = pop.round().astype("Int64")
    by_province["population"] = by_province["province_code"].map(pop_int).astype("Int64")
    by_province["need"] = by_province["province_code"].map(indicator / indicator.max())
    by_province["gap"] = by_province["need"] * (1.0 - by_province["coverage"])
    by_province["gap_rank"] = _gap_rank(by_province)
    local = by_province["providers_local"].astype("Float64")
    ppp = by_province["population"].astype("Float64") / local.where(local > 0)
    by_province["population_per_local_provider"] = ppp
    by_province, by_service, masks = _suppress(by_province, by_service, k)
    params = {"nationwide_weight": w, "min_count": k, "need": source}
    log.info("scored %d served rows on %d provinces (weight %s, min_count %d)",
             len(clean), len(codes), w, k)
    return CoverageResult(
        by_province=by_province[PROVINCE_COLUMNS], by_service=by_service[SERVICE_COLUMNS],
        served=served, unresolved=_empty_unresolved(), rejected=_empty_rejected(),
        frame=str(frame), params=params,
        _inputs={"served": clean, "provinces": prov, "indicator": indicator,
                 "population": pop},
        _masks=masks)


def sensitivity(result: CoverageResult,
                nationwide_weights: Iterable[float] = (0, 0.25, 0.5, 0.75, 1),
                n: int = 5) -> pd.DataFrame:
    """How the top-``n`` underserved provinces of each group move with the nationwide weight.

    Parameters
    ----------
    result : CoverageResult
    nationwide_weights : iterable of float
    n : int

    Returns
    -------
    pandas.DataFrame
        One row per weight × group × rank 1..n (provinces with a gap of 0 are left
        out: at weight 1 a group claimed nationwide has none): ``nationwide_weight``, ``group_id``,
        ``group``, ``gap_rank``, ``province_code``, ``province``, ``coverage``, ``gap``
        and ``robust`` (True when the province is in the group's top ``n`` at every weight
        at which the group has a gap somewhere).

    Examples
    --------
    >>> table = analyze().sensitivity()                         # doctest: +SKIP
    >>> table.query("group_id == 3 and robust")["province"].unique()  # doctest: +SKIP
    """
    inputs = result._inputs
    parts = []
    for weight in nationwide_weights:
        res = score(inputs["served"], inputs["provinces"], population=inputs["population"],
                    need=inputs["indicator"], frame=result.frame,
                    nationwide_weight=weight, min_count=1)
        bp = res.by_province
        top = bp[(bp["gap_rank"] <= n) & (bp["gap"] > 0)]  # a province with no gap is not underserved
        top = top[["group_id", "group", "gap_rank", "province_code", "province", "coverage",
                   "gap"]].copy()
        top.insert(0, "nationwide_weight", float(weight))
        parts.append(top)
    out = pd.concat(parts, ignore_index=True)
    # robust: in the top n at every weight at which the group has any gap at all
    n_weights = out.groupby("group_id")["nationwide_weight"].transform("nunique")
    times = out.groupby(["group_id", "province_code"])["nationwide_weight"].transform("nunique")
    out["robust"] = times == n_weights
    return out.sort_values(["group_id", "nationwide_weight", "gap_rank"],
                           kind="mergesort").reset_index(drop=True)


def suggest_expansion(result: CoverageResult, group: int | str, k: int = 3,
                      max_services: int | None = None) -> pd.DataFrame:
    """Where one new local provider would cut the national total gap most (greedy).

    Each step adds one local provider in one province offering the service types
    that are not yet locally available there (at most ``max_services`` of them,
    lowest level first), raising their level to 1. The step picks the
    (province, group) whose gap falls most; for ``group="all"`` the gain is counted
    on the all-groups gap, so the steps may name different groups. Ties go to the
    lower province code, then group id.

    Parameters
    ----------
    result : CoverageResult
    group : int or str
        A group, or ``0``/``"all"`` to choose among all six groups.
    k : int
        Number of new providers.
    max_services : int, optional
        The most service types one new provider offers; default all missing ones.

    Returns
    -------
    pandas.DataFrame
        ``step``, ``province_code``, ``province``, ``group_id``, ``group``,
        ``services_added``, ``need``, ``coverage_before``, ``coverage_after``,
        ``gap_reduction`` (on the chosen group's gap, or the all-groups gap),
        ``total_gap_before``, ``total_gap_after`` (sum over provinces).

    Examples
    --------
    >>> suggest_expansion(analyze(), "shelter", k=3)  # doctest: +SKIP
    """
    if k < 0 or max_services is not None and max_services < 1:
        raise ValueError("k must be >= 0 and max_services >= 1")
    gid = _group_id(group)
    svc = result.by_service[["province_code", "province", "group_id", "service_id", "service",
                             "level"]].copy()
    bp = result.by_province
    need = bp[bp["group_id"] == 0].set_index("province_code")["need"]
    n_types = svc.groupby("group_id")["service_id"].nunique()
    n_groups = len(GROUPS)
    # the gain of a level change on the gap being cut
    svc["weight"] = svc["group_id"].map(n_types).rdiv(1.0)
    if gid == 0:
        svc["weight"] = svc["weight"] / n_groups
    else:
        svc = svc[svc["group_id"] == gid]
    svc["need"] = svc["province_code"].map(need)
    svc = svc.sort_values(["province_code", "group_id", "level", "service_id"],
                          kind="mergesort").reset_index(drop=True)
    total = _total_gap(svc)
    steps = []
    for step in range(1, k + 1):
        open_ = svc[svc["level"] < 1].copy()
        if open_.empty:
            log.info("suggest_expansion: every service type is locally available; stopped")
            break
        open_["gain"] = open_["need"] * (1 - open_["level"]) * open_["weight"]
        open_["pos"] = open_.groupby(["province_code", "group_id"]).cumcount()
        if max_services is not None:
            open_ = open_[open_["pos"] < max_services]
        cand = open_.groupby(["province_code", "group_id"], sort=True)["gain"].sum()
        best = cand.round(_RANK_DECIMALS).sort_values(ascending=False, kind="mergesort")
        pc, g = best.index[0]
        chosen = open_[(open_["province_code"] == pc) & (open_["group_id"] == g)]
        in_pg = (svc["province_code"] == pc) & (svc["group_id"] == g)
        before = svc.loc[in_pg, "level"].mean()
        svc.loc[chosen.index, "level"] = 1.0
        after = svc.loc[in_pg, "level"].mean()
        new_total = _total_gap(svc)
        steps.append((step, pc, chosen["province"].iloc[0], int(g), get_group(int(g)).name,
                      "; ".join(chosen.sort_values("service_id")["service"]), float(need[pc]), float(before),
                      float(after), float(cand[(pc, g)]), total, new_total))
        total = new_total
    return pd.DataFrame(steps, columns=[
        "step", "province_code", "province", "group_id", "group", "services_added", "need",
        "coverage_before", "coverage_after", "gap_reduction", "total_gap_before",
        "total_gap_after"])


def format_suppressed(table: pd.DataFrame, min_count: int,
                      marker: str | None = None) -> pd.DataFrame:
    """A copy of ``by_province`` or ``by_service`` with withheld counts as text.

    Withheld counts (``<NA>`` in a count column of a row flagged ``suppressed``)
    print as ``"<k"``; so does ``population_per_local_provider`` when its provider
    count is withheld. Complementary suppressions print alike, on purpose: telling
    them apart would narrow the hidden counts.

    Examples
    --------
    >>> t = pd.DataFrame({"records": pd.array([pd.NA, 7], dtype="Int64"),
    ...                   "suppressed": [True, False]})
    >>> format_suppressed(t, 3)["records"].tolist()
    ['<3', '7']
    """
    marker = f"<{min_count}" if marker is None else marker
    out = table.copy()
    cols = [c for c in (*COUNT_COLUMNS, "population_per_local_provider") if c in out.columns]
    for col in cols:
        text = out[col].astype(object).where(out[col].notna(), "")
        text = text.map(lambda v: v if v == "" else _fmt(v))
        hidden = out[col].isna() & out["suppressed"]
        if col == "population_per_local_provider":
            hidden = hidden & out["providers_local"].isna()
        out[col] = text.where(~hidden, marker)
    return out


# --------------------------------------------------------------------------- the method


def _compute(served: pd.DataFrame, institutions: np.ndarray, prov: pd.DataFrame,
             w: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Levels, coverage and provider/record counts (vectorised, integer-coded).

    Rows are first reduced to distinct (province, claim, institution) pairs and
    distinct (province, record) pairs; only those few pairs are expanded from a
    group-level claim to the service types of its group.
    """
    svc_tab = services_table()
    n_p, n_s, n_g = len(prov), len(svc_tab), len(GROUPS)
    s_group = svc_tab["group_id"].to_numpy() - 1
    per_group = [np.flatnonzero(s_group == g) for g in range(n_g)]
    n_k = n_s + n_g  # claim code: a service index, or n_s + group index for a group-level claim
    n_inst = max(len(institutions), 1)
    sid = served["_sidx"].to_numpy(float)
    claim = np.where(np.isnan(sid), n_s + served["group_id"].to_numpy() - 1,
                     np.nan_to_num(sid)).astype(np.int64)
    inst, rec = served["_inst"].to_numpy(), served["_rec"].to_numpy()
    local, pidx = served["_local"].to_numpy(), served["_pidx"].to_numpy()
    n_rec = int(rec.max()) + 1 if len(rec) else 1
    rec_claim = np.full(n_rec, -1, dtype=np.int64)
    rec_claim[rec] = claim
    _check_record_claims(served, rec_claim[rec] != claim)

    def expand(key):
        """(outer * n_k + claim) keys -> (outer * n_s + service) keys, repeating group claims."""
        outer, k = key // n_k, key % n_k
        reps = np.where(k < n_s, 1, np.array([len(x) for x in per_group] + [0])[
            np.clip(k - n_s, 0, n_g)])
        src = np.repeat(np.arange(len(key)), reps)
        offs = np.arange(len(src)) - np.repeat(np.cumsum(reps) - reps, reps)
        kk = k[src]
        svc = np.where(kk < n_s, kk, 0)
        grp = kk >= n_s
        if grp.any():
            starts = np.array([x[0] for x in per_group])
            svc[grp] = starts[kk[grp] - n_s] + offs[grp]
        return src, outer[src] * n_s + svc

    # institutions: distinct (province x claim, institution), then expanded
    lp_pairs = _pairs(pidx[local] * n_k + claim[local], inst[local], n_inst, n_p * n_k)
    src, key = expand(lp_pairs // n_inst)
    lpairs_s = _pairs(key, (lp_pairs % n_inst)[src], n_inst, n_p * n_s)
    np_pairs = _pairs(claim[~local], inst[~local], n_inst, n_k)
    src, key = expand(np_pairs // n_inst)
    npairs_s = _pairs(key, (np_pairs % n_inst)[src], n_inst, n_s)
    # records: distinct (province, record); each record has one claim
    r_pairs = _pairs(pidx[local], rec[local], n_rec, n_p)
    r_p, r_rec = r_pairs // n_rec, r_pairs % n_rec
    src, key = expand(r_p * n_k + rec_claim[r_rec])
    records_s = np.bincount(key, minlength=n_p * n_s)
    r_k = rec_claim[r_rec]
    r_g = np.where(r_k < n_s, s_group[np.clip(r_k, 0, n_s - 1)], r_k - n_s)
    records_g = np.bincount(r_p * n_g + r_g, minlength=n_p * n_g)
    records_a = np.bincount(r_p, minlength=n_p)

    def counts(pairs, to_key, n_key):
        """Distinct institutions per coarser key, and the distinct (key, inst) pairs."""
        coarse = _pairs(to_key(pairs // n_inst), pairs % n_inst, n_inst, n_key)
        return np.bincount(coarse // n_inst, minlength=n_key), coarse

    ident = lambda k: k  # noqa: E731
    local_s, _ = counts(lpairs_s, ident, n_p * n_s)
    nat_s, _ = counts(npairs_s, ident, n_s)
    nat_only_s = np.tile(nat_s, n_p) - _overlap(lpairs_s, n_inst, lambda k: k % n_s,
                                                npairs_s, n_p * n_s)
    to_g = lambda k: (k // n_s) * n_g + s_group[k % n_s]  # noqa: E731
    local_g, lpairs_g = counts(lpairs_s, to_g, n_p * n_g)
    nat_g, npairs_g = counts(npairs_s, to_g, n_g)
    nat_only_g = np.tile(nat_g, n_p) - _overlap(lpairs_g, n_inst, lambda k: k % n_g,
                                                npairs_g, n_p * n_g)
    local_a, lpairs_a = counts(lpairs_s, lambda k: k // n_s, n_p)
    nat_a, npairs_a = counts(npairs_s, lambda k: np.zeros_like(k), 1)
    nat_only_a = nat_a[0] - _overlap(lpairs_a, n_inst, lambda k: np.zeros_like(k),
                                     npairs_a, n_p)

    has_nat = np.tile(nat_s > 0, n_p)
    level = np.where(local_s > 0, 1.0, np.where(has_nat, w, 0.0))
    grid_p = np.repeat(np.arange(n_p), n_s)
    grid_s = np.tile(np.arange(n_s), n_p)
    names = _institution_names(institutions, lpairs_s, npairs_s, n_p, n_s)
    by_service = pd.DataFrame({
        "province_code": prov["code"].to_numpy()[grid_p],
        "province": prov["name"].to_numpy()[grid_p],
        "group_id": svc_tab["group_id"].to_numpy()[grid_s],
        "service_id": svc_tab["service_id"].to_numpy()[grid_s],
        "service": svc_tab["service"].to_numpy()[grid_s],
        "level": level,
        "local": local_s > 0,
        "nationwide": has_nat,
        "records": pd.array(records_s, dtype="Int64"),
        "providers_local": pd.array(local_s, dtype="Int64"),
        "providers_nationwide": pd.array(nat_only_s, dtype="Int64"),
        "institutions_local": names[0],
        "institutions_nationwide": names[1],
    })
    by_group = by_service.groupby(["province_code", "group_id"], sort=True).agg(
        coverage=("level", "mean"), services_available=("level", lambda s: int((s > 0).sum())),
        services_total=("level", "size")).reset_index()
    by_group["records"] = records_g
    by_group["providers_local"] = local_g
    by_group["providers_nationwide"] = nat_only_g
    gt = groups_table()[["group_id", "group"]]
    by_group = by_group.merge(gt, on="group_id", how="left")
    all_rows = by_group.groupby("province_code", sort=True).agg(
        coverage=("coverage", "mean"), services_available=("services_available", "sum"),
        services_total=("services_total", "sum")).reset_index()
    all_rows["group_id"], all_rows["group"] = 0, "all"
    all_rows["records"] = records_a
    all_rows["providers_local"] = local_a
    all_rows["providers_nationwide"] = nat_only_a
    by_province = pd.concat([all_rows, by_group], ignore_index=True)
    by_province = by_province.merge(prov.rename(columns={"code": "province_code",
                                                         "name": "province"}),
                                    on="province_code", how="left")
    by_province = by_province.sort_values(["province_code", "group_id"],
                                          kind="mergesort").reset_index(drop=True)
    for col in ("records", "providers_local", "providers_nationwide"):
        by_province[col] = by_province[col].astype("Int64")
    by_province["providers"] = by_province["providers_local"] + \
        by_province["providers_nationwide"]
    by_province["services_available"] = by_province["services_available"].astype(int)
    by_province["services_total"] = by_province["services_total"].astype(int)
    by_province["group_id"] = by_province["group_id"].astype(int)
    return by_service, by_province


def _overlap(lpairs, n_inst, key_to_target, tpairs, size):
    """Per local key: how many of its institutions also claim the target nationwide."""
    if len(lpairs) == 0 or len(tpairs) == 0:
        return np.zeros(size, dtype=np.int64)
    keys, inst = lpairs // n_inst, lpairs % n_inst
    target = key_to_target(keys).astype(np.int64) * n_inst + inst
    hit = np.isin(target, tpairs)
    return np.bincount(keys[hit], minlength=size)


def _institution_names(names, lpairs, npairs, n_p, n_s):
    """``"; "``-joined institution names per province × service cell.

    Local: institutions naming the province for the type. Nationwide: institutions
    claiming the type nationwide that do not name the province for it. Pairs are
    sorted and institution codes follow the names' order, so names come out sorted.
    """
    m = max(len(names), 1)
    nat = (np.arange(n_p, dtype=np.int64)[:, None] * n_s * m + npairs[None, :]).ravel()
    nat = nat[~np.isin(nat, lpairs)]
    out = []
    for pairs in (lpairs, nat):
        arr = np.full(n_p * n_s, "", dtype=object)
        keys, values = pairs // m, names[pairs % m].tolist()
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else []
        ends = list(starts[1:]) + [len(keys)]
        for a, b in zip(starts, ends):  # one join per cell, not per row
            arr[keys[a]] = "; ".join(values[a:b])
        out.append(arr)
    return out[0], out[1]


def _pairs(key: np.ndarray, other: np.ndarray, n_other: int, n_key: int) -> np.ndarray:
    """Sorted distinct ``key * n_other + other`` codes (a bitmap when small, else hashing)."""
    code = np.asarray(key, dtype=np.int64) * n_other + np.asarray(other, dtype=np.int64)
    if n_key * n_other <= 50_000_000:
        seen = np.zeros(n_key * n_other, dtype=bool)
        seen[code] = True
        return np.flatnonzero(seen)
    return np.sort(pd.unique(code))


def _check_record_claims(served: pd.DataFrame, bad: np.ndarray) -> None:
    """Every row of one record must carry the same group and service type."""
    rows = np.flatnonzero(bad)
    if len(rows):
        row = int(rows[0])
        raise RecordsError(
            f"record {served['record_id'].iloc[row]!r} appears with different groups or "
            "service types; each record is one (group, service type) offer",
            file="served table", row=served.index[row], column="service_id")


def _gap_rank(by_province: pd.DataFrame) -> pd.Series:
    order = by_province.assign(_g=by_province["gap"].round(_RANK_DECIMALS)).sort_values(
        ["group_id", "_g", "province_code"], ascending=[True, False, True], kind="mergesort")
    rank = order.groupby("group_id").cumcount() + 1
    return rank.reindex(by_province.index).astype(int)


def _reasons(svc: pd.DataFrame) -> pd.DataFrame:
    label = svc["service"] if svc["group_id"].nunique() == 1 else \
        svc["group_id"].astype(str) + "." + svc["service_id"].astype(str) + " " + svc["service"]
    tmp = pd.DataFrame({"province_code": svc["province_code"], "label": label,
                        "missing": svc["level"] == 0,
                        "nat_only": ~svc["local"] & svc["nationwide"]})
    miss = tmp[tmp["missing"]].groupby("province_code", sort=True)["label"].agg("; ".join)
    nat = tmp[tmp["nat_only"]].groupby("province_code", sort=True)["label"].agg("; ".join)
    codes = pd.Index(sorted(svc["province_code"].unique()), name="province_code")
    return pd.DataFrame({"missing_services": miss.reindex(codes, fill_value=""),
                         "nationwide_only_services": nat.reindex(codes, fill_value="")}
                        ).reset_index()


def _total_gap(svc: pd.DataFrame) -> float:
    cov = svc.groupby(["province_code", "group_id"])["level"].mean()
    need = svc.groupby(["province_code", "group_id"])["need"].first()
    gaps = need * (1 - cov)
    if svc["group_id"].nunique() > 1:
        gaps = gaps.groupby(level=0).mean()
    return float(gaps.sum())


# --------------------------------------------------------------------------- min_count


def _suppress(by_province: pd.DataFrame, by_service: pd.DataFrame, k: int):
    """Withhold counts from 1 to k-1, then complementary cells until none can be recovered.

    Lines checked (a line = cells plus the published total they add up to or bound):
    a province's six group rows against its all-groups row, one per count column;
    a province × group's service rows against that group row (``records``,
    ``providers_local``, ``providers_nationwide``); and within a row
    ``providers_local + providers_nationwide = providers``. A line whose total is
    published must not have exactly one withheld cell; a line whose total is
    withheld must have at least one withheld cell. The rule repeats until stable.
    """
    bp, bs = by_province.copy(), by_service.copy()
    cols_p, cols_s = list(COUNT_COLUMNS), ["records", "providers_local", "providers_nationwide"]
    mp = pd.DataFrame(False, index=bp.index, columns=cols_p)
    ms = pd.DataFrame(False, index=bs.index, columns=cols_s)
    if k > 1:
        for col in cols_p:
            mp[col] = bp[col].between(1, k - 1).to_numpy(bool)
        for col in cols_s:
            ms[col] = bs[col].between(1, k - 1).to_numpy(bool)
        _complement(bp, bs, mp, ms)
    masks = {"by_province": mp.copy(), "by_service": ms.copy()}
    for col in cols_p:
        bp[col] = bp[col].mask(mp[col])
    for col in cols_s:
        bs[col] = bs[col].mask(ms[col])
    bp["population_per_local_provider"] = bp["population_per_local_provider"].mask(
        mp["providers_local"])
    bs["institutions_local"] = bs["institutions_local"].mask(ms["providers_local"])
    bs["institutions_nationwide"] = bs["institutions_nationwide"].mask(
        ms["providers_nationwide"])
    bp["suppressed"] = mp.any(axis=1).to_numpy()
    bs["suppressed"] = ms.any(axis=1).to_numpy()
    return bp, bs, masks


def _complement(bp, bs, mp, ms) -> None:
    """Add complementary suppressions in place until every line is protected."""
    lines = []  # (cell values, cell mask, total value, total mask) as (frame, col, index) refs
    for col in COUNT_COLUMNS:
        for pc, idx in bp.groupby("province_code", sort=True).groups.items():
            total = [i for i in idx if bp.at[i, "group_id"] == 0]
            cells = [("p", col, i) for i in idx if bp.at[i, "group_id"] != 0]
            lines.append((cells, ("p", col, total[0])))
    key_p = dict(zip(zip(bp["province_code"], bp["group_id"]), bp.index))
    for col in ("records", "providers_local", "providers_nationwide"):
        for (pc, g), idx in bs.groupby(["province_code", "group_id"], sort=True).groups.items():
            lines.append(([("s", col, i) for i in idx], ("p", col, key_p[(pc, g)])))
    for i in bp.index:
        lines.append(([("p", "providers_local", i), ("p", "providers_nationwide", i)],
                      ("p", "providers", i)))
    frames, masks = {"p": bp, "s": bs}, {"p": mp, "s": ms}

    def hidden(ref):
        t, c, i = ref
        return bool(masks[t].at[i, c])

    def value(ref):
        t, c, i = ref
        return int(frames[t].at[i, c])

    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            n_hidden = sum(hidden(c) for c in cells)
            if hidden(total) and n_hidden == 0 or not hidden(total) and n_hidden == 1:
                open_ = sorted((value(c), c[2], c) for c in cells
                               if not hidden(c) and value(c) > 0)
                target = open_[0][2] if open_ else total
                if hidden(target):
                    continue
                t, c, i = target
                masks[t].at[i, c] = True
                changed = True


# --------------------------------------------------------------------------- inputs


def _group_id(group: int | str) -> int:
    if isinstance(group, str) and group.strip().lower() in ("0", "all") or group == 0:
        return 0
    return get_group(group).id


def _check_weight(w: float) -> float:
    try:
        w = float(w)
    except (TypeError, ValueError):
        raise ValueError(f"nationwide_weight must be a number in [0, 1], not {w!r}") from None
    if not 0 <= w <= 1:
        raise ValueError(f"nationwide_weight must be in [0, 1], not {w}")
    return w


def _check_min_count(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"min_count must be an integer >= 1, not {k!r}")
    return int(k)


def _code(value: object) -> str:
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text.zfill(2) if text.isdigit() else text


def _check_provinces(provinces: pd.DataFrame) -> pd.DataFrame:
    if "code" not in provinces.columns:
        raise ValueError("the province table needs a 'code' column (NIS two-digit codes)")
    out = pd.DataFrame({"code": provinces["code"].map(_code)})
    out["name"] = provinces["name"].astype(str).to_numpy() if "name" in provinces.columns \
        else out["code"]
    dup = out["code"][out["code"].duplicated()].tolist()
    if dup:
        raise ValueError(f"the province table repeats code(s) {sorted(set(dup))}")
    return out.sort_values("code", kind="mergesort").reset_index(drop=True)


def _province_table(frame: str, provinces) -> pd.DataFrame:
    from coverage.gazetteer import provinces as gazetteer_provinces

    table = gazetteer_provinces(frame)[["code", "name"]]
    if provinces is None:
        return table
    user = _check_provinces(provinces)
    names = dict(zip(table["code"], table["name"]))
    unknown = sorted(set(user["code"]) - set(names))
    if unknown:
        raise ValueError(f"the boundary layer has code(s) {unknown} that are not provinces "
                         f"of the {frame} frame")
    user["name"] = user["code"].map(names)
    return user


def _census(frame: str, table: pd.DataFrame) -> pd.Series:
    from coverage.boundaries import load_population

    pop = load_population(frame)
    return pop.set_index(pop["province_code"].map(_code))["population"].reindex(table["code"])


def read_need(path: str | os.PathLike, codes: Iterable[str]) -> pd.Series:
    """Read a need table (CSV) and check it row by row.

    Columns: ``province_code`` (or ``province``, a name the gazetteer knows) and ``need``
    (or the one other column). Every province in ``codes`` needs one value of 0 or more.

    Raises
    ------
    RecordsError
        Naming the file, row and column of the first problem.

    Examples
    --------
    >>> read_need("need.csv", provinces("2013")["code"])          # doctest: +SKIP
    """
    from coverage.gazetteer import province_code

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise RecordsError("no such file", file=path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as err:
        raise RecordsError(f"cannot read the need table as CSV ({err})", file=path) from err
    table.columns = [str(c).strip() for c in table.columns]
    key = next((c for c in ("province_code", "province") if c in table.columns), None)
    if key is None:
        raise RecordsError("the need table needs a 'province_code' or 'province' column; "
                           f"found {list(table.columns)}", file=path, row=1)
    others = [c for c in table.columns if c not in ("province_code", "province")]
    value_col = "need" if "need" in others else (others[0] if len(others) == 1 else None)
    if value_col is None:
        raise RecordsError(f"the need table needs a 'need' column; found {list(table.columns)}",
                           file=path, row=1)
    valid = list(codes)
    values: dict[str, float] = {}
    for i, (place, text) in enumerate(zip(table[key], table[value_col]), start=2):
        code = _code(place) if key == "province_code" else province_code(place)
        if code not in valid:
            raise RecordsError(f"{place!r} is not one of the provinces scored",
                               file=path, row=i, column=key)
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if not number >= 0:
            raise RecordsError(f"expected a number of 0 or more, got {text!r}",
                               file=path, row=i, column=value_col)
        if code in values:
            raise RecordsError(f"province {code} is listed twice", file=path, row=i, column=key)
        values[code] = number
    missing = [c for c in valid if c not in values]
    if missing:
        raise RecordsError(f"no need value for province code(s) {', '.join(missing)}",
                           file=path, column=key)
    return pd.Series(values, dtype="float64").reindex(valid)


def _indicator(value, codes: list[str], what: str, allow_missing: bool = False) -> pd.Series:
    """A need/population indicator as a float Series indexed by the given codes."""
    if isinstance(value, (str, os.PathLike)):
        value = read_need(value, codes)
    if isinstance(value, pd.DataFrame):
        if "province_code" not in value.columns:
            raise ValueError(f"the {what} table needs a 'province_code' column")
        num = [c for c in value.columns if c != "province_code"
               and pd.api.types.is_numeric_dtype(value[c])]
        if len(num) != 1:
            raise ValueError(f"the {what} table needs exactly one numeric column besides "
                             f"'province_code'; found {num}")
        series = pd.Series(value[num[0]].to_numpy(), index=value["province_code"])
    elif isinstance(value, pd.Series):
        series = value
    elif isinstance(value, Mapping):
        series = pd.Series(dict(value))
    else:
        raise TypeError(f"{what} must be a Series, mapping, DataFrame or CSV path")
    series = pd.Series(pd.to_numeric(series.to_numpy(), errors="coerce"),
                       index=[_code(c) for c in series.index], dtype="float64")
    if series.index.duplicated().any():
        raise ValueError(f"{what} repeats province code(s) "
                         f"{sorted(set(series.index[series.index.duplicated()]))}")
    extra = sorted(set(series.index) - set(codes))
    if extra:
        raise ValueError(f"{what} has code(s) {extra} that are not among the provinces scored")
    series = series.reindex(codes)
    bad = series[~np.isfinite(series) | (series < 0)] if not allow_missing else \
        series[series.notna() & (~np.isfinite(series) | (series < 0))]
    if len(bad):
        raise ValueError(f"{what} is missing, negative or not a number for province code(s) "
                         f"{bad.index.tolist()}")
    return series


def _source(need) -> str:
    if isinstance(need, (str, os.PathLike)):
        return f"custom: {os.fspath(need)}"
    name = getattr(need, "name", None)
    if isinstance(need, pd.DataFrame):
        cols = [c for c in need.columns if c != "province_code"]
        name = cols[0] if len(cols) == 1 else None
    return f"custom: {name}" if name else "custom"


def _factorize(values: pd.Series, clean, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 = missing) and sorted uniques; ``clean`` maps a Series of distinct values."""
    raw_codes, raw_uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = clean(pd.Series(np.asarray(raw_uniques, dtype=object), dtype=object))
    cleaned = cleaned.where(cleaned.notna() & (cleaned != ""), None)
    codes, uniques = pd.factorize(cleaned, sort=sort, use_na_sentinel=True)
    remap = np.append(codes, -1).astype(np.int64)
    return remap[raw_codes], np.asarray(uniques, dtype=object)


def _check_served(served: pd.DataFrame, codes: set[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Validate the served table and add integer codes for the vectorised core."""
    missing = [c for c in SERVED_COLUMNS if c not in served.columns]
    if missing:
        raise RecordsError(f"the served table lacks column(s) {missing}", file="served table",
                           column=missing[0])
    df = served

    def fail(mask, column, why):
        bad = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(bad):
            row = int(bad[0])
            raise RecordsError(f"{why} (value {df[column].iloc[row]!r}; {len(bad)} row(s) "
                               f"like this)", file="served table", row=df.index[row],
                               column=column)

    def text(u: pd.Series) -> pd.Series:
        return u.astype(str).str.strip()

    b_codes, b_uniques = _factorize(df["basis"], lambda u: text(u).str.lower())
    fail(~np.append(np.isin(b_uniques, BASES), False)[b_codes], "basis",
         f"expected one of {list(BASES)}")
    local = np.append(np.isin(b_uniques, LOCAL_BASES), False)[b_codes]
    basis = pd.Categorical.from_codes(b_codes, categories=list(b_uniques))
    gid = pd.to_numeric(df["group_id"], errors="coerce").to_numpy(float)
    fail(~np.isin(gid, [g.id for g in GROUPS]), "group_id", "expected a group id 1-6")
    s_arr = pd.to_numeric(df["service_id"], errors="coerce").to_numpy(float)
    fail(df["service_id"].notna().to_numpy() & np.isnan(s_arr), "service_id",
         "expected a service number")
    svc = services_table()
    gs = np.full((len(GROUPS) + 1, int(svc["service_id"].max()) + 1), np.nan)
    gs[svc["group_id"], svc["service_id"]] = np.arange(len(svc))
    g_int = gid.astype(int)
    given = ~np.isnan(s_arr)
    ok = given & (s_arr == np.round(s_arr)) & (s_arr >= 1) & (s_arr < gs.shape[1])
    sidx = np.full(len(df), np.nan)
    sidx[ok] = gs[g_int[ok], s_arr[ok].astype(int)]
    fail(given & np.isnan(sidx), "service_id",
         "no such service type in the taxonomy for this group")
    inst_codes, inst_uniques = _factorize(df["institution"], text, sort=True)
    fail(inst_codes < 0, "institution", "institution is empty")
    rec_codes, rec_uniques = pd.factorize(df["record_id"], use_na_sentinel=True)
    empty = np.flatnonzero(np.asarray(rec_uniques, dtype=object) == "")
    rec_codes = np.where(np.isin(rec_codes, empty), -1, rec_codes)  # ids are compared as given
    fail(rec_codes < 0, "record_id", "record_id is empty")
    pc_codes, pc_uniques = _factorize(df["province_code"], lambda u: u.map(_code))
    pc_uniques = [str(u) for u in pc_uniques]
    pc = pd.Categorical.from_codes(pc_codes, categories=pc_uniques) if pc_uniques else \
        pd.Categorical([None] * len(df))
    order = sorted(codes)
    pos = np.array([order.index(c) if c in codes else -1 for c in pc_uniques] + [-1],
                   dtype=np.int64)
    pidx = np.where(local, pos[pc_codes], -1)
    fail(local & (pidx < 0), "province_code",
         "a named or site row must carry a province code of the frame scored")
    out = pd.DataFrame({
        "record_id": df["record_id"], "group_id": g_int, "service_id": df["service_id"],
        "institution": pd.Categorical.from_codes(inst_codes, categories=list(inst_uniques)),
        "province_code": pc,
        "basis": basis, "_sidx": sidx, "_inst": inst_codes, "_rec": rec_codes,
        "_pidx": pidx, "_local": local})
    return out, inst_uniques


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:.6g}" if not float(v).is_integer() else str(int(v))
    return str(v)


def _empty_unresolved() -> pd.DataFrame:
    return pd.DataFrame({"record_id": pd.Series(dtype=str), "fragment": pd.Series(dtype=str),
                         "reason": pd.Series(dtype=str)})


def _empty_rejected() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series(dtype="Int64"), "record_id": pd.Series(dtype=str),
                         "reason": pd.Series(dtype=str)})
