"""The notebooks run top to bottom on a fresh kernel, and are committed without outputs."""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

import coverage

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["01_quickstart.ipynb", "02_underserved_provinces.ipynb", "03_your_own_data.ipynb"]


def test_the_three_notebooks_are_there():
    if not NOTEBOOKS.is_dir():
        pytest.skip("notebooks/ is not part of this installation")
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    path = NOTEBOOKS / name
    if not path.is_file():
        pytest.skip("notebooks/ is not part of this installation")
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert nb.cells[0].cell_type == "markdown"


@pytest.fixture(scope="module")
def executed():
    """The three notebooks, each run on its own fresh kernel, the kernels side by side."""
    if not NOTEBOOKS.is_dir():
        pytest.skip("notebooks/ is not part of this installation")
    env = {"MPLBACKEND": "module://matplotlib_inline.backend_inline",
           # the kernels import the same `coverage` as these tests (installed or a checkout)
           "PYTHONPATH": os.pathsep.join(filter(None, [
               str(Path(coverage.__file__).resolve().parent.parent),
               os.environ.get("PYTHONPATH")]))}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        books = {name: nbformat.read(NOTEBOOKS / name, as_version=4) for name in NAMES}
        clients = [nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                           resources={"metadata": {"path": str(NOTEBOOKS)}})
                   for nb in books.values()]

        async def run_all():
            # raises CellExecutionError on any error in any notebook
            await asyncio.gather(*(c.async_execute() for c in clients))

        asyncio.run(run_all())
    return books


@pytest.mark.parametrize("name", NAMES)
def test_runs_top_to_bottom(name, executed):
    nb = executed[name]
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, "the notebook shows at least one map"
