"""ANCOVA, LS means, Type III tests and the dose-response model against R (lm + emmeans + car).

Independent source: tests/reference/ancova/*.csv, written by tests/reference/ancova/make_reference.R
(R 4.2.2, emmeans 1.8.4-1, car 3.1-1) from tests/reference/ancova/data.csv (written by make_data.py
there). Weights "equal" and "proportional" are emmeans' own; "om" (SAS LSMEANS / OM) is the SAS/STAT
documentation's rule (margins over rows with all independent variables present, even when the
response is missing) computed in R and handed to emmeans as explicit weights. Precision: 1e-8
relative (the agreement observed is about 1e-13). `test_live_r` re-runs the R program when Rscript
is installed and compares with its fresh output.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tlf.ard.schema import make_ard
from tlf.errors import DataError, TlfError
from tlf.stats.models import fit_ancova, fit_dose_response, fit_power_model

REF = Path(__file__).resolve().parents[1] / "reference" / "ancova"
REL = 1e-8
ARMS = ["Placebo", "Xanomeline Low Dose", "Xanomeline High Dose"]

# the R models of make_reference.R as fit_ancova arguments (R's TRT is the factor of TRTP)
MODELS = {
    "trt_base": {"covariates": ["BASE"]},
    "trt_site_base": {"covariates": ["BASE"], "factors": ["SITEGR1"]},
    "two_factors": {"covariates": ["BASE", "AGE"], "factors": ["SITEGR1", "SEX"]},
    "trt_by_site": {"covariates": ["BASE"], "factors": ["SITEGR1"], "interactions": [("TRTP", "SITEGR1")]},
    "trt_by_base": {"covariates": ["BASE"], "interactions": [("TRTP", "BASE")]},
}


def close(actual: float, expected: float, rel: float = REL) -> bool:
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=1e-14)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(REF / "data.csv", dtype={"SITEGR1": str})


def read_reference(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(folder / f"{name}.csv") for name in ("lsmeans", "diffs", "type3", "fit")}


@pytest.fixture(scope="module")
def ref() -> dict[str, pd.DataFrame]:
    return read_reference(REF)


def r_effect(name: str) -> str:
    """R names the treatment factor TRT; the data's variable is TRTP."""
    return ":".join("TRTP" if part == "TRT" else part for part in name.split(":"))


def check_model(data: pd.DataFrame, ref: dict[str, pd.DataFrame], model: str, weights: str) -> None:
    res = fit_ancova(data, "CHG", "TRTP", levels=ARMS, pairs="all", weights=weights, **MODELS[model])
    lsm = ref["lsmeans"].query("model == @model and weights == @weights")
    assert list(lsm["arm"]) == [m.arm for m in res.lsmeans] == ARMS
    for row in lsm.itertuples():
        m = res.lsmean(row.arm)
        for ours, theirs in ((m.estimate, row.estimate), (m.se, row.se), (m.df, row.df), (m.t, row.t),
                             (m.pvalue, row.p), (m.ci_low, row.lower), (m.ci_high, row.upper)):
            assert close(ours, theirs), (model, weights, row.arm, ours, theirs)
    diffs = ref["diffs"].query("model == @model and weights == @weights")
    assert [(d.arm, d.reference) for d in res.diffs] == list(zip(diffs["arm"], diffs["reference"], strict=True))
    for row in diffs.itertuples():
        d = res.diff(row.arm, row.reference)
        for ours, theirs in ((d.estimate, row.estimate), (d.se, row.se), (d.df, row.df), (d.t, row.t),
                             (d.pvalue, row.p), (d.ci_low, row.lower), (d.ci_high, row.upper)):
            assert close(ours, theirs), (model, weights, row.arm, row.reference, ours, theirs)
    type3 = ref["type3"].query("model == @model")
    assert [e.effect for e in res.type3] == [r_effect(e) for e in type3["effect"]]
    for row in type3.itertuples():
        e = res.effect(r_effect(row.effect))
        assert (e.df_num, e.df_den) == (row.df_num, row.df_den)
        assert close(e.f, row.f) and close(e.pvalue, row.p), (model, row.effect)
    fit = ref["fit"].query("model == @model").iloc[0]
    assert res.n == fit["n"] and res.df_resid == fit["df_resid"]
    assert close(res.rmse, fit["rmse"])


