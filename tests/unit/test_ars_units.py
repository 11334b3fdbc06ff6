"""tlf/ars on a small reporting event written here: located model errors, where clauses, the formatting by
resultPattern, percentages over a referenced denominator, unmapped operations, and the CLI's files.
Expected values are counted by hand from the few records below."""

from __future__ import annotations

import copy
import json

import pytest

from tests.conftest import sheet_texts

ADSL = """USUBJID,TRT01A,SAFFL,SEX,AGE
S1,A,Y,F,30
S2,A,Y,M,41
S3,A,Y,F,52
S4,B,Y,F,45
S5,B,Y,M,38
S6,B,N,M,60
"""
ADAE = """USUBJID,TRT01A,AEDECOD,AESEV,TRTEMFL
S1,A,HEADACHE,MILD,Y
S1,A,HEADACHE,SEVERE,Y
S2,A,NAUSEA,MILD,Y
S4,B,HEADACHE,MILD,Y
S5,B,RASH,MILD,N
S6,B,RASH,MILD,Y
"""


def cond(ds, var, comp, *values):
    return {"condition": {"dataset": ds, "variable": var, "comparator": comp, "value": list(values)}}


TRT = {"id": "G_TRT", "name": "Treatment", "groupingVariable": "TRT01A", "dataDriven": False,
       "groups": [{"id": "G_TRT_A", "name": "A", **cond("ADSL", "TRT01A", "EQ", "A")},
                  {"id": "G_TRT_B", "name": "B", **cond("ADSL", "TRT01A", "EQ", "B")}]}
EVENT = {
    "id": "RE", "name": "Small event",
    "analysisSets": [{"id": "SAF", "name": "Safety", **cond("ADSL", "SAFFL", "EQ", "Y")}],
    "dataSubsets": [{"id": "TEAE", "name": "TEAE", **cond("ADAE", "TRTEMFL", "EQ", "Y")},
                    {"id": "NOT_MILD_OR_NAUSEA", "name": "x", "compoundExpression": {"logicalOperator": "OR",
                     "whereClauses": [{"compoundExpression": {"logicalOperator": "NOT",
                                                              "whereClauses": [cond("ADAE", "AESEV", "EQ", "MILD")]}},
                                      cond("ADAE", "AEDECOD", "IN", "NAUSEA")]}}],
    "analysisGroupings": [TRT, {"id": "G_PT", "name": "PT", "groupingVariable": "AEDECOD", "dataDriven": True}],
    "methods": [
        {"id": "M_N", "name": "Count", "operations": [{"id": "M_N_1", "name": "Count of subjects",
                                                        "resultPattern": "(N=XX)"}]},
        {"id": "M_CAT", "name": "Categorical", "operations": [
            {"id": "M_CAT_n", "name": "Count of subjects", "resultPattern": "XX"},
            {"id": "M_CAT_pct", "name": "Percent of subjects", "resultPattern": "( XX.X)",
             "referencedOperationRelationships": [
                 {"id": "NUM", "referencedOperationRole": {"controlledTerm": "NUMERATOR"}, "operationId": "M_CAT_n"},
                 {"id": "DEN", "referencedOperationRole": {"controlledTerm": "DENOMINATOR"}, "operationId": "M_N_1"}]}]},
        {"id": "M_CONT", "name": "Continuous", "operations": [
            {"id": "M_CONT_mean", "name": "Mean", "resultPattern": "XX.X"},
            {"id": "M_CONT_sd", "name": "Standard deviation", "resultPattern": "(XX.XX)"},
            {"id": "M_CONT_gm", "name": "Geometric mean", "resultPattern": "XX.X"}]},
    ],
    "analyses": [
        {"id": "A_N", "methodId": "M_N", "dataset": "ADSL", "variable": "USUBJID", "analysisSetId": "SAF",
         "orderedGroupings": [{"order": 1, "groupingId": "G_TRT", "resultsByGroup": True}]},
        {"id": "A_PT", "methodId": "M_CAT", "dataset": "ADAE", "variable": "USUBJID", "analysisSetId": "SAF",
         "dataSubsetId": "TEAE",
         "orderedGroupings": [{"order": 1, "groupingId": "G_TRT", "resultsByGroup": True},
                              {"order": 2, "groupingId": "G_PT", "resultsByGroup": True}],
         "referencedAnalysisOperations": [{"referencedOperationRelationshipId": "NUM", "analysisId": "A_PT"},
                                          {"referencedOperationRelationshipId": "DEN", "analysisId": "A_N"}]},
        {"id": "A_AGE", "methodId": "M_CONT", "dataset": "ADSL", "variable": "AGE", "analysisSetId": "SAF",
         "orderedGroupings": [{"order": 1, "groupingId": "G_TRT", "resultsByGroup": True}]},
    ],
    "outputs": [{"id": "O1", "name": "kept as it is"}],
}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "adsl.csv").write_text(ADSL)
    (tmp_path / "adae.csv").write_text(ADAE)
    (tmp_path / "event.json").write_text(json.dumps(EVENT))
    return tmp_path


