"""The package's layers, checked on its source: data flow one way, no cycles, small modules.

Each module belongs to a layer (docs/architecture.md); a module may import only from its
own layer or lower ones, wherever the import sits (top level or inside a function), so
no import runs against the flow records → places → scores → maps and report. The one
exception is documented: ``CoverageResult``'s thin convenience methods hand off to
``coverage.maps`` (as ``GeoDataFrame.plot`` does in geopandas).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import coverage

PACKAGE = Path(coverage.__file__).parent
LAYERS = [
    ("errors", "settings", "sources", "taxonomy", "clash"),
    ("gazetteer", "places"),
    ("boundaries",),
    ("records",),
    ("scores",),
    ("maps",),
    ("report",),
    ("outputs", "csvfile"),
    ("cli", "console", "interrupts", "drawing"),
]
#: (importing module, imported top-level part): allowed upward imports, inside functions only.
HAND_OFFS = {("scores.result", "maps")}
MAX_LINES = 420


def _layer(part: str) -> int:
    for i, names in enumerate(LAYERS):
        if part in names:
            return i
    raise AssertionError(f"module coverage.{part} has no layer: add it to LAYERS and "
                         "docs/architecture.md")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        if parts:
            out[".".join(parts)] = path
    return out


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module inside coverage, at top level?) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(n) for n in tree.body}
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}".removeprefix(
                "coverage.") in MODULE_NAMES else node.module for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name.startswith("coverage."):
                found.append((name.removeprefix("coverage."), id(node) in top))
    return found


MODULES = _modules()
MODULE_NAMES = set(MODULES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_flow(module):
    own = _layer(module.split(".")[0])
    for target, at_top in _imports(MODULES[module]):
        part = target.split(".")[0]
        if _layer(part) <= own:
            continue
        allowed = any(module == m and part == p for m, p in HAND_OFFS)
        assert allowed and not at_top, f"coverage.{module} imports coverage.{target} (a higher layer)"


def test_no_import_cycle_between_modules():
    graph = {m: {t for t, top in _imports(p) if top} for m, p in MODULES.items()}

    def resolve(target):  # "records" -> "records" (package init) or the module itself
        return target if target in graph else None

    seen, stack = set(), []

    def visit(m):
        if m in stack:
            raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(m):] + [m]))
        if m in seen:
            return
        stack.append(m)
        for t in graph[m]:
            if resolve(t):
                visit(t)
        stack.pop()
        seen.add(m)

    for m in graph:
        visit(m)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"coverage.{module} has {lines} lines: split it by concern"


def test_the_checker_catches_an_upward_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("def f():\n    from coverage.report import write_report\n")
    assert _imports(bad) == [("report", False)]
    assert _layer("report") > _layer("records")
