"""resolve_place on the forum report's own cells and on adversarial strings (hand-worked)."""
from __future__ import annotations

import pytest

from coverage.places import (Match, Resolution, Unplaced, aliases, places,
                             province_code, province_name, provinces, resolve_place,
                             to_frame)
from coverage.settings import FRAMES

ALL = tuple(f"{n:02d}" for n in range(1, 26))
ALL_2010 = ALL[:24]
NW = "nationwide"

# Area cells of the report's annex ("District (Capital/Province)" column), with the
# provinces a careful reader gives. NW = nationwide claim (all provinces of the frame).
# (text, expected codes on the 2013 frame, nationwide)
REPORT = [
    ("Work over 24 capital/provinces", ALL, True),
    ("Work in 10 capital/provinces such as Svay Rieng, Banteay Meanchey, Koh Kong, Kampong Thom, "
     "Kampot, Siem Reap, Steung Treng, Phnom Penh, Kampong Speu and Battambang.",
     ("01", "02", "05", "06", "07", "09", "12", "17", "19", "20"), False),
    ("Districts of Kamrieng and Battambang of Battambang province", ("02",), False),
    ("Work in 5 provinces such as Battambang, Pailin, Banteay Meanchey, Svay Rieng and Preah Sihanouk.",
     ("01", "02", "18", "20", "24"), False),
    ("Work in 3 provinces: Siem Reap, Battambang and Banteay Meanchey.", ("01", "02", "17"), False),
    ("5 provinces: BTB, Pailin, BMC, SVR and Preah Sihanouk", ("01", "02", "18", "20", "24"), False),
    ("Takeo", ("21",), False),
    ("Phnom Penh", ("12",), False),
    ("Siem Reap, Phnom Penh and Kampong Cham", ("03", "12", "17"), False),
    ("BTB, SRP and BMC", ("01", "02", "17"), False),
    ("Kampong Cham, SRP and PP", ("03", "12", "17"), False),
    ("Poipet and BMC province", ("01",), False),
    ("Veal vong district, Kampong Cham province", ("03",), False),
    ("Veal vong district, Kampong Cham", ("03",), False),
    ("PP (shelters client)", ("12",), False),
    ("SRP town and PP", ("12", "17"), False),
    ("PP,Svay Reang, BMC, KKg, BTB, KSP, SRP, KPT, STG, KTM",
     ("01", "02", "05", "06", "07", "09", "12", "17", "19", "20"), False),
    ("PNP", ("12",), False),
    ("SRP town PnP", ("12", "17"), False),
    ("SRP town", ("17",), False),
    ("PnP", ("12",), False),
    ("1- Takhmao town (Kandal province); 2- Kg Speu", ("05", "08"), False),
    ("-Takeo -Kg Chnang -Pursat", ("04", "15", "21"), False),
    ("24 city/provinces", ALL, True),
    ("Whole BB province", ("02",), False),
    ("Poipet (BMC province)", ("01",), False),
    ("Whole Kompongcham, Kompong Chnang, Rattanakiry, Prey Veng, and Kratie",
     ("03", "04", "10", "14", "16"), False),
    ("Centers: Phnom Penh & Siem Reap Target: 24 capital/provinces", ALL, True),
    ("5 province: Kandal/PP, Koh Kong, Svay Rieng, and Prey Veng", ("08", "09", "12", "14", "20"), False),
    ("Two centers in PP", ("12",), False),
    ("24 capital/provinces", ALL, True),
    ("BTB, SR", ("02", "17"), False),
    ("PNH- SRP", ("12", "17"), False),
    ("Center in PP and covers 24 capital/provinces", ALL, True),
    ("3 shelters (in Kandal and Koh Kong) and covers five provinces Kandal, PP, Koh Kong, Svay Rieng "
     "and Prey Veng.", ("08", "09", "12", "14", "20"), False),
    ("BB and SRP", ("02", "17"), False),
    ("PP", ("12",), False),
    ("Battambang & Siem Reap", ("02", "17"), False),
    ("Kampong Thom, PP", ("06", "12"), False),
    ("PP/", ("12",), False),
    ("PP, Preah Sihanouk", ("12", "18"), False),
    ("PP & Kampong Thom", ("06", "12"), False),
    ("Kandal & Battambang Provinces", ("02", "08"), False),
    ("Pailin", ("24",), False),
    ("PP and 12 provinces", ("12",), False),
    ("Battambang", ("02",), False),
    ("PP, Poipet (BMC), Neak Loeung (Kandal)", ("01", "12", "14"), False),
    ("BMC, SRP, ODMC, Takeo, Kandal, Kg Speu, Kg Chhnang, PVH, and PP",
     ("01", "04", "05", "08", "12", "13", "17", "21", "22"), False),
    ("12 capital/provinces: PP, KSP, KK, PSHN, KCM, PS, BTB, BMC, SRP, KTM, KCN, and KPT",
     ("01", "02", "03", "04", "05", "06", "07", "09", "12", "15", "17", "18"), False),
    ("Pursat", ("15",), False),
    ("BMC, PP, SRP, BTB", ("01", "02", "12", "17"), False),
    ("BTB, SRP", ("02", "17"), False),
    ("PNH, Poi Pet, BMC", ("01", "12"), False),
    ("PNH, BTB, SRP BMC and other provinces", ("01", "02", "12", "17"), False),
    ("PNH, BTB, SRP, BMC and other provinces", ("01", "02", "12", "17"), False),
    ("BTB", ("02",), False),
    ("24 Provinces", ALL, True),
    ("24 provinces", ALL, True),
    ("Kandal", ("08",), False),
    ("Kampong Thom", ("06",), False),
    ("Svay Rieng", ("20",), False),
    ("Koh Kong", ("09",), False),
    ("Kampong Cham", ("03",), False),
    ("Preah Sihanouk", ("18",), False),
    ("Target: 24 capital/provinces", ALL, True),
]

