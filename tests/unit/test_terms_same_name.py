"""A `terms` table whose term equals its SOC (a CM class "UNCODED" holding a medication "UNCODED"): the
term is an ordinary row under its group, counted by itself, not a duplicate statistic (issue 16 item 7)."""

from __future__ import annotations

from tests.conftest import write_two_arm_study
from tlf.build import compute_output, prepare
from tlf.spec.validate import load_study

# class UNCODED: S-01 has the medication UNCODED, S-02 has UNCODED and ASPIRIN-like "OTHER DRUG"
ADCM = """USUBJID,CMDECOD,CMCLAS,TRTEMFL
S-01,UNCODED,UNCODED,Y
S-01,UNCODED,UNCODED,Y
S-02,OTHER DRUG,UNCODED,Y
S-02,PARACETAMOL,ANALGESICS,Y
S-03,PARACETAMOL,ANALGESICS,Y
S-04,UNCODED,UNCODED,Y
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
    return write_two_arm_study(tmp_path, "adcm", ADCM, {"t-cm": CM})


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
