"""Precision and recall of the library's place resolution and of the plain fuzzy baseline.

Scored on (record, province) pairs: precision = right provinces / provinces given, recall =
right provinces / true provinces. Two labelled samples:

* the generator's rows (``generate.py`` knows each row's true provinces: one, a list,
  all of them for a nationwide claim, none for unplaceable text; verbatim forum text,
  whose truth nobody wrote down, is left out);
* real sheets nobody on the team wrote, in ``../shared/data/external/health_facilities/``
  (read relative to the repository; skipped with a message when absent):
  ``yobol2022_records.csv`` (district names in English, truth ``province_en``),
  ``yobol2022_records_km.csv`` (the same in Khmer) and ``odc2010_records.csv`` (province
  names as written, truth ``pcode_2010``).
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from baselines import fuzzy_lookup, province_names

log = logging.getLogger("benchmarks")

ROOT = Path(__file__).resolve().parents[1]
SHEETS = ROOT.parent / "shared" / "data" / "external" / "health_facilities"


def library_sets(texts: list[str], frame: str) -> list[frozenset[str]]:
    """Provinces :func:`coverage.places.resolve_place` gives each text (nationwide included)."""
    from coverage.places import provinces, resolve_place, to_frame

    every = frozenset(provinces(frame)["code"])
    out = []
    for text in texts:
        res = resolve_place(text, frame) if text.strip() else None
        if res is None:
            out.append(frozenset())
            continue
        codes = {c for m in res.matches if m.method != "nationwide" for c in to_frame(m.code, frame)}
        out.append(frozenset(every if res.nationwide else codes))
    return out


def scores(predicted: list[frozenset[str]], truth: list[frozenset[str]]) -> dict:
    """Pair-level precision and recall, and the count of rows exactly right."""
    right = sum(len(p & t) for p, t in zip(predicted, truth))
    given = sum(len(p) for p in predicted)
    true = sum(len(t) for t in truth)
    return {"rows": len(truth), "precision": round(right / given, 4) if given else None,
            "recall": round(right / true, 4) if true else None,
            "rows exactly right": sum(p == t for p, t in zip(predicted, truth))}


def compare(texts: list[str], truth: list[frozenset[str]], frame: str) -> dict:
    """Library and baseline scored on the same labelled texts (each distinct text resolved once)."""
    uniq = list(dict.fromkeys(texts))
    lib = dict(zip(uniq, library_sets(uniq, frame)))
    names, codes = province_names(frame)
    base = dict(zip(uniq, (frozenset([c]) if c else frozenset()
                           for c in fuzzy_lookup(uniq, names, codes))))
    return {"library": scores([lib[t] for t in texts], truth),
            "baseline": scores([base[t] for t in texts], truth)}


def generated(records: pd.DataFrame, frame: str) -> dict:
    """Per kind of generated text, and over all labelled rows."""
    from coverage.places import provinces

    every = frozenset(provinces(frame)["code"])
    rows = records[records["truth"] != "?"]
    truth = [every if t == "*" else frozenset(filter(None, t.split(";"))) for t in rows["truth"]]
    texts = rows["area_text"].fillna("").tolist()
    out = {"all labelled rows": compare(texts, truth, frame)}
    kinds = rows["kind"].to_numpy()
    for kind in dict.fromkeys(kinds):
        pick = [i for i, k in enumerate(kinds) if k == kind]
        out[kind] = compare([texts[i] for i in pick], [truth[i] for i in pick], frame)
    return out


def real_sheets() -> dict:
    """The labelled real sheets, or a message saying why they were skipped."""
    from coverage.places import province_code

    if not SHEETS.is_dir():
        msg = f"skipped: {SHEETS} is absent (it sits beside the repository, not in it)"
        log.warning(msg)
        return {"skipped": msg}
    out = {}
    for name in ("yobol2022_records.csv", "yobol2022_records_km.csv"):
        df = pd.read_csv(SHEETS / name, dtype=str, keep_default_na=False)
        truth = [frozenset([province_code(p) or province_code(p.removesuffix(" City"))])
                 for p in df["province_en"]]
        out[name] = compare(df["area"].tolist(), truth, "2013")
    df = pd.read_csv(SHEETS / "odc2010_records.csv", dtype=str, keep_default_na=False)
    truth = [frozenset([f"{int(p):02d}"]) for p in df["pcode_2010"]]
    out["odc2010_records.csv"] = compare(df["area"].tolist(), truth, "2010")
    return out
