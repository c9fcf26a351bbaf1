"""Sub-province places: MEF districts and communes, forum towns, and their lookup.

The official MEF 2025 district and commune lists are vendored in ``coverage/data/mef/``
(English and Khmer names, NIS codes; attribution in ``coverage/data/mef/SOURCE.md``,
rebuilt by ``tools/vendor_mef_lists.py``); the bundled 2014 district layer's own spellings
of those districts come from ``district_crosswalk.csv``. Towns the forum report names come
from ``aliases.csv`` (kind ``place``, with the MEF district they lie in).

Examples
--------
>>> hit = place_hit("Prey Chhor")
>>> hit.codes, hit.code, hit.district_for(hit.code)
(('03', '14'), '03', '0313')
>>> place_hit("Koh Sotin") is None, variant_hit("Koh Sotin").name
(True, 'Kaoh Soutin')
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

import pandas as pd

from coverage.places.names import aliases, fuzzy_choices, name_keys, province_label, read_data
from coverage.places.text import KHMER, key, variant_key
from coverage.settings import PLACE_MIN_LETTERS

log = logging.getLogger(__name__)

__all__ = ["MEF_FILES", "INDEX_FILE", "PlaceHit", "places", "place_hit", "exact_place",
           "variant_hit", "variant_place", "known_keys", "build_index", "layer_district"]

MEF_FILES: Final = {"district": "mef/CambodiaDistrictList2025.csv",
                    "commune": "mef/CambodiaCommuneList2025.csv"}
LEVEL_RANK: Final = {"district": 0, "town": 1, "commune": 2}
_KHMER_ADMIN: Final = ("ស្រុក", "ខណ្ឌ", "ក្រុង", "ឃុំ", "សង្កាត់")
#: The place lookups, prebuilt by ``tools/build_place_index.py`` from the files below.
INDEX_FILE: Final = "place_index.json"
#: MEF district code -> district of the bundled 2014 layer, with the layer's spelling.
LAYER_NAMES: Final = "district_crosswalk.csv"
INDEX_SOURCES: Final = ("provinces.csv", "aliases.csv", *MEF_FILES.values(), LAYER_NAMES)


def _mef_rows() -> list[tuple[str, str, str, str, str]]:
    """(name, level, province code, district code, source) of both MEF lists, both scripts."""
    rows = []
    for level, path in MEF_FILES.items():
        for rec in read_data(path).itertuples(index=False):
            for name in (getattr(rec, f"{level}_en"), getattr(rec, f"{level}_kh")):
                rows.append((name, level, rec.province_code, rec.district_code, f"MEF 2025 ({path})"))
    return rows


@cache
def places() -> pd.DataFrame:
    """Sub-province places: districts, communes and towns, with province and district.

    District names are kept whatever their length; Latin commune and town names need
    ``PLACE_MIN_LETTERS`` letters. Names that are province names are left out (they
    name the province).

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``name``, ``level`` (district | commune | town), ``code``
        (province), ``source``, ``district_code`` (4-digit MEF code; empty for a town
        whose district is not recorded);
        one row per distinct (key, code, level, district_code), sorted.

    Examples
    --------
    >>> p = places()
    >>> p.loc[p["name"] == "Bavet", ["code", "level", "district_code"]].values.tolist()
    [['20', 'commune', '2008'], ['20', 'district', '2008'], ['20', 'town', '2008']]
    """
    rows = _mef_rows()
    mef = {(r[2], r[3]) for r in rows if r[1] == "district"}
    for i, a in aliases().iterrows():
        if a["kind"] == "place":
            if a["district_code"] and (a["code"], a["district_code"]) not in mef:
                raise ValueError(f"coverage/data/aliases.csv, row {i + 2}, column district_code: "
                                 f"{a['district_code']!r} is not a MEF district of {a['code']}")
            rows.append((a["alias"], "town", a["code"], a["district_code"],
                         "coverage/data/aliases.csv"))
    # the bundled 2014 layer's own spellings (Mongkol Borei, Memot, Odongk ...), by MEF code
    for code, name in zip(*(read_data(LAYER_NAMES)[c] for c in ("mef_code", "district"))):
        rows.append((name, "district", code[:2], code, f"2014 district layer ({LAYER_NAMES})"))
    df = pd.DataFrame(rows, columns=["name", "level", "code", "district_code", "source"])
    df.insert(0, "key", df["name"].map(key))
    long_enough = (df["key"].str.len().ge(PLACE_MIN_LETTERS) | df["key"].str.contains(KHMER)
                   | df["level"].eq("district"))
    df = df[long_enough & ~df["key"].isin(name_keys())]
    df = df.drop_duplicates(["key", "code", "level", "district_code"])
    df = df.sort_values(["key", "code", "level", "district_code"])
    return df[["key", "name", "level", "code", "source", "district_code"]].reset_index(drop=True)


@dataclass(frozen=True)
class PlaceHit:
    """What one place name (or its variant) stands for.

    Attributes
    ----------
    name : str
        The official (first listed) spelling.
    codes : tuple of str
        Every province with a place of that name, sorted.
    code : str or None
        The province the name resolves to alone: the only one, or the only province
        where it is a district ("districts first"); None when it abstains.
    districts : tuple of (str, str or None)
        Per province: the district code when the name lies in exactly one district.
    reason : str
        Why it abstains (empty when ``code`` is set).
    note : str
        The district-first decision, when one was taken.
    """

    name: str
    codes: tuple[str, ...]
    code: str | None
    districts: tuple[tuple[str, str | None], ...]
    reason: str = ""
    note: str = ""

    def district_for(self, code: str) -> str | None:
        """The district code of this name in province ``code`` (None if not exactly one)."""
        return dict(self.districts).get(code)


Row = tuple[str, str, str, str]  # (name, level, province code, district code)


def _district_of(rows: list[Row]) -> str | None:
    """District code of a name within one province: its district if it is one, else the
    single district of its communes; None when towns or several districts are involved."""
    own = {d for _, level, _, d in rows if level == "district"}
    if len(own) == 1:
        return own.pop()
    codes = {d for *_, d in rows}
    return codes.pop() if len(codes) == 1 and "" not in codes else None


def _labels(codes) -> str:
    return ", ".join(province_label(c) for c in sorted(codes))


@cache
def _province_parts() -> frozenset[str]:
    """Keys of the word runs inside province names ("meanchey" of Banteay/Oddar Meanchey)."""
    parts = set()
    for name in fuzzy_choices():
        words = name.split()
        parts.update("".join(words[i:j]) for i in range(len(words))
                     for j in range(i + 1, len(words) + 1) if j - i < len(words))
    return frozenset(parts)


def _hit(rows: list[Row]) -> PlaceHit:
    rows = sorted(rows, key=lambda r: LEVEL_RANK[r[1]])
    name = rows[0][0]
    truncated = key(name) in _province_parts()
    codes = tuple(sorted({r[2] for r in rows}))
    districts = tuple((c, _district_of([r for r in rows if r[2] == c])) for c in codes)
    if len(codes) == 1:
        return PlaceHit(name, codes, codes[0], districts)
    as_district = sorted({r[2] for r in rows if r[1] == "district"})
    if len(as_district) == 1 and not truncated:  # "Meanchey" may be a cut province name
        code, others = as_district[0], [c for c in codes if c != as_district[0]]
        note = (f"'{name}' is a district of {province_label(code)} and a commune or town name in "
                f"{_labels(others)}; kept the district")
        return PlaceHit(name, codes, code, districts, note=note)
    what = "district name" if as_district else "place name"
    return PlaceHit(name, codes, None, districts, reason=f"{what} in several provinces: {_labels(codes)}")


def _index(keys: list[str]) -> dict[str, PlaceHit]:
    p = places()
    groups: dict[str, list[Row]] = {}
    for k, row in zip(keys, zip(p["name"], p["level"], p["code"], p["district_code"])):
        groups.setdefault(k, []).append(row)
    return {k: _hit(rows) for k, rows in groups.items()}


def _variant_index() -> dict[str, PlaceHit]:
    """Variant keys of the place names, except those of a province name (left to fuzzing)."""
    provinces_ = {variant_key(k) for k in name_keys()}
    index = _index([variant_key(n) for n in places()["name"]])
    return {k: v for k, v in index.items() if k not in provinces_}


def _digests() -> dict[str, str]:
    """SHA-256 of each data file the place lookups are built from, and of the rules that
    turn names into keys (``coverage/places/text.py``: a new romanisation fold changes them)."""
    data = resources.files("coverage") / "data"
    out = {name: hashlib.sha256((data / name).read_bytes()).hexdigest() for name in INDEX_SOURCES}
    rules = resources.files("coverage") / "places" / "text.py"
    out["places/text.py"] = hashlib.sha256(rules.read_bytes().replace(b"\r\n", b"\n")).hexdigest()
    return out


def _pack(hit: PlaceHit) -> str:
    """One hit as one string (a dict of strings is not tracked by the garbage collector,
    so the ~6 000 loaded lookups cost no collection, nor time at interpreter exit).

    Examples
    --------
    >>> _pack(PlaceHit("Puok", ("17",), "17", (("17", "1707"),)))
    'Puok\\t17\\t17\\t17:1707\\t\\t'
    >>> _unpack(_pack(place_hit("Samraong"))) == place_hit("Samraong")
    True
    """
    if any("\t" in text for text in (hit.name, hit.reason, hit.note)):
        raise ValueError(f"a tab in the place name, reason or note of {hit.name!r}")
    districts = ",".join(f"{c}:{d or ''}" for c, d in hit.districts)
    return "\t".join((hit.name, ",".join(hit.codes), hit.code or "", districts, hit.reason,
                      hit.note))


def _unpack(packed: str) -> PlaceHit:
    name, codes, code, districts, reason, note = packed.split("\t")
    pairs = (pair.split(":") for pair in districts.split(",") if pair)
    return PlaceHit(name, tuple(c for c in codes.split(",") if c), code or None,
                    tuple((c, d or None) for c, d in pairs), reason, note)


def build_index() -> dict:
    """The exact and variant place lookups as plain strings, with the digests of their sources.

    What ``tools/build_place_index.py`` writes to ``coverage/data/place_index.json``: per
    key, name, province codes, code, ``province:district`` pairs, reason and note,
    tab-separated.

    Examples
    --------
    >>> index = build_index()
    >>> index["exact"]["puok"].split("\\t")[:3]
    ['Puok', '17', '17']
    """
    def plain(index: dict[str, PlaceHit]) -> dict[str, str]:
        return {k: _pack(hit) for k, hit in sorted(index.items())}

    return {"sources": _digests(), "exact": plain(_index(list(places()["key"]))),
            "variant": plain(_variant_index())}


@cache
def _indexes() -> dict[str, dict[str, str]]:
    """The prebuilt lookups; rebuilt here (slower, same result) when a source file changed."""
    path = resources.files("coverage") / "data" / INDEX_FILE
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = None
    if index is None or index.get("sources") != _digests():
        log.info("%s is missing or older than its sources: building the place lookups "
                 "(run tools/build_place_index.py to prebuild them)", INDEX_FILE)
        index = build_index()
    return index


def _lookup(index: str, k: str) -> PlaceHit | None:
    found = _indexes()[index].get(k)
    return None if found is None else _unpack(found)


def _strip_khmer_admin(k: str) -> str:
    for prefix in _KHMER_ADMIN:
        if k.startswith(prefix) and len(k) > len(prefix):
            return k[len(prefix):]
    return k


def place_hit(text: str) -> PlaceHit | None:
    """The place a text names exactly (Khmer ស្រុក/ឃុំ/... prefixes ignored), or None.

    Examples
    --------
    >>> place_hit("Puok").code, place_hit("ស្រុកពួក").district_for("17")
    ('17', '1707')
    >>> place_hit("Samraong").code is None
    True
    """
    return exact_place(key(text))


def exact_place(k: str) -> PlaceHit | None:
    """:func:`place_hit` of a text whose matching key (:func:`key`) is ``k``."""
    found = _lookup("exact", k)
    if found is None and not k.isascii():  # an ASCII key has no Khmer prefix to strip
        stripped = _strip_khmer_admin(k)
        found = None if stripped == k else _lookup("exact", stripped)
    return found


def variant_hit(text: str) -> PlaceHit | None:
    """The place a text names up to known romanisation or Khmer vowel variants, or None.

    Examples
    --------
    >>> variant_hit("Stung Trang").code, variant_hit("សូទ្រនីគម").name
    ('03', 'សូទ្រនិគម')
    """
    k = variant_key(text)
    if not text.isascii() and KHMER.search(text):
        k = _strip_khmer_admin(k)
    return variant_place(k)


def variant_place(k: str) -> PlaceHit | None:
    """:func:`variant_hit` of a text whose variant key (:func:`variant_key`, Khmer
    ស្រុក/ឃុំ/... prefixes stripped) is ``k``."""
    return _lookup("variant", k)


@cache
def known_keys() -> tuple[frozenset[str], frozenset[str]]:
    """The matching keys of every province name and place name, and the variant keys of
    every place name: a text whose keys are in neither names nothing.

    Examples
    --------
    >>> keys, variants = known_keys()
    >>> "btb" in keys, "puok" in keys, "kohsotin" in variants
    (True, True, True)
    """
    return frozenset(name_keys()) | frozenset(_indexes()["exact"]), frozenset(_indexes()["variant"])


@cache
def _crosswalk() -> dict[str, str]:
    table = read_data("district_crosswalk.csv")
    return dict(zip(table["mef_code"], table["district_code"]))


def layer_district(mef_code: str | None) -> str | None:
    """The district of the bundled 2014 layer that a MEF 2025 district code names.

    None for no code, and for MEF districts made after 2014 by splitting one (their
    province is still credited, never a guessed district). The table and how each row
    was matched: ``coverage/data/district_crosswalk.csv``, built by
    ``tools/build_district_crosswalk.py``.

    Examples
    --------
    >>> layer_district("0313"), layer_district(None)
    ('03-08', None)
    """
    return None if mef_code is None else _crosswalk().get(mef_code)
