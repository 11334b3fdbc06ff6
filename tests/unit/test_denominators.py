"""`denominator:` of categorical, count and terms: N (default), assessed, records, group; the ARD carries
the denominator (`denom`) and `display: n/m (%)` prints it.

The data are small enough that every expected n and m is read off by hand (each case says why)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.conftest import STUDY_YAML, sheet_texts, write_study
from tlf.ard.schema import read_ard
from tlf.build import build
from tlf.errors import SpecError
from tlf.spec.validate import load_study

# Columns: a = Drug A (S-01, S-02, S-03; N 3), p = Placebo (S-04, S-05; N 2), t = both (N 5).
# ALT: S-01 HIGH, S-02 NORMAL, S-03 a record with ANRIND missing, S-04 NORMAL; S-05 no record.
LAB = """USUBJID,PARAMCD,ANRIND
S-01,ALT,HIGH
S-02,ALT,NORMAL
S-03,ALT,
S-04,ALT,NORMAL
S-01,AST,NORMAL
S-05,AST,NORMAL
"""
LEVELS = "[{value: NORMAL, label: Normal}, {value: HIGH, label: High}]"


def run(tmp_path, analyses: str, formats=()):
    study = STUDY_YAML.replace("    adae: {file: adae.csv}\n", "    adae: {file: adae.csv}\n    lab: {file: lab.csv}\n")
    out = f"""\
