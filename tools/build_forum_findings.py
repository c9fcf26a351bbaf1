"""Build coverage/data/forum_group_findings.csv (run by hand from the report text; not part of the package)."""
import csv, re, sys
from pathlib import Path

LINES = (Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_a512bf7b4e73695b.txt").read_text(encoding="utf-8").split("\n")


def item(n):
    t = LINES[n - 1].strip()
    t = re.sub(r"^-\s*(\d-\s*)?", "", t)
    return " ".join(t.split())


rows = []
# section IV.B: per-group gaps/challenges (the groups listed no recommendations there)
spans = {1: range(175, 180), 2: range(185, 189), 3: range(194, 198), 4: range(203, 208),
         5: range(213, 216), 6: (221, 222, 224)}
for g, lines in spans.items():
    for n in lines:
        assert LINES[n - 1].startswith("- "), n
        rows.append((g, "gap", item(n), n))
# the Note on male victims (line 226), forum-wide; NGO phone numbers dropped
note = LINES[225]
assert note.startswith("Note:")
text = re.sub(r"\s*\(0[\d ]+\)", "", note[len("Note:"):]).strip()
rows.append((0, "gap", text, 226))
# section V: general recommendations; items 3-5 are worded as gaps
rec1 = item(258) + " " + "; ".join(LINES[n - 1].strip(" -") for n in range(259, 263))
rows.append((0, "recommendation", rec1, 258))
rows.append((0, "recommendation", item(263), 263))
for n in (264, 265, 266):
    rows.append((0, "gap", item(n), n))
with open(sys.argv[1], "w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["group_id", "kind", "text", "source_line"])
    w.writerows(rows)
print(len(rows))
