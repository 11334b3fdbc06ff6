"""tlf.qc.sources: ARDs written by other programs, rendered XLSX outputs and data sets read comparably."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import write_study
from tlf.build import build
from tlf.errors import DataError
from tlf.qc.compare import CompareOptions, compare
from tlf.qc.sources import read_display, read_source


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mini")
    out = root / "out"
    report = build(write_study(root), out, ["all"], formats=("xlsx",))
    assert report.ok, [str(o.error) for o in report.outputs]
    return out


def test_tlf_ard_is_read_as_ard_with_its_key(built):
    src = read_source(built / "t-ae.ard.csv")
    assert src.kind == "ard" and src.keys[-1] == "stat_name" and "order" in src.optional
    assert src.frame["stat"].dtype == "float64"
    assert compare(src, read_source(built / "t-ae.ard.csv")).equal


def test_qc_ard_from_another_language_with_fewer_columns(built, tmp_path):
    """An R/SAS program writes only the key and stat, upper-case names, NA for missing: comparable."""
    prod = pd.read_csv(built / "t-demog.ard.csv", dtype=str, keep_default_na=False)
    qc = prod[["output_id", "analysis", "column", "parent", "level", "stat_name", "stat"]].copy()
    qc.columns = [c.upper() for c in qc.columns]
    qc["STAT"] = qc["STAT"].replace("", "NA")
    qc.to_csv(tmp_path / "qc.csv", index=False)
    r = compare(read_source(built / "t-demog.ard.csv"), read_source(tmp_path / "qc.csv"))
    assert r.equal, r.verdict
    assert set(r.not_compared) == {"variable", "decimals", "sig", "stat_fmt", "displayed", "order", "warning"}
    assert [v.name for v in r.value_variables] == ["stat"]


def test_ard_with_text_in_stat_names_the_record(tmp_path):
    (tmp_path / "qc.csv").write_text("output_id,analysis,column,parent,level,stat_name,stat\n"
                                     "t,a,c,,,n,3\nt,a,c,,,p,0.5 %\n")
    with pytest.raises(DataError) as e:
        read_source(tmp_path / "qc.csv")
    assert e.value.variable == "stat" and "record 2" in str(e.value) and "'0.5 %'" in str(e.value)


def test_ard_missing_a_key_column_is_an_error(tmp_path):
    pd.DataFrame({"output_id": ["t"], "analysis": ["a"], "stat": [1]}).to_csv(tmp_path / "x.ard.csv", index=False)
    with pytest.raises(DataError, match="lacks column"):
        read_source(tmp_path / "x.ard.csv")


def test_rendered_xlsx_body_keyed_by_row_label(built):
    src = read_display(built / "t-demog.xlsx")
    f = src.frame
    assert src.kind == "display" and src.keys == ("row_label", "occurrence")
    assert list(f.columns) == ["row_label", "occurrence", "Drug A (N=3)", "Placebo (N=2)", "Total (N=5)"]
    female = f[f.row_label == "Female"].iloc[0]
    assert female["Drug A (N=3)"] == "2 (66.7)"
    assert "" not in set(f.row_label) or f[f.row_label == ""].iloc[:, 2:].ne("").any(axis=None)


def test_qc_xlsx_written_by_hand_without_frozen_panes(built, tmp_path):
    """A QC program's workbook: titles, blank row, header, body, no freeze, numbers typed as numbers."""
    from openpyxl import Workbook

    prod = read_display(built / "t-ae.xlsx").frame
    wb = Workbook()
    ws = wb.active
    ws.append(["Table 2"])
    ws.append(["Adverse events"])
    ws.append([])
    ws.append(["", "Drug A\n(N=3)", "Placebo\n(N=2)", "Total\n(N=5)"])
    for row in prod.itertuples(index=False):
        cells = list(row[2:])
        ws.append([row.row_label, *[int(c) if c.isdigit() else c for c in cells]])
    ws.append([])
    ws.append(["Footnote."])
    wb.save(tmp_path / "qc.xlsx")
    r = compare(read_source(built / "t-ae.xlsx"), read_source(tmp_path / "qc.xlsx"))
    assert r.equal, r.verdict
    ws.cell(5, 2).value = "9 (99.9)"
    wb.save(tmp_path / "qc.xlsx")
    r = compare(read_source(built / "t-ae.xlsx"), read_source(tmp_path / "qc.xlsx"))
    assert [(d.variable, d.compare) for d in r.differences] == [("Drug A (N=3)", "9 (99.9)")]


