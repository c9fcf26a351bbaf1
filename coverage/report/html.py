"""HTML building blocks of the report: style, escaping, tables and inline figures."""
from __future__ import annotations

import base64
import html
import numbers
import re

import numpy as np
import pandas as pd

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;
max-width:1100px;margin:0 auto;padding:1.5rem;line-height:1.45;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #1F3A93;padding-bottom:.2rem;
margin-top:2.2rem}h3{margin-bottom:.3rem}
.meta{color:#444}table.params{width:auto}table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.88rem;width:100%}
table{display:block;max-width:100%;overflow-x:auto}
th,td{border:1px solid #bbb;padding:.25rem .45rem;text-align:left;vertical-align:top;
overflow-wrap:break-word}
@media (max-width:700px){body{padding:.6rem}table{font-size:.8rem}}
th{background:#eef1f7}td.num,th.num{text-align:right}
figure{margin:1rem 0;text-align:center}figure img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#444}.swatch{display:inline-block;width:.8em;height:.8em;
margin-right:.35em;border:1px solid #555;vertical-align:baseline}
ul.findings li{margin-bottom:.2rem}.kind{font-weight:600}
ul.summary{padding-left:1.2rem;font-size:1.02rem}ul.summary li{margin-bottom:.45rem}
ul.summary li.caveat{color:#444;font-size:.93rem}
ul.summary ul{margin:.2rem 0 0;padding-left:1.1rem}ul.summary ul li{margin-bottom:.1rem}
#parameters h1{font-size:1.25rem}#parameters{margin-top:2.2rem;border-top:2px solid #1F3A93}
@media print{body{max-width:none;padding:0;font-size:10pt}table{display:table}h2{break-after:avoid}
figure,table,tr{break-inside:avoid}a{color:inherit;text-decoration:none}}
"""



#: Text that is a number, a percentage or a withheld count ("12", "0.25", "50%", "<5").
NUMBER = re.compile(r"<?-?\d[\d,]*(\.\d+)?%?")


def escape(value: object) -> str:
    return html.escape("" if value is None or value is pd.NA else str(value))


def swatch(colour: str) -> str:
    return f"<span class=\"swatch\" style=\"background:{escape(colour)}\"></span>"


def html_table(df: pd.DataFrame) -> str:
    """``df`` as an HTML table; numbers (and text that reads as one) right-aligned.

    Each distinct cell value (by type and value: ``1``, ``1.0`` and ``True`` are told
    apart) is rendered once; unhashable cells (lists) every time.
    """
    head = "".join(f"<th>{escape(c)}</th>" for c in df.columns)
    rendered: dict[tuple[type, object], str] = {}
    rows = []
    columns = [_values(df.iloc[:, k]) for k in range(df.shape[1])]
    for rec in zip(*columns) if columns else df.itertuples(index=False):
        cells = []
        for value in rec:
            key = (type(value), value)
            try:
                td = rendered.get(key)
                if td is None:
                    td = rendered[key] = _td(value)
            except TypeError:   # a list, or pd.NA compared with a colliding key
                td = _td(value)
            cells.append(td)
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _values(column: pd.Series) -> list:
    """The cells of ``column`` as iterating it gives them (``tolist`` where that is the
    same and faster: numpy, text and categorical columns)."""
    dtype = column.dtype
    if (isinstance(dtype, np.dtype) and dtype.kind in "biufO") or isinstance(
            dtype, (pd.StringDtype, pd.CategoricalDtype)):
        return column.tolist()
    return list(column)


def _td(value: object) -> str:
    """One ``<td>`` of :func:`html_table`."""
    numeric = (isinstance(value, numbers.Number) and not isinstance(value, bool)) or (
        isinstance(value, str) and NUMBER.fullmatch(value) is not None)
    return f"<td class=\"num\">{cell(value)}</td>" if numeric else f"<td>{cell(value)}</td>"


def cell(value: object) -> str:
    """A table cell as HTML text: lists joined, floats to 3 significant digits."""
    if isinstance(value, (list, tuple)):
        return escape("; ".join(str(v) for v in value))
    if isinstance(value, float):
        return "" if pd.isna(value) else escape(f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}")
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return escape(value)


def figure(png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f"<figure><img alt=\"{escape(caption)}\" src=\"data:image/png;base64,{data}\">"
            f"<figcaption>{escape(caption)}</figcaption></figure>")
