"""Colours of the maps: each group's ramp built on its forum pin colour, the gap ramp,
and the colours of missing and suppressed classes.

Examples
--------
>>> round(lightness("#000000"))
0
"""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from coverage.taxonomy import Group, get_group

MISSING_COLOUR = "#FFFFFF"
MISSING_HATCH = "////"
SUPPRESSED_COLOUR = "#BDBDBD"
SUPPRESSED_HATCH = "...."
EDGE_COLOUR = "#7A7A7A"
HATCH_COLOUR = "#8C8C8C"
#: Inland water (the Tonle Sap): light blue fill, a thin darker shore and a dark blue name.
WATER_COLOUR = "#CFE6F5"
WATER_EDGE = "#6A9FC6"
WATER_TEXT = "#1F4E79"
#: Ramp colours that differ from the pin: the forum's black pin (group 6) would give a grey
#: ramp, read as "no data"; a dark violet keeps it the darkest pin while giving it a hue no
#: other group has.
RAMP_COLOUR = {6: "#3E1F66"}


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB in [0, 1] (..., 3) to CIE L*a*b* (D65)."""
    c = np.asarray(rgb, dtype=float)
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(min(max(v, 0.0), 1.0) * 255):02X}" for v in rgb)


def _rgb(colour: str) -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.array(to_rgb(colour))


def lightness(colour: str) -> float:
    """CIE L* (0 black … 100 white) of a colour: what a greyscale print shows.

    Examples
    --------
    >>> round(lightness("#FFFFFF"))
    100
    """
    return float(_srgb_to_lab(_rgb(colour))[0])


def _mix_to_lightness(colour: np.ndarray, other: np.ndarray, target: float) -> str:
    """Mix ``colour`` with ``other`` (white or black) until its L* is ``target``."""
    lo, hi = 0.0, 1.0  # share of ``other``
    for _ in range(30):
        mid = (lo + hi) / 2
        L = _srgb_to_lab((1 - mid) * colour + mid * other)[0]
        lo, hi = (mid, hi) if (L - target) * (_srgb_to_lab(other)[0] - target) < 0 else (lo, mid)
    return _hex((1 - hi) * colour + hi * other)


def group_ramp(group: int | str | Group, n: int = 5, light: float = 95.0) -> list[str]:
    """A light-to-dark ramp of ``n`` colours built on a group's forum pin colour.

    Lightness (CIE L*) falls evenly from ``light`` to the darker of the pin and
    L* 35 (but not below L* 20). Lighter steps mix the pin with white, darker ones
    with black, so the hue stays the pin's and a reader of the forum's map
    recognises the group, while the classes stay in order in greyscale and for
    colour-blind readers (their order is carried by lightness alone). Group 6's black
    pin is replaced by the dark violet of :data:`RAMP_COLOUR`, so its ramp has a hue.

    Examples
    --------
    >>> ramp = group_ramp("legal", 5)
    >>> len(ramp), ramp[0] != ramp[-1]
    (5, True)
    """
    g = group if isinstance(group, Group) else get_group(group)
    return list(_group_ramp(RAMP_COLOUR.get(g.id, g.colour), n, light))


@lru_cache(maxsize=256)
def _group_ramp(base: str, n: int, light: float) -> tuple[str, ...]:
    """:func:`group_ramp` of a pin colour, computed once (every map classifies again)."""
    pin = _rgb(base)
    L0 = float(_srgb_to_lab(pin)[0])
    dark = max(min(L0, 35.0), 20.0)
    white, black = np.ones(3), np.zeros(3)
    return tuple(_mix_to_lightness(pin, white if L > L0 else black, float(L))
                 if abs(L - L0) > 0.05 else base.upper() for L in np.linspace(light, dark, n))


def gap_ramp(n: int = 5) -> list[str]:
    """The one "worse is darker" ramp of gap maps (part of matplotlib's *magma*).

    Examples
    --------
    >>> len(gap_ramp(5))
    5
    """
    from matplotlib import colormaps

    cmap = colormaps["magma_r"]
    return [_hex(cmap(float(x))[:3]) for x in np.linspace(0.06, 0.80, n)]