@pytest.mark.parametrize("weights", ["equal", "proportional", "om"])
@pytest.mark.parametrize("model", list(MODELS))
def test_ancova_matches_r(data, ref, model, weights):
    check_model(data, ref, model, weights)


def check_dose(data: pd.DataFrame, ref: dict[str, pd.DataFrame]) -> None:
    res = fit_dose_response(data, "CHG", "TRTPN", covariates=["BASE"], factors=["SITEGR1"])
    fit = ref["fit"].query("model == 'dose'").iloc[0]
    assert res.n == fit["n"] and res.df_resid == fit["df_resid"]
    s = res.slope
    for ours, theirs in ((s.estimate, fit["slope"]), (s.se, fit["slope_se"]), (s.ci_low, fit["slope_lower"]),
                         (s.ci_high, fit["slope_upper"]), (s.pvalue, fit["slope_p"]), (res.rmse, fit["rmse"])):
        assert close(ours, theirs)
    type3 = ref["type3"].query("model == 'dose'")
    assert {e.effect for e in res.type3} == set(type3["effect"])
    for row in type3.itertuples():
        e = res.effect(row.effect)
        assert close(e.f, row.f) and close(e.pvalue, row.p) and (e.df_num, e.df_den) == (row.df_num, row.df_den)
    assert close(res.effect("TRTPN").f, s.t**2)


def test_dose_response_matches_r(data, ref):
    check_dose(data, ref)


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R (Rscript) is not installed")
def test_live_r(data, tmp_path):
    """Re-run the R program now and compare with its fresh output (needs r-cran-emmeans, r-cran-car)."""
    probe = subprocess.run(["Rscript", "-e", "library(emmeans); library(car)"], capture_output=True)
    if probe.returncode:
        pytest.skip("R packages emmeans and car are not installed")
    subprocess.run(["Rscript", str(REF / "make_reference.R"), str(REF / "data.csv"), str(tmp_path)], check=True,
                   capture_output=True)
    fresh = read_reference(tmp_path)
    for model in MODELS:
        for weights in ("equal", "proportional", "om"):
            check_model(data, fresh, model, weights)
    check_dose(data, fresh)


# ---------------------------------------------------------------- properties and closed forms

def test_rows_with_missing_values_are_dropped_and_counted(data):
    res = fit_ancova(data, "CHG", "TRTP", ["BASE"], ["SITEGR1"], levels=ARMS)
    complete = data.dropna(subset=["CHG", "BASE", "SITEGR1"])
    assert res.n == len(complete) and res.n_dropped == len(data) - len(complete)
    assert [m.n for m in res.lsmeans] == [int((complete["TRTP"] == a).sum()) for a in ARMS]
    assert res.covariate_means["BASE"] == pytest.approx(complete["BASE"].mean(), rel=1e-14)
    assert any("missing" in w for w in res.warnings)


def test_default_levels_reference_and_comparisons(data):
    res = fit_ancova(data, "CHG", "TRTP", ["BASE"])
    assert res.levels == tuple(sorted(ARMS)) and res.reference == "Placebo"
    assert [(d.arm, d.reference) for d in res.diffs] == [(a, "Placebo") for a in sorted(ARMS)[1:]]
    res = fit_ancova(data, "CHG", "TRTP", ["BASE"], levels=ARMS, reference="Xanomeline High Dose",
                     pairs=[("Xanomeline Low Dose", "Placebo")])
    assert [(d.arm, d.reference) for d in res.diffs] == [("Xanomeline Low Dose", "Placebo")]


def test_numeric_treatment_codes_as_factor(data):
    by_code = fit_ancova(data, "CHG", "TRTPN", ["BASE"], ["SITEGR1"], levels=[0, 54, 81])
    by_name = fit_ancova(data, "CHG", "TRTP", ["BASE"], ["SITEGR1"], levels=ARMS)
    assert by_code.lsmean(81).estimate == pytest.approx(by_name.lsmean("Xanomeline High Dose").estimate, rel=1e-12)


