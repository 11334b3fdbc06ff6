"""The publication's numbers that study A's synthetic data reproduce exactly, and the check that they do.

Table 1 (disposition and baseline characteristics) and Table 2 (TEAE overview and TEAEs in > 5% of
patients), per column: the five dose-escalation arms then the two ATEP arms; and the efficacy text
facts at day 85 (kept by study_a_day85). `check_tables` recomputes every Table 1 and Table 2 cell from
the frames before anything is written; study_a_efficacy.check_efficacy does the same for the text facts.
"""

from __future__ import annotations

from tlf.examples.rounding import round_half_up
from tlf.examples.study_a_design import ATEP_ARMS, DATA_CUTOFF, DE_ARMS, DE_MAX_DAYS, REASONS, URTI, UTI

# Table 1 continuous targets, (mean, SD) as printed, columns in order
# PBO, QOD03, QD03, ALT0603, QD06, ATEP 0.3 QD, ATEP ALTN.
T1_CONT: dict[str, tuple[int, list[tuple[str, str]]]] = {  # name -> (display decimals, targets)
    "AGE": (1, [("44.8", "6.6"), ("46.0", "8.6"), ("48.0", "10.9"), ("49.8", "13.1"), ("47.2", "13.6"),
                ("51.2", "10.2"), ("47.1", "13.7")]),
    "WTBL": (1, [("82.0", "13.2"), ("78.5", "13.7"), ("96.3", "26.1"), ("74.3", "14.8"), ("76.5", "21.5"),
                 ("87.5", "9.4"), ("67.5", "11.8")]),
    "DUR": (1, [("13.3", "10.0"), ("7.9", "9.7"), ("9.8", "9.2"), ("8.2", "4.3"), ("10.5", "8.3"),
                ("8.9", "9.0"), ("12.2", "8.3")]),
    "CLAS": (1, [("4.3", "5.9"), ("17.6", "12.9"), ("6.3", "9.1"), ("8.4", "8.6"), ("12.4", "16.5"),
                 ("7.2", "9.0"), ("12.3", "10.1")]),
    "HSS": (1, [("6.8", "1.8"), ("8.4", "4.1"), ("5.5", "2.1"), ("6.7", "3.2"), ("5.7", "1.9"),
                ("4.9", "2.9"), ("6.3", "2.1")]),
    "PGA": (2, [("0.95", "0.52"), ("1.50", "0.65"), ("1.50", "0.61"), ("1.22", "0.35"), ("1.40", "0.60"),
                ("1.17", "0.78"), ("1.08", "0.62")]),
}
# Joint counts: patients with >= 1 tender / swollen joint, per column.
T1_TENDER = [6, 6, 7, 8, 6, 7, 3]
T1_SWOLLEN = [5, 5, 6, 8, 4, 6, 2]
# Table 1 count targets, per column (DE arms then ATEP arms).
T1_COUNTS: dict[str, list[int]] = {
    "N": [8, 8, 8, 9, 9, 9, 8],
    "COMPLETED": [7, 6, 7, 7, 6, 6, 1],
    "DISCONTINUED": [1, 2, 1, 2, 3, 3, 7],
    "ADVERSE EVENT": [1, 0, 0, 2, 3, 1, 4],
    "WITHDRAWAL BY SUBJECT": [0, 1, 0, 0, 0, 1, 1],
    "LACK OF EFFICACY": [0, 0, 0, 0, 0, 0, 0],
    "LOST TO FOLLOW-UP": [0, 1, 0, 0, 0, 0, 2],
    "OTHER": [0, 0, 1, 0, 0, 1, 0],
    "FEMALE": [7, 8, 7, 8, 9, 8, 8],
    "WHITE": [5, 6, 4, 7, 5, 4, 6],
    "BLACK": [2, 2, 4, 1, 4, 5, 1],
    "RACE OTHER": [1, 0, 0, 1, 0, 0, 1],
}
T1_PART2 = [3, 2, 5, 3, 4]
# Table 2 targets (patients), per column.
T2_OVERVIEW: dict[str, list[int]] = {
    "ANY": [5, 7, 7, 8, 8, 9, 7],
    "RELATED": [1, 2, 2, 4, 6, 2, 5],
    "SEVERE": [1, 0, 0, 1, 2, 0, 5],
    "SERIOUS": [2, 0, 0, 1, 1, 0, 4],
    "SERIOUS RELATED": [0, 0, 0, 0, 1, 0, 0],
    "WITHDRAWN": [1, 0, 0, 2, 3, 1, 4],
    "DEATH": [0, 0, 0, 0, 0, 0, 0],
}
T2_PT: dict[str, list[int]] = {
    URTI: [1, 1, 1, 1, 1, 4, 3],
    "Diarrhoea": [1, 1, 1, 2, 2, 1, 3],
    "Nausea": [1, 1, 3, 3, 0, 2, 0],
    "Bronchitis": [0, 0, 2, 0, 0, 3, 3],
    UTI: [0, 1, 0, 1, 0, 2, 2],
    "Neutropenia": [0, 0, 0, 1, 2, 1, 1],
    "Pneumonia": [0, 0, 0, 2, 1, 1, 1],
    "Cough": [0, 0, 0, 1, 1, 0, 2],
    "Nasopharyngitis": [1, 0, 0, 0, 1, 2, 0],
    "Pain in extremity": [0, 1, 0, 0, 1, 2, 0],
    "Vitamin D deficiency": [0, 0, 1, 2, 1, 0, 0],
    "Vomiting": [1, 0, 1, 1, 1, 0, 0],
    "Maculopapular rash": [0, 1, 0, 1, 1, 0, 0],
    "Musculoskeletal pain": [0, 0, 0, 0, 0, 1, 2],
    "Osteoarthritis": [0, 0, 0, 1, 0, 2, 0],
    "Sinusitis": [0, 0, 0, 0, 0, 2, 1],
}

