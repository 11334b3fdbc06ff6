"""The ancova analysis' options for the CDISC pilot tables, against an independent numpy least-squares
fit done here: comparisons between any two columns, SAS /OM weights, the normal-approximation CI,
both root mean squared errors, and the dose-response test; and how the table shows them.

Data: tests/reference/ancova_eff/unbalanced_*.csv (three unbalanced arms, a region factor from the
subject-level dataset, missing responses)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tlf.build import compute_output, prepare
from tlf.errors import TlfError
from tlf.spec.validate import load_study

REF = Path(__file__).resolve().parents[1] / "reference" / "ancova_eff"
STUDY = """\
study: {id: UNBAL-001}
data:
  dir: data
  datasets:
    adsl: {file: adsl.csv}
    adbds: {file: adbds.csv}
derive:
  adsl:
    - name: DOSE
      cases: [{where: "TRT01A == 'Placebo'", value: 0}, {where: "TRT01A == 'Drug Low'", value: 54}]
      otherwise: 81
populations:
  SAF: {label: Safety Population, where: "SAFFL == 'Y'"}
columns:
  arms:
    - {id: pbo, label: Placebo, var: TRT01A, value: Placebo}
    - {id: low, label: Drug Low, var: TRT01A, value: Drug Low}
    - {id: high, label: Drug High, var: TRT01A, value: Drug High}
"""
OUTPUT = """\
id: t-anc
type: table
number: Table 1
title: ANCOVA
population: SAF
columns: arms
analyses:
  - id: om
    type: ancova
    dataset: adbds
    param: SCORE
    visits: [Week 8]
    visit_labels: false
    response: CHG
    covariates: [BASE]
    factors: [REGION]
    reference: pbo
    comparisons: [[low, pbo], [high, pbo], [high, low]]
    weights: om
    dose: DOSE
    rows: [n, lsmean_se, dose_pvalue, diff_pvalue, diff_se, diff_ci, rmse]
  - id: normal
    type: ancova
    dataset: adbds
    param: SCORE
    visits: [Week 8]
    visit_labels: false
    response: CHG
    covariates: [BASE]
    factors: [REGION]
    reference: pbo
    ci: normal
    rmse: ml
    model_column: pbo
    rows: [lsmean_and_ci, diff_and_ci, rmse]
