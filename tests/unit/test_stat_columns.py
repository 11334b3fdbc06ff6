"""Stat columns (p-values across treatment columns), event counts, SOC order and p-value formats:
the numbers against scipy / the tests module, where each p-value lands in the table, shells, and the
spec errors; sparse chi-squares (flag, Fisher instead) and the exact Wilcoxon against R."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from tests.conftest import STUDY_YAML, sheet_texts, write_study
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
    texts = [t for row in sheet_texts(ws) for t in row if t]
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


# ---------------------------------------------------------------- sparse chi-squares, exact Wilcoxon (vs R)
# tests/reference/stat_columns: adsl.csv / adae.csv (25 + 25 subjects) and the p-values R computes from them
# (make_reference.R: chisq.test(correct = FALSE), fisher.test, wilcox.test, coin::wilcox_test).
#   sex     2 x 2, no expected count below 5: chi-square printed plain
#   race    2 x 3, 2 of 6 cells (33%) expected below 5: sparse by SAS's rule
#   agegr   2 x 5, 2 of 10 cells (20%) below 5: R's chisq.test warns, SAS's rule (more than 20%) does not
#   nausea  subjects with / without: 3 of 25 vs 0 of 25, 2 of 4 cells below 5: sparse; headache is not
#   weight  no ties (R wilcox.test exact); score ties (coin's exact conditional test)

REF = Path(__file__).resolve().parents[1] / "reference" / "stat_columns"
SPARSE_DEMOG = """\
id: t-sparse
type: table
number: Table 3
title: Demographics
population: SAF
columns: ap
stat_columns:
  - {id: pv, label: "p-value", over: [a, p], format: {decimals: 4}}
analyses:
  - {id: sex, type: categorical, var: SEX, label: Sex}
  - {id: race, type: categorical, var: RACE, label: Race}
  - {id: agegr, type: categorical, var: AGEGR, label: Age group}
  - {id: weight, type: continuous, var: WEIGHT, label: Weight, test: wilcoxon}
  - {id: score, type: continuous, var: SCORE, label: Score, test: wilcoxon}
"""
SPARSE_AE = """\
id: t-sparse-ae
type: table
number: Table 4
title: Adverse events
population: SAF
columns: ap
stat_columns:
  - {id: pv, label: "p-value", over: [a, p], sparse: fisher, sparse_mark: "#", format: {decimals: 4}}
analyses:
  - {id: pt, type: terms, dataset: adae, where: "TRTEMFL == 'Y'", term: AEDECOD, soc: AEBODSYS}
