"""Maps: what the choropleths show (classes, colours, legends, labels) and byte-identical files."""
from __future__ import annotations

import functools
import hashlib
import itertools
import re
import types

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_hex

from coverage import maps
from coverage.maps import colours
from coverage.maps.draw import caption
from coverage.sources import SOURCES, boundary_source
from coverage.scores import analyze
from coverage.taxonomy import GROUPS


@pytest.fixture(scope="module")
def forum():
    return analyze()  # the forum's records on the 2010 frame


@pytest.fixture(scope="module")
def forum_k3():
    return analyze(min_count=3)


def _faces(ax) -> dict[str, str]:
    """Province code -> face colour of its (first) patch on the axes."""
    fills = [c for c in ax.collections if c.get_gid() == "provinces"]
    assert len(fills) == 1
    faces = fills[0].get_facecolor()
    assert len(faces) == len(fills[0].codes)
    return {code: to_hex(f, keep_alpha=False).upper() for code, f in zip(fills[0].codes, faces)}


def _hatches(ax) -> dict[str, str | None]:
    out = {code: None for c in ax.collections if c.get_gid() == "provinces" for code in c.codes}
    for c in ax.collections:
        if (c.get_gid() or "").startswith("hatch-"):
            out.update({code: c.get_hatch() for code in c.codes})
    return out


def _legend_texts(ax) -> list[str]:
    legend = ax.get_legend() or ax.figure.legends[0]
    return [t.get_text() for t in legend.get_texts()]


def _rows(result, group_id):
    bp = result.by_province
    return bp[bp["group_id"] == group_id].set_index("province_code")


# ----------------------------------------------------------------------------- one group


def test_plot_group_shows_classes_legend_title_caption(forum):
    ax = maps.plot_group(forum, "legal", metric="providers")
    fig = ax.figure
    classes = maps.classify(_rows(forum, 5)["providers"], "providers", 5)
    assert _legend_texts(ax) == [*classes.labels, "no data", "water (Tonle Sap)"]
    assert classes.labels[0] == "0 (no provider)"
    texts = [t.get_text() for t in fig.texts]
    assert any(t.startswith("Legal aid: providers") for t in texts)
    caption = next(t for t in texts if t.startswith("Services:"))
    assert "Open Development Cambodia" in caption and "CC BY 4.0" in caption and "24 provinces" in caption
    assert "Population" not in caption  # population only on gap maps
    assert len(fig.axes) == 1 and len(ax.child_axes) == 1  # the map, its Phnom Penh inset
    assert ax.child_axes[0].get_title() == "Phnom Penh area"
    faces = _faces(ax)
    assert len(faces) == 24  # the 2010 frame
    rows = _rows(forum, 5)
    for code, face in faces.items():  # every province has its class colour
        i = classes.index([rows.loc[code, "providers"]])[0]
        assert face == classes.colours[i].upper(), code


def test_zero_provider_and_missing_look_different(forum):
    # the 2010 result drawn on the 2013 polygons: Tbong Khmum (25) has no data there
    rows = _rows(forum, 3)
    zero = rows.index[rows["providers_local"] == 0][0]
    some = rows.index[rows["providers_local"] > 0][0]
    ax = maps.plot_group(forum, 3, metric="providers_local", frame="2013")
    faces, hatches = _faces(ax), _hatches(ax)
    assert len(faces) == 25
    assert len({faces[zero], faces[some], faces["25"]}) == 3
    assert hatches["25"] == colours.MISSING_HATCH and not hatches[zero] and not hatches[some]
    assert "no data" in _legend_texts(ax)
    caption = [t.get_text() for t in ax.figure.texts if t.get_text().startswith("Services")][0]
    assert "Open Development Cambodia" in caption and "25 provinces" in caption


