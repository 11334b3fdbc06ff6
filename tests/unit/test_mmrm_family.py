"""The `mmrm` analysis family: ARD numbers against the R references of tests/reference/mmrm (the simulated
data of sim_data.csv turned into a small study; the CDISC pilot's Table 14-3.11 example against the
pilot's R references), the table it prints, NE with a footnote, the covariance fallback, the shell and
located spec errors."""

from __future__ import annotations

import shutil
import textwrap

import pandas as pd
import pytest

from tests.mmrm_data import ADQSADAS, REF, sim_data
from tlf.build import compute_output, prepare
from tlf.errors import TlfError
from tlf.spec.validate import load_study

ARMS = {"pbo": "Placebo", "low": "Drug Low", "high": "Drug High"}
SIM_ARM = {"pbo": "pbo", "low": "low", "high": "high"}
STUDY = """\
study: {id: MMRM-001}
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
    - {id: low, label: Drug Low, var: TRT01A, value: Drug Low}
    - {id: high, label: Drug High, var: TRT01A, value: Drug High}
"""
OUTPUT = """\
id: t-mmrm
type: table
number: Table 1
title: MMRM
population: SAF
columns: arms
analyses:
  - id: us
    type: mmrm
    dataset: adbds
    param: SCORE
    visits: [W1, W2, W3, W4]
    covariates: [BASE]
    factors: [SITE]
    covariates_by_visit: [BASE]
    reference: pbo
    rows: [n, lsmean_se, diff_se, diff_ci, diff_pvalue]
  - id: late
    type: mmrm
    dataset: adbds
    param: SCORE
    visits: [W1, W2, W3, W4]
    show_visits: [W4]
    covariates: [BASE]
    factors: [SITE]
    covariates_by_visit: [BASE]
    covariance: cs
    df: satterthwaite
    reference: pbo
    comparisons: [[high, low]]
    rows: [lsmean_and_ci, diff_and_ci]
"""


def _write(root, output: str = OUTPUT, bds: pd.DataFrame | None = None):
    (root / "data").mkdir(exist_ok=True)
    d = sim_data() if bds is None else bds
    adsl = d.drop_duplicates("USUBJID")[["USUBJID", "TRT", "SITE"]].copy()
    adsl["TRT01A"] = adsl.TRT.map(ARMS)
    adsl["SAFFL"] = "Y"
    adsl[["USUBJID", "TRT01A", "SAFFL", "SITE"]].to_csv(root / "data" / "adsl.csv", index=False)
    b = d[["USUBJID", "AVISIT", "BASE", "CHG"]].copy()
    b["PARAMCD"] = "SCORE"
    b["PARAM"] = "Score"
    b.to_csv(root / "data" / "adbds.csv", index=False)
    (root / "study.yaml").write_text(textwrap.dedent(STUDY))
    (root / "t-mmrm.yaml").write_text(textwrap.dedent(output))
    return root


def _compute(root, shell: bool = False):
    study = load_study(root)
    if shell:
        return compute_output(study, study.output("t-mmrm"), None, None)
    data, pops, _ = prepare(study)
    return compute_output(study, study.output("t-mmrm"), data, pops)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return _compute(_write(tmp_path_factory.mktemp("mmrm")))


def _stat(ard, analysis, column, stat, level):
    sel = ard[(ard.analysis == analysis) & (ard.column == column) & (ard.stat_name == stat) & (ard.level == level)]
    assert len(sel) == 1, (analysis, column, stat, level)
    return float(sel.iloc[0].stat)


