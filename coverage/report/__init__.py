"""The self-contained HTML report: one file a donor can open from an email.

Everything is inline: the maps are base64 PNG images, the styles sit in a
``<style>`` element, and nothing is fetched from the network. The report opens
with findings generated from the result (``summary``), each group's top provinces under
population and under migrants side by side, then an interactive map
(inline SVG and a few lines of inline script), the coverage and gap maps of the
six groups, the ranked underserved provinces per group with their rank ranges, coverage
bounds, coverage and need ranks, local-provider densities and missing service types, the forum's own gaps and recommendations,
the places that could not be resolved, the method in brief, the sources and
licences, and last the run's parameters.

Modules: ``html`` (style and building blocks), ``summary`` (generated findings),
``sections``, ``findings`` (the practitioners' own).

Examples
--------
>>> from coverage.scores import analyze
>>> text = render_report(analyze(), run_date="2026-01-31")
>>> text.startswith("<!DOCTYPE html>"), "http://" in text or "https://" in text
(True, False)
>>> text.index('id="summary"') < text.index('id="maps"') < text.index('id="parameters"')
True
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Mapping

import pandas as pd

from coverage.report import sections
from coverage.report.districts import district_section
from coverage.report.findings import default_findings, records_findings
from coverage.report.summary import Finding, build_findings, report_tables
from coverage.report.html import STYLE, escape
from coverage.scores import CoverageResult

log = logging.getLogger(__name__)

__all__ = ["write_report", "render_report", "records_findings", "build_findings", "Finding"]

DEFAULT_TITLE = "Reintegration services for victims of trafficking: coverage by province"

def write_report(result: CoverageResult, path: str | Path, *, title: str | None = None,
                 run_date: str | dt.date | None = None,
                 findings: pd.DataFrame | None = None,
                 maps_dir: str | Path | None = None,
                 tables: Mapping[str, pd.DataFrame] | None = None) -> Path:
    """Write the self-contained HTML report of a coverage result.

    Parameters
    ----------
    result : coverage.scores.CoverageResult
        The output of :func:`coverage.scores.analyze`.
    path : str or pathlib.Path
        Where to write the ``.html`` file.
    title : str, optional
        Heading of the report; a default title otherwise.
    run_date : str or datetime.date, optional
        Date printed as the date of the run; today when omitted (pin it for
        reproducible output).
    findings : pandas.DataFrame, optional
        Gaps and recommendations to show per group (``group_id``, ``kind``, ``text``).
        When omitted: the forum's own findings for the forum's records, else the
        ``gaps`` and ``recommendations`` columns of ``result.records``.
    maps_dir : str or pathlib.Path, optional
        A folder written by :func:`coverage.maps.save_maps` with PNG files: its
        ``all_groups_coverage.png`` and ``all_groups_gap.png`` are embedded instead of
        drawing the maps again.
    tables : mapping of str to DataFrame, optional
        Tables already computed for the findings and rank tables (see
        :func:`build_findings`): ``"rank_ranges"``, ``"need_rankings"``.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> write_report(analyze(), "out/report.html", run_date="2026-01-31")  # doctest: +SKIP
    PosixPath('out/report.html')
    """
    path = Path(path)
    text = render_report(result, title=title, run_date=run_date, findings=findings,
                         maps_dir=maps_dir, tables=tables)
    path.write_text(text, encoding="utf-8")
    log.debug("wrote report %s (%d kB)", path, len(text.encode("utf-8")) // 1024)
    return path


def render_report(result: CoverageResult, *, title: str | None = None,
                  run_date: str | dt.date | None = None,
                  findings: pd.DataFrame | None = None,
                  maps_dir: str | Path | None = None,
                  tables: Mapping[str, pd.DataFrame] | None = None) -> str:
    """The report of :func:`write_report` as an HTML string (same arguments, no path)."""
    title = title or DEFAULT_TITLE
    run_date = str(run_date or dt.date.today().isoformat())
    min_count = result.params.min_count
    if findings is None:
        findings = default_findings(result)
    tables = report_tables(result, tables)
    parts = [
        sections.title_block(result, title, run_date),
        sections.summary_section(build_findings(result, tables)),
        sections.need_section(tables["need_rankings"]),
        sections.interactive_section(result),
        sections.maps_section(result, maps_dir),
        sections.ranking_section(result, min_count, tables["rank_ranges"]),
        *([district_section(result, maps_dir)] if result.by_district is not None else []),
        sections.findings_section(findings),
        sections.unresolved_section(result, min_count),
        sections.method_section(),
        sections.sources_section(result),
        sections.parameters_section(result, run_date, min_count),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(parts) + "\n</body>\n</html>\n"
    )


