"""QC of listings: a listing built from a small study is compared, record by record, with a QC data set
that an independent program (pandas, from the raw CSVs, never tlf) writes; planted changes give exactly
the report lines a reader checks by hand from the fixture below; `compare --all` with tables and
listings, and the tracker's rows; `tlf ard` of a listing."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ADEX_CSV, ADSL_CSV, AE_YAML, DEMOG_YAML, STUDY_YAML, write_study
from tlf.build import build
from tlf.cli import main
from tlf.qc.compare import compare_frames, text_unequal
from tlf.qc.tracker import TRACKER_COLUMNS, TRACKER_SHEET

# S-06 is not in the safety population (SAFFL N, no exposure): never listed.
ADAE = """USUBJID,AESEQ,AEDECOD,AEBODSYS,AESEV,TRTEMFL,ASTDT,AEDUR
S-01,1,Headache,Nervous system disorders,MILD,Y,2015-01-03,2.5
S-01,2,Headache,Nervous system disorders,SEVERE,Y,2015-01-10,
S-02,1,Nausea,Gastrointestinal disorders,MILD,Y,2015-01-05,1.25
S-04,1,Headache,Nervous system disorders,MILD,Y,2015-01-07,3
S-05,1,Rash,Skin and subcutaneous tissue disorders,MILD,N,2015-01-09,10
S-06,1,Cough,Respiratory disorders,MILD,Y,2015-01-02,1
"""
LISTING = """\
id: l-ae
type: listing
number: Listing 16.2.7.1
title: Adverse events
population: SAF
dataset: adae
subject_vars: [TRT01A]
sort: [TRT01A, USUBJID, AESEQ]
columns:
  - {var: TRT01A, label: Treatment, key: true}
  - {var: USUBJID, label: Subject, key: true}
  - {var: AESEQ, label: Seq, format: integer}
  - {var: AEDECOD, label: Preferred term}
  - {var: AESEV, label: Severity}
  - {var: ASTDT, label: Start, format: date}
  - {var: AEDUR, label: Duration (days), format: number, decimals: 1}