def test_ard_equals_the_r_references(result):
    ard, _ = result
    exact = pd.read_csv(REF / "sim_exact.csv")  # us: Kenward-Roger SEs and df (observed information)
    gls = pd.read_csv(REF / "sim_gls.csv")
    for row in exact.itertuples():
        s = "lsmean" if row.kind == "lsmean" else "diff"
        assert _stat(ard, "us", row.TRT, s, row.AVISIT) == pytest.approx(row.estimate, rel=1e-6, abs=1e-9)
        assert _stat(ard, "us", row.TRT, s + "_se", row.AVISIT) == pytest.approx(row.se_kr, rel=1e-6)
        assert _stat(ard, "us", row.TRT, s + "_df", row.AVISIT) == pytest.approx(row.df_kr, rel=1e-4)
    cs = gls[(gls.covariance == "cs") & (gls.kind == "lsmean") & (gls.AVISIT == "W4")]
    for row in cs.itertuples():
        assert _stat(ard, "late", row.TRT, "lsmean", "W4") == pytest.approx(row.estimate, rel=1e-6)
        assert _stat(ard, "late", row.TRT, "lsmean_se", "W4") == pytest.approx(row.se, rel=1e-6)
    d = sim_data()
    for arm in ARMS:
        assert _stat(ard, "us", arm, "n", "W3") == ((d.AVISIT == "W3") & (d.TRT == SIM_ARM[arm])).sum()


def test_table_rows(result):
    ard, table = result
    labels = [r.label for r in table.rows]
    assert labels[:8] == ["Score", "W1", "n", "LS mean (SE)", "Difference vs Placebo (SE)",
                          "95% CI of the difference", "p-value", "W2"]
    late = [r for r in table.rows if r.group.startswith("late")]
    assert [r.label for r in late] == ["Score", "W4", "LS mean (95% CI)", "Difference vs Drug Low (95% CI)"]
    m = _stat(ard, "late", "high", "vs_low.diff", "W4")
    assert late[-1].cells[0] == "" and late[-1].cells[1] == "" and late[-1].cells[2].startswith(f"{m:.3f} (")


def test_not_estimable_prints_ne_with_a_footnote(tmp_path):
    d = sim_data()
    d = d[~((d.TRT == "high") & (d.AVISIT == "W4"))]
    ard, table = _compute(_write(tmp_path, bds=d))
    lsm = ard[(ard.analysis == "us") & (ard.stat_name == "lsmean")]
    assert lsm.stat.isna().sum() == 1 and _stat(ard, "us", "high", "lsmean", "W4") != _stat(ard, "us", "high", "lsmean", "W4")
    w4 = [r for r in table.rows if r.group == "us:SCORE:W4" and r.label == "LS mean (SE)"][0]
    assert w4.cells[2] == "NE" and w4.cells[0] != "NE"
    assert any(n.startswith("NE = not estimable: the model has an empty cell") for n in table.footnotes)


def test_fallback_after_a_failed_fit(tmp_path, monkeypatch):
    import tlf.stats.mmrm as mm

    original = mm.fit_mmrm

    def failing_us(*args, **kw):
        res = original(*args, **kw)
        if kw.get("covariance") == "us":
            from dataclasses import replace

            return replace(res, converged=False, reason="the optimiser did not converge (forced in this test)")
        return res

    monkeypatch.setattr(mm, "fit_mmrm", failing_us)
    out = OUTPUT.replace("    rows: [n, lsmean_se, diff_se, diff_ci, diff_pvalue]\n",
                         "    rows: [n, lsmean_se, diff_se, diff_ci, diff_pvalue]\n    fallback: [toep]\n")
    ard, table = _compute(_write(tmp_path, out))
    note = ard[(ard.analysis == "us") & (ard.stat_name == "covariance")].iloc[0]
    assert note.variable == "toep" and note.stat == 1
    assert any(n.startswith("The unstructured fit was not estimable (the optimiser did not converge (forced")
               and "the Toeplitz covariance structure was used" in n for n in table.footnotes)
    gls = pd.read_csv(REF / "sim_gls.csv")
    row = gls[(gls.covariance == "toep") & (gls.kind == "diff") & (gls.AVISIT == "W2") & (gls.TRT == "high")].iloc[0]
    assert _stat(ard, "us", "high", "diff", "W2") == pytest.approx(row.estimate, rel=1e-6)