def _run(folder, event=EVENT):
    from tlf.ars.model import validate_event
    from tlf.ars.run import run_event
    from tlf.ars.write import load_tables

    e = validate_event(copy.deepcopy(event))
    return run_event(e, load_tables(e, [folder]))


def _by(run, analysis):
    return {(r.operation_id, tuple(g[1] or g[2] for g in r.groups)): r for r in run.results[analysis]}


def test_counts_percentages_and_means_by_hand(folder):
    run = _run(folder)
    n = _by(run, "A_N")
    assert {k: (r.value, r.formatted) for k, r in n.items()} == {
        ("M_N_1", ("G_TRT_A",)): (3, "(N=3)"), ("M_N_1", ("G_TRT_B",)): (2, "(N=2)")}  # S6 is not SAFFL
    pt = _by(run, "A_PT")
    # TEAE records of the safety set: S1 HEADACHE x2, S2 NAUSEA, S4 HEADACHE (S5 not TEAE, S6 not SAF)
    assert {k: r.value for k, r in pt.items() if k[0] == "M_CAT_n"} == {
        ("M_CAT_n", ("G_TRT_A", "HEADACHE")): 1, ("M_CAT_n", ("G_TRT_A", "NAUSEA")): 1,
        ("M_CAT_n", ("G_TRT_B", "HEADACHE")): 1, ("M_CAT_n", ("G_TRT_B", "NAUSEA")): 0}
    pct = {k[1]: (r.value, r.formatted) for k, r in pt.items() if k[0] == "M_CAT_pct"}
    assert pct[("G_TRT_A", "HEADACHE")] == (pytest.approx(100 / 3), "( 33.3)")
    assert pct[("G_TRT_B", "HEADACHE")] == (50.0, "( 50.0)")
    assert pct[("G_TRT_B", "NAUSEA")] == (0.0, "(  0.0)")
    age = _by(run, "A_AGE")
    assert age[("M_CONT_mean", ("G_TRT_A",))].value == pytest.approx(41.0)
    assert age[("M_CONT_mean", ("G_TRT_B",))].formatted == "41.5"  # (45 + 38) / 2, half away from zero
    assert age[("M_CONT_sd", ("G_TRT_A",))].formatted == "(11.00)"  # 30, 41, 52: SD 11
    assert age[("M_CONT_sd", ("G_TRT_B",))].value == pytest.approx(4.949747468, rel=1e-9)  # 7 / sqrt(2)


def test_unmapped_operation_is_listed_never_guessed(folder):
    run = _run(folder)
    assert [(u.analysis_id, u.operation_id) for u in run.unmapped] == [("A_AGE", "M_CONT_gm")]
    assert "Geometric mean" in run.unmapped[0].reason and "[ARS016]" in str(run.unmapped[0])
    assert not any(r.operation_id == "M_CONT_gm" for r in run.results["A_AGE"])


