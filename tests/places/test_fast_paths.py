"""The fast paths of place text give what the rules they shortcut give (issue 16).

``variant_key`` folds ``LATIN_VARIANTS`` word by word, ``key`` has an ASCII path,
``spaced`` finds the Latin words instead of blanking everything else, ``fragments`` skips
the separator pattern when no separator can be in the text, and the fuzzy guard compares
a query only with the place names that can reach its score; each is checked here against
the plain rule on the place names and on seeded misspellings of them. The scan of a
fragment looks an ASCII n-gram up by its tokens' keys joined, after a test on the known
keys; that is checked against looking the whole piece up.
"""
from __future__ import annotations

import math
import random
import re

import pytest
from rapidfuzz import fuzz, process

from coverage.places import fuzzy, grammar, places
from coverage.places import resolve as resolver
from coverage.places.names import fuzzy_choices
from coverage.places.text import (LATIN_VARIANTS, ascii_keys, key, latin, plain_key, spaced,
                                  variant_key)


def _names() -> list[str]:
    return sorted(set(places()["name"]) | set(fuzzy_choices()))


def _misspelt(names: list[str], n: int = 3000, seed: int = 16) -> list[str]:
    rng, letters = random.Random(seed), "abcdeghiklmnoprstuvy .-"
    out = []
    for _ in range(n):
        w = list(rng.choice(names))
        for _ in range(rng.randint(1, 2)):
            i = rng.randrange(len(w) + 1)
            op = rng.randrange(3)
            if op == 0:
                w.insert(i, rng.choice(letters))
            elif w and i < len(w):
                w[i:i + 1] = [] if op == 1 else [rng.choice(letters)]
        out.append("".join(w).title() if rng.random() < 0.5 else "".join(w))
    return out


def _variant_key_by_rules(text: str) -> str:
    s = spaced(text)
    for pattern, repl in LATIN_VARIANTS:
        s = re.sub(pattern, repl, s)
    return s.replace(" ", "")


def _key_by_rules(text: str) -> str:
    s = "".join(ch for ch in _kampong(latin(text)) if ch.isalnum())
    return s


def _kampong(s: str) -> str:
    return re.sub(r"\b(?:kg|kpg)(?![a-z0-9])\.?|\bkompong|\bkampong", "kampong", s)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    names = _names()
    return names + _misspelt(names) + ["Kg. Cham", "KPG-Thom", "Stueng  Trang!", "Sambuor", ""]


def test_variant_key_is_the_rules_in_order(texts):
    latin_texts = [t for t in texts if t.isascii()]
    assert [variant_key(t) for t in latin_texts] == [_variant_key_by_rules(t) for t in latin_texts]


def test_ascii_key_is_the_general_key(texts):
    ascii_texts = [t for t in texts if t.isascii()]
    assert [key(t) for t in ascii_texts] == [_key_by_rules(t) for t in ascii_texts]
    assert [plain_key(t) for t in ascii_texts] == ["".join(c for c in t.lower() if c.isalnum())
                                                   for t in ascii_texts]


def test_spaced_is_the_blank_and_split_rule(texts):
    def by_rule(text):
        s = _kampong(latin(text))
        return " ".join(re.sub(r"[^0-9a-z]+", " ", s).split())

    odd = ["Kg.Cham/Takeo", "ក្រុងតាកែវ Takeo", "B. Meanchey\t(BMC)", "  ", "12 provinces"]
    assert [spaced(t) for t in texts + odd] == [by_rule(t) for t in texts + odd]


def test_fragments_without_a_separator_are_what_the_pattern_gives(texts):
    """Seeded texts built from separators, near-separators and names: the shortcut
    (no separator character or word in the text) never changes the pieces."""
    rng = random.Random(16)
    parts = [",", ";", ":", "/", "&", "+", "|", "\n", "-", " - ", ".", ". ", " and ", "AND",
             " or ", "Oral", " plus ", " as well as ", "Andong", "Koh Kong", "Takeo", " ",
             "និង", "ស្រុក"]
    made = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 6))) for _ in range(20000)]
    for text in texts + made:
        assert grammar.fragments(text) == [f.strip() for f in grammar.SEP.split(text)
                                           if f and f.strip()], text


def _rival_by_all_names(query: str, score: float):
    names, official, *_ = fuzzy._place_choices()
    slack = 1 - score / 100
    lo = math.ceil(len(query) * (1 - slack) / (1 + slack) - 1e-9)
    hi = math.floor(len(query) * (1 + slack) / (1 - slack) + 1e-9)
    keep = [i for i, n in enumerate(names) if lo <= len(n) <= hi]
    best = process.extractOne(query, [names[i] for i in keep], scorer=fuzz.ratio,
                              score_cutoff=score)
    return None if best is None else (official[keep[best[2]]], best[1])


def test_fuzzy_guard_compares_every_name_that_can_reach_the_score(texts):
    """Any province spelling as the anchor, any score from the cut-off up: same best name."""
    choices = list(fuzzy_choices())
    names, official, *_ = fuzzy._place_choices()
    checked = 0
    for text in texts:
        query = spaced(text)
        if not query:
            continue
        anchor, best, _ = process.extractOne(query, choices, scorer=fuzz.ratio)
        for score in {88.0, 93.0, max(best, 88.0)}:
            keep = fuzzy._candidates(query, anchor, score)
            got = process.extractOne(query, [names[i] for i in keep], scorer=fuzz.ratio,
                                     score_cutoff=score)
            got = None if got is None else (official[keep[got[2]]], got[1])
            assert got == _rival_by_all_names(query, score), (text, score)
            checked += got is not None
    assert checked > 1000


def _ngrams(texts: list[str], seed: int = 16):
    """(tokens, i, j) of every n-gram of up to 5 tokens of the texts and of seeded runs of
    them (several names, punctuation and filler in one fragment)."""
    rng = random.Random(seed)
    runs = [" ".join(rng.choice(texts) for _ in range(rng.randint(2, 4))) for _ in range(2000)]
    runs += ["Kg. Kaoh Soutin district", "KPG-Thom Stueng Trang", "srok Samraong (Takeo)"]
    for text in texts + runs:
        tokens = text.split()
        for i in range(len(tokens)):
            for j in range(i + 1, min(len(tokens), i + 5) + 1):
                yield tokens, i, j


def test_ascii_ngram_keys_are_their_tokens_keys_joined(texts):
    for tokens, i, j in _ngrams([t for t in texts if t.isascii()]):
        piece = " ".join(tokens[i:j])
        parts = [ascii_keys(t) for t in tokens[i:j]]
        assert ("".join(p[0] for p in parts), "".join(p[1] for p in parts)) == (
            key(piece), variant_key(piece)), piece


def test_scan_lookup_finds_what_the_whole_piece_finds(texts):
    """Joined token keys and the known-key test against key() and variant_hit() of the piece."""
    found = 0
    for tokens, i, j in _ngrams(texts + ["ស្រុកពួក Puok", "Kâmpóng Spœ Takeo"]):
        keys = [resolver._token_keys(t) for t in tokens]
        got = resolver._lookup(tokens, keys, i, j)
        want = resolver._find(" ".join(tokens[i:j]))
        if isinstance(want, tuple):
            assert (got.fragment, got.hit, got.variant) == (" ".join(tokens[i:j]), *want)
        else:
            assert got == want, tokens[i:j]
        found += want is not None
    assert found > 3000
