"""Provinces, their many spellings, sub-province places and free-text place resolution.

The forum report writes places in many ways: ``"BTB, SRP and BMC"``,
``"12 capital/provinces: PP, KSP, KK, ..."``, ``"Poipet (BMC province)"``,
``"24 capital/provinces"``. :func:`resolve_place` turns such a cell into NIS
province codes (``"01"`` ... ``"25"``) and says how each code was found, what
could not be placed and which decisions were taken.

Examples
--------
>>> from coverage.gazetteer import province_code, resolve_place, to_frame
>>> province_code("Bantey Meanchey")
'01'
>>> resolve_place("BTB, SRP and BMC").provinces
('01', '02', '17')
>>> resolve_place("24 capital/provinces").nationwide
True
>>> to_frame("25", "2010")
('03',)
"""
from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from importlib import resources

import pandas as pd
from rapidfuzz import fuzz

log = logging.getLogger(__name__)

__all__ = ["FRAMES", "provinces", "province_code", "province_name", "to_frame", "aliases"]

FRAMES: tuple[str, ...] = ("2010", "2013")
ALIAS_KINDS: tuple[str, ...] = ("abbreviation", "spelling", "former_name", "khmer", "place")
METHODS: tuple[str, ...] = ("exact", "alias", "place", "fuzzy", "nationwide")

FUZZY_CUTOFF = 88.0
FUZZY_MARGIN = 5.0
FUZZY_MIN_LETTERS = 6
PLACE_MIN_LETTERS = 5
LAYER_ONLY = "layer-only"

_KHMER = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF]")
_KHMER_PREFIXES = ("រាជធានី", "ខេត្ត", "ខេត្ដ")
_KAMPONG = re.compile(r"\b(?:kg|kpg|k\.)(?=\s|$)|\bkompong|\bkampong")


def _check_frame(frame: str) -> str:
    if frame not in FRAMES:
        raise ValueError(f"unknown frame {frame!r}; valid frames are {', '.join(FRAMES)}")
    return frame


