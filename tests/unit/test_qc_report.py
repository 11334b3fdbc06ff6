"""tlf.qc.report: the PROC COMPARE-style report says the same in text, DOCX and XLSX."""

from __future__ import annotations

import pandas as pd
import pytest

from tlf.qc.compare import compare_frames
from tlf.qc.numbers import fmt_e, fmt_value
from tlf.qc.report import report_sections, report_text, write_report_docx, write_report_xlsx


def planted():
    b = pd.DataFrame({"USUBJID": ["S-01", "S-02", "S-03"], "N": [3.0, 5.0, 1.0], "TXT": ["a", "b", "c"]})
    c = pd.DataFrame({"USUBJID": ["S-01", "S-02", "S-04"], "N": [3.0, 6.0, 1.0], "TXT": ["a", "B", "c"],
                      "EXTRA": [1, 2, 3]})
    return compare_frames(b, c, keys=["USUBJID"])


def test_text_report_has_proc_compare_sections_and_the_differences():
    text = report_text(planted())
    for heading in ("Data Set Summary", "Variables Summary", "Observation Summary", "Values Comparison Summary",
                    "Variables Only in One Data Set", "Observations in BASE but not in COMPARE",
                    "Observations in COMPARE but not in BASE", "Values of N that differ", "Values of TXT that differ",
                    "Result"):
        assert f"\n{heading}\n" in text, heading
    assert "Number of observations in common: 2" in text
    assert "Number of variables in COMPARE but not in BASE: 1" in text
    lines = text.splitlines()
    row = next(line for line in lines if line.strip().startswith("S-02") and "E+00" in line)
    assert row.split() == ["S-02", "5", "6", "1.000E+00", "1.818E-01"]
    assert lines[-1].strip() == ("5 difference(s): 2 unequal value(s), 1 row(s) only in BASE, "
                                 "1 row(s) only in COMPARE, 1 variable(s) only in COMPARE")


def test_equal_report_says_no_differences():
    b = pd.DataFrame({"K": [1, 2], "X": [0.1 + 0.2, 1.0]})
    text = report_text(compare_frames(b, b.assign(X=[0.3, 1.0]), keys=["K"]))
    assert "no differences: all 2 values compared are equal within relative 1e-09" in text
    assert "5.551E-17" in text  # the float noise is shown as the max abs diff


def test_docx_report_holds_the_sections(tmp_path):
    import docx

    res = planted()
    path = write_report_docx(res, tmp_path / "r.docx")
    doc = docx.Document(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Comparison of BASE BASE with COMPARE COMPARE"
    assert headings[1:] == [s.title for s in report_sections(res)]
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert ["S-02", "5", "6", "1.000E+00", "1.818E-01"] in cells
    assert doc.sections[0].page_width > doc.sections[0].page_height


def test_xlsx_report_has_summary_and_filterable_differences(tmp_path):
    from openpyxl import load_workbook

    path = write_report_xlsx(planted(), tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "Differences"]
    rows = list(wb["Differences"].iter_rows(values_only=True))
    assert rows[0] == ("Variable", "USUBJID", "BASE", "COMPARE", "Abs diff", "Rel diff")
    n_row = next(r for r in rows if r[0] == "N")
    assert n_row[:5] == ("N", "S-02", 5, 6, 1) and n_row[5] == pytest.approx(1 / 5.5, rel=1e-15)
    assert ("TXT", "S-02", "b", "B", None, None) in rows
    summary = [r[0] for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]]
    assert "Values Comparison Summary" in summary


def test_number_text():
    assert fmt_e(0.0012345, 3) == "1.235E-03"  # half away from zero
    assert fmt_e(9.99996e-5, 3) == "1.000E-04"  # carry into the exponent
    assert fmt_e(-2.5, 0) == "-3E+00"
    assert fmt_e(None) == "" and fmt_e(0.0) == "0"
    assert fmt_value(5.0) == "5" and fmt_value(0.1 + 0.2) == "0.30000000000000004"
    assert fmt_value(None) == "." and fmt_value(float("nan")) == "."
