"""Listings: spec checks, records (population, filter, sort, subject variables), formats (ISO dates from
SAS numeric dates, study day without day 0), key columns, page-by groups, empty listings, bad input."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.conftest import write_study
from tlf.build import build, compute_output, prepare
from tlf.errors import ErrorGroup, SpecError
from tlf.spec.validate import load_study

# SAS dates: days since 1960-01-01. 20089 = 2015-01-01, 20088 = 2014-12-31.
ADSL = """USUBJID,SUBJID,TRT01A,SAFFL,AGE,SEX,TRTSDT
S-01,101,Drug A,Y,30,F,20089
S-02,102,Drug A,Y,41,M,20089
S-03,103,Placebo,Y,52,F,20100
S-04,104,Placebo,Y,45,F,
S-05,105,Placebo,N,38,M,20100
"""
ADEX = """USUBJID,EXDURD
S-01,10
S-02,12
S-03,5
S-04,11
"""
ADAE = """USUBJID,TRTA,AESEQ,AEDECOD,AESEV,AESER,ASTDT,AENDT
S-01,Drug A,1,Headache,MILD,N,20089,20090
S-01,Drug A,2,Nausea,SEVERE,Y,20088,
S-01,Drug A,3,Rash,MILD,N,20120,20121
S-02,Drug A,1,Headache,MODERATE,N,20095,20096
S-03,Placebo,1,Dizziness,MILD,N,20110,2015-02-01
S-04,Placebo,1,Cough,MILD,N,,
S-05,Placebo,1,Fever,MILD,N,20101,
"""
STUDY = """\
study: {id: LST-001, title: Listing study}
data:
  dir: data
  datasets:
    adsl: {file: adsl.csv}
    adex: {file: adex.csv}
    adae: {file: adae.csv}
populations:
  SAF:
    label: Safety Population
    has_records: {dataset: adex, where: "EXDURD > 0"}
    flag: SAFFL
columns:
  arms:
    - {id: a, label: Drug A, var: TRT01A, value: Drug A}
"""
AE_LISTING = """\
id: l-ae
type: listing
number: Listing 16.2.7.1
title: Adverse events
population: SAF
dataset: adae
subject_vars: [SUBJID, AGE, SEX, TRTSDT]
sort: [{var: TRTA, order: [Placebo, Drug A]}, SUBJID, ASTDT]
columns:
  - {var: TRTA, label: Treatment, key: true}
  - {var: SUBJID, label: Subject, key: true}
  - {vars: [AGE, SEX], sep: "/", label: Age/Sex}
  - {var: AEDECOD, label: Preferred term}
  - {var: ASTDT, label: Start, format: date}
  - {var: ASTDT, label: Day, format: studyday, ref: TRTSDT, align: right}
  - {var: AESEV, label: Severity, map: {MILD: Mild, MODERATE: Moderate, SEVERE: Severe}}
