"""A `terms` table whose term equals its SOC (a CM class "UNCODED" holding a medication "UNCODED"): the
term is an ordinary row under its group, counted by itself, not a duplicate statistic (issue 16 item 7)."""

from __future__ import annotations

from tests.conftest import write_study
from tlf.build import compute_output, prepare
from tlf.spec.validate import load_study

ADSL = """USUBJID,TRT01A,RANDFL,SAFFL,ITTFL,SEX,AGE,WEIGHT,RACE
S-01,Drug A,Y,Y,Y,F,30,70,WHITE
S-02,Drug A,Y,Y,Y,M,41,80,WHITE
S-03,Drug A,Y,Y,Y,F,52,65,WHITE
S-04,Placebo,Y,Y,Y,F,45,90,WHITE
S-05,Placebo,Y,Y,Y,M,38,75,WHITE
"""
ADEX = "USUBJID,EXDURD\n" + "".join(f"S-0{i},10\n" for i in range(1, 6))
# class UNCODED: S-01 has the medication UNCODED, S-02 has UNCODED and ASPIRIN-like "OTHER DRUG"
ADCM = """USUBJID,CMDECOD,CMCLAS,TRTEMFL
S-01,UNCODED,UNCODED,Y
S-01,UNCODED,UNCODED,Y
S-02,OTHER DRUG,UNCODED,Y
S-02,PARACETAMOL,ANALGESICS,Y
S-03,PARACETAMOL,ANALGESICS,Y
S-04,UNCODED,UNCODED,Y
"""
STUDY = """\
study: {id: MINI-001, title: Mini study}
data:
  dir: data
  datasets:
    adsl: {file: adsl.csv}
    adex: {file: adex.csv}
    adcm: {file: adcm.csv}
populations:
  SAF: {label: Safety Population, has_records: {dataset: adex, where: "EXDURD > 0"}, flag: SAFFL}
columns:
  arms:
    - {id: a, label: Drug A, var: TRT01A, value: Drug A}
    - {id: p, label: Placebo, var: TRT01A, value: Placebo}
"""
CM = """\
id: t-cm
type: table
number: Table 1
title: Concomitant medications
population: SAF
columns: arms
analyses:
  - {id: cm, type: terms, dataset: adcm, term: CMDECOD, soc: CMCLAS, sort: alphabetical, events: true}
"""


def _specs(tmp_path):
    specs = write_study(tmp_path, adsl=ADSL, adex=ADEX, study=STUDY, outputs={"t-cm": CM})
    (specs / "data" / "adcm.csv").write_text(ADCM)
    return specs


def test_a_term_named_as_its_group_is_an_ordinary_row(tmp_path):
    specs = _specs(tmp_path)
    study = load_study(specs)
    data, pops, _ = prepare(study)
    ard, table = compute_output(study, study.output("t-cm"), data, pops)
    rows = [(r.label, r.indent, r.cells) for r in table.rows]
    # counted by hand: class UNCODED Drug A {S-01, S-02} = 2/3, Placebo {S-04} 1/2; the medication UNCODED
    # Drug A {S-01} 1/3 [2 records], Placebo {S-04} 1/2 [1]
    assert rows == [
        ("ANALGESICS", 0, ("2 (66.7) [2]", "0")),
        ("PARACETAMOL", 1, ("2 (66.7) [2]", "0")),
        ("UNCODED", 0, ("2 (66.7) [3]", "1 (50.0) [1]")),
        ("OTHER DRUG", 1, ("1 (33.3) [1]", "0")),
        ("UNCODED", 1, ("1 (33.3) [2]", "1 (50.0) [1]")),
    ]
    assert not ard.duplicated(["analysis", "column", "parent", "level", "stat_name"]).any()


def test_shell_of_the_same_table(tmp_path):
    specs = _specs(tmp_path)
    study = load_study(specs)
    ard, table = compute_output(study, study.output("t-cm"), None, {})
    assert [r.indent for r in table.rows] == [0, 1, 1, 0, 1, 1]
