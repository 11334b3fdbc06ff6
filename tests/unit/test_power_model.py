"""`type: power_model` (dose proportionality) end to end on a tiny study: slope, CI and intercept
against a closed-form least-squares fit computed here (no tlf code), the acceptance range of Smith et
al. (Pharm Res 2000) from its formula, the printed cells, shells and located spec errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tests.conftest import STUDY_YAML, write_study
from tlf.ard.schema import read_ard
from tlf.build import build, compute_output, prepare
from tlf.errors import ErrorGroup, SpecError
from tlf.spec.validate import load_study

# one PK parameter record per subject and parameter; DOSE in mg
PARAMS = {  # subject: (dose, Cmax, AUC)
    "S-01": (1, 2.1, 30.5), "S-02": (1, 1.7, 26.0), "S-03": (2, 4.4, 55.0),
    "S-04": (4, 8.1, 130.0), "S-05": (4, 9.0, 118.0),
}
ADPP = "USUBJID,PPTESTCD,PPTEST,PPSTRESN,PPSTRESU,DOSE\n" + "".join(
    f"{s},CMAX,Max Conc,{c},ng/mL,{d}\n{s},AUCLST,AUC to Last Nonzero Conc,{a},h*ng/mL,{d}\n"
    for s, (d, c, a) in PARAMS.items())
ADSL = """USUBJID,TRT01A,RANDFL,SAFFL,ITTFL,SEX,AGE,WEIGHT,RACE
S-01,Drug A,Y,Y,Y,F,30,70.5,WHITE
S-02,Drug A,Y,Y,Y,M,41,80.1,ASIAN
S-03,Drug A,Y,Y,Y,F,52,65.0,WHITE
S-04,Placebo,Y,Y,Y,F,45,90.2,WHITE
S-05,Placebo,Y,Y,Y,M,38,,WHITE
S-06,Placebo,N,N,N,M,60,75.0,
"""
ADEX = "USUBJID,EXDURD\nS-01,1\nS-02,1\nS-03,1\nS-04,1\nS-05,1\n"

POWER = """\
id: t-dp
type: table
number: Table 5
title: Dose proportionality
population: SAF
columns: arms
analyses:
  - id: dp
    type: power_model
    dataset: adpp
    dose: DOSE
    rows: [n, slope_ci, slope_se, intercept_se, dose_ratio, range, conclusion]
    parameters:
      - {code: CMAX, label: "Cmax (ng/mL)"}
      - {code: AUCLST}
