"""Case-level privacy of ``kh-coverage run --min-count K`` (issue 11 item 2, issue 18 item 4).

Case-level sheets (one row per survivor: small provinces, single cases, totals that differ by
one, the 7 = 5 + 1 + 1 table) are run through the command. An attacker written here, apart
from the library's audit, reads every table in ``--out``, the report and the printed summary,
recovers what it can by subtraction along every line a reader can form (groups within a
province, service types within a group, local + nationwide = providers, provinces against
the national total, records placed against unresolved and rejected), chains those
recoveries, and bounds the rest using that a withheld count is at least 1. The ground truth
comes from the same sheet scored without suppression. No count below K may be recovered
or narrowed to an interval narrower than K − 1.
"""
from __future__ import annotations

import contextlib
import io
import re

import pandas as pd
import pytest

from coverage.cli import main
from coverage.scores import analyze

# (institution, group, service, area); institutions are organisations, not people
SMALL_PROVINCES = ([("Org A", "shelter", 1, "Battambang")] * 3
                   + [("Org B", "shelter", 1, "Battambang")] * 3
                   + [("Org C", "shelter", 1, "Siem Reap")] * 2
                   + [("Org C", "shelter", 1, "Pailin")])
SINGLE_CASES = [("Org A", "immediate", 1, "Kampot"), ("Org B", "medical", 1, "Kep"),
                ("Org A", "legal", 1, "Takeo"), ("Org C", "community", 1, "Pursat"),
                ("Org D", "education", 1, "Kratie"),
                ("Org A", "shelter", 1, "by the river behind the pagoda"),   # unresolved
                ("", "shelter", 1, "Kampot")]                                # rejected
ISSUE_18 = ([("Org A", "immediate", 1, "Kandal")] * 5 + [("Org B", "medical", 1, "Kandal"),
                                                           ("Org B", "shelter", 1, "Kandal")]
            + [("Org A", "immediate", 1, "Takeo")] * 6
            + [("Org A", "immediate", 1, "Kampot")] * 5)
LARGER = ([("Org A", "immediate", 1, "Phnom Penh")] * 12
          + [("Org B", "education", 2, "Phnom Penh")] * 3
          + [("Org C", "medical", 1, "Kandal")] * 11
          + [("Org D", "shelter", 1, "Takeo")] * 10
          + [("Org A", "legal", 1, "Kampot")])

# Service types of one group that add up to it (every row names its type): 17 = 2 + 6 + 6 + 3.
# With 6 and 6 published, the two withheld types add up to 5, so each lies in [1, 4], narrower
# than k - 1 = 4 at k = 5. (The audit used to leave room for rows naming only the group.)
SERVICE_LINE = ([("Org A", "legal", 1, "Kandal")] * 2 + [("Org B", "legal", 2, "Kandal")] * 6
                + [("Org C", "legal", 3, "Kandal")] * 6 + [("Org D", "legal", 4, "Kandal")] * 3
                + [("Org E", "shelter", 1, "Takeo")] * 5)

CASES = [("small_single_issue_18", SMALL_PROVINCES + SINGLE_CASES + ISSUE_18, 3),
         ("larger", LARGER + SMALL_PROVINCES + SINGLE_CASES, 11),
         ("service_line", SERVICE_LINE, 5)]
ROW_LEVEL = ("records_resolved.csv", "unresolved.csv", "rejected.csv")


def _write(path, rows):
    table = pd.DataFrame(rows, columns=["institution", "group", "service", "area"])
    table["notes"] = "returned home to her aunt's village"       # free text of a case row
    table["gaps"] = "no shelter near the aunt's village"
    table.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module", params=CASES, ids=[f"{n}-k{k}" for n, _, k in CASES])
def case_run(request, tmp_path_factory):
    name, rows, k = request.param
    folder = tmp_path_factory.mktemp(name)
    sheet = _write(folder / f"{name}.csv", rows)
    out = folder / "out"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["run", str(sheet), "--out", str(out), "--min-count", str(k), "--quiet",
                     "--metrics", "coverage"])
    assert code == 0
    return sheet, out, k, buf.getvalue()


def test_no_row_level_table_is_written(case_run):
    _, out, _, stdout = case_run
    for name in ROW_LEVEL:
        assert not (out / name).exists(), name
        assert name not in stdout


def test_report_has_no_path_and_no_text_from_rows(case_run):
    sheet, out, _, stdout = case_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert str(sheet.parent) not in html and str(sheet.parent) not in stdout.split("wrote")[0]
    assert sheet.name in html
    text_only = re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", "", html)  # images: random letters
    for text in ("pagoda", "river", "aunt"):
        assert text not in text_only


def test_no_count_below_k_is_recoverable(case_run):
    sheet, out, k, stdout = case_run
    truth = analyze(sheet)                       # the same sheet, nothing withheld
    cells = _published(out, k)
    true = _true_values(truth)
    _check_report_and_summary(out, k, stdout, cells)
    small = {c for c, v in true.items() if 1 <= v < k}
    assert small, "the sheet must have counts below k"
    for c in small:                               # directly
        assert cells[c] is None, (c, true[c])
    known = dict(cells)
    lines = _lines(cells)
    _propagate(lines, known)
    for c in small:                               # by subtraction, chained
        assert known[c] is None, f"{c} (true {true[c]}) recovered by subtraction"
    for c, (lo, hi) in _bounds(lines, known).items():
        assert hi - lo >= k - 1, f"{c} (true {true.get(c)}) narrowed to [{lo}, {hi}]"
        assert lo <= true[c] <= hi                 # the attacker's bounds are sound