def test_suppressed_counts_have_their_own_class(forum_k3):
    rows = _rows(forum_k3, 1)
    hidden = rows.index[rows["providers_local"].isna()]
    shown = rows.index[rows["providers_local"].notna()]
    assert len(hidden) and len(shown)
    ax = maps.plot_group(forum_k3, 1, metric="providers_local", frame="2013")
    faces = _faces(ax)
    assert {faces[c] for c in hidden} == {colours.SUPPRESSED_COLOUR}
    assert colours.SUPPRESSED_COLOUR not in {faces[c] for c in shown}
    assert faces["25"] == colours.MISSING_COLOUR != colours.SUPPRESSED_COLOUR
    assert _legend_texts(ax)[-3:] == ["suppressed (<3)", "no data", "water (Tonle Sap)"]
    # scores are never suppressed: no such class on a coverage map
    assert "suppressed (<3)" not in _legend_texts(maps.plot_group(forum_k3, 1, "coverage"))


def test_level_of_one_service_type(forum):
    ax = maps.plot_group(forum, "legal", metric="level", service=1)
    assert _legend_texts(ax) == ["0: nobody", "0.50: nationwide only", "1: local institution",
                                 "no data", "water (Tonle Sap)"]
    svc = forum.by_service
    svc = svc[(svc["group_id"] == 5) & (svc["service_id"] == 1)].set_index("province_code")
    faces = _faces(ax)
    for lo, hi in itertools.combinations(sorted(svc["level"].unique()), 2):
        a = svc.index[svc["level"] == lo][0]
        b = svc.index[svc["level"] == hi][0]
        assert faces[a] != faces[b]
    with pytest.raises(ValueError, match="service="):
        maps.plot_group(forum, "legal", metric="level")


def test_bad_metric_names_the_choices(forum):
    with pytest.raises(ValueError, match="coverage, gap, providers"):
        maps.plot_group(forum, 1, metric="colour")


def test_drawing_on_a_given_axes_leaves_pyplot_alone(forum):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    before = plt.get_fignums()
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    assert maps.plot_group(forum, 2, "gap", ax=ax) is ax
    assert _legend_texts(ax)[0] == "0 (no gap)"
    assert plt.get_fignums() == before
    maps.plot_groups(forum, "coverage")
    assert plt.get_fignums() == before


def test_province_and_lake_labels_do_not_collide(forum):
    ax = maps.plot_group(forum, 4, "coverage")
    renderer = ax.figure.canvas.get_renderer()
    boxes = {t.get_gid(): t.get_window_extent(renderer) for t in ax.texts
             if (t.get_gid() or "").startswith("label-")}
    assert len(boxes) == 24 + 1 and "label-water" in boxes
    clashes = [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes.items(), 2)
               if ba.overlaps(bb)]
    assert clashes == []
    # the tiny provinces are labelled with a leader line
    leaders = {t.get_gid() for t in ax.texts if hasattr(t, "arrow_patch") and t.arrow_patch}
    assert {"label-12", "label-23", "label-24"} <= leaders


# ----------------------------------------------------------------------------- six groups


def test_small_multiples_share_one_classification(forum):
    fig = maps.plot_groups(forum, "providers")
    panels = [ax for ax in fig.axes if (ax.get_gid() or "").startswith("panel-")]
    assert [ax.get_gid() for ax in panels] == [f"panel-{g.id}" for g in GROUPS]
    assert len({ax.bins for ax in panels}) == 1
    pooled = forum.by_province.loc[forum.by_province["group_id"] > 0, "providers"]
    shared = maps.classify(pooled, "providers")
    assert panels[0].bins == shared.bins and shared.bins[0] == 0
    legend = [ax for ax in fig.axes if ax.get_gid() == "legend"]
    assert len(legend) == 1
    entries = [t.get_text() for t in legend[0].texts if t.get_gid() == "legend-entry"]
    assert entries == [*shared.labels, "no data"]  # the lake is named on each panel
    # each panel in its own pin ramp; a class keeps its meaning across panels
    for g, ax in zip(GROUPS, panels):
        ramp = [c.upper() for c in maps.group_ramp(g, len(shared.bins))]
        rows = _rows(forum, g.id)
        for code, face in _faces(ax).items():
            assert face == ramp[shared.index([rows.loc[code, "providers"]])[0]]


