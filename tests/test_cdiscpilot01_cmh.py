"""The CDISC pilot's stratified analyses built from examples/cdiscpilot01/specs on the real ADaM data
(../shared/data/cdiscpilot01; skipped when absent):

- Table 14-3.13 (CIBIC+ by visit, CMH general association controlling for SITEGR1): its p-values against
  R mantelhaen.test on the same records (tests/reference/cmh/pilot_cibic.R; saved pilot_cibic.csv, and
  run live when Rscript and haven are installed); its counts against pandas;
- hazard ratios of the time to first dermatologic event (a time_to_event `hazard_ratio` with strata and a
  covariate, and a stratified log-rank stat column) against R coxph / survdiff
  (tests/reference/cox/results.csv, made by make_reference.R there).
"""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SHARED
from tlf.ard.schema import read_ard
from tlf.build import build

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "examples" / "cdiscpilot01" / "specs"
DATA = SHARED / "data" / "cdiscpilot01"
CMH_REF = REPO / "tests" / "reference" / "cmh"
COX_REF = REPO / "tests" / "reference" / "cox" / "results.csv"
VISITS = ("Week 8", "Week 16", "Week 24")

pytestmark = pytest.mark.skipif(not (DATA / "adsl.xpt").is_file(), reason="CDISC pilot data not in ../shared")

HR_TABLE = """\
id: t-hr
type: table
number: "Table X"
title: "Time to First Dermatologic Event: Hazard Ratios"
population: SAF
columns: actual
stat_columns:
  - {id: slr, label: "Stratified log-rank p-value", over: [pbo, low, high], test: logrank, strata: SITEGR1,
     format: {decimals: 6}}
analyses:
  - id: ttde
    type: time_to_event
    dataset: adtte
    where: "PARAMCD == 'TTDE'"
    time: AVAL
    censor: CNSR
    hazard_ratio: {reference: pbo, ties: breslow, strata: [SITEGR1], covariates: [AGE], decimals: 3}
  - id: efron
    type: time_to_event
    dataset: adtte
    where: "PARAMCD == 'TTDE'"
    time: AVAL
    censor: CNSR
    rows: [n]
    test: none
    hazard_ratio: {reference: pbo, ties: efron}
"""


@pytest.fixture(scope="module")
def out(pilot_build):
    """Every output of the folder, t-14-3-13 among them, built once (tests/conftest.py: one build shared by
    the pilot's modules)."""
    return pilot_build


def _pvalues(out) -> dict[str, float]:
    ard = read_ard(out / "t-14-3-13.ard.csv")
    sel = ard[ard.stat_name == "pvalue"]
    return {a: float(v) for a, v in zip(sel.analysis, sel.stat, strict=True)}


def _saved(path: Path) -> dict[str, float]:
    with open(path) as f:
        return {r["visit"]: float(r["p"]) for r in csv.DictReader(f)}


def test_cmh_pvalues_equal_saved_r(out):
    ours, ref = _pvalues(out), _saved(CMH_REF / "pilot_cibic.csv")
    for v in VISITS:
        assert ours[f"week{v.split()[1]}"] == pytest.approx(ref[v], rel=1e-9), v


def test_cmh_pvalues_equal_r_live(out, tmp_path):
    if shutil.which("Rscript") is None or subprocess.run(["Rscript", "-e", "library(haven)"],
                                                         capture_output=True).returncode:
        pytest.skip("Rscript or the R package haven not installed")
    live = tmp_path / "p.csv"
    subprocess.run(["Rscript", str(CMH_REF / "pilot_cibic.R"), str(DATA), str(live)], cwd=CMH_REF, check=True,
                   capture_output=True)
    ours, ref = _pvalues(out), _saved(live)
    assert ref == pytest.approx(_saved(CMH_REF / "pilot_cibic.csv"), rel=1e-12)
    for v in VISITS:
        assert ours[f"week{v.split()[1]}"] == pytest.approx(ref[v], rel=1e-9), v


def test_counts_and_n_rows(out):
    import pyreadstat

    q = pyreadstat.read_xport(str(DATA / "adqscibc.xpt"))[0]
    adsl = pyreadstat.read_xport(str(DATA / "adsl.xpt"), usecols=["USUBJID", "TRT01P", "EFFFL"])[0]
    q = q[(q.ANL01FL == "Y") & (q.PARAMCD == "CIBICVAL")].merge(adsl[adsl.EFFFL == "Y"][["USUBJID", "TRT01P"]])
    ard = read_ard(out / "t-14-3-13.ard.csv")
    arms = {"pbo": "Placebo", "low": "Xanomeline Low Dose", "high": "Xanomeline High Dose"}
    for v in VISITS:
        a = f"week{v.split()[1]}"
        for col, arm in arms.items():
            d = q[(q.AVISIT == v) & (q.TRT01P == arm)]
            n = ard[(ard.analysis == a) & (ard.column == col) & (ard.level == "N") & (ard.stat_name == "n")]
            assert float(n.stat.iloc[0]) == d.USUBJID.nunique()
            nc = ard[(ard.analysis == a) & (ard.column == col) & (ard.level == "No Change") & (ard.stat_name == "p")]
            assert float(nc.stat.iloc[0]) == pytest.approx((d.AVAL == 4).sum() / d.USUBJID.nunique(), rel=1e-12)


