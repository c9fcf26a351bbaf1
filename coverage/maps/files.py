"""Writing every map to files, byte-identical for the same input."""
from __future__ import annotations

import logging
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from coverage.maps.classes import metric_info
from coverage.maps.draw import GroupCanvas
from coverage.maps.multiples import GroupsCanvas
from coverage.maps.raster import Rasteriser
from coverage.scores import CoverageResult
from coverage.settings import DPI
from coverage.taxonomy import GROUPS, get_group

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Future

    import numpy as np
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

#: Fixed metadata per format, so the same input gives the same bytes.
META = {
    "png": {"Software": "kh-coverage"},
    "svg": {"Date": None, "Creator": "kh-coverage"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "kh-coverage",
            "Producer": "kh-coverage"},
}
#: zlib level of the PNG files: twice as fast as the default 6, for 5% larger files.
PNG_COMPRESSION = 3


def _save(fig: "Figure", path: Path, fmt: str, dpi: int) -> None:
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "kh-coverage", "svg.fonttype": "none",
                                "pdf.fonttype": 42}):
        fig.savefig(path, format=fmt, dpi=dpi, metadata=META[fmt], facecolor="#FFFFFF",
                    **({"pil_kwargs": {"compress_level": PNG_COMPRESSION}} if fmt == "png" else {}))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _write_png(pixels: "np.ndarray", path: Path, dpi: int) -> None:
    """Encode RGBA pixels as a PNG file; RGB when every pixel is opaque (the same picture).

    A plain encoder: no per-row filter and zlib at :data:`PNG_COMPRESSION`. On maps (large
    flat areas) that is about half the time of Pillow's adaptive filtering and gives smaller
    files, and zlib releases the GIL, so it runs beside the drawing of the next map.
    """
    import numpy as np

    h, w = pixels.shape[:2]
    opaque = bool((pixels[..., 3] == 255).all())
    channels = 3 if opaque else 4
    rows = np.zeros((h, 1 + w * channels), dtype=np.uint8)  # first byte of a row: filter 0
    rows[:, 1:] = pixels[..., :channels].reshape(h, w * channels)
    per_metre = int(dpi / 0.0254 + 0.5)
    text = b"".join(k.encode("latin-1") + b"\0" + v.encode("latin-1")
                    for k, v in META["png"].items() if v is not None)
    png = b"".join([
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2 if opaque else 6, 0, 0, 0)),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"tEXt", text),
        _chunk(b"IDAT", zlib.compress(rows, PNG_COMPRESSION)),
        _chunk(b"IEND", b""),
    ])
    Path(path).write_bytes(png)


@dataclass(frozen=True)
class MapJob:
    """One map: a group's map of a metric, or (``group_id`` None) the six groups as small
    multiples.

    Examples
    --------
    >>> MapJob("gap", 3).stem, MapJob("gap").stem
    ('group_3_shelter_gap', 'all_groups_gap')
    """

    metric: str
    group_id: int | None = None

    @property
    def stem(self) -> str:
        if self.group_id is None:
            return f"all_groups_{self.metric}"
        g = get_group(self.group_id)
        return f"group_{g.id}_{g.slug}_{self.metric}"


def map_jobs(metrics: Sequence[str]) -> list[MapJob]:
    """The maps :func:`save_maps` writes for ``metrics``, in its order: per metric, the six
    groups, then the small multiples.

    Examples
    --------
    >>> [j.stem for j in map_jobs(["coverage"])][-2:]
    ['group_6_community_coverage', 'all_groups_coverage']
    """
    for metric in metrics:
        if metric_info(metric).kind == "level":
            raise ValueError("save_maps maps whole groups; draw metric='level' with plot_group")
    return [MapJob(m, g) for m in metrics for g in [*(g.id for g in GROUPS), None]]