def test_one_way_lsmeans_are_arm_means_and_differences_are_closed_form():
    """Without covariates or other factors, LS means are the arm means; SE = s/sqrt(n_i)."""
    y = {"A": [3.0, 5.0, 4.0, 6.5], "B": [7.0, 8.5, 6.0], "C": [1.0, 2.0, 2.5, 3.0, 4.0]}
    frame = pd.DataFrame([{"TRT": k, "Y": v} for k, vs in y.items() for v in vs])
    res = fit_ancova(frame, "Y", "TRT")
    n = len(frame)
    ss = sum(((np.array(v) - np.mean(v)) ** 2).sum() for v in y.values())
    s2 = ss / (n - 3)
    for arm, values in y.items():
        m = res.lsmean(arm)
        assert m.estimate == pytest.approx(np.mean(values), rel=1e-12)
        assert m.se == pytest.approx(math.sqrt(s2 / len(values)), rel=1e-12)
    d = res.diff("B")
    assert d.estimate == pytest.approx(np.mean(y["B"]) - np.mean(y["A"]), rel=1e-12)
    assert d.se == pytest.approx(math.sqrt(s2 * (1 / 3 + 1 / 4)), rel=1e-12)
    assert res.effect("TRT").df_num == 2 and res.df_resid == n - 3


def test_om_weights_need_every_margin_level_in_the_model():
    """SAS prints Non-est when a level exists only in rows with a missing response; we say why."""
    frame = small_frame().assign(SITE=["1", "2", "1", "2", "1", "2", "1", "3"],
                                 Y=[1.0, 2.5, 2.0, 4.0, 3.0, 3.5, 5.0, np.nan])
    with pytest.raises(DataError) as err:
        fit_ancova(frame, "Y", "TRT", factors=["SITE"], weights="om")
    assert err.value.code == "STAT010" and "SITE='3'" in str(err.value)
    assert fit_ancova(frame, "Y", "TRT", factors=["SITE"], weights="proportional").n == 7


def test_weights_agree_without_other_factors(data):
    eq = fit_ancova(data, "CHG", "TRTP", ["BASE"], levels=ARMS)
    pr = fit_ancova(data, "CHG", "TRTP", ["BASE"], levels=ARMS, weights="proportional")
    assert [m.estimate for m in eq.lsmeans] == pytest.approx([m.estimate for m in pr.lsmeans], rel=1e-13)


def test_ancova_agrees_with_numpy_least_squares(data):
    """An independent fit with treatment coding: differences vs Placebo are the arm coefficients."""
    frame = data.dropna(subset=["CHG", "BASE", "SITEGR1"])
    x = np.column_stack([np.ones(len(frame)), *(frame["TRTP"] == a for a in ARMS[1:]),
                         *(frame["SITEGR1"] == s for s in ("703", "709", "Other")), frame["BASE"]]).astype(float)
    beta = np.linalg.lstsq(x, frame["CHG"].to_numpy(), rcond=None)[0]
    res = fit_ancova(data, "CHG", "TRTP", ["BASE"], ["SITEGR1"], levels=ARMS)
    assert res.diff(ARMS[1]).estimate == pytest.approx(beta[1], rel=1e-10)
    assert res.diff(ARMS[2]).estimate == pytest.approx(beta[2], rel=1e-10)


def test_normal_ci_option(data):
    from scipy import stats

    res = fit_ancova(data, "CHG", "TRTP", ["BASE"], levels=ARMS, ci="normal", alpha=0.1)
    d = res.diff(ARMS[2])
    z = stats.norm.ppf(0.95)
    assert (d.ci_low, d.ci_high) == pytest.approx((d.estimate - z * d.se, d.estimate + z * d.se), rel=1e-14)
    assert res.rmse_ml == pytest.approx(res.rmse * math.sqrt(res.df_resid / res.n), rel=1e-14)


def test_results_are_frozen_and_ard_rows_are_unique(data):
    res = fit_ancova(data, "CHG", "TRTP", ["BASE"], ["SITEGR1"], levels=ARMS, pairs="all")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.n = 0
    cols = {"Placebo": "pbo", "Xanomeline Low Dose": "low", "Xanomeline High Dose": "high"}
    rows = [{"output_id": "t", "analysis": "ancova", "stat_fmt": "", **r} for r in res.to_ard_rows(cols)]
    ard = make_ard(rows)  # raises on a duplicate key
    high = ard.query("column == 'high' and level == 'low' and stat_name == 'diff'")["stat"].item()
    assert high == res.diff("Xanomeline High Dose", "Xanomeline Low Dose").estimate
    assert ard.query("level == 'TRTP' and stat_name == 'pvalue'")["stat"].item() == res.effect("TRTP").pvalue
    dose = fit_dose_response(data, "CHG", "TRTPN", ["BASE"], ["SITEGR1"])
    make_ard([{"output_id": "t", "analysis": "dose", "stat_fmt": "", **r} for r in dose.to_ard_rows()])