"""
ID_VARS = ["USUBJID", "TRT01A", "AESEQ"]  # subject id, key columns, sort keys: once each
QC_COLUMNS = ["USUBJID", "TRT01A", "AESEQ", "AEDECOD", "AESEV", "ASTDT", "AEDUR"]
STANDARD = ["Data Set Summary", "Variables Summary", "Observation Summary", "Values Comparison Summary"]


@pytest.fixture(scope="module")
def prod(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("study")
    specs = write_study(root, adsl=ADSL_CSV, adex=ADEX_CSV, adae=ADAE, study=STUDY_YAML,
                        outputs={"t-demog": DEMOG_YAML, "t-ae": AE_YAML, "l-ae": LISTING})
    out = root / "out"
    report = build(specs, out, ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    return specs, out


def qc_program(data: Path) -> pd.DataFrame:
    """The QC programmer's records of the listing, from the raw data with pandas: safety population
    (exposed, SAFFL Y), treatment from ADSL, the listed variables, in an order of its own."""
    adsl = pd.read_csv(data / "adsl.csv", keep_default_na=False, na_values=[""])
    adex = pd.read_csv(data / "adex.csv")
    adae = pd.read_csv(data / "adae.csv", keep_default_na=False, na_values=[""])
    saf = set(adex.loc[adex.EXDURD > 0, "USUBJID"]) & set(adsl.loc[adsl.SAFFL == "Y", "USUBJID"])
    qc = adae[adae.USUBJID.isin(saf)].merge(adsl[["USUBJID", "TRT01A"]], on="USUBJID")
    return qc[QC_COLUMNS].sort_values(["USUBJID", "AESEQ"], ascending=False).reset_index(drop=True)


def write_qc(prod, tmp_path: Path, change=None, name: str = "l-ae.csv") -> Path:
    specs, _ = prod
    qc = qc_program(specs / "data")
    if change is not None:
        qc = change(qc)
    path = tmp_path / name
    qc.to_csv(path, index=False)
    return path


def run(prod, qc: Path, *options: str) -> int:
    return main(["compare", str(prod[1] / "l-ae.data.csv"), str(qc), *options])


def sections(text: str) -> dict[str, list[str]]:
    """Report text -> {section title: its lines, without the indent and blank lines}."""
    out: dict[str, list[str]] = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and lines[i + 1] and set(lines[i + 1]) == {"-"} and not line.startswith(" "):
            current = out.setdefault(line, [])
        elif out and line.strip() and not (set(line) == {"-"} and not line.startswith(" ")):
            current.append(line[2:])
    return out


def rows(lines: list[str]) -> list[list[str]]:
    """The table of a section: its header and rows (the dashes dropped), cells split at runs of 2+ blanks."""
    dashes = next(i for i, ln in enumerate(lines) if set(ln.replace(" ", "")) == {"-"})
    return [re.split(r"\s{2,}", ln.strip()) for ln in [lines[dashes - 1], *lines[dashes + 1:]]]


def change_value(variable, subject, seq, value):
    def change(qc):
        qc.loc[(qc.USUBJID == subject) & (qc.AESEQ == seq), variable] = value
        return qc
    return change


# --- no differences -----------------------------------------------------------------------------------


def test_build_records_the_listing_id_variables(prod):
    _, out = prod
    m = json.loads((out / "manifest.json").read_text())
    assert m["outputs"]["l-ae"]["type"] == "listing" and m["outputs"]["l-ae"]["id_vars"] == ID_VARS
    assert "id_vars" not in m["outputs"]["t-ae"] and m["outputs"]["t-ae"]["type"] == "table"
    records = pd.read_csv(out / "l-ae.data.csv", dtype=str, keep_default_na=False)
    assert list(records.columns) == QC_COLUMNS
    assert records.USUBJID.tolist() == ["S-01", "S-01", "S-02", "S-04", "S-05"]  # Drug A first, S-06 not in SAF


def test_independent_qc_matches(prod, tmp_path, capsys):
    assert run(prod, write_qc(prod, tmp_path)) == 0
    text = capsys.readouterr().out
    s = sections(text)
    assert list(s) == [*STANDARD, "Result"]
    assert s["Data Set Summary"][0] == ("Method: relative 1e-09; ID variables (listing l-ae: subject id, page-by, "
                                        "key columns and sort keys of its spec): USUBJID, TRT01A, AESEQ")
    table = rows(s["Data Set Summary"])  # (the file column is cut to 40 characters)
    assert [[r[0], *r[2:]] for r in table[1:]] == [["BASE", "listing", "5", "7"], ["COMPARE", "listing", "5", "7"]]
    assert "Number of observations in common: 5" in s["Observation Summary"]
    assert s["Result"] == ["no differences: all 20 values compared are equal within relative 1e-09"]  # 5 x 4


def test_qc_as_sas_transport_with_sas_dates(prod, tmp_path, capsys):
    """A SAS QC program's XPT: dates are SAS dates (read back as dates), names in any case."""
    import pyreadstat

    specs, _ = prod
    qc = qc_program(specs / "data")
    qc["ASTDT"] = [dt.date.fromisoformat(v) for v in qc.ASTDT]
    qc.columns = [c.lower() for c in qc.columns]
    pyreadstat.write_xport(qc, str(tmp_path / "l-ae.xpt"), file_format_version=8)
    assert run(prod, tmp_path / "l-ae.xpt", "-q") == 0
    assert capsys.readouterr().out.strip() == "Result: no differences"


# --- planted differences --------------------------------------------------------------------------------


def test_one_value_changed(prod, tmp_path, capsys):
    assert run(prod, write_qc(prod, tmp_path, change_value("AESEV", "S-02", 1, "MODERATE"))) == 1
    s = sections(capsys.readouterr().out)
    assert list(s) == [*STANDARD, "Values of AESEV that differ", "Result"]
    assert rows(s["Values of AESEV that differ"]) == [["USUBJID", "TRT01A", "AESEQ", "BASE", "COMPARE"],
                                                      ["S-02", "Drug A", "1", "MILD", "MODERATE"]]
    assert "Number of observations with some compared variables unequal: 1" in s["Observation Summary"]
    assert s["Result"] == ["1 difference(s): 1 unequal value(s)"]


