"""Issue 15 items 4 and 7: text that would start a spreadsheet formula is neutralised in every CSV tlf writes
(OWASP: a leading ') and stored as text in every XLSX; tlf's readers undo the quote, so `tlf compare` of
production against itself stays clean. CSV reading takes R's NA as missing where a column is numeric (or
the values `data.missing_values` lists, everywhere), and "is text" errors name the value and the subject."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.conftest import ADEX_CSV, ADSL_CSV, AE_YAML, DEMOG_YAML, STUDY_YAML, write_study
from tlf.build import build
from tlf.cli import main
from tlf.data.csv_text import csv_restore, csv_restore_frame, csv_safe, csv_safe_frame
from tlf.data.read import read_dataset
from tlf.errors import DataError
from tlf.stats.linear import prepare

FORMULAS = ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3"]
ADAE = """USUBJID,AESEQ,AEDECOD,AEBODSYS,AESEV,TRTEMFL,AEDUR
S-01,1,=1+1,Nervous system disorders,MILD,Y,-3
S-01,2,@SUM(A1),Nervous system disorders,SEVERE,Y,2
S-02,1,+cmd|' /C calc'!A0,Gastrointestinal disorders,MILD,Y,1.5
S-04,1,-2+3,Nervous system disorders,MILD,Y,3
S-05,1,Rash,Skin and subcutaneous tissue disorders,MILD,N,10
"""
LISTING = """\
id: l-ae
type: listing
number: Listing 1
title: Adverse events
population: SAF
dataset: adae
sort: [USUBJID, AESEQ]
columns:
  - {var: USUBJID, label: Subject, key: true}
  - {var: AESEQ, label: Seq, format: integer}
  - {var: AEDECOD, label: Preferred term}
  - {var: AEDUR, label: Duration (days), format: number, decimals: 1}
"""


# --- the rule ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, written", [
    ("=1+1", "'=1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-0.52 (0.10)", "'-0.52 (0.10)"),
    ("-3", "-3"), ("+1.5", "+1.5"), ("-2.1e-3", "-2.1e-3"),  # plain numbers: no spreadsheet runs them
    ("Headache", "Headache"), ("", ""), ("'quoted", "'quoted"), ("'=x", "''=x"), ("'-3", "'-3"),
])
def test_csv_safe_quotes_formula_text_and_restores_it(text, written):
    assert csv_safe(text) == written
    assert csv_restore(written) == text


def test_frames_round_trip_and_numbers_are_untouched():
    frame = pd.DataFrame({"t": [*FORMULAS, "'=x", "ok", ""], "n": [-3.0, 1, 2, 3, 4, 5, float("nan")]})
    safe = csv_safe_frame(frame)
    assert list(safe.t) == ["'=1+1", "'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3", "''=x", "ok", ""]
    assert safe.n.equals(frame.n)
    pd.testing.assert_frame_equal(csv_restore_frame(safe), frame)
    clean = pd.DataFrame({"t": ["a", "-3"]})
    assert csv_safe_frame(clean) is clean  # nothing to do: the same frame, no copy


# --- a build whose data hold formula text --------------------------------------------------------------------


@pytest.fixture(scope="module")
def prod(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("csvsafe")
    specs = write_study(root, adsl=ADSL_CSV, adex=ADEX_CSV, adae=ADAE, study=STUDY_YAML,
                        outputs={"t-demog": DEMOG_YAML, "t-ae": AE_YAML, "l-ae": LISTING})
    out = root / "out"
    report = build(specs, out, ["all"], formats=("xlsx",))
    assert report.ok, [str(o.error) for o in report.outputs]
    return out


def _cells(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return [c for row in csv.reader(f) for c in row]


def test_ard_csv_quotes_formula_text(prod):
    cells = _cells(prod / "t-ae.ard.csv")
    for text in FORMULAS:
        assert "'" + text in cells and text not in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_listing_data_csv_quotes_formula_text_and_keeps_numbers(prod):
    data = pd.read_csv(prod / "l-ae.data.csv", dtype=str, keep_default_na=False)
    assert set(FORMULAS).isdisjoint(data.AEDECOD) and {"'" + t for t in FORMULAS} <= set(data.AEDECOD)
    assert data.AEDUR.iloc[0] in ("-3", "-3.0")  # the number -3 stays a number, unquoted


def test_xlsx_holds_formula_text_as_text(prod):
    for name in ("t-ae.xlsx", "l-ae.xlsx"):
        wb = load_workbook(prod / name)
        found = set()
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (name, ws.title, c.coordinate, c.value)
                    if c.value in FORMULAS:
                        found.add(c.value)
        assert found == set(FORMULAS), name


def test_compare_of_production_with_itself_is_clean(prod, tmp_path, capsys):
    for name in ("t-ae.ard.csv", "l-ae.data.csv"):
        copy = tmp_path / name
        shutil.copy(prod / name, copy)
        shutil.copy(prod / "manifest.json", tmp_path / "manifest.json")
        assert main(["compare", str(prod / name), str(copy)]) == 0
        assert "no differences: all" in capsys.readouterr().out


def test_compare_reads_production_text_as_it_was(prod):
    from tlf.qc.sources import read_source

    ard = read_source(prod / "t-ae.ard.csv").frame
    assert set(FORMULAS) <= set(ard.level)
    records = read_source(prod / "l-ae.data.csv").frame
    assert set(FORMULAS) <= set(records.AEDECOD) and records.AEDUR.iloc[0] == -3


def test_compare_with_a_qc_csv_holding_raw_formula_text(prod, tmp_path, capsys):
    """A QC program (R, SAS, pandas) writes the values as they are: they equal production's."""
    qc = read_dataset(prod / "l-ae.data.csv", "qc").frame
    qc["AEDECOD"] = csv_restore_frame(qc[["AEDECOD"]]).AEDECOD
    qc.to_csv(tmp_path / "l-ae.csv", index=False)
    assert main(["compare", str(prod / "l-ae.data.csv"), str(tmp_path / "l-ae.csv")]) == 0, capsys.readouterr().out