def test_where_compound_not_or_and_other_dataset(folder):
    from tlf.ars.model import models
    from tlf.ars.where import Tables
    from tlf.data.read import read_dataset

    tables = Tables({n: read_dataset(folder / f"{n}.csv", n).frame for n in ("adsl", "adae")})
    clause = models()["WhereClause"].model_validate(EVENT["dataSubsets"][1])
    # NOT MILD (S1 SEVERE) OR NAUSEA (S2): records 2 and 3
    assert tables.mask(clause, "ADAE", "k").tolist() == [False, True, True, False, False, False]
    # a condition on ADSL applied to ADAE records: the records of subjects with SEX F (S1, S3, S4)
    sex = models()["WhereClause"].model_validate(cond("ADSL", "SEX", "EQ", "F"))
    assert tables.mask(sex, "ADAE", "k").tolist() == [True, True, False, True, False, False]
    ge = models()["WhereClause"].model_validate(cond("ADSL", "AGE", "GE", "45"))
    assert tables.mask(ge, "ADSL", "k").tolist() == [False, False, True, True, False, True]


@pytest.mark.parametrize(("value", "pattern", "decimals", "text"), [
    (75.2093, "XX.X", None, "75.2"), (0.27, "XX.X", None, " 0.3"), (-3.3012, "XX.X", None, "- 3.3"),
    (-12.0, "XX.X", None, "-12.0"), (136.81, "XX.X", None, "136.8"), (8.59017, "(XX.XX)", None, "( 8.59)"),
    (1.1628, "( XX.X)", None, "(  1.2)"), (100.0, "( XX.X)", None, "(100.0)"), (86, "(N=XX)", None, "(N=86)"),
    (9, "XXX", None, "9"), (0.25, "XX.X", None, " 0.3"), (2.675, "X.XX", None, "2.68"),
    (0.59343, "X.XXXX", None, "0.5934"), (36.11, "XX", 2, "36.11"), (-0.05, "XX.X", None, "- 0.1"),
    (float("nan"), "XX.X", None, "NE"), (None, "XX", None, "NE"),
])
def test_format_by_result_pattern(value, pattern, decimals, text):
    from tlf.ars.ops import format_value

    assert format_value(value, pattern, decimals=decimals) == text


def test_model_errors_are_located(folder):
    from tlf.ars.model import read_event, validate_event
    from tlf.errors import ErrorGroup, SpecError

    bad = copy.deepcopy(EVENT)
    bad["analyses"][1]["orderedGroupings"][0]["groupingId"] = "G_TR"
    bad["dataSubsets"][1]["compoundExpression"]["whereClauses"][1]["condition"]["comparator"] = "EQUALS"
    with pytest.raises(SpecError) as e:
        validate_event(bad, "event.json")
    assert str(e.value) == ("event.json: dataSubsets[1].compoundExpression.whereClauses[1].condition.comparator: "
                            "Input should be 'EQ', 'NE', 'GT', 'GE', 'LT', 'LE', 'IN' or 'NOTIN' [ARS001]")
    bad["dataSubsets"][1]["compoundExpression"]["whereClauses"][1]["condition"]["comparator"] = "IN"
    bad["methods"].append(copy.deepcopy(bad["methods"][0]))
    with pytest.raises(ErrorGroup) as e:
        validate_event(bad, "event.json")
    assert [str(x) for x in e.value.errors] == [
        "event.json: methods[3].id: id 'M_N' is defined twice [ARS003]",
        "event.json: analyses[1].orderedGroupings[0].groupingId: no analysis grouping has id 'G_TR' "
        "(did you mean 'G_TRT'?) [ARS002]"]
    (folder / "broken.json").write_text('{"id": "RE",\n "analyses": [}')
    with pytest.raises(SpecError, match=r"broken.json:2:\d+: JSON syntax error.*\[ARS004\]"):
        read_event(folder / "broken.json")


