"""tlf.stats.mmrm against independent references (R programs in tests/reference/mmrm, results saved as CSV):

- nlme::gls (corSymm + varIdent for `us`, corCompSymm, corAR1, corARMA(p = T-1) for `toep`, and with
  varIdent for `csh`/`ar1h`; REML) with emmeans for LS means and differences: estimates and SEs to 1e-6
  relative (`ar1h` 1e-5: nlminb stops there 2e-9 short of the REML optimum in -2 l, which tlf reaches).
  emmeans' df for gls are its numerical "appx-satterthwaite": checked to 2e-2 only.
- mmrm_exact.R (unstructured): the REML criterion written out in R, its optimum polished by Newton steps
  with numDeriv's Richardson derivatives; Satterthwaite df from the numDeriv Hessian (inverse observed
  information, as SAS) and Kenward-Roger SEs and df from dense N x N matrices: estimates and SEs 1e-6,
  df 1e-4.
- pbkrtest (Kenward-Roger on the lme4 random-intercept model = `cs` with a positive correlation, expected
  information as pbkrtest uses it): KR SEs 1e-6, KR df 1e-4.
- a closed form: with `us` on balanced complete data the LS means, SEs and KR df are those of the per-visit
  ANCOVA (same regressors at every visit), computed here with numpy least squares.
The data: a seeded simulation with dropout and intermittent missing visits, and the CDISC pilot's ADAS-Cog.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import pytest

from tests.mmrm_data import ADQSADAS, PILOT_ARMS, PILOT_VISITS, REF, pilot_data, sim_data
from tlf.errors import DataError, TlfError
from tlf.stats.mmrm import fit_mmrm

SIM_ARMS = ("pbo", "low", "high")


@functools.cache
def fit(which: str, covariance: str, df: str = "kenward-roger", information: str = "observed"):
    if which == "sim":
        d, arms, site = sim_data(), SIM_ARMS, "SITE"
    else:
        d, arms, site = pilot_data(), PILOT_ARMS, "SITEGR1"
    return fit_mmrm(d, "CHG", subject="USUBJID", visit="AVISIT", treatment="TRT", covariates=["BASE"],
                    factors=[site], covariates_by_visit=["BASE"], covariance=covariance, levels=arms,
                    visits=sorted(d.AVISIT.unique(), key=lambda v: int(d.loc[d.AVISIT == v, "VI"].iloc[0])),
                    df=df, information=information)


def _ours(res, row):
    return res.lsmean(row.AVISIT, row.TRT) if row.kind == "lsmean" else res.diff(row.AVISIT, row.TRT)


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-12)


def _need(which: str) -> None:
    if which == "pilot" and not ADQSADAS.exists():
        pytest.skip("the CDISC pilot data (../shared) is not present")


@pytest.mark.parametrize("which", ["sim", "pilot"])
@pytest.mark.parametrize("covariance", ["us", "cs", "ar1", "toep", "csh", "ar1h"])
def test_estimates_and_ses_equal_gls_emmeans(which, covariance):
    _need(which)
    ref = pd.read_csv(REF / f"{which}_gls.csv")
    ref = ref[ref.covariance == covariance]
    res = fit(which, covariance, "satterthwaite")
    assert res.converged, res.reason
    tol = 1e-5 if covariance == "ar1h" else 1e-6
    assert len(ref) == len(res.lsmeans) + len(res.diffs)
    for row in ref.itertuples():
        ours = _ours(res, row)
        assert abs(ours.estimate - row.estimate) <= tol * max(1.0, abs(row.estimate)), row
        assert _rel(ours.se, row.se) < tol, row
        assert _rel(ours.df, row.df) < 2e-2, row  # emmeans' numerical approximation


@pytest.mark.parametrize("which", ["sim", "pilot"])
def test_unstructured_satterthwaite_and_kenward_roger_equal_exact_r(which):
    _need(which)
    ref = pd.read_csv(REF / f"{which}_exact.csv")
    sat, kr = fit(which, "us", "satterthwaite"), fit(which, "us", "kenward-roger")
    assert abs(sat.objective - ref.m2ll.iloc[0]) < 1e-6
    for row in ref.itertuples():
        s, k = _ours(sat, row), _ours(kr, row)
        assert abs(s.estimate - row.estimate) <= 1e-6 * max(1.0, abs(row.estimate)), row
        assert _rel(s.se, row.se) < 1e-6, row
        assert _rel(s.df, row.df_satterthwaite) < 1e-4, row
        assert _rel(k.se, row.se_kr) < 1e-6, row
        assert _rel(k.df, row.df_kr) < 1e-4, row
        assert k.se > s.se  # the KR adjustment inflates the variance
        q = float(__import__("scipy.stats").stats.t.ppf(0.975, k.df))
        assert k.ci_low == pytest.approx(k.estimate - q * k.se, rel=1e-12)


@pytest.mark.parametrize("which", ["sim", "pilot"])
def test_kenward_roger_equals_pbkrtest_on_compound_symmetry(which):
    _need(which)
    ref = pd.read_csv(REF / f"{which}_gls.csv")
    ref = ref[ref.covariance == "kr"]
    res = fit(which, "cs", "kenward-roger", "expected")
    assert res.theta[0] > 0  # a positive within-subject covariance: the random-intercept model is the same
    for row in ref.itertuples():
        ours = _ours(res, row)
        assert abs(ours.estimate - row.estimate) <= 1e-6 * max(1.0, abs(row.estimate)), row
        assert _rel(ours.se, row.se) < 1e-6, row
        assert _rel(ours.df, row.df) < 1e-4, row


def _balanced(seed: int = 7, n_per_arm: int = 12, t: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    chol = np.linalg.cholesky(np.array([[4.0, 2.0, 1.5], [2.0, 5.0, 2.5], [1.5, 2.5, 6.0]]))
    rows = []
    for arm_i, arm in enumerate(("pbo", "act")):
        for s in range(n_per_arm):
            base = rng.normal(20, 4)
            e = chol @ rng.normal(size=t)
            for v in range(t):
                rows.append({"USUBJID": f"{arm}{s}", "TRT": arm, "AVISIT": f"V{v + 1}", "BASE": base,
                             "CHG": 1.0 - arm_i * (v + 1) + 0.3 * base + e[v]})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("df", ["kenward-roger", "satterthwaite"])
def test_balanced_complete_unstructured_is_the_per_visit_ancova(df):
    from scipy import stats

    d = _balanced()
    res = fit_mmrm(d, "CHG", subject="USUBJID", visit="AVISIT", treatment="TRT", covariates=["BASE"],
                   covariates_by_visit=["BASE"], levels=["pbo", "act"], df=df)
    assert res.converged
    mean_base = d.BASE.mean()
    for v in ("V1", "V2", "V3"):
        dv = d[d.AVISIT == v]
        x = np.column_stack([np.ones(len(dv)), (dv.TRT == "act").to_numpy(float), dv.BASE.to_numpy()])
        y = dv.CHG.to_numpy()
        b, rss, *_ = np.linalg.lstsq(x, y, rcond=None)
        n, k = x.shape
        s2 = float(rss[0]) / (n - k)
        xtx = np.linalg.inv(x.T @ x)
        for arm, l in (("pbo", np.array([1, 0, mean_base])), ("act", np.array([1, 1, mean_base]))):
            m = res.lsmean(v, arm)
            assert m.estimate == pytest.approx(float(l @ b), rel=1e-9)
            assert m.se == pytest.approx(math.sqrt(s2 * l @ xtx @ l), rel=1e-7)
            assert m.df == pytest.approx(n - k, rel=1e-6)
        dd = res.diff(v, "act")
        l = np.array([0.0, 1.0, 0.0])
        se = math.sqrt(s2 * l @ xtx @ l)
        assert dd.estimate == pytest.approx(float(b[1]), rel=1e-9)
        assert dd.se == pytest.approx(se, rel=1e-7)
        assert dd.df == pytest.approx(n - k, rel=1e-6)
        assert dd.pvalue == pytest.approx(2 * stats.t.sf(abs(b[1] / se), n - k), rel=1e-6)
    res_resid = fit_mmrm(d, "CHG", subject="USUBJID", visit="AVISIT", treatment="TRT", covariates=["BASE"],
                         covariates_by_visit=["BASE"], levels=["pbo", "act"], df="residual")
    assert res_resid.diff("V1", "act").df == len(d) - 9  # N - p: 3 visits x (intercept, arm, BASE)


def test_ml_variances_are_the_reml_ones_scaled_on_balanced_data():
    """On balanced complete data with `us`, ML's Sigma is REML's times (n - k) / n (closed form)."""
    d = _balanced()
    kw = dict(subject="USUBJID", visit="AVISIT", treatment="TRT", covariates=["BASE"], covariates_by_visit=["BASE"],
              levels=["pbo", "act"])
    reml = fit_mmrm(d, "CHG", **kw)
    ml = fit_mmrm(d, "CHG", method="ml", **kw)
    n, k = 24, 3
    np.testing.assert_allclose(np.array(ml.sigma), np.array(reml.sigma) * (n - k) / n, rtol=1e-7)
    assert ml.lsmean("V2", "act").estimate == pytest.approx(reml.lsmean("V2", "act").estimate, rel=1e-9)


def test_an_empty_cell_leaves_only_its_estimates_not_estimable():
    """No `high` patient at W4: the model is fitted on its non-aliased columns; the LS means of the observed
    cells equal nlme::gls of the same model in cell-means form (full rank; mmrm_cells.R) to 1e-6; the empty
    cell's LS mean and its difference are NaN, not estimable."""
    d = sim_data()
    d = d[~((d.TRT == "high") & (d.AVISIT == "W4"))]
    res = fit_mmrm(d, "CHG", subject="USUBJID", visit="AVISIT", treatment="TRT", covariates=["BASE"],
                   factors=["SITE"], covariates_by_visit=["BASE"], levels=list(SIM_ARMS))
    assert res.converged
    ref = pd.read_csv(REF / "simcell_gls.csv")
    assert len(ref) == 11
    for row in ref.itertuples():
        m = res.lsmean(row.AVISIT, row.TRT)
        assert m.estimable
        assert m.estimate == pytest.approx(row.estimate, rel=1e-6)
    sat = fit_mmrm(d, "CHG", subject="USUBJID", visit="AVISIT", treatment="TRT", covariates=["BASE"],
                   factors=["SITE"], covariates_by_visit=["BASE"], levels=list(SIM_ARMS), df="satterthwaite")
    for row in ref.itertuples():
        assert sat.lsmean(row.AVISIT, row.TRT).se == pytest.approx(row.se, rel=1e-6)
    gone = res.lsmean("W4", "high")
    assert not gone.estimable and math.isnan(gone.estimate) and gone.n == 0
    assert not res.diff("W4", "high").estimable and res.diff("W4", "low").estimable


