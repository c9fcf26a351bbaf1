"""Text normalisation: Latin and Khmer matching keys, and romanisation variants.

Three levels of sameness, used in this order by the resolver:

* :func:`key`: case-, accent-, punctuation- and space-insensitive; ``Kg``/``Kpg``/``Kompong``
  read as ``Kampong``; Khmer text cleaned of common typing slips (:func:`clean_khmer`).
* :func:`variant_key`: :func:`key` after folding known romanisation variants
  (:data:`LATIN_VARIANTS`) and Khmer long/short vowel pairs (:data:`KHMER_VARIANTS`).
  Used for district, commune and town names only ("near-exact").
* fuzzy scores (in :mod:`coverage.places.resolve`), for province names only.

Examples
--------
>>> key("Kompong-Cham"), key("Kâmpóng Spœ")
('kampongcham', 'kampongspoe')
>>> variant_key("Koh Sotin") == variant_key("Kaoh Soutin")
True
>>> variant_key("Stung Trang") == variant_key("Stueng Trang") != variant_key("Stung Treng")
True
>>> clean_khmer("លំំផាត់") == "លំផាត់"
True
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

__all__ = ["KHMER", "LATIN_VARIANTS", "KHMER_VARIANTS", "latin", "clean_khmer", "key",
           "plain_key", "spaced", "variant_key", "ascii_keys", "is_khmer"]

KHMER: Final = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF]")
_KHMER_PREFIXES: Final = ("រាជធានី", "ខេត្ដ")
_KAMPONG: Final = re.compile(r"\b(?:kg|kpg)(?![a-z0-9])\.?|\bkompong|\bkampong")
#: What :func:`plain_key` drops from ASCII text (``str.isalnum`` is ``[0-9A-Za-z]`` there).
_NOT_ALNUM: Final = re.compile(r"[^0-9A-Za-z]+")
#: What :func:`spaced` turns into a space.
_LATIN_WORD: Final = re.compile(r"[0-9a-z]+")
_LIGATURES: Final = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}

#: Invisible characters typed into Khmer text (zero-width space/joiners, soft hyphen, BOM).
_INVISIBLE: Final = re.compile("[\u200b\u200c\u200d\u00ad\ufeff]")
#: The same dependent vowel or sign typed twice in a row ("លំំផាត់").
_REPEATED_SIGN: Final = re.compile(r"([\u17B6-\u17D3\u17DD])\1+")
#: Split vowels typed as two signs, and nikahit typed before aa, -> the one standard form.
_KHMER_SLIPS: Final = (("\u17C1\u17B6", "\u17C4"),   # េ + ា -> ោ
                       ("\u17C1\u17B8", "\u17BE"),   # េ + ី -> ើ
                       ("\u17C6\u17B6", "\u17B6\u17C6"),  # ំ + ា -> ាំ
                       ("\u17D2\u178F", "\u17D2\u178A"))  # coeng ta -> coeng da

#: Romanisation variants folded by :func:`variant_key`, as (pattern, replacement) on
#: lower-case, space-separated words; documented in docs/gazetteer.md.
LATIN_VARIANTS: Final[tuple[tuple[str, str], ...]] = (
    (r"\bkaoh\b", "koh"),                                 # Kaoh Soutin / Koh Sotin
    (r"\b(?:stueng|steung|stoeng|stoung|stung)\b", "stung"),  # Stueng Trang / Stung Trang
    (r"\bsoutr\b", "sout"),                               # Sout Nikum / Soutr Nikom
    (r"\bnikum\b", "nikom"),                              # Sout Nikum / Soutr Nikom
    (r"\bphnum\b", "phnom"),                              # Phnum Srok / Phnom Srok
    (r"\btrapang\b", "trapeang"),                         # Trapeang Prasat / Trapang Prasat
    (r"\banglong\b", "anlong"),                           # Anlung Veaeng / Anglong Vaeng
    (r"\bsangkum\b", "sangkom"),                          # Sangkum Thmei / Sangkom Thmei
    (r"uo", "ou"),                                        # Sambour / Sambuor
    (r"ae", "e"),                                         # Bar Kaev / Bar Kev
    (r"ao", "o"),                                         # Samraong / Samrong
    (r"ou", "o"),                                         # Kaoh Soutin / Koh Sotin
    (r"oe", "e"),                                         # Neak Loeang / Neak Leang
    (r"ea", "e"),                                         # Anlung Veaeng / Anlong Veng
    (r"ung\b", "ong"),                                    # Anlung Veaeng / Anlong Veng
    (r"([aeiou])\1+", r"\1"),                             # a vowel typed twice
)
#: Khmer long and short vowel signs typed for one another (សូទ្រនីគម / សូទ្រនិគម).
KHMER_VARIANTS: Final[tuple[tuple[str, str], ...]] = (
    ("\u17B8", "\u17B7"),   # ី -> ិ
    ("\u17BA", "\u17B9"),   # ឺ -> ឹ
    ("\u17BC", "\u17BB"),   # ូ -> ុ
)

#: :data:`LATIN_VARIANTS` as steps on one word. Every fold acts within a word (no pattern
#: matches a space), so folding the words of :func:`spaced` text one by one and joining them
#: is the same as applying :data:`LATIN_VARIANTS` in order to the whole text and removing the
#: spaces. Whole-word rules (``\b(?:a|b)\b``) become dict look-ups, plain letters
#: ``str.replace``; the others stay regular expressions.
_WORD_RULE: Final = re.compile(r"\\b(?:\(\?:)?([a-z|]+)\)?\\b")


_Step = dict[str, str] | tuple[tuple[str, str], ...] | tuple[re.Pattern[str], str]


def _fold_steps() -> tuple[_Step, ...]:
    """The rules grouped: consecutive whole-word rules composed into one dict, consecutive
    plain-letter rules into one tuple of (old, new), each other rule as (pattern, new)."""
    steps: list = []  # dicts, lists of (old, new), (pattern, new)
    for pattern, repl in LATIN_VARIANTS:
        if " " in pattern or "\\s" in pattern or "." in pattern:
            raise ValueError(f"LATIN_VARIANTS: {pattern!r} may match across words")
        whole = _WORD_RULE.fullmatch(pattern)
        if whole:
            rule = dict.fromkeys(whole.group(1).split("|"), repl)
            if steps and isinstance(steps[-1], dict):  # earlier rules first, then this one
                done = {w: rule.get(v, v) for w, v in steps[-1].items()}
                steps[-1] = {**rule, **done}
            else:
                steps.append(rule)
        elif pattern.isalpha():
            if steps and isinstance(steps[-1], list):
                steps[-1].append((pattern, repl))
            else:
                steps.append([(pattern, repl)])
        else:
            steps.append((re.compile(pattern), repl))
    return tuple(tuple(s) if isinstance(s, list) else s for s in steps)


_FOLD_STEPS: Final = _fold_steps()


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """One lower-case Latin word with :data:`LATIN_VARIANTS` folded, in their order (kept
    per word: the n-grams of a text share their words)."""
    for step in _FOLD_STEPS:
        if isinstance(step, dict):
            word = step.get(word, word)
        elif isinstance(step[0], tuple):
            for old, new in step:
                word = word.replace(old, new)
        elif step[0].search(word):  # sub() parses a template like r"\1" on every call
            word = step[0].sub(step[1], word)
    return word


def is_khmer(text: str) -> bool:
    """True when ``text`` holds a Khmer letter.

    Examples
    --------
    >>> is_khmer("ព្រៃឈរ"), is_khmer("Prey Chhor")
    (True, False)
    """
    return bool(KHMER.search(text))


def clean_khmer(text: str) -> str:
    """Khmer text with common typing slips undone; other text unchanged.

    Removes invisible characters, collapses a vowel sign or diacritic typed twice,
    joins split vowels (េ+ា -> ោ), puts nikahit after aa, reads coeng ta as coeng da.

    Examples
    --------
    >>> clean_khmer("ក\u200bណ្តាល") == "កណ្ដាល"
    True
    """
    if not is_khmer(text):
        return text
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    text = _REPEATED_SIGN.sub(r"\1", text)
    for typed, standard in _KHMER_SLIPS:
        text = text.replace(typed, standard)
    return text


def latin(text: str) -> str:
    """Lower-case, accent-free Latin text; Khmer characters are kept as they are.

    Examples
    --------
    >>> latin("Kâmpóng Spœ")
    'kampong spoe'
    """
    if text.isascii():  # the fast path: nothing to fold
        return text.lower()
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if KHMER.match(ch):
            out.append(ch)
            continue
        ch = _LIGATURES.get(ch, ch)
        out.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
    return "".join(out).lower()


def plain_key(text: str) -> str:
    """Letters and digits of :func:`latin` text, without the Kampong folding.

    Examples
    --------
    >>> plain_key("Kg. Cham")
    'kgcham'
    """
    s = latin(text)
    if s.isascii():
        return _NOT_ALNUM.sub("", s)
    return "".join(ch for ch in s if ch.isalnum() or KHMER.match(ch))


def key(text: str) -> str:
    """Matching key: case-, accent-, punctuation- and space-insensitive.

    ``Kg``/``Kg.``/``Kpg``/``Kompong`` all become ``kampong``; Khmer text is cleaned
    (:func:`clean_khmer`) and the រាជធានី (capital) and ខេត្ត (province) prefixes dropped.

    Examples
    --------
    >>> key("KOMPONG-CHAM"), key("Kg Cham")
    ('kampongcham', 'kampongcham')
    >>> key("ខេត្តតាកែវ") == key("តាកែវ")
    True
    """
    if text.isascii():  # no Khmer, no accents: the Latin words (Kampong folded), joined
        return "".join(_latin_words(text))
    s = plain_key(_KAMPONG.sub("kampong", latin(clean_khmer(text))))
    for prefix in _KHMER_PREFIXES:
        if s.startswith(prefix) and len(s) > len(prefix):
            s = s[len(prefix):]
    return s


def spaced(text: str) -> str:
    """Lower-case Latin words separated by single spaces (Kampong folded).

    Examples
    --------
    >>> spaced("Kg. Speu!")
    'kampong speu'
    """
    return " ".join(_latin_words(text))


def _latin_words(text: str) -> list[str]:
    s = latin(text)
    return _LATIN_WORD.findall(_KAMPONG.sub("kampong", s) if "k" in s else s)


def ascii_keys(text: str) -> tuple[str, str]:
    """:func:`key` and :func:`variant_key` of ASCII text, from one reading of its words.

    Examples
    --------
    >>> ascii_keys("Kg. Kaoh Soutin")
    ('kampongkaohsoutin', 'kampongkohsotin')
    """
    words = _latin_words(text)
    return "".join(words), "".join(map(_fold_word, words))


def variant_key(text: str) -> str:
    """:func:`key` with romanisation variants and Khmer vowel-length pairs folded.

    Examples
    --------
    >>> variant_key("Soutr Nikom") == variant_key("Sout Nikum")
    True
    >>> variant_key("សូទ្រនីគម") == variant_key("សូទ្រនិគម")
    True
    """
    if not text.isascii() and is_khmer(text):
        s = key(text)
        for long, short in KHMER_VARIANTS:
            s = s.replace(long, short)
        return s
    return "".join(map(_fold_word, _latin_words(text)))
