"""A subject-level count on a dataset with several records per subject says what a subject counts as
(`per_subject:`); without it, records of different values are an error, never a column over 100%.

Expected counts are computed here with plain pandas (group by subject, take the record the rule names),
independently of tlf's runner."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from tests.conftest import write_study
from tlf.ard.schema import read_ard
from tlf.build import build
from tlf.errors import DataError, SpecError
from tlf.spec.validate import load_study

# S-01 has a MILD and a SEVERE headache (SEVERE later), S-02 a MODERATE then a MILD event (MILD later),
# S-04 one MILD event; S-03 and S-05 none.
ADAE = """USUBJID,AEDECOD,AEBODSYS,AESEV,AESEVN,ASTDY,TRTEMFL
S-01,Headache,Nervous system disorders,MILD,1,3,Y
S-01,Headache,Nervous system disorders,SEVERE,3,9,Y
S-02,Nausea,Gastrointestinal disorders,MODERATE,2,2,Y
S-02,Nausea,Gastrointestinal disorders,MILD,1,5,Y
S-04,Headache,Nervous system disorders,MILD,1,4,Y
"""
LEVELS = "[{value: MILD, label: Mild}, {value: MODERATE, label: Moderate}, {value: SEVERE, label: Severe}]"


def table(extra: str) -> str:
    return f"""\
id: t-sev
type: table
number: Table 3
title: TEAEs by severity
population: SAF
columns: arms
analyses:
  - {{id: sev, type: categorical, dataset: adae, where: "TRTEMFL == 'Y'", var: AESEV, label: Severity,
     levels: {LEVELS}{extra}}}
