"""Build coverage/data/forum_records.csv from the report text (run by hand from the report text; not part of the package)."""
import csv, re, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from coverage.taxonomy import get_group, get_service

REPORT = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_a512bf7b4e73695b.txt"
LINES = REPORT.read_text(encoding="utf-8").split("\n")
COL = {"service": 0, "institution": 1, "area_text": 2, "staff": 3, "referral": 4, "gaps": 5, "recommendations": 6}


def cell(line, field):
    return LINES[line - 1].split("\t")[COL[field]]


def clean(text):
    text = re.sub(r"</?(u|i|b)>", "", text)
    text = text.replace("Chab\u0434\u0430\u0439", "Chabdai")
    return " ".join(text.split())


# (group, service, institution, programme, lines, overrides, notes)
# lines: first = source_line; every field is the concatenation of that field's cells on these lines
# overrides: field -> list of lines (take cells from those lines) or str (literal text from the report)
R = []
def r(g, s, inst, lines, notes="", prog="", **over):
    R.append((g, s, inst, prog, lines, over, notes))

CRC10 = "CRC's area cell runs over a page break (line {a} and line {b}); merged."
# ---------------- Group 1 ----------------
r(1, 1, "AFESIP", [408])
r(1, 1, "CRC", [409, 412], CRC10.format(a=409, b=412))
r(1, 1, "WVC", [413], "Institution written 'WVC (TRP)'; TRP kept as programme.", prog="TRP")
r(1, 1, "MPK", [414])
r(1, 2, "COSECAM", [415, 418, 421], area_text=[415],
  notes="The recommendations cell runs over a page break (lines 415 and 418); merged. "
        "COSECAM is listed twice under this service (lines 415 and 421); kept as one row. "
        "Line 421 adds only the area '5 provinces: BTB, Pailin, BMC, SVR and Preah Sihanouk', "
        "the same five provinces as line 415, so area_text keeps line 415's wording.")
r(1, 2, "WVC", [419], "Institution written 'WVC (MDRTS2)'; MDRTS2 kept as programme.", prog="MDRTS2")
r(1, 2, "MPK", [420])
r(1, 3, "TCC", [422, 425], area_text=[422], referral=[422],
  notes="Institution written 'TCC (Teen Challenge Cambodia): assist only drug addicts.' - the service is "
        "for drug addicts only. TCC is not in the report's list of acronyms. The gaps and recommendations "
        "cells run over a page break: their continuations ('organizations should get the cases back...', "
        "'attached with case notes.') sit on line 425 beside MPK and were assigned to TCC because they "
        "complete TCC's sentences.")
r(1, 3, "MPK", [425], gaps="", recommendations="",
  notes="The gaps and recommendations text on this line completes TCC's cells of the row above "
        "(page break) and was assigned to TCC; MPK's own gaps and recommendations are blank.")
r(1, 3, "WVC", [426])
r(1, 3, "AFESIP", [427])
r(1, 4, "WVC", [428], "The report gives no programme for this WVC row; programme left blank.")
r(1, 4, "AFESIP", [429], "'PTCa' in the referral cell kept as written (probably PTC).")
r(1, 4, "CRC", [430, 433], CRC10.format(a=430, b=433))
r(1, 5, "COSECAM", [434])
r(1, 5, "WVC", [435], "Institution written 'WVC (MDRTS2)'; MDRTS2 kept as programme.", prog="MDRTS2")
r(1, 5, "CRC", [436, 439], CRC10.format(a=436, b=439) + " 'Kampong' + 'Thom' split by the page break joined as 'Kampong Thom'.")
r(1, 5, "AFESIP", [440])
r(1, 5, "MPK", [441])
r(1, 6, "MoI", [442],
  "Institution written 'Mol' (text-extraction reading of MoI, Ministry of Interior). The row has only "
  "contact phone numbers (dropped); area, referral, gaps and recommendations are blank in the report.")
# ---------------- Group 2 ----------------
DT = "Institution written 'Domnok Toek'; normalised to 'Damnok Toek' (the spelling in group 4). Not in the report's list of acronyms."
r(2, 1, "Damnok Toek", [447], DT)
r(2, 1, "Destiny Rescue", [448])
r(2, 1, "Hagar", [449])
r(2, 1, "WHI", [450])
r(2, 1, "GOHC", [451, 454], area_text="Phnom Penh",
  notes="Institution cell reads 'GOHC(Garden of Phnom Penh Hope In Cambodia' and the area cell is blank: "
        "'Phnom Penh' leaked into the institution cell and was recovered as area_text. Cyrillic letters "
        "from text extraction in 'Chabdai' replaced by Latin ones. The staff cell continues on line 454 (dropped).")