id: t-den
type: table
number: Table 1
title: Denominators
population: SAF
columns: arms
analyses:
{analyses}"""
    specs = write_study(tmp_path, study=study, outputs={"t-den": out})
    (specs / "data" / "lab.csv").write_text(LAB)
    report = build(specs, tmp_path / "out", ["t-den"], formats=formats)
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = read_ard(tmp_path / "out" / "t-den.ard.csv")
    return {(a, c, str(lv), s): v for a, c, lv, s, v in
            zip(ard.analysis, ard.column, ard.level, ard.stat_name, ard.stat, strict=True)}


def cat(den: str, display: str = "n (%)") -> str:
    return (f"  - {{id: ind, type: categorical, dataset: lab, where: \"PARAMCD == 'ALT'\", var: ANRIND, "
            f"levels: {LEVELS}, denominator: {den}, display: \"{display}\"}}\n")


@pytest.mark.parametrize(("den", "m"), [
    ("N", {"a": 3, "p": 2, "t": 5}),
    # assessed: a non-missing ANRIND -- S-01, S-02 (a); S-04 (p); S-03's missing value does not count
    ("assessed", {"a": 2, "p": 1, "t": 3}),
    # records: any ALT record -- S-01, S-02, S-03 (a); S-04 (p); S-05 has none
    ("records", {"a": 3, "p": 1, "t": 4}),
])
def test_categorical_denominators(tmp_path, den, m):
    got = run(tmp_path, cat(den))
    n = {("a", "High"): 1, ("a", "Normal"): 1, ("p", "High"): 0, ("p", "Normal"): 1, ("t", "High"): 1,
         ("t", "Normal"): 2}
    for (c, lv), k in n.items():
        assert got[("ind", c, lv, "n")] == k
        assert got[("ind", c, lv, "p")] == pytest.approx(k / m[c])
        if den == "N":
            assert ("ind", c, lv, "denom") not in got  # the default changes nothing
        else:
            assert got[("ind", c, lv, "denom")] == m[c]
    # the Missing row (S-03): a percentage of N or of the subjects with a record, none of the assessed
    assert got[("ind", "a", "Missing", "n")] == 1
    assert (("ind", "a", "Missing", "p") in got) == (den != "assessed")


def test_display_prints_n_over_m(tmp_path):
    run(tmp_path, cat("assessed", "n/m (%)"), formats=("xlsx",))
    ws = load_workbook(tmp_path / "out" / "t-den.xlsx")["t-den"]
    rows = {r[0]: [v for v in r[1:] if v] for r in sheet_texts(ws) if r[0]}
    assert rows["High"] == ["1/2 (50.0)", "0/1", "1/3 (33.3)"]
    assert rows["Normal"] == ["1/2 (50.0)", "1/1 (100)", "2/3 (66.7)"]  # 100% prints "100" (conventions)
    assert rows["Missing"] == ["1", "0", "1"]


def test_count_denominator_records(tmp_path):
    analyses = (
        # subjects with a HIGH ALT over subjects with any lab record (S-01..S-03 | S-04, S-05)
        "  - {id: hi, type: count, dataset: lab, where: \"ANRIND == 'HIGH'\", denominator: records}\n"
        # ... over subjects with an ALT result (S-01, S-02 | S-04)
        "  - {id: hi2, type: count, dataset: lab, where: \"PARAMCD == 'ALT' and ANRIND == 'HIGH'\", "
        "denominator: records, denominator_where: \"PARAMCD == 'ALT' and present(ANRIND)\"}\n")
    got = run(tmp_path, analyses)
    for aid, m in (("hi", {"a": 3, "p": 2, "t": 5}), ("hi2", {"a": 2, "p": 1, "t": 3})):
        for c, n in {"a": 1, "p": 0, "t": 1}.items():
            assert got[(aid, c, "", "n")] == n and got[(aid, c, "", "denom")] == m[c]
            assert got[(aid, c, "", "p")] == pytest.approx(n / m[c])


def test_terms_denominators(tmp_path):
    # conftest ADAE, TRTEMFL == 'Y': S-01 Headache twice and S-02 Nausea (a); S-04 Headache (p).
    terms = ("  - {{id: {id}, type: terms, dataset: adae, where: \"TRTEMFL == 'Y'\", term: AEDECOD, soc: AEBODSYS, "
             "denominator: {den}}}\n")
    got = run(tmp_path, terms.format(id="rec", den="records") + terms.format(id="grp", den="group"))
    nerv = "Nervous system disorders"
    # records: subjects with a TEAE -- 2 (a), 1 (p), 3 (t)
    assert got[("rec", "a", "Headache", "denom")] == 2 and got[("rec", "a", "Headache", "p")] == pytest.approx(0.5)
    assert got[("rec", "t", nerv, "denom")] == 3
    # group: a term of the subjects of its SOC (Headache: 1 of the 1 nervous-system subject in a, 2 of 2 in t);
    # a SOC row of N
    assert got[("grp", "a", "Headache", "denom")] == 1 and got[("grp", "a", "Headache", "p")] == 1.0
    assert got[("grp", "t", "Headache", "n")] == 2 and got[("grp", "t", "Headache", "denom")] == 2
    assert got[("grp", "a", nerv, "denom")] == 3 and got[("grp", "a", nerv, "p")] == pytest.approx(1 / 3)


@pytest.mark.parametrize(("analysis", "words"), [
    ("{id: c, type: count, dataset: lab, where: \"ANRIND == 'HIGH'\", denominator: assessed}", "does not apply"),
    ("{id: c, type: count, dataset: lab, denominator_where: \"PARAMCD == 'ALT'\"}", "goes with"),
    ("{id: c, type: categorical, dataset: lab, var: ANRIND, denominator: group}", "row group"),
])
def test_denominators_that_do_not_apply_are_spec_errors(tmp_path, analysis, words):
    study = STUDY_YAML.replace("    adae: {file: adae.csv}\n", "    adae: {file: adae.csv}\n    lab: {file: lab.csv}\n")
    specs = write_study(tmp_path, study=study, outputs={"t-den": f"""\
id: t-den
type: table
number: Table 1
title: Denominators
population: SAF
columns: arms
analyses:
  - {analysis}
"""})
    with pytest.raises(SpecError, match=words):
        load_study(specs)


def test_shell_prints_the_denominator_placeholder(tmp_path):
    study = STUDY_YAML.replace("    adae: {file: adae.csv}\n", "    adae: {file: adae.csv}\n    lab: {file: lab.csv}\n")
    specs = write_study(tmp_path, study=study, outputs={"t-den": f"""\
id: t-den
type: table
number: Table 1
title: Denominators
population: SAF
columns: arms
analyses:
{cat("assessed", "n/m (%)")}"""})
    report = build(specs, tmp_path / "out", ["t-den"], shell=True, formats=("xlsx",))
    assert report.ok, [str(o.error) for o in report.outputs]
    ws = load_workbook(next((tmp_path / "out").glob("*.xlsx")))
    texts = [v for sh in ws for r in sheet_texts(sh) for v in r if v]
    assert "xx/xx (xx.x)" in texts