"""


def counts(out, analysis="sev") -> dict[tuple[str, str], int]:
    ard = read_ard(out / "t-sev.ard.csv")
    sel = ard[(ard.analysis == analysis) & (ard.stat_name == "n")]
    return {(c, str(lv)): int(n) for c, lv, n in zip(sel.column, sel.level, sel.stat, strict=True)}


def expected(rule: str) -> dict[tuple[str, str], int]:
    """Subjects per column (a: Drug A = S-01..S-03, p: Placebo = S-04, S-05, t: both) and severity."""
    ae = pd.read_csv(io.StringIO(ADAE))
    if rule == "any":
        chosen = ae[["USUBJID", "AESEV"]].drop_duplicates()
    else:
        key, highest = {"worst": ("AESEVN", True), "best": ("AESEVN", False), "last": ("ASTDY", True),
                        "first": ("ASTDY", False)}[rule]
        chosen = ae.sort_values(key, ascending=not highest).groupby("USUBJID").head(1)[["USUBJID", "AESEV"]]
    arms = {"a": {"S-01", "S-02", "S-03"}, "p": {"S-04", "S-05"}}
    arms["t"] = arms["a"] | arms["p"]
    label = {"MILD": "Mild", "MODERATE": "Moderate", "SEVERE": "Severe"}
    return {(c, label[s]): int(((chosen.AESEV == s) & chosen.USUBJID.isin(subs)).sum())
            for c, subs in arms.items() for s in label}


@pytest.mark.parametrize(("rule", "order"), [("worst", "AESEVN"), ("best", "AESEVN"), ("last", "ASTDY"),
                                             ("first", "ASTDY"), ("any", None)])
def test_each_rule_counts_what_it_says(tmp_path, rule, order):
    extra = f", per_subject: {rule}" + (f", order: {order}" if order else "")
    specs = write_study(tmp_path, adae=ADAE, outputs={"t-sev": table(extra)})
    report = build(specs, tmp_path / "out", ["t-sev"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    assert counts(tmp_path / "out") == expected(rule)


def test_worst_counts_each_subject_once():
    """Drug A (3 subjects): S-01 severe, S-02 moderate -> 0 mild, 1 moderate, 1 severe; sums to <= N."""
    exp = expected("worst")
    assert (exp[("a", "Mild")], exp[("a", "Moderate")], exp[("a", "Severe")]) == (0, 1, 1)
    assert expected("any")[("a", "Mild")] == 2  # S-01 and S-02 both had a mild event


def test_records_of_different_values_without_per_subject_are_an_error(tmp_path):
    specs = write_study(tmp_path, adae=ADAE, outputs={"t-sev": table("")})
    report = build(specs, tmp_path / "out", ["t-sev"], formats=())
    err = report.outputs[0].error
    assert isinstance(err, SpecError) and err.code == "SPEC047"
    assert err.key == "analyses[0].per_subject" and "t-sev.yaml" in str(err.location)
    assert "2 subject(s)" in err.message and "S-01: MILD, SEVERE" in err.message and "adae" in err.message


def test_one_value_per_subject_needs_no_rule(tmp_path):
    """Several records per subject that agree (S-01's two headaches both MILD) count once, as before."""
    adae = ADAE.replace("SEVERE,3", "MILD,1").replace("S-02,Nausea,Gastrointestinal disorders,MILD,1,5,Y\n", "")
    specs = write_study(tmp_path, adae=adae, outputs={"t-sev": table("")})
    assert build(specs, tmp_path / "out", ["t-sev"], formats=()).ok
    assert counts(tmp_path / "out")[("a", "Mild")] == 1 and counts(tmp_path / "out")[("a", "Moderate")] == 1


def test_a_tie_on_the_order_with_different_values_is_an_error_naming_the_subject(tmp_path):
    adae = ADAE.replace("S-02,Nausea,Gastrointestinal disorders,MILD,1,5,Y", "S-02,Nausea,Gastrointestinal disorders,MILD,2,5,Y")
    specs = write_study(tmp_path, adae=adae, outputs={"t-sev": table(", per_subject: worst, order: AESEVN")})
    err = build(specs, tmp_path / "out", ["t-sev"], formats=()).outputs[0].error
    assert isinstance(err, DataError) and err.code == "DATA045" and err.usubjid == "S-02"
    # a second order variable breaks the tie: the later of the two (ASTDY 5, MILD)
    specs = write_study(tmp_path / "b", adae=adae,
                        outputs={"t-sev": table(", per_subject: worst, order: [AESEVN, ASTDY]")})
    assert build(specs, tmp_path / "b" / "out", ["t-sev"], formats=()).ok
    assert counts(tmp_path / "b" / "out")[("a", "Mild")] == 1


@pytest.mark.parametrize(("extra", "words"), [(", per_subject: worst", "needs `order:`"),
                                             (", order: AESEVN", "ranks records for")])
def test_order_goes_with_a_choice(tmp_path, extra, words):
    specs = write_study(tmp_path, adae=ADAE, outputs={"t-sev": table(extra)})
    with pytest.raises(SpecError) as e:
        load_study(specs)
    assert words in str(e.value)


def test_a_subject_without_an_order_value_is_an_error_naming_it(tmp_path):
    adae = ADAE.replace("S-04,Headache,Nervous system disorders,MILD,1,4,Y", "S-04,Headache,Nervous system disorders,MILD,,4,Y")
    specs = write_study(tmp_path, adae=adae, outputs={"t-sev": table(", per_subject: worst, order: AESEVN")})
    err = build(specs, tmp_path / "out", ["t-sev"], formats=()).outputs[0].error
    assert isinstance(err, DataError) and err.code == "DATA044" and err.usubjid == "S-04"


@pytest.mark.parametrize(("rule", "order", "select"), [
    ("worst", "[AESEVN, ASTDY]", "{record: worst, by: AESEVN, then: ASTDY, ties: highest, missing: error}"),
    ("first", "ASTDY", "{record: first, by: ASTDY, missing: error}"),
    ("last", "ASTDY", "{record: last, by: ASTDY, missing: error}"),
    ("best", "[AESEVN, ASTDY]", "{record: best, by: AESEVN, then: ASTDY, ties: lowest, missing: error}")])
def test_per_subject_is_short_for_a_select(tmp_path, rule, order, select):
    """`per_subject` + `order` counts what the `select:` it is short for counts (docs/analyses.md). S-02's
    two records are made to tie on AESEVN so that the second order variable (ASTDY) decides."""
    adae = ADAE.replace("S-02,Nausea,Gastrointestinal disorders,MILD,1,5,Y", "S-02,Nausea,Gastrointestinal disorders,MILD,2,5,Y")
    got = {}
    for name, extra in (("short", f", per_subject: {rule}, order: {order}"), ("select", f", select: {select}")):
        specs = write_study(tmp_path / name, adae=adae, outputs={"t-sev": table(extra)})
        report = build(specs, tmp_path / name / "out", ["t-sev"], formats=())
        assert report.ok, [str(o.error) for o in report.outputs]
        got[name] = counts(tmp_path / name / "out")
    assert got["short"] == got["select"]
    if rule == "worst":  # by hand: S-02's worst ties on AESEVN 2; the later (ASTDY 5) is MILD
        assert got["short"][("a", "Mild")] == 1 and got["short"][("a", "Moderate")] == 0
