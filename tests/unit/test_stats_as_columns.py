"""`stats_as_columns` for `continuous` and `by_visit` summaries (the vital-sign layout: statistics as
columns, treatments as row groups, visits within treatment): the table's rows and cells against pandas,
on the CDISC pilot ADVS weight and on a hand-made by_visit with value and change."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import REPO, SHARED, TWO_ARM_ADSL_CSV, write_two_arm_study
from tlf.build import compute_output, prepare
from tlf.spec.validate import load_study

PILOT = SHARED / "data" / "cdiscpilot01"
STATS = ["n", "mean", "sd", "median", "min", "max"]
VISITS = ["Baseline", "Week 24", "End of Treatment"]
WEIGHT = """\
id: t-vs-wt
type: table
number: Table 14-7.02
title: Summary of weight at baseline and end of treatment
population: SAF
columns: actual
stats_as_columns: [n, mean, sd, median, min, max]
analyses:
  - {id: wtbl, type: continuous, var: WEIGHTBL, label: "Baseline weight (ADSL, kg)"}
  - id: wt
    type: by_visit
    dataset: advs
    param: WEIGHT
    label: "Weight (kg)"
    where: "ANL01FL == 'Y'"
    visits: [Baseline, Week 24, End of Treatment]
    baseline_visit: Baseline
    show: [value]
"""


def _number(text: str) -> float:
    return float(text) if text not in ("", "NE") else float("nan")


def _close(text: str, value: float) -> bool:
    """The printed text is the value rounded to the text's decimals (within half a unit of the last one)."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(_number(text) - value) <= 0.5 * 10 ** -decimals + 1e-9