def _latin(text: str) -> str:
    """Lower-case, accent-free Latin text; Khmer characters are kept as they are."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if _KHMER.match(ch):
            out.append(ch)
            continue
        ch = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}.get(ch, ch)
        out.append("".join(c for c in unicodedata.normalize("NFKD", ch)
                           if not unicodedata.combining(c)))
    return "".join(out).lower()


def _key(text: str) -> str:
    """Matching key: case-, accent-, punctuation- and space-insensitive.

    ``Kg``/``Kpg``/``Kompong`` all become ``kampong``; Khmer coeng ta is read as coeng da
    and the រាជធានី/ខេត្ត prefixes are dropped.
    """
    s = _KAMPONG.sub("kampong", _latin(text))
    s = "".join(ch for ch in s if ch.isalnum() or _KHMER.match(ch))
    s = s.replace("\u17D2\u178F", "\u17D2\u178A")  # coeng ta -> coeng da
    for prefix in _KHMER_PREFIXES:
        if s.startswith(prefix) and len(s) > len(prefix):
            s = s[len(prefix):].replace("\u17D2\u178F", "\u17D2\u178A")
    return s


def _read_data(name: str) -> pd.DataFrame:
    text = (resources.files("coverage") / "data" / name).read_text(encoding="utf-8-sig")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@cache
def _province_table() -> pd.DataFrame:
    return _read_data("provinces.csv")


def provinces(frame: str = "2013") -> pd.DataFrame:
    """The provinces of a frame.

    Parameters
    ----------
    frame : {"2010", "2013"}
        ``"2013"``: the 25 provinces (Tbong Khmum split from Kampong Cham in 2013).
        ``"2010"``: the 24 provinces of the forum's time, Kampong Cham (03) still
        including Tbong Khmum.

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``name``, ``short``, ``name_km``, ``name_nis``, sorted by code.

    Examples
    --------
    >>> len(provinces("2013")), len(provinces("2010"))
    (25, 24)
    """
    _check_frame(frame)
    df = _province_table()
    if frame == "2010":
        df = df[df["code"] == df["code_2010"]]
    cols = ["code", "name", "short", "name_km", "name_nis"]
    return df[cols].sort_values("code").reset_index(drop=True)


def province_name(code: str) -> str:
    """English name of a province code.

    Examples
    --------
    >>> province_name("25")
    'Tbong Khmum'
    """
    names = dict(zip(_province_table()["code"], _province_table()["name"]))
    if code not in names:
        raise ValueError(f"unknown province code {code!r}; expected '01' to '25'")
    return names[code]


def to_frame(code: str, frame: str, spread: bool = False) -> tuple[str, ...]:
    """Crosswalk a province code to the provinces of ``frame``.

    Parameters
    ----------
    code : str
        A code of the 25-province list.
    frame : {"2010", "2013"}
    spread : bool
        On the 2013 frame, read ``code`` as a 2010-era code: ``"03"`` (Kampong Cham
        before the split) becomes ``("03", "25")``.

    Examples
    --------
    >>> to_frame("25", "2010"), to_frame("03", "2013"), to_frame("03", "2013", spread=True)
    (('03',), ('03',), ('03', '25'))
    """
    _check_frame(frame)
    table = _province_table()
    if code not in set(table["code"]):
        raise ValueError(f"unknown province code {code!r}; expected '01' to '25'")
    if frame == "2010":
        return (dict(zip(table["code"], table["code_2010"]))[code],)
    if spread:
        return tuple(sorted(table.loc[table["code_2010"] == code, "code"]))
    return (code,)


@cache
def aliases() -> pd.DataFrame:
    """The alias table (``coverage/data/aliases.csv``), validated.

    Returns
    -------
    pandas.DataFrame
        Columns ``alias``, ``code``, ``kind``, ``note``.

    Examples
    --------
    >>> aliases().query("alias == 'PS'")["code"].item()
    '15'
    """
    df = _read_data("aliases.csv")
    codes = set(_province_table()["code"])
    for i, row in enumerate(df.itertuples(index=False), start=2):
        where = f"coverage/data/aliases.csv, row {i}"
        if row.code not in codes:
            raise ValueError(f"{where}, column code: unknown province code {row.code!r}")
        if row.kind not in ALIAS_KINDS:
            raise ValueError(f"{where}, column kind: {row.kind!r} is not one of {ALIAS_KINDS}")
        if not _key(row.alias):
            raise ValueError(f"{where}, column alias: empty alias")
    return df


@cache
def _names() -> dict[str, tuple[str, str]]:
    """Province-level keys: key -> (code, method), canonical names first."""
    table: dict[str, tuple[str, str]] = {}

    def add(name: str, code: str, method: str, where: str) -> None:
        k = _key(name)
        if k in table and table[k][0] != code:
            raise ValueError(f"{where}: {name!r} already names province {table[k][0]}")
        table.setdefault(k, (code, method))

    for i, row in enumerate(_province_table().itertuples(index=False), start=2):
        for col in ("name", "name_km", "name_nis"):
            add(getattr(row, col), row.code, "exact", f"coverage/data/provinces.csv, row {i}")
    for i, row in enumerate(_province_table().itertuples(index=False), start=2):
        add(row.short, row.code, "alias", f"coverage/data/provinces.csv, row {i}")
    for i, row in enumerate(aliases().itertuples(index=False), start=2):
        if row.kind != "place" and not row.note.startswith(LAYER_ONLY):
            add(row.alias, row.code, "alias", f"coverage/data/aliases.csv, row {i}")
    return table


_CODE = re.compile(r"^\s*(?:kh\s*[-.]?\s*)?0*(\d{1,2})\s*$", re.IGNORECASE)
_ADMIN_WORDS = re.compile(r"^(?:khett|khaet|province of)\s+|\s+(?:province|municipality)$")


def province_code(name: str) -> str | None:
    """The province code of a province name, spelling, abbreviation or code.

    Exact and alias matches only: no fuzzy matching, no towns or districts. Meant
    for joining boundary layers by their name columns.

    Parameters
    ----------
    name : str
        ``"Ratanakiri Province"``, ``"Kâmpóng Spœ"``, ``"Khett Takev"``, ``"KH-1"``, ``"01"``, ...

    Returns
    -------
    str or None
        ``"01"`` ... ``"25"``, or None when the name is not a province.

    Examples
    --------
    >>> province_code("Ratanakiri Province"), province_code("KH-1"), province_code("Poipet")
    ('16', '01', None)
    """
    if not isinstance(name, str) or not name.strip():
        return None
    m = _CODE.match(name)
    if m:
        n = int(m.group(1))
        return f"{n:02d}" if 1 <= n <= 25 else None
    hit = _names().get(_key(name)) or _layer_only().get(_key(name))
    if hit is None:
        hit = _names().get(_key(_ADMIN_WORDS.sub("", _latin(name).strip())))
    return hit[0] if hit else None


@cache
def _layer_only() -> dict[str, tuple[str, str]]:
    rows = aliases()[aliases()["note"].str.startswith(LAYER_ONLY)]
    return {_key(a): (c, "alias") for a, c in zip(rows["alias"], rows["code"])}
