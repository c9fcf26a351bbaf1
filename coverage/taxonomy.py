"""The forum's six service groups and their numbered service types.

Everything here is defined once and read everywhere else: group ids, names,
slugs, the colours of the forum's map pins (report, section IV) and the
service types exactly as the annex tables of Group Discussion 1 number them.

Examples
--------
>>> from coverage.taxonomy import get_group, get_service
>>> get_group("shelter").id
3
>>> get_service(1, 6).name
'Authority conducts raid/rescue'
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["Group", "Service", "GROUPS", "SERVICES", "get_group", "group_id", "get_service",
           "groups_table", "services_table", "ServiceNotFound", "find_service", "synonyms_table"]


@dataclass(frozen=True)
class Group:
    """A service group: one colour of pin on the forum's map."""

    id: int
    name: str
    slug: str
    pin: str
    colour: str


@dataclass(frozen=True)
class Service:
    """A numbered service type within a group."""

    group_id: int
    id: int
    name: str


GROUPS: tuple[Group, ...] = (
    Group(1, "Immediate support and emergency package", "immediate", "light blue", "#56B4E9"),
    Group(2, "Medical and psychological support", "medical", "yellow", "#E6C619"),
    Group(3, "Shelter and interim care", "shelter", "dark blue", "#1F3A93"),
    Group(4, "Education, vocational training and employment", "education", "green", "#1E8449"),
    Group(5, "Legal aid", "legal", "red", "#C0392B"),
    Group(6, "Community acceptance and integration", "community", "black", "#1C1C1C"),
)

_SERVICE_NAMES: dict[int, tuple[str, ...]] = {
    1: (
        "Repatriation/return facilitation",
        "On-arrival support/reception",
        "Temporary accommodation",
        "Basic need package",
        "Transportation fee (travel back to home village)",
        "Authority conducts raid/rescue",
    ),
    2: (
        "General medical care",
        "Clinical treatment",
        "Mental health care",
        "Psycho-social counseling",
        "Psychological therapy",
        "Transportation fee to access health services",
    ),
    3: (
        "Shelter/Center",
        "Interim care (food, supplies, health check-up, life skills...)",
    ),
    4: (
        "Formal education/available support (ex. scholarship)",
        "Informal education/available support (ex. scholarship)",
        "Job placement",
        "Start-up capital assistance",
        "Start-up logistics assistance",
        "Vocational training",
    ),
    5: (
        "Legal counseling/advice/assistance (complaint...)",
        "Legal investigation",
        "Legal representation (lawyers at the court)",
        "Criminal case referral coordination",
    ),
    6: (
        "Family tracing",
        "On-going support in community (follow-up and monitoring...)",
        "Referral hotline/coordination service",
        "Self-help group service",
        "Coordination prior to reintegration",
        "Collaboration with commune council (Commission on Women and Children)",
    ),
}

SERVICES: tuple[Service, ...] = tuple(
    Service(g, i, name)
    for g, names in _SERVICE_NAMES.items()
    for i, name in enumerate(names, start=1)
)


def _norm(text: object) -> str:
    return " ".join(str(text).strip().lower().replace("_", " ").split())


def get_group(key: int | str) -> Group:
    """Return the group named by id, slug or name (case-insensitive).

    Parameters
    ----------
    key : int or str
        ``3``, ``"3"``, ``"shelter"`` or ``"Shelter and interim care"``.

    Raises
    ------
    KeyError
        If nothing matches; the message lists the valid groups.

    Examples
    --------
    >>> get_group("Legal aid").slug
    'legal'
    """
    k = _norm(key)
    for g in GROUPS:
        if k in (str(g.id), g.slug, _norm(g.name)):
            return g
    valid = ", ".join(f"{g.id} {g.slug}" for g in GROUPS)
    raise KeyError(f"unknown service group {key!r}; expected one of: {valid}")


def group_id(key: int | str) -> int:
    """The id of a group named by id, slug or name; ``0`` for ``0`` or ``"all"`` (all groups).

    Examples
    --------
    >>> group_id("legal"), group_id("all"), group_id(0)
    (5, 0, 0)
    """
    if key == 0 or isinstance(key, str) and key.strip().lower() in ("0", "all"):
        return 0
    return get_group(key).id


def get_service(group: int | str, key: int | str) -> Service:
    """Return a group's service type by number or name (case-insensitive).

    Examples
    --------
    >>> get_service("legal", "legal investigation").id
    2
    """
    g = get_group(group)
    k = _norm(key)
    for s in SERVICES:
        if s.group_id == g.id and k in (str(s.id), _norm(s.name)):
            return s
    valid = "; ".join(f"{s.id} {s.name}" for s in SERVICES if s.group_id == g.id)
    raise KeyError(f"unknown service {key!r} in group {g.id} ({g.slug}); expected one of: {valid}")


def groups_table() -> pd.DataFrame:
    """The six groups as a DataFrame (``group_id``, ``group``, ``slug``, ``pin``, ``colour``)."""
    return pd.DataFrame(
        [(g.id, g.name, g.slug, g.pin, g.colour) for g in GROUPS],
        columns=["group_id", "group", "slug", "pin", "colour"],
    )


def services_table() -> pd.DataFrame:
    """Every service type as a DataFrame (``group_id``, ``service_id``, ``service``)."""
    return pd.DataFrame(
        [(s.group_id, s.id, s.name) for s in SERVICES],
        columns=["group_id", "service_id", "service"],
    )


