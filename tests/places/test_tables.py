"""coverage.places.tables: the alias table, the vendored MEF lists and the places table."""
from __future__ import annotations

import pytest

from coverage.places import aliases, places


def test_alias_table():
    a = aliases()
    assert list(a.columns) == ["alias", "code", "kind", "note", "district_code"]
    assert set(a["kind"]) == {"abbreviation", "spelling", "former_name", "khmer", "place"}
    for abbr in ["BTB", "BB", "SRP", "SR", "BMC", "PP", "PNP", "PnP", "PNH", "KKg", "KK", "KSP", "KPT",
                 "STG", "KTM", "SVR", "KCM", "KCN", "PS", "PSHN", "ODMC", "PVH"]:
        assert abbr in set(a["alias"]), abbr
    assert not a["alias"].duplicated().any()


def test_places_table():
    p = places()
    assert list(p.columns) == ["key", "name", "level", "code", "source", "district_code"]
    assert {"district", "commune", "town"} == set(p["level"])
    assert not p.duplicated(["key", "code", "level", "district_code"]).any()
    assert p.loc[p["name"] == "Paoy Paet", "code"].unique().tolist() == ["01"]
    latin = p[~p["key"].str.contains("[\u1780-\u17FF]") & p["level"].ne("district")]
    assert latin["key"].map(len).ge(5).all()  # no 2-4 letter place names: too easy to hit by chance


def test_no_phone_numbers_in_data():
    import re
    from importlib import resources
    text = (resources.files("coverage") / "data" / "aliases.csv").read_text(encoding="utf-8")
    assert not re.search(r"\d{2,3}[ -]?\d{3}[ -]?\d{3}", text)
