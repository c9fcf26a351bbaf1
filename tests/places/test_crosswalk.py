"""The MEF 2025 district codes matched to the 2014 district layer (``district_crosswalk.csv``)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from coverage.boundaries import load_districts
from coverage.places.tables import layer_district

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "coverage" / "data" / "district_crosswalk.csv"


def test_rebuild_gives_the_committed_table():
    tool = ROOT / "tools" / "build_district_crosswalk.py"
    if not tool.is_file():
        pytest.skip("tools/ is not in this copy (an installed wheel): the rebuild needs it")
    spec = importlib.util.spec_from_file_location("crosswalk", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = pd.read_csv(TABLE, dtype=str, keep_default_na=False)
    assert module.crosswalk().astype(str).replace("nan", "").equals(committed)


def test_each_match_stays_in_its_province_and_is_one_to_one():
    table = pd.read_csv(TABLE, dtype=str, keep_default_na=False)
    layer = load_districts("2013").set_index("code")
    assert table["district_code"].is_unique and table["mef_code"].is_unique
    # Tbong Khmum's MEF codes are 25xx; everywhere the first two digits are the province
    assert (table["mef_code"].str[:2] == layer.loc[table["district_code"], "province_code"]
            .to_numpy()).all()


@pytest.mark.parametrize("mef, district, name", [
    ("2201", "22-01", "Anlong Veaeng"),   # census code
    ("2503", "25-03", "Memot"),           # "Memut" in the MEF list: similar spelling
    ("1006", "10-01", "Chetr Borei"),     # "Chet Borei"
])
def test_hand_checked_pairs(mef, district, name):
    assert layer_district(mef) == district
    assert load_districts("2013").set_index("code").loc[district, "name"] == name