# ---------------------------------------------------------------- errors and NaN

def small_frame() -> pd.DataFrame:
    return pd.DataFrame({"TRT": ["A", "A", "A", "B", "B", "B", "C", "C"],
                         "SITE": ["1", "2", "1", "2", "1", "2", "1", "2"],
                         "BASE": [1.0, 2.0, 3.0, 4.0, 2.5, 1.5, 3.5, 0.5],
                         "Y": [1.0, 2.5, 2.0, 4.0, 3.0, 3.5, 5.0, 4.0]})


@pytest.mark.parametrize(("change", "kwargs", "code", "words"), [
    (None, {"levels": ["A", "B", "C", "D"]}, "STAT003", "level 'D' has no observations"),
    (lambda f: f.assign(Y=np.where(f.TRT == "C", np.nan, f.Y)), {"levels": ["A", "B", "C"]}, "STAT003", "'C'"),
    (None, {"levels": ["A", "B"]}, "STAT004", "not among the levels"),
    (lambda f: f.iloc[[0, 1, 3, 6]], {"covariates": ["BASE"], "factors": ["SITE"]}, "STAT006", "4 observation(s)"),
    (lambda f: f.assign(SITE="1"), {"factors": ["SITE"]}, "STAT005", "at least 2 levels"),
    (lambda f: f.assign(TRT="A"), {}, "STAT005", "at least 2 levels"),
    (lambda f: f.assign(Y="x"), {}, "STAT002", "is text"),
    (None, {"covariates": ["WEIGHT"]}, "STAT001", "not found"),
    (None, {"reference": "Z"}, "STAT008", "not a treatment level"),
    (lambda f: f.assign(Y=np.nan), {}, "STAT006", "no observation"),
])
def test_data_errors(change, kwargs, code, words):
    frame = small_frame() if change is None else change(small_frame())
    with pytest.raises(DataError) as err:
        fit_ancova(frame, "Y", "TRT", dataset="adeff", **kwargs)
    assert err.value.code == code and words in str(err.value) and str(err.value).startswith("adeff")


def test_constant_covariate_is_fitted_as_emmeans():
    """A covariate constant in the data is aliased with the intercept: R's lm gives it an NA coefficient
    and emmeans still estimates every LS mean (R 4.2.2, emmeans 1.8.4-1: lm(Y ~ TRT + BASE) with BASE = 2:
    A 1.83333333333333, B 3.5, C 4.5; SE 0.380058475033046, 0.380058475033046, 0.465474668125631; df 5).
    Its own test is not estimable."""
    res = fit_ancova(small_frame().assign(BASE=2.0), "Y", "TRT", covariates=["BASE"])
    assert [m.estimable for m in res.lsmeans] == [True, True, True] and res.df_resid == 5
    np.testing.assert_allclose([m.estimate for m in res.lsmeans], [1.83333333333333, 3.5, 4.5], rtol=1e-12)
    np.testing.assert_allclose([m.se for m in res.lsmeans], [0.380058475033046, 0.380058475033046, 0.465474668125631],
                               rtol=1e-12)


def test_factor_confounded_with_treatment_leaves_the_lsmeans_not_estimable():
    """SITE equal to the treatment: an LS mean of a treatment averages over SITE levels it never occurs
    with, so none is estimable (SAS GLM LSMEANS: Non-est; emmeans reports cell means only because it
    detects the nesting TRT %in% SITE, which the model does not state)."""
    res = fit_ancova(small_frame().assign(SITE=small_frame().TRT), "Y", "TRT", factors=["SITE"])
    assert [m.estimable for m in res.lsmeans] == [False, False, False]
    assert all(m.estimate != m.estimate for m in res.lsmeans)


def test_bad_arguments():
    for kwargs in ({"weights": "cells"}, {"alpha": 1.5}, {"ci": "z"}, {"interactions": [("TRT", "AGE")]}):
        with pytest.raises(TlfError) as err:
            fit_ancova(small_frame(), "Y", "TRT", **kwargs)
        assert err.value.code == "STAT009"


