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

from dataclasses import dataclass

import pandas as pd

__all__ = ["Group", "Service", "GROUPS", "SERVICES", "get_group", "group_id", "get_service",
           "groups_table", "services_table"]


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