def test_no_proper_optimum_is_not_estimable_with_a_reason():
    """Responses exactly additive in subject and visit: the within-subject variance of `cs` goes to 0
    (no proper REML optimum); the fit is refused, never a number."""
    rows = []
    for i in range(12):
        for v in range(3):
            rows.append({"USUBJID": f"S{i}", "TRT": "a" if i % 2 else "b", "AVISIT": f"V{v}",
                         "CHG": float(i * 1.7 % 5) + v})
    res = fit_mmrm(pd.DataFrame(rows), "CHG", subject="USUBJID", visit="AVISIT", treatment="TRT", covariance="cs")
    assert not res.converged and res.reason
    assert all(math.isnan(x.estimate) for x in res.diffs)


def test_errors_are_located():
    d = sim_data()
    kw = dict(subject="USUBJID", visit="AVISIT", treatment="TRT", dataset="adqs")
    with pytest.raises(TlfError) as e:
        fit_mmrm(d, "CHG", covariance="unstructured", **kw)
    assert e.value.code == "STAT040"
    dup = pd.concat([d, d.iloc[:1]])
    with pytest.raises(DataError) as e:
        fit_mmrm(dup, "CHG", **kw)
    assert e.value.code == "STAT041" and e.value.usubjid == "S000"
    two = d.copy()
    two.loc[two.index[1], "TRT"] = "high"
    with pytest.raises(DataError) as e:
        fit_mmrm(two, "CHG", **kw)
    assert e.value.code == "STAT042" and e.value.usubjid == "S000"
    with pytest.raises(DataError) as e:
        fit_mmrm(d, "CHG", reference="placebo", **kw)
    assert e.value.code == "STAT043"
    with pytest.raises(DataError) as e:
        fit_mmrm(d, "CHG", pairs=[("high", "placebo")], **kw)
    assert e.value.code == "STAT043" and "placebo" in str(e.value)
    text = d.astype({"CHG": object})
    text.loc[text.index[3], "CHG"] = "n/a"
    with pytest.raises(DataError) as e:
        fit_mmrm(text, "CHG", **kw)
    assert e.value.code == "STAT002" and e.value.variable == "CHG"


