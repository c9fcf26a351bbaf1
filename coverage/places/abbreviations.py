"""Dotted abbreviations of province names: "Kg. Cham", "B. Meanchey", "Bat.", "Kg . Cham".

:func:`expand_abbreviations` spells them out; :func:`mark_abbreviations` does the same
with each spelling marked, so that :func:`unmark` can show a fragment as it was written
("B. Meanchey", not "banteay Meanchey").

Examples
--------
>>> expand_abbreviations("Kg.Cham, Kg . Cham")
'kampong Cham, kampong Cham'
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import Final

from coverage.places.names import aliases, fuzzy_choices
from coverage.places.result import Match, Unplaced
from coverage.places.text import spaced

__all__ = ["expand_abbreviations", "mark_abbreviations", "unmark", "unmark_all"]


#: ``X.``, ``X .`` or ``X . `` before the next word (a space before the full stop is a typing slip).
_DOTTED: Final = re.compile(r"\b([A-Za-z]{1,4})\s?\.\s*(?=([A-Za-z][A-Za-z']*)?)")
#: Private-use marks around a spelt-out abbreviation (:func:`mark_abbreviations`): open, the
#: abbreviation's number (one character from ``_FIRST``), the spelling, close.
_OPEN, _CLOSE, _FIRST, _MAX_MARKS = "\ue000", "\ue001", 0xE100, 0x1700
_MARKED: Final = re.compile(f"{_OPEN}(.)[^{_CLOSE}]*{_CLOSE}( ?)(?=(\\w)?)")


@cache
def _name_words() -> tuple[tuple[tuple[str, ...], str], ...]:
    """(words, code) of the province names and spellings (Latin), for abbreviations."""
    names = dict(fuzzy_choices())
    for alias, code, kind in zip(aliases()["alias"], aliases()["code"], aliases()["kind"]):
        if kind in ("spelling", "former_name"):
            names.setdefault(spaced(alias), code)
    return tuple((tuple(n.split()), c) for n, c in names.items() if n)  # canonical first


def _expansion(abbr: str, following: str | None) -> tuple[str, bool] | None:
    """What ``abbr.`` stands for, when the names it fits are one province's.

    ``(word, False)``: the first word of the name, the next word of the text its second
    ("Kg. Cham"); ``(abbr, True)``: the abbreviation and the next word are one one-word
    name written in two ("Bat. Dambang": Batdambang).
    """
    a = spaced(abbr + " x").split()[0]  # "Kg" -> "kampong"
    nxt = spaced(following or "")
    fits = [(words[0], code) for words, code in _name_words()
            if words[0].startswith(a) and (len(words) > 1 and words[1] == nxt
                                           or not nxt and len(words) == 1 and words[0] != a)]
    if fits:
        return (fits[0][0], False) if len({c for _, c in fits}) == 1 else None
    joined = {code for words, code in _name_words() if nxt and words == (a + nxt,)}
    return (abbr, True) if len(joined) == 1 else None


def mark_abbreviations(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """:func:`expand_abbreviations` with each spelling marked, and what was written.

    Returns the text with each spelt-out abbreviation between private-use marks (which
    every matching key ignores) and, per abbreviation, ``(as written, space after)``;
    :func:`unmark` puts the written text back into any fragment or message.

    Examples
    --------
    >>> marked, written = mark_abbreviations("B. Meanchey, Kg.Chhnang")
    >>> written
    (('B.', ' '), ('Kg.', ''))
    >>> unmark(marked, written)
    'B. Meanchey, Kg.Chhnang'
    """
    if "." not in text:  # every abbreviation has its full stop
        return text, ()
    written: list[tuple[str, str]] = []

    def repl(m: re.Match) -> str:
        found = _expansion(m.group(1), m.group(2))
        if found is None or len(written) >= _MAX_MARKS:
            return m.group(0)
        (word, joined), typed = found, m.group(0).rstrip()
        written.append((typed, m.group(0)[len(typed):]))
        mark = f"{_OPEN}{chr(_FIRST + len(written) - 1)}{word}{_CLOSE}"
        return mark + (" " if m.group(2) and not joined else "")

    return _DOTTED.sub(repl, text), tuple(written)


def unmark(text: str, written: tuple[tuple[str, str], ...]) -> str:
    """``text`` (a fragment or a message) with marked abbreviations as they were written."""
    def put(m: re.Match) -> str:
        n = ord(m.group(1)) - _FIRST
        if not 0 <= n < len(written):
            return m.group(0)
        typed, space = written[n]
        return typed + (space if m.group(3) else m.group(2))

    return _MARKED.sub(put, text) if _OPEN in text else text


def unmark_all(items: list[Match | Unplaced], notes: list[str],
               written: tuple[tuple[str, str], ...]) -> tuple[list[Match | Unplaced], list[str]]:
    """Matches, unplaced fragments (and their reasons) and notes as written (:func:`unmark`)."""
    if not written:
        return items, notes
    out = [replace(m, fragment=unmark(m.fragment, written)) if isinstance(m, Match)
           else Unplaced(unmark(m.fragment, written), unmark(m.reason, written)) for m in items]
    return out, [unmark(n, written) for n in notes]


def expand_abbreviations(text: str) -> str:
    """Spell out dotted abbreviations of province names ("Kg. Cham", "B. Meanchey", "Bat.").

    An abbreviation ``X.`` (or ``X .``) is expanded when exactly one province name (or
    spelling) has a first word starting with ``X`` followed by the next word of the text;
    a lone ``X.`` when exactly one one-word name starts with ``X``; ``X. Y`` is joined when
    ``XY`` is a one-word name ("Bat. Dambang"). Anything else is left as written.

    Examples
    --------
    >>> expand_abbreviations("Kg.Thom, K. Cham, B. Meanchey, S. Reap, Pr. Vihear and Bat.")
    'kampong Thom, kampong Cham, banteay Meanchey, siem Reap, preah Vihear and battambang'
    >>> expand_abbreviations("Kg . Cham, Bat. Dambang")
    'kampong Cham, BatDambang'
    >>> expand_abbreviations("St. Peter, etc.")
    'St. Peter, etc.'
    """
    marked, _ = mark_abbreviations(text)
    return re.sub(f"{_OPEN}.|{_CLOSE}", "", marked)