footnotes: ["Study day 1 is the day of the first dose."]
"""


def listing_study(tmp_path: Path, outputs: dict[str, str] | None = None, adae: str = ADAE) -> Path:
    specs = write_study(tmp_path, adsl=ADSL, adex=ADEX, adae=adae, study=STUDY,
                        outputs=outputs if outputs is not None else {"l-ae": AE_LISTING})
    return specs


def listing_of(specs: Path, output_id: str = "l-ae"):
    study = load_study(specs)
    data, pops, _ = prepare(study)
    return compute_output(study, study.output(output_id), data, pops)


def cells(listing) -> list[tuple[str, ...]]:
    return [r.cells for r in listing.table.rows]


def test_records_population_sort_formats_and_keys(tmp_path):
    records, listing = listing_of(listing_study(tmp_path))
    # S-05 is not in the safety population (no exposure); Placebo first by the sort order; S-04 has no date
    assert cells(listing) == [
        ("Placebo", "103", "52/F", "Dizziness", "2015-01-22", "11", "Mild"),
        ("", "104", "45/F", "Cough", "", "", "Mild"),
        ("Drug A", "101", "30/F", "Nausea", "2014-12-31", "-1", "Severe"),  # the day before day 1 is -1
        ("", "", "30/F", "Headache", "2015-01-01", "1", "Mild"),  # the first dose day is day 1: no day 0
        ("", "", "30/F", "Rash", "2015-02-01", "32", "Mild"),
        ("", "102", "41/M", "Headache", "2015-01-07", "7", "Moderate"),
    ]
    assert list(records.USUBJID) == ["S-03", "S-04", "S-01", "S-01", "S-01", "S-02"]
    assert listing.table.kind == "listing" and listing.table.repeat_keys == 2
    assert listing.table.population == "Safety Population"
    assert listing.table.footnotes[0] == "Study day 1 is the day of the first dose."
    assert [c.label for c in listing.table.columns][:3] == ["Treatment", "Subject", "Age/Sex"]
    assert listing.table.columns[5].align == "right"


def test_study_day_matches_the_adam_convention():
    import pandas as pd

    from tlf.data.dates import as_timestamps, study_day

    ref = as_timestamps(pd.Series([20089.0] * 5))
    dates = as_timestamps(pd.Series([20087.0, 20088.0, 20089.0, 20090.0, float("nan")]))
    assert study_day(dates, ref).tolist()[:4] == [-2.0, -1.0, 1.0, 2.0]
    assert pd.isna(study_day(dates, ref).iloc[4])


def test_dates_from_every_representation():
    import datetime as dt

    import pandas as pd

    from tlf.data.dates import as_timestamps
    from tlf.format.values import fmt_dates

    sas = pd.Series([0.0, 20232.0, float("nan")])
    assert fmt_dates(as_timestamps(sas), sas) == ["1960-01-01", "2015-05-24", ""]
    objs = pd.Series([dt.date(2015, 5, 24), None], dtype=object)
    assert fmt_dates(as_timestamps(objs), objs) == ["2015-05-24", ""]
    text = pd.Series(["2015-05-24", "2015-05", "", "2015-05-24T10:30"], dtype=object)
    assert fmt_dates(as_timestamps(text), text) == ["2015-05-24", "2015-05", "", "2015-05-24"]  # partial as written
    secs = pd.Series([20232.0 * 86400 + 3600 * 10.5])
    assert fmt_dates(as_timestamps(secs, datetime=True), secs, with_time=True) == ["2015-05-24T10:30"]


def test_text_values_print_as_stored():
    from tlf.format.values import fmt_integers, fmt_numbers, fmt_texts

    assert fmt_texts(["MILD ", 64.0, 94.9, float("nan"), None, 3]) == ["MILD", "64", "94.9", "", "", "3"]
    assert fmt_texts([1.0, 2.0, "Y"], {1: "DE", "2": "ATEP", "Y": "Yes"}) == ["DE", "ATEP", "Yes"]
    assert fmt_integers([76.0, float("nan"), -1.0]) == ["76", "", "-1"]
    assert fmt_numbers([2.675, 0.05, float("nan")], 2) == ["2.68", "0.05", ""]  # half away from zero


def test_page_by_groups_in_order_with_headings(tmp_path):
    spec = AE_LISTING.replace("sort: [{var: TRTA, order: [Placebo, Drug A]}, SUBJID, ASTDT]",
                              "page_by: {var: TRTA, label: Arm, order: [Placebo, Drug A]}\nsort: [SUBJID, ASTDT]")
    spec = spec.replace("  - {var: TRTA, label: Treatment, key: true}\n", "")
    _, listing = listing_of(listing_study(tmp_path, {"l-ae": spec}))
    assert [g.heading for g in listing.groups] == ["Arm: Placebo", "Arm: Drug A"]
    assert [(g.first, g.end) for g in listing.groups] == [(0, 2), (2, 6)]
    parts = listing.parts()
    assert [p.subtitle for p in parts] == ["Arm: Placebo", "Arm: Drug A"]
    assert parts[1].rows[0].cells[0] == "101"  # keys restart in every group
    assert listing.parts()[0] is not listing.table


def test_page_by_label_defaults_to_the_variable_label(tmp_path):
    spec = AE_LISTING.replace("sort: [{var: TRTA, order: [Placebo, Drug A]}, SUBJID, ASTDT]", "page_by: SUBJID")
    _, listing = listing_of(listing_study(tmp_path, {"l-ae": spec}))
    assert [g.heading for g in listing.groups] == ["SUBJID: 101", "SUBJID: 102", "SUBJID: 103", "SUBJID: 104"]


def test_sort_missing_last_numbers_as_numbers_and_descending(tmp_path):
    spec = AE_LISTING.replace("sort: [{var: TRTA, order: [Placebo, Drug A]}, SUBJID, ASTDT]",
                              "sort: [{var: ASTDT, descending: true}, AESEQ]")
    records, _ = listing_of(listing_study(tmp_path, {"l-ae": spec}))
    assert records.ASTDT.tolist()[:5] == [20120.0, 20110.0, 20095.0, 20089.0, 20088.0]
    assert records.USUBJID.iloc[-1] == "S-04"  # no start date: last


def test_multi_variable_columns_leave_out_empty_parts(tmp_path):
    spec = AE_LISTING.replace("  - {var: AEDECOD, label: Preferred term}",
                              '  - {vars: [AEDECOD, AENDT], sep: " to ", label: Term, format: text}')
    _, listing = listing_of(listing_study(tmp_path, {"l-ae": spec}))
    terms = [r[3] for r in cells(listing)]
    assert terms[1] == "Cough" and terms[0] == "Dizziness to 2015-02-01"


def test_number_format_rounds_half_away(tmp_path):
    lines = ADAE.splitlines()
    doses = ["DOSE", "2.25", "0.05", "", "1", "1", "1", "1"]
    adae = "\n".join(f"{line},{d}" for line, d in zip(lines, doses, strict=True)) + "\n"
    spec = AE_LISTING.replace("  - {var: AEDECOD, label: Preferred term}",
                              "  - {var: DOSE, label: Dose, format: number, decimals: 1}")
    _, listing = listing_of(listing_study(tmp_path, {"l-ae": spec}, adae=adae))
    assert [r[3] for r in cells(listing)] == ["1.0", "1.0", "0.1", "2.3", "", "1.0"]


# --- bad input ------------------------------------------------------------------------------------------


def test_every_missing_variable_is_reported_at_its_key(tmp_path):
    spec = AE_LISTING.replace("  - {var: AEDECOD, label: Preferred term}", "  - {var: AEDECD, label: Preferred term}")
    spec = spec.replace("SUBJID, ASTDT]", "SUBJID, ASTDTM]").replace("subject_vars: [SUBJID, AGE, SEX, TRTSDT]",
                                                                     "subject_vars: [SUBJID, AGE, SEX, TRTSDT, RACE]")
    specs = listing_study(tmp_path, {"l-ae": spec})
    study = load_study(specs)
    data, pops, _ = prepare(study)
    with pytest.raises(ErrorGroup) as e:
        compute_output(study, study.output("l-ae"), data, pops)
    msgs = [str(x) for x in e.value.errors]
    assert any("l-ae.yaml:7:" in m and "subject_vars[4]: variable 'RACE' not found in the subject-level dataset adsl"
               in m and "[SPEC073]" in m for m in msgs), msgs
    assert any("l-ae.yaml:13:" in m and "columns[3].var: variable 'AEDECD' not found in dataset adae" in m
               and "did you mean 'AEDECOD'?" in m and "[SPEC070]" in m for m in msgs), msgs
    assert any("l-ae.yaml:8:" in m and "sort[2]: sort key 'ASTDTM' not found" in m and "did you mean 'ASTDT'?" in m
               and "[SPEC071]" in m for m in msgs), msgs


def test_missing_sort_key_and_page_by_fail_the_output_not_the_build(tmp_path):
    spec = AE_LISTING.replace("sort: [{var: TRTA, order: [Placebo, Drug A]}, SUBJID, ASTDT]",
                              "page_by: ARM\nsort: [{var: TRTB}]")
    specs = listing_study(tmp_path, {"l-ae": spec, "l-ok": AE_LISTING.replace("id: l-ae", "id: l-ok")})
    report = build(specs, tmp_path / "out", ["all"])
    res = {o.output_id: o for o in report.outputs}
    assert res["l-ok"].status == "built" and res["l-ae"].status == "failed"
    text = str(res["l-ae"].error)
    assert "page_by: page-by variable 'ARM' not found in dataset adae" in text and "[SPEC072]" in text
    assert "sort[0].var: sort key 'TRTB' not found" in text and "did you mean 'TRTA'?" in text
    assert not (tmp_path / "out" / "l-ae.docx").exists()


@pytest.mark.parametrize(("change", "key", "message", "code"), [
    (("  - {var: SUBJID, label: Subject, key: true}", "  - {var: SUBJID, label: Subject}"),
     "columns[2].key", "key columns must come first", "SPEC075"),
    ((", ref: TRTSDT", ""), "columns[5]", "format 'studyday' needs 'ref'", "SPEC013"),
    (("{var: AESEV, label: Severity,", "{var: AESEV, vars: [AESER], label: Severity,"), "columns[6]",
     "exactly one of 'var' or 'vars'", "SPEC013"),
    (("dataset: adae", "dataset: adea"), "dataset", "unknown dataset 'adea' (did you mean 'adae'?)", "SPEC032"),
    (("label: Severity,", "lable: Severity,"), "columns[6].lable", "unknown key 'lable' (did you mean 'label'?)",
     "SPEC010"),
    (("format: date}", "format: isodate}"), "columns[4].format", "expected 'text', 'date'", "SPEC013"),
])
def test_spec_errors_are_located(tmp_path, change, key, message, code):
    spec = AE_LISTING.replace(*change)
    if key == "columns[2].key":  # make a key column follow a non-key one
        spec = spec.replace("  - {vars: [AGE, SEX], sep: \"/\", label: Age/Sex}",
                            "  - {vars: [AGE, SEX], sep: \"/\", label: Age/Sex, key: true}")
    specs = listing_study(tmp_path, {"l-ae": spec})
    with pytest.raises((SpecError, ErrorGroup)) as e:
        load_study(specs)
    errors = e.value.errors if isinstance(e.value, ErrorGroup) else [e.value]
    assert any(err.key == key and message in err.message and err.code == code and err.location.line > 0
               for err in errors), [str(x) for x in errors]


def test_empty_listing_prints_no_data_to_report(tmp_path):
    spec = AE_LISTING.replace("dataset: adae", "dataset: adae\nwhere: \"AESEV == 'FATAL'\"")
    specs = listing_study(tmp_path, {"l-ae": spec})
    out = tmp_path / "out"
    report = build(specs, out, ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    import docx
    from openpyxl import load_workbook

    doc = docx.Document(str(out / "l-ae.docx"))
    [table] = doc.tables
    assert [c.text for c in table.rows[0].cells][:2] == ["Treatment", "Subject"]
    assert len(table.rows) == 2 and table.rows[1].cells[0].text == "No data to report"
    assert len(table.rows[1]._tr.findall(".//{*}tc")) == 1  # one cell across the whole width
    ws = load_workbook(out / "l-ae.xlsx").worksheets[0]
    texts = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert "No data to report" in texts and "Adverse events" in texts
    assert (out / "l-ae.data.csv").read_text().startswith("USUBJID,")


def test_listing_of_the_subject_level_dataset_needs_no_subject_vars(tmp_path):
    spec = textwrap.dedent("""\
        id: l-subj
        type: listing
        number: Listing 16.2.4
        title: Subjects
        population: SAF
        dataset: adsl
        subject_vars: [AGE]
        columns: [{var: SUBJID, label: Subject}]
        """)
    specs = listing_study(tmp_path, {"l-subj": spec})
    with pytest.raises(SpecError, match=r"subject_vars: the listing's dataset is the subject-level dataset"):
        load_study(specs)