def test_pilot_visits_and_arms():
    _need("pilot")
    res = fit("pilot", "us")
    assert res.visits == PILOT_VISITS and res.levels == PILOT_ARMS
    d = pilot_data()
    assert res.lsmean("Week 24", "Placebo").n == int(((d.AVISIT == "Week 24") & (d.TRT == "Placebo")).sum())
    assert res.n_subjects == d.USUBJID.nunique() and res.n_obs == len(d)


def test_ml_and_proportional_weights_equal_gls_emmeans():
    """`method: ml` against gls(method = "ML"): estimates to 1e-6, SEs after undoing nlme's scaling of an ML
    fit's covariance of b by N / (N - p) (SAS reports (X'V^-1 X)^-1 at the ML estimate, as tlf); proportional
    LS-mean weights (the site levels' frequency among the observations) against emmeans(weights =
    "proportional") on a `cs` fit (no varIdent, whose variance weights emmeans would count as case weights)."""
    d = sim_data()
    kw = dict(subject="USUBJID", visit="AVISIT", treatment="TRT", covariates=["BASE"], factors=["SITE"],
              covariates_by_visit=["BASE"], levels=list(SIM_ARMS))
    ref = pd.read_csv(REF / "sim_gls.csv")
    ml = fit_mmrm(d, "CHG", method="ml", df="residual", **kw)
    scale = math.sqrt((ml.n_obs - ml.n_params) / ml.n_obs)
    for row in ref[ref.covariance == "us_ml"].itertuples():
        ours = _ours(ml, row)
        assert ours.estimate == pytest.approx(row.estimate, rel=1e-6, abs=1e-9)
        assert ours.se == pytest.approx(row.se * scale, rel=1e-6)
        assert ours.df == ml.n_obs - ml.n_params
    prop = fit_mmrm(d, "CHG", covariance="cs", weights="proportional", df="satterthwaite", **kw)
    equal = fit("sim", "cs", "satterthwaite")
    rows = ref[ref.covariance == "cs_prop"]
    for row in rows.itertuples():
        ours = _ours(prop, row)
        assert ours.estimate == pytest.approx(row.estimate, rel=1e-6, abs=1e-9)
        assert ours.se == pytest.approx(row.se, rel=1e-6)
    assert abs(prop.lsmean("W4", "pbo").estimate - equal.lsmean("W4", "pbo").estimate) > 1e-3  # weights matter


