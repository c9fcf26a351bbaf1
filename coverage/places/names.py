"""Provinces: the table, frames, codes, names and aliases.

:func:`province_code` is the one province-code normaliser of the package: it accepts
names, spellings, abbreviations and codes in any form a CSV cell, a float column or a
boundary layer gives (``"KH-3"``, ``3``, ``3.0``, ``"03"``, ``" 3 "``). Callers that
accept codes only (no names) use :func:`normalise_code`.

Examples
--------
>>> province_code("Bantey Meanchey"), province_code(3.0), province_code(" KH-3 ")
('01', '03', '03')
>>> normalise_code("Kandal"), normalise_code("8"), normalise_code(25)
(None, '08', '25')
>>> to_frame("25", "2010")
('03',)
"""
from __future__ import annotations

import io
import logging
import math
import numbers
import re
from functools import cache
from importlib import resources
from typing import Final

import pandas as pd

from coverage.places.text import key, latin, plain_key, spaced
from coverage.settings import CURRENT_FRAME, check_frame

log = logging.getLogger(__name__)

__all__ = ["ALIAS_KINDS", "LAYER_ONLY", "provinces", "province_name", "province_label", "to_frame",
           "aliases", "name_keys", "normalise_code", "province_code", "fuzzy_choices", "exact_keys", "read_data"]

ALIAS_KINDS: Final[tuple[str, ...]] = ("abbreviation", "spelling", "former_name", "khmer", "place")
LAYER_ONLY: Final = "layer-only"
_CODE: Final = re.compile(r"^\s*(?:kh\s*[-._]?\s*)?0*(\d{1,2})(?:\.0*)?\s*$", re.IGNORECASE)
_ADMIN_WORDS: Final = re.compile(r"^(?:khett|khaet|province of)\s+|\s+(?:province|municipality)$")


def read_data(name: str) -> pd.DataFrame:
    """A CSV of ``coverage/data`` as strings (no NA conversion)."""
    text = (resources.files("coverage") / "data" / name).read_text(encoding="utf-8-sig")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@cache
def _province_table() -> pd.DataFrame:
    return read_data("provinces.csv")


@cache
def _codes() -> frozenset[str]:
    return frozenset(_province_table()["code"])


def provinces(frame: str = CURRENT_FRAME) -> pd.DataFrame:
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
    return _frame_table(check_frame(frame)).copy()


@cache
def _frame_table(frame: str) -> pd.DataFrame:
    df = _province_table()
    if frame == "2010":
        df = df[df["code"] == df["code_2010"]]
    cols = ["code", "name", "short", "name_km", "name_nis"]
    return df[cols].sort_values("code").reset_index(drop=True)


@cache
def _names() -> dict[str, str]:
    table = _province_table()
    return dict(zip(table["code"], table["name"]))


def _check_code(code: str) -> str:
    if code not in _codes():
        raise ValueError(f"unknown province code {code!r}; expected '01' to '25'")
    return code


def province_name(code: str) -> str:
    """English name of a province code.

    Examples
    --------
    >>> province_name("25")
    'Tbong Khmum'
    """
    return _names()[_check_code(code)]


def province_label(code: str) -> str:
    """``"Name (code)"``, the form every message uses.

    Examples
    --------
    >>> province_label("03")
    'Kampong Cham (03)'
    """
    return f"{province_name(code)} ({code})"


@cache
def to_frame(code: str, frame: str, spread: bool = False) -> tuple[str, ...]:
    """Crosswalk a province code to the provinces of ``frame``.

    Parameters
    ----------
    code : str
        A code of the 25-province list.
    frame : {"2010", "2013"}
    spread : bool
        On the 2013 frame, read ``code`` as a 2010-era code: ``"03"`` (Kampong Cham
        before the split) becomes ``("03", "25")``; a code made in 2013 (``"25"``, Tbong
        Khmum named as such) stays itself.

    Examples
    --------
    >>> to_frame("25", "2010"), to_frame("03", "2013"), to_frame("03", "2013", spread=True)
    (('03',), ('03',), ('03', '25'))
    >>> to_frame("25", "2013", spread=True)
    ('25',)
    """
    frame = check_frame(frame)
    table = _province_table()
    _check_code(code)
    if frame == "2010":
        return (dict(zip(table["code"], table["code_2010"]))[code],)
    if spread:
        return tuple(sorted(table.loc[table["code_2010"] == code, "code"])) or (code,)
    return (code,)