class MapWriter:
    """Writes maps of one result one after another, sharing work between them.

    Each kind of figure (a group's map, the small multiples) is laid out once and drawn
    again for every map; one :class:`~coverage.maps.raster.Rasteriser` keeps renderers,
    backgrounds and label sprites from map to map; and PNG files are compressed on a
    thread beside the drawing of the next map (zlib releases the GIL). Use it as a context manager: on leaving,
    every file is complete (or the first failed write is raised).

    Parameters
    ----------
    result, out_dir, formats, dpi, frame
        As for :func:`save_maps`.

    Examples
    --------
    >>> import tempfile
    >>> from coverage.scores import analyze
    >>> with (tempfile.TemporaryDirectory() as out,
    ...       MapWriter(analyze(), out, formats=("png",)) as writer):
    ...     [p.name for p in writer.write(MapJob("gap", 3))]
    ['group_3_shelter_gap.png']
    """

    def __init__(self, result: CoverageResult, out_dir: str | Path,
                 formats: Sequence[str] = ("png", "svg", "pdf"), dpi: int = DPI,
                 frame: str | None = None) -> None:
        bad = [f for f in formats if f not in ("png", "svg", "pdf")]
        if bad:
            raise ValueError(f"unsupported format(s) {bad}; expected png, svg or pdf")
        if dpi < 200 and "png" in formats:
            raise ValueError(f"dpi={dpi}: print maps need at least 200 dpi")
        self.result, self.out, self.formats = result, Path(out_dir), tuple(formats)
        self.dpi, self.frame = dpi, frame
        self.out.mkdir(parents=True, exist_ok=True)
        self._raster = Rasteriser(dpi)
        self._encoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kh-coverage-png")
        self._pending: list["Future"] = []

    @cached_property
    def _single(self) -> GroupCanvas:  # each laid out once, when first needed
        return GroupCanvas()

    @cached_property
    def _multiples(self) -> GroupsCanvas:
        return GroupsCanvas()

    def write(self, job: MapJob) -> list[Path]:
        """Draw one map and write it in every format; the files written."""
        if job.group_id is None:
            fig = self._multiples.draw(self.result, job.metric, frame=self.frame)
        else:
            fig = self._single.draw(self.result, job.group_id, job.metric, frame=self.frame).figure
        paths = []
        for fmt in self.formats:
            paths.append(self.out / f"{job.stem}.{fmt}")
            if fmt == "png":
                self._pending.append(self._encoder.submit(_write_png, self._raster(fig),
                                                          paths[-1], self.dpi))
            else:
                _save(fig, paths[-1], fmt, self.dpi)
        return paths

    def __enter__(self) -> "MapWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self._encoder.shutdown(wait=True)
        if exc[0] is None:
            for job in self._pending:
                job.result()  # re-raise a failed write here


def save_maps(result: CoverageResult, out_dir: str | Path, formats: Sequence[str] = ("png", "svg", "pdf"),
              metrics: Sequence[str] = ("coverage", "gap", "providers", "providers_local"),
              dpi: int = DPI, frame: str | None = None) -> list[Path]:
    """Write one map per group and metric, plus the small multiples of each metric.

    Files are named ``group_<id>_<slug>_<metric>.<ext>`` and ``all_groups_<metric>.<ext>``.
    The same input gives byte-identical files (fixed metadata, fixed SVG ids).

    Parameters
    ----------
    result : CoverageResult
    out_dir : str or Path
        Created if needed.
    formats : sequence of {"png", "svg", "pdf"}
    metrics : sequence of str
        Metrics to map (``level`` is per service type: use :func:`plot_group`).
    dpi : int
        Raster resolution (at least 200 for print).
    frame : {"2010", "2013"}, optional

    Returns
    -------
    list of Path
        The files written, in writing order.

    Examples
    --------
    >>> paths = save_maps(result, "out/maps", formats=("png",))   # doctest: +SKIP
    """
    jobs = map_jobs(metrics)
    with MapWriter(result, out_dir, formats, dpi, frame) as writer:
        written = [p for job in jobs for p in writer.write(job)]
    log.debug("wrote %d map files to %s", len(written), out_dir)
    return written
