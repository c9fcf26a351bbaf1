"""The shape of a place cell: nationwide claims, counts, vague phrases, separators, filler.

Examples
--------
>>> fragments("PNH- SRP; BTB and BMC")
['PNH', 'SRP', 'BTB', 'BMC']
>>> number("twelve"), is_filler("provinces"), is_filler("Takeo")
(12, True, False)
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from coverage.places.text import latin

__all__ = ["NUMBERS", "COUNT", "NATIONWIDE", "VAGUE", "SEP", "PAREN", "PLACEHOLDER", "FILLER",
           "is_filler", "number", "fragments", "claims", "counts"]

NUMBERS: Final = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                  "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
                  "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                  "nineteen": 19, "twenty": 20, "twenty-four": 24, "twenty four": 24,
                  "twenty-five": 25, "twenty five": 25}
_NUM: Final = (r"(?:\d{1,2}|twenty[- ](?:four|five)|"
               + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")")
_UNIT: Final = r"(?:capitals?|cit(?:y|ies)|provinces?|municipalit(?:y|ies))"
COUNT: Final = re.compile(rf"\b(?P<n>{_NUM})\s+(?P<unit>{_UNIT}(?:\s*/\s*{_UNIT})*)\b", re.IGNORECASE)
NATIONWIDE: Final = re.compile(
    r"\b(?:nation[- ]?wide|country[- ]?wide|whole\s+(?:of\s+)?(?:the\s+)?country|"
    r"entire\s+country|all\s+over\s+(?:the\s+)?country|throughout\s+(?:the\s+)?country|"
    rf"all\s+(?:the\s+)?(?:{_NUM}\s+)?{_UNIT}(?:\s*/\s*{_UNIT})*)\b",
    re.IGNORECASE)
VAGUE: Final = re.compile(
    rf"\b(?:and\s+)?(?:other|some|several|many|various|few|more)\s+{_UNIT}(?:\s*/\s*{_UNIT})*\b",
    re.IGNORECASE)
_SEP_MARKS: Final = r"[,;:/&+|\n\u17D4\u17D5\u3001]"
_SEP_WORDS: Final = ("and", "or", "as well as", "plus")
_SEP_WORD: Final = rf"\b(?:{'|'.join(_SEP_WORDS)})\b"
SEP: Final = re.compile(rf"{_SEP_MARKS}|\s-+\s*|^\s*-+|\s*-+\s+|\s-+$|{_SEP_WORD}|និង|\.(?=\s|$)",
                        re.IGNORECASE)
#: SEP without the alternatives that need a hyphen, a full stop or Khmer: at every position
#: of text that has none of them it matches what SEP matches (about twice as fast).
_SEP_PLAIN: Final = re.compile(f"{_SEP_MARKS}|{_SEP_WORD}", re.IGNORECASE)
#: Every match of SEP in ASCII text holds one of these characters or (lower-cased) words.
_SEP_CHARS: Final = frozenset(",;:/&+|\n-.")
PAREN: Final = re.compile(r"\(([^()]*)\)?")
PLACEHOLDER: Final = re.compile(r"\x00(\d+)\x00")
#: Every match of COUNT, NATIONWIDE and VAGUE holds one of these (same flags): a text
#: without them has no claim or count, and the three patterns need not be tried.
_CLAIM_STEMS: Final = ("capital", "cit", "provinc", "municipalit", "nation", "country")
_CLAIM_WORDS: Final = re.compile("|".join(_CLAIM_STEMS), re.IGNORECASE)
FILLER: Final = frozenset("""
province provinces provincial town towns city cities capital capitals district districts
commune communes village villages municipality of in at on the a an whole work works working
over cover covers covering covered center centers centre centres shelter shelters client
clients target targets such as area areas based office offices branch branches region
regions only main also both etc including include includes incl e g ie i with from to for
krong khett srok khan sangkat level project projects program programme site sites
""".split()) | frozenset(NUMBERS)


@lru_cache(maxsize=65536)
def is_filler(token: str) -> bool:
    """True for words that name no place ("province", "of", "12", ...); kept per token."""
    t = latin(token).strip(".()[]'\"")
    return not t or t in FILLER or t.isdigit()


def number(text: str) -> int:
    """The value of a count word or digits ("12", "twelve", "twenty-four")."""
    t = latin(text).strip()
    return int(t) if t.isdigit() else NUMBERS[t.replace("-", " ") if t not in NUMBERS else t]


def fragments(text: str) -> list[str]:
    """The non-empty pieces of a list, split at separators."""
    sep = SEP
    if text.isascii():
        if _SEP_CHARS.isdisjoint(text) and not any(map(text.lower().__contains__, _SEP_WORDS)):
            return [text.strip()] if text.strip() else []  # one piece: no need for SEP
        if "-" not in text and "." not in text:
            sep = _SEP_PLAIN
    return [f.strip() for f in sep.split(text) if f and f.strip()]


def _may_claim(text: str) -> bool:
    """False when no COUNT, NATIONWIDE or VAGUE match can be in ``text``."""
    if text.isascii():  # IGNORECASE on ASCII is lower-casing
        low = text.lower()
        return any(map(low.__contains__, _CLAIM_STEMS))
    return _CLAIM_WORDS.search(text) is not None


def counts(text: str) -> list[re.Match[str]]:
    """The COUNT matches of ``text`` ("12 provinces"), in order.

    Examples
    --------
    >>> [m.group(0) for m in counts("12 capital/provinces: PP, KSP")], counts("Takeo")
    (['12 capital/provinces'], [])
    """
    return list(COUNT.finditer(text)) if _may_claim(text) else []


def claims(text: str) -> tuple[str, list[str], list[str]]:
    """The text without nationwide claims (24/25 counts included) and vague phrases, each
    replaced by a separator; the claims and the vague phrases as written.

    Examples
    --------
    >>> claims("PP and other provinces")
    ('PP  ; ', [], ['and other provinces'])
    >>> claims("24 capital/provinces")[1], claims("Takeo") == ("Takeo", [], [])
    (['24 capital/provinces'], True)
    """
    if not _may_claim(text):
        return text, [], []
    nationwide = [m.group(0) for m in NATIONWIDE.finditer(text)]
    rest = NATIONWIDE.sub(" ; ", text)
    nationwide += [m.group(0) for m in COUNT.finditer(rest) if number(m.group("n")) in (24, 25)]
    rest = COUNT.sub(lambda m: " ; " if number(m.group("n")) in (24, 25) else m.group(0), rest)
    vague = [m.group(0).strip() for m in VAGUE.finditer(rest)]
    return VAGUE.sub(" ; ", rest), nationwide, vague
