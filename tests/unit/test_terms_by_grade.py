"""`terms` with `by_grade`: subjects once per term (and SOC, and overall) at their worst grade (chevron
AET03/AET04). Checked on a hand-made case with ties and missing grades (counted by hand below) and on
the CDISC pilot ADAE by AESEV against an independent pandas computation."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from tests.conftest import REPO, SHARED, write_two_arm_study
from tlf.build import compute_output, prepare
from tlf.errors import TlfError
from tlf.spec.validate import load_study

ADAE = """USUBJID,AEDECOD,AEBODSYS,AESEV,TRTEMFL
S-01,Headache,Nervous,MILD,Y
S-01,Headache,Nervous,SEVERE,Y
S-01,Nausea,Gastro,MODERATE,Y
S-02,Headache,Nervous,MODERATE,Y
S-02,Headache,Nervous,MODERATE,Y
S-02,Dizziness,Nervous,,Y
S-03,Nausea,Gastro,,Y
S-03,Nausea,Gastro,MILD,Y
S-04,Dizziness,Nervous,,Y
S-05,Headache,Nervous,MILD,Y
S-05,Nausea,Gastro,SEVERE,Y
S-05,Nausea,Gastro,SEVERE,N
"""
AE = """\
id: t-sev
type: table
number: Table 1
title: TEAEs by maximum severity
population: SAF
columns: arms
analyses:
  - id: sev
    type: terms
    dataset: adae
    where: "TRTEMFL == 'Y'"
    term: AEDECOD
    soc: AEBODSYS
    sort: alphabetical
    by_grade: {variable: AESEV, levels: [MILD, MODERATE, SEVERE], groups: {"Moderate or worse": [MODERATE, SEVERE]},
               any: "Any severity", overall: "Any TEAE"MISSING}
