"""`categorical` `levels_as_columns`: the levels (Low / Normal / High) as columns under each treatment,
one row per analysis (a lab parameter): columns, row labels and every cell against pandas on the CDISC
pilot ADLBC at Week 24 (with missing reference-range indicators: a Missing column), and the spec errors."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import REPO, SHARED, write_study
from tlf.build import compute_output, prepare
from tlf.errors import TlfError
from tlf.spec.validate import load_study

PILOT = SHARED / "data" / "cdiscpilot01"
ARMS = ("Placebo", "Xanomeline Low Dose", "Xanomeline High Dose")
LEVELS = "[{value: LOW, label: Low}, {value: NORMAL, label: Normal}, {value: HIGH, label: High}]"
LAB = f"""\
id: t-nr
type: table
number: Table 14-6.02
title: Reference range indicator at Week 24
population: SAF
columns: actual
stub_header: Parameter
analyses:
  - {{id: alt, type: categorical, dataset: adlbc, var: LBNRIND, label: ALT, levels: {LEVELS}, levels_as_columns: true,
     where: "PARAMCD == 'ALT' and AVISIT == 'Week 24'", section: CHEMISTRY}}
  - {{id: ast, type: categorical, dataset: adlbc, var: LBNRIND, label: AST, levels: {LEVELS}, levels_as_columns: true,
     where: "PARAMCD == 'AST' and AVISIT == 'Week 24'", section: CHEMISTRY}}
  - {{id: bili, type: categorical, dataset: adlbc, var: LBNRIND, label: Bilirubin, levels: {LEVELS},
     levels_as_columns: true, where: "PARAMCD == 'BILI' and AVISIT == 'Week 24'", section: CHEMISTRY}}
"""


@pytest.mark.skipif(not (PILOT / "adlbc.xpt").is_file(), reason="CDISC pilot data not in ../shared")
def test_pilot_indicators_as_columns_against_pandas(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    study = (REPO / "examples" / "cdiscpilot01" / "specs" / "study.yaml").read_text()
    (specs / "study.yaml").write_text(study.replace("PARAMCD,", "PARAMCD, LBNRIND,", 1))
    (specs / "t-nr.yaml").write_text(LAB)
    st = load_study(specs)
    data, pops, _ = prepare(st, PILOT)
    _, table = compute_output(st, st.output("t-nr"), data, pops)

    adsl = pd.read_sas(PILOT / "adsl.xpt", encoding="utf-8")
    saf = adsl[adsl.SAFFL == "Y"]
    big_n = saf.TRT01A.value_counts()
    lb = pd.read_sas(PILOT / "adlbc.xpt", encoding="utf-8").assign(AVISIT=lambda d: d.AVISIT.str.strip())
    lb = lb[lb.AVISIT.eq("Week 24")].merge(saf[["USUBJID", "TRT01A"]])
    lb["LBNRIND"] = lb.LBNRIND.fillna("").str.strip()
    assert (lb.LBNRIND == "").any()  # so a Missing column
    labels = ["Low", "Normal", "High", "Missing"]
    assert [c.label for c in table.columns] == labels * 3
    assert [c.spanner for c in table.columns] == [f"{arm} (N={big_n[arm]})" for arm in ARMS for _ in labels]
    assert [(r.label, r.span) for r in table.rows] == [("CHEMISTRY", True), ("ALT", False), ("AST", False),
                                                       ("Bilirubin", False)]
    values = {"Low": "LOW", "Normal": "NORMAL", "High": "HIGH", "Missing": ""}
    for r, code in zip(table.rows[1:], ("ALT", "AST", "BILI"), strict=True):
        for k, arm in enumerate(ARMS):
            x = lb[(lb.PARAMCD == code) & (lb.TRT01A == arm)]
            assert not x.USUBJID.duplicated().any()
            for j, lv in enumerate(labels):
                n = int((x.LBNRIND == values[lv]).sum())
                text = r.cells[4 * k + j]
                want = "0" if n == 0 else f"{n} ({100 * n / big_n[arm]:.1f})"
                assert text == want or (n and text.startswith(f"{n} (")), (code, arm, lv, text, want)
                if n:
                    assert abs(float(text.split("(")[1].rstrip(")")) - 100 * n / big_n[arm]) <= 0.05 + 1e-9


ADSL = """USUBJID,TRT01A,RANDFL,SAFFL,ITTFL,SEX,AGE,WEIGHT,RACE
S-01,Drug A,Y,Y,Y,F,30,70,WHITE
S-02,Placebo,Y,Y,Y,M,41,80,WHITE
"""
ADEX = "USUBJID,EXDURD\nS-01,10\nS-02,10\n"
MINI = """\
id: t-c
type: table
number: Table 3
title: Sex
population: SAF
columns: arms
analyses:
  - {id: sex, type: categorical, var: SEX, label: Sex, levels: [{value: F, label: F}, {value: M, label: M}],
     levels_as_columns: true}
"""


@pytest.mark.parametrize(("extra", "needle"), [
    ("  - {id: age, type: continuous, var: AGE}\n", "[SPEC122]"),
    ("  - {id: s2, type: categorical, var: SEX, levels: [{value: F, label: Female}], levels_as_columns: true}\n",
     "other level labels"),
    ("stat_columns: [{id: pv, label: p, over: [a, p]}]\n", "[SPEC123]"),
])
def test_spec_errors(tmp_path, extra, needle):
    spec = MINI + extra if extra.startswith("  -") else MINI.replace("analyses:", extra + "analyses:")
    specs = write_study(tmp_path, adsl=ADSL, adex=ADEX, outputs={"t-c": spec})
    with pytest.raises(TlfError) as e:
        load_study(specs)
    assert needle in str(e.value) + " ".join(str(x) for x in getattr(e.value, "errors", []))


def test_mini_and_shell(tmp_path):
    specs = write_study(tmp_path, adsl=ADSL, adex=ADEX, outputs={"t-c": MINI})
    st = load_study(specs)
    data, pops, _ = prepare(st)
    _, table = compute_output(st, st.output("t-c"), data, pops)
    assert [(r.label, r.cells) for r in table.rows] == [("Sex", ("1 (100)", "0", "0", "1 (100)", "1 (50.0)", "1 (50.0)"))]
    _, shell = compute_output(st, st.output("t-c"), None, {})
    assert shell.rows[0].cells[0] == "xx (xx.x)"
