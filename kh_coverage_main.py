"""Entry point of the `kh-coverage` command, kept outside the `coverage` package.

coverage.py (the test-coverage tool) installs a package also called `coverage`.
Where both are installed, `import coverage` may find coverage.py, and the command
would fail with an obscure error; after `pip uninstall coverage`, files both
distributions share are gone and kh-coverage is broken. This launcher checks first
and says what to do.
"""
from __future__ import annotations

import gc
import signal
import sys

REINSTALL = "pip install --force-reinstall kh-coverage"
CLASH = (
    "kh-coverage: coverage.py (the test-coverage tool) is installed in this environment "
    "and uses the same import name, `coverage`. Install kh-coverage in its own virtual "
    "environment (python3 -m venv .venv && .venv/bin/pip install kh-coverage) and keep "
    f"coverage.py and pytest-cov out of it; if you have just uninstalled coverage.py, run "
    f"`{REINSTALL}`."
)
BROKEN = (
    "kh-coverage: `import coverage` did not find kh-coverage's package. coverage.py (the "
    "test-coverage tool) uses the same import name, and `pip uninstall coverage` removes "
    f"files both share. Run `{REINSTALL}` (best in a virtual environment of its own)."
)


def _coverage_py_installed() -> bool:
    try:
        from coverage.clash import coverage_py_installed
    except ImportError:      # kh-coverage's files are gone: main() says to reinstall
        return False
    return coverage_py_installed()


#: As ``coverage.cli`` prints it (the package may not be imported yet when this is printed).
INTERRUPTED = "kh-coverage: interrupted; nothing was changed or the output is complete"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    """Check the installation, then run the command (SIGTERM and Ctrl-C while the
    package is imported print one line and exit 130, like the command itself)."""
    term = signal.getsignal(signal.SIGTERM)
    if term == signal.SIG_DFL:           # not when the caller chose to ignore it
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        try:
            import coverage
            from coverage.cli import main as cli_main
        except ImportError:
            cli_main = None
            coverage = None
        if _coverage_py_installed():
            print(CLASH, file=sys.stderr)
            return 2
        if cli_main is None or not hasattr(coverage, "analyze"):
            print(BROKEN, file=sys.stderr)
            return 2
        code = cli_main()
        # The process ends next: let its last garbage collection skip the objects it
        # holds (about 0.15 s of a 2 s run went on collecting them at exit).
        gc.freeze()
        return code
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    finally:
        if term == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, term)


if __name__ == "__main__":
    sys.exit(main())
