"""The command's maps in two processes (coverage.drawing): the same files as one process
writes, and an interrupt or a failure in either process ends the run cleanly.

These run the command in fresh processes: pytest-xdist workers have threads, and the
command forks only a single-threaded process.
"""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coverage.drawing import cpus
from coverage.interrupts import INTERRUPTED
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or cpus() < 2,
                                reason="the command forks only on Linux with two CPUs")

FORKED = "of 14 maps in a second process"


def _command(out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(REPO / "kh_coverage_main.py"), "run", "--out", str(out),
            "--formats", "png", *extra]


def _one_cpu() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".kh-coverage-files.json"}


def _left_behind(marker: str) -> list[int]:
    """Processes whose command line holds ``marker`` (a forked child keeps its parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_two_processes_write_the_bytes_one_process_writes(tmp_path):
    two = subprocess.run(_command(tmp_path / "two", "-v"), capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    one = subprocess.run(_command(tmp_path / "one", "-v"), capture_output=True, text=True,
                         cwd=tmp_path, timeout=120, preexec_fn=_one_cpu)
    assert two.returncode == one.returncode == 0, two.stderr + one.stderr
    assert FORKED in two.stderr and FORKED not in one.stderr
    files = _digests(tmp_path / "two")
    assert len([f for f in files if f.startswith("maps/")]) == 14
    assert files == _digests(tmp_path / "one")


@pytest.mark.parametrize("how", ["SIGTERM to the command", "Ctrl-C to the process group"])
def test_an_interrupt_while_both_draw_stops_both_and_writes_nothing(tmp_path, how):
    # not -v: with it, an interrupt that matplotlib turned into another error ("Invalid
    # bounding box" from Agg) is logged with its traceback on purpose
    out = tmp_path / "out"
    proc = subprocess.Popen(_command(out), stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while len(_left_behind(str(out))) < 2:          # until the child has been forked
        assert proc.poll() is None and time.monotonic() < deadline, "no child was forked"
        time.sleep(0.02)
    time.sleep(0.3)                                 # both are drawing now
    if how.startswith("SIGTERM"):
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, err
    assert err.strip().splitlines() == [INTERRUPTED]
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == []
    deadline = time.monotonic() + 5
    while _left_behind(str(out)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _left_behind(str(out)) == []


CHILD_FAILS = """
import os, signal, sys
from coverage.drawing import _with_child

def fail():
    raise OSError(28, "No space left on device")

def killed():
    os.kill(os.getpid(), signal.SIGKILL)

for there in (fail, killed):
    err = _with_child(lambda: None, there, "the gap maps")
    print(type(err).__name__, err)
"""


def test_a_failure_in_the_child_comes_back_to_the_command():
    proc = subprocess.run([sys.executable, "-c", CHILD_FAILS], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "OSError [Errno 28] No space left on device",
        f"RuntimeError the process writing the gap maps stopped (exit code {-signal.SIGKILL})"]
