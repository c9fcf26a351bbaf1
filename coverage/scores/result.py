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
from coverage.settings import SENSITIVITY_WEIGHTS, TOP_N
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
        >>> from coverage.scores import analyze
        >>> analyze().rank("shelter", n=2)["gap_rank"].tolist()
        [1, 2]
        """
        gid = group_id(group)
        rows = self.by_province[self.by_province["group_id"] == gid]
        svc = self.by_service if gid == 0 else self.by_service[self.by_service["group_id"] == gid]
        why = reasons(svc)
        out = rows.merge(why, on="province_code", how="left", validate="one_to_one")
        out = out.sort_values("gap_rank", kind="mergesort").reset_index(drop=True)
        return out if n is None else out.head(n)

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
        """How the top-``n`` provinces of each group move with the nationwide weight.

        See :func:`coverage.scores.planning.sensitivity` for the columns.

        Examples
        --------
        >>> from coverage.scores import analyze
        >>> table = analyze().sensitivity()
        >>> sorted(table["nationwide_weight"].unique().tolist())[:2]
        [0.0, 0.25]
        """
        return sensitivity(self, nationwide_weights, n=n)

    def suggest_expansion(self, group: int | str, k: int = 3,
                          max_services: int | None = None) -> pd.DataFrame:
        """Where ``k`` new local providers would cut the gap most (greedy).

        See :func:`coverage.scores.planning.suggest_expansion` for the method and columns.

        Examples
        --------
        >>> from coverage.scores import analyze
        >>> plan = analyze().suggest_expansion("shelter", k=2)
        >>> plan["step"].tolist()
        [1, 2]
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
        """
        if table not in ("by_province", "by_service"):
            raise ValueError(f"table must be 'by_province' or 'by_service', not {table!r}")
        format_suppressed(getattr(self, table), self.params.min_count, marker).to_csv(
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
                f"nationwide_weight={p.nationwide_weight}, min_count={p.min_count}, "
                f"need={p.need}")

    def __repr__(self) -> str:
        return self._header() + "\n" + self._summary().to_string(index=False)

    def _repr_html_(self) -> str:
        return (f"<p><b>{html.escape(self._header())}</b></p>"
                + self._summary().to_html(index=False, escape=True))


