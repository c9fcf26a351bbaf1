"""Structural checks behind the speed of a first call (timings live in benchmarks/ only).

A fresh ``coverage.analyze()`` must not load geometry libraries (nothing is drawn or
located), and the place lookups it uses come prebuilt from ``coverage/data/place_index.json``;
the file must be what ``tools/build_place_index.py`` builds from today's sources.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coverage.places import place_hit, variant_hit
from coverage.places import tables

REPO = Path(__file__).resolve().parents[1]
GEOMETRY = ("geopandas", "shapely", "pyproj", "pyogrio", "matplotlib", "mapclassify", "folium")


def _loaded_after(code: str) -> set[str]:
    """Top-level packages in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=REPO, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_analyze_loads_no_geometry_library():
    loaded = _loaded_after("import coverage\nr = coverage.analyze()\nassert len(r.by_province) == 168")
    assert not loaded & set(GEOMETRY), f"analyze() imported {sorted(loaded & set(GEOMETRY))}"
    assert "pandas" in loaded  # the probe does see imports


def test_default_analyze_loads_no_scipy_or_rapidfuzz():
    # scipy.optimize (about 0.2 s) is only for the disclosure audit, i.e. min_count > 1;
    # rapidfuzz (5-14 ms) only for a text that no name matches exactly (the forum's all do)
    loaded = _loaded_after("import coverage\nr = coverage.analyze()\nassert len(r.by_province) == 168")
    assert "scipy" not in loaded and "rapidfuzz" not in loaded
    loaded = _loaded_after("from coverage.places import resolve_place\n"
                           "assert resolve_place('Kampong Chhnanw').provinces == ('04',)")
    assert "rapidfuzz" in loaded  # the probe sees it when a misspelling needs it


def test_census_loads_without_geopandas():
    loaded = _loaded_after("from coverage.boundaries.population import load_population\n"
                           "assert int(load_population('2010')['population'].sum()) == 13395682")
    assert "geopandas" not in loaded


def test_boundaries_names_still_import():
    loaded = _loaded_after("from coverage.boundaries import load_provinces, load_population\n"
                           "assert len(load_provinces('2013')) == 25")
    assert "geopandas" in loaded


def _tool():
    spec = importlib.util.spec_from_file_location("build_place_index",
                                                  REPO / "tools" / "build_place_index.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_prebuilt_place_index_is_what_the_tool_builds():
    tool = _tool()
    assert tool.TARGET.read_text(encoding="utf-8") == tool.render(), \
        "coverage/data/place_index.json is stale: run tools/build_place_index.py"


def test_stale_index_is_rebuilt_not_trusted(monkeypatch, caplog):
    tables._indexes.cache_clear()
    monkeypatch.setattr(tables, "_digests", lambda: {"aliases.csv": "changed"})
    try:
        with caplog.at_level("INFO", logger="coverage.places.tables"):
            index = tables._indexes()
        assert "older than its sources" in caplog.text
        assert index["sources"] == {"aliases.csv": "changed"}
        # the hand-worked hits of the module docstring, from the rebuilt lookups
        hit = place_hit("Prey Chhor")
        assert (hit.codes, hit.code, hit.district_for("03")) == (("03", "14"), "03", "0313")
        assert place_hit("Koh Sotin") is None and variant_hit("Koh Sotin").name == "Kaoh Soutin"
    finally:
        tables._indexes.cache_clear()


@pytest.mark.parametrize("name, codes, code", [
    ("Puok", ("17",), "17"),            # district of Siem Reap
    ("Samraong", None, None),           # a district name in several provinces: abstains
])
def test_prebuilt_hits(name, codes, code):
    hit = place_hit(name)
    assert hit.code == code
    if codes:
        assert hit.codes == codes
    else:
        assert len(hit.codes) > 1 and "several provinces" in hit.reason


def test_locate_sites_fast_path_matches_geopandas_sjoin():
    """Bounding-box + prepared ``intersects_xy`` gives what ``geopandas.sjoin`` gives,
    border vertices included (lowest code wins where sjoin returns two provinces)."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    from coverage.boundaries import load_provinces, locate_sites

    poly = load_provinces("2013")
    rng = np.random.default_rng(7)
    west, south, east, north = poly.total_bounds
    coords = [np.column_stack([rng.uniform(west, east, 3000), rng.uniform(south, north, 3000)])]
    coords += [shapely.get_coordinates(g)[::50] for g in poly.geometry]  # on shared borders
    xy = np.vstack(coords)
    sites = pd.DataFrame({"lon": xy[:, 0], "lat": xy[:, 1]})
    got = locate_sites(sites, provinces=poly)["province_code"]
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=4326)
    joined = gpd.sjoin(points, poly[["code", "geometry"]], how="left", predicate="intersects")
    want = joined.groupby(level=0)["code"].min().reindex(sites.index)
    assert got.astype(object).where(got.notna(), None).tolist() == \
        want.astype(object).where(want.notna(), None).tolist()
    assert joined.index.duplicated().sum() > 0  # the sample does hold border points