r(2, 1, "WVC", [455, 456], "Institution written 'SCTP (WVC)'; SCTP kept as programme. Line 456 holds only the staff cell's phone number (dropped).", prog="SCTP")
r(2, 1, "CRC", [457], "'Svay Reang' kept as written (Svay Rieng).")
r(2, 1, "AIM", [458], "Institution written 'AIM (Agape International Mission)'.")
r(2, 1, "NTC", [459], "Institution written 'Neavea Thmey Center' (NTC in the list of acronyms); every other cell of the row is blank.")
r(2, 2, "Damnok Toek", [460], DT)
r(2, 2, "Destiny Rescue", [461, 464], "The referral cell runs over a page break (lines 461 and 464: '... specialists in' + 'PnP'); merged.")
r(2, 2, "Hagar", [465], "The Key Staff cell reads 'Dr& Case manager refer to hospitals' and an office phone number (no personal name); the staff column is dropped, its wording is kept here.")
r(2, 2, "WHI", [466])
r(2, 2, "AIM", [467], "Every cell of the row except the institution is blank.")
r(2, 3, "Damnok Toek", [468], DT)
r(2, 3, "Hagar", [469])
r(2, 3, "WHI", [472, 473], "The row is split over two lines (472 'SRP town', 473 'PnP'); area merged as 'SRP town PnP'.")
r(2, 3, "AIM", [474], "Every cell of the row except the institution is blank.")
r(2, 3, "WVC", [475], "Every cell of the row except the institution is blank; no programme given.")
r(2, 4, "SSC", [476], "'LICADO' in the referral cell kept as written (LICADHO).")
r(2, 4, "Destiny Rescue", [477, 480],
  "Institution written '1-Destiny rescue' with '(Specialist counseling in PP if required)' on the next page "
  "(line 480): specialist counselling is in Phnom Penh when required. The area cell runs over the page break "
  "('Veal vong district, Kampong Cham' + 'province'); merged.")
r(2, 4, "WHI", [481])
r(2, 4, "GOHC", [482], "Institution written 'GOHC(Garden of Hope In Cambodia'. Cyrillic letters from text extraction in 'Chabdai' replaced by Latin ones.")
r(2, 4, "HPO", [483], "Institution written 'HPO(Hard Place Organization'. Gaps cell 'Not yet run': the service was not yet running.")
r(2, 4, "WVC", [484], "Institution written 'SCTP (WVC)'; SCTP kept as programme.", prog="SCTP")
r(2, 5, "Destiny Rescue", [485])
r(2, 5, "Hagar", [486], "The Key Staff cell reads 'Case manager refer' (no name; dropped with the staff column). Gaps cell '-Teen challenge' kept as written.")
r(2, 5, "WHI", [489])
r(2, 5, "WVC", [490], "Institution written 'WVC (SCTP)'; SCTP kept as programme.", prog="SCTP")
r(2, 5, "AIM", [491], "Institution written 'AIM(Agape International Mission)'.")
r(2, 6, "CRC", [492], "'Svay Reang' kept as written (Svay Rieng).")
# ---------------- Group 3 ----------------
r(3, 1, "Hagar", [497], "Institution written '1. Hagar'.")
r(3, 1, "PTD", [498], "Institution written '2. PTD'.")
r(3, 1, "PTC", [499, 502], "Institution written '3. PTC'. Referral, gaps and recommendations run over a page break (lines 499 and 502); merged.")
r(3, 1, "Destiny Rescue", [503], "Institution written '4. Destiny Rescue'. Underline markup removed from the referral cell.")
r(3, 1, "WHI", [504, 507], "Institution written '5. World Hope International' (WHI). Referral, gaps and recommendations run over a page break (lines 504 and 507); merged.")
r(3, 1, "HCC", [508], "Institution written '6. HCC'.")
r(3, 1, "White Lotus", [509], "Institution written '7. White Lotus'.")
r(3, 1, "WVC", [510], "Institution written '8. WVC-TRP'; TRP kept as programme.", prog="TRP")
r(3, 1, "ARM", [511], "Institution written '9. ARM'.")
r(3, 2, "WHI", [512, 515],
  "Institution written '1. WHI' followed by the services it provides, over a page break: Families assessment; "
  "Provide 3 meals and 2 snacks per day; Basic need materials; Reintegration package; Short-term life skills. "
  "The staff cell continues on line 515 (dropped).")
r(3, 2, "PTC", [516],
  "Institution written '2. Poipet Transit Center' (PTC) followed by the services it provides: 3 meals per day, "
  "Short-term accommodation; Basic need materials; Primary health care.")