def test_cli_writes_results_refuses_foreign_files_and_reads_yaml(folder, capsys):
    import yaml

    from tlf.cli import main

    out = folder / "out"
    args = ["ars", "run", str(folder / "event.json"), "--data", str(folder), "--out", str(out)]
    assert main(args) == 1  # the geometric mean is not mapped
    err = capsys.readouterr().err
    assert "A_AGE, operation M_CONT_gm" in err and "1 operation(s) not mapped" in err
    written = json.loads((out / "event.json").read_text())
    assert written["outputs"] == EVENT["outputs"]
    res = {(r["operationId"], r["resultGroups"][0]["groupId"]): (r["rawValue"], r["formattedValue"])
           for r in written["analyses"][0]["results"]}
    assert res == {("M_N_1", "G_TRT_A"): ("3", "(N=3)"), ("M_N_1", "G_TRT_B"): ("2", "(N=2)")}
    assert "M_CONT_gm" in (out / "event.findings.txt").read_text()
    ard = (out / "event.ard.csv").read_text().splitlines()
    assert ard[0] == ("output_id,analysis,column,variable,parent,level,stat_name,stat,decimals,sig,stat_fmt,displayed,"
                      "order,warning,method_id,operation_id,groupings,raw_value,formatted_value")
    assert len(ard) == 1 + 2 + 8 + 4
    assert "RE,A_PT,G_TRT_A,USUBJID,,HEADACHE,pct,33.333333333333336,-1,0,( 33.3),True,4," in "\n".join(ard)
    assert main(["compare", str(out / "event.ard.csv"), str(out / "event.ard.csv")]) == 0  # tlf's ARD: QC reads it
    capsys.readouterr()
    assert main(args) == 1  # its own files: overwritten
    (out / "event.ard.csv").unlink()
    (out / "event.ard.csv").write_text("someone else's\n")
    assert main(args) == 2  # tlf wrote a file of that name, since changed
    assert "[OUT004]" in capsys.readouterr().err
    assert (out / "event.ard.csv").read_text() == "someone else's\n"
    assert main([*args, "--force"]) == 1
    other = folder / "other"
    other.mkdir()
    (other / "event.json").write_text("a file tlf did not write\n")
    assert main([*args[:-1], str(other)]) == 2
    assert "[OUT003]" in capsys.readouterr().err
    assert sorted(p.name for p in other.iterdir()) == ["event.json"]  # nothing written
    (folder / "event.yaml").write_text(yaml.safe_dump(EVENT))
    assert main(["ars", "run", str(folder / "event.yaml"), "--data", str(folder), "--out", str(folder / "y")]) == 1
    assert json.loads((folder / "y" / "event.json").read_text())["analyses"][0]["results"] == \
        written["analyses"][0]["results"]


def test_value_the_data_never_take_is_a_finding(folder, capsys):
    """'headache' selects no record (the data say HEADACHE): a finding naming the value, never a silent 0;
    a value resembling nothing the data have (a race no subject has) is no finding."""
    from tlf.cli import main

    event = copy.deepcopy(EVENT)
    event["dataSubsets"][0] = {"id": "TEAE", "name": "x", "compoundExpression": {"logicalOperator": "AND",
                               "whereClauses": [cond("ADAE", "TRTEMFL", "EQ", "Y"),
                                                cond("ADAE", "AEDECOD", "IN", "headache", "DIZZINESS")]}}
    event["methods"][2]["operations"].pop()  # no unmapped operation: the finding alone sets the exit code
    (folder / "slip.json").write_text(json.dumps(event))
    run = _run(folder, event)
    assert run.slips == ["dataSubsets[0].compoundExpression.whereClauses[1].condition: ADAE.AEDECOD never "
                         "takes 'headache' (did you mean 'HEADACHE'?): the condition selects no record [ARS018]"]
    assert main(["ars", "run", str(folder / "slip.json"), "--data", str(folder), "--out", str(folder / "o")]) == 1
    assert "never takes 'headache'" in capsys.readouterr().err
    assert "[ARS018]" in (folder / "o" / "slip.findings.txt").read_text()


LOPA = {"contentsList": {"listItems": [{"name": "Summary", "level": 1, "order": 1, "outputId": "O1", "sublist": {
    "listItems": [{"name": "Subjects", "level": 2, "order": 1, "analysisId": "A_N"},
                  {"name": "Age", "level": 2, "order": 3, "analysisId": "A_AGE"},
                  {"name": "Adverse events", "level": 2, "order": 2, "analysisId": "A_PT"}]}}]}}