def test_saturated_model_gives_nan_not_a_crash():
    frame = small_frame().head(7).iloc[[0, 1, 3, 4, 6]]  # 5 observations, 5 parameters
    res = fit_ancova(frame, "Y", "TRT", covariates=["BASE"], factors=["SITE"])
    assert res.df_resid == 0 and math.isnan(res.lsmeans[0].se) and math.isnan(res.diffs[0].pvalue)
    assert math.isnan(res.type3[0].f) and any("residual degrees of freedom" in w for w in res.warnings)
    rows = res.to_ard_rows()
    assert all(r["warning"] for r in rows if math.isnan(r["stat"]))


def test_perfect_fit_gives_nan_tests():
    frame = small_frame().assign(Y=lambda f: f.TRT.map({"A": 1.0, "B": 2.0, "C": 4.0}))
    res = fit_ancova(frame, "Y", "TRT")
    assert res.lsmean("C").estimate == pytest.approx(4.0) and math.isnan(res.diff("C").pvalue)
    assert math.isnan(res.effect("TRT").f) and any("perfect fit" in w for w in res.warnings)


# ---------------------------------------------------------------- power model

def test_power_model_exact_line_and_exclusions():
    dose = [1, 2, 4, 8, 0, np.nan, 16]
    value = [3 * d**0.9 if d == d else 1.0 for d in dose]
    value[5] = 2.0
    res = fit_power_model(dose, value)
    assert res.n == 5 and res.n_excluded == 2 and res.slope.estimate == pytest.approx(0.9, rel=1e-12)
    assert res.intercept.estimate == pytest.approx(math.log(3), rel=1e-12)
    assert math.isnan(fit_power_model([1, 1, 1], [2, 3, 4]).slope.estimate)


def test_import_is_light():
    """Importing the models and tests modules must not import statsmodels or scipy."""
    code = ("import sys, tlf.stats.models, tlf.stats.tests, tlf.stats.linear; "
            "bad = [m for m in ('statsmodels', 'scipy') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("seed", range(4))
def test_qr_fit_is_statsmodels_ols_to_the_last_bit(seed):
    """ols_qr does statsmodels' OLS fit(method="qr") arithmetic without importing statsmodels: the same
    coefficients and (X'X)^-1 bit for bit (so every ANCOVA output keeps its numbers), on designs of factor
    dummies and covariates; the R comparisons above check the numbers themselves."""
    import statsmodels.api as sm

    from tlf.stats.linear import ols_qr

    rng = np.random.default_rng(seed)
    n = 40 + 13 * seed
    arm = rng.integers(0, 3, n)
    d0, d1, d2 = ((arm == k).astype(float) for k in range(3))
    x = np.column_stack([np.ones(n), d0 - d2, d1 - d2,
                         rng.normal(50, 10, n), rng.normal(0, 1, n)])
    y = x @ rng.normal(0, 2, 5) + rng.normal(0, 1, n)
    params, cov = ols_qr(x, y)
    res = sm.OLS(y, x).fit(method="qr")
    assert np.array_equal(params, res.params) and np.array_equal(cov, res.normalized_cov_params)


def test_power_model_is_statsmodels_ols_to_the_last_bit():
    import statsmodels.api as sm

    rng = np.random.default_rng(7)
    dose = np.repeat([1.0, 3.0, 10.0, 30.0], 6)
    value = np.exp(0.4 + 0.85 * np.log(dose) + rng.normal(0, 0.3, dose.size))
    res = fit_power_model(dose, value)
    ref = sm.OLS(np.log(value), sm.add_constant(np.log(dose), has_constant="add")).fit(method="qr")
    for est, i in ((res.intercept, 0), (res.slope, 1)):
        assert est.estimate == float(ref.params[i]) and est.se == float(ref.bse[i])
    assert res.df_resid == int(ref.df_resid)


def test_fits_do_not_import_statsmodels():
    """An ANCOVA and a power model are fitted without importing statsmodels (its import costs about a
    second of CPU, more than all the fits of a study)."""
    code = ("import sys, numpy as np, pandas as pd; from tlf.stats.models import fit_ancova, fit_power_model; "
            "rng = np.random.default_rng(1); "
            "d = pd.DataFrame({'TRTP': list('ABC') * 10, 'BASE': rng.normal(size=30), 'CHG': rng.normal(size=30)}); "
            "fit_ancova(d, 'CHG', 'TRTP', covariates=['BASE']); fit_power_model([1, 2, 4, 8], [1, 2.1, 3.9, 8.3]); "
            "print([m for m in sys.modules if m.startswith('statsmodels')]); "
            "sys.exit(any(m.startswith('statsmodels') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
