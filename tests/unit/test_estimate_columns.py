"""Estimate columns (stat: risk_difference / relative_risk / odds_ratio in stat_columns) and the
one-proportion CI row of `responders`: where each estimate lands (count, categorical levels, terms SOC
and term rows, responders visits), the numbers against closed forms computed here, the "est (lo, hi)"
text, NE with its reason, shells, and the spec errors (SPEC100, SPEC101)."""

from __future__ import annotations

import math
import re

import pytest

from tests.conftest import write_study
from tests.unit.test_stat_columns import ADEX, ADSL, _compute
from tlf.errors import TlfError
from tlf.spec.validate import load_study

Z95 = 1.959963984540054
# Drug A: S-01..S-04, Placebo: S-05..S-08 (4 and 4)
ADAE = """USUBJID,AEDECOD,AEBODSYS,TRTEMFL
S-01,Headache,Nervous system disorders,Y
S-01,Headache,Nervous system disorders,Y
S-02,Headache,Nervous system disorders,Y
S-03,Nausea,Gastrointestinal disorders,Y
S-04,Dizziness,Nervous system disorders,Y
S-05,Headache,Nervous system disorders,Y
S-07,Abdominal pain,Gastrointestinal disorders,Y
"""
AE = """\
id: t-ae
type: table
number: Table 2
title: Adverse events
population: SAF
columns: arms
stat_columns:
  - {id: rd, label: "Risk difference (95% CI)", over: [a, p], stat: risk_difference, ci: wald}
  - {id: rdn, label: "RD Newcombe", over: [a, p], stat: risk_difference}
  - {id: or, label: "Odds ratio (95% CI)", over: [a, p], stat: odds_ratio, format: {decimals: 3}}
  - {id: pv, label: "p-value", over: [a, p]}
analyses:
  - {id: any, type: count, dataset: adae, label: Any TEAE, where: "TRTEMFL == 'Y'"}
  - {id: pt, type: terms, dataset: adae, where: "TRTEMFL == 'Y'", term: AEDECOD, soc: AEBODSYS,
     soc_sort: alphabetical, sort: frequency}
  - {id: sex, type: categorical, var: SEX, label: Sex, levels: [{value: F, label: Female}, {value: M, label: Male}]}
  - {id: age, type: continuous, var: AGE, label: Age}
"""


def _wald(x1, n1, x2, n2):
    p1, p2 = x1 / n1, x2 / n2
    half = Z95 * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return 100 * (p1 - p2), 100 * max(-1, p1 - p2 - half), 100 * min(1, p1 - p2 + half)


def _est(ard, analysis, column, level="", parent=""):
    sel = ard[(ard.analysis == analysis) & (ard.column == column) & (ard.level == level) & (ard.parent == parent)]
    return {s: (v, f, w) for s, v, f, w in zip(sel.stat_name, sel.stat, sel.stat_fmt, sel.warning, strict=True)}


@pytest.fixture
def specs(tmp_path):
    return write_study(tmp_path, adsl=ADSL, adex=ADEX, adae=ADAE, outputs={"t-ae": AE})


def test_risk_difference_rows_match_closed_form_and_land_on_their_rows(specs):
    ard, table = _compute(specs, "t-ae")
    rows = {r.label: r for r in table.rows}
    cases = {  # (analysis, level, parent): (x1, n1, x2, n2)
        ("any", "", ""): (4, 4, 2, 4),
        ("pt", "Headache", "Nervous system disorders"): (2, 4, 1, 4),
        ("pt", "Nervous system disorders", ""): (3, 4, 1, 4),  # a SOC's own row: parent ""
        ("pt", "Nausea", "Gastrointestinal disorders"): (1, 4, 0, 4),
        ("sex", "Female", ""): (3, 4, 1, 4),
        ("sex", "Male", ""): (1, 4, 3, 4),
    }
    for (a, level, parent), counts in cases.items():
        got = _est(ard, a, "rd", level, parent)
        want = _wald(*counts)
        assert [got[s][0] for s in ("estimate", "estimate_lower", "estimate_upper")] == pytest.approx(want, abs=1e-9)
        label = level or "Any TEAE"
        text = f"{got['estimate'][1]} ({got['estimate_lower'][1]}, {got['estimate_upper'][1]})"
        assert rows[label].cells[3] == text, (label, rows[label].cells)
        assert re.fullmatch(r"-?\d+\.\d \(-?\d+\.\d, -?\d+\.\d\)", text)
    assert rows["Any TEAE"].cells[3] == "50.0 (1.0, 99.0)"  # 4/4 - 2/4: 0.5 +- 1.96 * sqrt(0.25/4)
    # Sex heading row and the continuous analysis: no estimate
    assert rows["Sex"].cells[3] == "" and rows["Age"].cells[3] == ""
    assert not ((ard.analysis == "age") & ard.stat_name.str.startswith("estimate")).any()
    # the p-value column still works beside them
    assert rows["Any TEAE"].cells[6] != ""


