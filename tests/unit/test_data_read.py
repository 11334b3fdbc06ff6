"""Reading datasets: `keep` (read only the variables a study needs) for SAS and CSV files, and the
text normalisation (str with "" for missing, numbers untouched) that every reader ends with."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import STUDY_YAML, write_study
from tlf.build import build
from tlf.data.read import clean_control_characters, read_dataset
from tlf.errors import DataError


@pytest.fixture
def xpt(tmp_path):
    import pyreadstat

    df = pd.DataFrame({"USUBJID": ["S-01", "S-02", "S-03"], "PARAMCD": ["GLUC", "GLUC", ""],
                       "AVISIT": ["        Baseline", "         Week 20", "Week 20"],
                       "AVAL": [5.1, float("nan"), 6.0], "UNUSED": ["a", "b", "c"]})
    path = tmp_path / "adlb.xpt"
    pyreadstat.write_xport(df, str(path), file_format_version=5, column_labels=["Subject", "Param", "Visit",
                                                                                "Value", "Unused"])
    return path


def test_keep_reads_only_the_listed_variables(xpt):
    ds = read_dataset(xpt, "adlb", keep=["usubjid", "AVAL", "avisit"])  # SAS names: any case
    assert sorted(ds.frame.columns) == ["AVAL", "AVISIT", "USUBJID"]
    assert ds.labels["AVAL"] == "Value" and "UNUSED" not in ds.labels
    assert ds.frame.AVISIT.tolist() == ["        Baseline", "         Week 20", "Week 20"]  # values untouched


def test_keep_names_a_variable_the_file_lacks(xpt, tmp_path):
    with pytest.raises(DataError) as e:
        read_dataset(xpt, "adlb", keep=["USUBJID", "AVALL"])
    assert "AVALL" in str(e.value) and "data.datasets.adlb.keep" in str(e.value) and "AVAL" in str(e.value)
    csv = tmp_path / "adlb.csv"
    csv.write_text("USUBJID,AVAL,X\nS-01,1,a\n")
    assert list(read_dataset(csv, "adlb", keep=["aval", "USUBJID"]).frame.columns) == ["AVAL", "USUBJID"]
    with pytest.raises(DataError, match="Y"):
        read_dataset(csv, "adlb", keep=["Y"])


def test_text_is_str_with_empty_missing_and_numbers_stay_numbers(xpt):
    f = read_dataset(xpt, "adlb").frame
    assert f.PARAMCD.dtype == object and f.PARAMCD.tolist() == ["GLUC", "GLUC", ""]
    assert all(type(v) is str for v in f.USUBJID)
    assert f.AVAL.dtype == "float64" and f.AVAL.isna().sum() == 1


def test_control_characters_found_by_distinct_value():
    frame = pd.DataFrame({"USUBJID": ["S-1", "S-2", "S-3"], "T": ["ok", "bad\x0bvalue", "bad\x0bvalue"],
                          "N": [1.0, 2.0, 3.0]})
    out, notes = clean_control_characters(frame, "ae")
    assert out["T"].tolist() == ["ok", "bad value", "bad value"]
    assert len(notes) == 1 and "ae.T: 2 value(s)" in notes[0] and "USUBJID S-2" in notes[0]
    assert frame["T"].tolist()[1] == "bad\x0bvalue"  # the input is not changed


def test_keep_in_study_yaml_adds_the_subject_id(tmp_path):
    study = STUDY_YAML.replace("adae: {file: adae.csv}", "adae: {file: adae.csv, keep: [AEDECOD, AEBODSYS, TRTEMFL]}")
    specs = write_study(tmp_path, study=study)
    report = build(specs, tmp_path / "out", ["all"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
