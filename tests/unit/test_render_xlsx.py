"""XLSX rendering, read back with openpyxl."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tlf.qc.sources import display_text
from tlf.render.xlsx import output_layout, render_xlsx
from tlf.render.xlsx_sheet import sheet_title
from tlf.tables.model import Column, PageSetup, Row, Table


def _table() -> Table:
    cols = (
        Column("a", "Placebo", "(N=8)", "Part A"),
        Column("b", "Drug 10 mg", "(N=9)", "Part A", align="right"),
        Column("c", "Drug 30 mg\nQD", "(N=20)", "Part B", align="decimal"),
    )
    rows = (
        Row("Age (years)", ("", "", ""), 0, "group", "age"),
        Row("n", ("8", "9", "20"), 1, "data", "age"),
        Row("Mean (SD)", ("45.3 (12.14)", "51.0 (9.87)", "47.5 (10.66)"), 1, "data", "age"),
        Row("", ("", "", ""), 0, "blank", "age"),
        Row("Formula-like", ("=1+1", "007", "1e5"), 2),
    )
    return Table(
        output_id="t-14-1-1",
        number="Table 14.1.1",
        titles=("Demographics",),
        population="Safety Population",
        columns=cols,
        rows=rows,
        stub_header="Parameter",
        footnotes=("Note 1.", "Note 2."),
        provenance="Source: ADSL",
    )


def _ard() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "output_id": ["t-14-1-1"] * 3,
            "stat_name": ["n", "mean", "sd"],
            "stat": [8.0, 45.25, float("nan")],
            "count": pd.array([8, None, 3], dtype="Int64"),
            "label": ["=n", None, "SD"],
        }
    )


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "t-14-1-1.xlsx"
    render_xlsx(_table(), path, ard=_ard())
    return openpyxl.load_workbook(path)


def test_sheets_named_after_output_and_ard(book) -> None:
    assert book.sheetnames == ["t-14-1-1", "ARD"]
    assert sheet_title("a/b:c*d?[e]" + "x" * 40) == ("a-b-c-d--e-" + "x" * 40)[:31]


def test_title_block_merged_and_centred(book) -> None:
    ws = book.worksheets[0]
    assert [ws.cell(r, 1).value for r in range(1, 5)] == [
        "Table 14.1.1",
        "Demographics",
        "Safety Population",
        None,
    ]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A1:D1", "A2:D2", "A3:D3"} <= merged
    assert ws["A1"].alignment.horizontal == "center"


def test_spanner_and_header_rows(book) -> None:
    ws = book.worksheets[0]
    lay = output_layout(_table())
    assert (lay.spanner_row, lay.header_row) == (5, 6)
    assert [ws.cell(5, c).value for c in range(1, 5)] == [None, "Part A", None, "Part B"]
    assert "B5:C5" in {str(m) for m in ws.merged_cells.ranges}
    assert all(ws.cell(5, c).border.bottom.style == "thin" for c in (2, 3, 4))
    assert getattr(ws.cell(5, 1).border.bottom, "style", None) is None
    assert [ws.cell(6, c).value for c in range(1, 5)] == [
        "Parameter",
        "Placebo\n(N=8)",
        "Drug 10 mg\n(N=9)",
        "Drug 30 mg\nQD\n(N=20)",
    ]
    assert ws.cell(6, 2).alignment.wrap_text and ws.cell(6, 2).alignment.horizontal == "center"
    assert all(ws.cell(6, c).border.bottom.style == "thin" for c in range(1, 5))
    assert all(ws.cell(5, c).border.top.style == "thin" for c in range(1, 5))


def test_body_cells_exact_strings_with_indent(book) -> None:
    ws = book.worksheets[0]
    table = _table()
    got = [[display_text(ws.cell(7 + k, c)) for c in range(1, 5)] for k in range(len(table.rows))]
    want = [[r.label, *r.cells] for r in table.rows]
    assert got == want  # as printed: numbers with their decimals, texts without the alignment padding
    # one number per cell: a number (Excel does not flag "number stored as text"); composite cells text
    assert [ws.cell(8, c).value for c in (2, 3, 4)] == [8, 9, 20]
    assert [ws.cell(8, c).number_format for c in (2, 3)] == ["0", "0"]
    assert all(ws.cell(9, c).data_type == "s" for c in (2, 3, 4))
    assert all(ws.cell(11, c).data_type == "s" for c in (2, 3, 4))  # "=1+1", "007", "1e5" stay text
    assert [ws.cell(7 + k, 1).alignment.indent for k in range(5)] == [0, 1, 1, 0, 2]
    assert not any(str(ws.cell(7 + k, 1).value or "").startswith(" ") for k in range(5))
    assert [ws.cell(8, c).alignment.horizontal for c in (2, 3, 4)] == ["center", "right", "left"]


def test_rule_under_last_body_row_then_notes(book) -> None:
    ws = book.worksheets[0]
    assert all(ws.cell(11, c).border.bottom.style == "thin" for c in range(1, 5))
    assert not any(getattr(ws.cell(10, c).border.bottom, "style", None) for c in range(1, 5))
    assert [ws.cell(r, 1).value for r in (12, 13, 14, 15)] == [None, "Note 1.", "Note 2.", "Source: ADSL"]


def test_freeze_widths_and_print_setup(book) -> None:
    ws = book.worksheets[0]
    assert ws.freeze_panes == "B7"
    assert ws.column_dimensions["A"].width == len("Formula-like") + 4 + 2
    assert ws.column_dimensions["B"].width == len("45.3 (12.14)") + 2
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 1  # letter
    assert ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0  # absent: 1 (ECMA-376 default)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$6"
    assert ws.page_margins.left == 1.0
    assert ws["B8"].font.name == "Courier New" and ws["B8"].font.size == 9


def test_ard_sheet_numbers_as_numbers(book) -> None:
    ws = book["ARD"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("output_id", "stat_name", "stat", "count", "label")
    assert rows[1] == ("t-14-1-1", "n", 8, 8, "=n")
    assert isinstance(rows[2][2], float) and math.isclose(rows[2][2], 45.25)
    assert rows[2][3] is None and rows[3][2] is None
    assert ws["E2"].data_type == "s"
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E4"


def test_without_ard_one_sheet_and_a4(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    table = replace(
        _table(),
        page=PageSetup(paper="a4", orientation="portrait"),
        columns=tuple(replace(c, spanner="") for c in _table().columns),
    )
    render_xlsx(table, path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert wb.sheetnames == ["t-14-1-1"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.freeze_panes == "B6"  # no spanner row
    assert ws.cell(5, 2).value == "Placebo\n(N=8)"
    assert ws.cell(5, 2).border.top.style == "thin"


def test_control_characters_stripped(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    table = replace(_table(), rows=(Row("bad\x07label", ("a\x00b", "", "")),))
    render_xlsx(table, path)
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert (ws["A7"].value, ws["B7"].value) == ("badlabel", "ab")


def test_listing_without_row_labels_starts_in_column_a(tmp_path: Path) -> None:
    cols = tuple(Column(id=c, label=c.upper(), align="left") for c in ("trt", "subj"))
    listing = Table(
        output_id="l-16-2-1",
        number="Listing 16.2.1",
        titles=(),
        columns=cols,
        rows=(Row("", ("Drug", "S-1")),),
        kind="listing",
    )
    path = tmp_path / "l.xlsx"
    render_xlsx(listing, path)
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=4)] == [
        ["TRT", "SUBJ"],
        ["Drug", "S-1"],
    ]
    assert ws.freeze_panes == "A4"
    assert ws["A4"].alignment.horizontal == "left"
