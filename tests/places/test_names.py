"""coverage.places.names: provinces, frames, the one code normaliser, boundary-layer names."""
from __future__ import annotations

import pytest

from coverage.places import normalise_code, province_code, province_name, provinces, to_frame
from coverage.settings import FRAMES

ALL = tuple(f"{n:02d}" for n in range(1, 26))
ALL_2010 = ALL[:24]


def test_provinces_frames():
    assert FRAMES == ("2010", "2013")
    p13, p10 = provinces("2013"), provinces("2010")
    assert list(p13.columns) == ["code", "name", "short", "name_km", "name_nis"]
    assert tuple(p13["code"]) == ALL and tuple(p10["code"]) == ALL_2010
    assert p10.loc[p10["code"] == "03", "name"].item() == "Kampong Cham"
    with pytest.raises(ValueError, match="2010, 2013"):
        provinces("2008")


@pytest.mark.parametrize("code,frame,spread,expected", [
    ("25", "2010", False, ("03",)), ("03", "2010", False, ("03",)), ("12", "2010", False, ("12",)),
    ("25", "2013", False, ("25",)), ("03", "2013", False, ("03",)), ("03", "2013", True, ("03", "25")),
    ("12", "2013", True, ("12",)), ("25", "2010", True, ("03",)), ("25", "2013", True, ("25",)),
])
def test_to_frame(code, frame, spread, expected):
    assert to_frame(code, frame, spread=spread) == expected


def test_to_frame_errors():
    with pytest.raises(ValueError, match="valid frames"):
        to_frame("03", "2020")
    with pytest.raises(ValueError, match="unknown province code"):
        to_frame("26", "2013")


@pytest.mark.parametrize("name,code", [
    ("KH-1", "01"), ("KH01", "01"), ("1", "01"), ("01", "01"), ("KH-25", "25"), ("kh 12", "12"),
    ("Bantey Meanchey", "01"), ("Ratanakiri Province", "16"), ("Khett Preah Seihanu", "18"),
    ("Kâmpóng Spœ", "05"), ("Phnum Penh", "12"), ("Otar Meanchey", "22"), ("Keb", "23"),
    ("Tboung Khmum", "25"), ("ត្បូងឃ្មុំ", "25"), ("ខេត្តតាកែវ", "21"), ("Kompongcham", "03"),
])
def test_province_code(name, code):
    assert province_code(name) == code


@pytest.mark.parametrize("name", ["26", "0", "KH-99", "Poipet", "Kampong", "", "  ", "other provinces"])
def test_province_code_none(name):
    assert province_code(name) is None


def test_province_name():
    assert province_name("12") == "Phnom Penh"
    with pytest.raises(ValueError):
        province_name("99")


NAME_COLUMNS = ["nis_code", "name_nis", "name_source", "shapeISO", "shapeName", "iso_3166_2",
                "name", "name_en", "name_alt", "gn_name", "woe_name", "adm1_nis_code", "adm1_name_nis"]


def _layer_names(folder):
    pyogrio = pytest.importorskip("pyogrio")
    files = sorted(folder.glob("*.geojson"))
    if not files:
        pytest.skip(f"no boundary layers in {folder}: the test checks province_code against them")
    for path in files:
        df = pyogrio.read_dataframe(path, read_geometry=False)
        truth = df["nis_code"] if "nis_code" in df else df["adm1_nis_code"]
        adm2 = "adm2" in path.name
        for col in NAME_COLUMNS:
            if col not in df or (adm2 and col == "shapeName"):  # adm2 shapeName are districts
                continue
            for code, value in zip(truth, df[col]):
                parts = value.split("|") if col == "name_alt" else [value]
                for part in filter(None, parts):
                    yield path.name, col, part, code


def test_province_code_matches_every_boundary_feature(shared):
    rows = list(_layer_names(shared("data/boundaries")))
    assert len(rows) > 500
    bad = [r for r in rows if province_code(r[2]) != r[3]]
    assert bad == []
