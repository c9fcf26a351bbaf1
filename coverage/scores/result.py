"""The result of a run: score tables, the tables they came from, and the parameters.

Examples
--------
>>> from coverage.scores import analyze
>>> result = analyze()
>>> result.frame, result.params.min_count, len(result.by_province)
('2010', 1, 168)
"""
from __future__ import annotations

import html
import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterable

import pandas as pd

from coverage.records.schema import RecordsSheet
from coverage.scores.disclosure import format_suppressed
from coverage.scores.inputs import ScoreInputs
from coverage.scores.method import reasons
from coverage.scores.params import RunParams
from coverage.scores.planning import sensitivity, suggest_expansion
from coverage.scores.ranges import rank_ranges
from coverage.settings import RANGE_WEIGHTS, SENSITIVITY_WEIGHTS, TOP_N
from coverage.taxonomy import GROUPS, group_id

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["CoverageResult"]


@dataclass(frozen=True, eq=False, repr=False)
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
    params : RunParams
        Every parameter of the run.
    inputs : ScoreInputs
        The checked inputs (for :meth:`sensitivity` and :meth:`suggest_expansion`).
    totals : pandas.DataFrame or None
        National counts as published (``kind``, ``reason``, ``count``, ``suppressed``): records
        used, placed, nationwide only and not placed; unresolved fragments and rejected rows
        by reason. Withheld like the other counts (see ``coverage.scores.disclosure``).
    records : RecordsSheet or None
        The records the scores were computed from (None when a served table was given).
    boundaries : geopandas.GeoDataFrame or None
        A user's own province layer; None for the bundled one.
    by_district, by_district_service : pandas.DataFrame or None
        With ``level="district"``: one row per district × group (0 = all groups), and per
        district × service type (see :mod:`coverage.scores.districts`).
    """

    by_province: pd.DataFrame
    by_service: pd.DataFrame
    served: pd.DataFrame
    unresolved: pd.DataFrame
    rejected: pd.DataFrame
    params: RunParams
    inputs: ScoreInputs
    totals: pd.DataFrame | None = None
    records: RecordsSheet | None = None
    boundaries: Any = None
    by_district: pd.DataFrame | None = None
    by_district_service: pd.DataFrame | None = None

    @property
    def frame(self) -> str:
        """``"2010"`` (24 provinces) or ``"2013"`` (25)."""
        return self.params.frame

    @cached_property
    def provinces(self) -> "gpd.GeoDataFrame":
        """The province polygons (the user's layer, else the bundled one), loaded on first use."""
        if self.boundaries is not None:
            return self.boundaries
        from coverage.boundaries import load_provinces
        return load_provinces(self.frame)

    def rank(self, group: int | str, n: int | None = None) -> pd.DataFrame:
        """The ranked provinces of one group (gap > 0), largest gap first, with the reasons.

        Provinces with no gap, and every province of a group no record offers anywhere
        (no data), have no rank and are not listed. Equal gaps share a rank, and
        ``coverage_rank`` (1 = least covered) and ``need_rank`` (1 = neediest) show
        whether missing services or need put a province where it is.

        Parameters
        ----------
        group : int or str
            Group id, slug or name; ``0`` or ``"all"`` for all groups.
        n : int, optional
            Keep the provinces ranked ``n`` or better (ties at rank ``n`` are all kept).

        Returns
        -------
        pandas.DataFrame
            ``by_province`` rows plus ``missing_services`` (service types at level 0,
            ``"; "``-joined) and ``nationwide_only_services`` (types with no local
            provider but a nationwide claim).

        Raises
        ------
        ValueError
            If ``n`` is negative.

        Examples
        --------
        >>> from coverage.scores import analyze
        >>> top = analyze().rank("shelter", n=2)
        >>> top[["province", "gap_rank", "coverage_rank", "need_rank"]].values.tolist()
        [['Takeo', 1, 1, 7], ['Kampong Cham', 2, 13, 1]]
        """
        if n is not None and n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        gid = group_id(group)
        rows = self.by_province[(self.by_province["group_id"] == gid)
                                & self.by_province["gap_rank"].notna()]
        svc = self.by_service if gid == 0 else self.by_service[self.by_service["group_id"] == gid]
        why = reasons(svc)
        out = rows.merge(why, on="province_code", how="left", validate="one_to_one")
        out = out.sort_values(["gap_rank", "province_code"], kind="mergesort")
        out = out.reset_index(drop=True)
        return out if n is None else out[out["gap_rank"] <= n].reset_index(drop=True)

    def groups_without_data(self) -> list[int]:
        """The groups no record offers anywhere: "no data", not zero coverage.

        Examples
        --------
        >>> from coverage.scores import analyze
        >>> analyze().groups_without_data()
        []
        """
        bp = self.by_province[self.by_province["group_id"] > 0]
        empty = bp.groupby("group_id")["coverage"].apply(lambda c: c.isna().all())
        return [int(g) for g in empty.index[empty]]

    def to_geodataframe(self, group: int | str):
        """``by_province`` rows of one group joined to the province polygons.

        Examples
        --------
        >>> analyze().to_geodataframe("legal").plot(column="coverage")  # doctest: +SKIP
        """
        import geopandas as gpd

        gid = group_id(group)
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

    def sensitivity(self, nationwide_weights: Iterable[float] = SENSITIVITY_WEIGHTS,
                    n: int = TOP_N) -> pd.DataFrame:
        """The top-``n`` provinces of each group at each nationwide weight, and which stay.

        The scores are computed again at each weight (need and records unchanged).
        A province is ``robust`` when it is ranked ``n`` or better at every weight at
        which its group has a gap anywhere; weights at which the group has no gap
        (weight 1 for a group every type of which is claimed nationwide) do not count
        against it, and a group with no data has no rows.

        Parameters
        ----------
        nationwide_weights : iterable of float
            Weights in [0, 1]; default 0, 0.25, 0.5, 0.75, 1. An empty iterable gives
            an empty table.
        n : int
            How many ranks count as "top" (ties at rank ``n`` included).

        Returns
        -------
        pandas.DataFrame
            ``nationwide_weight``, ``group_id``, ``group``, ``gap_rank``,
            ``province_code``, ``province``, ``coverage``, ``gap``, ``robust``.

        Examples
        --------
        >>> from coverage.scores import analyze
        >>> table = analyze().sensitivity()
        >>> sorted(table.query("group_id == 3 and robust")["province"].unique())
        ['Kampong Cham', 'Kampong Speu', 'Kampong Thom', 'Kampot', 'Takeo']
        >>> len(analyze().sensitivity([]))
        0
        """
        return sensitivity(self, nationwide_weights, n=n)

    def rank_ranges(self, nationwide_weights: Iterable[float] = RANGE_WEIGHTS,
                    n: int = TOP_N, jackknife: bool | None = None) -> pd.DataFrame:
        """How far each gap rank moves over a jackknife of institutions × nationwide weight
        0, 0.5, 1 × need population and migrants; ``robust`` (robustly underserved) only when
        the whole range is in the top ``n`` (see :mod:`coverage.scores.ranges`).

        Parameters
        ----------
        nationwide_weights : iterable of float
            Weights in [0, 1]; default 0, 0.5, 1.
        n : int
            How many ranks count as "top" (ties at rank ``n`` included); 1 or more.
        jackknife : bool, optional
            Leave each institution out in turn; default only with ``min_count`` 1 (with
            withheld counts it would tell where an institution is the only provider).

        Returns
        -------
        pandas.DataFrame
            Per province × group with data: ``province_code``, ``province``, ``group_id``,
            ``group``, ``gap_rank`` (this run), ``rank_min``, ``rank_max``, ``top_n`` (how
            many scenarios put it in the top ``n``), ``scenarios`` (how many count),
            ``robust``.

        Examples
        --------
        Immediate support: Kandal is 1st but falls to 11th in some scenarios.

        >>> from coverage.scores import analyze
        >>> r = analyze().rank_ranges()
        >>> r.query("group_id == 1 and gap_rank <= 3")[
        ...     ["province", "gap_rank", "rank_min", "rank_max", "robust"]].values.tolist()
        [['Kampong Cham', 2, 1, 6, False], ['Kandal', 1, 1, 11, False], ['Prey Veng', 3, 1, 3, True]]
        """
        return rank_ranges(self, nationwide_weights, n=n, jackknife=jackknife)

    def suggest_expansion(self, group: int | str, k: int = 3,
                          max_services: int | None = None) -> pd.DataFrame:
        """Where ``k`` new local providers would cut the national total gap most (greedy).

        Each step adds one local provider in the province whose gap in ``group`` falls
        most when the service types missing there are offered locally (at most
        ``max_services`` of them). Groups with no data are never chosen.

        Parameters
        ----------
        group : int or str
            A group, or ``0``/``"all"`` to choose among all groups with data.
        k : int
            Number of new providers (0 or more).
        max_services : int, optional
            The most service types one new provider offers; default all missing ones.

        Returns
        -------
        pandas.DataFrame
            ``step``, ``province_code``, ``province``, ``group_id``, ``group``,
            ``services_added``, ``need``, ``coverage_before``, ``coverage_after``,
            ``gap_reduction``, ``total_gap_before``, ``total_gap_after``.

        Examples
        --------
        >>> from coverage.scores import analyze
        >>> plan = analyze().suggest_expansion("shelter", k=2)
        >>> plan[["step", "province", "coverage_before", "coverage_after"]].values.tolist()
        [[1, 'Takeo', 0.5, 1.0], [2, 'Kampong Cham', 0.75, 1.0]]
        """
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

        Raises
        ------
        ValueError
            If ``table`` is neither.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from coverage.scores import analyze
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "by_province.csv"
        >>> analyze().to_csv(path)
        >>> path.read_text(encoding="utf-8").splitlines()[0].split(",")[:4]
        ['province_code', 'province', 'group_id', 'group']
        """
        if table not in ("by_province", "by_service"):
            raise ValueError(f"table must be 'by_province' or 'by_service', not {table!r}")
        format_suppressed(getattr(self, table), self.params.min_count, marker).to_csv(
            path, index=False, encoding="utf-8")

    # ---- maps: thin delegates to coverage.maps
    def plot_group(self, group: int | str, metric: str = "coverage", ax=None):
        """Choropleth of one group (see ``coverage.maps.plot_group``).

        Parameters
        ----------
        group : int or str
            Group id, slug or name.
        metric : str
            A key of ``coverage.maps.classes.METRICS``: ``"coverage"``, ``"gap"``,
            ``"providers"``, ``"providers_local"``, ``"coverage_local"`` (local presence)
            or ``"level"``.
        ax : matplotlib.axes.Axes, optional
            Draw on it; a new figure otherwise.

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> from coverage.scores import analyze
        >>> analyze().plot_group("legal", "gap").figure.savefig("gap.png")  # doctest: +SKIP
        """
        from coverage.maps import plot_group
        return plot_group(self, group, metric=metric, ax=ax, frame=self.frame)

    def plot_groups(self, metric: str = "coverage"):
        """Small multiples of the six groups with one legend (see
        ``coverage.maps.plot_groups``); groups with no data are hatched.

        Parameters
        ----------
        metric : str
            As in :meth:`plot_group`.

        Returns
        -------
        matplotlib.figure.Figure

        Examples
        --------
        >>> from coverage.scores import analyze
        >>> analyze().plot_groups("coverage_local").savefig("local.png")  # doctest: +SKIP
        """
        from coverage.maps import plot_groups
        return plot_groups(self, metric=metric)

    def save_maps(self, out_dir, formats=("png", "svg", "pdf")):
        """Write every map to ``out_dir`` (see ``coverage.maps.save_maps``).

        Parameters
        ----------
        out_dir : str or path-like
            Folder to write to (created if missing).
        formats : sequence of str
            Any of ``"png"``, ``"svg"``, ``"pdf"``.

        Returns
        -------
        list of pathlib.Path
            The files written: per group and for all groups, per metric and format.

        Examples
        --------
        >>> from coverage.scores import analyze
        >>> analyze().save_maps("maps", formats=("png",))[0].suffix    # doctest: +SKIP
        '.png'
        """
        from coverage.maps import save_maps
        return save_maps(self, out_dir, formats=formats)

    def explore(self, group: int | str, metric: str = "coverage"):
        """An interactive map that works offline (see ``coverage.maps.explore``).

        Examples
        --------
        >>> from coverage.scores import analyze
        >>> m = analyze().explore("shelter")
        >>> "<svg" in m._repr_html_() and "http" not in m._repr_html_()
        True
        """
        from coverage.maps import explore
        return explore(self, group, metric=metric)

    # ---- display
    def _summary(self) -> pd.DataFrame:
        rows = []
        for gid, name in [(0, "all")] + [(g.id, g.name) for g in GROUPS]:
            part = self.by_province[self.by_province["group_id"] == gid]
            top = part.dropna(subset=["gap_rank"]).sort_values(
                ["gap_rank", "province_code"], kind="mergesort").head(3)["province"]
            cov = part["coverage"].mean()
            rows.append((gid, name, "no data" if pd.isna(cov) else round(float(cov), 3),
                         "; ".join(top)))
        return pd.DataFrame(rows, columns=["group_id", "group", "mean coverage",
                                           "largest gaps"])

    def _header(self) -> str:
        p = self.params
        n_prov = self.by_province["province_code"].nunique()
        return (f"CoverageResult: frame {self.frame}, {n_prov} provinces, "
                f"{self.served['record_id'].nunique()} records placed, "
                f"{len(self.unresolved)} unresolved, {len(self.rejected)} rejected; "
                f"nationwide_weight={p.nationwide_weight}, min_count={p.min_count}, "
                f"need={p.need}")

    def __repr__(self) -> str:
        return self._header() + "\n" + self._summary().to_string(index=False)

    def _repr_html_(self) -> str:
        return (f"<p><b>{html.escape(self._header())}</b></p>"
                + self._summary().to_html(index=False, escape=True))


