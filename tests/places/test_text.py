"""Hand-worked cases of issues 17 and 19: variants, Khmer slips, abbreviations, districts first,
conflicts, messages with province names, district codes (codes from the MEF lists)."""
from __future__ import annotations

import pytest

from coverage.places import clean_khmer, normalise_code, resolve_place, variant_key


@pytest.mark.parametrize("text,code,district", [
    ("Koh Sotin", "03", "0308"), ("Kaoh Soutin", "03", "0308"), ("Stung Trang", "03", "0315"),
    ("Stueng Trang", "03", "0315"), ("Soutr Nikom", "17", "1711"), ("Puok", "17", "1707"),
    ("Prey Chhor", "03", "0313"), ("Chamkar Leu", "03", "0302"), ("ពួក", "17", "1707"),
    ("លំំផាត់", "16", None), ("សូទ្រនីគម", "17", "1711"), ("ស្ទឹងត្រង់", "03", "0315"),
])
def test_district_names(text, code, district):
    r = resolve_place(text)
    assert r.provinces == (code,) and not r.unresolved
    if district:
        assert r.matches[0].district_code == district


def test_fuzzy_never_beats_a_district():
    assert resolve_place("Stung Trang, Kampong Cham").provinces == ("03",)
    r = resolve_place("Stung Trang")
    assert r.matches[0].method == "place" and "Stueng Trang" in r.notes[0]


def test_district_first_note_and_context():
    r = resolve_place("Prey Chhor")
    assert "district of Kampong Cham (03)" in r.notes[0] and "Prey Veng (14)" in r.notes[0]
    assert resolve_place("Prey Chhor, Prey Veng").provinces == ("14",)  # the commune the text means


def test_conflict_reported_not_served_twice():
    r = resolve_place("Puok, Kampong Cham")
    assert r.provinces == ("17",)
    assert r.unresolved[0].fragment == "Kampong Cham" and "Siem Reap (17)" in r.unresolved[0].reason


@pytest.mark.parametrize("text,codes", [
    ("Kg. Cham", ("03",)), ("Kg.Thom", ("06",)), ("K. Cham", ("03",)), ("B. Meanchey", ("01",)),
    ("S. Reap", ("17",)), ("Pr. Vihear", ("13",)), ("Bat.", ("02",)), ("K. Kong", ("09",)),
    ("Siem  Reap", ("17",)), ("Kampong   Thom", ("06",)),
])
def test_dotted_abbreviations(text, codes):
    assert resolve_place(text).provinces == codes


@pytest.mark.parametrize("text,code", [  # issue 17: spaced variants of the full stop
    ("Kg . Cham", "03"), ("K . Cham", "03"), ("Kg . Thom", "06"), ("B . Meanchey", "01"),
    ("S . Reap", "17"), ("Pr . Vihear", "13"), ("Bat .", "02"), ("Kg . Chnang", "04"),
    ("Bat. Dambang", "02"), ("Bat . Dambang", "02"), ("Bat.Dambang", "02"),  # Batdambang in two
])
def test_spaced_dotted_abbreviations(text, code):
    r = resolve_place(text)
    assert r.provinces == (code,) and not r.unresolved and not r.notes


@pytest.mark.parametrize("text", ["Kg . Chan", "K . Siem", "St . Peter", "K . Meanchey"])
def test_spaced_abbreviations_never_guess(text):
    assert resolve_place(text).provinces == ()


def test_abbreviation_fragments_as_written():
    r = resolve_place("B. Meanchey, Kg.Chhnang, Kg . Cham, Bat. Dambang, Bat.")
    assert [(m.fragment, m.code) for m in r.matches] == [
        ("B. Meanchey", "01"), ("Kg.Chhnang", "04"), ("Kg . Cham", "03"), ("Bat. Dambang", "02"),
        ("Bat.", "02")]
    (u,) = resolve_place("Puok (Kg.Cham)").unresolved  # a reason quotes the fragment as written
    assert u.fragment == "Kg.Cham" and u.reason == "contradicts 'Puok' (Siem Reap (17))"
    assert resolve_place("Puok (Kg.Cham)").notes == (
        "'Puok' is in Siem Reap (17); the text says Kampong Cham (03); kept Siem Reap",)


def test_messages_name_provinces():
    (u,) = resolve_place("Samraong").unresolved
    assert "Banteay Meanchey (01)" in u.reason and "Takeo (21)" in u.reason
    assert "Meanchey" in resolve_place("Meanchey").unresolved[0].fragment  # a cut province name


def test_khmer_slips_and_variants():
    assert clean_khmer("លំំផាត់") == "លំផាត់"
    assert clean_khmer("ក\u200bំពត") == "កំពត"
    assert variant_key("Koh Sotin") == variant_key("Kaoh Soutin")
    assert variant_key("Stung Trang") != variant_key("Stung Treng")


@pytest.mark.parametrize("value,code", [
    (3, "03"), (3.0, "03"), ("03", "03"), (" 3 ", "03"), ("KH-3", "03"), ("3.0", "03"), ("KH03", "03"),
    (26, None), (0, None), (2.5, None), (float("nan"), None), (None, None), (True, None), ("Kandal", None),
])
def test_normalise_code(value, code):
    assert normalise_code(value) == code