"""
AP_STUDY = STUDY_YAML.replace("    - {id: t, label: Total, var: TRT01A, value: [Drug A, Placebo]}\n", "").replace(
    "  arms:\n", "  ap:\n")
FLAG_NOTE = "^ Chi-square test; more than 20% of expected cell counts are below 5: the p-value may be inaccurate."
FISHER_NOTE = "# Fisher's exact test: more than 20% of the expected cell counts of the chi-square test are below 5."


def read_r(path: Path) -> dict[tuple[str, str, str], float]:
    import csv

    with path.open() as f:
        return {(r["case"], r["test"], r["stat"]): float(r["value"]) for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def r_ref() -> dict:
    return read_r(REF / "results.csv")


def _sparse_specs(root, outputs):
    adex = "USUBJID,EXDURD\n" + "".join(f"S-{i:02d},10\n" for i in range(1, 51))
    return write_study(root, adsl=(REF / "adsl.csv").read_text(), adex=adex, adae=(REF / "adae.csv").read_text(),
                       study=AP_STUDY, outputs=outputs)


def _docx_text(path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        xml = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/") and n.endswith(".xml"))
    return " ".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml)).replace("&amp;", "&").replace("&apos;", "'")


def _xlsx_rows(path) -> dict[str, list[str]]:
    from openpyxl import load_workbook

    rows = {}
    for r in sheet_texts(load_workbook(path).worksheets[0]):
        if r and r[0]:
            rows.setdefault(r[0].strip(), r[1:])
    return rows


def check_sparse_rule_against_r(r) -> None:
    """The counts R's chisq.test sees, and SAS's rule on them: more than 20% of cells expected below 5."""
    from tlf.stats.tests import chisq_test, fisher_test

    tables = {"sex": [[15, 10], [9, 16]], "race": [[1, 5, 19], [2, 5, 18]],
              "agegr": [[6, 7, 5, 6, 1], [6, 5, 7, 5, 2]], "headache": [[10, 15], [4, 21]], "nausea": [[3, 22], [0, 25]]}
    for case, t in tables.items():
        c = chisq_test(t)
        assert c.pvalue == pytest.approx(r[case, "chisq", "p"], rel=1e-10), case
        assert (c.n_low_expected, c.n_cells) == (r[case, "chisq", "low"], r[case, "chisq", "cells"]), case
        assert c.sparse == (c.n_low_expected > 0.2 * c.n_cells) == (case in ("race", "nausea")), case
        assert fisher_test(t).pvalue == pytest.approx(r[case, "fisher", "p"], rel=1e-7), case


def test_sparse_rule_against_r(r_ref):
    check_sparse_rule_against_r(r_ref)


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R (Rscript) is not installed")
def test_sparse_and_exact_reference_is_what_r_computes(tmp_path, r_ref):
    res = subprocess.run(["Rscript", str(REF / "make_reference.R"), str(REF), str(tmp_path)], capture_output=True,
                         text=True)
    if res.returncode != 0 and "coin" in res.stderr:
        pytest.skip("R package coin is not installed")
    assert res.returncode == 0, res.stderr
    live = read_r(tmp_path / "results.csv")
    assert live.keys() == r_ref.keys()
    for k, v in r_ref.items():
        assert live[k] == pytest.approx(v, rel=1e-12), k


def test_sparse_chisq_flagged_in_docx_and_xlsx_with_footnote_and_warning(tmp_path, r_ref):
    specs = _sparse_specs(tmp_path, {"t-sparse": SPARSE_DEMOG})
    report = build(specs, tmp_path / "out", ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    race, sex, agegr = (fmt_pvalue(r_ref[c, "chisq", "p"], decimals=4) for c in ("race", "sex", "agegr"))
    rows = _xlsx_rows(tmp_path / "out" / "t-sparse.xlsx")
    assert rows["Race"][-1] == race + "^"  # 2 of 6 cells (33%) expected below 5
    assert rows["Sex"][-1] == sex  # none below 5
    assert rows["Age group"][-1] == agegr  # 2 of 10 (20%): R would warn, SAS's rule does not
    assert FLAG_NOTE in rows
    docx = _docx_text(tmp_path / "out" / "t-sparse.docx")
    assert f"{race}^" in docx and FLAG_NOTE in docx and f"{sex}^" not in docx and f"{agegr}^" not in docx
    # the build warns, naming the output, the stat column and the row
    sparse = [w for w in report.warnings if "more than 20%" in w]
    assert sparse == ["t-sparse: stat column 'pv': the chi-square of row 'Race' has more than 20% of expected "
                      "cell counts below 5 (sparse: flag): printed with '^' and a footnote"]
    ard = pd.read_csv(tmp_path / "out" / "t-sparse.ard.csv", keep_default_na=False)
    row = ard[(ard.analysis == "race") & (ard.stat_name == "pvalue")].iloc[0]
    assert row.variable == "chisq" and row.warning.startswith("sparse chi-square: 2 of 6 cells (33%)")


def test_sparse_fisher_prints_fishers_p(tmp_path, r_ref):
    specs = _sparse_specs(tmp_path, {"t-sparse-ae": SPARSE_AE,
                                     "t-sparse": SPARSE_DEMOG.replace('format: {decimals: 4}}',
                                                                      'format: {decimals: 4}, sparse: fisher}')})
    report = build(specs, tmp_path / "out", ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    rows = _xlsx_rows(tmp_path / "out" / "t-sparse-ae.xlsx")
    assert rows["Nausea"][-1] == fmt_pvalue(r_ref["nausea", "fisher", "p"], decimals=4) + "#" == "0.2347#"
    assert rows["Headache"][-1] == fmt_pvalue(r_ref["headache", "chisq", "p"], decimals=4) == "0.0588"
    assert FISHER_NOTE in rows and FLAG_NOTE.replace("^", "#") not in rows
    assert FISHER_NOTE in _docx_text(tmp_path / "out" / "t-sparse-ae.docx")
    ard = pd.read_csv(tmp_path / "out" / "t-sparse-ae.ard.csv", keep_default_na=False)
    nausea = ard[(ard.level == "Nausea") & (ard.stat_name == "pvalue")].iloc[0]
    assert nausea.variable == "fisher" and nausea.stat == pytest.approx(r_ref["nausea", "fisher", "p"], rel=1e-9)
    assert "Fisher's exact test instead" in nausea.warning
    demog = _xlsx_rows(tmp_path / "out" / "t-sparse.xlsx")
    assert demog["Race"][-1] == ">0.9999^"  # R fisher.test: p = 1
    # the system organ class row has the same subjects: its chi-square is sparse too
    assert rows["Gastrointestinal disorders"][-1] == "0.2347#"
    assert "t-sparse-ae: stat column 'pv': the chi-squares of rows 'Gastrointestinal disorders', 'Nausea' have more " \
           "than 20% of expected cell counts below 5 (sparse: fisher): Fisher's exact test printed instead" \
        in report.warnings


def test_sparse_none_prints_as_before(tmp_path, r_ref):
    specs = _sparse_specs(tmp_path, {"t-sparse": SPARSE_DEMOG.replace('format: {decimals: 4}}',
                                                                      'format: {decimals: 4}, sparse: none}')})
    ard, table = _compute(specs, "t-sparse")
    assert _p(ard, "race").stat_fmt == fmt_pvalue(r_ref["race", "chisq", "p"], decimals=4)
    assert not any("20%" in f for f in table.footnotes) and table.notes == ()
    assert "expected counts less than 5" in _p(ard, "race").warning  # the note the ARD always had


@pytest.mark.parametrize(("exact", "weight", "score"), [
    ("false", "asymptotic", "asymptotic"),  # SAS NPAR1WAY's normal approximation (the default)
    ("true", "exact", "exact"),  # wilcox.test(exact = TRUE) without ties, coin's exact test with them
    ("auto", "exact", "asymptotic"),  # R wilcox.test's default: score has ties
])
def test_wilcoxon_exact_option_against_r(tmp_path, r_ref, exact, weight, score):
    specs = _sparse_specs(tmp_path, {"t-sparse": SPARSE_DEMOG.replace('format: {decimals: 4}}',
                                                                      f'format: {{decimals: 4}}, exact: {exact}}}')})
    ard, _ = _compute(specs, "t-sparse")
    assert _p(ard, "weight").stat == pytest.approx(r_ref["weight", weight, "p"], rel=1e-10)
    assert _p(ard, "score").stat == pytest.approx(r_ref["score", score, "p"], rel=1e-10)
    assert _p(ard, "weight").variable == "wilcoxon"
    if exact != "false":
        assert _p(ard, "score").warning == ("exact p-value" if score == "exact"
                                            else "normal approximation with continuity correction")


def test_sparse_and_exact_spec_errors(tmp_path):
    bad = DEMOG.replace('format: {decimals: 4}}', 'format: {flag: {below: 0.05, text: "^"}}, exact: maybe}')
    specs = write_study(tmp_path, adsl=ADSL, adex=ADEX, adae=ADAE, outputs={"t-demog": bad})
    with pytest.raises(TlfError) as e:
        load_study(specs)
    text = str(e.value) + " ".join(str(x) for x in getattr(e.value, "errors", []))
    assert "exact" in text
    bad = DEMOG.replace('format: {decimals: 4}}', 'format: {flag: {below: 0.05, text: "^"}}}')
    specs = write_study(tmp_path, adsl=ADSL, adex=ADEX, adae=ADAE, outputs={"t-demog": bad})
    with pytest.raises(TlfError) as e:
        load_study(specs)
    text = str(e.value) + " ".join(str(x) for x in getattr(e.value, "errors", []))
    assert "sparse_mark '^' is also the mark of format.flag" in text
