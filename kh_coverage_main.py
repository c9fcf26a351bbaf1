"""Entry point of the `kh-coverage` command, kept outside the `coverage` package.

coverage.py (the test-coverage tool) installs a package also called `coverage`.
Where both are installed, `import coverage` may find coverage.py, and the command
would fail with an obscure error. This launcher checks first and explains.
"""
from __future__ import annotations

import sys

CLASH = (
    "kh-coverage: coverage.py (the test-coverage tool) is installed in this environment "
    "and uses the same import name, `coverage`. Install kh-coverage in its own virtual "
    "environment (python3 -m venv .venv && .venv/bin/pip install kh-coverage) and keep "
    "coverage.py and pytest-cov out of it."
)


def main() -> int:
    try:
        import coverage
        from coverage.cli import main as cli_main
    except ImportError:
        print(CLASH, file=sys.stderr)
        return 2
    if not hasattr(coverage, "analyze") or coverage._coverage_py_installed():
        print(CLASH, file=sys.stderr)
        return 2
    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
