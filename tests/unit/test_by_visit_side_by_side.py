"""`by_visit` `side_by_side`: value and change side by side under each treatment, one row per visit (CDISC
pilot Table 14-6.01, SAP template 15): the columns, the row labels and every cell against pandas on the
pilot ADLBC (ALT and sodium), and the spec errors of a table mixing it with other layouts."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.conftest import REPO, SHARED, write_two_arm_study
from tlf.build import compute_output, prepare
from tlf.errors import TlfError
from tlf.spec.validate import load_study

PILOT = SHARED / "data" / "cdiscpilot01"
VISITS = ["Baseline", "Week 2", "Week 4", "Week 24", "End of Treatment"]
LAB = """\
id: t-14-6-01
type: table
number: Table 14-6.01
title: Summary Statistics for Continuous Laboratory Values
population: SAF
columns: actual
stub_header: Week
stub_width: 2.6
analyses:
  - id: chem
    type: by_visit
    dataset: adlbc
    param: [ALT, SODIUM]
    visits: [Baseline, Week 2, Week 4, Week 24, End of Treatment]
    baseline_visit: Baseline
    show: [value, change]
    side_by_side: {value: [n, mean_sd], change: [mean_sd]}
"""
ARMS = ("Placebo", "Xanomeline Low Dose", "Xanomeline High Dose")


def _close(text: str, value: float) -> bool:
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(float(text) - value) <= 0.5 * 10 ** -decimals + 1e-9


@pytest.mark.skipif(not (PILOT / "adlbc.xpt").is_file(), reason="CDISC pilot data not in ../shared")
def test_pilot_lab_values_and_changes_side_by_side_against_pandas(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    study = (REPO / "examples" / "cdiscpilot01" / "specs" / "study.yaml").read_text()
    assert "keep: [USUBJID, TRTP, TRTPN, PARAMCD," in study
    (specs / "study.yaml").write_text(study.replace("PARAMCD,", "PARAMCD, PARAM,", 1))  # PARAM: the row labels
    (specs / "t-14-6-01.yaml").write_text(LAB)
    st = load_study(specs)
    data, pops, _ = prepare(st, PILOT)
    _, table = compute_output(st, st.output("t-14-6-01"), data, pops)

    adsl = pd.read_sas(PILOT / "adsl.xpt", encoding="utf-8")
    saf = adsl[adsl.SAFFL == "Y"]
    lb = pd.read_sas(PILOT / "adlbc.xpt", encoding="utf-8")
    lb = lb[lb.PARAMCD.isin(["ALT", "SODIUM"])].assign(AVISIT=lambda d: d.AVISIT.str.strip())
    lb = lb.merge(saf[["USUBJID", "TRT01A"]])
    big_n = saf.TRT01A.value_counts()
    assert [c.spanner for c in table.columns] == [f"{arm} (N={big_n[arm]})" for arm in ARMS for _ in range(3)]
    assert [c.label for c in table.columns] == ["n", "Mean (SD)", "Change from baseline\nMean (SD)"] * 3
    params = {"ALT": lb[lb.PARAMCD == "ALT"].PARAM.iloc[0], "SODIUM": lb[lb.PARAMCD == "SODIUM"].PARAM.iloc[0]}
    expected_labels = []
    for code in ("ALT", "SODIUM"):
        expected_labels.append((params[code], 0))
        expected_labels += [(v, 1) for v in VISITS]
    assert [(r.label, r.indent) for r in table.rows] == expected_labels
    code = None
    for r in table.rows:
        if r.indent == 0:
            code = next(k for k, v in params.items() if v == r.label)
            continue
        for k, arm in enumerate(ARMS):
            x = lb[(lb.PARAMCD == code) & (lb.AVISIT == r.label) & (lb.TRT01A == arm)]
            assert not x.USUBJID.duplicated().any()
            n, value, change = r.cells[3 * k:3 * k + 3]
            assert int(n) == x.AVAL.notna().sum(), (code, r.label, arm)
            mean, sd = re.fullmatch(r"(\S+) \((\S+)\)", value).groups()
            assert _close(mean, x.AVAL.mean()) and _close(sd, x.AVAL.std(ddof=1)), (code, r.label, arm, value)
            if r.label == "Baseline":
                assert change == ""
            else:
                mean, sd = re.fullmatch(r"(\S+) \((\S+)\)", change).groups()
                assert _close(mean, x.CHG.mean()) and _close(sd, x.CHG.std(ddof=1)), (code, r.label, arm, change)


ADSL = """USUBJID,TRT01A,RANDFL,SAFFL,ITTFL,SEX,AGE,WEIGHT,RACE
S-01,Drug A,Y,Y,Y,F,30,70,WHITE
S-02,Placebo,Y,Y,Y,M,41,80,WHITE
"""
ADEX = "USUBJID,EXDURD\nS-01,10\nS-02,10\n"
ADLB = """USUBJID,PARAMCD,PARAM,AVISIT,AVISITN,AVAL,BASE,CHG
S-01,ALT,ALT (U/L),Baseline,0,20,20,
S-02,ALT,ALT (U/L),Baseline,0,30,30,
S-01,ALT,ALT (U/L),Week 2,2,25,20,5
S-02,ALT,ALT (U/L),Week 2,2,28,30,-2
"""
MINI = """\
id: t-lb
type: table
number: Table 3
title: ALT
population: SAF
columns: arms
analyses:
  - {id: alt, type: by_visit, dataset: adlb, param: ALT, label: "ALT (U/L)", visits: [Baseline, Week 2],
     baseline_visit: Baseline, side_by_side: {value: [n, mean], change: [mean]}, section: CHEMISTRY}
"""


def _mini(tmp_path, spec):
    return write_two_arm_study(tmp_path, "adlb", ADLB, {"t-lb": spec}, adsl=ADSL, adex=ADEX)


def test_mini_table_and_shell(tmp_path):
    st = load_study(_mini(tmp_path, MINI))
    data, pops, _ = prepare(st)
    _, table = compute_output(st, st.output("t-lb"), data, pops)
    # one subject per arm: the values themselves, mean with one decimal more than collected
    assert [(r.label, r.cells) for r in table.rows] == [
        ("CHEMISTRY", ("",) * 6),
        ("ALT (U/L)", ("",) * 6),
        ("Baseline", ("1", "20.0", "", "1", "30.0", "")),
        ("Week 2", ("1", "25.0", "5.0", "1", "28.0", "-2.0"))]
    assert table.rows[0].span and not table.rows[1].span
    _, shell = compute_output(st, st.output("t-lb"), None, {})
    assert shell.rows[3].cells[:3] == ("xx", "xx.x", "xx.x")


@pytest.mark.parametrize(("change", "needle"), [
    ("  - {id: age, type: continuous, var: AGE}\n", "[SPEC120]"),
    ("stats_as_columns: [n]\n", "[SPEC121]"),
    ("side_by_side: {value: [n, mean], change: [mean]}", "side_by_side: {value: [n], pchg: [mean]}"),
])
def test_spec_errors(tmp_path, change, needle):
    spec = MINI + change if change.startswith("  -") else \
        MINI.replace("analyses:", change + "analyses:") if change.startswith("stats") else MINI.replace(change, needle)
    with pytest.raises(TlfError) as e:
        load_study(_mini(tmp_path, spec))
    text = str(e.value) + " ".join(str(x) for x in getattr(e.value, "errors", []))
    expected = "side_by_side part 'pchg' is not in `show`" if needle.startswith("side_by_side") else needle
    assert expected in text, text