def test_gap_maps_use_one_ramp_for_every_group(forum):
    fig = maps.plot_groups(forum, "gap")
    panels = [ax for ax in fig.axes if (ax.get_gid() or "").startswith("panel-")]
    colours = {f for ax in panels for f in _faces(ax).values()}
    assert colours <= {c.upper() for c in maps.gap_ramp(len(maps.GAP_BINS))}
    assert len(colours) >= 3
    assert any("Population: NIS" in t.get_text() for t in fig.texts)


# ----------------------------------------------------------------------------- classes


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=60))
def test_count_breaks_keep_zero_alone(counts):
    c = maps.classify(counts, "providers")
    idx = c.index(counts)
    assert c.bins[0] == 0 and c.labels[0] == "0 (no provider)"
    assert all((i == 0) == (v == 0) for i, v in zip(idx, counts))
    assert c.bins[-1] == max(counts) or max(counts) == 0
    assert len(c.labels) == len(c.colours) == len(c.bins)


def test_score_breaks_are_fixed():
    a = maps.classify([0.0, 0.5], "coverage")
    b = maps.classify([0.9, 1.0, 0.3], "coverage", group=3)
    assert a.bins == b.bins == maps.SCORE_BINS
    assert list(a.index([0.0, 0.01, 0.25, 0.26, 0.5, 1.0])) == [0, 1, 2, 2, 3, 4]
    assert a.labels == ("0 (none)", "> 0 – <25%", "25 – <50%", "50 – <75%", "75 – 100%")


def test_class_labels_do_not_overlap():
    """Each boundary value belongs to exactly one label (read off the label text)."""
    import re

    for metric, values in (("coverage", [0.25, 0.5, 0.75, 1.0]), ("gap", [0.1, 0.2, 0.4, 1.0])):
        c = maps.classify([0.3], metric)
        scale = 100 if metric == "coverage" else 1
        for v in values:
            holders = []
            for i, label in enumerate(c.labels[1:], start=1):
                lo, hi = re.match(r"(?:> )?([\d.]+) – (<?)([\d.]+)", label).group(1, 3)
                open_top = "<" in label
                x = v * scale
                if float(lo) <= x and (x < float(hi) if open_top else x <= float(hi)):
                    holders.append(i)
            assert holders == [c.index([v])[0]], (metric, v, holders)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        maps.classify([1.5], "coverage")


# ----------------------------------------------------------------------------- colours

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
_CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}


def _simulate(hex_colour: str, matrix) -> str:
    c = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    out = np.clip(np.asarray(matrix) @ lin, 0, 1)
    srgb = np.where(out <= 0.0031308, 12.92 * out, 1.055 * out ** (1 / 2.4) - 0.055)
    return to_hex(srgb)


@pytest.mark.parametrize("ramp", [maps.group_ramp(g, 5) for g in GROUPS] + [maps.gap_ramp(5)],
                         ids=[g.slug for g in GROUPS] + ["gap"])
def test_ramps_keep_their_order_in_greyscale_and_for_colour_blind_readers(ramp):
    steps = np.diff([maps.lightness(c) for c in ramp])
    assert (steps < -12).all(), steps  # ≥ 12 L* between classes, light to dark
    for name, m in _CVD.items():
        sim = np.diff([maps.lightness(_simulate(c, m)) for c in ramp])
        assert (sim < -8).all(), (name, sim)
    for c in ramp:  # and none is mistaken for "no data" or "suppressed"
        assert c.upper() not in (colours.MISSING_COLOUR, colours.SUPPRESSED_COLOUR)