@cache
def aliases() -> pd.DataFrame:
    """The alias table (``coverage/data/aliases.csv``), validated.

    Returns
    -------
    pandas.DataFrame
        Columns ``alias``, ``code``, ``kind``, ``note``, ``district_code`` (for a town, the
        MEF district it lies in, where one is recorded; checked by
        :func:`coverage.places.tables.places`).

    Examples
    --------
    >>> aliases().query("alias == 'PS'")["code"].item()
    '15'
    """
    df = read_data("aliases.csv")
    for i, row in enumerate(df.itertuples(index=False), start=2):
        where = f"coverage/data/aliases.csv, row {i}"
        if row.code not in _codes():
            raise ValueError(f"{where}, column code: unknown province code {row.code!r}")
        if row.kind not in ALIAS_KINDS:
            raise ValueError(f"{where}, column kind: {row.kind!r} is not one of {ALIAS_KINDS}")
        if not key(row.alias):
            raise ValueError(f"{where}, column alias: empty alias")
    return df


@cache
def name_keys() -> dict[str, tuple[str, str]]:
    """Province-level keys: key -> (code, method), canonical names first.

    Examples
    --------
    >>> name_keys()["btb"], name_keys()["kampongcham"]
    (('02', 'alias'), ('03', 'exact'))
    """
    table: dict[str, tuple[str, str]] = {}

    def add(name: str, code: str, method: str, where: str) -> None:
        k = key(name)
        if k in table and table[k][0] != code:
            raise ValueError(f"{where}: {name!r} already names province {table[k][0]}")
        table.setdefault(k, (code, method))

    rows = list(enumerate(_province_table().itertuples(index=False), start=2))
    for i, row in rows:
        for col in ("name", "name_km", "name_nis"):
            add(getattr(row, col), row.code, "exact", f"coverage/data/provinces.csv, row {i}")
    for i, row in rows:
        add(row.short, row.code, "alias", f"coverage/data/provinces.csv, row {i}")
    for i, row in enumerate(aliases().itertuples(index=False), start=2):
        if row.kind != "place" and not row.note.startswith(LAYER_ONLY):
            add(row.alias, row.code, "alias", f"coverage/data/aliases.csv, row {i}")
    return table


@cache
def _layer_only() -> dict[str, str]:
    rows = aliases()[aliases()["note"].str.startswith(LAYER_ONLY)]
    return {key(a): c for a, c in zip(rows["alias"], rows["code"])}


def normalise_code(value: object) -> str | None:
    """The two-digit code of a cell that holds a province *code*, else None.

    Accepts ints, integral floats (``3.0``, as pandas reads a code column with gaps),
    numpy numbers and strings such as ``"3"``, ``"03"``, ``" 3 "``, ``"3.0"``,
    ``"KH-3"``, ``"KH03"``. Names are not codes: use :func:`province_code`.

    Examples
    --------
    >>> [normalise_code(v) for v in (3, 3.0, "03", " 3 ", "KH-3", "3.0", 26, 3.5, "x", None)]
    ['03', '03', '03', '03', '03', '03', None, None, None, None]
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        if math.isnan(float(value)) or not float(value).is_integer():
            return None
        value = int(value)
    if isinstance(value, numbers.Integral):
        value = str(int(value))
    if not isinstance(value, str):
        return None
    m = _CODE.match(value)
    if not m:
        return None
    code = f"{int(m.group(1)):02d}"
    return code if code in _codes() else None


def province_code(name: object) -> str | None:
    """The province code of a province name, spelling, abbreviation or code.

    Exact and alias matches only: no fuzzy matching, no towns or districts. Meant
    for joining boundary layers and tables by their name or code columns.

    Parameters
    ----------
    name : str or number
        ``"Ratanakiri Province"``, ``"Kâmpóng Spœ"``, ``"Khett Takev"``, ``"KH-1"``,
        ``"01"``, ``1``, ``1.0``, ...

    Returns
    -------
    str or None
        ``"01"`` ... ``"25"``, or None when the value names no province.

    Examples
    --------
    >>> province_code("Ratanakiri Province"), province_code("KH-1"), province_code("Poipet")
    ('16', '01', None)
    """
    code = normalise_code(name)
    if code or not isinstance(name, str) or not name.strip():
        return code
    k = key(name)
    hit = name_keys().get(k, (_layer_only().get(k),))
    if hit[0] is None:
        hit = name_keys().get(key(_ADMIN_WORDS.sub("", latin(name).strip())), (None,))
    return hit[0]


@cache
def fuzzy_choices() -> dict[str, str]:
    """Spaced forms of canonical names and long spellings (never abbreviations) -> code.

    Examples
    --------
    >>> fuzzy_choices()["battambang"]
    '02'
    """
    choices: dict[str, str] = {}
    for row in _province_table().itertuples(index=False):
        for name in (row.name, row.name_nis):
            choices.setdefault(spaced(name), row.code)
    for row in aliases().itertuples(index=False):
        if row.kind in ("spelling", "former_name") and not row.note.startswith(LAYER_ONLY):
            if len(key(row.alias)) > 4:
                choices.setdefault(spaced(row.alias), row.code)
    return choices


@cache
def exact_keys() -> frozenset[str]:
    """Keys of the canonical names as written (no Kg/Kompong folding)."""
    t = _province_table()
    return frozenset(plain_key(n) for col in ("name", "name_km", "name_nis") for n in t[col])