# Strings that must abstain or resolve exactly: (text, frame, codes, nationwide, unresolved reason
# substring or None).
ADVERSARIAL = [
    ("BTB", "2013", ("02",), False, None),                       # never Tbong Khmum (25)
    ("TBK", "2013", ("25",), False, None),
    ("Kompong Som", "2013", ("18",), False, None),               # never Kampong Thom (06)
    ("Siem Reap & Odar Meanchey", "2013", ("17", "22"), False, None),  # not Siem Reap's "Meanchey"
    ("Siem Reap & Meanchey", "2013", ("17",), False, "several provinces"),  # in 7 provinces: abstains
    ("Kampong Som", "2013", ("18",), False, None),
    ("Sihanoukville", "2013", ("18",), False, None),
    ("KK, PP", "2013", ("09", "12"), False, None),               # KK in a list of places = Koh Kong
    ("PS, PSHN", "2013", ("15", "18"), False, None),             # LICADHO: PS Pursat, PSHN Sihanouk
    ("PVH", "2013", ("13",), False, None),
    ("other provinces", "2013", (), False, "unnamed provinces"),
    ("and other provinces", "2013", (), False, "unnamed provinces"),
    ("12 provinces", "2013", (), False, "count without names"),
    ("provinces", "2013", (), False, "no place named"),
    ("Kampong", "2013", (), False, "ambiguous"),
    ("Kg", "2013", (), False, "ambiguous"),
    ("Samraong", "2013", (), False, "several provinces"),        # MEF commune name in 9 provinces
    ("Veal Vong", "2013", (), False, "several provinces"),       # Kampong Cham and Phnom Penh
    ("Batambang", "2013", ("02",), False, None),
    ("Siem Riep", "2013", ("17",), False, None),
    ("Kampong Chan", "2013", (), False, "unclear"),              # Cham or Chhnang: no guess
    ("hello world", "2013", (), False, "not a place"),
    ("Referral from NGOs", "2013", (), False, "not a place"),
    ("", "2013", (), False, "no place given"),
    ("   ", "2013", (), False, "no place given"),
    ("ខេត្តសៀមរាប និង ភ្នំពេញ", "2013", ("12", "17"), False, None),
    ("រាជធានីភ្នំពេញ", "2013", ("12",), False, None),
    ("កណ្តាល", "2013", ("08",), False, None),                    # coeng ta spelling
    ("Tbong Khmum", "2010", ("03",), False, None),
    ("Tbong Khmum", "2013", ("25",), False, None),
    ("Kampong Cham", "2013", ("03",), False, None),
    ("24 capital/provinces", "2010", ALL_2010, True, None),
    ("whole country", "2013", ALL, True, None),
    ("nationwide", "2010", ALL_2010, True, None),
    ("all provinces", "2013", ALL, True, None),
    ("25 provinces", "2013", ALL, True, None),
    ("Bavet", "2013", ("20",), False, None),
    ("Ta Khmau", "2013", ("08",), False, None),
    ("Neak Leung", "2013", ("14",), False, None),
    ("Kam", "2013", (), False, "not a place"),                   # Natural Earth's truncation: layers only
    ("12", "2013", (), False, "no place named"),                 # a number is not a province code here
    ("Siem Reap " * 400, "2013", ("17",), False, None),
    ("Kâmpóng Spœ; Krâchéh; Rôtânôkiri", "2013", ("05", "10", "16"), False, None),
    ("PHNOM PENH", "2013", ("12",), False, None),
    ("Kompongcham", "2013", ("03",), False, None),
]


