"""Fuzzy matching of a leftover to a province name, guarded by the place names.

A run of text that is no known name may still be a misspelt province name
(:func:`fuzzy_province`): the best province by ``fuzz.ratio`` is taken when it scores at
least ``FUZZY_CUTOFF``, leads the next province by ``FUZZY_MARGIN``, and no district,
commune or town of another province is as close (a fuzzy province never beats a place name).

Examples
--------
>>> fuzzy_province("Kampong Chhnanw")
('04', 93.3)
>>> fuzzy_province("Pursat Takeo") is None
True
"""
from __future__ import annotations

import math
from bisect import bisect_right
from functools import cache, lru_cache

import numpy as np

from coverage.places.names import fuzzy_choices, province_label
from coverage.places.tables import place_hit, places
from coverage.places.text import KHMER, spaced
from coverage.settings import FUZZY_CUTOFF, FUZZY_MARGIN

__all__ = ["fuzzy_province"]


@cache
def _rapidfuzz():
    """rapidfuzz's ``fuzz``, ``process`` and ``Indel``, imported when a text first needs
    them (a default ``analyze()`` never does)."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Indel

    return fuzz, process, Indel


@cache
def _place_choices() -> tuple[list[str], list[str], list[int], int]:
    """Spaced Latin place names, their official names, their lengths and the longest, for
    the fuzzy guard."""
    p = places()
    latin_ = p[~p["key"].str.contains(KHMER)].drop_duplicates("name")
    names = [spaced(n) for n in latin_["name"]]
    lens = [len(n) for n in names]
    return names, list(latin_["name"]), lens, max(lens)


@cache
def _choices() -> tuple[list[str], list[str]]:
    """The spellings of :func:`fuzzy_choices` and their provinces, in order."""
    choices = fuzzy_choices()
    return list(choices), list(choices.values())


@cache
def _by_distance(anchor: str) -> tuple[list[int], list[int]]:
    """The place choices by Indel distance from a province spelling (one of
    :func:`fuzzy_choices`, so a bounded table): (distances, indices), nearest first, ties in
    list order."""
    _, process, Indel = _rapidfuzz()
    names = _place_choices()[0]
    dist = process.cdist([anchor], names, scorer=Indel.distance, dtype=np.int32)[0]
    order = np.argsort(dist, kind="stable")
    return dist[order].tolist(), order.tolist()


def _candidates(query: str, anchor: str, score: float) -> list[int]:
    """Indices, in list order, of every place choice that may reach ``score`` against ``query``.

    ``fuzz.ratio`` is ``100 * (1 - d / (a + b))`` for the Indel distance ``d`` and lengths
    ``a`` and ``b``. A choice reaching ``score`` has a length within the bounds below and
    ``d(query, choice) <= slack * (a + b)``; the Indel distance is a metric, so its distance
    from ``anchor`` (the province spelling the query scored ``score`` against) is at most
    ``d(query, anchor)`` more. The other choices cannot reach ``score`` (same result, fewer
    comparisons); one edit of margin is kept against rounding. ``score`` is the query's
    ``fuzz.ratio`` against ``anchor``, so the indices depend only on the anchor, the query's
    length and its distance from the anchor: they are kept per (anchor, length, distance,
    score), which a name's typos share.
    """
    return _within(anchor, len(query), _rapidfuzz()[2].distance(query, anchor), score)


@lru_cache(maxsize=4096)
def _within(anchor: str, n: int, d: int, score: float) -> list[int]:
    """:func:`_candidates` of a query of length ``n`` at Indel distance ``d`` from ``anchor``."""
    *_, lens, longest = _place_choices()
    slack = 1 - score / 100
    lo = math.ceil(n * (1 - slack) / (1 + slack) - 1e-9)
    hi = math.floor(n * (1 + slack) / (1 - slack) + 1e-9) if slack < 1 else 10 ** 6
    bound = d + slack * (n + min(hi, longest)) + 1
    dist, order = _by_distance(anchor)
    return sorted([i for i in order[:bisect_right(dist, bound)] if lo <= lens[i] <= hi])


def _place_rival(query: str, anchor: str, code: str, score: float) -> str | None:
    """A place in another province that the query is at least as close to, described."""
    fuzz, process, _ = _rapidfuzz()
    names, official, *_ = _place_choices()
    keep = _candidates(query, anchor, score)
    if not keep:
        return None
    best = process.extractOne(query, [names[i] for i in keep], scorer=fuzz.ratio,
                              score_cutoff=score)
    if best is None:
        return None
    hit = place_hit(official[keep[best[2]]])
    if hit is None or code in hit.codes:
        return None
    where = ", ".join(province_label(c) for c in hit.codes)
    return f"'{hit.name}' in {where} ({best[1]:.0f})"


def fuzzy_province(text: str) -> tuple[str, float] | str | None:
    """Best province by ``fuzz.ratio``; None below the cut-off, a reason when unclear.

    Unclear: two provinces within the margin, or a district, commune or town of another
    province at least as close (a fuzzy province never beats a place name).

    Parameters
    ----------
    text : str
        A run of text that is no known name.

    Returns
    -------
    tuple of (str, float), str or None
        ``(code, score)``; the reason it is unclear; None when nothing is close enough.
    """
    fuzz, process, _ = _rapidfuzz()
    names, codes = _choices()
    query = spaced(text)
    scores: dict[str, float] = {}
    anchors: dict[str, str] = {}  # per province, a spelling with its best score
    # a runner-up below cutoff - margin cannot make the best unclear
    for name, s, i in process.extract(query, names, scorer=fuzz.ratio, limit=None,
                                      score_cutoff=FUZZY_CUTOFF - FUZZY_MARGIN):
        if s > scores.get(codes[i], -1.0):
            scores[codes[i]], anchors[codes[i]] = s, name
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or ranked[0][1] < FUZZY_CUTOFF:
        return None
    (a, sa) = ranked[0]
    if len(ranked) > 1 and sa - ranked[1][1] < FUZZY_MARGIN:
        b, sb = ranked[1]
        return f"unclear: close to {province_label(a)} ({sa:.0f}) and {province_label(b)} ({sb:.0f})"
    rival = _place_rival(query, anchors[a], a, sa)
    if rival:
        return f"unclear: close to {province_label(a)} ({sa:.0f}) and to the place {rival}"
    return a, round(sa, 1)