def test_one_record_dropped(prod, tmp_path, capsys):
    def drop(qc):
        return qc[~((qc.USUBJID == "S-04") & (qc.AESEQ == 1))]
    assert run(prod, write_qc(prod, tmp_path, drop)) == 1
    s = sections(capsys.readouterr().out)
    assert list(s) == [*STANDARD, "Observations in BASE but not in COMPARE", "Result"]
    assert rows(s["Observations in BASE but not in COMPARE"]) == [ID_VARS, ["S-04", "Placebo", "1"]]
    assert s["Result"] == ["1 difference(s): 1 row(s) only in BASE"]


def test_one_extra_record(prod, tmp_path, capsys):
    def add(qc):
        extra = {"USUBJID": "S-03", "TRT01A": "Drug A", "AESEQ": 2, "AEDECOD": "Fatigue", "AESEV": "MILD",
                 "ASTDT": "2015-01-04", "AEDUR": 1.0}
        return pd.concat([qc, pd.DataFrame([extra])], ignore_index=True)
    assert run(prod, write_qc(prod, tmp_path, add)) == 1
    s = sections(capsys.readouterr().out)
    assert list(s) == [*STANDARD, "Observations in COMPARE but not in BASE", "Result"]
    assert rows(s["Observations in COMPARE but not in BASE"]) == [ID_VARS, ["S-03", "Drug A", "2"]]
    assert s["Result"] == ["1 difference(s): 1 row(s) only in COMPARE"]


def test_one_extra_variable_and_one_missing(prod, tmp_path, capsys):
    assert run(prod, write_qc(prod, tmp_path, lambda qc: qc.assign(AETERM="x"))) == 1
    s = sections(capsys.readouterr().out)
    assert list(s) == [*STANDARD, "Variables Only in One Data Set", "Result"]
    assert rows(s["Variables Only in One Data Set"]) == [["Variable", "Only in"], ["AETERM", "COMPARE"]]
    assert "Number of variables in COMPARE but not in BASE: 1" in s["Variables Summary"]
    assert s["Result"] == ["1 difference(s): 1 variable(s) only in COMPARE"]
    assert run(prod, write_qc(prod, tmp_path, lambda qc: qc.drop(columns="AEDECOD"))) == 1
    s = sections(capsys.readouterr().out)
    assert rows(s["Variables Only in One Data Set"]) == [["Variable", "Only in"], ["AEDECOD", "BASE"]]
    assert s["Result"] == ["1 difference(s): 1 variable(s) only in BASE"]


def test_trailing_blanks_never_count_leading_blanks_and_case_do(prod, tmp_path, capsys):
    def pad(qc):  # as SAS stores character values: padded with blanks, in ID variables too
        return qc.assign(AESEV=qc.AESEV.str.ljust(8), USUBJID=qc.USUBJID.str.ljust(10))
    assert run(prod, write_qc(prod, tmp_path, pad), "-q") == 0
    assert capsys.readouterr().out.strip() == "Result: no differences"
    assert run(prod, write_qc(prod, tmp_path, change_value("AESEV", "S-01", 2, " SEVERE"))) == 1
    s = sections(capsys.readouterr().out)
    assert rows(s["Values of AESEV that differ"])[1] == ["S-01", "Drug A", "2", "SEVERE", "SEVERE"]
    assert run(prod, write_qc(prod, tmp_path, change_value("AESEV", "S-01", 2, "Severe")), "-q") == 1
    assert capsys.readouterr().out.strip() == "Result: 1 difference(s): 1 unequal value(s)"
    assert run(prod, tmp_path / "l-ae.csv", "-q", "--ignore-case") == 0