DISPLAY = {"id": "O1", "name": "Summary", "displays": [{"order": 1, "display": {"id": "D1", "displaySections": [
    {"sectionType": "Title", "orderedSubSections": [{"order": 1, "subSection": {"id": "t1", "text": "Table 1"}},
                                                   {"order": 2, "subSectionId": "G_T"}]},
    {"sectionType": "Footer", "orderedSubSections": [{"order": 1, "subSection": {"id": "f1", "text": "Note."}}]},
    {"sectionType": "Rowlabel Header", "orderedSubSections": [{"order": 1, "subSection": {"id": "r", "text": "Item"}}]},
]}}]}


def test_output_rendered_from_lists_of_contents_and_display_sections(folder):
    """The table of an output: its analyses in the list's order, columns the treatment groups with the
    count analysis' (N=x), titles/footnotes from the display sections (a global one resolved), cells the
    results' formattedValue; written as DOCX and XLSX by tlf's renderers."""
    import docx
    import openpyxl

    from tlf.cli import main

    event = copy.deepcopy(EVENT)
    event["methods"][2]["operations"].pop()
    # terms by severity: nested under their term's row, as preferred terms under their SOC
    event["analysisGroupings"].append({"id": "G_SEV", "name": "Severity", "groupingVariable": "AESEV",
                                       "dataDriven": True})
    sev = copy.deepcopy(event["analyses"][1])
    sev["id"] = "A_SEV"
    sev["orderedGroupings"].append({"order": 3, "groupingId": "G_SEV", "resultsByGroup": True})
    sev["referencedAnalysisOperations"][0]["analysisId"] = "A_SEV"
    event["analyses"].append(sev)
    lopa = copy.deepcopy(LOPA)
    lopa["contentsList"]["listItems"][0]["sublist"]["listItems"].append(
        {"name": "By severity", "level": 2, "order": 4, "analysisId": "A_SEV"})
    event.update(mainListOfContents=lopa, outputs=[DISPLAY],
                 globalDisplaySections=[{"sectionType": "Title", "subSections": [{"id": "G_T", "text": "Safety"}]}])
    (folder / "lopa.json").write_text(json.dumps(event))
    assert main(["ars", "run", str(folder / "lopa.json"), "--data", str(folder), "--out", str(folder / "o")]) == 0
    doc = docx.Document(str(folder / "o" / "O1.docx"))
    header = " ".join(c.text for t in doc.sections[0].header.tables for r in t.rows for c in r.cells)
    header += " ".join(p.text for p in doc.sections[0].header.paragraphs)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Table 1" in header and "Safety" in header
    assert cells[:9] == ["Item", "A\n(N=3)", "B\n(N=2)", "Adverse events", "", "", "HEADACHE", "1 ( 33.3)", "1 ( 50.0)"]
    assert cells[9:12] == ["MILD", "1 ( 33.3)", "1 ( 50.0)"]
    wb = openpyxl.load_workbook(folder / "o" / "O1.xlsx")
    assert wb.sheetnames == ["O1", "ARD"]
    rows = [[c for c in r if c] for r in sheet_texts(wb["O1"])]  # as printed
    flat = [" | ".join(str(c) for c in r) for r in rows if r]
    assert flat[:2] == ["Table 1", "Safety"] and "Item | A\n(N=3) | B\n(N=2)" in flat
    body = [f for f in flat if f.split(" | ")[0].strip() in ("HEADACHE", "NAUSEA", "MILD", "SEVERE", "Mean", "SD")]
    # S1 has HEADACHE twice (MILD and SEVERE), S4 once (MILD); S2 NAUSEA (MILD)
    assert body == ["HEADACHE | 1 ( 33.3) | 1 ( 50.0)", "MILD | 1 ( 33.3) | 1 ( 50.0)", "SEVERE | 1 ( 33.3) | 0 (  0.0)",
                    "NAUSEA | 1 ( 33.3) | 0 (  0.0)", "MILD | 1 ( 33.3) | 0 (  0.0)",
                    "Mean | 41.0 | 41.5", "SD | (11.00) | ( 4.95)"]
    assert not any(f.startswith("By severity") for f in flat)  # no block of its own
    assert any(f == "Note." for f in flat)
    ard = list(wb["ARD"].iter_rows(values_only=True))
    assert {r[1] for r in ard[1:]} == {"A_N", "A_PT", "A_AGE", "A_SEV"}