@pytest.mark.parametrize("text,codes,nationwide", REPORT, ids=[t[:40] for t, _, _ in REPORT])
def test_report_cells(text, codes, nationwide):
    r = resolve_place(text)
    assert r.provinces == codes
    assert r.nationwide is nationwide


def test_report_table_is_large_and_distinct():
    assert len({t for t, _, _ in REPORT}) >= 60


@pytest.mark.parametrize("text,frame,codes,nationwide,reason", ADVERSARIAL,
                         ids=[f"{t[:30]}-{f}" for t, f, *_ in ADVERSARIAL])
def test_adversarial(text, frame, codes, nationwide, reason):
    r = resolve_place(text, frame)
    assert r.provinces == codes
    assert r.nationwide is nationwide
    if reason is None:
        assert not any("several" in u.reason or "ambiguous" in u.reason for u in r.unresolved)
    else:
        assert any(reason in u.reason for u in r.unresolved), r.unresolved


def test_adversarial_table_is_large():
    assert len(ADVERSARIAL) >= 25


@pytest.mark.parametrize("text,code,score", [("Batambang", "02", 94.7), ("Siem Riep", "17", 88.9),
                                             ("Battambong", "02", 90.0)])
def test_fuzzy_records_score(text, code, score):
    (m,) = resolve_place(text).matches
    assert (m.code, m.method, m.score) == (code, "fuzzy", score)


@pytest.mark.parametrize("text", ["KSP", "BTB", "PP", "KK", "SR", "Kam", "Kg"])
def test_fuzzy_never_for_short_fragments(text):
    assert all(m.method != "fuzzy" for m in resolve_place(text).matches)


def test_methods():
    r = resolve_place("Kandal, PP, Poipet, Kompong Cham, Batambang")
    assert [(m.code, m.method) for m in r.matches] == [
        ("08", "exact"), ("12", "alias"), ("01", "place"), ("03", "alias"), ("02", "fuzzy")]


def test_mixed_named_and_nationwide():
    r = resolve_place("Centers: Phnom Penh & Siem Reap Target: 24 capital/provinces")
    assert r.nationwide and r.provinces == ALL
    assert r.named == ("12", "17")
    assert {m.code for m in r.matches if m.method == "nationwide"} == set(ALL)
    assert resolve_place("24 capital/provinces").named == ()


def test_neak_loeung_contradiction_is_noted():
    r = resolve_place("PP, Poipet (BMC), Neak Loeung (Kandal)")
    assert r.provinces == ("01", "12", "14")
    assert len(r.notes) == 1 and "Kandal" in r.notes[0] and "Prey Veng" in r.notes[0]
    assert [u.fragment for u in r.unresolved] == ["Kandal"]


def test_agreeing_parenthesis_has_no_note():
    assert resolve_place("Poipet (BMC)").notes == ()
    assert resolve_place("1- Takhmao town (Kandal province); 2- Kg Speu").notes == ()


@pytest.mark.parametrize("text,n_notes", [
    ("12 capital/provinces: PP, KSP, KK, PSHN, KCM, PS, BTB, BMC, SRP, KTM, KCN, and KPT", 0),
    ("5 province: Kandal/PP, Koh Kong, Svay Rieng, and Prey Veng", 0),
    ("Work in 10 capital/provinces such as Svay Rieng, Banteay Meanchey,", 1),
    ("3 provinces: PP, BTB", 1),
])
def test_count_versus_names(text, n_notes):
    assert len(resolve_place(text).notes) == n_notes


def test_ambiguous_place_kept_when_province_named():
    r = resolve_place("Veal vong district, Kampong Cham province")
    assert r.provinces == ("03",) and "Veal vong" in r.notes[0]
    assert resolve_place("Samraong, Takeo").provinces == ("21",)


def test_a_province_qualifying_a_place_is_not_a_claim_of_its_own():
    """"Samraong, Takeo" names one district of Takeo (MEF 2107), not the whole province:
    at district level the rest of Takeo must not get the province weight from it."""
    for text in ("Samraong, Takeo", "Samraong (Takeo)", "Samraong district, Takeo province"):
        r = resolve_place(text)
        assert [(m.fragment, m.code, m.district_code) for m in r.matches] == [
            ("Samraong", "21", "2107")], text
    r = resolve_place("Poipet (BMC)")
    assert [(m.code, m.district_code) for m in r.matches] == [("01", "0110")]
    # a province named on its own beside a district still claims the whole province
    r = resolve_place("Kampong Cham, Batheay")
    assert [(m.fragment, m.district_code) for m in r.matches] == [("Kampong Cham", None),
                                                                  ("Batheay", "0301")]


