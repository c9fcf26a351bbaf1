"""report.html: self-contained, complete, reproducible, and it renders in a real browser."""
from __future__ import annotations

import base64
import html as htmllib
import io
import re
import shutil
import subprocess

import pytest

from coverage.records import forum_findings
from coverage.report import records_findings, render_report, write_report
from coverage.scores import analyze
from coverage.taxonomy import GROUPS

RUN_DATE = "2026-01-31"
IMG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if shutil.os.path.exists(
    "/usr/bin/chromium") else None)
# Requests Chromium makes by itself (not the page's): account and update checks.
BROWSER_OWN = ("accounts.google.com/ListAccounts", "update.googleapis.com/service/update2",
               "clients2.google.com/time",
               "www.google.com/async/folae")  # Chromium 156 asks this at start, for itself


@pytest.fixture(scope="module")
def result():
    return analyze()


@pytest.fixture(scope="module")
def report(result, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(result, path, run_date=RUN_DATE)
    return path, path.read_text(encoding="utf-8")


def _text(html: str) -> str:
    """The visible text: images dropped, tags stripped, entities decoded."""
    html = IMG.sub('src=""', html)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", html))


def test_has_every_section(report):
    _, html = report
    order = ['id="summary"', 'id="explore"', 'id="maps"', 'id="gap-map"', 'id="underserved"',
             'id="findings"', 'id="unresolved"', 'id="method"', 'id="sources"',
             'id="parameters"']
    positions = [html.index(section) for section in order]
    assert positions == sorted(positions)          # findings first, parameters last
    text = _text(html)
    assert f"Date of run {RUN_DATE}" in " ".join(text.split())
    for phrase in ("Nationwide weight", "0.5", "Min count", "Province frame", "2010 (24 provinces)",
                   "the forum's records (bundled)", "Method in brief", "Sources and licences",
                   "National Institute of Statistics"):
        assert phrase in text, phrase
    from coverage.sources import boundary_source
    assert boundary_source("2010").citation in text      # the frame's own boundary source


def test_nothing_is_fetched_from_anywhere(report):
    _, html = report
    refs = re.findall(r'\b(?:src|href|action|poster|data)\s*=\s*"([^"]*)"', html, flags=re.I)
    assert refs, "the report has images"
    assert all(r.startswith("data:image/png;base64,") or r.startswith("#") for r in refs), \
        [r[:60] for r in refs if not r.startswith("data:")]
    assert not re.search(r"<(link|iframe|object|embed)\b", html, flags=re.I)
    assert re.findall(r"<script\b[^>]*>", html) == ["<script>"]   # one inline script, no src
    assert not re.search(r"url\((?!#)|@import", html, flags=re.I)  # only the page's own patterns
    assert not re.search(r"https?://|fetch\(|XMLHttpRequest", IMG.sub("", html))


def test_maps_are_embedded_pngs(report):
    from PIL import Image

    _, html = report
    images = IMG.findall(html)
    assert len(images) == 2                                  # coverage and gap small multiples
    for data in images:
        png = base64.b64decode(data)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(io.BytesIO(png)) as im:
            assert im.width >= 1000 and im.height >= 900
            assert len(im.convert("L").getcolors(1 << 16) or []) > 20   # a map, not a blank


def test_ranked_tables_per_group(report, result):
    _, html = report
    section = html[html.index('id="underserved"'):html.index('id="findings"')]
    text = " ".join(_text(section).split())
    for g in GROUPS:
        assert f"{g.id}. {g.name}" in text
        top = result.rank(g.id, 5)
        for province in top["province"]:
            assert province in text
    assert section.count("<table>") == 6
    worst_medical = result.rank("medical", 1).iloc[0]
    for service in worst_medical["missing_services"].split("; "):
        assert service in text


def test_rank_tables_show_ranges_bounds_and_densities(report):
    """Shelter, worked from the forum tables: Takeo has no local shelter provider and both
    types claimed nationwide (coverage 50%, bounds 0% and 100%; gap 0.25, bounds 0 and
    844,906 / 1,679,992 = 0.50); its rank stays within 1-3 in every scenario."""
    _, html = report
    section = html[html.index('id="underserved"'):html.index('id="findings"')]
    text = " ".join(_text(section).split())
    shelter = text[text.index("3. Shelter and interim care"):text.index("4. Education")]
    takeo = shelter[shelter.index(" 1 1–3 "):shelter.index("Takeo") + 80]
    assert "1 1–3 (158 of 158) robust Takeo 0.25 (0.00 – 0.50) 50% (0% – 100%)" in takeo
    assert "local providers per 100,000 people; per 1,000 migrants" in text
    # Kampong Cham, shelter: 1 local provider (of 4 nationwide), 1,679,992 people, 17,866
    # migrants
    kc = shelter[shelter.index("Kampong Cham"):][:120]
    assert f" 1 4 {1e5 / 1_679_992:.2f}; {1e3 / 17_866:.2f} " in kc


def test_first_screen_compares_population_and_migrants(report):
    _, html = report
    first = html[:html.index('id="explore"')]
    assert 'id="need-compare"' in first
    table = " ".join(_text(first[first.index('id="need-compare"'):]).split())
    # immediate support: Kandal 1st under population, Prey Veng 1st under migrants
    assert "1. Kandal, 2. Kampong Cham" in table and "1. Prey Veng , 2. Banteay Meanchey" in table


def test_parameters_name_the_spread_only_on_the_2013_frame(report):
    _, html = report
    params = _text(html[html.index('id="parameters"'):])
    assert "Spread" not in params and "Province weight" not in params
    from coverage.report.sections import parameters_section

    assert "Spread" in _text(parameters_section(analyze(frame="2013"), RUN_DATE, 1))


def test_forum_findings_and_unresolved_places(report, result):
    _, html = report
    text = " ".join(_text(html).split())
    findings = forum_findings()
    assert len(findings) > 10
    for t in findings["text"]:
        assert " ".join(t.split()) in text, t
    unresolved = result.unresolved
    assert len(unresolved) > 0
    section = " ".join(_text(html[html.index('id="unresolved"'):]).split())
    for record_id, reason in unresolved[["record_id", "reason"]].itertuples(index=False):
        assert record_id in section and reason in section


def test_no_phone_numbers(report):
    _, html = report
    text = _text(html)
    assert not re.search(r"\b0\d{1,2}[ .-]?\d{2,3}[ .-]?\d{2,3}[ .-]?\d{0,3}\b(?!\.\d)",
                         re.sub(r"\b\d+\.\d+\b", "", text)), "looks like a phone number"
    assert "+855" not in text


def test_same_input_same_report(report, result, tmp_path):
    """Rendering again (maps taken from saved PNGs) gives the identical file."""
    _, html = report
    maps = tmp_path / "maps"
    maps.mkdir()
    for metric, data in zip(("coverage", "gap"), IMG.findall(html)):
        (maps / f"all_groups_{metric}.png").write_bytes(base64.b64decode(data))
    assert render_report(result, run_date=RUN_DATE, maps_dir=maps) == html


def test_run_date_and_title_are_injectable(result, tmp_path):
    maps = tmp_path / "maps"
    maps.mkdir()
    png = b"\x89PNG\r\n\x1a\n" + b"stand-in bytes, never decoded here"
    for metric in ("coverage", "gap"):
        (maps / f"all_groups_{metric}.png").write_bytes(png)
    html = render_report(result, run_date="1999-12-31", title="Shelters <draft>",
                         maps_dir=maps)
    assert "<h1>Shelters &lt;draft&gt;</h1>" in html and "1999-12-31" in html


def test_records_findings_from_a_users_sheet():
    import pandas as pd

    recs = pd.DataFrame({"group_id": [5, 5, 3], "gaps": ["No lawyers", "No lawyers", ""],
                         "recommendations": ["", "Train lawyers", "More shelters"]})
    out = records_findings(recs)
    assert out.values.tolist() == [[3, "recommendation", "More shelters"],
                                   [5, "gap", "No lawyers"],
                                   [5, "recommendation", "Train lawyers"]]


def _chromium(target: str, tmp_path, name: str, dump_dom: bool = False, width: int = 1200):
    shot = tmp_path / f"{name}.png"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-default-apps", "--disable-extensions", "--no-pings",
           "--disable-domain-reliability",
           "--disable-features=NetworkTimeServiceQuerying,MediaRouter,Translate",
           f"--user-data-dir={tmp_path / (name + '-profile')}",
           "--dump-dom" if dump_dom else f"--screenshot={shot}",
           f"--window-size={width},2000", "--enable-logging=stderr", "--v=1", target]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    requested = re.findall(r"NotifyBeforeURLRequest: (\S+)", proc.stderr)
    page = [u for u in requested if not any(own in u for own in BROWSER_OWN)]
    return proc, shot, page


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_renders_in_headless_chromium(report, tmp_path):
    from PIL import Image, ImageStat

    # The detector works: a page with one remote image is caught.
    control = tmp_path / "control.html"
    control.write_text('<html><body><p>control</p>'
                       '<img src="http://example.invalid/pixel.png"></body></html>')
    _, _, caught = _chromium(control.as_uri(), tmp_path, "control")
    assert any("example.invalid" in u for u in caught), caught

    path, _ = report
    proc, shot, page = _chromium(path.as_uri(), tmp_path, "report")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert page == [], page                                   # no request left the file
    assert "ERR_FILE_NOT_FOUND" not in proc.stderr
    with Image.open(shot) as im:
        assert im.size == (1200, 2000)
        grey = im.convert("L")
        stat = ImageStat.Stat(grey)
        assert stat.stddev[0] > 20                            # not a blank page
        dark = sum(grey.histogram()[:200]) / (im.width * im.height)
        assert dark > 0.05                                    # text and maps drawn
        colours = im.convert("RGB").resize((300, 500)).getcolors(1 << 18)
        assert colours is None or len(colours) > 200          # the maps' colours are there


