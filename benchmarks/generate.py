"""Synthetic service records at scale, drawn from the forum's real area-text variants.

A national case-management export or a multi-year service directory has hundreds of
thousands of rows with messy place text and, for some rows, site coordinates. This module
makes such a table, seeded so every run gives the same rows in the same order:

* ``forum``: the area text of a real forum record, verbatim (lists, abbreviations such
  as "BB and SRP" or "PSHN", "24 capital/provinces", blanks);
* ``name``: one province, spelled as in the province table (English, NIS or short
  code) with case, spacing and "province" suffix noise;
* ``typo``: one province name with one seeded keyboard slip (dropped, doubled,
  swapped or replaced letter);
* ``list``: two to five province names joined the way the report joins them (drawn
  from a pool of ``LIST_POOL`` distinct lists);
* ``nationwide``: a nationwide claim;
* ``unplaceable``: text that names no province.

A share of rows (``site_share``) also gets site coordinates: points drawn uniformly in
the bounding box of Cambodia's province polygons, most of them inside a province and a
few just outside (sea or a neighbouring country), as GPS exports have.

Examples
--------
>>> from generate import make_records
>>> df = make_records(1000, seed=0)
>>> len(df), df["record_id"].is_unique
(1000, True)
"""
from __future__ import annotations

import argparse
import logging
import string
import sys
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

#: share of rows of each kind of area text (sums to 1)
KIND_SHARES = {
    "forum": 0.40,
    "name": 0.22,
    "typo": 0.15,
    "list": 0.12,
    "nationwide": 0.06,
    "unplaceable": 0.05,
}

#: nationwide claims: the report's own wording first, then common phrasings
NATIONWIDE = ("24 capital/provinces", "Target: 24 capital/provinces", "24 provinces",
              "Nationwide", "nationwide", "All provinces", "all 25 provinces")

#: text that names no province (the report has blanks and "id.", exports have worse)
UNPLACEABLE = ("", "N/A", "n/a", "-", "id.", "TBD", "unknown", "Centers",
               "border areas", "Other provinces", "see annex")

#: how the report joins province lists
SEPARATORS = (", ", " & ", " and ", "/", "; ", ", and ")

#: distinct province lists: a directory copies the same list across many rows, so the
#: number of distinct strings levels off (typos level off by themselves)
LIST_POOL = 5000

SITE_SHARE = 0.2        # rows with site coordinates
OUTSIDE_SHARE = 0.02    # of those, points outside every province


def _province_table(frame: str = "2013") -> pd.DataFrame:
    from coverage.places import provinces
    return provinces(frame).sort_values("code").reset_index(drop=True)


def _forum_table() -> pd.DataFrame:
    from coverage.records import load_forum_records
    return load_forum_records().records