def test_ramps_keep_the_pin_hue():
    # the middle class of each ramp is closest in hue to its own pin among the six pins
    import colorsys

    def hue(c):
        r, g, b = (int(c[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return colorsys.rgb_to_hls(r, g, b)

    for g in GROUPS[:5]:  # black has no hue
        mid = hue(maps.group_ramp(g, 5)[2])[0]
        dist = {o.slug: min(abs(mid - hue(o.colour)[0]), 1 - abs(mid - hue(o.colour)[0]))
                for o in GROUPS[:5]}
        assert min(dist, key=dist.get) in (g.slug, {"immediate": "shelter",
                                                     "shelter": "immediate"}.get(g.slug)), g.slug


# ----------------------------------------------------------------------------- files


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_maps_are_byte_identical_from_run_to_run(forum, tmp_path):
    # one small map in every format, drawn twice from scratch (the CLI's
    # test_run_is_reproducible checks a whole run the same way)
    from coverage.maps.files import MapJob, MapWriter

    def draw():
        with MapWriter(forum, tmp_path, ("png", "svg", "pdf"), 200) as writer:
            return writer.write(MapJob("coverage", 5))

    a = draw()
    digests = [_digest(p) for p in a]
    b = draw()
    assert [p.name for p in a] == [f"group_5_legal_coverage.{ext}" for ext in ("png", "svg", "pdf")]
    assert [_digest(p) for p in b] == digests
    from PIL import Image

    with Image.open(a[0]) as im:
        assert im.size[0] >= 8 * 200
        assert round(im.info["dpi"][0]) >= 200


def test_save_maps_rejects_low_dpi_and_unknown_formats(forum, tmp_path):
    with pytest.raises(ValueError, match="200 dpi"):
        maps.save_maps(forum, tmp_path, dpi=96)
    with pytest.raises(ValueError, match="jpg"):
        maps.save_maps(forum, tmp_path, formats=("jpg",))


def test_caption_names_user_records(tmp_path):
    sheet = tmp_path / "partners_2024.csv"
    sheet.write_text("institution,group,area\nWorld Hope,shelter,Siem Reap\n", encoding="utf-8")
    text = caption(analyze(sheet), "2013", "gap")
    assert text.splitlines() == ["Services: partners_2024.csv", boundary_source("2013").caption,
                                 SOURCES["population"].caption]
    assert str(tmp_path) not in text


# ----------------------------------------------------------------------------- interactive


def test_explore_is_offline_with_a_legend_and_a_tooltip_per_province(forum, tmp_path):
    import re

    m = maps.explore(forum, "shelter")
    html = m._repr_html_()
    assert not re.search(r"https?://|<link|src=", html)
    tips = re.findall(r'data-tip="([^"]*)"', html)
    assert len(tips) == 24
    takeo = forum.by_province.query("group_id == 3 and province == 'Takeo'").iloc[0]
    tip = next(t for t in tips if t.startswith("Takeo"))
    # hand-read from by_province: coverage 0.5 -> "50%", gap 0.2515 -> "0.25", rank 1
    assert f"coverage {takeo['coverage']:.0%}" in tip and "gap 0.25 (rank 1)" in tip
    assert "local providers 0 · nationwide providers 4" in tip
    for label in ("0 (none)", "25 – &lt;50%", "75 – 100%"):
        assert label in html
    path = m.save(tmp_path / "shelter.html")
    assert m.save(path) == path                     # its own file may be written again
    other = tmp_path / "notes.html"
    other.write_text("mine")
    with pytest.raises(FileExistsError):
        m.save(other)
    assert other.read_text() == "mine"


def test_group_6_ramp_has_a_hue_and_is_the_darkest():
    from coverage.maps.colours import _rgb, _srgb_to_lab

    ramp = maps.group_ramp(6, 5)
    chroma = [float(np.hypot(*_srgb_to_lab(_rgb(c))[1:])) for c in ramp[1:]]
    assert min(chroma) > 10, chroma                 # not grey
    darkest = {g.id: maps.lightness(maps.group_ramp(g, 5)[-1]) for g in GROUPS}
    assert min(darkest, key=darkest.get) == 6       # still the forum's dark pin


def test_min_count_5_leaves_no_small_number_in_any_legend(tmp_path):
    # a case-level sheet: one row per survivor, the province they returned to
    areas = ["Battambang"] * 6 + ["Siem Reap"] * 2 + ["Pailin"] + ["Kandal"] * 7 + ["Takeo"] * 3
    sheet = tmp_path / "cases.csv"
    sheet.write_text("institution,group,service,area\n" + "".join(
        f"Org{i},shelter,1,{a}\n" for i, a in enumerate(areas)), encoding="utf-8")
    result = analyze(sheet, min_count=5)
    small = re.compile(r"(?<![\d.])[1-4](?![\d.])")
    for metric in ("providers", "providers_local"):
        texts = _legend_texts(maps.plot_group(result, "shelter", metric))
        assert "suppressed (<5)" in texts
        assert not [t for t in texts if small.search(t.replace("<5", ""))], texts
        fig = maps.plot_groups(result, metric)
        shown = [t.get_text() for ax in fig.axes for t in ax.texts if "legend" in str(t.get_gid())]
        assert shown and not [t for t in shown if small.search(t.replace("<5", ""))], shown
    assert "Services: cases.csv" in caption(result, "2013", "providers")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])),
                min_size=1, max_size=30))