def test_data_errors_name_the_event_key_and_the_dataset(folder):
    from tlf.errors import DataError

    event = copy.deepcopy(EVENT)
    event["dataSubsets"][0]["condition"]["variable"] = "TRTEMF"
    with pytest.raises(DataError, match=r"ADAE.*TRTEMF.*dataSubsets\[0\]\.condition.*did you mean 'TRTEMFL'.*ARS012"):
        _run(folder, event)
    event = copy.deepcopy(EVENT)
    event["analyses"][2]["dataset"] = "ADVS"
    with pytest.raises(DataError, match=r"no file advs\.xpt.*\[ARS010\]"):
        _run(folder, event)


def test_yaml_event_errors_have_lines(folder):
    import yaml

    from tlf.ars.model import read_event
    from tlf.errors import SpecError

    bad = copy.deepcopy(EVENT)
    bad["analyses"][2]["methodId"] = "M_CONTT"
    (folder / "bad.yaml").write_text(yaml.safe_dump(bad, sort_keys=False))
    line = next(i for i, t in enumerate((folder / "bad.yaml").read_text().splitlines(), 1) if "M_CONTT" in t)
    with pytest.raises(SpecError) as e:
        read_event(folder / "bad.yaml")
    assert str(e.value).startswith(f"{folder / 'bad.yaml'}:{line}:")
    assert str(e.value).endswith("analyses[2].methodId: no method has id 'M_CONTT' (did you mean 'M_CONT'?) [ARS002]")


def test_an_event_count_labelled_n_is_not_taken_for_a_count_of_values(folder):
    """'Number of events' labelled 'n' is not guessed to be the non-missing count: it is listed."""
    event = copy.deepcopy(EVENT)
    event["methods"][2]["operations"][2] = {"id": "M_CONT_ev", "name": "Number of events", "label": "n"}
    run = _run(folder, event)
    assert [(u.operation_id, "Number of events" in u.reason) for u in run.unmapped] == [("M_CONT_ev", True)]
    event["methods"][2]["operations"][2] = {"id": "M_CONT_q1", "name": "Lower quartile", "label": "Q1"}
    # 30, 41, 52: n p = 0.75 is not whole, so PCTLDEF=5 takes the first value
    assert _by(_run(folder, event), "A_AGE")[("M_CONT_q1", ("G_TRT_A",))].value == 30.0


def test_output_by_a_data_driven_column_grouping(folder):
    """Columns from a data-driven grouping take the values the results have."""
    from tlf.ars.display import output_tables
    from tlf.ars.model import validate_event

    event = copy.deepcopy(EVENT)
    event["methods"][2]["operations"].pop()
    event["analysisGroupings"].append({"id": "G_ARM", "name": "Arm", "groupingVariable": "TRT01A", "dataDriven": True})
    event["analyses"][2]["orderedGroupings"][0]["groupingId"] = "G_ARM"
    event["mainListOfContents"] = {"contentsList": {"listItems": [{"name": "x", "level": 1, "order": 1, "outputId": "O1",
                                   "sublist": {"listItems": [{"name": "Age", "level": 2, "order": 1,
                                                              "analysisId": "A_AGE"}]}}]}}
    run = _run(folder, event)
    ((table, ids),) = output_tables(validate_event(event), event, run)
    assert [c.label for c in table.columns] == ["A", "B"] and ids == ["A_AGE"]
    assert [(r.label, r.cells) for r in table.rows if r.kind == "data"] == [("Mean", ("41.0", "41.5")),
                                                                           ("SD", ("(11.00)", "( 4.95)"))]
