"""Inputs that used to end in a traceback or a wrong number (issue 15, item 2): each is now a located
error (file, line, key; or dataset, variable, subject and value) or the behaviour a SAS user expects."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from tests.conftest import ADSL_CSV, DEMOG_YAML, STUDY_YAML, write_study
from tlf.build import build
from tlf.data import expr as ex
from tlf.errors import DataError, SpecError, TlfError
from tlf.spec.validate import load_study


def _errors(report) -> list[str]:
    return [str(o.error) for o in report.outputs if o.error]


def _with_analysis(line: str) -> dict[str, str]:
    return {"t-demog": DEMOG_YAML.replace("analyses:\n", "analyses:\n" + line + "\n")}


# --- expressions ------------------------------------------------------------------------------------

def _sas_dates(tmp_path: Path):
    """A frame as tlf reads an XPT file whose TRTSDT has a DATE9. format: Python dates."""
    import pandas as pd
    import pyreadstat

    from tlf.data.read import read_dataset

    df = pd.DataFrame({"USUBJID": ["S-01", "S-02", "S-03"],
                       "TRTSDT": [dt.date(2017, 12, 31), dt.date(2018, 1, 1), dt.date(2018, 2, 1)]})
    pyreadstat.write_xport(df, str(tmp_path / "adsl.xpt"), file_format_version=5,
                           variable_format={"TRTSDT": "DATE9."})
    return read_dataset(tmp_path / "adsl.xpt", "adsl").frame


def test_sas_date_compared_with_iso_text_compares_as_dates(tmp_path):
    frame = _sas_dates(tmp_path)

    def where(text):
        return ex.evaluate(ex.parse(text), frame).tolist()

    assert where("TRTSDT >= '2018-01-01'") == [False, True, True]
    assert where("TRTSDT == '2018-01-01'") == [False, True, False]
    assert where("TRTSDT in ('2017-12-31', '2018-02-01')") == [True, False, True]
    with pytest.raises(ex.ExprError, match=r"date variable TRTSDT with '01JAN2018'.*ISO 8601"):
        where("TRTSDT >= '01JAN2018'")


def test_a_list_mixing_dates_and_other_values_is_an_error_not_false(tmp_path):
    frame = _sas_dates(tmp_path)
    with pytest.raises(ex.ExprError, match=r"date variable TRTSDT with 5 in .*ISO 8601"):
        ex.evaluate(ex.parse("TRTSDT in ('2018-01-01', 5)"), frame)


@pytest.mark.parametrize("text, says", [
    ("AGE in (65, '70')", "compares number variable AGE with the text '70'"),
    ("SEX in ('M', 1)", "compares text variable SEX with the number 1"),
])
def test_a_list_value_of_another_type_than_its_variable_is_an_error(text, says):
    import pandas as pd

    frame = pd.DataFrame({"AGE": [65, 70], "SEX": ["M", "F"]})
    with pytest.raises(ex.ExprError, match=says):  # it would never match: the filter would drop its records
        ex.evaluate(ex.parse(text), frame)
    assert ex.evaluate(ex.parse("AGE in (65, 70.0)"), frame).tolist() == [True, True]


@pytest.mark.parametrize("text, op", [("AGE + SEX > 3", "+"), ("abs(SEX) > 1", "abs()"), ("-SEX > 1", "- (sign)")])
def test_arithmetic_on_text_is_a_located_spec_error(tmp_path, text, op):
    specs = write_study(tmp_path, outputs=_with_analysis(f'  - {{id: x, type: count, label: X, where: "{text}"}}'))
    errors = _errors(build(specs, tmp_path / "out", ["t-demog"]))
    assert len(errors) == 1
    msg = errors[0]
    assert "t-demog.yaml:8:" in msg and "analyses[0].where" in msg and "[SPEC040]" in msg
    assert f"{op} needs numbers" in msg and "variable SEX is text" in msg and repr(text) in msg
    assert "internal error" not in msg


# --- dates and numbers in the data -----------------------------------------------------------------

def test_ongoing_date_9999_12_31_prints_in_a_listing(tmp_path):
    from tests.unit.test_listings import ADAE, listing_of, listing_study

    iso = ADAE
    for num, text in (("20089", "2015-01-01"), ("20088", "2014-12-31"), ("20090", "2015-01-02"),
                      ("20110", "2015-01-22"), ("20120", "2015-02-01"), ("20121", "2015-02-02"),
                      ("20095", "2015-01-07"), ("20096", "2015-01-08"), ("20101", "2015-01-12")):
        iso = iso.replace(f",{num}", f",{text}")
    iso = iso.replace("Rash,MILD,N,2015-02-01", "Rash,MILD,N,9999-12-31")
    _, listing = listing_of(listing_study(tmp_path, adae=iso))
    rash = next(r.cells for r in listing.table.rows if "Rash" in r.cells)
    assert "9999-12-31" in rash and "2916461" in rash  # the date, and its study day from 2015-01-01


def test_huge_value_in_a_continuous_summary_is_a_data_error_naming_it(tmp_path):
    specs = write_study(tmp_path, adsl=ADSL_CSV.replace(",70.5,", ",1e26,"))
    errors = _errors(build(specs, tmp_path / "out", ["t-demog"]))
    assert errors == [errors[0]] and errors[0].startswith("adsl.WEIGHT (USUBJID S-01): value 1e+26")
    assert "[DATA046]" in errors[0]


def test_geometric_cv_of_values_over_many_magnitudes_does_not_overflow():
    from tlf.stats.descriptive import describe

    assert describe([1e-300, 1e14]).geocv == float("inf")


def test_csv_with_columns_differing_only_in_case_names_file_and_columns(tmp_path):
    adsl = ADSL_CSV.replace("WEIGHT,RACE", "WEIGHT,age")
    specs = write_study(tmp_path, adsl=adsl)
    with pytest.raises(DataError, match=r"adsl\.csv has columns whose names repeat or differ only in case: 'AGE' and 'age'"
                       r".*\[DATA009\]"):
        build(specs, tmp_path / "out", ["t-demog"])


def test_csv_with_a_column_name_written_twice_is_an_error_not_age_dot_1(tmp_path):
    adsl = ADSL_CSV.replace("WEIGHT,RACE", "WEIGHT,AGE")  # pandas would quietly call the second one AGE.1
    specs = write_study(tmp_path, adsl=adsl)
    with pytest.raises(DataError, match=r"adsl\.csv has columns whose names repeat or differ only in case: 'AGE' and "
                       r"'AGE'.*\[DATA009\]"):
        build(specs, tmp_path / "out", ["t-demog"])


# --- the spec folder -------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["folder", "symlink loop", "NUL byte"])
def test_odd_files_in_the_spec_folder_are_located_spec_errors(tmp_path, case):
    specs = write_study(tmp_path)
    if case == "folder":
        (specs / "x.yaml").mkdir()
        where, want = "x.yaml", "is a folder, not a spec file"
    elif case == "symlink loop":
        os.symlink(specs / "loop.yaml", specs / "loop.yaml")
        where, want = "loop.yaml", "cannot read the spec file"
    else:
        (specs / "t-demog.yaml").write_text(DEMOG_YAML.replace("Demographics", "Demo\x00graphics"))
        where, want = "t-demog.yaml:4:12", "character #x0000 is not allowed"
    with pytest.raises(SpecError) as e:
        load_study(specs)
    assert where in str(e.value) and want in str(e.value)


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_stub_width_must_be_a_finite_number(tmp_path, value):
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML + f"stub_width: {value}\n"})
    with pytest.raises(SpecError, match=r"t-demog\.yaml:12:1: stub_width: expected a finite number"):
        load_study(specs)


def test_empty_spec_says_it_is_empty_and_names_the_types(tmp_path):
    specs = write_study(tmp_path, outputs={"t-demog": "# nothing yet\n"})
    with pytest.raises(SpecError, match=r"t-demog\.yaml:1:1: the file is empty: .*'type' \(one of: table, figure, "
                       r"listing\) \[SPEC011\]"):
        load_study(specs)


def test_missing_type_of_an_analysis_names_the_types(tmp_path):
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML.replace("{id: age, type: continuous,", "{id: age,")})
    with pytest.raises(SpecError, match=r"analyses\[0\]: missing required key 'type' \(one of: count, categorical, "
                       r"continuous,"):
        load_study(specs)


def test_title_given_as_a_mapping_says_what_was_given(tmp_path):
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML.replace("title: Demographics", "title: {a: 1}")})
    with pytest.raises(SpecError) as e:
        load_study(specs)
    assert str(e.value).endswith("t-demog.yaml:4:1: title: expected a string or a list, got a mapping {'a': 1} "
                                 "[SPEC013]")


def test_bad_template_in_study_yaml_is_located_in_study_yaml(tmp_path):
    specs = write_study(tmp_path, study=STUDY_YAML + "footnotes: ['{{ foo. }}']\n", outputs={"t-demog": DEMOG_YAML})
    errors = _errors(build(specs, tmp_path / "out", ["t-demog"]))
    assert len(errors) == 1
    assert "study.yaml:23:13: footnotes[0]: bad template" in errors[0]
    assert "(filled for output t-demog) [SPEC052]" in errors[0]


# --- a hand-edited manifest ------------------------------------------------------------------------

def test_hand_edited_manifest_is_replaced_with_a_warning(tmp_path):
    specs = write_study(tmp_path)
    out = tmp_path / "out"
    build(specs, out, ["t-demog"])
    (out / "manifest.json").write_text("{not json")
    report = build(specs, out, ["t-demog"], force=True)
    assert report.ok
    assert any("manifest.json: not valid JSON" in w and "a new manifest is written" in w for w in report.warnings)
    assert json.loads((out / "manifest.json").read_text())["outputs"]["t-demog"]


@pytest.mark.parametrize("edit, says", [
    (lambda m: m["outputs"].update({"t-demog": 5}), "outputs.t-demog is a number, expected a mapping"),
    (lambda m: m["outputs"]["t-demog"].update(files=[1]), "outputs.t-demog.files is a list"),
    (lambda m: m.update(inputs=3), "inputs is a number, expected a mapping"),
])
def test_verify_of_a_manifest_with_wrong_types_names_the_file_and_key(tmp_path, edit, says):
    from tlf.qc.verify import verify_build

    specs = write_study(tmp_path)
    out = tmp_path / "out"
    build(specs, out, ["t-demog"])
    m = json.loads((out / "manifest.json").read_text())
    edit(m)
    (out / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(TlfError, match="manifest.json: " + says.replace("(", r"\(")):
        verify_build(out)