def test_hazard_ratios_equal_r_coxph(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "study.yaml").write_text((SPECS / "study.yaml").read_text())
    (specs / "t-hr.yaml").write_text(HR_TABLE)
    report = build(specs, tmp_path / "out", ["t-hr"], data_dir=DATA)
    assert report.ok, [str(o.error) for o in report.outputs if o.error]
    ard = read_ard(tmp_path / "out" / "t-hr.ard.csv")
    with open(COX_REF) as f:
        ref = {(r["model"], r["term"], r["stat"]): float(r["value"]) for r in csv.DictReader(f) if r["data"] == "pilot"}

    def cell(analysis, col, stat):
        sel = ard[(ard.analysis == analysis) & (ard.column == col) & (ard.stat_name == stat)]
        return float(sel.stat.iloc[0])

    for col, arm in (("low", "Xanomeline Low Dose"), ("high", "Xanomeline High Dose")):
        for analysis, model in (("ttde", "breslow:TRTA+AGE|SITEGR1"), ("efron", "efron:TRTA")):
            term = f"TRTA{arm}"
            assert cell(analysis, col, "hr_ci_low") == pytest.approx(ref[(model, term, "lower")], rel=1e-6)
            assert cell(analysis, col, "hr_ci_high") == pytest.approx(ref[(model, term, "upper")], rel=1e-6)
            assert cell(analysis, col, "hr_pvalue") == pytest.approx(ref[(model, term, "p")], rel=1e-5)
    assert ard[(ard.column == "pbo") & ard.stat_name.str.startswith("hr")].empty  # the reference: blank
    slr = ard[(ard.analysis == "ttde") & (ard.column == "slr")]
    from scipy.stats import chi2

    assert float(slr.stat.iloc[0]) == pytest.approx(chi2.sf(ref[("logrank|SITEGR1", "", "chisq")], 2), rel=1e-9)


FOREST = """\
id: f-forest
type: figure
number: "Figure X"
title: "Time to First Dermatologic Event: Hazard Ratios by Subgroup"
population: SAF
columns: actual
plot: {kind: forest}
analyses:
  - {id: all, label: "All subjects", type: time_to_event, dataset: adtte, where: "PARAMCD == 'TTDE'",
     hazard_ratio: {reference: pbo}}
  - {id: f, label: "Female", type: time_to_event, dataset: adtte, where: "PARAMCD == 'TTDE' and SEX == 'F'",
     hazard_ratio: {reference: pbo}}
  - {id: m, label: "Male", type: time_to_event, dataset: adtte, where: "PARAMCD == 'TTDE' and SEX == 'M'",
     hazard_ratio: {reference: pbo}}
"""


def test_forest_plot_of_subgroup_hazard_ratios(tmp_path):
    import pyreadstat

    from tlf.stats.cox import hazard_ratios

    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "study.yaml").write_text((SPECS / "study.yaml").read_text())
    (specs / "f-forest.yaml").write_text(FOREST)
    for shell in (False, True):
        report = build(specs, tmp_path / f"out{shell}", ["f-forest"], data_dir=DATA, shell=shell)
        assert report.ok, [str(o.error) for o in report.outputs if o.error]
    ard = read_ard(tmp_path / "outFalse" / "f-forest.ard.csv")
    tte = pyreadstat.read_xport(str(DATA / "adtte.xpt"))[0]
    tte = tte[tte.PARAMCD == "TTDE"]
    with open(COX_REF) as f:
        ref = {(r["model"], r["term"], r["stat"]): float(r["value"]) for r in csv.DictReader(f) if r["data"] == "pilot"}
    for analysis, sel in (("all", tte), ("f", tte[tte.SEX == "F"]), ("m", tte[tte.SEX == "M"])):
        hrs = hazard_ratios(sel.AVAL, 1 - sel.CNSR, sel.TRTA, "Placebo")  # checked against R in test_stats_cox
        for col, arm in (("low", "Xanomeline Low Dose"), ("high", "Xanomeline High Dose")):
            got = ard[(ard.analysis == analysis) & (ard.column == col) & (ard.stat_name == "hr")].stat.iloc[0]
            assert float(got) == pytest.approx(hrs[arm].hr, rel=1e-12)
            if analysis == "all":  # the whole set: R coxph's own numbers
                assert float(got) == pytest.approx(math.exp(ref[("breslow:TRTA", f"TRTA{arm}", "coef")]), rel=1e-7)