PROBE = """<script>window.addEventListener("load", function () {
  var p = document.querySelector('[data-group]:not([style*="none"]) .khc-province');
  var b = p.getBoundingClientRect();
  p.dispatchEvent(new MouseEvent("mouseover", {bubbles: true, clientX: b.left + b.width / 2,
                                               clientY: b.top + b.height / 2}));
  var s = document.querySelector(".khc-map select");
  s.value = "3"; s.dispatchEvent(new Event("change"));
  document.body.setAttribute("data-probe", "done");
});</script>"""


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_interactive_map_hover_shows_the_tooltip_offline(report, result, tmp_path):
    """A test-only script hovers the first province and picks group 3; the DOM Chromium
    dumps must hold the tooltip with that province's figures, read from by_province."""
    _, html = report
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    proc, _, page = _chromium(probe.as_uri(), tmp_path, "probe", dump_dom=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert page == [], page
    dom = proc.stdout
    assert 'data-probe="done"' in dom
    tip = re.search(r'<div class="khc-tip"([^>]*)>(.*?)</div>', dom, flags=re.S)
    assert tip and "hidden" not in tip.group(1), tip
    row = result.by_province.query("group_id == 1").sort_values("province_code").iloc[0]
    text = htmllib.unescape(tip.group(2))
    assert text.startswith(row["province"])                    # Banteay Meanchey
    assert f"coverage {row['coverage']:.0%} · gap {row['gap']:.2f}" in text
    assert f"local providers {row['providers_local']}" in text
    shown = re.findall(r'<g data-group="(\d)"( style="display: ?none;?")?', dom)
    assert [g for g, hidden in shown if not hidden] == ["3"]   # the selector switched groups