def test_text_rule_directly():
    x = pd.Series(["Mild  ", "", None, " Mild", "Mild"], dtype=object).to_numpy()
    y = pd.Series(["Mild", "   ", "  ", "Mild", "mild"], dtype=object).to_numpy()
    assert text_unequal(x, y).tolist() == [False, False, False, True, True]
    b = pd.DataFrame({"K": ["S-01", "S-02"], "V": [1.0, 2.0]})
    c = pd.DataFrame({"K": ["S-01   ", "S-02"], "V": [1.0, 2.0]})
    assert compare_frames(b, c, keys=["K"]).equal  # padded ID values match


@pytest.mark.parametrize("new, options, code, line", [
    (2.5 + 1e-12, (), 0, None),  # float noise: within the default relative 1e-9
    (2.5 + 1e-12, ("--method", "exact"), 1, "1 difference(s): 1 unequal value(s)"),
    (2.6, (), 1, "1 difference(s): 1 unequal value(s)"),
    (2.6, ("--method", "absolute", "--criterion", "0.2"), 0, None),
    (2.6, ("--method", "absolute", "--criterion", "0.05"), 1, "1 difference(s): 1 unequal value(s)"),
])
def test_number_within_and_outside_the_tolerance(prod, tmp_path, capsys, new, options, code, line):
    assert run(prod, write_qc(prod, tmp_path, change_value("AEDUR", "S-01", 1, new)), *options) == code
    s = sections(capsys.readouterr().out)
    if code == 0:
        assert s["Result"][0].startswith("no differences")
        return
    assert s["Result"] == [line]
    diff = rows(s["Values of AEDUR that differ"])
    assert diff[0] == [*ID_VARS, "BASE", "COMPARE", "Abs diff", "Rel diff"]
    if new == 2.6:  # |2.6 - 2.5| = 0.1; 0.1 / ((2.5 + 2.6) / 2) = 0.0392157
        assert diff[1] == ["S-01", "Drug A", "1", "2.5", "2.6", "1.000E-01", "3.922E-02"]


# --- input errors ----------------------------------------------------------------------------------------