"""
ARMS = {"pbo": "Placebo", "low": "Drug Low", "high": "Drug High"}


@pytest.fixture(scope="module")
def specs(tmp_path_factory):
    root = tmp_path_factory.mktemp("anc")
    (root / "data").mkdir()
    shutil.copy(REF / "unbalanced_adsl.csv", root / "data" / "adsl.csv")
    shutil.copy(REF / "unbalanced_bds.csv", root / "data" / "adbds.csv")
    (root / "study.yaml").write_text(textwrap.dedent(STUDY))
    (root / "t-anc.yaml").write_text(textwrap.dedent(OUTPUT))
    return root


@pytest.fixture(scope="module")
def result(specs):
    study = load_study(specs)
    data, pops, _ = prepare(study)
    return compute_output(study, study.output("t-anc"), data, pops)


@pytest.fixture(scope="module")
def fit():
    """The ANCOVA by numpy least squares: CHG ~ arm + REGION + BASE, treatment coding (placebo and the
    first region absorbed in the intercept)."""
    adsl = pd.read_csv(REF / "unbalanced_adsl.csv")
    bds = pd.read_csv(REF / "unbalanced_bds.csv")
    d = bds[(bds.PARAMCD == "SCORE") & (bds.AVISIT == "Week 8")].merge(adsl, on="USUBJID")
    d = d[d.SAFFL == "Y"]
    indep = d.dropna(subset=["BASE", "REGION", "TRT01A"])  # the /OM margins: response may be missing
    used = indep.dropna(subset=["CHG"])
    regions = sorted(used.REGION.unique())

    def design(frame, dose: bool):
        cols = [np.ones(len(frame))]
        if dose:
            cols.append(frame.TRT01A.map({"Placebo": 0, "Drug Low": 54, "Drug High": 81}).to_numpy(float))
        else:
            cols += [(frame.TRT01A == ARMS[a]).to_numpy(float) for a in ("low", "high")]
        cols += [(frame.REGION == r).to_numpy(float) for r in regions[1:]]
        cols.append(frame.BASE.to_numpy(float))
        return np.column_stack(cols)

    x, y = design(used, False), used.CHG.to_numpy(float)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    n, k = x.shape
    df = n - k
    sigma2 = resid @ resid / df
    cov = sigma2 * np.linalg.inv(x.T @ x)
    # LS means with observed-margin region weights, BASE at the mean of the rows used
    w = indep.REGION.value_counts(normalize=True)
    tail = sum(w.get(r, 0) * beta[3 + i] for i, r in enumerate(regions[1:])) + beta[-1] * used.BASE.mean()
    lsm = {"pbo": beta[0] + tail, "low": beta[0] + beta[1] + tail, "high": beta[0] + beta[2] + tail}
    contrasts = {("low", "pbo"): [0, 1, 0], ("high", "pbo"): [0, 0, 1], ("high", "low"): [0, -1, 1]}
    diffs = {}
    for pair, c in contrasts.items():
        c = np.array(c + [0] * (k - 3), dtype=float)
        est, se = c @ beta, float(np.sqrt(c @ cov @ c))
        diffs[pair] = (est, se, 2 * stats.t.sf(abs(est / se), df))
    xd = design(used, True)
    bd, *_ = np.linalg.lstsq(xd, y, rcond=None)
    rd = y - xd @ bd
    dfd = n - xd.shape[1]
    covd = (rd @ rd / dfd) * np.linalg.inv(xd.T @ xd)
    t_dose = bd[1] / np.sqrt(covd[1, 1])
    return {"lsm": lsm, "diffs": diffs, "df": df, "rmse": float(np.sqrt(resid @ resid / df)),
            "rmse_ml": float(np.sqrt(resid @ resid / n)), "dose_p": 2 * stats.t.sf(abs(t_dose), dfd),
            "n": {a: int((used.TRT01A == ARMS[a]).sum()) for a in ARMS}, "missing": len(indep) - len(used)}


def _stat(ard, analysis, column, stat):
    sel = ard[(ard.analysis == analysis) & (ard.column == column) & (ard.stat_name == stat)]
    assert len(sel) == 1, (analysis, column, stat)
    return sel.iloc[0].stat


def test_all_pairs_om_weights_and_dose_response_equal_numpy(result, fit):
    ard, _ = result
    assert fit["missing"] > 0  # /OM margins differ from the rows used: the option matters here
    for arm in ARMS:
        assert _stat(ard, "om", arm, "n") == fit["n"][arm]
        assert _stat(ard, "om", arm, "lsmean") == pytest.approx(fit["lsm"][arm], rel=1e-9)
    for (arm, comp), (est, se, p) in fit["diffs"].items():
        pre = "" if comp == "pbo" else f"vs_{comp}."
        assert _stat(ard, "om", arm, pre + "diff") == pytest.approx(est, rel=1e-9)
        assert _stat(ard, "om", arm, pre + "diff_se") == pytest.approx(se, rel=1e-9)
        assert _stat(ard, "om", arm, pre + "diff_pvalue") == pytest.approx(p, rel=1e-7)
        q = stats.t.ppf(0.975, fit["df"])
        assert _stat(ard, "om", arm, pre + "diff_ci_low") == pytest.approx(est - q * se, rel=1e-9)
    assert _stat(ard, "om", "", "dose_pvalue") == pytest.approx(fit["dose_p"], rel=1e-7)
    assert _stat(ard, "om", "", "rmse") == pytest.approx(fit["rmse"], rel=1e-12)
    assert _stat(ard, "om", "", "rmse_ml") == pytest.approx(fit["rmse_ml"], rel=1e-12)


def test_normal_approximation_ci(result, fit):
    ard, _ = result
    est, se, _ = fit["diffs"][("high", "pbo")]
    z = stats.norm.ppf(0.975)
    assert _stat(ard, "normal", "high", "diff_ci_low") == pytest.approx(est - z * se, rel=1e-9)
    assert _stat(ard, "normal", "high", "diff_ci_high") == pytest.approx(est + z * se, rel=1e-9)


def test_table_rows(result, fit):
    _, table = result
    rows = [(r.label, r.cells) for r in table.rows]
    labels = [r[0] for r in rows]
    # the dose-response p and the RMSE print once, in the model column (default: the last)
    dose = rows[labels.index("p-value (dose response)")][1]
    assert dose[0] == dose[1] == "" and dose[2]
    # one block of difference rows per comparator, empty where a column is not compared with it
    assert labels.count("Difference vs Placebo (SE)") == 1 and labels.count("Difference vs Drug Low (SE)") == 1
    vs_low = rows[labels.index("Difference vs Drug Low (SE)")][1]
    assert vs_low[0] == vs_low[1] == "" and vs_low[2].startswith(("-", "0", "1", "2", "3"))
    first_p = labels.index("p-value")
    assert labels[first_p:first_p + 3] == ["p-value", "Difference vs Placebo (SE)", "95% CI of the difference"]
    rmse_rows = [r for r in rows if r[0] == "Root mean squared error"]
    assert rmse_rows[0][1][2] and rmse_rows[1][1][0] and not rmse_rows[1][1][2]  # model_column: pbo


def test_estimate_and_ci_rows(result):
    ard, table = result
    row = [r for r in table.rows if r.label == "Difference vs Placebo (95% CI)"][0]
    fmt = {s: f for a, c, s, f in zip(ard.analysis, ard.column, ard.stat_name, ard.stat_fmt, strict=True)
           if a == "normal" and c == "high"}
    assert row.cells[2] == f"{fmt['diff']} ({fmt['diff_ci_low']}, {fmt['diff_ci_high']})"
    assert [r for r in table.rows if r.label == "LS mean (95% CI)"][0].cells[0].count("(") == 1


def test_shell_has_every_cell(specs):
    study = load_study(specs)
    ard, table = compute_output(study, study.output("t-anc"), None, {})
    texts = {c for r in table.rows for c in r.cells}
    assert any("x" in t for t in texts)
    dose = [r for r in table.rows if r.label == "p-value (dose response)"][0]
    assert dose.cells[2] == "x.xxx"


def test_unknown_comparison_column(specs, tmp_path):
    root = tmp_path / "bad"
    shutil.copytree(specs, root)
    text = (root / "t-anc.yaml").read_text().replace("[high, low]]", "[high, lo]]").replace("model_column: pbo",
                                                                                          "model_column: placebo")
    (root / "t-anc.yaml").write_text(text)
    with pytest.raises(TlfError) as e:
        load_study(root)
    msg = str(e.value) + " ".join(str(x) for x in getattr(e.value, "errors", []))
    assert "comparisons[2][1]: unknown column 'lo'" in msg and "model_column: unknown column 'placebo'" in msg
