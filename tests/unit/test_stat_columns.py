"""Stat columns (p-values across treatment columns), event counts, SOC order and p-value formats:
the numbers against scipy / the tests module, where each p-value lands in the table, shells, and the
spec errors."""

from __future__ import annotations

import re

import pytest
from scipy import stats

from tests.conftest import STUDY_YAML, write_study
from tlf.build import build, compute_output, prepare
from tlf.errors import TlfError
from tlf.format.numbers import fmt_pvalue
from tlf.spec.validate import load_study

ADSL = """USUBJID,TRT01A,RANDFL,SAFFL,ITTFL,SEX,AGE,WEIGHT,RACE
S-01,Drug A,Y,Y,Y,F,30,70.5,WHITE
S-02,Drug A,Y,Y,Y,M,41,80.1,ASIAN
S-03,Drug A,Y,Y,Y,F,52,65.0,WHITE
S-04,Drug A,Y,Y,Y,F,47,66.0,WHITE
S-05,Placebo,Y,Y,Y,F,45,90.2,BLACK OR AFRICAN AMERICAN
S-06,Placebo,Y,Y,Y,M,38,,WHITE
S-07,Placebo,Y,Y,Y,M,61,75.0,WHITE
S-08,Placebo,Y,Y,Y,M,66,82.0,WHITE
"""
ADEX = "USUBJID,EXDURD\n" + "".join(f"S-0{i},10\n" for i in range(1, 9))
ADAE = """USUBJID,AEDECOD,AEBODSYS,TRTEMFL
S-01,Headache,Nervous system disorders,Y
S-01,Headache,Nervous system disorders,Y
S-02,Headache,Nervous system disorders,Y
S-03,Nausea,Gastrointestinal disorders,Y
S-04,Dizziness,Nervous system disorders,Y
S-05,Headache,Nervous system disorders,Y
S-06,Vomiting,Gastrointestinal disorders,N
S-07,Abdominal pain,Gastrointestinal disorders,Y
"""
DEMOG = """\
id: t-demog
type: table
number: Table 1
title: Demographics
population: SAF
columns: arms
stat_columns:
  - {id: pv, label: "p-value", over: [a, p], format: {decimals: 4}}
analyses:
  - {id: age, type: continuous, var: AGE, label: Age}
  - {id: weight, type: continuous, var: WEIGHT, label: Weight, test: wilcoxon}
  - {id: sex, type: categorical, var: SEX, label: Sex, levels: [{value: F, label: Female}, {value: M, label: Male}]}
  - {id: race, type: categorical, var: RACE, label: Race, test: fisher}
  - {id: nop, type: categorical, var: RACE, label: Race again, test: none}
"""
AE = """\
id: t-ae
type: table
number: Table 2
title: Adverse events
population: SAF
columns: arms
stat_columns:
  - id: pf
    label: "Drug A vs Placebo"
    spanner: "Fisher's exact p"
    over: [a, p]
    test: fisher
    format: {decimals: 3, high: {at: 0.99, text: ">.99"}, flag: {below: 0.5, text: "*"}, missing: ""}
analyses:
  - {id: any, type: count, dataset: adae, label: Any TEAE, where: "TRTEMFL == 'Y'", events: true}
  - {id: pt, type: terms, dataset: adae, where: "TRTEMFL == 'Y'", term: AEDECOD, soc: AEBODSYS,
     soc_sort: alphabetical, sort: frequency, events: true}
"""


@pytest.fixture
def specs(tmp_path):
    return write_study(tmp_path, adsl=ADSL, adex=ADEX, adae=ADAE, outputs={"t-demog": DEMOG, "t-ae": AE})


def _compute(specs, output_id, shell=False):
    study = load_study(specs)
    if shell:
        return compute_output(study, study.output(output_id), None, {})
    data, pops, _ = prepare(study)
    return compute_output(study, study.output(output_id), data, pops)