def test_duplicate_key_in_the_qc_file_names_file_and_key(prod, tmp_path, capsys):
    def dup(qc):
        return pd.concat([qc, qc[(qc.USUBJID == "S-01") & (qc.AESEQ == 1)]], ignore_index=True)
    assert run(prod, write_qc(prod, tmp_path, dup)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: l-ae.csv.USUBJID,TRT01A,AESEQ: ID variables do not identify a row: records ")
    assert "share USUBJID='S-01', TRT01A='Drug A', AESEQ=1;" in err and "[QC011]" in err


def test_listing_whose_spec_keys_do_not_identify_records(tmp_path, capsys):
    spec = LISTING.replace("sort: [TRT01A, USUBJID, AESEQ]", "sort: [TRT01A, USUBJID]")
    specs = write_study(tmp_path, adsl=ADSL_CSV, adex=ADEX_CSV, adae=ADAE, study=STUDY_YAML, outputs={"l-ae": spec})
    out = tmp_path / "out"
    assert build(specs, out, ["all"]).ok
    qc = tmp_path / "qc"
    qc.mkdir()
    qc_program(specs / "data").to_csv(qc / "l-ae.csv", index=False)
    assert main(["compare", str(out / "l-ae.data.csv"), str(qc / "l-ae.csv")]) == 2
    err = capsys.readouterr().err
    assert "l-ae.data.csv.USUBJID,TRT01A: ID variables do not identify a row: records 1, 2 share USUBJID='S-01', " \
           "TRT01A='Drug A'" in err
    assert main(["compare", str(out / "l-ae.data.csv"), str(qc / "l-ae.csv"), "--id", "USUBJID,AESEQ", "-q"]) == 0
    assert main(["compare", "--all", str(out), str(qc)]) == 1
    line = capsys.readouterr().out.splitlines()[-2]
    assert line.startswith("l-ae             ERROR") and "l-ae.data.csv" in line and "USUBJID='S-01'" in line


def test_listing_without_records(tmp_path, capsys):
    spec = LISTING.replace("dataset: adae", "dataset: adae\nwhere: \"AESEV == 'FATAL'\"")
    specs = write_study(tmp_path, adsl=ADSL_CSV, adex=ADEX_CSV, adae=ADAE, study=STUDY_YAML, outputs={"l-ae": spec})
    out = tmp_path / "out"
    assert build(specs, out, ["all"]).ok
    pd.DataFrame(columns=QC_COLUMNS).to_csv(tmp_path / "qc.csv", index=False)
    assert main(["compare", str(out / "l-ae.data.csv"), str(tmp_path / "qc.csv"), "-q"]) == 0
    capsys.readouterr()
    qc = qc_program(specs / "data")
    qc[qc.USUBJID == "S-02"].to_csv(tmp_path / "qc.csv", index=False)  # QC lists a record production does not
    assert main(["compare", str(out / "l-ae.data.csv"), str(tmp_path / "qc.csv")]) == 1
    s = sections(capsys.readouterr().out)
    assert rows(s["Observations in COMPARE but not in BASE"]) == [ID_VARS, ["S-02", "Drug A", "1"]]
    assert s["Result"] == ["1 difference(s): 1 row(s) only in COMPARE"]


def test_listing_against_an_ard_is_refused(prod, capsys):
    _, out = prod
    assert main(["compare", str(out / "l-ae.data.csv"), str(out / "t-ae.ard.csv")]) == 2
    assert "a listing is compared record by record with a data set of its records" in capsys.readouterr().err


# --- compare --all and the tracker -------------------------------------------------------------------------


def test_compare_all_with_tables_and_listings(prod, tmp_path, capsys):
    from openpyxl import load_workbook

    specs, out = prod
    qc = tmp_path / "qc"
    qc.mkdir()
    shutil.copy(out / "t-ae.ard.csv", qc / "t-ae.csv")
    qc_program(specs / "data").to_parquet(qc / "l-ae.parquet", index=False)
    assert main(["compare", "--all", str(out), str(qc)]) == 1  # t-demog has no QC
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split()[:2] for ln in lines[:3]] == [["l-ae", "PASS"], ["t-ae", "PASS"], ["t-demog", "NO"]]
    assert lines[3].startswith("2 of 3 output(s) pass")
    tracker = qc / "validation-tracker.xlsx"
    by_id = {r[0]: dict(zip(TRACKER_COLUMNS, r, strict=True))
             for r in list(load_workbook(tracker)[TRACKER_SHEET].iter_rows(values_only=True))[1:]}
    row = by_id["l-ae"]
    assert row["Title"] == "Listing 16.2.7.1 Adverse events" and row["Result"] == "PASS" and row["Differences"] == 0
    assert row["Production file"] == str(out / "l-ae.data.csv") and len(row["Production SHA-256"]) == 64
    assert row["QC file"] == str(qc / "l-ae.parquet") and len(row["QC SHA-256"]) == 64
    assert by_id["t-ae"]["Production file"] == str(out / "t-ae.ard.csv") and by_id["t-demog"]["Result"] == "NO QC"

    (qc / "l-ae.parquet").unlink()  # a listing's QC as a SAS data set, one record dropped, one value changed
    import pyreadstat

    q = qc_program(specs / "data")
    q = q[q.USUBJID != "S-05"].assign(AESEV=lambda d: d.AESEV.where(d.USUBJID != "S-04", "SEVERE"))
    pyreadstat.write_xport(q, str(qc / "l-ae.xpt"), file_format_version=8)
    reports = tmp_path / "reports"
    assert main(["compare", "--all", str(out), str(qc), "--reports", str(reports)]) == 1
    assert "l-ae             DIFFERENCES   2 difference(s)" in capsys.readouterr().out.splitlines()
    s = sections((reports / "l-ae.compare.txt").read_text())
    assert rows(s["Observations in BASE but not in COMPARE"])[1:] == [["S-05", "Placebo", "1"]]
    assert rows(s["Values of AESEV that differ"])[1:] == [["S-04", "Placebo", "1", "MILD", "SEVERE"]]
    row = {r[0]: r for r in load_workbook(tracker)[TRACKER_SHEET].iter_rows(values_only=True)}["l-ae"]
    assert row[TRACKER_COLUMNS.index("Result")] == "DIFFERENCES" and row[TRACKER_COLUMNS.index("Differences")] == 2
    assert row[TRACKER_COLUMNS.index("QC file")] == str(qc / "l-ae.xpt")
    assert row[TRACKER_COLUMNS.index("Note")] == "2 difference(s): 1 unequal value(s), 1 row(s) only in BASE"