# --- forgiving service names ----------------------------------------------------------

#: How many closest service types an error suggests.
SUGGESTIONS = 3


class ServiceNotFound(KeyError):
    """No single service type matches a wording; ``closest`` holds the likeliest ones."""

    def __init__(self, key: object, reason: str, closest: tuple[Service, ...]) -> None:
        self.message = f"service {key!r} {reason}"
        super().__init__(self.message)
        self.reason = reason
        self.closest = closest

    def __str__(self) -> str:
        return self.message


#: Spelling variants read as the annex spells them (British -> the annex's US spelling).
_SPELLINGS = (("counsell", "counsel"), ("psycho social", "psychosocial"), ("centre", "center"))


def _words(text: object) -> str:
    """Lower case, hyphens joined ("psycho-social" -> "psychosocial"), other marks -> spaces.

    >>> _words("Psycho social Counselling / Centre")
    'psychosocial counseling center'
    """
    text = re.sub(r"(?<=\w)-(?=\w)", "", str(text).lower())
    text = " ".join(re.sub(r"[^\w]+", " ", text).split())
    for variant, spelling in _SPELLINGS:
        text = text.replace(variant, spelling)
    return text


@lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[str, int, int, str], ...]:
    path = resources.files("coverage") / "data" / "service_synonyms.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return tuple((row["wording"], int(row["group_id"]), int(row["service_id"]), row["source"])
                     for row in csv.DictReader(f))


def synonyms_table() -> pd.DataFrame:
    """The documented wordings that name a service type (``coverage/data/service_synonyms.csv``).

    Examples
    --------
    >>> table = synonyms_table()
    >>> table.loc[table["wording"] == "shelter", ["group_id", "service_id"]].values.tolist()
    [[3, 1]]
    """
    return pd.DataFrame(list(_synonyms()), columns=["wording", "group_id", "service_id", "source"])


def _closest(key: str, pool: list[Service]) -> tuple[Service, ...]:
    from rapidfuzz import fuzz, process

    ids = {(s.group_id, s.id) for s in pool}
    names = [(s.name, s) for s in pool] + [
        (w, get_service(g, i)) for w, g, i, _ in _synonyms() if (g, i) in ids]
    best = process.extract(_words(key), [_words(n) for n, _ in names], scorer=fuzz.WRatio,
                           limit=len(names))
    out: list[Service] = []
    for _, _, i in best:
        if names[i][1] not in out:
            out.append(names[i][1])
    return tuple(out[:SUGGESTIONS])


def find_service(key: int | str, group: int | str | None = None) -> Service:
    """The service type a wording names, within ``group`` when given, else in any group.

    Tried in order, each step only among the group's types (or all types): the number as
    ``kh-coverage services`` prints it ("3.2"), the number (with a group), the exact name, a documented synonym (:func:`synonyms_table`), then a
    partial name (every word of ``key`` in one type's name). Case, hyphens and punctuation
    are ignored. The first step that finds exactly one type wins.

    Raises
    ------
    ServiceNotFound
        When nothing matches, or a step matches several types; ``closest`` lists the
        likeliest types for the message.

    Examples
    --------
    >>> find_service("shelter").name
    'Shelter/Center'
    >>> find_service("counselling", group=5).name
    'Legal counseling/advice/assistance (complaint...)'
    >>> find_service("vocational").id
    6
    >>> find_service("3.2", group="shelter").name
    'Interim care (food, supplies, health check-up, life skills...)'
    >>> find_service("counselling")
    Traceback (most recent call last):
    ...
    coverage.taxonomy.ServiceNotFound: service 'counselling' is in several groups (2, 5): give the group
    >>> try:
    ...     find_service("sheltr")
    ... except ServiceNotFound as exc:
    ...     print(exc.closest[0].name)
    Shelter/Center
    """
    g = None if group is None else get_group(group)
    numbered = re.fullmatch(r"\s*([1-6])\s*\.\s*(\d+)\s*", str(key))
    if numbered:
        try:
            found = get_service(int(numbered[1]), int(numbered[2]))
        except KeyError:
            found = None
        if found is not None and (g is None or g.id == found.group_id):
            return found
        if found is not None:
            raise ServiceNotFound(key, f"is a type of group {found.group_id}, not of group "
                                  f"{g.id} ({g.slug})", (found,))
    pool = [s for s in SERVICES if g is None or s.group_id == g.id]
    k = _words(key)
    steps = (
        [s for s in pool if k == str(s.id)],
        [s for s in pool if k == _words(s.name)],
        [get_service(gi, si) for w, gi, si, _ in _synonyms()
         if _words(w) == k and (g is None or gi == g.id)],
        [s for s in pool if k and set(k.split()) <= set(_words(s.name).split())],
    )
    for found in steps:
        found = list(dict.fromkeys(found))
        if len(found) == 1:
            return found[0]
        if found:
            groups = sorted({s.group_id for s in found})
            raise ServiceNotFound(
                key, f"is in several groups ({', '.join(map(str, groups))}): give the group"
                if len(groups) > 1 else f"matches {len(found)} types of group {groups[0]}: "
                "give the number or the full name", tuple(found))
    where = f" in group {g.id} ({g.slug})" if g else ""
    raise ServiceNotFound(key, f"is not a service type{where}", _closest(str(key), pool))