def _p(ard, analysis, level="", parent="", column="pv"):
    sel = ard[(ard.analysis == analysis) & (ard.column == column) & (ard.stat_name == "pvalue")
              & (ard.level == level) & (ard.parent == parent)]
    assert len(sel) == 1, (analysis, level, parent)
    return sel.iloc[0]


def test_pvalues_equal_independent_tests(specs):
    ard, table = _compute(specs, "t-demog")
    age_a, age_p = [30, 41, 52, 47], [45, 38, 61, 66]
    assert _p(ard, "age").stat == pytest.approx(stats.f_oneway(age_a, age_p).pvalue, rel=1e-12)
    assert _p(ard, "age").variable == "anova"
    w_a, w_p = [70.5, 80.1, 65.0, 66.0], [90.2, 75.0, 82.0]  # S-06 weight missing: left out
    assert _p(ard, "weight").stat == pytest.approx(
        stats.mannwhitneyu(w_a, w_p, alternative="two-sided", method="asymptotic").pvalue, rel=1e-9)
    sex = [[3, 1], [1, 3]]  # Drug A: F 3, M 1; Placebo: F 1, M 3
    assert _p(ard, "sex").stat == pytest.approx(stats.chi2_contingency(sex, correction=False).pvalue, rel=1e-12)
    # r x c Fisher (checked against R in test_stats_tests): here, that the race table reaches it
    from tlf.stats.tests import fisher_test

    race = [[0, 1, 3], [1, 0, 3]]  # black, asian, white
    assert _p(ard, "race").stat == pytest.approx(fisher_test(race).pvalue, rel=1e-12)
    assert _p(ard, "race").variable == "fisher"
    assert not (ard.analysis.eq("nop") & ard.stat_name.eq("pvalue")).any()  # test: none
    assert re.fullmatch(r"0\.\d{4}", _p(ard, "age").stat_fmt)


def test_pvalue_on_the_first_row_of_its_analysis(specs):
    ard, table = _compute(specs, "t-demog")
    assert [c.label for c in table.columns][-1] == "p-value"
    labels = [r.label for r in table.rows]
    age = table.rows[labels.index("Age")]
    assert age.cells[-1] and all(not r.cells[-1] for r in table.rows[labels.index("Age") + 1:labels.index("Weight")])
    sex = table.rows[labels.index("Sex")]
    assert sex.kind == "group" and sex.cells[-1] == _p(ard, "sex").stat_fmt
    # the p-value rows make no rows of their own
    assert "" not in labels


def test_fisher_per_term_events_and_soc_order(specs):
    ard, table = _compute(specs, "t-ae")
    # Headache: Drug A 2/4 (S-01 twice, S-02), Placebo 1/4 (S-05)
    assert _p(ard, "pt", "Headache", "Nervous system disorders", "pf").stat == pytest.approx(
        stats.fisher_exact([[2, 2], [1, 3]]).pvalue)
    ev = ard[(ard.analysis == "pt") & (ard.stat_name == "events") & (ard.column == "a")]
    assert dict(zip(ev.level, ev.stat, strict=True))["Headache"] == 3  # three records, two subjects
    assert dict(zip(ev.level, ev.stat, strict=True))["Nervous system disorders"] == 4
    rows = {r.label: r for r in table.rows}
    assert rows["Headache"].cells[0] == "2 (50.0) [3]"
    assert rows["Any TEAE"].cells[:2] == ("4 (100) [5]", "2 (50.0) [2]")
    # every Drug A subject has a TEAE, 2 of 4 placebo: Fisher p = 0.429 < 0.5 -> flagged
    assert rows["Any TEAE"].cells[-1] == "0.429*"
    # a term in nobody of the compared columns gets no test: blank (format.missing)
    order = [r.label for r in table.rows]
    assert order.index("Gastrointestinal disorders") < order.index("Nervous system disorders")  # alphabetical SOCs
    nerv = order.index("Nervous system disorders")
    assert order[nerv + 1:nerv + 3] == ["Headache", "Dizziness"]  # PTs by descending frequency
    assert rows["Dizziness"].cells[-1] == ">.99"
    assert table.columns[-1].spanner == "Fisher's exact p"