def test_compare_all_finds_a_listing_qc_file_named_like_production(prod, tmp_path, capsys):
    specs, out = prod
    qc = tmp_path / "qc"
    qc.mkdir()
    qc_program(specs / "data").to_csv(qc / "l-ae.data.csv", index=False)
    (qc / "t-ae.xlsx").write_bytes((out / "t-ae.xlsx").read_bytes())
    assert main(["compare", "--all", str(out), str(qc), "--tracker", str(tmp_path / "t.xlsx")]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["l-ae", "PASS"] and lines[1].split()[:2] == ["t-ae", "PASS"]


def test_compare_all_listing_with_only_an_xlsx_is_no_qc(prod, tmp_path, capsys):
    _, out = prod
    qc = tmp_path / "qc"
    qc.mkdir()
    shutil.copy(out / "l-ae.xlsx", qc / "l-ae.xlsx")
    assert main(["compare", "--all", str(out), str(qc)]) == 1
    line = capsys.readouterr().out.splitlines()[0]
    assert line == ("l-ae             NO QC         no QC data set: a listing is compared by its records (l-ae.csv, "
                    ".parquet, .xpt or .sas7bdat), not by l-ae.xlsx")


# --- tlf ard of a listing -----------------------------------------------------------------------------------


def test_ard_of_a_listing_shows_its_records(prod, tmp_path, capsys):
    specs, out = prod
    assert main(["ard", "l-ae", "--specs", str(specs)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("l-ae: a listing: 5 record(s), as `tlf build` writes them to l-ae.data.csv "
                        "(a listing has no statistics)")
    assert lines[1] == "ID variables (QC matches records by these): USUBJID, TRT01A, AESEQ"
    assert re.split(r"\s{2,}", lines[2]) == QC_COLUMNS and "statistic(s)" not in lines[0]
    assert re.split(r"\s{2,}", lines[4].strip()) == ["S-01", "Drug A", "1", "Headache", "MILD", "2015-01-03", "2.5"]
    assert main(["ard", "l-ae", "--specs", str(specs), "--csv"]) == 0
    assert capsys.readouterr().out.replace("\r\n", "\n") == (out / "l-ae.data.csv").read_text()
    assert main(["ard", "l-ae", "--specs", str(specs), "--out", str(tmp_path / "r.csv")]) == 0
    assert "5 record(s) of listing l-ae written to" in capsys.readouterr().err
    assert main(["compare", str(out / "l-ae.data.csv"), str(tmp_path / "r.csv"), "-q"]) == 0


def test_compare_all_finds_a_table_qc_ard_written_by_sas(prod, tmp_path, capsys):
    """Tables too may have their QC as XPT or sas7bdat (an ARD with the ARD columns, names in any case)."""
    import pyreadstat

    _, out = prod
    qc = tmp_path / "qc"
    qc.mkdir()
    ard = pd.read_csv(out / "t-ae.ard.csv", keep_default_na=False, na_values=[""])
    ard = ard[["output_id", "analysis", "column", "parent", "level", "stat_name", "stat"]]
    ard.columns = [c.upper() for c in ard.columns]
    pyreadstat.write_xport(ard, str(qc / "t-ae.xpt"), file_format_version=8)
    assert main(["compare", "--all", str(out), str(qc)]) == 1  # l-ae and t-demog have no QC
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:2] == ["t-ae", "PASS"] and lines[0].startswith("l-ae             NO QC")
