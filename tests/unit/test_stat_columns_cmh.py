"""Stratified tests in stat columns: `test: cmh` with `strata:` on categorical, count and responders
analyses, and the stratified log-rank test of a time_to_event analysis. Here the wiring is checked: the
tables tlf builds from the records are rebuilt in the test with pandas and given to the statistics
(checked against R in test_stats_cmh.py and test_stats_cox.py), and the 2 x 2 x K case against the
Mantel-Haenszel chi-square written out below; then placement, shells and the spec errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import STUDY_YAML, write_study
from tlf.build import compute_output, prepare
from tlf.errors import TlfError
from tlf.spec.validate import load_study
from tlf.stats.cmh import cmh
from tlf.stats.cox import logrank_stratified

RNG = np.random.default_rng(11)
N = 72
_ADSL = pd.DataFrame({
    "USUBJID": [f"S-{i:03d}" for i in range(N)],
    "TRT01A": RNG.choice(["Drug A", "Placebo"], N),
    "RANDFL": "Y", "SAFFL": "Y", "ITTFL": "Y",
    "SITEGR1": RNG.choice(["701", "703", "708", "710"], N),
    "RESP": RNG.integers(1, 6, N),
    "AGE": RNG.integers(50, 80, N),
})
_ADSL.loc[3, "SITEGR1"] = ""  # a missing stratum: left out of the stratified test
ADSL = _ADSL.to_csv(index=False)
ADEX = "USUBJID,EXDURD\n" + "".join(f"S-{i:03d},10\n" for i in range(N))
ADAE = "USUBJID,AEDECOD,AEBODSYS,TRTEMFL\n" + "".join(
    f"S-{i:03d},Headache,Nervous system disorders,Y\n" for i in range(N) if RNG.uniform() < 0.4)
_ADEFF = pd.DataFrame([{"USUBJID": f"S-{i:03d}", "PARAMCD": "SCORE", "AVISIT": v, "AVAL": float(RNG.integers(0, 10)),
                        "CNSR": int(RNG.uniform() < 0.3)} for i in range(N) for v in ("Week 4", "Week 8")])
STUDY = STUDY_YAML.replace("    adae: {file: adae.csv}\n", "    adae: {file: adae.csv}\n    adeff: {file: adeff.csv}\n")
TABLE = """\
id: t-cmh
type: table
number: Table 3
title: Stratified tests
population: SAF
columns: arms
stat_columns:
  - {id: cmh, label: "CMH p-value", over: [a, p], test: cmh, strata: SITEGR1, format: {decimals: 6}}
analyses:
  - {id: resp, type: categorical, var: RESP, label: Response}
  - {id: ae, type: count, dataset: adae, label: Any headache, where: "TRTEMFL == 'Y'"}
  - {id: rsp, type: responders, dataset: adeff, param: SCORE, visits: [Week 4, Week 8], criterion: "AVAL >= 5",
     param_var: PARAMCD, param_label_var: null, visit_num_var: null, base_var: AVAL}
"""
TTE = """\
id: t-tte
type: table
number: Table 4
title: Stratified log-rank
population: SAF
columns: arms
stat_columns:
  - {id: lr, label: "Log-rank p-value", over: [a, p], test: logrank, strata: SITEGR1, format: {decimals: 6}}
analyses:
  - {id: tte, type: time_to_event, dataset: adeff, where: "AVISIT == 'Week 4'", time: AVAL, censor: CNSR}
