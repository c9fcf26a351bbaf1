"""Free-text place resolution: :func:`resolve_place` and its result types.

Examples
--------
>>> resolve_place("BTB, SRP and BMC").provinces
('01', '02', '17')
>>> r = resolve_place("Koh Sotin")
>>> r.provinces, r.matches[0].district_code
(('03',), '0308')
>>> resolve_place("Kg. Cham").provinces
('03',)
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from coverage.places import grammar as g
from coverage.places.abbreviations import mark_abbreviations, unmark_all
from coverage.places.fuzzy import fuzzy_province
from coverage.places.names import (exact_keys, name_keys, province_label, province_name,
                                   provinces, to_frame)
from coverage.places.result import Match, Resolution, Unplaced
from coverage.places.tables import PlaceHit, exact_place, known_keys, variant_hit, variant_place
from coverage.places.text import KHMER, ascii_keys, key, plain_key
from coverage.settings import CURRENT_FRAME, FUZZY_MIN_LETTERS, check_frame

log = logging.getLogger(__name__)

__all__ = ["resolve_place"]


class _PlaceRef:
    """A district, commune or town name found in the text, settled once the whole text is read."""

    def __init__(self, fragment: str, hit: PlaceHit, variant: bool) -> None:
        self.fragment, self.hit, self.variant = fragment, hit, variant
        self.qualified: str | None = None  # the province a qualifier names, among hit.codes

    @property
    def code(self) -> str | None:
        return self.qualified or self.hit.code


Item = Match | Unplaced | _PlaceRef


class _Work:
    """Mutable scratch for one resolution."""

    def __init__(self) -> None:
        self.notes: list[str] = []


# ------------------------------------------------------------------------ scanning

def _lookup(tokens: list[str], keys: list[tuple[str, str] | None], i: int, j: int) -> Item | None:
    """Province name, exact place name, variant place name: the first that ``tokens[i:j]``
    fits (``keys``: each token's :func:`_token_keys`)."""
    one = j == i + 1
    piece = tokens[i] if one else " ".join(tokens[i:j])
    both = keys[i] if one else _joined(keys[i:j])
    if both is None:
        found = _find(piece)
    else:
        k, vk = both
        known, variants = known_keys()
        if k not in known and vk not in variants:
            return None
        found = _found(piece, k, variant_place(vk))
    if isinstance(found, tuple):  # a fresh reference: settling a text may qualify it
        return _PlaceRef(piece, *found)
    return found


def _joined(parts: list[tuple[str, str] | None]) -> tuple[str, str] | None:
    """The keys of an ASCII n-gram: its tokens' keys joined (None when a token is not ASCII)."""
    if None in parts:
        return None
    return "".join([p[0] for p in parts]), "".join([p[1] for p in parts])


@lru_cache(maxsize=65536)
def _token_keys(token: str) -> tuple[str, str] | None:
    """:func:`key` and :func:`variant_key` of an ASCII token; None for other text.

    Neither key's folding reaches across a space, so an ASCII n-gram's keys are its
    tokens' keys joined.
    """
    return ascii_keys(token) if token.isascii() else None


@lru_cache(maxsize=65536)
def _find(piece: str) -> Match | tuple[PlaceHit, bool] | None:
    """What :func:`_lookup` finds in a piece that is not ASCII, kept per piece."""
    return _found(piece, key(piece), variant_hit(piece))


def _found(piece: str, k: str, near: PlaceHit | None) -> Match | tuple[PlaceHit, bool] | None:
    """What a piece of key ``k`` and variant place ``near`` names."""
    named = name_keys().get(k)
    if named is not None:
        code, method = named
        if method == "exact" and plain_key(piece) not in exact_keys():
            method = "alias"
        return Match(piece, code, method)
    hit = exact_place(k)
    if hit is not None and not (near and set(near.codes) > set(hit.codes)):
        return hit, False
    # a variant spelling of names in other provinces ("Samrong": Samraong) competes with it
    return None if near is None else (near, hit is None)


def _scan(fragment: str) -> list[Item]:
    """Place the tokens of one fragment: longest province or place name first."""
    out: list[Item] = []
    tokens, run = fragment.split(), []
    keys = [_token_keys(t) for t in tokens]

    def flush() -> None:
        if run:
            out.extend(_leftover(" ".join(run)))
            run.clear()

    i = 0
    while i < len(tokens):
        hit = None
        for j in range(min(len(tokens), i + 5), i, -1):
            if j == i + 1 and g.is_filler(tokens[i]):
                break
            hit = _lookup(tokens, keys, i, j)
            if hit is not None:
                flush()
                out.append(hit)
                i = j
                break
        if hit is None:
            if g.is_filler(tokens[i]):
                flush()
            else:
                run.append(tokens[i])
            i += 1
    flush()
    return out


def _lookup_khmer(fragment: str) -> list[tuple[str, str, str]]:
    """Province names found as substrings of Khmer text, longest first, non-overlapping."""
    s = key(fragment)
    found = []
    for k, (code, method) in sorted(name_keys().items(), key=lambda kv: -len(kv[0])):
        if KHMER.match(k[:1]) and k in s:
            pos = s.find(k)
            found.append((pos, k, code, method))
            s = s[:pos] + " " * len(k) + s[pos + len(k):]
    return [(k, code, method) for _, k, code, method in sorted(found)]


@lru_cache(maxsize=65536)
def _leftover(text: str) -> tuple[Match | Unplaced, ...]:
    """A run of tokens that is no known name: Khmer scan, fuzzy match or abstain."""
    return tuple(_read_leftover(text))


def _read_leftover(text: str) -> list[Match | Unplaced]:
    text = text.strip(" .()[]'\"")
    k = key(text)
    if not k:
        return []
    if KHMER.search(text):
        hits = _lookup_khmer(text)
        return [Match(text, code, method) for _, code, method in hits] or [Unplaced(text, "not a place")]
    if k == "kampong":
        return [Unplaced(text, "ambiguous: Kampong alone may be Kampong Cham, Chhnang, Speu or Thom")]
    if sum(map(str.isalpha, k)) >= FUZZY_MIN_LETTERS:
        best = fuzzy_province(text)
        if isinstance(best, str):
            return [Unplaced(text, best)]
        if best:
            return [Match(text, best[0], "fuzzy", best[1])]
    return [Unplaced(text, "not a place")]


# -------------------------------------------------------------------- lists, qualifiers

def _resolve_list(text: str, parens: list[str], work: _Work) -> list[Item]:
    """Resolve a separator-delimited list, handling (parenthesised) qualifiers."""
    out: list[Item] = []
    for frag in g.fragments(text):
        refs = [int(n) for n in g.PLACEHOLDER.findall(frag)] if parens else []
        # fresh references: settling this text may qualify them
        own = [_PlaceRef(m.fragment, m.hit, m.variant) if isinstance(m, _PlaceRef) else m
               for m in _read_fragment(g.PLACEHOLDER.sub(" ", frag) if refs else frag, not refs)]
        for n in refs:
            own = own + _qualify(own, _resolve_list(parens[n], parens, work), work)
        out.extend(own)
    return out


@lru_cache(maxsize=65536)
def _read_fragment(frag: str, alone: bool) -> tuple[Item, ...]:
    """The items of one fragment, ``alone`` when no qualifier follows it; kept per fragment
    (lists repeat the same names), its place references only copied, never handed out."""
    own = _scan(frag)
    placed = any(isinstance(m, _PlaceRef) and m.code for m in own)
    if alone and placed and any(isinstance(m, Unplaced) for m in own):
        own = [_partial(frag, own)]  # "Choam Khsant": "Choam" alone proves nothing
    elif alone and any(isinstance(m, Unplaced) for m in own):
        whole = _leftover(frag)  # "Odar Meanchey": one misspelt name, not two pieces
        if len(whole) == 1 and isinstance(whole[0], Match):
            own = list(whole)
    return tuple(own)


def _partial(frag: str, own: list[Item]) -> Unplaced:
    """A fragment only part of which is a place name: not placed (never a guess)."""
    parts = [f"'{m.fragment}'" for m in own if isinstance(m, _PlaceRef)]
    return Unplaced(frag, f"not a place: only {', '.join(parts)} of it is a place name")


def _qualify(own: list[Item], inner: list[Item], work: _Work) -> list[Item]:
    """A province after a place ("Poipet (BMC)", "Puok, Siem Reap") qualifies it.

    A province among the place's provinces chooses it and is then only the place's
    qualifier, not a claim of its own ("Samraong, Takeo" names one district of Takeo, not
    the whole province); a contradiction keeps the place (the finer statement), notes it
    and reports the province as unresolved.
    """
    refs = [m for m in own if isinstance(m, _PlaceRef)]
    said = {m.code for m in inner if isinstance(m, Match)}
    if len(refs) != 1 or len(said) != 1:
        return inner
    ref, (code,) = refs[-1], said
    # a 2010 province contains its 2013 parts: "Memot, Kampong Cham" (Tbong Khmum, 2013)
    within = [c for c in ref.hit.codes if c == code or (to_frame(code, "2010") == (code,)
                                                        and to_frame(c, "2010") == (code,))]
    if within:
        ref.qualified = code if code in within else within[0]
        if ref.qualified != code:
            work.notes.append(f"'{ref.fragment}' is in {province_label(ref.qualified)}, part of "
                              f"{province_label(code)} until 2013; kept "
                              f"{province_name(ref.qualified)}")
        return [m for m in inner if not isinstance(m, Match)]
    if ref.code is None:
        return inner
    work.notes.append(f"'{ref.fragment}' is in {province_label(ref.code)}; the text says "
                      f"{province_label(code)}; kept {province_name(ref.code)}")
    reason = f"contradicts '{ref.fragment}' ({province_label(ref.code)})"
    return [Unplaced(m.fragment, reason) if isinstance(m, Match) else m for m in inner]


def _pair(items: list[Item], work: _Work) -> list[Item]:
    """"District, Province" (a place then a province, nothing else) is a qualified place."""
    if (len(items) == 2 and isinstance(items[0], _PlaceRef) and items[0].qualified is None
            and isinstance(items[1], Match) and items[1].method != "nationwide"):
        return [items[0], *_qualify(items[:1], items[1:], work)]
    return items


def _settle(items: list[Item], work: _Work) -> list[Match | Unplaced]:
    """Turn each place reference into a Match or an Unplaced, in the light of the whole text.

    A name in two provinces is kept in the one the text also names; otherwise a name
    in several provinces is kept only where it is a district of exactly one of them.
    """
    if not any(isinstance(m, _PlaceRef) for m in items):
        return items
    named = {m.code for m in items if isinstance(m, Match) and m.method != "nationwide"}
    return [_settle_one(m, named, work) if isinstance(m, _PlaceRef) else m for m in items]


def _settle_one(ref: _PlaceRef, named: set[str], work: _Work) -> Match | Unplaced:
    hit, code = ref.hit, ref.qualified
    both = sorted(set(hit.codes) & named)
    if code is None and len(hit.codes) == 2 and len(both) == 1:
        code = both[0]
    if code is not None and len(hit.codes) > 1:
        where = ", ".join(province_label(c) for c in hit.codes)
        work.notes.append(f"'{ref.fragment}' is a place name in {where}; kept "
                          f"{province_label(code)}, the province the text names")
    elif code is None and hit.code is not None:
        code = hit.code
        if hit.note:
            work.notes.append(hit.note)
    if code is None:
        return Unplaced(ref.fragment, hit.reason)
    if ref.variant:
        work.notes.append(f"'{ref.fragment}' read as '{hit.name}' ({province_label(code)})")
    return Match(ref.fragment, code, "place", 100.0, hit.district_for(code))


# ----------------------------------------------------------------------- resolution

def _hold_parens(text: str, parens: list[str]) -> str:
    if "(" not in text and ")" not in text:
        return text

    def hold(m: re.Match) -> str:
        parens.append(m.group(1))
        return f" \x00{len(parens) - 1}\x00 "

    return g.PAREN.sub(hold, text).replace(")", " ").replace("(", " ")


def _check_counts(items: list, counts: list[tuple[int, str, int]], work: _Work) -> list:
    """Counts ("12 provinces: ...") against the provinces named after them."""
    if not counts:
        return items
    items = list(items)
    for c, (n, phrase, start) in enumerate(counts):
        end = counts[c + 1][2] if c + 1 < len(counts) else len(items)
        named = sorted({m.code for m in items[start:end] if isinstance(m, Match)})
        if not named:
            items.append(Unplaced(phrase, "count without names"))
        elif len(named) != n:
            work.notes.append(f"the text counts {n} provinces ('{phrase}') but names {len(named)}: "
                              + ", ".join(province_label(x) for x in named))
    return items


@lru_cache(maxsize=65536)
def resolve_place(text: str, frame: str = CURRENT_FRAME) -> Resolution:
    """Resolve a free-text place cell to provinces.

    Methods, in order: nationwide claims ("24 capital/provinces", "whole country");
    counts ("12 capital/provinces: ..."); dotted abbreviations spelt out ("Kg. Cham");
    exact names; aliases (abbreviations, spellings, former and Khmer names);
    sub-province places (towns, MEF districts and communes, then the same up to known
    romanisation variants); fuzzy matching of 6+ letter leftovers against full province
    names (score >= 88, clear margin, and no place name as close). A place name in
    several provinces is kept in the one the text names, else where it is a district of
    exactly one province, else abstains. What is left is reported, never guessed.

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
    >>> resolve_place("Puok, Kampong Cham").unresolved[0].reason
    "contradicts 'Puok' (Siem Reap (17))"
    """
    frame = check_frame(frame)
    if not isinstance(text, str):
        raise TypeError(f"resolve_place expects a str, got {type(text).__name__}")
    work = _Work()
    clean = " ".join(text.replace("\u200b", " ").split())
    if not clean:
        return Resolution(text, (), False, (), (Unplaced("", "no place given"),), ())
    marked, written = mark_abbreviations(clean)  # "Kg. Cham" read as Kampong Cham, shown as written
    rest, nationwide, vague = g.claims(marked)
    parens: list[str] = []
    rest = _hold_parens(rest, parens)
    items: list[Item] = []
    counts: list[tuple[int, str, int]] = []  # (count, phrase, index of the first item after it)
    pos = 0
    for m in g.counts(rest):
        items.extend(_resolve_list(rest[pos:m.start()], parens, work))
        counts.append((g.number(m.group("n")), m.group(0), len(items)))
        pos = m.end()
    items.extend(_resolve_list(rest[pos:], parens, work))
    settled = _check_counts(_settle(_pair(items, work), work), counts, work)
    settled.extend(Unplaced(v, "unnamed provinces") for v in vague)
    settled, work.notes = unmark_all(settled, work.notes, written)
    return _result(text, frame, settled, nationwide, work)


def _result(text: str, frame: str, items: list, nationwide: list[str], work: _Work) -> Resolution:
    matches = [m for m in items if isinstance(m, Match)]
    if nationwide:
        matches += [Match(nationwide[0], code, "nationwide") for code in provinces(frame)["code"]]
    unresolved = [m for m in items if isinstance(m, Unplaced)]
    if not matches and not unresolved:
        unresolved.append(Unplaced(" ".join(text.split()), "no place named"))
    codes = sorted({c for m in matches for c in to_frame(m.code, frame)})
    for note in work.notes:
        log.debug("resolve_place(%r): %s", text, note)
    return Resolution(text, tuple(codes), bool(nationwide), tuple(matches),
                      tuple(unresolved), tuple(work.notes))
