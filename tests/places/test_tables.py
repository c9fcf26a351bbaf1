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


def test_packed_index_round_trips_every_hit():
    """The shipped index stores each hit as one tab-separated string; unpacking must give
    back exactly the hit the tables build (the oracle is the in-memory build, not the file)."""
    from coverage.places import tables
    from coverage.places.tables import PlaceHit, _pack, _unpack
    hits = [*tables._index(list(places()["key"])).values(), *tables._variant_index().values()]
    assert len(hits) > 6000
    for hit in hits:
        assert _unpack(_pack(hit)) == hit
    empty = PlaceHit("Nowhere", (), None, (), "", "")
    assert _unpack(_pack(empty)) == empty
    with pytest.raises(ValueError, match="tab"):
        _pack(PlaceHit("A\tB", ("01",), "01", (("01", None),), "", ""))


def test_shipped_index_matches_the_build():
    import json
    from importlib import resources
    from coverage.places.tables import INDEX_FILE, build_index
    shipped = json.loads((resources.files("coverage") / "data" / INDEX_FILE).read_text("utf-8"))
    assert shipped == build_index()
