"""coverage.maps.raster: the pixels it gives for a run of maps against matplotlib's own
full draw of each figure (``savefig``), the independent oracle."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from coverage.maps.draw import plot_group, plot_groups
from coverage.maps.raster import Rasteriser
from coverage.scores import analyze
from coverage.settings import DPI


def _savefig(fig) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="#FFFFFF")
    buf.seek(0)
    with Image.open(buf) as im:
        return np.asarray(im.convert("RGB")).astype(int)


@pytest.fixture(scope="module")
def drawn():
    """Maps drawn one after another through one Rasteriser, as save_maps does: later maps
    reuse the labels, backgrounds and panels of earlier ones."""
    result = analyze()
    figures = [plot_groups(result, "coverage"), plot_group(result, 3, "coverage").figure,
               plot_group(result, 4, "coverage").figure, plot_group(result, 4, "gap").figure,
               plot_groups(result, "gap")]
    raster = Rasteriser(DPI)
    return [(fig, raster(fig)) for fig in figures]


def test_every_map_is_within_two_levels_of_a_full_draw(drawn):
    for fig, pixels in drawn:
        full = _savefig(fig)
        assert pixels.shape[:2] == full.shape[:2]
        diff = np.abs(pixels[..., :3].astype(int) - full)
        assert diff.max() <= 2, fig.texts[0].get_text()
        assert (diff > 0).mean() < 0.01          # and almost every pixel is the same


def test_labels_are_pasted_not_redrawn_on_later_maps():
    raster = Rasteriser(DPI)
    result = analyze()
    raster(plot_groups(result, "coverage"))
    drawn_once = sum(v is not None for v in raster._sprites.values())
    assert 0 < drawn_once <= 2 * 25              # one per province and label colour, not per panel
    raster(plot_groups(result, "coverage"))
    assert sum(v is not None for v in raster._sprites.values()) == drawn_once
