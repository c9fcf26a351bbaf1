"""The package surface: lazy public API, import cost, and the coverage.py clash guard."""
from __future__ import annotations

import importlib
import subprocess
import sys
import warnings
from importlib import metadata

import pytest

import coverage
import kh_coverage_main


def test_every_public_name_resolves():
    for name in coverage.__all__:
        assert getattr(coverage, name) is not None, name


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        coverage.nope  # noqa: B018


def test_import_does_not_pull_in_plotting():
    code = "import sys, coverage; print(sorted(m for m in ('matplotlib', 'folium', 'geopandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_this_environment_has_no_coverage_py():
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.distribution("coverage")


def _pretend_coverage_py_is_installed(monkeypatch, tmp_path):
    """A folder on sys.path holding coverage.py's metadata, as pip leaves it."""
    (tmp_path / "coverage-7.6.1.dist-info").mkdir()
    (tmp_path / "coverage-7.6.1.dist-info" / "METADATA").write_text("Name: coverage\n")
    monkeypatch.syspath_prepend(str(tmp_path))


def test_clash_check_agrees_with_importlib_metadata(monkeypatch, tmp_path):
    from coverage.clash import coverage_py_installed

    def metadata_says():
        try:
            metadata.distribution("coverage")
        except metadata.PackageNotFoundError:
            return False
        return True

    assert coverage_py_installed() is metadata_says() is False
    _pretend_coverage_py_is_installed(monkeypatch, tmp_path)
    assert coverage_py_installed() is metadata_says() is True
    ours = tmp_path / "ours"
    (ours / "kh_coverage-0.1.0.dist-info").mkdir(parents=True)       # our own never counts
    (ours / "coverage").mkdir()
    assert coverage_py_installed([str(ours)]) is False
    assert coverage_py_installed([str(tmp_path)]) is True


def test_clash_warns_at_import(monkeypatch, tmp_path):
    _pretend_coverage_py_is_installed(monkeypatch, tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        importlib.reload(coverage)
    monkeypatch.undo()
    importlib.reload(coverage)
    messages = [str(w.message) for w in caught]
    assert any("coverage.py" in m and "virtual environment" in m for m in messages)


def test_clash_stops_the_command_with_an_explanation(monkeypatch, capsys, tmp_path):
    _pretend_coverage_py_is_installed(monkeypatch, tmp_path)
    assert kh_coverage_main.main() == 2
    err = capsys.readouterr().err
    assert "coverage.py" in err and "own virtual environment" in err


def test_wrong_coverage_package_is_explained(monkeypatch, capsys):
    fake = type(sys)("coverage")  # what coverage.py's package looks like to us: no analyze
    monkeypatch.setitem(sys.modules, "coverage", fake)
    monkeypatch.setitem(sys.modules, "coverage.cli", type(sys)("coverage.cli"))
    assert kh_coverage_main.main() == 2
    assert "same import name" in capsys.readouterr().err