def test_compare_xlsx_summary_holds_a_file_name_formula_as_text(prod, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    evil = '=HYPERLINK("example.com","x").ard.csv'
    shutil.copy(prod / "t-ae.ard.csv", tmp_path / evil)
    main(["compare", str(prod / "t-ae.ard.csv"), evil, "--xlsx", "report.xlsx"])
    capsys.readouterr()
    wb = load_workbook(tmp_path / "report.xlsx")
    ws = wb["Summary"]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == evil and c.data_type == "s" for c in cells)


def test_ard_out_csv_quotes_and_compares_equal(prod, tmp_path, capsys):
    specs = prod.parent / "specs"
    out = tmp_path / "t-ae.ard.csv"
    assert main(["ard", "t-ae", "--specs", str(specs), "--out", str(out)]) == 0
    assert "'=1+1" in _cells(out)
    capsys.readouterr()
    assert main(["compare", str(prod / "t-ae.ard.csv"), str(out)]) == 0
    assert "no differences: all" in capsys.readouterr().out


# --- NA and missing_values -------------------------------------------------------------------------------------


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "d.csv"
    path.write_text(text)
    return path


def test_na_is_missing_in_a_numeric_column_and_text_in_a_text_column(tmp_path):
    path = _csv(tmp_path, "USUBJID,AGE,CTRY\nS-1,30,NA\nS-2,NA,US\nS-3,41,\n")
    frame = read_dataset(path, "d").frame
    assert frame.AGE.dtype == "float64" and frame.AGE.isna().tolist() == [False, True, False]
    assert frame.CTRY.tolist() == ["NA", "US", ""]  # Namibia / North America stays


def test_missing_values_listed_are_missing_everywhere(tmp_path):
    path = _csv(tmp_path, "USUBJID,AGE,CTRY\nS-1,30,NA\nS-2,.,US\nS-3,NA,\n")
    frame = read_dataset(path, "d", missing_values=["NA", "."]).frame
    assert frame.AGE.dtype == "float64" and frame.AGE.isna().tolist() == [False, True, True]
    assert frame.CTRY.tolist() == ["", "US", ""]
    only_empty = read_dataset(path, "d", missing_values=[]).frame
    assert only_empty.AGE.dtype == object and only_empty.CTRY.tolist() == ["NA", "US", ""]


def test_study_missing_values_reach_the_build(tmp_path):
    adsl = ADSL_CSV.replace("S-02,Drug A,Y,Y,Y,M,41,", "S-02,Drug A,Y,Y,Y,M,-99,")
    study = STUDY_YAML.replace("  dir: data\n", "  dir: data\n  missing_values: [NA, '-99']\n")
    specs = write_study(tmp_path, adsl=adsl, study=study, outputs={"t-demog": DEMOG_YAML})
    report = build(specs, tmp_path / "out", ["all"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = pd.read_csv(tmp_path / "out" / "t-demog.ard.csv")
    n = ard[(ard.analysis == "age") & (ard.column == "a") & (ard.stat_name == "n")].stat.iloc[0]
    assert n == 2  # S-02's -99 is missing


def test_r_na_in_a_numeric_variable_builds(tmp_path):
    adsl = ADSL_CSV.replace("S-02,Drug A,Y,Y,Y,M,41,", "S-02,Drug A,Y,Y,Y,M,NA,")
    specs = write_study(tmp_path, adsl=adsl, outputs={"t-demog": DEMOG_YAML})
    report = build(specs, tmp_path / "out", ["all"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]


def test_text_in_a_numeric_variable_names_the_value_and_subject(tmp_path):
    adsl = ADSL_CSV.replace("S-02,Drug A,Y,Y,Y,M,41,", "S-02,Drug A,Y,Y,Y,M,forty-one,")
    specs = write_study(tmp_path, adsl=adsl, outputs={"t-demog": DEMOG_YAML})
    report = build(specs, tmp_path / "out", ["all"], formats=())
    err = next(o.error for o in report.outputs if o.error)
    assert isinstance(err, DataError) and err.code == "DATA041"
    assert "'forty-one'" in str(err) and err.usubjid == "S-02" and "USUBJID S-02" in str(err)


def test_model_text_error_names_the_value_and_subject():
    frame = pd.DataFrame({"USUBJID": ["S-1", "S-2", "S-3"], "Y": ["1.5", "", "high"], "T": ["a", "b", "a"]})
    with pytest.raises(DataError) as e:
        prepare(frame, "Y", ["T"], [], dataset="adeff")
    assert e.value.code == "STAT002" and "'high'" in str(e.value) and e.value.usubjid == "S-3"