"""


def _specs(tmp_path, outputs):
    specs = write_study(tmp_path, adsl=ADSL, adex=ADEX, adae=ADAE, study=STUDY, outputs=outputs)
    _ADEFF.to_csv(specs / "data" / "adeff.csv", index=False)
    return specs


def _compute(specs, output_id, shell=False):
    study = load_study(specs)
    if shell:
        return compute_output(study, study.output(output_id), None, {})
    data, pops, _ = prepare(study)
    return compute_output(study, study.output(output_id), data, pops)


def _p(ard, analysis, column, level="", parent=""):
    sel = ard[(ard.analysis == analysis) & (ard.column == column) & (ard.stat_name == "pvalue")
              & (ard.level == level) & (ard.parent == parent)]
    assert len(sel) == 1, (analysis, level, parent)
    return sel.iloc[0]


def _tables(frame: pd.DataFrame, resp: str) -> np.ndarray:
    f = frame[frame.SITEGR1 != ""]
    x = pd.crosstab([f.SITEGR1, f.TRT01A], f[resp]).reindex(
        pd.MultiIndex.from_product([sorted(f.SITEGR1.unique()), ["Drug A", "Placebo"]]), fill_value=0)
    return x.to_numpy().reshape(f.SITEGR1.nunique(), 2, -1)


def _mh_chisq(t: np.ndarray) -> float:
    """Mantel-Haenszel chi-square of 2 x 2 x K tables, without continuity correction (Mantel and Haenszel 1959)."""
    t = t[t.sum(axis=(1, 2)) >= 2]
    a = t[:, 0, 0]
    n = t.sum(axis=(1, 2))
    r1, c1 = t[:, 0].sum(axis=1), t[:, :, 0].sum(axis=1)
    r2, c2 = n - r1, n - c1
    return (a - r1 * c1 / n).sum() ** 2 / (r1 * r2 * c1 * c2 / (n * n * (n - 1))).sum()


def test_cmh_pvalues_from_the_records(tmp_path):
    from scipy.stats import chi2

    ard, table = _compute(_specs(tmp_path, {"t-cmh": TABLE}), "t-cmh")
    resp = _p(ard, "resp", "cmh")
    assert resp.stat == pytest.approx(cmh(_tables(_ADSL, "RESP")).general.pvalue, rel=1e-12)
    assert resp.variable == "cmh" and "controlling for SITEGR1" in resp.warning
    assert "1 subject(s) with a missing SITEGR1 left out" in resp.warning
    hit = _ADSL.USUBJID.isin(pd.read_csv(pd.io.common.StringIO(ADAE)).USUBJID)
    t = _tables(_ADSL.assign(HIT=np.where(hit, "a", "b")), "HIT")
    assert _p(ard, "ae", "cmh").stat == pytest.approx(chi2.sf(_mh_chisq(t), 1), rel=1e-10)
    for visit in ("Week 4", "Week 8"):
        recs = _ADEFF[_ADEFF.AVISIT == visit].merge(_ADSL[["USUBJID", "TRT01A", "SITEGR1"]], on="USUBJID")
        t = _tables(recs.assign(HIT=np.where(recs.AVAL >= 5, "a", "b")), "HIT")
        assert _p(ard, "rsp", "cmh", visit, "SCORE").stat == pytest.approx(chi2.sf(_mh_chisq(t), 1), rel=1e-10)
    rows = {r.label: r for r in table.rows}
    assert rows["Week 8"].cells[-1] == _p(ard, "rsp", "cmh", "Week 8", "SCORE").stat_fmt  # on the visit's row
    assert rows["Response"].cells[-1] == resp.stat_fmt


def test_cmh_statistic_and_scores_choices(tmp_path):
    spec = TABLE.replace("strata: SITEGR1,", "strata: SITEGR1, cmh: row_mean, scores: modridit,")
    ard, _ = _compute(_specs(tmp_path, {"t-cmh": spec}), "t-cmh")
    assert _p(ard, "resp", "cmh").stat == pytest.approx(
        cmh(_tables(_ADSL, "RESP"), scores="modridit").row_mean.pvalue, rel=1e-12)
    assert "row mean scores differ, modified ridit scores" in _p(ard, "resp", "cmh").warning


def test_stratified_logrank(tmp_path):
    ard, _ = _compute(_specs(tmp_path, {"t-tte": TTE}), "t-tte")
    recs = _ADEFF[_ADEFF.AVISIT == "Week 4"].merge(_ADSL[["USUBJID", "TRT01A", "SITEGR1"]], on="USUBJID")
    strata = [None if s == "" else s for s in recs.SITEGR1]
    ref = logrank_stratified(recs.AVAL, 1 - recs.CNSR, recs.TRT01A, strata)
    assert _p(ard, "tte", "lr").stat == pytest.approx(ref.pvalue, rel=1e-12)


def test_shell_has_a_pvalue_per_visit(tmp_path):
    ard, table = _compute(_specs(tmp_path, {"t-cmh": TABLE}), "t-cmh", shell=True)
    assert {r.label: r for r in table.rows}["Week 4"].cells[-1] == "x.xxxxxx"


@pytest.mark.parametrize("change, code, key", [
    ("strata: SITEGR1,", "SPEC105", "stat_columns[0].strata"),
    ("test: cmh, strata: SITEGR1,", "SPEC107", "stat_columns[0].strata"),
])
def test_spec_errors(tmp_path, change, code, key):
    spec = TABLE.replace("strata: SITEGR1,", "strata: SITEGRX,") if code == "SPEC105" else \
        TABLE.replace(change, "test: chisq, strata: SITEGR1,")
    specs = _specs(tmp_path, {"t-cmh": spec})
    with pytest.raises(TlfError) as e:
        if code == "SPEC105":
            _compute(specs, "t-cmh")
        else:
            load_study(specs)
    assert f"{key}: " in str(e.value) and f"[{code}]" in str(e.value)


def test_cmh_on_a_continuous_analysis_is_an_error(tmp_path):
    spec = TABLE.replace("  - {id: resp, type: categorical", "  - {id: age, type: continuous, var: AGE}\n"
                         "  - {id: resp, type: categorical")
    with pytest.raises(TlfError) as e:
        load_study(_specs(tmp_path, {"t-cmh": spec}))
    assert "[SPEC036]" in str(e.value)


@pytest.mark.parametrize("old, new, key, code", [
    ("strata: SITEGR1,", "strata: SITEGRX,", "stat_columns[0].strata", "SPEC105"),
])
def test_tlf_check_finds_a_missing_strata_variable(tmp_path, old, new, key, code):
    from tlf.build_check import check_output

    specs = _specs(tmp_path, {"t-cmh": TABLE.replace(old, new)})
    study = load_study(specs)
    data, pops, _ = prepare(study)
    with pytest.raises(TlfError) as e:
        check_output(study, study.output("t-cmh"), data, pops)
    assert f"{key}: " in str(e.value) and f"[{code}]" in str(e.value)


@pytest.mark.parametrize("hr, key, code", [
    ("{reference: x}", "analyses[0].hazard_ratio.reference", "SPEC109"),
    ("{reference: p, covariates: [AGEX]}", "analyses[0].hazard_ratio.covariates[0]", "SPEC105"),
])
def test_hazard_ratio_spec_errors(tmp_path, hr, key, code):
    from tlf.build_check import check_output

    spec = TTE.replace("censor: CNSR}", f"censor: CNSR, hazard_ratio: {hr}}}")
    specs = _specs(tmp_path, {"t-tte": spec})
    study = load_study(specs)
    data, pops, _ = prepare(study)
    for run in (lambda: check_output(study, study.output("t-tte"), data, pops), lambda: _compute(specs, "t-tte")):
        with pytest.raises(TlfError) as e:
            run()
        assert f"{key}: " in str(e.value) and f"[{code}]" in str(e.value)


def test_hazard_ratio_rows(tmp_path):
    from tlf.stats.cox import hazard_ratios

    spec = TTE.replace("censor: CNSR}", "censor: CNSR, hazard_ratio: {reference: p, covariates: [AGE]}}")
    ard, table = _compute(_specs(tmp_path, {"t-tte": spec}), "t-tte")
    recs = _ADEFF[_ADEFF.AVISIT == "Week 4"].merge(_ADSL[["USUBJID", "TRT01A", "AGE"]], on="USUBJID")
    ref = hazard_ratios(recs.AVAL, 1 - recs.CNSR, recs.TRT01A, "Placebo", covariates=[recs.AGE.tolist()])["Drug A"]
    hr = ard[(ard.column == "a") & (ard.stat_name == "hr")].stat.iloc[0]
    assert hr == pytest.approx(ref.hr, rel=1e-12)
    rows = {r.label: r.cells for r in table.rows}
    assert rows["Hazard ratio vs Placebo (95% CI)"][1] == "" and rows["Hazard ratio vs Placebo (95% CI)"][2] == ""
    assert rows["Hazard ratio vs Placebo (95% CI)"][0].startswith(f"{ref.hr:.2f} (")


def test_forest_needs_hazard_ratios(tmp_path):
    fig = """\
id: f-forest
type: figure
number: Figure 1
title: Forest
population: SAF
columns: arms
plot: {kind: forest}
analyses:
  - {id: tte, type: time_to_event, dataset: adeff, where: "AVISIT == 'Week 4'", time: AVAL, censor: CNSR}
"""
    with pytest.raises(TlfError) as e:
        load_study(_specs(tmp_path, {"f-forest": fig}))
    assert "a forest plot draws hazard ratios: analysis 'tte' has no `hazard_ratio`" in str(e.value)
