"""The CDISC pilot (CDISCPILOT01) built from examples/cdiscpilot01/specs on the pilot's real ADaM data
(../shared/data/cdiscpilot01; skipped when absent), checked three ways:

- internal consistency, recomputed here with pandas from the xpt files: N per arm from ADSL, every
  percentage = n / N, subject and event counts per SOC / preferred term;
- independent fits: the ANCOVA LS mean differences by numpy least squares, the Kaplan-Meier estimates
  and log-rank test by R (tests/reference/pilot_results/reference.csv, made by make_reference.R there);
- the published numbers, typed into this file from the replications of the pilot's tables:
  Atorus Research, CDISC_pilot_replication, outputs/14-2.01.rtf (demographics), 14-3.01.rtf (ADAS-Cog),
  14-5.01.rtf (adverse events); R Consortium submissions-pilot1, output/tlf-efficacy.rtf (glucose).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from tests.conftest import SHARED, sheet_texts
from tlf.ard.schema import read_ard

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "examples" / "cdiscpilot01" / "specs"
DATA = SHARED / "data" / "cdiscpilot01"
REF = REPO / "tests" / "reference" / "pilot_results" / "reference.csv"
ARMS = ("pbo", "low", "high")
ARM_NAMES = {"pbo": "Placebo", "low": "Xanomeline Low Dose", "high": "Xanomeline High Dose"}
OUTPUTS = ("t-14-2-01", "t-14-3-01", "t-14-3-02", "t-14-5-01", "t-14-1-km", "f-14-1")

pytestmark = pytest.mark.skipif(not (DATA / "adsl.xpt").is_file(), reason="CDISC pilot data not in ../shared")


@pytest.fixture(scope="module")
def out(pilot_build):
    """Every output of the folder, built once (tests/conftest.py: one build shared by the pilot's modules):
    DOCX, XLSX and ARD."""
    return pilot_build


@pytest.fixture(scope="module")
def adsl():
    import pyreadstat

    return pyreadstat.read_xport(str(DATA / "adsl.xpt"))[0]


@pytest.fixture(scope="module")
def adae():
    import pyreadstat

    return pyreadstat.read_xport(str(DATA / "adae.xpt"), usecols=["USUBJID", "TRTEMFL", "AEBODSYS", "AEDECOD"])[0]


_ARDS: dict = {}
_INDEX: dict = {}


@pytest.fixture(scope="module")
def adas():
    import pyreadstat

    cols = ["USUBJID", "PARAMCD", "AVISIT", "ITTFL", "EFFFL", "ANL01FL", "TRTP", "TRTPN", "SITEGR1", "BASE", "CHG"]
    return pyreadstat.read_xport(str(DATA / "adqsadas.xpt"), usecols=cols)[0]


@pytest.fixture(scope="module")
def gluc():
    """ADLBC glucose records (74,264 records in the file: read the few variables needed, once)."""
    import pyreadstat

    lb = pyreadstat.read_xport(str(DATA / "adlbc.xpt"), usecols=["USUBJID", "PARAMCD", "AVISITN", "TRTPN", "BASE",
                                                                 "CHG"])[0]
    return lb[lb.PARAMCD == "GLUC"]


def ard(out, output_id):
    """The output's ARD, read once, with an index for `cell`."""
    key = (out, output_id)
    if key not in _ARDS:
        frame = read_ard(out / f"{output_id}.ard.csv")
        _ARDS[key] = frame
        _INDEX[id(frame)] = {(r.analysis, r.column, r.stat_name, r.level, r.parent): r
                             for r in frame.itertuples(index=False)}
    return _ARDS[key]


def cell(a, analysis, column, stat_name, level="", parent=""):
    """One ARD row (the key is unique: the ARD schema checks it)."""
    return _INDEX[id(a)][(analysis, column, stat_name, level, parent)]


def xlsx_rows(path: Path) -> dict[str, list[str]]:
    """Stub label -> the row's cells, as printed on the XLSX display sheet (first occurrence)."""
    from openpyxl import load_workbook

    ws = load_workbook(path).worksheets[0]
    rows: dict[str, list[str]] = {}
    for r in sheet_texts(ws):
        if r and r[0]:
            rows.setdefault(r[0].strip(), r[1:])
    return rows


def test_every_output_in_docx_xlsx_and_ard(out):
    for oid in OUTPUTS:
        for ext in ("docx", "xlsx", "ard.csv"):
            assert (out / f"{oid}.{ext}").stat().st_size > 0, (oid, ext)


# ---------------------------------------------------------------- internal consistency

def test_big_n_equals_adsl_counts(out, adsl):
    itt = adsl[adsl.ITTFL == "Y"].TRT01P.value_counts()
    saf = adsl[adsl.SAFFL == "Y"].TRT01A.value_counts()
    demog = ard(out, "t-14-2-01")
    for arm in ARMS:
        assert cell(demog, "_N", arm, "N").stat == itt[ARM_NAMES[arm]]
    assert cell(demog, "_N", "total", "N").stat == len(adsl[adsl.ITTFL == "Y"]) == 254
    for oid in ("t-14-5-01", "t-14-1-km", "f-14-1"):
        a = ard(out, oid)
        for arm in ARMS:
            assert cell(a, "_N", arm, "N").stat == saf[ARM_NAMES[arm]], (oid, arm)


def test_efficacy_n_per_arm_equals_adsl(out, adsl):
    eff = adsl[(adsl.EFFFL == "Y") & (adsl.ITTFL == "Y")].TRT01P.value_counts()
    a = ard(out, "t-14-3-01")
    for arm in ARMS:
        assert cell(a, "_N", arm, "N").stat == eff[ARM_NAMES[arm]] == {"pbo": 79, "low": 81, "high": 74}[arm]
    itt = adsl[adsl.ITTFL == "Y"].TRT01P.value_counts()
    g = ard(out, "t-14-3-02")
    for arm in ("pbo", "high"):
        assert cell(g, "_N", arm, "N").stat == itt[ARM_NAMES[arm]]


def test_percentages_are_n_over_big_n(out):
    for oid in ("t-14-2-01", "t-14-5-01"):
        a = ard(out, oid)
        big_n = {c: v for c, s, v in zip(a.column, a.stat_name, a.stat, strict=True) if s == "N"}
        ns = {(r.analysis, r.column, r.parent, r.level): r.stat for r in a.itertuples() if r.stat_name == "n"}
        checked = 0
        for r in a.itertuples():
            if r.stat_name == "p":
                assert r.stat == pytest.approx(ns[(r.analysis, r.column, r.parent, r.level)] / big_n[r.column]), r
                checked += 1
        assert checked > 20, oid


def test_adverse_event_counts_recomputed(out, adsl, adae):
    te = adae[adae.TRTEMFL == "Y"].merge(adsl[["USUBJID", "TRT01A"]], on="USUBJID")
    a = ard(out, "t-14-5-01")
    for arm in ARMS:
        sub = te[te.TRT01A == ARM_NAMES[arm]]
        assert cell(a, "any", arm, "n").stat == sub.USUBJID.nunique()
        assert cell(a, "any", arm, "events").stat == len(sub)
        for (soc, pt), grp in sub.groupby(["AEBODSYS", "AEDECOD"]):
            assert cell(a, "socpt", arm, "n", pt, soc).stat == grp.USUBJID.nunique(), (soc, pt)
            assert cell(a, "socpt", arm, "events", pt, soc).stat == len(grp), (soc, pt)
        for soc, grp in sub.groupby("AEBODSYS"):
            assert cell(a, "socpt", arm, "n", soc, "").stat == grp.USUBJID.nunique(), soc  # a SOC's row: parent ""
    # SOCs alphabetical; within a SOC, PTs by descending total subject count
    order = a[(a.analysis == "socpt") & (a.column == "pbo") & (a.stat_name == "n")].sort_values("order")
    socs = [lv for lv, p in zip(order.level, order.parent, strict=True) if not p]
    assert socs == sorted(socs)
    totals = te.groupby(["AEBODSYS", "AEDECOD"]).USUBJID.nunique()
    for soc in socs:
        pts = [lv for lv, p in zip(order.level, order.parent, strict=True) if p == soc]
        counts = [totals[(soc, pt)] for pt in pts]
        assert counts == sorted(counts, reverse=True), soc


# ---------------------------------------------------------------- independent fits

def _reference() -> dict[tuple[str, str, str, str], float]:
    with open(REF) as f:
        return {(r["output"], r["what"], r["arm"], r["stat"]): (float("nan") if r["value"] == "NA" else float(r["value"]))
                for r in csv.DictReader(f)}


def test_kaplan_meier_equals_r(out):
    ref = _reference()
    a = ard(out, "t-14-1-km")
    for arm in ARMS:
        name = ARM_NAMES[arm]
        assert cell(a, "ttde", arm, "n").stat == ref[("t-14-1-km", "km", name, "n")]
        assert cell(a, "ttde", arm, "n", "Events").stat == ref[("t-14-1-km", "km", name, "events")]
        for stat in ("q1", "median", "q3", "median_ci_low", "median_ci_high"):
            ours, theirs = cell(a, "ttde", arm, stat).stat, ref[("t-14-1-km", "km", name, stat)]
            assert (math.isnan(ours) and math.isnan(theirs)) or ours == theirs, (arm, stat, ours, theirs)
    assert cell(a, "ttde", "logrank", "pvalue").stat == pytest.approx(ref[("t-14-1-km", "logrank", "", "p")],
                                                                      rel=1e-6)
    assert cell(a, "ttde", "logrank", "pvalue").stat_fmt == "<0.001"


def test_kaplan_meier_figure_numbers_at_risk(out):
    import pyreadstat

    tte = pyreadstat.read_xport(str(DATA / "adtte.xpt"), usecols=["USUBJID", "PARAMCD", "TRTA", "AVAL"])[0]
    tte = tte[tte.PARAMCD == "TTDE"]
    a = ard(out, "f-14-1")
    for arm in ARMS:
        times = tte[tte.TRTA == ARM_NAMES[arm]].AVAL
        for t in range(0, 201, 20):
            assert cell(a, "plot", arm, "n_risk", str(t), "risk").stat == (times >= t).sum(), (arm, t)


def _lstsq_diffs(frame, factors: list[str]):
    """CHG ~ treatment + factors + BASE by numpy least squares (treatment coding, placebo first):
    {(arm, comparator): (difference, SE)} for every pair of the arms present, and sqrt(RSS / n)."""
    import numpy as np

    arms = [a for a in ARMS if ARM_NAMES[a] in set(frame.TRTP)]
    cols = [np.ones(len(frame))] + [(frame.TRTP == ARM_NAMES[a]).to_numpy(float) for a in arms[1:]]
    for f in factors:
        cols += [(frame[f] == lv).to_numpy(float) for lv in sorted(frame[f].unique())[1:]]
    cols.append(frame.BASE.to_numpy(float))
    x, y = np.column_stack(cols), frame.CHG.to_numpy(float)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    cov = resid @ resid / (len(y) - x.shape[1]) * np.linalg.inv(x.T @ x)
    coef = {a: i for i, a in enumerate(arms[1:], 1)}
    out = {}
    for i, arm in enumerate(arms):
        for comp in arms[:i]:
            c = np.zeros(x.shape[1])
            c[coef[arm]] = 1
            if comp in coef:
                c[coef[comp]] = -1
            out[(arm, comp)] = (float(c @ beta), float(np.sqrt(c @ cov @ c)))
    return out, float(np.sqrt(resid @ resid / len(y)))


def _diff(a, arm, comp, stat="diff"):
    return cell(a, "ancova", arm, ("" if comp == "pbo" else f"vs_{comp}.") + stat, "Week 24", "ACTOT").stat


def test_adas_cog_ancova_equals_numpy_least_squares(out, adas):
    d = adas[(adas.PARAMCD == "ACTOT") & (adas.AVISIT == "Week 24") & (adas.ITTFL == "Y") & (adas.EFFFL == "Y")
             & (adas.ANL01FL == "Y")]
    assert d.USUBJID.is_unique and len(d) == 234
    diffs, _ = _lstsq_diffs(d, ["SITEGR1"])
    a = ard(out, "t-14-3-01")
    for (arm, comp), (est, se) in diffs.items():
        assert _diff(a, arm, comp) == pytest.approx(est, rel=1e-9), (arm, comp)
        assert _diff(a, arm, comp, "diff_se") == pytest.approx(se, rel=1e-9), (arm, comp)


def test_adas_cog_ancova_equals_r(out):
    ref = _reference()
    a = ard(out, "t-14-3-01")
    names = {("low", "pbo"): "low-pbo", ("high", "pbo"): "high-pbo", ("high", "low"): "high-low"}
    for (arm, comp), name in names.items():
        for ours, theirs in (("diff", "diff"), ("diff_se", "se"), ("diff_ci_low", "ci_low"), ("diff_ci_high", "ci_high"),
                             ("diff_pvalue", "p")):
            assert _diff(a, arm, comp, ours) == pytest.approx(ref[("t-14-3-01", "diff", name, theirs)], rel=1e-8)
    for arm in ARMS:  # LS means with emmeans weights = "proportional" (= SAS /OM: no missing response here)
        assert cell(a, "ancova", arm, "lsmean", "Week 24", "ACTOT").stat == pytest.approx(
            ref[("t-14-3-01", "lsmean", ARM_NAMES[arm], "lsmean")], rel=1e-8)
    dose = cell(a, "ancova", "", "dose_pvalue", "Week 24", "ACTOT").stat
    assert dose == pytest.approx(ref[("t-14-3-01", "dose", "", "p")], rel=1e-8)


def test_glucose_ancova_equals_numpy_least_squares_and_r(out, adsl, gluc):
    itt = set(adsl[adsl.ITTFL == "Y"].USUBJID)
    g = gluc[gluc.USUBJID.isin(itt) & gluc.TRTPN.isin([0, 81]) & (gluc.AVISITN == 20)].dropna(subset=["CHG", "BASE"])
    g = g.assign(TRTP=g.TRTPN.map({0: ARM_NAMES["pbo"], 81: ARM_NAMES["high"]}))
    diffs, rmse_ml = _lstsq_diffs(g, [])
    a = ard(out, "t-14-3-02")
    est, se = diffs[("high", "pbo")]
    got = {s: cell(a, "ancova", "high", s, "Week 20", "GLUC").stat for s in ("diff", "diff_se", "diff_ci_low",
                                                                           "diff_ci_high")}
    assert got["diff"] == pytest.approx(est, rel=1e-9) and got["diff_se"] == pytest.approx(se, rel=1e-9)
    z = 1.959963984540054  # normal-approximation CI (the published program's estimate +/- 1.96 SE)
    assert got["diff_ci_low"] == pytest.approx(est - z * se, rel=1e-9)
    assert cell(a, "ancova", "", "rmse_ml", "Week 20", "GLUC").stat == pytest.approx(rmse_ml, rel=1e-12)
    ref = _reference()
    assert got["diff"] == pytest.approx(ref[("t-14-3-02", "diff", "high-pbo", "diff")], rel=1e-8)
    assert cell(a, "ancova", "", "rmse", "Week 20", "GLUC").stat == pytest.approx(
        ref[("t-14-3-02", "rmse", "", "rmse")], rel=1e-8)


# ---------------------------------------------------------------- published numbers

# Atorus CDISC_pilot_replication outputs/14-2.01.rtf: per variable, the printed cells Placebo | Low | High
# | Total, and the p-value. Where this file and the publication differ by design, the cell is listed in
# ROUNDING_DIFFERENCES below.
DEMOG_PUBLISHED = {
    "age": {"n": "86 84 84 254", "mean": "75.2 75.7 74.4 75.1", "sd": "8.59 8.29 7.89 8.25",
            "median": "76.0 77.5 76.0 77.0", "min": "52.0 51.0 56.0 51.0", "max": "89.0 88.0 88.0 89.0",
            "p": "0.5934"},
    "mmse": {"n": "86 84 84 254", "mean": "18.0 17.9 18.5 18.1", "sd": "4.27 4.22 4.16 4.21",
             "median": "19.5 18.0 20.0 19.0", "min": "10.0 10.0 10.0 10.0", "max": "23.0 24.0 24.0 24.0",
             "p": "0.5947"},
    "durdis": {"n": "86 84 84 254", "mean": "42.6 48.7 40.5 43.9", "sd": "30.24 29.58 24.69 28.40",
               "median": "35.3 40.2 36.0 36.2", "min": "7.2 7.8 2.2 2.2", "max": "183.1 130.8 135.0 183.1",
               "p": "0.1530"},
    "educ": {"n": "86 84 84 254", "mean": "12.6 13.2 12.5 12.8", "sd": "2.95 4.15 2.92 3.38",
             "median": "12.0 12.0 12.0 12.0", "min": "6.0 3.0 6.0 3.0", "max": "21.0 24.0 20.0 24.0", "p": "0.3875"},
    "weight": {"n": "86 83 84 253", "mean": "62.8 67.3 70.0 66.6", "sd": "12.77 14.12 14.65 14.13",
               "median": "60.5 64.9 69.2 66.7", "min": "34.0 45.4 41.7 34.0", "max": "86.2 106.1 108.0 108.0",
               "p": "0.0030"},
    "height": {"n": "86 84 84 254", "mean": "162.6 163.4 165.8 163.9", "sd": "11.52 10.42 10.13 10.76",
               "median": "162.6 162.6 165.1 162.8", "min": "137.2 135.9 146.1 135.9",
               "max": "185.4 195.6 190.5 195.6", "p": "0.1262"},
    "bmi": {"n": "86 83 84 253", "mean": "23.6 25.1 25.3 24.7", "sd": "3.67 4.27 4.16 4.09",
            "median": "23.4 24.3 24.8 24.2", "min": "15.1 17.7 13.7 13.7", "max": "33.3 40.1 34.5 40.1", "p": "0.0133"},
}
DEMOG_PUBLISHED_COUNTS = {
    ("agegr", "<65"): "14 (16)|8 (10)|11 (13)|33 (13)", ("agegr", "65-80"): "42 (49)|47 (56)|55 (65)|144 (57)",
    ("agegr", ">80"): "30 (35)|29 (35)|18 (21)|77 (30)",
    ("sex", "Male"): "33 (38)|34 (40)|44 (52)|111 (44)", ("sex", "Female"): "53 (62)|50 (60)|40 (48)|143 (56)",
    ("race", "Caucasian"): "75 (87)|72 (86)|71 (85)|218 (86)", ("race", "African Descent"): "8 (9)|6 (7)|9 (11)|23 (9)",
    ("race", "Hispanic"): "3 (3)|6 (7)|3 (4)|12 (5)", ("race", "Other"): "0|0|1 (1)|1 (<1)",
    ("durdisgr", "<12 months"): "5 (6)|3 (4)|4 (5)|12 (5)", ("durdisgr", ">=12 months"): "81 (94)|81 (96)|80 (95)|242 (95)",
    ("bmigr", "<25"): "59 (69)|47 (56)|44 (52)|150 (59)", ("bmigr", "25-<30"): "21 (24)|27 (32)|28 (33)|76 (30)",
    ("bmigr", ">=30"): "6 (7)|10 (12)|12 (14)|28 (11)",
}
DEMOG_PUBLISHED_P = {"agegr": "0.1439", "sex": "0.1409", "race": "0.6477", "durdisgr": "0.7885", "bmigr": "0.2326"}
# Chi-squares whose table has more than 20% of its cells expected below 5 (SAS PROC FREQ's warning): tlf
# prints the same p-value with "^" and a footnote (stat column `sparse: flag`, the default); the
# publication printed them plain. Race (Origin): 6 of 12 cells (Hispanic 12 and Other 1 subjects over
# 254: expected 4.06, 3.97, 3.97 and 0.34, 0.33, 0.33); duration of disease < 12 months: 3 of 6 (12
# subjects: 4.06, 3.97, 3.97).
DEMOG_SPARSE = {"race": "6 of 12 cells (50%)", "durdisgr": "3 of 6 cells (50%)"}
SPARSE_FOOTNOTE = ("^ Chi-square test; more than 20% of expected cell counts are below 5: the p-value may be "
                   "inaccurate.")
# The replication printed these statistics with R's sprintf, which rounds the binary double (ties to
# even): the mean 42.65 and the medians 40.25, 36.25, 60.55 and 162.85 print one digit down there. tlf
# rounds half away from zero the decimal the value stands for (shared/conventions.md, as SAS ROUND).
# The test checks that each such value is exactly the half, so the difference is only the rule.
ROUNDING_DIFFERENCES = {("durdis", "mean", "pbo"): (42.65, "42.7"), ("durdis", "median", "low"): (40.25, "40.3"),
                        ("durdis", "median", "total"): (36.25, "36.3"), ("weight", "median", "pbo"): (60.55, "60.6"),
                        ("height", "median", "total"): (162.85, "162.9")}


def test_demographics_equal_the_publication(out):
    a = ard(out, "t-14-2-01")
    cols = (*ARMS, "total")
    for var, stats_ in DEMOG_PUBLISHED.items():
        for stat, printed in stats_.items():
            if stat == "p":
                assert cell(a, var, "pvalue", "pvalue").stat_fmt == printed, var
                continue
            for col, text in zip(cols, printed.split(), strict=True):
                row = cell(a, var, col, stat)
                if (var, stat, col) in ROUNDING_DIFFERENCES:
                    half, ours = ROUNDING_DIFFERENCES[(var, stat, col)]
                    assert row.stat == pytest.approx(half, abs=1e-9) and row.stat_fmt == ours
                    continue
                assert row.stat_fmt == text, (var, stat, col, row.stat_fmt, text)
    rows = xlsx_rows(out / "t-14-2-01.xlsx")
    for (var, level), printed in DEMOG_PUBLISHED_COUNTS.items():
        texts = printed.split("|")
        for col, text in zip(cols, texts, strict=True):
            n = cell(a, var, col, "n", level)
            p = cell(a, var, col, "p", level)
            assert (n.stat_fmt if n.stat == 0 else f"{n.stat_fmt} ({p.stat_fmt})") == text, (var, level, col)
        assert rows[level][:4] == texts or level in ("Other",), (var, level, rows[level])
    for var, printed in DEMOG_PUBLISHED_P.items():
        p = cell(a, var, "pvalue", "pvalue")
        assert p.stat_fmt == printed + ("^" if var in DEMOG_SPARSE else ""), var
        assert p.warning.startswith(f"sparse chi-square: {DEMOG_SPARSE[var]}") if var in DEMOG_SPARSE else \
            not p.warning, var
    assert SPARSE_FOOTNOTE in rows


# Atorus outputs/14-5.01.rtf: "n (%) [events]" per arm (the replication prints "%" signs, tlf does not)
# and Fisher's exact p-values placebo vs low and vs high dose.
AE_PUBLISHED = {  # (analysis, parent, level): a SOC's own row has parent ""
    ("any", "", ""): ("65 (75.6) [281]", "77 (91.7) [412]", "76 (90.5) [433]", "0.007*", "0.014*"),
    ("socpt", "", "CARDIAC DISORDERS"): ("12 (14.0) [26]", "13 (15.5) [30]", "15 (17.9) [30]",
                                                          "0.831", "0.534"),
    ("socpt", "CARDIAC DISORDERS", "SINUS BRADYCARDIA"): ("2 (2.3) [2]", "7 (8.3) [10]", "8 (9.5) [12]", "0.097*",
                                                          "0.056*"),
    ("socpt", "CARDIAC DISORDERS", "MYOCARDIAL INFARCTION"): ("4 (4.7) [4]", "2 (2.4) [4]", "4 (4.8) [8]", "0.682",
                                                              ">.99"),
    ("socpt", "CARDIAC DISORDERS", "ATRIAL FIBRILLATION"): ("1 (1.2) [1]", "1 (1.2) [1]", "3 (3.6) [5]", ">.99",
                                                            "0.365"),
    ("socpt", "IMMUNE SYSTEM DISORDERS", "HYPERSENSITIVITY"): ("0", "1 (1.2) [2]", "0", "0.494", ""),
    ("socpt", "", "INFECTIONS AND INFESTATIONS"): ("16 (18.6) [35]", "9 (10.7) [16]",
                                                                              "13 (15.5) [20]", "0.194", "0.685"),
    ("socpt", "INFECTIONS AND INFESTATIONS", "NASOPHARYNGITIS"): ("2 (2.3) [4]", "4 (4.8) [9]", "6 (7.1) [8]",
                                                                  "0.441", "0.166"),
    ("socpt", "INFECTIONS AND INFESTATIONS", "UPPER RESPIRATORY TRACT INFECTION"): (
        "6 (7.0) [12]", "1 (1.2) [2]", "3 (3.6) [5]", "0.117*", "0.496"),
    ("socpt", "INFECTIONS AND INFESTATIONS", "CYSTITIS"): ("1 (1.2) [1]", "0", "1 (1.2) [1]", ">.99", ">.99"),
    ("socpt", "INFECTIONS AND INFESTATIONS", "HORDEOLUM"): ("0", "0", "1 (1.2) [1]", "", "0.494"),
}


def _template(a, analysis, column, parent, level, text):
    """Fill "{stat}" placeholders with the ARD's printed statistics."""
    import re

    return re.sub(r"\{([^}]+)\}", lambda m: cell(a, analysis, column, m.group(1), level, parent).stat_fmt, text)


# Atorus outputs/14-3.01.rtf (Placebo | Low | High); the replication prints "Median (Range)" as
# "21.0 (  5;61)" and CIs as "(-2.1;1.1)": the same numbers.
ADAS_PUBLISHED = [
    ("Baseline", "{n}", "79 81 74"), ("Baseline", "{mean} ({sd})", "24.1 (12.19)|24.4 (12.92)|21.3 (11.74)"),
    ("Baseline", "{median} ({min};{max})", "21.0 (5;61)|21.0 (5;57)|18.0 (3;57)"),
    ("Week 24", "{n}", "79 81 74"), ("Week 24", "{mean} ({sd})", "26.7 (13.79)|26.4 (13.18)|22.8 (12.48)"),
    ("Week 24", "{median} ({min};{max})", "24.0 (5;62)|25.0 (6;62)|20.0 (3;62)"),
    ("Week 24", "{chg_n}", "79 81 74"), ("Week 24", "{chg_mean} ({chg_sd})", "2.5 (5.80)|2.0 (5.55)|1.5 (4.26)"),
    ("Week 24", "{chg_median} ({chg_min};{chg_max})", "2.0 (-11;16)|2.0 (-11;17)|1.0 (-7;13)"),
]


def test_adas_cog_equals_the_publication(out):
    a = ard(out, "t-14-3-01")
    for visit, template, printed in ADAS_PUBLISHED:
        texts = printed.split("|") if "|" in printed else printed.split()
        for arm, text in zip(ARMS, texts, strict=True):
            assert _template(a, "summary", arm, "ACTOT", visit, template) == text, (visit, template, arm)
    assert cell(a, "ancova", "", "dose_pvalue", "Week 24", "ACTOT").stat_fmt == "0.245"
    published = {("low", "pbo"): ("0.569", "-0.5 (0.82)", "(-2.1;1.1)"), ("high", "pbo"): ("0.233", "-1.0 (0.84)",
                                                                                           "(-2.7;0.7)"),
                 ("high", "low"): ("0.520", "-0.5 (0.84)", "(-2.2;1.1)")}
    for (arm, comp), printed in published.items():
        pre = "" if comp == "pbo" else f"vs_{comp}."  # differences vs another column than the reference
        for template, text in zip(("{diff_pvalue}", "{diff} ({diff_se})", "({diff_ci_low};{diff_ci_high})"), printed,
                                  strict=True):
            assert _template(a, "ancova", arm, "ACTOT", "Week 24", template.replace("{", "{" + pre)) == text
    rows = xlsx_rows(out / "t-14-3-01.xlsx")
    assert rows["p-value (dose response) [1][2]"][:3] == ["", "", "0.245"]


# R Consortium submissions-pilot1 output/tlf-efficacy.rtf (Placebo | High dose)
GLUC_PUBLISHED = [
    ("Baseline", "{n}", "86|84"), ("Baseline", "{mean} ({sd})", "5.6 (2.14)|5.4 (1.34)"),
    ("Week 20", "{n}", "65|31"), ("Week 20", "{mean} ({sd})", "5.8 (1.50)|5.8 (1.61)"),
    ("Week 20", "{chg_n}", "65|31"), ("Week 20", "{chg_mean} ({chg_sd})", "0.1 (2.08)|0.2 (1.47)"),
]


def test_glucose_equals_the_publication(out):
    a = ard(out, "t-14-3-02")
    for visit, template, printed in GLUC_PUBLISHED:
        for arm, text in zip(("pbo", "high"), printed.split("|"), strict=True):
            assert _template(a, "summary", arm, "GLUC", visit, template) == text, (visit, template, arm)
    lsm = "{lsmean} ({lsmean_ci_low}, {lsmean_ci_high})"
    assert _template(a, "ancova", "pbo", "GLUC", "Week 20", lsm) == "0.09 (-0.23, 0.42)"
    assert _template(a, "ancova", "high", "GLUC", "Week 20", lsm) == "0.16 (-0.31, 0.63)"
    assert _template(a, "ancova", "high", "GLUC", "Week 20", "{diff} ({diff_ci_low}, {diff_ci_high})") == \
        "0.07 (-0.50, 0.63)"
    assert cell(a, "ancova", "high", "diff_pvalue", "Week 20", "GLUC").stat_fmt == "0.822"
    assert cell(a, "ancova", "", "rmse_ml", "Week 20", "GLUC").stat_fmt == "1.30"
    rows = xlsx_rows(out / "t-14-3-02.xlsx")
    assert rows["Root mean squared error"][:2] == ["", "1.30"]
    assert rows["Difference vs Placebo (95% CI)"][:2] == ["", "0.07 (-0.50, 0.63)"]


def test_adverse_events_equal_the_publication(out):
    a = ard(out, "t-14-5-01")
    for (analysis, parent, level), printed in AE_PUBLISHED.items():
        texts = []
        for arm in ARMS:
            n = cell(a, analysis, arm, "n", level, parent)
            if n.stat == 0:
                texts.append("0")
                continue
            p = cell(a, analysis, arm, "p", level, parent).stat_fmt
            ev = cell(a, analysis, arm, "events", level, parent).stat_fmt
            texts.append(f"{n.stat_fmt} ({p}) [{ev}]")
        texts += [cell(a, analysis, sc, "pvalue", level, parent).stat_fmt for sc in ("p_low", "p_high")]
        assert tuple(texts) == printed, (analysis, level)
    rows = xlsx_rows(out / "t-14-5-01.xlsx")
    assert tuple(rows["ANY BODY SYSTEM"][:5]) == AE_PUBLISHED[("any", "", "")]
    assert tuple(rows["SINUS BRADYCARDIA"][:5]) == AE_PUBLISHED[("socpt", "CARDIAC DISORDERS", "SINUS BRADYCARDIA")]
