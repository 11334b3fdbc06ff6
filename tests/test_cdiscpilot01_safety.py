"""The CDISC pilot's safety tables (examples/cdiscpilot01/specs, SAP sections 11.2-11.6), built on the
pilot's ADaM data (../shared/data/cdiscpilot01; skipped when absent). A sample of each output's numbers
is recomputed here with pandas straight from the xpt files, independently of tlf."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.stats import fisher_exact

from tests.conftest import SHARED
from tlf.ard.schema import read_ard

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "examples" / "cdiscpilot01" / "specs"
DATA = SHARED / "data" / "cdiscpilot01"
ARMS = {"pbo": "Placebo", "low": "Xanomeline Low Dose", "high": "Xanomeline High Dose"}
OUTPUTS = ["t-14-5-02", "t-14-6-01", "t-14-6-02", "t-14-6-03", "t-14-6-04", "t-14-6-05", "t-14-6-06",
           "t-14-7-01", "t-14-7-02", "t-14-7-03", "t-14-7-04", "t-ae-sev", "t-ae-fda"]

pytestmark = pytest.mark.skipif(not (DATA / "adsl.xpt").is_file(), reason="CDISC pilot data not in ../shared")


def xpt(name, cols=None):
    import pyreadstat

    return pyreadstat.read_xport(str(DATA / name), usecols=cols)[0]


@pytest.fixture(scope="module")
def out(pilot_build):
    """Every output of the folder, OUTPUTS among them, built once (tests/conftest.py: one build shared by
    the pilot's modules)."""
    assert all((pilot_build / f"{oid}.ard.csv").is_file() for oid in OUTPUTS)
    return pilot_build


@pytest.fixture(scope="module")
def saf():
    """Safety population: subject -> actual treatment (TRT01A)."""
    adsl = xpt("adsl.xpt", ["USUBJID", "SAFFL", "TRT01A", "ARM", "TRTDUR"])
    adsl = adsl[adsl.SAFFL == "Y"]
    return adsl.set_index("USUBJID").TRT01A


_CELLS: dict = {}


def cell(out, oid, analysis, column, stat_name, level="", parent=""):
    """The ARD value of one cell."""
    if oid not in _CELLS:
        frame = read_ard(out / f"{oid}.ard.csv")
        _CELLS[oid] = {(r.analysis, r.column, r.stat_name, r.level, r.parent): r.stat
                       for r in frame.itertuples(index=False)}
    return _CELLS[oid][(analysis, column, stat_name, level, parent)]


def test_serious_aes_by_soc_and_pt(out, saf):
    ae = xpt("adae.xpt", ["USUBJID", "TRTEMFL", "AESER", "AEBODSYS", "AEDECOD"])
    ae = ae[(ae.TRTEMFL == "Y") & (ae.AESER == "Y") & ae.USUBJID.isin(saf.index)]
    ae = ae.assign(arm=ae.USUBJID.map(saf))
    assert len(ae) > 0
    n_arm = saf.value_counts()
    for col, arm in ARMS.items():
        sub = ae[ae.arm == arm]
        assert cell(out, "t-14-5-02", "any", col, "n") == sub.USUBJID.nunique()
        assert cell(out, "t-14-5-02", "any", col, "events") == len(sub)
        for soc, g in ae.groupby("AEBODSYS"):
            assert cell(out, "t-14-5-02", "socpt", col, "n", soc) == g[g.arm == arm].USUBJID.nunique()
            for pt, h in g.groupby("AEDECOD"):
                k = h[h.arm == arm].USUBJID.nunique()
                assert cell(out, "t-14-5-02", "socpt", col, "n", pt, soc) == k
                assert cell(out, "t-14-5-02", "socpt", col, "p", pt, soc) == pytest.approx(k / n_arm[arm])
    # Fisher's exact test of any serious AE, placebo vs high dose
    a = ae[ae.arm == ARMS["high"]].USUBJID.nunique()
    b = ae[ae.arm == ARMS["pbo"]].USUBJID.nunique()
    p = fisher_exact([[a, n_arm[ARMS["high"]] - a], [b, n_arm[ARMS["pbo"]] - b]])[1]
    assert cell(out, "t-14-5-02", "any", "p_high", "pvalue") == pytest.approx(p)


LEVEL = {"L": "Low", "N": "Normal", "H": "High"}


def _worst_category(lb, saf, paramcd):
    """Worst ANRIND (High over Low over Normal) per subject in planned visits 2..24, by treatment."""
    rank = {"N": 0, "L": 1, "H": 2}
    d = lb[(lb.PARAMCD == paramcd) & (lb.AVISITN > 0) & (lb.AVISITN <= 24) & lb.ANRIND.isin(list(rank))
           & lb.USUBJID.isin(saf.index)]
    worst = d.assign(r=d.ANRIND.map(rank)).groupby("USUBJID").r.max()
    inv = {v: k for k, v in rank.items()}
    return worst.map(inv).to_frame("cat").assign(arm=lambda f: f.index.map(saf))


@pytest.mark.parametrize("oid, analysis, dataset, paramcd", [
    ("t-14-6-02", "alt", "adlbc.xpt", "ALT"),
    ("t-14-6-02", "eos", "adlbh.xpt", "EOS"),
    ("t-14-6-03", "alt", "adlbc.xpt", "_ALT"),
    ("t-14-6-03", "wbc", "adlbh.xpt", "_WBC"),
])
def test_lab_abnormalities_of_subjects_assessed(out, saf, oid, analysis, dataset, paramcd):
    lb = xpt(dataset, ["USUBJID", "PARAMCD", "AVISITN", "ANRIND"])
    w = _worst_category(lb, saf, paramcd)
    assert (w.cat != "N").sum() > 0         # the analyte has abnormal values: the check can fail
    for col, arm in ARMS.items():
        sub = w[w.arm == arm]
        assert cell(out, oid, analysis, col, "n", "n") == len(sub)
        for code, label in LEVEL.items():
            k = int((sub.cat == code).sum())
            assert cell(out, oid, analysis, col, "n", label) == k
            assert cell(out, oid, analysis, col, "denom", label) == len(sub)
            assert cell(out, oid, analysis, col, "p", label) == pytest.approx(k / len(sub))


@pytest.mark.parametrize("dataset, analysis, paramcd, visitn", [
    ("adlbc.xpt", "chem", "ALT", 8), ("adlbc.xpt", "chem", "GLUC", 24), ("adlbh.xpt", "hem", "EOS", 2)])
def test_lab_shift_by_visit(out, saf, dataset, analysis, paramcd, visitn):
    lb = xpt(dataset, ["USUBJID", "PARAMCD", "AVISITN", "ANRIND", "BNRIND"])
    d = lb[(lb.PARAMCD == paramcd) & (lb.AVISITN == visitn) & lb.USUBJID.isin(saf.index)]
    d = d.assign(arm=d.USUBJID.map(saf))
    parent = f"{paramcd}|Week {visitn}"
    checked = 0
    for col, arm in ARMS.items():
        a = d[d.arm == arm]
        for base in "LNH":
            group = a[a.BNRIND == base]
            for post in "LNH":
                k = int((group.ANRIND == post).sum())
                assert cell(out, "t-14-6-04", analysis, f"{col}|{LEVEL[post]}", "n", LEVEL[base], parent) == k
                if len(group):
                    assert cell(out, "t-14-6-04", analysis, f"{col}|{LEVEL[post]}", "denom", LEVEL[base],
                                parent) == len(group)
                checked += k * (base != post)
    assert checked > 0          # some subject shifted: the check can fail


def test_hys_law_shift_counts_a_change_at_any_visit(out, saf):
    hy = xpt("tdf_adam_v1/adlbhy.xpt", ["USUBJID", "PARAMCD", "AVISITN", "AVAL", "BASE"])
    hy = hy[(hy.AVISITN > 0) & (hy.AVISITN <= 24) & hy.USUBJID.isin(saf.index) & hy.BASE.notna()]
    status = {0: "Normal", 1: "Abnormal"}
    changes = 0
    for paramcd in ("TRANSHY", "HYLAW"):
        d = hy[hy.PARAMCD == paramcd]
        per = d.groupby("USUBJID").agg(base=("BASE", "first"), changed=("AVAL", "size"))
        per["changed"] = d.assign(c=d.AVAL != d.BASE).groupby("USUBJID").c.any()
        per["post"] = per.base.where(~per.changed, 1 - per.base)
        per["arm"] = per.index.map(saf)
        changes += int(per.changed.sum())
        for col, arm in ARMS.items():
            a = per[per.arm == arm]
            for b in (0, 1):
                for p in (0, 1):
                    k = int(((a.base == b) & (a.post == p)).sum())
                    assert cell(out, "t-14-6-06", "hy", f"{col}|{status[p]}", "n", status[b],
                                paramcd) == k
    assert changes > 0


@pytest.mark.parametrize("oid, analysis, paramcd, atpt, visit, var, prefix", [
    ("t-14-7-01", "sbp_lie", "SYSBP", "AFTER LYING DOWN FOR 5 MINUTES", "Week 24", "AVAL", ""),
    ("t-14-7-01", "hr_st3", "PULSE", "AFTER STANDING FOR 3 MINUTES", "End of Treatment", "AVAL", ""),
    ("t-14-7-02", "dbp_st1", "DIABP", "AFTER STANDING FOR 1 MINUTE", "End of Treatment", "CHG", "chg_"),
    ("t-14-7-03", "wt", "WEIGHT", "", "Baseline", "AVAL", ""),
    ("t-14-7-03", "wtchg", "WEIGHT", "", "End of Treatment", "CHG", "chg_"),
])
def test_vital_signs_statistics(out, saf, oid, analysis, paramcd, atpt, visit, var, prefix):
    vs = xpt("advs.xpt", ["USUBJID", "PARAMCD", "ATPT", "AVISIT", "ANL01FL", "AVAL", "CHG"])
    d = vs[(vs.PARAMCD == paramcd) & (vs.ATPT == atpt) & (vs.AVISIT == visit) & (vs.ANL01FL == "Y")
           & vs.USUBJID.isin(saf.index)]
    d = d.assign(arm=d.USUBJID.map(saf))
    for col, arm in ARMS.items():
        x = d.loc[d.arm == arm, var].dropna()
        assert len(x) > 10
        got = {s: cell(out, oid, analysis, col, prefix + s, visit, paramcd)
               for s in ("n", "mean", "sd", "median", "min", "max")}
        assert got["n"] == len(x)
        assert got["mean"] == pytest.approx(x.mean())
        assert got["sd"] == pytest.approx(x.std(ddof=1))
        assert got["median"] == pytest.approx(x.median())
        assert (got["min"], got["max"]) == (x.min(), x.max())


def test_concomitant_medications_by_class_and_ingredient(out):
    adsl = xpt("adsl.xpt", ["USUBJID", "ITTFL", "TRT01P"])
    itt = adsl[adsl.ITTFL == "Y"].set_index("USUBJID").TRT01P
    cm = xpt("tdf_sdtm_v1/cm.xpt", ["USUBJID", "CMCLAS", "CMDECOD"])
    cm = cm[cm.USUBJID.isin(itt.index)].assign(arm=lambda f: f.USUBJID.map(itt))
    for col, arm in ARMS.items():
        a = cm[cm.arm == arm]
        assert cell(out, "t-14-7-04", "any", col, "n") == a.USUBJID.nunique()
        for clas in ("UNCODED", "NERVOUS SYSTEM", "CARDIOVASCULAR SYSTEM"):
            g = a[a.CMCLAS == clas]
            assert cell(out, "t-14-7-04", "clas", col, "n", clas) == g.USUBJID.nunique()
            for term, h in cm[cm.CMCLAS == clas].groupby("CMDECOD"):
                k = h[h.arm == arm].USUBJID.nunique()
                assert cell(out, "t-14-7-04", "clas", col, "n", term, clas) == k
                assert cell(out, "t-14-7-04", "clas", col, "p", term, clas) == pytest.approx(k / (itt == arm).sum())


@pytest.mark.parametrize("dataset, analysis, paramcd, visit", [
    ("adlbc.xpt", "chem", "ALT", "Week 24"), ("adlbc.xpt", "chem_si", "GLUC", "End of Treatment"),
    ("adlbh.xpt", "hem_si", "HGB", "Week 8")])
def test_lab_summary_by_visit(out, saf, dataset, analysis, paramcd, visit):
    lb = xpt(dataset, ["USUBJID", "PARAMCD", "AVISIT", "AVAL", "CHG"])
    d = lb[(lb.PARAMCD == paramcd) & (lb.AVISIT.str.strip() == visit) & lb.USUBJID.isin(saf.index)]
    d = d.assign(arm=d.USUBJID.map(saf))
    for col, arm in ARMS.items():
        a = d[d.arm == arm]
        assert cell(out, "t-14-6-01", analysis, col, "n", visit, paramcd) == a.AVAL.notna().sum() > 10
        assert cell(out, "t-14-6-01", analysis, col, "mean", visit, paramcd) == pytest.approx(a.AVAL.mean())
        assert cell(out, "t-14-6-01", analysis, col, "sd", visit, paramcd) == pytest.approx(a.AVAL.std())
        assert cell(out, "t-14-6-01", analysis, col, "chg_mean", visit, paramcd) == pytest.approx(a.CHG.mean())
        assert cell(out, "t-14-6-01", analysis, col, "chg_sd", visit, paramcd) == pytest.approx(a.CHG.std())


def test_adverse_events_by_maximum_severity(out, saf):
    ae = xpt("adae.xpt", ["USUBJID", "TRTEMFL", "AEBODSYS", "AEDECOD", "AESEV"])
    ae = ae[(ae.TRTEMFL == "Y") & ae.USUBJID.isin(saf.index)]
    ae = ae.assign(arm=ae.USUBJID.map(saf), sev=ae.AESEV.map({"MILD": 1, "MODERATE": 2, "SEVERE": 3}))
    assert ae.sev.notna().all()

    def worst(frame):
        return frame.groupby("USUBJID").agg(arm=("arm", "first"), sev=("sev", "max"))

    blocks = [("", "", ae)]
    for soc in ("CARDIAC DISORDERS", "GASTROINTESTINAL DISORDERS"):
        blocks.append((soc, "", ae[ae.AEBODSYS == soc]))
    for soc, pt in (("CARDIAC DISORDERS", "SINUS BRADYCARDIA"), ("GENERAL DISORDERS AND ADMINISTRATION SITE CONDITIONS",
                                                               "APPLICATION SITE PRURITUS")):
        blocks.append((pt, soc, ae[(ae.AEBODSYS == soc) & (ae.AEDECOD == pt)]))
    severe = 0
    for level, parent, frame in blocks:
        w = worst(frame)
        for col, arm in ARMS.items():
            a = w[w.arm == arm]
            assert cell(out, "t-ae-sev", "aesev", col, "n", level, parent) == len(a)
            for g in (1, 2, 3):
                assert cell(out, "t-ae-sev", "aesev", col, f"grade{g}_n", level, parent) == (a.sev == g).sum()
            severe += (a.sev == 3).sum()
    assert severe > 0


def _newcombe(x1, n1, x2, n2, z=1.959963984540054):
    """Newcombe (1998) method 10: the hybrid score interval of p1 - p2 from two Wilson intervals."""
    def wilson(x, n):
        p = x / n
        mid, half = (p + z * z / (2 * n)), z * ((p * (1 - p) + z * z / (4 * n)) / n) ** 0.5
        return (mid - half) / (1 + z * z / n), (mid + half) / (1 + z * z / n)
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = wilson(x1, n1), wilson(x2, n2)
    d = p1 - p2
    return d, d - ((p1 - l1) ** 2 + (u2 - p2) ** 2) ** 0.5, d + ((u1 - p1) ** 2 + (p2 - l2) ** 2) ** 0.5


def test_fda_overview_risk_differences(out, saf):
    ae = xpt("adae.xpt", ["USUBJID", "TRTEMFL", "AESER", "AESEV", "AESDTH", "AEREL"])
    ae = ae[(ae.TRTEMFL == "Y") & ae.USUBJID.isin(saf.index)]
    adsl = xpt("adsl.xpt", ["USUBJID", "DSRAEFL"])
    subjects = {
        "any": set(ae.USUBJID), "sae": set(ae.USUBJID[ae.AESER == "Y"]), "death": set(ae.USUBJID[ae.AESDTH == "Y"]),
        "severe": set(ae.USUBJID[ae.AESEV == "SEVERE"]),
        "related": set(ae.USUBJID[ae.AEREL.isin(["POSSIBLE", "PROBABLE"])]),
        "disc": set(adsl.USUBJID[adsl.DSRAEFL == "Y"]) & set(saf.index)}
    n_arm = saf.value_counts()
    for analysis, subj in subjects.items():
        k = {col: sum(saf[s] == arm for s in subj) for col, arm in ARMS.items()}
        for col in ARMS:
            assert cell(out, "t-ae-fda", analysis, col, "n") == k[col]
        for col, rd in (("low", "rd_low"), ("high", "rd_high")):
            d, lo, hi = _newcombe(k[col], n_arm[ARMS[col]], k["pbo"], n_arm[ARMS["pbo"]])
            assert cell(out, "t-ae-fda", analysis, rd, "estimate") == pytest.approx(100 * d)
            assert cell(out, "t-ae-fda", analysis, rd, "estimate_lower") == pytest.approx(100 * lo)
            assert cell(out, "t-ae-fda", analysis, rd, "estimate_upper") == pytest.approx(100 * hi)


def test_hematology_shift_to_worst_during_treatment(out, saf):
    lb = xpt("adlbh.xpt", ["USUBJID", "PARAMCD", "AVISITN", "ANRIND", "BNRIND"])
    for paramcd in ("EOS", "MONO"):
        w = _worst_category(lb, saf, paramcd)
        base = lb[(lb.PARAMCD == paramcd) & (lb.AVISITN > 0)].groupby("USUBJID").BNRIND.first()
        w = w.assign(base=w.index.map(base))
        assert (w.cat != "N").sum() > 0
        for col, arm in ARMS.items():
            a = w[w.arm == arm]
            for b in "LNH":
                for post in "LNH":
                    k = int(((a.base == b) & (a.cat == post)).sum())
                    assert cell(out, "t-14-6-05", "hem", f"{col}|{LEVEL[post]}", "n", LEVEL[b], paramcd) == k


FISHER_R = REPO / "tests" / "reference" / "pilot_safety"


def _fisher_reference(tmp_path) -> list[dict]:
    """R fisher.test of the abnormality tables: run live when Rscript and haven are there, else the CSV saved
    by the same script (tests/reference/pilot_safety/make_reference.R)."""
    import csv
    import shutil
    import subprocess

    path = FISHER_R / "fisher.csv"
    if shutil.which("Rscript"):
        live = tmp_path / "fisher.csv"
        run = subprocess.run(["Rscript", str(FISHER_R / "make_reference.R"), str(DATA), str(live)],
                             capture_output=True, text=True, timeout=300)
        if run.returncode == 0:
            path = live
        elif "haven" not in run.stderr:
            raise AssertionError(run.stderr)
    with path.open() as f:
        return list(csv.DictReader(f))


def test_abnormality_fisher_p_values_equal_r(out, tmp_path):
    rows = _fisher_reference(tmp_path)
    assert len(rows) == 5
    for r in rows:
        analysis = r["paramcd"].lstrip("_").lower()
        assert cell(out, r["output_id"], analysis, "pval", "pvalue", "n") == pytest.approx(float(r["pvalue"]),
                                                                                            rel=1e-9)
