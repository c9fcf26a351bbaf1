"""Figures to pixels, sharing work between the maps of one run.

:class:`Rasteriser` draws figures with Agg at one dpi. It keeps one renderer per pixel size
(text measured on one map is not measured again on the next), draws the figure texts that
many maps share (:data:`STATIC_TEXT`: subtitle, caption, province key) once into a saved
background, and draws each haloed label (provinces, the lake) and each leader label once per
place and colour into a small transparent sprite that later maps, and other panels with the
same pixel phase, paste where the label goes (within 2 of 255 levels of drawing it in place:
the same blending, rounded once more). A figure legend of swatches is drawn once per content
on white and pasted whole, only where nothing else of the figure is drawn. The figures
themselves are not changed, so SVG and PDF output keep their text as text.
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.text import Text

#: Figure texts (by ``gid``) that are the same on many maps of a run: drawn once into a
#: background that later maps start from. They sit beside the map, legend and title,
#: never under them, so the pixels are the ones a full draw gives.
STATIC_TEXT = frozenset({"subtitle", "caption", "key-title", "key"})

#: Pixels of margin around a sprite's text box, enough for its halo.
SPRITE_PAD = 8
#: Width of the band around a sprite's box checked to be empty.
RING = 4


class Rasteriser:
    """Figures to RGBA pixels at ``dpi``, white behind (what ``savefig`` would encode).

    Parameters
    ----------
    dpi : int
        Raster resolution.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(1, 1))
    >>> Rasteriser(100)(fig).shape
    (100, 100, 4)
    """

    def __init__(self, dpi: int) -> None:
        self.dpi = dpi
        self._renderers: dict = {}
        self._backgrounds: dict = {}
        self._sprites: dict = {}
        self._placed: dict = {}
        self._scratch: dict = {}

    def _renderer(self, fig: "Figure"):
        from matplotlib.backends.backend_agg import RendererAgg

        w, h = fig.bbox.size
        key = (w, h, fig.dpi)
        if key not in self._renderers:
            self._renderers[key] = RendererAgg(w, h, fig.dpi)
        return self._renderers[key], key

    def __call__(self, fig: "Figure") -> "np.ndarray":
        import numpy as np

        old = fig.dpi, fig.get_facecolor()
        fig.set_dpi(self.dpi)
        fig.set_facecolor("#FFFFFF")
        try:
            renderer, size = self._renderer(fig)
            with self._pasted_labels(fig, renderer):
                self._draw(fig, renderer, size)
            return np.array(renderer.buffer_rgba())  # a copy: the renderer draws the next map
        finally:
            fig.set_dpi(old[0])
            fig.set_facecolor(old[1])

    def _draw(self, fig: "Figure", renderer, size) -> None:
        static = [t for t in fig.texts if t.get_gid() in STATIC_TEXT and t.get_visible()
                  and t.get_bbox_patch() is None and not t.get_path_effects()]
        if not static:
            renderer.clear()
            fig.draw(renderer)
            return
        key = (size, tuple(fig.get_facecolor()), tuple(_text_key(t) for t in static))
        if key not in self._backgrounds:
            rest = [a for a in fig.get_children()
                    if a is not fig.patch and a.get_visible() and a not in static]
            with _hidden(rest):
                renderer.clear()
                fig.draw(renderer)
            self._backgrounds[key] = renderer.copy_from_bbox(fig.bbox)
        renderer.restore_region(self._backgrounds[key])
        with _hidden([fig.patch, *static]):
            fig.draw(renderer)

    @contextmanager
    def _pasted_labels(self, fig: "Figure", renderer):
        """Swap each label for a sprite of it while the figure is drawn."""
        swaps, drawn = [], []  # drawn: where the axes' texts go (asked by legends below)
        for ax in fig.axes:
            if ax.get_axes_locator() is not None or not ax.get_visible():
                continue
            ax.apply_aspect()  # where the draw puts the axes (it does the same, idempotent)
            place, offset = _placement(ax)
            for t in list(ax.texts):
                sprite = self._sprite(t, renderer, place, offset) if _spritable(t) else None
                if sprite is not None:
                    ax.add_artist(sprite)
                    swaps.append((t, sprite))
                    drawn.append(sprite.extent)
                elif t.get_visible():
                    drawn.append(lambda t=t: t.get_window_extent(renderer))
        for leg in fig.legends:
            sprite = self._legend_sprite(leg, renderer, drawn)
            if sprite is not None:
                fig.add_artist(sprite)
                swaps.append((leg, sprite))
        with _hidden([t for t, _ in swaps]):
            try:
                yield
            finally:
                for _, sprite in swaps:
                    sprite.remove()

    def _sprite(self, t: "Text", renderer, place: tuple, offset: tuple[int, int]):
        """The label drawn alone on a transparent canvas, cropped; None if it cannot be.

        A label placed in data coordinates is found again by ``place`` (see
        :func:`_placement`) and its own settings, without measuring it, and pasted
        ``offset`` whole pixels away: the same label in another panel of the same size
        and pixel phase has the same pixels. Other labels are found by their measured box.
        """
        looks = (_text_key(t), _effects_key(t), _annotation_key(t), t.get_clip_on(),
                 renderer.dpi)
        quick = (place, looks) if _in_data_coords(t) else None
        if quick is None or quick not in self._placed:
            box = t.get_window_extent(renderer)  # the text, and an annotation's arrow
            clip = t.axes.bbox.bounds if t.get_clip_on() and t.axes is not None else None
            key = (tuple(box.bounds), clip, looks)
            if key not in self._sprites:
                self._sprites[key] = self._draw_sprite(t, renderer, box)
            found = self._sprites[key]
            if quick is None:
                return None if found is None else _sprite_artist()(*found, t)
            self._placed[quick] = found and (found[0] - offset[0], found[1] - offset[1], found[2])
        found = self._placed[quick]
        return None if found is None else _sprite_artist()(
            found[0] + offset[0], found[1] + offset[1], found[2], t)

    def _legend_sprite(self, leg, renderer, drawn: list):
        """A figure legend of swatches drawn once per content and place, pasted after."""
        look = _legend_key(leg) if leg.get_visible() else None
        if look is None:
            return None
        quick = ("legend", look, renderer.width, renderer.height, renderer.dpi)
        if quick not in self._placed:
            box = leg.get_window_extent(renderer)
            # drawn on white and pasted whole: only where nothing else is drawn
            self._placed[quick] = None if _overlapped(leg, box, renderer, drawn) else \
                self._draw_sprite(leg, renderer, box, opaque=True)
        found = self._placed[quick]
        return None if found is None else _sprite_artist()(*found, leg)

    def _draw_sprite(self, t, renderer, box, opaque: bool = False) -> tuple | None:
        """``t`` drawn alone into a scratch canvas (transparent, or white for an ``opaque``
        sprite) and cropped to ``box`` and a margin; None when it drew beyond them."""
        from matplotlib.backends.backend_agg import RendererAgg

        size = (renderer.width, renderer.height, renderer.dpi)
        if size not in self._scratch:
            self._scratch[size] = RendererAgg(*size)
            _np().asarray(self._scratch[size].buffer_rgba())[:] = 0
        scratch = self._scratch[size]
        h = int(scratch.height)
        x0, y0 = max(math.floor(box.x0) - SPRITE_PAD, 0), max(math.floor(box.y0) - SPRITE_PAD, 0)
        x1 = min(math.ceil(box.x1) + SPRITE_PAD, int(scratch.width))
        y1 = min(math.ceil(box.y1) + SPRITE_PAD, h)
        buf = _np().asarray(scratch.buffer_rgba())  # all 0 between sprites
        band = buf[max(h - y1 - RING, 0):h - y0 + RING, max(x0 - RING, 0):x1 + RING]
        empty = 255 if opaque else 0
        if opaque:
            band[:] = empty
        t.draw(scratch)
        crop = buf[h - y1:h - y0, x0:x1]
        pixels = crop.copy()
        crop[:] = empty
        # a band around the box must be untouched; else the label drew wider than its
        # box (a wide halo?) and is drawn as it is
        clean = bool((band == empty).all())
        band[:] = 0
        if not clean:
            buf[:] = 0
            return None
        if x0 == 0 or y0 == 0 or x1 == int(scratch.width) or y1 == h:
            return None  # cut by the canvas edge: not the same pixels elsewhere
        return (x0, y0, pixels)


def _np():
    import numpy as np

    return np


def _spritable(t) -> bool:
    """A label with the same pixels wherever it is the same: a province or lake label
    with its halo, or a leader label (an annotation with its box and line)."""
    from matplotlib.text import Annotation, Text

    if type(t) not in (Text, Annotation) or not t.get_visible():
        return False
    if t.get_wrap() or t.get_usetex() or not t.get_text():
        return False
    if type(t) is Text and (not t.get_path_effects() or t.get_bbox_patch() is not None):
        return False  # plain texts are cheap; only haloed ones are worth a sprite
    return all(_gc(pe) is not None for pe in t.get_path_effects())


def _placement(ax) -> tuple[tuple, tuple[int, int]]:
    """Where an axes puts its data, up to whole pixels: the data-to-pixel transform and the
    axes box, with the transform's offset split into a fraction (in the key) and whole
    pixels (returned apart)."""
    m = ax.transData.get_affine().get_matrix()
    tx, ty = round(float(m[0, 2]), 6), round(float(m[1, 2]), 6)
    ox, oy = math.floor(tx), math.floor(ty)
    x0, y0, w, h = ax.bbox.bounds
    place = (*(round(float(v), 6) for v in m[:2, :2].ravel()), round(tx - ox, 6),
             round(ty - oy, 6), round(x0 - ox, 6), round(y0 - oy, 6), round(w, 6), round(h, 6))
    return place, (ox, oy)


def _in_data_coords(t) -> bool:
    """Whether the label (and an annotation's point) is placed in its axes' data coordinates."""
    from matplotlib.text import Annotation

    if t.axes is None:
        return False
    if type(t) is Annotation:
        return t.xycoords == "data" and t.anncoords == "data"
    return t.get_transform() is t.axes.transData


def _overlapped(leg, box, renderer, drawn: list) -> bool:
    """Whether anything else of the figure is drawn within a sprite's margin of ``box``:
    the figure's own artists, its axes, and ``drawn`` (callables: where the axes' texts go)."""
    from matplotlib.transforms import Bbox

    pad = SPRITE_PAD + RING
    area = Bbox.from_extents(box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)
    fig = leg.figure
    others = [a for a in (*fig.texts, *fig.artists, *fig.legends, *fig.patches, *fig.lines)
              if a is not leg and a.get_visible()]
    axes = [a for ax in fig.axes if ax.get_visible() for a in (ax, *ax.child_axes)]
    boxes = [a.get_window_extent(renderer) for a in others] + [ax.bbox for ax in axes] + [
        where() for where in drawn]
    return any(b is not None and area.overlaps(b) for b in boxes)


def _legend_key(leg) -> tuple | None:
    """What a legend of patch swatches draws, its place included (the anchor and the
    figure's size fix it); None for a legend with other handles."""
    from matplotlib.patches import Rectangle

    handles = getattr(leg, "legend_handles", None)
    if handles is None or not all(type(h) is Rectangle for h in handles):
        return None
    texts = tuple((t.get_text(), t.get_fontproperties(), t.get_color(), t.get_alpha(),
                   t.get_horizontalalignment(), t.get_verticalalignment())
                  for t in [leg.get_title(), *leg.get_texts()])
    swatches = tuple((h.get_facecolor(), h.get_edgecolor(), h.get_hatch(), h.get_linewidth(),
                      h.get_linestyle(), h.get_alpha(), repr(getattr(h, "_hatch_color", None)),
                      getattr(h, "_hatch_linewidth", None)) for h in handles)
    frame = leg.get_frame()
    layout = (leg._loc, tuple(leg.get_bbox_to_anchor().bounds), leg.get_frame_on(),
              frame.get_facecolor(), frame.get_edgecolor(), leg.borderpad, leg.labelspacing,
              leg.handlelength, leg.handleheight, leg.handletextpad, leg.borderaxespad,
              leg.columnspacing, getattr(leg, "_ncols", None), getattr(leg, "_alignment", None))
    return texts, swatches, layout


def _annotation_key(t) -> tuple:
    """What an annotation draws besides its text: the box and the arrow."""
    patch = t.get_bbox_patch()
    style = None if patch is None else patch.get_boxstyle()  # its repr holds its address
    box = None if patch is None else ((type(style).__name__, tuple(sorted(vars(style).items()))),
                                      patch.get_facecolor(),
                                      patch.get_edgecolor(), patch.get_linewidth(),
                                      patch.get_alpha())
    arrow = getattr(t, "arrowprops", None)
    return (box, None if arrow is None else repr(sorted(arrow.items())),
            tuple(getattr(t, "xy", ())))


def _gc(effect) -> tuple | None:
    """The drawing settings of a stroke or normal path effect, or None when unknown."""
    from matplotlib import patheffects as pe

    if type(effect) not in (pe.withStroke, pe.Stroke, pe.Normal):
        return None
    settings = getattr(effect, "_gc", {})
    return (type(effect).__name__, tuple(getattr(effect, "_offset", ())),
            tuple(sorted((k, repr(v)) for k, v in settings.items())))


def _effects_key(t) -> tuple:
    return tuple(_gc(pe) for pe in t.get_path_effects())


@cache
def _sprite_artist():
    """The artist class that pastes a sprite (built on first use: matplotlib loads late)."""
    from matplotlib.artist import Artist

    class Sprite(Artist):
        """Pre-drawn pixels of a text, pasted at whole-pixel ``(x0, y0)``."""

        def __init__(self, x0: int, y0: int, pixels, like) -> None:
            super().__init__()
            self._pixels, self._x0, self._y0 = pixels, x0, y0
            self.set_zorder(like.get_zorder())
            self.set_clip_on(like.get_clip_on())
            self.set_clip_box(like.get_clip_box())
            self.set_clip_path(like.get_clip_path())

        def extent(self):
            from matplotlib.transforms import Bbox

            h, w = self._pixels.shape[:2]
            return Bbox.from_bounds(self._x0, self._y0, w, h)

        def draw(self, renderer) -> None:
            if not self.get_visible():
                return
            gc = renderer.new_gc()
            self._set_gc_clip(gc)
            renderer.draw_image(gc, self._x0, self._y0, self._pixels[::-1])
            gc.restore()

    return Sprite


def _text_key(t) -> tuple:
    """What a text's pixels depend on, its place aside."""
    import matplotlib as mpl

    # matplotlib 3.7 (the lowest supported) has neither Text.get_linespacing nor a
    # per-text antialiased flag (it reads rcParams when drawing)
    spacing = t.get_linespacing() if hasattr(t, "get_linespacing") else t._linespacing
    smooth = (t.get_antialiased() if hasattr(t, "get_antialiased")
              else mpl.rcParams["text.antialiased"])
    return (t.get_text(), t.get_unitless_position(), t.get_transform() is t.figure.transFigure,
            t.get_fontproperties(), t.get_color(), t.get_alpha(), t.get_rotation(),
            t.get_horizontalalignment(), t.get_verticalalignment(), spacing,
            t.get_usetex(), t.get_parse_math(), smooth, t.get_wrap())


@contextmanager
def _hidden(artists: list):
    """Hide ``artists`` for the duration of the block."""
    for a in artists:
        a.set_visible(False)
    try:
        yield
    finally:
        for a in artists:
            a.set_visible(True)
