"""`responders` on the CDISC pilot's ADAS-Cog week-24 responders (CHG <= 0): the logistic model's odds
ratios against R glm (tests/reference/logistic/glm.csv, case "pilot", made by make_reference.R there),
the one-proportion CI row against scipy's Clopper-Pearson (binomtest), a risk-difference stat column on
the responders, the rows printed, shells, NE on separation and the spec errors (SPEC102-SPEC104)."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from tests.conftest import SHARED
from tlf.build import compute_output, prepare
from tlf.errors import TlfError
from tlf.spec.validate import load_study

REPO = Path(__file__).resolve().parents[2]
DATA = SHARED / "data" / "cdiscpilot01"
REF = REPO / "tests" / "reference" / "logistic" / "glm.csv"
pytestmark = pytest.mark.skipif(not (DATA / "adqsadas.xpt").is_file(), reason="CDISC pilot data not in ../shared")

OUTPUT = """\
id: t-resp
type: table
number: "Table 1"
title: "ADAS-Cog responders"
population: EFF
columns: planned
stat_columns:
  - {id: rd, label: "Risk difference (95% CI)", over: [high, pbo], stat: risk_difference, ci: mn}
analyses:
  - id: resp
    type: responders
    dataset: adqsadas
    where: "ITTFL == 'Y' and EFFFL == 'Y' and ANL01FL == 'Y'"
    param: ACTOT
    label: "ADAS-Cog(11) change from baseline <= 0"
    visits: [Week 24]
    criterion: "CHG <= 0"
    denominator: records
    ci: clopper-pearson
    model: {type: logistic, reference: pbo, covariates: [AGE, SITEGR1]}
"""


def _specs(tmp_path: Path, output: str = OUTPUT) -> Path:
    specs = tmp_path / "specs"
    specs.mkdir()
    study = (REPO / "examples" / "cdiscpilot01" / "specs" / "study.yaml").read_text()
    study = re.sub(r"(?m)^  dir: .*$", f"  dir: {DATA}", study)
    (specs / "study.yaml").write_text(study)
    (specs / "t-resp.yaml").write_text(output)
    return specs


def _compute(specs: Path, shell: bool = False):
    study = load_study(specs)
    if shell:
        return compute_output(study, study.output("t-resp"), None, {})
    data, pops, _ = prepare(study)
    return compute_output(study, study.output("t-resp"), data, pops)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return _compute(_specs(tmp_path_factory.mktemp("resp")))


def _stat(ard, column, name):
    sel = ard[(ard.analysis == "resp") & (ard.column == column) & (ard.stat_name == name)]
    assert len(sel) == 1, (column, name)
    return sel.iloc[0]


def test_odds_ratios_match_r_glm(built):
    ard, _ = built
    with open(REF) as f:
        ref = {r["term"]: r for r in csv.DictReader(f) if r["case"] == "pilot"}
    for col, term in (("low", "TRTXanomeline Low Dose"), ("high", "TRTXanomeline High Dose")):
        r = ref[term]
        assert _stat(ard, col, "or").stat == pytest.approx(math.exp(float(r["estimate"])), rel=1e-7)
        assert _stat(ard, col, "or_lower").stat == pytest.approx(math.exp(float(r["lower"])), rel=1e-7)
        assert _stat(ard, col, "or_upper").stat == pytest.approx(math.exp(float(r["upper"])), rel=1e-7)
        assert _stat(ard, col, "or_pvalue").stat == pytest.approx(float(r["pvalue"]), rel=1e-6)
    assert not ((ard.column == "pbo") & (ard.stat_name == "or")).any()


def test_ci_row_and_risk_difference(built):
    import pyreadstat
    from scipy.stats import binomtest

    from tlf.stats.proportions import risk_difference

    ard, table = built
    d = pyreadstat.read_xport(str(DATA / "adqsadas.xpt"))[0]
    d = d[(d.PARAMCD == "ACTOT") & (d.AVISIT == "Week 24") & (d.ANL01FL == "Y") & (d.EFFFL == "Y") & (d.ITTFL == "Y")]
    counts = {}
    for col, arm in (("pbo", "Placebo"), ("low", "Xanomeline Low Dose"), ("high", "Xanomeline High Dose")):
        chg = d[d.TRTP == arm].CHG
        n, m = int((chg <= 0).sum()), len(chg)
        counts[col] = (n, m)
        ci = binomtest(n, m).proportion_ci(0.95, method="exact")
        assert _stat(ard, col, "ci_lower").stat == pytest.approx(100 * ci.low, rel=1e-9)
        assert _stat(ard, col, "ci_upper").stat == pytest.approx(100 * ci.high, rel=1e-9)
    rd = risk_difference(*counts["high"], *counts["pbo"], "mn")
    assert _stat(ard, "rd", "estimate").stat == pytest.approx(100 * rd.estimate)
    assert _stat(ard, "rd", "estimate_lower").stat == pytest.approx(100 * rd.lower)
    rows = {r.label: r.cells for r in table.rows}
    assert re.fullmatch(r"\(\d+\.\d, \d+\.\d\)", rows["95% CI"][0])
    assert rows["Odds ratio vs Placebo (95% CI)"][0] == ""
    assert re.fullmatch(r"\d\.\d\d \(\d\.\d\d, \d\.\d\d\)", rows["Odds ratio vs Placebo (95% CI)"][2])
    assert re.fullmatch(r"0\.\d{3}", rows["p-value"][1])
    assert re.fullmatch(r"-?\d+\.\d \(-?\d+\.\d, -?\d+\.\d\)", rows["Week 24"][3])


def test_shell(tmp_path):
    _, table = _compute(_specs(tmp_path), shell=True)
    rows = {r.label: r.cells for r in table.rows}
    assert rows["Odds ratio vs Placebo (95% CI)"] == ("", "xx.xx (xx.xx, xx.xx)", "xx.xx (xx.xx, xx.xx)", "")
    assert rows["95% CI"][0] == "(xx.x, xx.x)"


def test_separation_is_ne_with_a_footnote(tmp_path):
    # every responder in the Week 24 high-dose arm, by a criterion on the arm itself
    spec = OUTPUT.replace('criterion: "CHG <= 0"', 'criterion: "TRTP == \'Xanomeline High Dose\' or CHG <= 0"')
    ard, table = _compute(_specs(tmp_path, spec))
    r = _stat(ard, "high", "or")
    assert math.isnan(r.stat) and "separation" in r.warning
    rows = {r.label: r.cells for r in table.rows}
    assert rows["Odds ratio vs Placebo (95% CI)"][2] == "NE"
    assert any("separation" in f for f in table.footnotes)


@pytest.mark.parametrize(("change", "code", "where"), [
    ("reference: pbo,", "SPEC102", "model.reference"),
    ("covariates: [AGE, SITEGR1]", "SPEC103", "model.covariates[1]"),
    ("reference: pbo", "SPEC104", "model.columns"),
])
def test_model_spec_errors(tmp_path, change, code, where):
    new = {"SPEC102": "reference: placebo,", "SPEC103": "covariates: [AGE, SITEGRP]",
           "SPEC104": "reference: pbo, columns: [pbo, high, total]"}[code]
    spec = OUTPUT.replace(change, new)
    if code == "SPEC104":  # a Total column shares every subject: listed, or by default, it is an error
        spec = spec.replace("columns: planned", "columns: planned_total")
    with pytest.raises(TlfError) as e:
        _compute(_specs(tmp_path, spec))
    assert e.value.code == code and where in str(e.value)