"""


def _table(tmp_path, missing="", ae=AE, adae=ADAE):
    specs = write_two_arm_study(tmp_path, "adae", adae, {"t-sev": ae.replace("MISSING", missing)})
    study = load_study(specs)
    data, pops, _ = prepare(study)
    return compute_output(study, study.output("t-sev"), data, pops)


def _blocks(table) -> dict[tuple[str, str], tuple]:
    """(block label, row label) -> cells."""
    out, block = {}, None
    for r in table.rows:
        if r.key is not None:  # a term's (SOC's, overall) own row
            block = r.label
        if r.kind != "group":
            out[(block, r.label)] = r.cells
    return out


def test_worst_grade_with_ties_and_missing_as_a_row(tmp_path):
    ard, table = _table(tmp_path)
    b = _blocks(table)
    # by hand. Drug A (N=3): S-01 Headache SEVERE (MILD+SEVERE), Nausea MODERATE; S-02 Headache MODERATE (a
    # tie of two MODERATE records counts once), Dizziness missing only; S-03 Nausea MILD (missing + MILD: the
    # grade wins). Placebo (N=2): S-04 Dizziness missing only; S-05 Headache MILD, Nausea SEVERE (its
    # non-TEAE record is out by `where`).
    assert b[("Headache", "Any severity")] == ("2 (66.7)", "1 (50.0)")  # S-01, S-02; S-05
    assert b[("Headache", "MILD")] == ("0", "1 (50.0)")
    assert b[("Headache", "MODERATE")] == ("1 (33.3)", "0")
    assert b[("Headache", "SEVERE")] == ("1 (33.3)", "0")
    assert b[("Headache", "Moderate or worse")] == ("2 (66.7)", "0")
    assert b[("Headache", "Missing")] == ("0", "0")
    assert b[("Dizziness", "Any severity")] == ("1 (33.3)", "1 (50.0)")
    assert b[("Dizziness", "Missing")] == ("1 (33.3)", "1 (50.0)")
    assert b[("Dizziness", "MILD")] == ("0", "0")
    assert b[("Nausea", "MILD")] == ("1 (33.3)", "0")
    assert b[("Nausea", "MODERATE")] == ("1 (33.3)", "0")
    assert b[("Nausea", "SEVERE")] == ("0", "1 (50.0)")
    # SOC Nervous: S-01 SEVERE, S-02 MODERATE (Dizziness' missing grade below it), S-04 missing, S-05 MILD
    assert b[("Nervous", "Any severity")] == ("2 (66.7)", "2 (100)")
    assert [b[("Nervous", g)] for g in ("MILD", "MODERATE", "SEVERE", "Missing")] == [
        ("0", "1 (50.0)"), ("1 (33.3)", "0"), ("1 (33.3)", "0"), ("0", "1 (50.0)")]
    # overall: S-01 SEVERE, S-02 MODERATE, S-03 MILD; S-04 missing, S-05 SEVERE
    assert [b[("Any TEAE", g)] for g in ("Any severity", "MILD", "MODERATE", "SEVERE", "Missing")] == [
        ("3 (100)", "2 (100)"), ("1 (33.3)", "0"), ("1 (33.3)", "0"), ("1 (33.3)", "1 (50.0)"), ("0", "1 (50.0)")]
    labels = [(r.label, r.indent) for r in table.rows]
    assert labels[:7] == [("Any TEAE", 0), ("Any severity", 1), ("MILD", 1), ("MODERATE", 1), ("SEVERE", 1),
                          ("Moderate or worse", 1), ("Missing", 1)]
    assert ("Gastro", 0) in labels and ("Nausea", 1) in labels and labels[labels.index(("Nausea", 1)) + 1] == \
        ("Any severity", 2)
    # every grade row adds up to the any-grade row
    sev = ard[(ard.analysis == "sev") & ard.stat_name.str.match(r"(grade[123]|missing)_n")]
    anyg = ard[(ard.analysis == "sev") & (ard.stat_name == "n")].set_index(["column", "parent", "level"]).stat
    assert dict(sev.groupby(["column", "parent", "level"]).stat.sum()) == dict(anyg)
    assert set(sev.variable) >= {"AESEV: MILD", "AESEV: Missing"}


def test_missing_counted_as_the_worst(tmp_path):
    _, table = _table(tmp_path, missing=", missing: worst")
    b = _blocks(table)
    assert ("Dizziness", "Missing") not in b
    assert b[("Dizziness", "SEVERE")] == ("1 (33.3)", "1 (50.0)")
    assert b[("Nausea", "SEVERE")] == ("1 (33.3)", "1 (50.0)")  # S-03's missing grade beats its MILD
    assert b[("Nausea", "MILD")] == ("0", "0")


def test_no_missing_row_without_missing_grades(tmp_path):
    adae = "\n".join(line for line in ADAE.splitlines() if ",," not in line) + "\n"
    _, table = _table(tmp_path, adae=adae)
    assert "Missing" not in [r.label for r in table.rows]


def test_any_on_the_term_row_and_numeric_grades(tmp_path):
    ae = AE.replace("AESEV, levels: [MILD, MODERATE, SEVERE], groups: {\"Moderate or worse\": [MODERATE, SEVERE]},\n"
                    "               any: \"Any severity\"",
                    "AETOXGR, levels: [1, {value: 2, label: Grade 2}, 3], groups: {\"Grade 2-3\": [2, 3]}, any: \"\"")
    adae = ADAE.replace("AESEV", "AETOXGR").replace("MILD", "1").replace("MODERATE", "2.0").replace("SEVERE", "3")
    _, table = _table(tmp_path, ae=ae, adae=adae)
    rows = {r.label: r for r in table.rows}
    assert rows["Headache"].cells == ("2 (66.7)", "1 (50.0)") and rows["Headache"].kind == "data"
    b = _blocks(table)
    assert b[("Headache", "Grade 2")] == ("1 (33.3)", "0")
    assert b[("Headache", "Grade 2-3")] == ("2 (66.7)", "0")


def test_grades_as_numbers_or_text():
    from tlf.analyses.terms.grade import rank_of
    from tlf.analyses.terms.spec import ByGrade

    numbers = ByGrade(variable="ATOXGR", levels=[1, 2, 3]).ranks()
    texts = ByGrade(variable="ATOXGR", levels=["1", "2", "3"]).ranks()
    for ranks in (numbers, texts):
        assert [rank_of(v, ranks) for v in (1, "2", "03", 3)] == [0, 1, 2, 2]
        assert rank_of("4", ranks) is None and rank_of("GRADE 1", ranks) is None
    assert rank_of("MILD", ByGrade(variable="AESEV", levels=["MILD"]).ranks()) == 0


def test_a_grade_no_level_lists_is_an_error(tmp_path):
    with pytest.raises(TlfError) as e:
        _table(tmp_path, adae=ADAE.replace("S-03,Nausea,Gastro,MILD", "S-03,Nausea,Gastro,LIFE THREATENING"))
    assert e.value.code == "DATA065" and "LIFE THREATENING" in str(e.value) and "S-03" in str(e.value)
    with pytest.raises(TlfError) as e:
        _table(tmp_path, missing=", missing: error")
    assert e.value.code == "DATA066" and "S-02" in str(e.value)


def test_a_group_naming_no_level_is_a_spec_error(tmp_path):
    ae = AE.replace("[MODERATE, SEVERE]", "[MODERATE, FATAL]")
    with pytest.raises(TlfError) as e:
        _table(tmp_path, ae=ae)
    assert "by_grade" in str(e.value) and "'FATAL' is not one of `levels`" in str(e.value)


def test_shell(tmp_path):
    specs = write_two_arm_study(tmp_path, "adae", ADAE, {"t-sev": AE.replace("MISSING", "")})
    study = load_study(specs)
    _, table = compute_output(study, study.output("t-sev"), None, {})
    labels = [r.label for r in table.rows]
    assert labels[:6] == ["Any TEAE", "Any severity", "MILD", "MODERATE", "SEVERE", "Moderate or worse"]
    assert table.rows[2].cells == ("xx (xx.x)", "xx (xx.x)")


# --- the CDISC pilot ADAE ----------------------------------------------------------------------------

PILOT = SHARED / "data" / "cdiscpilot01"
PILOT_AE = """\
id: t-ae-sev
type: table
number: Table 14-5.03
title: Treatment-emergent adverse events by maximum severity
population: SAF
columns: actual
analyses:
  - id: sev
    type: terms
    dataset: adae
    where: "TRTEMFL == 'Y'"
    term: AEDECOD
    soc: AEBODSYS
    by_grade: {variable: AESEV, levels: [MILD, MODERATE, SEVERE], groups: {"Severe or worse": [SEVERE]},
               any: "Any severity", overall: "Any TEAE"}