r(3, 2, "White Lotus", [517, 520, 523],
  "Institution written '3. White Lotus' followed by the services it provides, over two page breaks (lines 517, 520, 523): "
  "Two-year accommodation; Food; Clothing, Hygiene materials [according to basic need]; Health care; Legal support; "
  "Training in primary health care; Counseling service; Non-formal education; Skills training [sewing, weaving, hair "
  "dressing, income generation skill, practice small business to earn incomes]; Support for the visit to families; "
  "Keep and build relationship with families; Reintegration, [saving cash and cash management support]; Assist client "
  "in seeking jobs; Monitoring and follow-up. Referral, gaps and recommendations run over the first page break; merged.")
r(3, 2, "GOHC", [524])
r(3, 2, "HCC", [525, 528], "Area and recommendations run over a page break (lines 525 and 528: 'Koh' + 'Kong'); merged.")
r(3, 2, "ARM", [529])
r(3, 2, "MPK", [530], "Every cell of the row except the institution is blank.")
# ---------------- Group 4 ----------------
KK = "Institution written 'KK (Konne Khmeng)'."
r(4, 1, "KK", [535], KK)
r(4, 1, "ARM", [536])
ARC = "'ARC' is not in the report's list of acronyms; kept as written."
r(4, 2, "ARC", [537], ARC)
r(4, 2, "GOHC", [538], "Institution written 'GHOC'; normalised to GOHC (Garden of Hope in Cambodia). 'NOGs' in the referral cell kept as written.")
r(4, 2, "EC", [539])
r(4, 2, "KK", [540], KK)
r(4, 2, "WVC", [541], "Institution written 'WVC/TRP Project'; TRP kept as programme. Area 'PP/' kept as written.", prog="TRP")
r(4, 2, "White Lotus", [542])
r(4, 2, "ARM", [543])
r(4, 3, "Cater Help", [544, 547], "Institution written 'Cater Help' + '(Social Enterprise)' over a page break; referral and gaps run over the same page break (lines 544 and 547); merged. The staff cell (name, phone, website) is dropped.")
r(4, 3, "EC", [548])
r(4, 3, "Bloom", [549])
r(4, 3, "ARC", [550], ARC)
r(4, 3, "White Lotus", [551])
r(4, 3, "ARM", [552])
r(4, 4, "KK", [553])
r(4, 4, "ARM", [554])
r(4, 5, "WACD", [555, 558], "The service name ('5-Start-up logistics' + 'assistance'), referral, gaps and recommendations run over a page break (lines 555 and 558); merged.")
r(4, 5, "White Lotus", [559])
r(4, 5, "KK", [560])
r(4, 5, "WVC", [561], "Institution written 'WVC/TRP Project'; TRP kept as programme.", prog="TRP")
r(4, 5, "ARM", [562])
r(4, 6, "WACD", [563])
r(4, 6, "White Lotus", [564])
r(4, 6, "Precious Women", [565])
r(4, 6, "EC", [566])
r(4, 6, "CGI", [567])
r(4, 6, "Damnok Toek", [568], "Area says 'Neak Loeung (Kandal)', but Neak Loeung is in Prey Veng province; kept as written, not resolved here.")
r(4, 6, "KK", [571])
# ---------------- Group 5 ----------------
ID = ""
r(5, 1, "CHABDAI", [576], "Institution written '1-CHABDAI'.")
r(5, 1, "LSCW", [577], "Institution written '2-LSCW'; the staff cell holds a hotline number (dropped).")
r(5, 1, "WVC", [578], "Institution written '3-WVC'; no programme given.")
r(5, 1, "LICADHO", [579], "Institution written '4-LICADHO'.")
r(5, 1, "WHI", [580], "Institution written '5-WHI'.")
r(5, 1, "IJM", [581], "Institution written '6-IJM'; the staff cell holds an office number (dropped).")
r(5, 2, "IJM", [582], "Institution written '1-IJM'.")
r(5, 2, "LICADHO", [583], "Institution written '2-LICADHO'. The area says 12 capital/provinces; the abbreviations are kept as written.")
r(5, 2, "LSCW", [584], "Institution written '3-LSCW'.")
r(5, 2, "WHI", [587], "Institution written '4- WHI'.")
r(5, 3, "IJM", [588], "Institution written '1-IJM'.")
r(5, 3, "LICADHO", [589], "Institution written '2-LICADHO'.")
r(5, 3, "LSCW", [590], "Institution written '3-LSCW'.")
r(5, 3, "BDASE", [591], "Institution written '4- BDASE'.")
r(5, 4, "CHABDAI", [592], "Institution written '1-CHABDAI'.")
r(5, 4, "LSCW", [593], "Institution written '2-LSCW'.")
r(5, 4, "WVC", [594], "Institution written '3-WVC'; no programme given.")
r(5, 4, "LICADHO", [595], "Institution written '4-LICADHO'.")
r(5, 4, "WHI", [596], "Institution written '5-WHI'.")
r(5, 4, "Banteay Srey", [597], "Institution written '6-Banteay Srey'.")
r(5, 4, "BDASE", [598], "Institution written '7-BDASE'. The area says 24 capital/provinces here but 'Pursat' under legal representation (line 591); both kept as written.")
r(5, 4, "ICE", [599], "Institution written '8-ICE'.")
r(5, 4, "CITIPOINT", [600], "Institution written '9-CITIPOINT'.")
r(5, 4, "WRC", [601], "Institution written '10-WRC'.")
r(5, 4, "IJM", [602], "Institution written '11-IJM'; every cell except the area is blank.")
# ---------------- Group 6 ----------------
r(6, 1, "WHI", [607], "Institution written '1- WHI'.")
r(6, 1, "AFESIP", [608], "Institution written '2 AFESIP'; the area cell is blank in the report.")
r(6, 1, "WVC", [609], "Institution written '3 WVC'; the area cell is blank in the report; no programme given.")
r(6, 1, "CITIPOINT", [610], "Institution written '4 CITI POINT'; normalised to CITIPOINT (the spelling in group 5).")
r(6, 1, "MoSVY", [611], "Institution written '5 MoSVY'.")
r(6, 1, "ARM", [612], "Institution written '6-ARM'.")
r(6, 2, "Love 146", [613])
r(6, 2, "WHI", [614])
r(6, 2, "IOM", [615, 619], area_text=[615], referral=[615], gaps=[615],
  notes="The area cell is blank in the report. The recommendations cell continues on the next page (line 619, "
        "'information; -NGOs should provide and submit information...'): it completes this row's sentence "
        "('...providing more' + 'information;') and was assigned here, although it may be a merged cell shared "
        "with the WVC row below (its second point answers WVC's gap).")