# Publication text facts (study file): day-85 CLASI change mean, SD, mean % change.
CLASI_D85 = {"PBO": ("0.4", "1.8", "9.5"), "QOD03": ("-7.8", "10.2", "-35.3"), "QD03": ("-5.0", "9.6", "-63.4"),
             "ALT0603": ("-4.3", "6.3", "-25.3"), "QD06": ("-6.0", "9.7", "-39.8")}
HSS_RESPONDERS_D85 = {"PBO": 1, "QOD03": 4, "QD03": 3, "ALT0603": 2, "QD06": 3}  # hSS CHG <= -4, of N
HSS_ALT0603_D85 = ("-2.9", "3.4")  # mean (SD) change: a reduction of 2.9 (3.4)
# Treatment duration, weeks = (last dose date - first dose date + 1) / 7 per period, mean (SD) as printed:
# the dose-escalation arms range from the lowest to the highest; the two ATEP arms in order.
DE_DURATION_RANGE = (("9.5", "4.4"), ("11.8", "0.5"))
ATEP_DURATION = [("75.6", "32.9"), ("49.5", "37.4")]


def check_tables(frames) -> None:
    """Recompute Table 1 and Table 2 from the frames; raise AssertionError on any difference."""
    adsl, adae, adex = frames["adsl"], frames["adae"], frames["adex"]
    cols = [adsl[adsl.TRT01A == lab] for _, lab, _ in DE_ARMS] + \
           [adsl[adsl.TRT02A == lab] for _, lab, _ in ATEP_ARMS]
    pps = ["01"] * 5 + ["02"] * 2
    assert [len(c) for c in cols] == T1_COUNTS["N"]
    got: dict[str, list[int]] = {k: [] for k in T1_COUNTS}
    for c, pp in zip(cols, pps, strict=True):
        got["N"].append(len(c))
        got["COMPLETED"].append(int((c[f"EOP{pp}STT"] == "COMPLETED").sum()))
        got["DISCONTINUED"].append(int((c[f"EOP{pp}STT"] == "DISCONTINUED").sum()))
        for r in REASONS.values():
            got[r].append(int((c[f"DCP{pp}RS"] == r).sum()))
        got["FEMALE"].append(int((c.SEX == "F").sum()))
        got["WHITE"].append(int((c.RACE == "WHITE").sum()))
        got["BLACK"].append(int((c.RACE == "BLACK OR AFRICAN AMERICAN").sum()))
        got["RACE OTHER"].append(int((~c.RACE.isin(["WHITE", "BLACK OR AFRICAN AMERICAN"])).sum()))
    assert got == T1_COUNTS, got
    assert [int((c.ATEPFL == "Y").sum()) for c in cols[:5]] == T1_PART2
    for name, (dp, targets) in T1_CONT.items():
        for c, pp, (m, sd) in zip(cols, pps, targets, strict=True):
            x = c[f"{name}P{pp}"]
            assert (str(round_half_up(x.mean(), dp)), str(round_half_up(x.std(ddof=1), dp))) == (m, sd), \
                (name, pp, m, sd, x.mean(), x.std(ddof=1))
    assert [int((c[f"TJCP{pp}"] >= 1).sum()) for c, pp in zip(cols, pps, strict=True)] == T1_TENDER
    assert [int((c[f"SJCP{pp}"] >= 1).sum()) for c, pp in zip(cols, pps, strict=True)] == T1_SWOLLEN
    assert (adsl.AGEP02.dropna() >= adsl.AGEP01[adsl.AGEP02.notna()]).all()
    assert (adsl.HSSP01 >= 4).sum() == len(adsl) - 1 and (adsl.HSSP01 == 2).sum() == 1

    te = adae[adae.TRTEMFL == "Y"]
    keys = [(1.0, lab) for _, lab, _ in DE_ARMS] + [(2.0, lab) for _, lab, _ in ATEP_ARMS]
    per = [te[(te.APERIOD == p) & (te.TRTA == lab)] for p, lab in keys]
    conds = {
        "ANY": lambda d: d, "RELATED": lambda d: d[d.AEREL == "RELATED"],
        "SEVERE": lambda d: d[d.AESEV == "SEVERE"], "SERIOUS": lambda d: d[d.AESER == "Y"],
        "SERIOUS RELATED": lambda d: d[(d.AESER == "Y") & (d.AEREL == "RELATED")],
        "WITHDRAWN": lambda d: d[d.AEACN == "DRUG WITHDRAWN"], "DEATH": lambda d: d[d.AESDTH == "Y"],
    }
    for row, f in conds.items():
        assert [f(d).USUBJID.nunique() for d in per] == T2_OVERVIEW[row], row
    totals: dict[str, int] = {}
    for d in per:
        for pt, n in d.groupby("AEDECOD").USUBJID.nunique().items():
            totals[pt] = totals.get(pt, 0) + int(n)
    frequent = {pt for pt, n in totals.items() if 100 * n / 59 > 5}
    assert frequent == set(T2_PT), sorted(frequent ^ set(T2_PT))
    for pt, want in T2_PT.items():
        assert [int(d[d.AEDECOD == pt].USUBJID.nunique()) for d in per] == want, pt
    # Discontinued for an AE in a period <=> an AE leading to withdrawal in that period.
    for p, pp in ((1.0, "01"), (2.0, "02")):
        wd = set(te[(te.APERIOD == p) & (te.AEACN == "DRUG WITHDRAWN")].USUBJID)
        assert wd == set(adsl[adsl[f"DCP{pp}RS"] == "ADVERSE EVENT"].USUBJID), pp
    # Exposure: every DE subject in period 1, every ATEP subject in period 2.
    assert set(adex[adex.APERIOD == 1].USUBJID) == set(adsl.USUBJID)
    assert set(adex[adex.APERIOD == 2].USUBJID) == set(adsl[adsl.ATEPFL == "Y"].USUBJID)
    assert (adex.EXDURD > 0).all()
    last = max(max(adae.AENDT.dropna()), max(adsl.TRTEDT), max(adae.ASTDT))
    assert last <= DATA_CUTOFF, last
    check_durations(adsl, adex)