def _name_variants(prov: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Every spelling of a single province the generator uses, with its code."""
    texts, codes = [], []
    for row in prov.itertuples(index=False):
        base = {row.name, row.name_nis, row.short}
        if row.name.startswith("Kampong "):
            base.add(row.name.replace("Kampong ", "Kg "))
            base.add(row.name.replace("Kampong ", "Kompong "))
        for b in sorted(base):
            for v in (b, b.upper(), b.lower(), f" {b} ", f"{b} province", f"{b} Province"):
                texts.append(v)
                codes.append(row.code)
    return np.array(texts, dtype=object), np.array(codes, dtype=object)


def _typo(word: str, rng: np.random.Generator) -> str:
    """One keyboard slip in ``word``: drop, double, swap or replace a letter."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    i = letters[int(rng.integers(len(letters)))]
    op = int(rng.integers(4))
    if op == 0:
        return word[:i] + word[i + 1:]
    if op == 1:
        return word[:i] + word[i] + word[i:]
    if op == 2 and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    c = string.ascii_lowercase[int(rng.integers(26))]
    return word[:i] + c + word[i + 1:]


def _list_pool(full: np.ndarray, codes: np.ndarray,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``LIST_POOL`` lists of two to five provinces, joined the way the report joins them."""
    text = np.empty(LIST_POOL, dtype=object)
    truth = np.empty(LIST_POOL, dtype=object)
    sizes = rng.integers(2, 6, size=LIST_POOL)
    seps = rng.integers(len(SEPARATORS), size=LIST_POOL)
    for j, (k, s) in enumerate(zip(sizes, seps)):
        chosen = np.sort(rng.choice(len(full), size=k, replace=False))
        text[j] = SEPARATORS[s].join(full[chosen])
        truth[j] = ";".join(codes[chosen])
    return text, truth


def _kinds(n: int, rng: np.random.Generator) -> np.ndarray:
    names = np.array(list(KIND_SHARES), dtype=object)
    return rng.choice(names, size=n, p=list(KIND_SHARES.values()))


def _area_text(kinds: np.ndarray, prov: pd.DataFrame, forum: pd.DataFrame,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Area text and the true province codes (``;``-joined, ``*`` nationwide, ``?`` forum)."""
    n = len(kinds)
    text = np.empty(n, dtype=object)
    truth = np.empty(n, dtype=object)
    names, name_codes = _name_variants(prov)

    idx = np.flatnonzero(kinds == "forum")
    forum_text = forum["area_text"].to_numpy(dtype=object)
    text[idx] = forum_text[rng.integers(len(forum_text), size=len(idx))]
    truth[idx] = "?"

    idx = np.flatnonzero(kinds == "name")
    pick = rng.integers(len(names), size=len(idx))
    text[idx], truth[idx] = names[pick], name_codes[pick]

    idx = np.flatnonzero(kinds == "typo")
    full = prov["name"].to_numpy(dtype=object)
    codes = prov["code"].to_numpy(dtype=object)
    pick = rng.integers(len(full), size=len(idx))
    text[idx] = [_typo(full[p], rng) for p in pick]
    truth[idx] = codes[pick]

    idx = np.flatnonzero(kinds == "list")
    lists, list_codes = _list_pool(full, codes, rng)
    pick = rng.integers(len(lists), size=len(idx))
    text[idx], truth[idx] = lists[pick], list_codes[pick]

    idx = np.flatnonzero(kinds == "nationwide")
    text[idx] = np.array(NATIONWIDE, dtype=object)[rng.integers(len(NATIONWIDE), size=len(idx))]
    truth[idx] = "*"

    idx = np.flatnonzero(kinds == "unplaceable")
    text[idx] = np.array(UNPLACEABLE, dtype=object)[rng.integers(len(UNPLACEABLE), size=len(idx))]
    truth[idx] = ""
    return text, truth


def _sites(n: int, polygons, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points in Cambodia's bounding box: ``OUTSIDE_SHARE`` outside every province."""
    import shapely

    land = shapely.union_all(polygons.geometry.to_numpy())
    shapely.prepare(land)
    west, south, east, north = land.bounds
    n_out = int(round(n * OUTSIDE_SHARE))
    inside, outside = [], []
    have_in = have_out = 0
    while have_in < n - n_out or have_out < n_out:
        m = max(2 * n, 1024)
        x = rng.uniform(west, east, m)
        y = rng.uniform(south, north, m)
        hit = shapely.contains_xy(land, x, y)
        inside.append(np.column_stack([x[hit], y[hit]]))
        outside.append(np.column_stack([x[~hit], y[~hit]]))
        have_in += int(hit.sum())
        have_out += int((~hit).sum())
    pts = np.vstack([np.vstack(inside)[: n - n_out], np.vstack(outside)[:n_out]])
    pts = pts[rng.permutation(n)]
    return pts[:, 0], pts[:, 1]


def make_records(n: int, seed: int = 0, site_share: float = SITE_SHARE,
                 frame: str = "2013") -> pd.DataFrame:
    """A records table of ``n`` synthetic offers with messy area text and some sites.

    Parameters
    ----------
    n : int
        Number of rows.
    seed : int
        Seed of the random generator; the same ``(n, seed)`` gives the same table.
    site_share : float
        Share of rows that get site coordinates (``lon``, ``lat``; NaN elsewhere).
    frame : {"2013", "2010"}
        Province frame whose polygons the site points are drawn in.

    Returns
    -------
    pandas.DataFrame
        The records columns of docs/architecture.md (``record_id``, ``group_id``,
        ``group``, ``service_id``, ``service``, ``institution``, ``programme``,
        ``area_text``, ``referral``, ``gaps``, ``recommendations``, ``notes``) plus
        ``lon``, ``lat``, ``kind`` (which kind of area text) and ``truth`` (true
        province codes joined by ``;``, ``*`` for nationwide, empty for none, ``?``
        for verbatim forum text).

    Examples
    --------
    >>> make_records(5, seed=1)["kind"].isin(KIND_SHARES).all()
    True
    """
    from coverage.taxonomy import GROUPS, services_table

    rng = np.random.default_rng(seed)
    prov = _province_table(frame="2013")
    forum = _forum_table()
    kinds = _kinds(n, rng)
    text, truth = _area_text(kinds, prov, forum, rng)

    services = services_table()
    pick = rng.integers(len(services), size=n)
    group_names = {g.id: g.name for g in GROUPS}
    institutions = np.array(sorted(set(forum["institution"]) - {""}), dtype=object)

    df = pd.DataFrame({
        "record_id": [f"S{i:07d}" for i in range(1, n + 1)],
        "group_id": services["group_id"].to_numpy()[pick],
        "service_id": services["service_id"].to_numpy()[pick],
        "service": services["service"].to_numpy()[pick],
        "institution": institutions[rng.integers(len(institutions), size=n)],
        "programme": "",
        "area_text": text,
        "referral": "",
        "gaps": "",
        "recommendations": "",
        "notes": "",
        "kind": kinds,
        "truth": truth,
    })
    df.insert(2, "group", df["group_id"].map(group_names))
    df["lon"] = np.nan
    df["lat"] = np.nan
    has_site = rng.random(n) < site_share
    if has_site.any():
        from coverage.boundaries import load_provinces
        lon, lat = _sites(int(has_site.sum()), load_provinces(frame), rng)
        df.loc[has_site, "lon"] = lon
        df.loc[has_site, "lat"] = lat
    log.info("made %d records (%d with sites), seed %d", n, int(has_site.sum()), seed)
    return df


def main(argv: list[str] | None = None) -> int:
    """Write ``records_<n>.csv`` files for a look at the data (``run.py`` does not need them)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated row counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for n in (int(s) for s in args.sizes.split(",")):
        path = args.out / f"records_{n}.csv"
        make_records(n, seed=args.seed).to_csv(path, index=False)
        sys.stderr.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