def test_xpt_data_sets_carry_labels(tmp_path):
    import pyreadstat

    df = pd.DataFrame({"USUBJID": ["S-01", "S-02"], "AGE": [30.0, 41.0]})
    pyreadstat.write_xport(df, str(tmp_path / "b.xpt"), column_labels=["Subject", "Age"])
    pyreadstat.write_xport(df, str(tmp_path / "c.xpt"), column_labels=["Subject", "Age (years)"])
    b, c = read_source(tmp_path / "b.xpt"), read_source(tmp_path / "c.xpt")
    assert b.kind == "dataset" and b.labels == {"USUBJID": "Subject", "AGE": "Age"}
    r = compare(b, c)
    assert r.keys == ("USUBJID",) and [v.name for v in r.label_conflicts] == ["AGE"]
    df.to_csv(tmp_path / "c.csv", index=False)
    assert compare(b, read_source(tmp_path / "c.csv")).equal  # CSV has no labels to compare


def test_parquet_ard_and_dataset(built, tmp_path):
    pytest.importorskip("pyarrow")
    ard = pd.read_csv(built / "t-ae.ard.csv", keep_default_na=False, dtype={"stat_fmt": str, "level": str})
    ard.to_parquet(tmp_path / "t-ae.parquet")
    src = read_source(tmp_path / "t-ae.parquet")
    assert src.kind == "ard"
    assert compare(read_source(built / "t-ae.ard.csv"), src).equal


def test_bad_inputs(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_source(tmp_path / "nope.csv")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(DataError, match="cannot compare a '.json' file"):
        read_source(tmp_path / "x.json")
    (tmp_path / "bad.xlsx").write_text("not a workbook")
    with pytest.raises(DataError, match="cannot read .* as XLSX"):
        read_source(tmp_path / "bad.xlsx")


def test_data_set_csv_is_compared_with_inferred_keys(tmp_path):
    pd.DataFrame({"USUBJID": ["a", "b"], "PARAMCD": ["X", "X"], "AVAL": [1.5, 2.5]}).to_csv(tmp_path / "b.csv",
                                                                                           index=False)
    pd.DataFrame({"USUBJID": ["b", "a"], "PARAMCD": ["X", "X"], "AVAL": [2.5, 1.75]}).to_csv(tmp_path / "c.csv",
                                                                                            index=False)
    r = compare(read_source(tmp_path / "b.csv"), read_source(tmp_path / "c.csv"), CompareOptions())
    assert r.keys == ("USUBJID",)
    assert [(d.key, d.base, d.compare) for d in r.differences] == [(("a",), 1.5, 1.75)]


def test_ard_written_by_sas_as_xpt(built, tmp_path):
    """A SAS QC program's ARD in transport format (v8 allows the long names), upper-case, blanks for "":"""
    import pyreadstat

    prod = pd.read_csv(built / "t-ae.ard.csv", dtype=str, keep_default_na=False)
    qc = prod[["output_id", "analysis", "column", "parent", "level", "stat_name"]].copy()
    qc["stat"] = prod["stat"].astype(float)
    qc.columns = [c.upper() for c in qc.columns]
    pyreadstat.write_xport(qc, str(tmp_path / "qc.xpt"), file_format_version=8)
    src = read_source(tmp_path / "qc.xpt")
    assert src.kind == "ard"
    assert compare(read_source(built / "t-ae.ard.csv"), src).equal