def check_durations(adsl, adex) -> None:
    """Treatment duration per column, (TRxxEDT - TRxxSDT + 1) / 7 weeks, prints the published mean (SD):
    the lowest and highest dose-escalation arm exactly, the others in between; ADEX holds the same first
    and last dose dates; no dose-escalation dosing beyond DE_MAX_DAYS, no ATEP dose before the DE ended."""
    def printed(d):
        w = d / 7
        return str(round_half_up(w.mean(), 1)), str(round_half_up(w.std(ddof=1), 1))

    cols = [(adsl[adsl.TRT01A == lab], "01") for _, lab, _ in DE_ARMS] + \
           [(adsl[adsl.TRT02A == lab], "02") for _, lab, _ in ATEP_ARMS]
    days = [c.apply(lambda r, pp=pp: (r[f"TR{pp}EDT"] - r[f"TR{pp}SDT"]).days + 1, axis=1) for c, pp in cols]
    de = sorted((printed(d) for d in days[:5]), key=lambda p: float(p[0]))
    assert (de[0], de[-1]) == DE_DURATION_RANGE, de
    assert [printed(d) for d in days[5:]] == ATEP_DURATION, [printed(d) for d in days[5:]]
    assert max(int(d.max()) for d in days[:5]) <= DE_MAX_DAYS
    atep = adsl[adsl.ATEPFL == "Y"]
    assert (atep.TR02SDT > atep.TR01EDT).all() and (atep.TR02EDT <= DATA_CUTOFF).all()
    for p, pp in ((1.0, "01"), (2.0, "02")):
        ex = adex[adex.APERIOD == p].groupby("USUBJID").agg(first=("ASTDT", "min"), last=("AENDT", "max"))
        sl = adsl.set_index("USUBJID").loc[ex.index]
        assert (ex["first"] == sl[f"TR{pp}SDT"]).all() and (ex["last"] == sl[f"TR{pp}EDT"]).all(), pp
