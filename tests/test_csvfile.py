"""coverage.csvfile writes what ``neutralise(table).to_csv(...)`` writes, byte for byte."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coverage.csvfile import _csv_text, _safe_cell, neutralise, plain_table, write_csv

CHARS = list('ab =+-@\t\r\n,"\';x1.e') + ["é", "ក"]


def _text(rng) -> str:
    return "".join(rng.choice(CHARS, size=rng.integers(0, 6)))


def _column(rng, kind: int, n: int):
    maybe = [rng.random() > 0.3 for _ in range(n)]
    if kind == 0:
        return pd.Series([_text(rng) for _ in range(n)], dtype=str)
    if kind == 1:
        return pd.Series([_text(rng) if m else None for m in maybe], dtype=object)
    if kind == 2:
        return pd.Categorical([_text(rng) if m else None for m in maybe])
    if kind == 3:
        return rng.integers(-5, 5, n)
    if kind == 4:
        return pd.array([int(x) if m else None for x, m in zip(rng.integers(-5, 5, n), maybe)],
                        dtype="Int64")
    if kind == 5:
        return rng.random(n) > 0.5
    if kind == 6:
        return rng.random(n) * 10 - 5   # floats: written by to_csv itself
    return pd.Series([_text(rng) if m else int(rng.integers(9)) for m in maybe], dtype=object)


@pytest.mark.parametrize("seed", range(4))
def test_same_bytes_as_to_csv(seed, tmp_path):
    rng = np.random.default_rng(seed)
    fast = 0
    for _ in range(150):
        n, width = int(rng.integers(0, 30)), int(rng.integers(1, 5))
        df = pd.DataFrame({f"c{j}": _column(rng, int(rng.integers(0, 8)), n) for j in range(width)})
        if rng.random() < 0.3:
            df.columns = [_text(rng) + str(j) for j in range(width)]
        header = [_safe_cell(str(c)) for c in df.columns]
        want = neutralise(plain_table(df)).to_csv(index=False, header=header, lineterminator="\n")
        write_csv(df, tmp_path / "t.csv")
        assert (tmp_path / "t.csv").read_bytes() == want.encode("utf-8")
        fast += _csv_text(plain_table(df), header) is not None
    assert fast > 30   # the distinct-value path was taken, not only to_csv