def test_record_level_tables_only_on_request(tmp_path, capsys):
    sheet = _write(tmp_path / "cases.csv", SMALL_PROVINCES)
    out = tmp_path / "out"
    assert main(["run", str(sheet), "--out", str(out), "--min-count", "5", "--quiet",
                 "--metrics", "coverage", "--record-level-tables"]) == 0
    assert len(pd.read_csv(out / "records_resolved.csv")) == len(SMALL_PROVINCES)
    assert "not for sharing" in capsys.readouterr().err


# --- the attacker ---------------------------------------------------------------------

def _published(out, k):
    """Every published count: (table, key..., column) -> int, or None when withheld."""
    marker = f"<{k}"
    cells = {}
    for name, key in (("coverage_by_province.csv", ["province_code", "group_id"]),
                      ("coverage_by_service.csv", ["province_code", "group_id", "service_id"]),
                      ("counts_by_reason.csv", ["kind", "reason"])):
        table = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        for col in ("records", "providers", "providers_local", "providers_nationwide", "count"):
            if col not in table.columns:
                continue
            for keys, v in zip(table[key].itertuples(index=False), table[col]):
                assert v == marker or v.isdigit(), (name, col, v)
                cells[(name[:-4], *keys, col)] = None if v == marker else int(v)
    return cells


def _true_values(result):
    true = {}
    for name, table, key in (("coverage_by_province", result.by_province,
                              ["province_code", "group_id"]),
                             ("coverage_by_service", result.by_service,
                              ["province_code", "group_id", "service_id"]),
                             ("counts_by_reason", result.totals, ["kind", "reason"])):
        for col in ("records", "providers", "providers_local", "providers_nationwide", "count"):
            if col in table.columns:
                for keys, v in zip(table[key].astype(str).itertuples(index=False), table[col]):
                    true[(name, *keys, col)] = int(v)
    return true


def _lines(cells):
    """(total, [parts]) for every line a reader can form; each record names one province
    and one service type in these sheets, so all of them are exact sums."""
    lines = []
    prov = {k for k in cells if k[0] == "coverage_by_province"}
    codes = sorted({k[1] for k in prov})
    for pc in codes:
        lines.append((("coverage_by_province", pc, "0", "records"),
                      [("coverage_by_province", pc, str(g), "records") for g in range(1, 7)]))
    for k in prov:
        if k[3] == "providers":
            lines.append((k, [(*k[:3], "providers_local"), (*k[:3], "providers_nationwide")]))
    svc = {}
    for k in cells:
        if k[0] == "coverage_by_service" and k[4] == "records":
            svc.setdefault((k[1], k[2]), []).append(k)
    for (pc, g), parts in svc.items():
        lines.append((("coverage_by_province", pc, g, "records"), parts))
    n = lambda reason, kind="records": ("counts_by_reason", kind, reason, "count")  # noqa: E731
    lines.append((n("placed in a province"),
                  [("coverage_by_province", pc, "0", "records") for pc in codes]))
    lines.append((n("used"), [n("placed in a province"), n("nationwide only"), n("not placed")]))
    for kind in ("unresolved", "rejected"):
        lines.append((n("all", kind), [k for k in cells if k[0] == "counts_by_reason"
                                       and k[1] == kind and k[2] != "all"]))
    return lines


def _propagate(lines, known):
    """Solve every line with one unknown, again and again (chained subtraction)."""
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            unknown = [c for c in (total, *parts) if known[c] is None]
            if len(unknown) != 1:
                continue
            c = unknown[0]
            rest = sum(known[p] for p in parts if p != c)
            known[c] = known[total] - rest if c != total else rest
            changed = True


def _bounds(lines, known):
    """Interval of every withheld count from the lines, each withheld count being >= 1."""
    lo = {c: 1 for c, v in known.items() if v is None}
    hi = {c: float("inf") for c in lo}
    for total, parts in lines:
        hidden = [p for p in parts if known[p] is None]
        rest = sum(known[p] for p in parts if known[p] is not None)
        if known[total] is not None:
            for p in hidden:
                hi[p] = min(hi[p], known[total] - rest - (len(hidden) - 1))
        else:
            lo[total] = max(lo[total], rest + len(hidden))
    return {c: (lo[c], hi[c]) for c in lo}


def _check_report_and_summary(out, k, stdout, cells):
    """The report header and the printed summary show the published national counts."""
    html = (out / "report.html").read_text(encoding="utf-8")
    placed = cells[("counts_by_reason", "records", "placed in a province", "count")]
    text = "&lt;%d" % k if placed is None else str(placed)
    assert f"Records placed in a province</th><td>{text}</td>" in html
    used = cells[("counts_by_reason", "records", "used", "count")]
    assert f"records: {'<%d' % k if used is None else used} used" in stdout
    for v in re.findall(r"(\d+) (?:used|placed|rejected)", stdout):
        assert not 1 <= int(v) < k, stdout