"""


@pytest.mark.skipif(not (PILOT / "adae.xpt").is_file(), reason="CDISC pilot data not in ../shared")
def test_pilot_adae_by_maximum_severity_against_pandas(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(REPO / "examples" / "cdiscpilot01" / "specs" / "study.yaml", specs / "study.yaml")
    (specs / "t-ae-sev.yaml").write_text(PILOT_AE)
    study = load_study(specs)
    data, pops, _ = prepare(study, PILOT)
    ard, table = compute_output(study, study.output("t-ae-sev"), data, pops)

    adsl = pd.read_sas(PILOT / "adsl.xpt", encoding="utf-8")
    adae = pd.read_sas(PILOT / "adae.xpt", encoding="utf-8")
    saf = adsl[adsl.SAFFL == "Y"]
    big_n = saf.groupby("TRT01A").USUBJID.nunique()
    ae = adae[(adae.TRTEMFL == "Y") & adae.USUBJID.isin(saf.USUBJID)].merge(saf[["USUBJID", "TRT01A"]])
    assert ae.AESEV.notna().all() and set(ae.AESEV) <= {"MILD", "MODERATE", "SEVERE"}
    ae["rank"] = ae.AESEV.map({"MILD": 0, "MODERATE": 1, "SEVERE": 2})
    arms = {"pbo": "Placebo", "low": "Xanomeline Low Dose", "high": "Xanomeline High Dose"}
    expected = {}
    for _keys, frame in (("overall", ae.assign(k1="", k2="")), ("soc", ae.assign(k1="", k2=ae.AEBODSYS)),
                        ("pt", ae.assign(k1=ae.AEBODSYS, k2=ae.AEDECOD))):
        worst = frame.groupby(["TRT01A", "k1", "k2", "USUBJID"])["rank"].max().reset_index()
        for (arm, k1, k2), w in worst.groupby(["TRT01A", "k1", "k2"]):
            counts = w["rank"].value_counts()
            for k, name in enumerate(("grade1", "grade2", "grade3")):
                expected[(arm, k1, k2, f"{name}_n")] = counts.get(k, 0)
            expected[(arm, k1, k2, "grade4_n")] = counts.get(2, 0)  # "Severe or worse"
            expected[(arm, k1, k2, "n")] = len(w)
    got = ard[ard.analysis.eq("sev") & ard.stat_name.str.fullmatch(r"n|grade\d_n")]
    seen = set()
    for r in got.itertuples():  # a term absent from an arm is 0 there
        key = (arms[r.column], r.parent, r.level, r.stat_name)
        assert r.stat == expected.get(key, 0), r
        seen.add(key)
    assert set(expected) <= seen  # every (arm, term) of the data is in the table
    pct = ard[ard.analysis.eq("sev") & ard.stat_name.eq("grade3_p")]
    for r in pct.itertuples():
        assert r.stat == pytest.approx(expected.get((arms[r.column], r.parent, r.level, "grade3_n"), 0) /
                                       big_n[arms[r.column]], abs=1e-12)
    assert "Missing" not in [r.label for r in table.rows]


def test_stat_column_pvalue_on_the_term_row(tmp_path):
    from scipy import stats

    ae = AE.replace("columns: arms\n", "columns: arms\nstat_columns:\n  - {id: pf, label: p, over: [a, p], test: fisher, "
                    "format: {decimals: 4}}\n")
    _, table = _table(tmp_path, ae=ae)
    rows = [r for r in table.rows if r.label == "Headache"]
    assert len(rows) == 1 and rows[0].kind == "group"
    # Headache: Drug A 2 of 3 subjects, Placebo 1 of 2
    p = stats.fisher_exact([[2, 1], [1, 1]]).pvalue
    assert p > 0.9999 and rows[0].cells[-1] == ">0.9999"
    grade_rows = table.rows[table.rows.index(rows[0]) + 1:table.rows.index(rows[0]) + 7]
    assert all(r.cells[-1] == "" for r in grade_rows)


def test_grade_rows_share_the_terms_denominator(tmp_path):
    """`denominator: group`: a term's grade rows divide by its SOC's subjects, as its any-grade row does."""
    ae = AE.replace("    sort: alphabetical\n", "    sort: alphabetical\n    denominator: group\n    display: n/m (%)\n")
    _, table = _table(tmp_path, ae=ae)
    b = _blocks(table)
    # Nervous, Drug A: S-01, S-02 -> m = 2; Headache S-01 SEVERE, S-02 MODERATE; Placebo: S-04, S-05 -> m = 2
    assert b[("Headache", "Any severity")] == ("2/2 (100)", "1/2 (50.0)")
    assert b[("Headache", "SEVERE")] == ("1/2 (50.0)", "0/2")
    assert b[("Headache", "MILD")] == ("0/2", "1/2 (50.0)")
    # a SOC's own rows (and the overall block) divide by the column's N: Drug A 3, Placebo 2
    assert b[("Nervous", "SEVERE")] == ("1/3 (33.3)", "0/2")
