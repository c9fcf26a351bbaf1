"""Shared test fixtures.

``../shared`` (read-only reference material beside the repository) is found relative to
the repository, never by an absolute path. Tests that need it skip, saying what is missing
and why, when it is absent (for example when the tests run from an unpacked sdist).
"""
from __future__ import annotations

import signal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(relative: str) -> Path:
    """The path of ``relative`` under ``../shared``; skips the calling test when absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"reference file ../shared/{relative} is absent (it sits beside the "
                    f"repository, not in it); this test checks the code against it")
    return path


@pytest.fixture
def shared():
    """``shared("data/boundaries/x.geojson")`` -> Path, or skip with the reason."""
    return shared_path


@pytest.fixture(autouse=True, scope="session")
def ctrl_c_reaches_the_tests():
    """Ctrl-C as an interactive shell delivers it.

    A shell without job control starts a background job with SIGINT ignored (``cmd &`` in
    a script), and the command keeps a signal its caller ignores ignored, so the tests that
    send Ctrl-C (in this process or in a ``kh-coverage`` they start) would see nothing
    happen. Python's own handler is put back for the session; it is reset to the default
    in any program the tests start.
    """
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    if ignored:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
