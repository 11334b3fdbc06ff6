"""Reading datasets: `keep` (read only the variables a study needs) for SAS and CSV files, and the
text normalisation (str with "" for missing, numbers untouched) that every reader ends with."""

from __future__ import annotations

from pathlib import Path

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


# --- a SAS transport file cut short is an error, not a smaller dataset (issue 14) -------------------------------

STUDY_A_ADSL = Path(__file__).resolve().parents[2] / "tlf" / "examples" / "data" / "study_a" / "adsl.xpt"


def _data_start(raw: bytes) -> int:
    """Offset of the first observation: after the OBS header record."""
    return raw.index(b"HEADER RECORD*******OBS     HEADER RECORD") + 80


@pytest.mark.parametrize("cut", ["60%", "mid-record", "record boundary", "in the header"])
def test_truncated_xpt_is_an_error_naming_the_file(tmp_path, cut):
    raw = STUDY_A_ADSL.read_bytes()
    start = _data_start(raw)
    length = 539  # ADSL's observation length (the NAMESTR records' largest position + length)
    size = {"60%": int(len(raw) * 0.6),
            "mid-record": start + 20 * length + 17,  # inside an 80-byte record and an observation
            # a whole number of 80-byte records, rows lost: the cut falls inside observation 21
            "record boundary": start + (20 * length // 80 + 1) * 80,
            "in the header": start - 80 - 40}[cut]
    path = tmp_path / "adsl.xpt"
    path.write_bytes(raw[:size])
    with pytest.raises(DataError) as e:
        read_dataset(path, "adsl")
    assert "adsl.xpt" in str(e.value) and e.value.code in ("DATA006", "DATA007")
    assert "incomplete" in str(e.value) or "ends inside an observation" in str(e.value)
    if cut == "record boundary":
        assert size % 80 == 0 and e.value.code == "DATA007"


def test_intact_xpt_reads(tmp_path):
    path = tmp_path / "adsl.xpt"
    path.write_bytes(STUDY_A_ADSL.read_bytes())
    assert len(read_dataset(path, "adsl").frame) == 42


def test_xpt_v8_whose_header_count_disagrees_is_an_error(tmp_path):
    """Observations of exactly 80 bytes: a file missing its last records is a whole file of fewer
    observations but for the version 8 OBSV8 header, which gives the number of observations."""
    import pyreadstat

    path = tmp_path / "adae.xpt"
    df = pd.DataFrame({"USUBJID": [f"S-{i:02d}" for i in range(10)], "TERM": ["x" * 76] * 10})  # 4 + 76 bytes
    pyreadstat.write_xport(df, str(path), file_format_version=8)
    raw = path.read_bytes()
    assert len(read_dataset(path, "adae").frame) == 10
    assert len(raw) - _data_start_v8(raw) == 10 * 80  # no padding: a cut after a record loses whole rows
    path.write_bytes(raw[:len(raw) - 2 * 80])
    with pytest.raises(DataError, match=r"header gives 10 observations but 8 were read.*\[DATA007\]"):
        read_dataset(path, "adae")


def _data_start_v8(raw: bytes) -> int:
    return raw.index(b"HEADER RECORD*******OBSV8   HEADER RECORD") + 80


def test_xpt_with_two_datasets_is_an_error(tmp_path):
    """The reader reads the first dataset of a file and the second one's headers as observations."""
    raw = STUDY_A_ADSL.read_bytes()
    path = tmp_path / "adsl.xpt"
    path.write_bytes(raw + raw[3 * 80:])  # a second member: its headers, NAMESTRs and observations
    with pytest.raises(DataError, match=r"adsl\.xpt: holds more than one dataset.*\[DATA008\]"):
        read_dataset(path, "adsl")


# --- text compares without trailing blanks, as in SAS (issue 14) ------------------------------------------------

def test_trailing_blanks_are_removed_by_every_reader_and_leading_ones_kept(tmp_path):
    frame = pd.DataFrame({"USUBJID": ["S-05 ", "S-06"], "TRT01A": ["Placebo   ", "  Drug A "], "AVAL": [1.0, 2.0]})
    csv = tmp_path / "a.csv"
    frame.to_csv(csv, index=False)
    parquet = tmp_path / "a.parquet"
    frame.to_parquet(parquet)
    xpt = tmp_path / "a.xpt"
    import pyreadstat

    pyreadstat.write_xport(frame, str(xpt), file_format_version=5)
    for path in (csv, parquet, xpt):
        f = read_dataset(path, "a").frame
        assert f.USUBJID.tolist() == ["S-05", "S-06"], path
        assert f.TRT01A.tolist() == ["Placebo", "  Drug A"], path
        assert f.AVAL.tolist() == [1.0, 2.0]