"""


def study(root, power: str = POWER):
    text = STUDY_YAML.replace("    adae: {file: adae.csv}\n", "    adae: {file: adae.csv}\n    adpp: {file: adpp.csv}\n")
    specs = write_study(root, adsl=ADSL, adex=ADEX, study=text, outputs={"t-dp": power})
    (specs / "data" / "adpp.csv").write_text(ADPP)
    return specs


def closed_form(doses, values, alpha=0.10):
    """Least squares of ln(value) on ln(dose) by the textbook formulas."""
    x, y = np.log(doses), np.log(values)
    n = len(x)
    sxx = ((x - x.mean()) ** 2).sum()
    b = ((x - x.mean()) * (y - y.mean())).sum() / sxx
    a = y.mean() - b * x.mean()
    s2 = ((y - a - b * x) ** 2).sum() / (n - 2)
    se = math.sqrt(s2 / sxx)
    q = stats.t.ppf(1 - alpha / 2, n - 2)
    return {"slope": b, "slope_se": se, "slope_ci_low": b - q * se, "slope_ci_high": b + q * se,
            "intercept": a, "intercept_se": math.sqrt(s2 * (1 / n + x.mean() ** 2 / sxx))}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("dp")
    specs = study(root)
    out = root / "out"
    report = build(specs, out, ["all"], formats=("xlsx",))
    assert report.ok, [str(o.error) for o in report.outputs]
    return specs, read_ard(out / "t-dp.ard.csv")


def stat(ard, column, level, name):
    sel = ard[(ard.analysis == "dp") & (ard.column == column) & (ard.level == level) & (ard.stat_name == name)]
    assert len(sel) == 1
    return sel.iloc[0]


def test_slope_ci_and_range_equal_closed_form(built):
    _, ard = built
    subjects = ["S-01", "S-02", "S-03"]  # column a (Drug A): doses 1, 1, 2
    doses = np.array([PARAMS[s][0] for s in subjects], dtype=float)
    for k, level in ((1, "Cmax (ng/mL)"), (2, "AUC to Last Nonzero Conc (h*ng/mL)")):
        ref = closed_form(doses, np.array([PARAMS[s][k] for s in subjects]))
        for name, value in ref.items():
            assert stat(ard, "a", level, name).stat == pytest.approx(value, rel=1e-10), (level, name)
        assert stat(ard, "a", level, "n").stat == 3
        assert stat(ard, "a", level, "dose_ratio").stat == 2.0
        lo, hi = 1 + math.log(0.8) / math.log(2), 1 + math.log(1.25) / math.log(2)
        assert stat(ard, "a", level, "range_low").stat == pytest.approx(lo)
        assert stat(ard, "a", level, "range_high").stat == pytest.approx(hi)
        inside = lo <= ref["slope_ci_low"] and ref["slope_ci_high"] <= hi
        assert stat(ard, "a", level, "within_range").stat_fmt == ("Yes" if inside else "No")


def test_one_dose_is_not_estimable_with_a_reason(built):
    _, ard = built
    slope = stat(ard, "p", "Cmax (ng/mL)", "slope")  # placebo column: S-04, S-05 both 4 mg
    assert math.isnan(slope.stat) and slope.stat_fmt == "NE" and "2 distinct doses" in slope.warning
    assert stat(ard, "p", "Cmax (ng/mL)", "within_range").stat_fmt == "NE"


def test_rendered_rows(built):
    specs, ard = built
    st = load_study(specs)
    data, pops, _ = prepare(st)
    _, table = compute_output(st, st.output("t-dp"), data, pops)
    rows = {(r.label, r.indent): r.cells for r in table.rows}
    assert ("Cmax (ng/mL)", 0) in rows and ("AUC to Last Nonzero Conc (h*ng/mL)", 0) in rows
    ci = stat(ard, "a", "Cmax (ng/mL)", "slope_ci_low").stat_fmt
    first_slope = next(r for r in table.rows if r.label == "Slope (90% CI)")
    assert first_slope.cells[0].startswith(stat(ard, "a", "Cmax (ng/mL)", "slope").stat_fmt + f" ({ci}, ")
    assert any(r.label == "Dose proportional" and r.cells[0] in ("Yes", "No") for r in table.rows)
    assert any(r.label == "Acceptance range for the slope" and r.cells[0] == "(0.678, 1.322)" for r in table.rows)


def test_shell(tmp_path):
    specs = study(tmp_path)
    report = build(specs, tmp_path / "out", ["all"], formats=("xlsx",), shell=True)
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = read_ard(tmp_path / "out" / "t-dp.shell.ard.csv")
    assert set(ard[ard.analysis == "dp"].stat_fmt) >= {"xx.xxx", "xxx", "xx"}


def test_unknown_parameter_is_located(tmp_path):
    specs = study(tmp_path, POWER.replace("code: AUCLST", "code: AUCLAST"))
    report = build(specs, tmp_path / "out", ["all"], formats=("xlsx",))
    err = report.outputs[0].error
    errs = err.errors if isinstance(err, ErrorGroup) else [err]
    assert isinstance(errs[0], SpecError) and errs[0].code == "SPEC043" and "did you mean 'AUCLST'" in errs[0].message
    assert "analyses[0].parameters[1].code" in str(errs[0])


def test_unknown_row_is_a_spec_error(tmp_path):
    specs = study(tmp_path, POWER.replace("rows: [n,", "rows: [nn,"))
    with pytest.raises((SpecError, ErrorGroup)):
        load_study(specs)