def test_no_subject_with_the_event_leaves_the_pvalue_blank(tmp_path):
    # Rash only in Drug B, which the stat column does not compare: Drug A 0/4 vs Placebo 0/4
    adsl = ADSL + "S-09,Drug B,Y,Y,Y,F,50,60.0,WHITE\n"
    study = STUDY_YAML.replace("    - {id: t, label: Total, var: TRT01A, value: [Drug A, Placebo]}",
                               "    - {id: b, label: Drug B, var: TRT01A, value: Drug B}")
    specs = write_study(tmp_path, adsl=adsl, adex=ADEX + "S-09,10\n", adae=ADAE + "S-09,Rash,Skin disorders,Y\n",
                        study=study, outputs={"t-ae": AE})
    ard, table = _compute(specs, "t-ae")
    rash = _p(ard, "pt", "Rash", "Skin disorders", "pf")
    assert rash.stat != rash.stat and rash.stat_fmt == "" and "no difference to test" in rash.warning


def test_shell_has_masks_in_stat_columns(specs):
    ard, table = _compute(specs, "t-ae", shell=True)
    cells = [r.cells[-1] for r in table.rows]
    assert "x.xxx" in cells and all(c in ("x.xxx", "") for c in cells)
    assert any("[xx]" in r.cells[0] for r in table.rows)


def test_spec_errors(tmp_path):
    bad = DEMOG.replace("over: [a, p]", "over: [a, placebo]").replace("test: wilcoxon", "test: logrank")
    specs = write_study(tmp_path, adsl=ADSL, adex=ADEX, adae=ADAE, outputs={"t-demog": bad})
    with pytest.raises(TlfError) as e:
        load_study(specs)
    text = str(e.value) + " ".join(str(x) for x in getattr(e.value, "errors", []))
    assert "stat_columns[0].over[1]: unknown column 'placebo'" in text and "[SPEC034]" in text
    assert "analyses[1].test: test 'logrank' does not apply to values" in text and "[SPEC036]" in text


def test_build_writes_docx_and_xlsx_with_stat_columns(specs, tmp_path):
    report = build(specs, tmp_path / "out", ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "out" / "t-ae.xlsx")["t-ae"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Drug A vs Placebo" in texts and "0.429*" in texts


@pytest.mark.parametrize(("p", "kw", "text"), [
    (0.0004, {}, "<0.001"),
    (0.9996, {}, ">0.999"),
    (0.12345, {"decimals": 4}, "0.1235"),
    (0.995, {"high": (0.99, ">.99")}, ">.99"),
    (0.99, {"high": (0.99, ">.99")}, "0.990"),
    (0.0969, {"flag": (0.15, "*")}, "0.097*"),
    (0.15, {"flag": (0.15, "*")}, "0.150"),
    (0.0004, {"low": (0.001, "<.001"), "flag": (0.15, "*")}, "<.001*"),
    (float("nan"), {"missing": ""}, ""),
])
def test_fmt_pvalue_options(p, kw, text):
    assert fmt_pvalue(p, **kw) == text


def test_stat_column_test_must_fit_data_kind():
    from tlf.spec.base import resolve_test

    assert resolve_test("auto", "values") == "anova"
    assert resolve_test(None, "counts") == "chisq"
    assert resolve_test("auto", "times") == "logrank"
    with pytest.raises(ValueError, match="does not apply"):
        resolve_test("anova", "counts")


def test_study_yaml_in_conftest_still_builds(tmp_path):
    # stat columns are optional: the shared mini study (no stat columns) builds as before
    specs = write_study(tmp_path, study=STUDY_YAML)
    assert build(specs, tmp_path / "out", ["all"], formats=()).ok