@pytest.mark.skipif(not (PILOT / "advs.xpt").is_file(), reason="CDISC pilot data not in ../shared")
def test_pilot_weight_statistics_as_columns_against_pandas(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    study = (REPO / "examples" / "cdiscpilot01" / "specs" / "study.yaml").read_text()
    if "\n    advs:" not in study:  # the pilot's study.yaml reads ADVS since its vital-sign tables
        study = study.replace("    adlbc:\n", "    advs: {file: advs.xpt, keep: [USUBJID, PARAMCD, PARAM, AVISIT, AVISITN, "
                              "AVAL, BASE, CHG, ANL01FL]}\n    adlbc:\n", 1)
    (specs / "study.yaml").write_text(study)
    (specs / "t-vs-wt.yaml").write_text(WEIGHT)
    st = load_study(specs)
    data, pops, _ = prepare(st, PILOT)
    _, table = compute_output(st, st.output("t-vs-wt"), data, pops)

    adsl = pd.read_sas(PILOT / "adsl.xpt", encoding="utf-8")
    advs = pd.read_sas(PILOT / "advs.xpt", encoding="utf-8")
    saf = adsl[adsl.SAFFL == "Y"]
    wt = advs[(advs.PARAMCD == "WEIGHT") & (advs.ANL01FL == "Y")].merge(saf[["USUBJID", "TRT01A"]])
    expected_labels, expected = [], {}
    for arm in ("Placebo", "Xanomeline Low Dose", "Xanomeline High Dose"):
        sub = saf[saf.TRT01A == arm]
        head = f"{arm} (N={sub.USUBJID.nunique()})"
        expected_labels += [(head, 0), ("Baseline weight (ADSL, kg)", 1), ("Weight (kg)", 1)]
        expected[(head, "Baseline weight (ADSL, kg)")] = sub.WEIGHTBL.dropna()
        for v in VISITS:
            x = wt[(wt.TRT01A == arm) & (wt.AVISIT.str.strip() == v)]
            assert not x.USUBJID.duplicated().any()
            expected_labels.append((v, 2))
            expected[(head, v)] = x.AVAL.dropna()
    assert [c.label for c in table.columns] == ["n", "Mean", "SD", "Median", "Min", "Max"]
    assert [(r.label, r.indent) for r in table.rows] == expected_labels
    head = None
    for r in table.rows:
        if r.indent == 0:
            head = r.label
        if (head, r.label) not in expected:
            assert r.cells == ("",) * 6 and r.kind == "group"
            continue
        x = expected[(head, r.label)]
        want = [len(x), x.mean(), x.std(ddof=1), x.median(), x.min(), x.max()]
        assert int(r.cells[0]) == want[0], (head, r.label)
        for text, value in zip(r.cells[1:], want[1:], strict=True):
            assert _close(text, value), (head, r.label, text, value)
        assert len(r.cells[2].split(".")[1]) == len(r.cells[1].split(".")[1]) + 1  # SD one decimal more


ADVS = """USUBJID,PARAMCD,PARAM,AVISIT,AVISITN,AVAL,BASE,CHG
S-01,SYSBP,Systolic BP (mmHg),Baseline,0,120,120,
S-02,SYSBP,Systolic BP (mmHg),Baseline,0,130,130,
S-03,SYSBP,Systolic BP (mmHg),Baseline,0,141,141,
S-04,SYSBP,Systolic BP (mmHg),Baseline,0,150,150,
S-05,SYSBP,Systolic BP (mmHg),Baseline,0,118,118,
S-01,SYSBP,Systolic BP (mmHg),Week 2,2,124,120,4
S-02,SYSBP,Systolic BP (mmHg),Week 2,2,127,130,-3
S-04,SYSBP,Systolic BP (mmHg),Week 2,2,149,150,-1
S-05,SYSBP,Systolic BP (mmHg),Week 2,2,125,118,7
"""
VS = """\
id: t-vs
type: table
number: Table 2
title: Systolic blood pressure
population: SAF
columns: arms
stats_as_columns: [n, mean, sd, min, max]
analyses:
  - {id: sbp, type: by_visit, dataset: advs, param: SYSBP, visits: [Baseline, Week 2], baseline_visit: Baseline,
     show: [value, change]}
"""


def test_value_and_change_lines_under_each_visit(tmp_path):
    specs = write_two_arm_study(tmp_path, "advs", ADVS, {"t-vs": VS})
    st = load_study(specs)
    data, pops, _ = prepare(st)
    _, table = compute_output(st, st.output("t-vs"), data, pops)
    rows = [(r.label, r.indent, r.cells) for r in table.rows]
    labels = [r[:2] for r in rows]
    assert labels == [("Drug A (N=3)", 0), ("Baseline", 1), ("Week 2", 1), ("Value", 2),
                      ("Change from baseline", 2), ("Placebo (N=2)", 0), ("Baseline", 1), ("Week 2", 1),
                      ("Value", 2), ("Change from baseline", 2)]
    vs = pd.read_csv(pd.io.common.StringIO(ADVS))
    arm = {"S-01": 0, "S-02": 0, "S-03": 0, "S-04": 5, "S-05": 5}
    for first, visit, var, at in (("S-01", "Baseline", "AVAL", 1), ("S-01", "Week 2", "AVAL", 3),
                                  ("S-01", "Week 2", "CHG", 4), ("S-04", "Baseline", "AVAL", 6),
                                  ("S-04", "Week 2", "CHG", 9)):
        x = vs[(vs.AVISIT == visit) & vs.USUBJID.map(arm).eq(arm[first])][var].dropna()
        cells = rows[at][2]
        assert int(cells[0]) == len(x)
        for text, value in zip(cells[1:], [x.mean(), x.std(ddof=1), x.min(), x.max()], strict=True):
            assert _close(text, value), (visit, var, text, value)
    assert rows[2][2] == ("",) * 5  # the visit heading


def test_shell_and_spec_error(tmp_path):
    specs = write_two_arm_study(tmp_path, "advs", ADVS, {"t-vs": VS})
    st = load_study(specs)
    _, table = compute_output(st, st.output("t-vs"), None, {})
    assert [r.label for r in table.rows][:5] == ["Drug A (N=xx)", "Baseline", "Week 2", "Value",
                                                 "Change from baseline"]
    from tlf.errors import TlfError

    bad = VS + "  - {id: sex, type: categorical, var: SEX}\n"
    specs = write_two_arm_study(tmp_path / "b", "advs", ADVS, {"t-vs": bad})
    with pytest.raises(TlfError) as e:
        load_study(specs)
    assert "stats_as_columns holds continuous, by_visit" in str(e.value) + "".join(map(str, getattr(e.value, "errors", [])))


def test_the_types_that_may_be_shown_so_have_their_lines():
    from tlf.analyses.registry import STATS_AS_COLUMNS_TYPES, TYPES, part

    assert {t for t in TYPES if part(t, "layout", "STAT_LINES")} == set(STATS_AS_COLUMNS_TYPES)


def test_analysis_groups_then_treatments(tmp_path):
    """`stats_as_columns_groups: analysis` (SAP template 21): the analysis, then each treatment with its
    visits; a continuous analysis prints one line per treatment. Same numbers as the treatment-first table."""
    spec = VS.replace("stats_as_columns: [n, mean, sd, min, max]\n", "stats_as_columns: [n, mean, sd, min, max]\n"
                      "stats_as_columns_groups: analysis\n").replace(
        "show: [value, change]}", "show: [value], label: Systolic BP (mmHg)}\n"
        "  - {id: age, type: continuous, var: AGE, label: Age (years)}")
    specs = write_two_arm_study(tmp_path, "advs", ADVS, {"t-vs": spec})
    st = load_study(specs)
    data, pops, _ = prepare(st)
    _, table = compute_output(st, st.output("t-vs"), data, pops)
    rows = [(r.label, r.indent) for r in table.rows]
    assert rows == [("Systolic BP (mmHg)", 0), ("Drug A (N=3)", 1), ("Baseline", 2), ("Week 2", 2),
                    ("Placebo (N=2)", 1), ("Baseline", 2), ("Week 2", 2),
                    ("Age (years)", 0), ("Drug A (N=3)", 1), ("Placebo (N=2)", 1)]
    adsl = pd.read_csv(pd.io.common.StringIO(TWO_ARM_ADSL_CSV))
    for at, arm in ((8, "Drug A"), (9, "Placebo")):
        x = adsl[adsl.TRT01A == arm].AGE
        cells = table.rows[at].cells
        assert int(cells[0]) == len(x) and _close(cells[1], x.mean()) and _close(cells[2], x.std(ddof=1))
    vs = pd.read_csv(pd.io.common.StringIO(ADVS))
    x = vs[(vs.AVISIT == "Week 2") & vs.USUBJID.isin(["S-04", "S-05"])].AVAL
    assert int(table.rows[6].cells[0]) == 2 and _close(table.rows[6].cells[1], x.mean())