def test_om_weights_use_every_record_with_the_independent_variables():
    """SAS LSMEANS /OM: the site levels weighted by their frequency among all records given with treatment,
    factors and covariates present, the response missing or not. An LS mean is affine in the weight of
    site A, so the /OM value follows from the equal (w = 1/2) and proportional (w = share among the
    observations) ones."""
    d = sim_data()
    extra = d[d.AVISIT == "W1"].head(30).assign(AVISIT="W4", CHG=float("nan"), SITE="A")
    extra = extra[~extra.USUBJID.isin(d[d.AVISIT == "W4"].USUBJID)]
    frame = pd.concat([d, extra], ignore_index=True)
    kw = dict(subject="USUBJID", visit="AVISIT", treatment="TRT", covariates=["BASE"], factors=["SITE"],
              covariates_by_visit=["BASE"], levels=list(SIM_ARMS), covariance="cs")
    eq = fit_mmrm(frame, "CHG", weights="equal", **kw)
    prop = fit_mmrm(frame, "CHG", weights="proportional", **kw)
    om = fit_mmrm(frame, "CHG", weights="om", **kw)
    w_prop = (d.SITE == "A").mean()
    w_om = (frame.SITE == "A").mean()
    assert len(extra) > 0 and abs(w_om - w_prop) > 0.01
    for v in ("W1", "W4"):
        for arm in SIM_ARMS:
            e, p = eq.lsmean(v, arm).estimate, prop.lsmean(v, arm).estimate
            slope = (p - e) / (w_prop - 0.5)
            assert om.lsmean(v, arm).estimate == pytest.approx(e + slope * (w_om - 0.5), rel=1e-9)
    assert om.n_obs == len(d) and om.n_dropped == len(extra)
