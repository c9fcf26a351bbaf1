"""``kh-coverage run`` writes its tables and maps in two processes when it may use two CPUs.

A forked child writes the tables and draws most group maps while this process draws the
small multiples, writes the report and draws the rest; the files are the same bytes as
one process writes. Only the command does this: :func:`coverage.maps.save_maps` never
starts a process (a library function that forks from a Jupyter kernel with threads can
deadlock). The child ignores Ctrl-C (the command decides), dies at once on SIGTERM, and
is stopped and waited for whenever this process leaves early, so no file is written
after the command has cleaned up.

Examples
--------
>>> cpus() >= 1
True
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing.connection import Connection

    from coverage.scores import CoverageResult

log = logging.getLogger(__name__)


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity on macOS and Windows
        return os.cpu_count() or 1


def _can_fork() -> bool:
    # fork is safe only with one thread; off Linux it is not the platform's way
    return sys.platform.startswith("linux") and threading.active_count() == 1 and cpus() >= 2


#: Seconds a group's map and the small multiples take per format while both processes
#: draw, the report, a process's first map of a kind of figure (laying it out, its
#: first labels), and the tables per served row: measured on the forum data and on a
#: generated 100,000-row sheet (550,000 served rows) on two CPUs.
MAP_COST: dict[str, tuple[float, float]] = {"png": (0.073, 0.26), "svg": (0.056, 0.20),
                                            "pdf": (0.26, 0.53)}
REPORT_COST, FIRST_COST, TABLE_COST = 0.27, 0.3, 1.7e-6


def _share(singles: int, multiples: int, formats: Sequence[str] = ("png",),
           served: int = 0) -> int:
    """How many group maps this process takes (after the small multiples and the
    report) so that both processes finish together; the child writes the tables of
    ``served`` rows and draws the rest.

    Examples
    --------
    >>> _share(12, 2), _share(24, 4), _share(12, 2, ("png", "svg", "pdf"))
    (0, 1, 3)
    >>> _share(12, 2, served=550_000)  # a 100,000-row sheet's tables take ~0.9 s
    5
    """
    group = sum(MAP_COST[f][0] for f in formats)
    six = sum(MAP_COST[f][1] for f in formats)

    def finish(share: int) -> float:
        here = (FIRST_COST + six * multiples + REPORT_COST
                + (FIRST_COST + group * share if share else 0))
        return max(here, TABLE_COST * served + FIRST_COST + group * (singles - share))
    return min(range(singles + 1), key=finish)


def draw_maps(result: "CoverageResult", folder: Path, formats: Sequence[str],
              metrics: Sequence[str], then: Callable[[], object],
              before: Callable[[], object] = lambda: None) -> None:
    """Run ``before`` (the tables), write the maps of ``metrics`` into ``folder`` and run
    ``then`` (the report, which embeds the small multiples), in two processes when it can.

    This process draws the small multiples, runs ``then`` and draws a share of the group
    maps; a forked child meanwhile runs ``before`` and draws the other group maps, the
    shares chosen so that both finish together. In one process: ``before``, every map,
    then ``then``.

    Parameters
    ----------
    result : CoverageResult
    folder : Path
    formats, metrics : sequence of str
        As for :func:`coverage.maps.save_maps`.
    then : callable
        Run once every small-multiples file is written.
    before : callable
        Run first (in the child, when there is one).
    """
    from coverage.maps.files import map_jobs

    jobs = map_jobs(metrics)
    multiples = [j for j in jobs if j.group_id is None]
    singles = [j for j in jobs if j.group_id is not None]
    share = _share(len(singles), len(multiples), formats, len(result.served))
    if not _can_fork() or len(singles) - share < 2:
        before()
        _write(result, folder, formats, jobs)
        then()
        return
    _preload(formats)
    theirs = singles[share:]
    log.debug("drawing %d of %d maps in a second process", len(theirs), len(jobs))

    def here() -> None:
        _write(result, folder, formats, multiples)
        then()
        _write(result, folder, formats, singles[:share])

    def there() -> None:
        before()
        _write(result, folder, formats, theirs)

    failure = _with_child(here, there, f"the tables and {len(theirs)} of the maps")
    if failure is not None:
        raise failure


def _write(result: "CoverageResult", folder: Path, formats: Sequence[str], jobs: list) -> None:
    from coverage.maps.files import MapWriter

    if jobs:
        with MapWriter(result, folder, formats) as writer:
            for job in jobs:
                writer.write(job)


def _preload(formats: Sequence[str]) -> None:
    """Import what drawing loads, once, before the fork (the child inherits it)."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401

    if "svg" in formats:
        import matplotlib.backends.backend_svg  # noqa: F401
    if "pdf" in formats:
        import fontTools.subset  # noqa: F401
        import matplotlib.backends.backend_pdf  # noqa: F401


def _with_child(here: Callable[[], object], there: Callable[[], object],
                what: str) -> BaseException | None:
    """Run ``there`` in a forked child while ``here`` runs; the child's error, if any."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    sys.stdout.flush()
    sys.stderr.flush()  # else the child flushes a copy of what is buffered
    child = context.Process(target=_child, args=(there, send), name="kh-coverage-maps")
    child.start()
    send.close()
    try:
        here()
        try:
            failure = receive.recv()
        except EOFError:  # the child died without a word (killed)
            failure = None
        child.join()
        if failure is None and child.exitcode:
            failure = RuntimeError(f"the process writing {what} stopped "
                                   f"(exit code {child.exitcode})")
        return failure
    finally:
        if child.is_alive():
            child.terminate()
            child.join()
        receive.close()


def _child(work: Callable[[], object], send: "Connection") -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    failure: BaseException | None = None
    try:
        work()
    except BaseException as err:  # noqa: BLE001 - handed to the parent, which raises it
        failure = err
    try:
        send.send(failure)
    except Exception:  # noqa: BLE001 - an error that cannot be pickled
        send.send(RuntimeError(f"{type(failure).__name__}: {failure}"))
    send.close()