def test_odds_ratio_zero_cell_is_ne_with_reason(specs):
    ard, table = _compute(specs, "t-ae")
    rows = {r.label: r for r in table.rows}
    got = _est(ard, "any", "or")  # 4/4 vs 2/4: no Drug A subject without a TEAE -> OR infinite
    assert math.isnan(got["estimate"][0]) and "0" in got["estimate"][2]
    assert rows["Any TEAE"].cells[5] == "NE"
    got = _est(ard, "sex", "or", "Female")  # 3/4 vs 1/4: OR = (3*3)/(1*1), Woolf SE sqrt(4/1 ... )
    se = math.sqrt(1 / 3 + 1 + 1 + 1 / 3)
    assert [got[s][0] for s in ("estimate", "estimate_lower", "estimate_upper")] == pytest.approx(
        (9, 9 * math.exp(-Z95 * se), 9 * math.exp(Z95 * se)), rel=1e-12)
    assert rows["Female"].cells[5] == f"9.000 ({got['estimate_lower'][1]}, {got['estimate_upper'][1]})"


def test_newcombe_default_and_percentage_points(specs):
    from tlf.stats.proportions import risk_difference

    ard, _ = _compute(specs, "t-ae")
    got = _est(ard, "pt", "rdn", "Headache", "Nervous system disorders")
    r = risk_difference(2, 4, 1, 4, "newcombe")
    assert got["estimate_lower"][0] == pytest.approx(100 * r.lower) and "newcombe" in \
        ard[(ard.column == "rdn")].variable.iloc[0]


def test_shell_prints_placeholders(specs):
    ard, table = _compute(specs, "t-ae", shell=True)
    rows = {r.label: r for r in table.rows}
    assert rows["Any TEAE"].cells[3] == "xx.x (xx.x, xx.x)"
    assert rows["Any TEAE"].cells[5] == "xx.xxx (xx.xxx, xx.xxx)"
    assert any(r.cells[3] == "xx.x (xx.x, xx.x)" for r in table.rows if r.label.startswith("<"))
    assert rows["Female"].cells[3] == "xx.x (xx.x, xx.x)" and rows["Sex"].cells[3] == ""


@pytest.mark.parametrize(("change", "code", "where"), [
    ("over: [a, p], stat: risk_difference, ci: wald", "SPEC100", "stat_columns[0].over"),
    ("over: [a, p], stat: risk_difference, ci: woolf", "SPEC101", "stat_columns[0].ci"),
])
def test_spec_errors(tmp_path, change, code, where):
    bad = AE.replace("over: [a, p], stat: risk_difference, ci: wald",
                     change.replace("over: [a, p]", "over: [a, p, t]") if code == "SPEC100" else change)
    specs = write_study(tmp_path, adsl=ADSL, adex=ADEX, adae=ADAE, outputs={"t-ae": bad})
    with pytest.raises(TlfError) as e:
        load_study(specs)
    text = str(e.value) + " ".join(str(x) for x in getattr(e.value, "errors", []))
    assert code in text and where in text


def test_ci_on_a_pvalue_column_is_an_error(tmp_path):
    bad = AE.replace("over: [a, p]}", "over: [a, p], ci: mn}")
    specs = write_study(tmp_path, adsl=ADSL, adex=ADEX, adae=ADAE, outputs={"t-ae": bad})
    with pytest.raises(TlfError) as e:
        load_study(specs)
    text = str(e.value) + " ".join(str(x) for x in getattr(e.value, "errors", []))
    assert "SPEC101" in text and "stat_columns[3].ci" in text


def test_count_ci_row_is_wilson_closed_form(tmp_path):
    spec = AE.replace('where: "TRTEMFL == \'Y\'"}', 'where: "TRTEMFL == \'Y\'", ci: wilson}', 1)
    specs = write_study(tmp_path, adsl=ADSL, adex=ADEX, adae=ADAE, outputs={"t-ae": spec})
    ard, table = _compute(specs, "t-ae")
    labels = [r.label for r in table.rows]
    assert labels[:2] == ["Any TEAE", "95% CI"]
    for col, (x, n) in (("a", (4, 4)), ("p", (2, 4))):
        p, z2 = x / n, Z95 ** 2
        centre, half = p + z2 / (2 * n), Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
        lo, hi = (centre - half) / (1 + z2 / n), (centre + half) / (1 + z2 / n)
        got = _est(ard, "any", col)
        assert (got["ci_lower"][0], got["ci_upper"][0]) == pytest.approx((100 * lo, 100 * hi), abs=1e-9)
    assert table.rows[1].cells[1] == "(15.0, 85.0)"  # 2/4: Wilson 0.1500 to 0.8500
    _, shell = _compute(specs, "t-ae", shell=True)
    assert shell.rows[1].cells[0] == "(xx.x, xx.x)"


def test_build_writes_the_estimates_displayed(specs, tmp_path):
    from openpyxl import load_workbook

    from tlf.ard.schema import read_ard
    from tlf.build import build

    report = build(specs, tmp_path / "out", ["t-ae"])
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = read_ard(tmp_path / "out" / "t-ae.ard.csv")
    est = ard[(ard.column == "rd") & (ard.analysis == "any")]
    assert set(est.stat_name) == {"estimate", "estimate_lower", "estimate_upper"} and est.displayed.all()
    ne = ard[(ard.column == "or") & (ard.analysis == "any")].set_index("stat_name")
    assert ne.loc["estimate", "displayed"] and not ne.loc["estimate_lower", "displayed"]  # "NE" alone
    ws = load_workbook(tmp_path / "out" / "t-ae.xlsx")["t-ae"]
    assert "50.0 (1.0, 99.0)" in [str(c.value) for row in ws.iter_rows() for c in row]
