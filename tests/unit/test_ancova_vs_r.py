"""The `ancova` analysis (spec -> ARD) against R's lm + emmeans, to 1e-8 relative.

Independent source: tests/reference/ancova_eff/{lsmeans,diffs}.csv, written by make_reference.R (R
lm with sum-to-zero contrasts + emmeans) from the inputs make_data.py extracts/creates. Two data sets:
study A's flow-cytometry markers (percent change ~ arm + baseline, 24 models) through the real spec
specs/t-14-4-1.yaml, and an unbalanced set with missing values and an extra categorical covariate taken
from the subject-level dataset (change ~ arm + region + baseline + age; equal and proportional weights).
Where Rscript and emmeans are installed, R is also run afresh and must reproduce the saved CSVs.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from tlf.build import compute_output, prepare
from tlf.spec.validate import load_study

REPO = Path(__file__).resolve().parents[2]
REF = REPO / "tests" / "reference" / "ancova_eff"
REL = 1e-8

STUDY = """\
study: {id: UNBAL-001}
data:
  dir: data
  datasets:
    adsl: {file: adsl.csv}
    adbds: {file: adbds.csv}
populations:
  SAF: {label: Safety Population, where: "SAFFL == 'Y'"}
columns:
  arms:
    - {id: pbo, label: Placebo, var: TRT01A, value: Placebo}
    - {id: high, label: Drug High, var: TRT01A, value: Drug High}
    - {id: low, label: Drug Low, var: TRT01A, value: Drug Low}
"""
OUTPUT = """\
id: t-anc
type: table
number: Table 1
title: ANCOVA
population: SAF
columns: arms
analyses:
  - {id: equal, type: ancova, dataset: adbds, param: SCORE, visits: [Week 4, Week 8], response: CHG,
     covariates: [BASE, AGE], factors: [REGION], reference: pbo, weights: equal}
  - {id: proportional, type: ancova, dataset: adbds, param: SCORE, visits: [Week 4, Week 8], response: CHG,
     covariates: [BASE, AGE], factors: [REGION], reference: pbo, weights: proportional}
"""


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=1e-12)


def _ard(specs: Path, output_id: str) -> pd.DataFrame:
    study = load_study(specs)
    data, pops, _ = prepare(study)
    ard, _ = compute_output(study, study.output(output_id), data, pops)
    return ard


@pytest.fixture(scope="module")
def study_a_ard() -> pd.DataFrame:
    return _ard(REPO / "specs", "t-14-4-1")


@pytest.fixture(scope="module")
def unbalanced_ard(tmp_path_factory) -> pd.DataFrame:
    root = tmp_path_factory.mktemp("unbalanced")
    (root / "data").mkdir()
    shutil.copy(REF / "unbalanced_adsl.csv", root / "data" / "adsl.csv")
    shutil.copy(REF / "unbalanced_bds.csv", root / "data" / "adbds.csv")
    (root / "study.yaml").write_text(textwrap.dedent(STUDY))
    (root / "t-anc.yaml").write_text(textwrap.dedent(OUTPUT))
    return _ard(root, "t-anc")


def _compare(ard: pd.DataFrame, lsm: pd.DataFrame, dif: pd.DataFrame, analysis_of) -> int:
    got = {(a, c, p, lv, s): v for a, c, p, lv, s, v in
           zip(ard.analysis, ard.column, ard.parent, ard.level, ard.stat_name, ard.stat, strict=True)}
    checked = 0
    for r in lsm.itertuples():
        key = (analysis_of(r), r.arm, r.paramcd, r.avisit)
        for stat, want in (("n", r.n), ("lsmean", r.estimate), ("lsmean_se", r.se), ("lsmean_ci_low", r.lower),
                           ("lsmean_ci_high", r.upper)):
            assert close(got[(*key, stat)], want), (key, stat, got[(*key, stat)], want)
            checked += 1
    for r in dif.itertuples():
        key = (analysis_of(r), r.arm, r.paramcd, r.avisit)
        for stat, want in (("diff", r.estimate), ("diff_se", r.se), ("diff_ci_low", r.lower),
                           ("diff_ci_high", r.upper), ("diff_pvalue", r.p)):
            assert close(got[(*key, stat)], want), (key, stat, got[(*key, stat)], want)
            checked += 1
    return checked


def _reference(folder: Path, data: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    lsm = pd.read_csv(folder / "lsmeans.csv", keep_default_na=False, na_values=["NA"])
    dif = pd.read_csv(folder / "diffs.csv", keep_default_na=False, na_values=["NA"])
    return lsm[lsm.data == data], dif[dif.data == data]


def test_study_a_pd_ancova_equals_r(study_a_ard):
    lsm, dif = _reference(REF, "study_a")
    assert len(lsm) == 8 * 3 * 5 and len(dif) == 8 * 3 * 4
    assert _compare(study_a_ard, lsm, dif, lambda r: "pd") == 8 * 3 * (5 * 5 + 4 * 5)


def test_unbalanced_ancova_with_missing_values_and_a_factor_equals_r(unbalanced_ard):
    lsm, dif = _reference(REF, "unbalanced")
    assert set(lsm.weights) == {"equal", "proportional"}
    # the design is unbalanced and incomplete: arms and regions differ in size, rows were dropped
    assert lsm.n.nunique() > 1 and lsm[(lsm.avisit == "Week 4") & (lsm.weights == "equal")].n.sum() < 34
    n = _compare(unbalanced_ard, lsm, dif, lambda r: r.weights)
    assert n == 2 * 2 * (3 * 5 + 2 * 5)
    # equal and proportional weights differ here (a factor besides treatment), as they should
    eq = lsm[(lsm.weights == "equal") & (lsm.arm == "pbo")].estimate.to_numpy()
    pr = lsm[(lsm.weights == "proportional") & (lsm.arm == "pbo")].estimate.to_numpy()
    assert abs(eq - pr).max() > 1e-3


def test_r_inputs_match_the_committed_data():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_data", REF / "make_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fresh = mod.study_a_pd().reset_index(drop=True)
    saved = pd.read_csv(REF / "study_a_pd.csv", keep_default_na=False, dtype={"PCHG": str})
    pd.testing.assert_frame_equal(fresh.astype(str), saved.astype(str), check_dtype=False)


def _has_emmeans() -> bool:
    if shutil.which("Rscript") is None:
        return False
    res = subprocess.run(["Rscript", "-e", "library(emmeans)"], capture_output=True)
    return res.returncode == 0


@pytest.mark.skipif(not _has_emmeans(), reason="Rscript with emmeans not installed")
def test_r_run_now_reproduces_the_saved_reference(tmp_path, study_a_ard, unbalanced_ard):
    subprocess.run(["Rscript", str(REF / "make_reference.R"), str(REF), str(tmp_path)], check=True,
                   capture_output=True, timeout=120)
    for name in ("lsmeans.csv", "diffs.csv"):
        fresh = pd.read_csv(tmp_path / name, keep_default_na=False, na_values=["NA"])
        saved = pd.read_csv(REF / name, keep_default_na=False, na_values=["NA"])
        pd.testing.assert_frame_equal(fresh, saved, check_exact=False, rtol=1e-12)
    lsm, dif = _reference(tmp_path, "study_a")
    assert _compare(study_a_ard, lsm, dif, lambda r: "pd") > 0
    lsm, dif = _reference(tmp_path, "unbalanced")
    assert _compare(unbalanced_ard, lsm, dif, lambda r: r.weights) > 0
