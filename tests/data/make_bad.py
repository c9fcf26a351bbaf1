"""Write the small broken (``bad/``) and valid (``good/``) sheets the records tests read.

Run from anywhere: ``python tests/data/make_bad.py``. The rows are real annex rows of the
forum report (institutions, service types, place cells); no staff names or phone numbers.
``bad/EXPECTED.md`` lists what each bad file must raise.
"""
from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
BAD, GOOD, HOSTILE = HERE / "bad", HERE / "good", HERE / "hostile"

CSV_TEXT = {
    BAD / "missing_column.csv": "instituion,service,area\nARM,Shelter/Center,BB and SRP\n",
    BAD / "unknown_group.csv": "institution,group,area\nARM,housing,BB and SRP\n",
    BAD / "unknown_service.csv": ("institution,group,service,area\n"
                                  "ARM,shelter,Shelter/Center,BB and SRP\n"
                                  "HCC,shelter,Safe house,Kandal\n"),
    BAD / "ambiguous_service.csv": "institution,service,area\nWHI,6,24 capital/provinces\n",
    BAD / "duplicate_id.csv": ("record_id,institution,group,area\n"
                               "A1,ARM,shelter,BB and SRP\nA2,HCC,shelter,Kandal\n"
                               "A1,WHI,shelter,PNH- SRP\n"),
    BAD / "wrong_type.csv": ("institution,group_id,service_id,area\n"
                             "LSCW,5,1,24 capital/provinces\nIJM,abc,2,24 capital/provinces\n"),
    BAD / "wrong_type_lon.csv": ("institution,group,lon,lat\n"
                                 "White Lotus,shelter,104.92,11.56\nARM,shelter,east,13.1\n"),
    BAD / "bad_coords.csv": ("institution,group,area,lon,lat\n"
                             "ARM,shelter,BB and SRP,103.2,13.1\nARM,shelter,,103.8,95\n"),
    BAD / "half_coords.csv": "institution,group,lon,lat\nARM,shelter,103.2,\n",
    BAD / "ragged.csv": ("institution,group,area\nARM,shelter,BB and SRP\n"
                         "HCC,shelter,Kandal,Koh Kong\n"),
    BAD / "group_mismatch.csv": "institution,group_id,group,area\nLICADHO,3,legal,PP\n",
    BAD / "header_only.csv": "institution,group,area\n\n",
    BAD / "empty.csv": "",
    BAD / "all_rejected.csv": ("institution,group,area\n"
                               ",shelter,BB and SRP\nARM,,Kandal\n"),
    BAD / "reserved_row.csv": "institution,group,area,_row\nARM,shelter,BB and SRP,7\n",
    # hostile text: formulas a spreadsheet would run, numbers that must stay numbers,
    # a terminal escape sequence and a multi-line cell (issue 11, item 5)
    HOSTILE / "formula_text.csv": (
        "institution,group,area,amount,contact\n"
        '"=HYPERLINK(""http://example.invalid"",""open"")",shelter,Battambang,-3.5,@SUM(1+1)\n'
        '+ARM,legal,Kandal,+12,"\tcall"\n'
        "-HCC,education,Siem Reap,1e3,-x\n"),
    HOSTILE / "escapes.csv": ("institution,group,area\n"
                              'ARM,shelter,"\x1b[2JBattambang"\n'
                              'HCC,legal,"Kandal\nKoh Kong"\n'),
    # need tables (``--need``) that must exit 2 naming file, row and column (item 6)
    HOSTILE / "need_inf.csv": "province,need\nKep,inf\nPailin,3\n",
    HOSTILE / "need_zero.csv": "".join(["province_code,need\n"] +
                                       [f"{c:02d},0\n" for c in range(1, 26)]),
    GOOD / "bom.csv": "\ufeffInstitution, Group ,Area\nWorld Hope,shelter,PNH- SRP\n",
    GOOD / "semicolon.csv": ("institution;service;group;area\n"
                             "KK;Start-up capital assistance;education;Kandal & Battambang Provinces\n"),
    GOOD / "tab.tsv": "Institution\tGroup\tArea\tDonor\nWACD\teducation\tPailin\tnone listed\n",
    GOOD / "rejected.csv": ("record_id,institution,group,service,area,notes\n"
                            "A1,ARM,shelter,,BB and SRP,\n"
                            "A2,,shelter,,Kandal,institution left blank\n"
                            ",,,,,\n"
                            "A3,WHI,,,PNH- SRP,no group\n"
                            "A4,MoSVY,community,family tracing,,\n"),
}

CSV_BYTES = {
    # "Kampóng Cham" as Excel writes it on Windows (cp1252: ó = 0xF3)
    GOOD / "cp1252.csv": "institution,group,area\nDestiny Rescue,shelter,Kampóng Cham\n".encode("cp1252"),
    # 0x81 is undefined in cp1252 and invalid as UTF-8
    BAD / "bad_encoding.csv": b"institution,group,area\nARM,shelter,Battambang \x81\n",
}

HEADER = ["institution", "group", "service", "area"]
ROWS = [["ARM", "shelter", "Shelter/Center", "BB and SRP"],
        ["HCC", "shelter", "Shelter/Center", "Kandal, Koh Kong"]]


def _book(sheets: dict[str, list[list[object]]], path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)


def _understate_dimension(path: Path, ref: str) -> None:
    """Rewrite the first sheet's ``<dimension>`` tag to ``ref`` (as some writers get it
    wrong), keeping every cell."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(),
                          parts[sheet])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2010, 12, 1, 0, 0, 0)), data)


def main() -> None:
    for folder in (BAD, GOOD, HOSTILE):
        folder.mkdir(exist_ok=True)
    for path, text in CSV_TEXT.items():
        path.write_bytes(text.encode("utf-8"))
    for path, data in CSV_BYTES.items():
        path.write_bytes(data)
    _book({"2009": [HEADER, *ROWS], "2010": [HEADER, *ROWS]}, BAD / "two_sheets.xlsx")
    _book({"notes": [["written by hand"]], "summary": [["group", "count"], ["shelter", 2]]},
          BAD / "no_sheet_fits.xlsx")
    title = [["Reintegration services, Group Discussion 1"], []]
    _book({"records": [*title, ["Institution", "Group", "Service", "Lon", "Lat"],
                       ["White Lotus", "shelter", 1, 104.92, 11.56],
                       ["ARM", "shelter", 1, "east", 13.1]]},
          BAD / "header_on_row_3_bad_lon.xlsx")
    _book({"read me": [["one record per row"]],
           "records": [*title, ["Institution", "Group", "Service", "Area", "Lon", "Lat"],
                       ["White Lotus", 3, 1, "Two centers in PP", 104.92, 11.56],
                       [],
                       ["ARM", "shelter", 1.0, "BB and SRP", None, None]]},
          GOOD / "header_on_row_3.xlsx")
    _book({"records": [HEADER, *ROWS, ["WHI", "shelter", "Shelter/Center", "PNH- SRP"],
                       ["CWCC", "shelter", "Shelter/Center", "Banteay Meanchey"]]},
          GOOD / "dimension_short.xlsx")
    _understate_dimension(GOOD / "dimension_short.xlsx", "A1:D2")
    _book({"records": [HEADER, ROWS[0], ["HCC", "shelter", "Shelter/Center", '="Kan"&"dal"']]},
          BAD / "formula_no_value.xlsx")


if __name__ == "__main__":
    main()
