"""coverage.maps.raster (and the reused figures of coverage.maps.files): the pixels of a
run of maps against matplotlib's own full draw of a fresh figure (``savefig``), the
independent oracle."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from coverage.maps import plot_group, plot_groups
from coverage.maps.files import MapJob, MapWriter
from coverage.maps.raster import Rasteriser
from coverage.scores import analyze
from coverage.settings import DPI


def _savefig(fig) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="#FFFFFF")
    buf.seek(0)
    with Image.open(buf) as im:
        return np.asarray(im.convert("RGB")).astype(int)


# gap maps share their legend (one ramp): the second one pastes the first one's legend
JOBS = [MapJob("coverage"), MapJob("coverage", 3), MapJob("coverage", 4), MapJob("gap", 4),
        MapJob("gap", 5), MapJob("gap")]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Maps written one after another, as save_maps does: later maps reuse the figure
    layout, labels, backgrounds and panels of earlier ones."""
    result, out = analyze(), tmp_path_factory.mktemp("maps")
    with MapWriter(result, out, formats=("png",)) as writer:
        for job in JOBS:
            writer.write(job)
    return result, out


def test_every_map_is_within_two_levels_of_a_fresh_full_draw(written):
    result, out = written
    for job in JOBS:
        fig = (plot_groups(result, job.metric) if job.group_id is None
               else plot_group(result, job.group_id, job.metric).figure)
        full = _savefig(fig)
        with Image.open(out / f"{job.stem}.png") as im:
            pixels = np.asarray(im.convert("RGB")).astype(int)
        assert pixels.shape == full.shape
        diff = np.abs(pixels - full)
        assert diff.max() <= 2, job.stem
        assert (diff > 0).mean() < 0.01, job.stem   # and almost every pixel is the same


def test_labels_are_pasted_not_redrawn_on_later_maps():
    raster = Rasteriser(DPI)
    result = analyze()
    raster(plot_groups(result, "coverage"))
    drawn_once = sum(v is not None for v in raster._sprites.values())
    assert 0 < drawn_once <= 2 * 25              # one per province and label colour, not per panel
    raster(plot_groups(result, "coverage"))
    assert sum(v is not None for v in raster._sprites.values()) == drawn_once


def test_a_legend_over_other_drawing_is_drawn_in_place():
    """A legend is pasted from a sprite drawn on white only where nothing else is drawn
    under it; here a text runs under the legend, so it is drawn as matplotlib draws it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    fig = Figure(figsize=(3, 2))
    FigureCanvasAgg(fig)
    fig.text(0.1, 0.5, "a long text under the legend " * 3, fontsize=8)
    fig.legend(handles=[Patch(facecolor="#1f78b4", label="class")], loc="center")
    raster = Rasteriser(DPI)
    pixels = raster(fig)
    assert [v for k, v in raster._placed.items() if k[0] == "legend"] == [None]
    assert np.abs(pixels[..., :3].astype(int) - _savefig(fig)).max() <= 2