def test_shell_has_every_cell(tmp_path):
    ard, table = _compute(_write(tmp_path), shell=True)
    w4 = [r for r in table.rows if r.group == "us:SCORE:W4" and r.label == "LS mean (SE)"][0]
    assert all(c and "x" in c for c in w4.cells)


@pytest.mark.parametrize(("change", "code", "key"), [
    ("    reference: pbo\n    rows: [n", "SPEC034", "reference"),
    ("    factors: [SITE]\n    covariates_by_visit", "SPEC112", "factors"),
])
def test_spec_errors_are_located(tmp_path, change, code, key):
    bad = {"SPEC034": "    reference: placebo\n    rows: [n", "SPEC112": "    factors: [SITEX]\n    covariates_by_visit"}[code]
    out = OUTPUT.replace(change, bad, 1)
    with pytest.raises(TlfError) as e:
        _compute(_write(tmp_path, out))
    assert e.value.code == code and key in str(e.value)


def test_show_visits_must_be_among_visits(tmp_path):
    out = OUTPUT.replace("    show_visits: [W4]", "    show_visits: [W5]")
    with pytest.raises(TlfError) as e:
        load_study(_write(tmp_path, out))
    assert "show_visits" in str(e.value)


@pytest.mark.skipif(not ADQSADAS.exists(), reason="the CDISC pilot data (../shared) is not present")
def test_pilot_table_14_3_11_equals_r(tmp_path):
    from tests.conftest import REPO
    from tlf.build import build

    specs = REPO / "examples" / "cdiscpilot01" / "specs"
    report = build(specs, tmp_path, ["t-14-3-11"], data_dir=ADQSADAS.parent)
    assert report.ok, [str(o.error) for o in report.outputs]
    from tlf.ard.schema import read_ard

    ard = read_ard(tmp_path / "t-14-3-11.ard.csv")
    ids = {"Placebo": "pbo", "Xanomeline Low Dose": "low", "Xanomeline High Dose": "high"}
    exact = pd.read_csv(REF / "pilot_exact.csv")
    gls = pd.read_csv(REF / "pilot_gls.csv")
    gls = gls[gls.covariance == "us"]
    for row in exact.itertuples():
        s = "lsmean" if row.kind == "lsmean" else "diff"
        col = ids[row.TRT]
        g = gls[(gls.kind == row.kind) & (gls.AVISIT == row.AVISIT) & (gls.TRT == row.TRT)].iloc[0]
        assert _stat(ard, "mmrm", col, s, row.AVISIT) == pytest.approx(g.estimate, rel=1e-6)  # gls + emmeans
        assert _stat(ard, "mmrm", col, s + "_se", row.AVISIT) == pytest.approx(row.se_kr, rel=1e-6)
        assert _stat(ard, "mmrm", col, s + "_df", row.AVISIT) == pytest.approx(row.df_kr, rel=1e-4)
    assert (ard[ard.stat_name == "covariance"].variable == "us").all()
    import zipfile

    with zipfile.ZipFile(tmp_path / "t-14-3-11.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    row = exact[(exact.kind == "lsmean") & (exact.AVISIT == "Week 24") & (exact.TRT == "Placebo")].iloc[0]
    assert f"{row.estimate:.1f} ({row.se_kr:.2f})" in xml  # LS Means (SE), 1 and 2 decimals (precision 0)
    assert "p-value (vs Xanomeline Low Dose)" in xml and "Diff of LS Means (SE)" in xml
    shutil.rmtree(tmp_path, ignore_errors=True)


FIGURE = """\
id: t-mmrm
type: figure
number: Figure 1
title: MMRM
population: SAF
columns: arms
plot: {kind: lsmean_by_visit, tick_labels: {W1: "1"}}
analyses:
  - id: us
    type: mmrm
    dataset: adbds
    param: SCORE
    visits: [W1, W2, W3, W4]
    show_visits: [W1, W2, W4]
    covariates: [BASE]
    factors: [SITE]
    covariates_by_visit: [BASE]
    covariance: toep
    alpha: 0.1
    reference: pbo
"""


def test_figure_draws_the_lsmeans_and_cis_by_visit(tmp_path):
    ard, figure = _compute(_write(tmp_path, FIGURE))
    gls = pd.read_csv(REF / "sim_gls.csv")
    gls = gls[(gls.covariance == "toep") & (gls.kind == "lsmean")]
    from scipy import stats

    drawn = {(r[1], r[2]): r for r in figure.data_rows}
    assert {v for _, v in drawn} == {"W1", "W2", "W4"}
    for row in gls[gls.AVISIT != "W3"].itertuples():
        label = ARMS[row.TRT]
        _, _, _, _, n, m, se, lo, hi = drawn[(label, row.AVISIT)]
        assert m == pytest.approx(row.estimate, rel=1e-6)
        q = stats.t.ppf(0.95, _stat(ard, "us", row.TRT, "lsmean_df", row.AVISIT))
        assert lo == pytest.approx(m - q * se, rel=1e-9) and hi == pytest.approx(m + q * se, rel=1e-9)
    assert any("Toeplitz covariance" in n and "90% confidence intervals" in n for n in figure.footnotes)


def test_study_a_clasi_percent_change_mmrm_equals_r(tmp_path):
    """specs/t-14-2-7.yaml (study A, bundled data) against the R references made on the same records
    (tests/mmrm_data.study_a_data): estimates of gls + emmeans, Kenward-Roger SEs and df of the exact R."""
    from tests.conftest import REPO
    from tests.mmrm_data import study_a_data
    from tlf.ard.schema import read_ard
    from tlf.build import build

    report = build(REPO / "specs", tmp_path, ["t-14-2-7"])
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = read_ard(tmp_path / "t-14-2-7.ard.csv")
    ids = {"Placebo": "pbo", "Iberdomide 0.3 mg QOD": "qod03", "Iberdomide 0.3 mg QD": "qd03",
           "Iberdomide 0.6/0.3 mg ALTN": "alt0603", "Iberdomide 0.6 mg QD": "qd06"}
    exact = pd.read_csv(REF / "studya_exact.csv")
    gls = pd.read_csv(REF / "studya_gls.csv")
    d = study_a_data()
    assert (ard[ard.stat_name == "covariance"].variable == "us").all()
    # monotone dropout, every subject at day 15: day 15's inference is that visit's regression alone (closed
    # form), df = 40 subjects - 6 coefficients (5 arms, BASE)
    assert set(d[d.AVISIT == "Day 15"].USUBJID) == set(d.USUBJID) and d.USUBJID.nunique() == 40
    assert _stat(ard, "clasi", "qd06", "diff_df", "Day 15") == pytest.approx(34.0, rel=1e-9)
    for row in exact.itertuples():
        s = "lsmean" if row.kind == "lsmean" else "diff"
        col = ids[row.TRT]
        g = gls[(gls.kind == row.kind) & (gls.AVISIT == row.AVISIT) & (gls.TRT == row.TRT)].iloc[0]
        assert _stat(ard, "clasi", col, s, row.AVISIT) == pytest.approx(g.estimate, rel=1e-5)  # gls stops short
        assert _stat(ard, "clasi", col, s, row.AVISIT) == pytest.approx(row.estimate, rel=1e-6)
        assert _stat(ard, "clasi", col, s + "_se", row.AVISIT) == pytest.approx(row.se_kr, rel=1e-6)
        assert _stat(ard, "clasi", col, s + "_df", row.AVISIT) == pytest.approx(row.df_kr, rel=1e-4)
        if s == "lsmean":
            assert _stat(ard, "clasi", col, "n", row.AVISIT) == ((d.AVISIT == row.AVISIT) & (d.TRT == row.TRT)).sum()
