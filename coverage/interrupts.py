"""Ctrl-C and SIGTERM while ``kh-coverage`` runs: both raise ``KeyboardInterrupt``, so
the same clean-up happens, and both are recorded, so an interrupt swallowed on its way still
stops the run before its output is moved into place.

Examples
--------
>>> with term_interrupts():
...     interrupted.is_set()
False
"""
from __future__ import annotations

import contextlib
import signal
import sys
import threading
from typing import Iterator

__all__ = ["INTERRUPTED", "interrupted", "term_interrupts"]

#: The one line an interrupted command prints (also in ``kh_coverage_main``).
INTERRUPTED = "kh-coverage: interrupted; nothing was changed or the output is complete"
#: Set by an interrupt, so one swallowed on its way (in a ``__del__`` or weakref callback,
#: where Python only prints "Exception ignored") still stops the run before its output
#: is moved into place.
interrupted = threading.Event()


def _raise_interrupt(signum: int, frame: object) -> None:
    """Record the interrupt and raise ``KeyboardInterrupt`` (the signal handler)."""
    interrupted.set()
    raise KeyboardInterrupt


def _unraisable(hook):
    """``sys.unraisablehook`` that stays silent about an interrupt (already recorded)."""
    def quiet(info) -> None:
        if not isinstance(info.exc_value, KeyboardInterrupt):
            hook(info)
    return quiet


@contextlib.contextmanager
def term_interrupts() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while the command runs, so the same clean-up happens.

    Both are recorded in :data:`interrupted` as well as raised: an interrupt that lands
    in a ``__del__`` or weakref callback is swallowed by Python (and printed as
    "Exception ignored"); the flag still stops the run before its output is moved into
    place, and nothing is printed. A signal the caller set to be ignored stays ignored.
    """
    if sys.platform == "win32" or threading.current_thread() is not threading.main_thread():
        yield
        return
    interrupted.clear()
    old = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    for s, handler in old.items():
        if handler != signal.SIG_IGN:
            signal.signal(s, _raise_interrupt)
    hook, sys.unraisablehook = sys.unraisablehook, _unraisable(sys.unraisablehook)
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for s, handler in old.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