r(6, 2, "WVC", [616, 619], recommendations="",
  notes="Referral and gaps run over a page break (lines 616 and 619); merged. The recommendations text on line 619 "
        "was assigned to IOM (it completes IOM's sentence); WVC's own recommendations cell is blank.")
r(6, 2, "ARM", [620])
r(6, 2, "PTD", [621])
r(6, 2, "AFESIP", [622])
r(6, 2, "MoSVY", [623], "The referral cell reads '24 Provinces' (the same as the area); kept as written.")
r(6, 3, "WVC", [624])
r(6, 3, "ARM", [625], "The staff cell is blank.")
r(6, 3, "AFESIP", [626])
r(6, 3, "MoSVY", [627])
r(6, 4, "WVC", [628], referral="-Direct visit; -Awareness raising in communities; -Set up children protection network/group",
  notes="The referral cell runs over a page break: 'network/group' at the start of the next page's referral cell "
        "(line 631, beside MoSVY) completes '-Set up children protection' and was assigned here.")
r(6, 4, "MoSVY", [631], referral="-Working group of the Commission on Women and Children; -Community children protection network",
  notes="The referral cell begins with 'network/group', which completes WVC's cell in the row above (page break) "
        "and was assigned to WVC.")
r(6, 5, "MoSVY", [632])
r(6, 6, "MoSVY", [633], "The report spells the service 'Coollaboration with commune council'; the taxonomy's spelling is used.")


def field(lines, over, name):
    if name in over:
        v = over[name]
        return clean(v) if isinstance(v, str) else " ".join(clean(cell(l, name)) for l in v if clean(cell(l, name))).strip()
    return " ".join(c for c in (clean(cell(l, name)) for l in lines) if c)


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").upper()


def main(out):
    cols = ["record_id", "group_id", "group", "service_id", "service", "institution", "programme",
            "area_text", "referral", "gaps", "recommendations", "notes", "source_line"]
    rows, seen = [], set()
    for g, s, inst, prog, lines, over, notes in R:
        notes = over.pop("notes", notes)
        rid = f"G{g}-S{s}-{slug(inst)}" + (f"-{prog}" if prog else "")
        assert rid not in seen, rid
        seen.add(rid)
        rows.append({
            "record_id": rid, "group_id": g, "group": get_group(g).name, "service_id": s,
            "service": get_service(g, s).name, "institution": inst, "programme": prog,
            "area_text": field(lines, over, "area_text"), "referral": field(lines, over, "referral"),
            "gaps": field(lines, over, "gaps"), "recommendations": field(lines, over, "recommendations"),
            "notes": notes, "source_line": lines[0]})
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(len(rows))



def audit():
    used = {}
    for g, s, inst, prog, lines, over, notes in R:
        for l in lines: used.setdefault(l, []).append(inst)
    for i in range(407, 634):
        l = LINES[i - 1]
        if "\t" not in l or l.split("\t")[1] == "Institutions": continue
        if i not in used: print("UNUSED LINE", i, l[:80])
        elif len(used[i]) > 1: print("shared", i, used[i])

if __name__ == "__main__":
    main(sys.argv[1])
    audit()