def test_fixed_classes_match_a_naive_oracle(values):
    classes = maps.classify([0.3], "coverage")

    def naive(v):  # 0 alone; [0.25, 0.5) etc.; the last class holds 1
        if v == 0:
            return 0
        return 1 if v < 0.25 else 2 if v < 0.5 else 3 if v < 0.75 else 4

    assert classes.index(values).tolist() == [naive(v) for v in values]

# ----------------------------------------------------------------------------- base map, lake


def test_the_lake_is_water_on_every_map(forum):
    import shapely

    from coverage.boundaries import load_water

    lake = load_water().geometry.iloc[0]
    single = maps.plot_group(forum, 2, "gap")
    panels = [ax for ax in maps.plot_groups(forum, "coverage").axes
              if (ax.get_gid() or "").startswith("panel-")]
    inset = [a for a in single.child_axes]
    for ax in [single, *panels]:
        water = [p for p in ax.patches + ax.artists if p.get_gid() == "water"]
        assert len(water) == 1
        assert to_hex(water[0].get_facecolor()).upper() == colours.WATER_COLOUR
        # drawn over the provinces, and where the lake is (its label point is inside)
        assert water[0].get_zorder() >= [c for c in ax.collections if c.get_gid() == "provinces"][0].get_zorder()
        assert water[0].get_path().contains_point((104.07, 12.89))
        assert lake.contains(shapely.Point(103.934, 13.035))
        assert [t.get_text() for t in ax.texts if t.get_gid() == "label-water"] == ["Tonle Sap"]
    # the Phnom Penh inset lies south of the lake: no water there
    assert len(inset) == 1 and not [p for p in inset[0].patches + inset[0].artists
                                    if p.get_gid() == "water"]


def test_drawn_geometry_is_simplified_without_gaps_or_drift():
    import shapely

    from coverage.boundaries import load_provinces
    from coverage.maps.base import DRAW_TOLERANCE, base_map

    polys = load_provinces("2010")
    base = base_map(polys)
    # the drawn paths back as polygons, filled even-odd (holes are rings inside rings)
    drawn = [functools.reduce(shapely.symmetric_difference,
                              [shapely.Polygon(r) for r in p.to_polygons()])
             for p in base.paths]
    before = shapely.get_num_coordinates(polys.geometry.values).sum()
    after = sum(len(p.vertices) for p in base.paths)
    assert after < 0.75 * before
    # each drawn province stays within a few pixels of the real one (independent of how
    # the simplification was done: Hausdorff distance to the original)
    for poly, geom in zip(drawn, polys.geometry):
        assert shapely.hausdorff_distance(poly, geom) < 5 * DRAW_TOLERANCE
    # neighbours still meet: the drawn provinces cover the same land, no slivers between
    land = shapely.union_all(polys.geometry.values)
    assert abs(shapely.union_all(drawn).area - land.area) < 1e-3 * land.area


def test_interactive_map_shows_the_lake_over_the_provinces(forum):
    from coverage.maps.interactive import interactive_map

    text = interactive_map(forum, groups=[1])
    assert text.count('class="khc-water"') == 1 and ">Tonle Sap</text>" in text
    assert text.rindex('class="khc-province"') < text.index('class="khc-water"')