def test_a_2010_province_qualifies_its_2013_part():
    """Memot (MEF 2503) has been in Tbong Khmum since 2013; "Memot, Kampong Cham" is how a
    sheet of 2010 writes it: no contradiction. Batheay never was in Tbong Khmum."""
    r = resolve_place("Memot, Kampong Cham")
    assert (r.provinces, r.unresolved) == (("25",), ()) and r.matches[0].district_code == "2503"
    assert resolve_place("Memot (Kampong Cham)", frame="2010").provinces == ("03",)
    assert resolve_place("Batheay, Tbong Khmum").unresolved[0].reason.startswith("contradicts")


@pytest.mark.parametrize("town,code,district", [
    ("Poipet", "01", "0110"), ("Takhmao", "08", "0811"), ("Neak Loeung", "14", "1407"),
    ("Kamrieng", "02", "0212"), ("Bavet", "20", "2008")])
def test_towns_credit_their_district(town, code, district):
    """Towns of the alias table lie in one MEF district (Poipet in Paoy Paet, Takhmao is
    Ta Khmau, Neak Loeung in Peam Ro; MEF district list)."""
    (m,) = resolve_place(town).matches
    assert (m.code, m.district_code) == (code, district)
    assert resolve_place("Veal Vong (Kampong Cham)").matches[0].district_code == "0305"


def test_every_district_name_of_the_bundled_layer_resolves_to_its_province():
    """Oracle: the 2014 layer itself. Its spellings (Mongkol Borei, Memot, Chetr Borei,
    Khemara Phoumin ...) differ from MEF's; each resolves to the district's own province,
    except names that are districts in several provinces (abstain) and Odongk (split
    after 2014: the province only)."""
    from coverage.boundaries import load_districts
    from coverage.places import province_code
    from coverage.places.tables import layer_district

    several = {"Samraong", "Mean Chey"}
    for row in load_districts("2013").itertuples():
        r = resolve_place(row.name)
        if row.name in several:
            assert r.provinces == () and "several provinces" in r.unresolved[0].reason
            continue
        assert r.provinces == (row.province_code,), row.name
        if row.name != "Odongk" and province_code(row.name) is None:   # "Kaoh Kong": the province
            assert layer_district(r.matches[0].district_code) == row.code, row.name


def test_every_fragment_accounted_for():
    r = resolve_place("PNH, Foo Bar, BTB and other provinces")
    assert [m.fragment for m in r.matches] == ["PNH", "BTB"]
    assert [(u.fragment, u.reason) for u in r.unresolved] == [
        ("Foo Bar", "not a place"), ("and other provinces", "unnamed provinces")]


def test_resolution_is_frozen_cached_and_serialisable():
    r = resolve_place("BTB, SRP and BMC")
    assert isinstance(r, Resolution) and resolve_place("BTB, SRP and BMC") is r
    with pytest.raises(AttributeError):
        r.provinces = ()
    d = r.to_dict()
    assert d["provinces"] == ("01", "02", "17")
    assert d["matches"][0] == {"fragment": "BTB", "code": "02", "method": "alias", "score": 100.0,
                               "district_code": None}
    assert isinstance(r.matches[0], Match)
    assert resolve_place("").unresolved == (Unplaced("", "no place given"),)


def test_resolve_rejects_bad_frame_and_type():
    with pytest.raises(ValueError, match="2010, 2013"):
        resolve_place("PP", "2019")
    with pytest.raises(TypeError):
        resolve_place(None)


def test_a_name_in_several_districts_of_one_province_credits_only_the_province():
    """Oracle: the vendored MEF commune list, read naively. A commune name found in one
    province but in two or more of its districts (Angkanh, Kraya, Phum Thum ...) gives
    the province and no district: never a guessed district."""
    import csv
    from importlib import resources

    from coverage.places.text import key

    text = (resources.files("coverage") / "data" / "mef" / "CambodiaCommuneList2025.csv"
            ).read_text(encoding="utf-8-sig")
    where: dict[str, tuple[str, set, set]] = {}
    for row in csv.DictReader(text.splitlines()):
        name, prov, dist = where.setdefault(key(row["commune_en"]), (row["commune_en"], set(), set()))
        prov.add(row["province_code"])
        dist.add(row["district_code"])
    cases = [(name, prov.pop()) for name, prov, dist in where.values()
             if len(prov) == 1 and len(dist) > 1]
    assert len(cases) >= 5
    for name, prov in cases:
        r = resolve_place(name)
        assert r.provinces == (prov,) and [m.district_code for m in r.matches] == [None], name
