"""Table -> XLSX: the output laid out as in the DOCX, plus the results dataset (ARD).

Sheet 1, named after the output id: title block (merged, centred), spanner and column-header
rows, body rows (row labels indented with cell indentation, cells as the model's strings),
footnotes and provenance; frozen below the header and right of the row labels; printed
landscape, fit to the page width, with the title and header rows repeated on every page.
Sheet 2 "ARD" (when given): the results dataset as written, numbers as numbers.

Written in openpyxl's write-only (streaming) mode: everything about a sheet is planned before
its first row is written, which keeps big tables fast and memory flat.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tlf.render.package import save_package
from tlf.render.paginate import has_stub
from tlf.tables.model import Table

if TYPE_CHECKING:
    import pandas

STUB_WIDTH_CAP = 60  # characters
COLUMN_WIDTH_CAP = 30
ARD_WIDTH_CAP = 40
WIDTH_PAD = 2
ARD_SHEET = "ARD"
PAPER_CODES = {"letter": "1", "a4": "9"}  # ECMA-376 paperSize
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_H_ALIGN = {"center": "center", "right": "right", "left": "left", "decimal": "right"}


@dataclass(frozen=True)
class OutputLayout:
    """Where the parts of the output sheet go (1-based row numbers; 0 = absent)."""

    title_rows: tuple[int, ...]
    spanner_row: int
    header_row: int
    first_body_row: int
    last_body_row: int
    footnote_rows: tuple[int, ...]
    provenance_row: int
    first_column: int  # 1 when the stub (row labels) is column A, else 0 (no stub)
    width: int  # number of sheet columns

    @property
    def freeze_cell(self) -> str:
        """The top-left cell of the scrolling area: below the header, right of the row labels."""
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(self.first_column + 1)}{self.header_row + 1}"


def output_layout(table: Table) -> OutputLayout:
    """Row positions of the output sheet for ``table``."""
    titles = tuple(range(1, len(table.header_lines) + 1))
    row = len(titles) + 2  # a blank row under the title block
    spanner = 0
    if table.has_spanners:
        spanner, row = row, row + 1
    header, first = row, row + 1
    last = header + len(table.rows)
    notes = tuple(range(last + 2, last + 2 + len(table.footnotes)))
    provenance = (notes[-1] + 1 if notes else last + 2) if table.provenance else 0
    stub = 1 if has_stub(table) else 0
    return OutputLayout(
        titles, spanner, header, first, last, notes, provenance, stub, stub + len(table.columns)
    )


def sheet_title(output_id: str) -> str:
    """A valid worksheet name from an output id (no []:*?/\\, at most 31 characters)."""
    name = _SHEET_NAME_BAD.sub("-", clean_text(output_id)).strip("'")[:31]
    return name or "Output"


def clean_text(text: str) -> str:
    """Text an XLSX cell can hold: line ends as "\\n", XML-illegal characters removed."""
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def render_xlsx(table: Table, path: Path, ard: pandas.DataFrame | None = None, *,
                when: datetime | None = None) -> None:
    """Write ``table`` (and, when given, its results dataset ``ard``) to an XLSX file.
    A Figure gets its picture and a sheet of the plotted numbers (render/xlsx_figure.py)."""
    if getattr(table, "kind", "") == "figure":
        from tlf.render.xlsx_figure import render_figure_xlsx

        return render_figure_xlsx(table, path, ard, when=when)
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.title = clean_text(" ".join(table.header_lines[:2]))
    wb.properties.identifier = clean_text(table.output_id)
    wb.properties.creator = "tlf"
    _write_output(wb.create_sheet(sheet_title(table.output_id)), table)
    if ard is not None:
        _write_ard(wb.create_sheet(ARD_SHEET), ard)
    save_package(wb.save, path, when)


# --- the output sheet ----------------------------------------------------------------------------


class _Styles:
    """The few cell styles of the output sheet, made once, and a factory of styled text cells."""

    def __init__(self, ws, table: Table) -> None:
        from openpyxl.styles import Alignment, Border, Font, Side

        self.ws = ws
        self._arrays: dict[tuple[int, int, int], tuple[Any, ...]] = {}

        rule = Side(style="thin", color="000000")
        self.font = Font(name=table.page.font, size=table.page.font_size)
        self.small = Font(name=table.page.font, size=max(6.0, table.page.font_size - 1))
        self.top, self.bottom = Border(top=rule), Border(bottom=rule)
        self.top_bottom = Border(top=rule, bottom=rule)
        self.title = Alignment(horizontal="center", vertical="center")
        self.head = Alignment(horizontal="center", vertical="bottom", wrap_text=True)
        self.stub_head = Alignment(horizontal="left", vertical="bottom", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="top")
        self.cells = [
            Alignment(horizontal=_H_ALIGN.get(c.align, "center"), vertical="top") for c in table.columns
        ]
        self._indents: dict[int, Any] = {}

    def cell(self, text: str, font, alignment, border=None) -> Any:
        """A text cell: always a string (never a number or a formula), styled."""
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.ws, value=clean_text(text) if text else None)
        if text:
            cell.data_type = "s"  # "=1+1" or "12" stay text, exactly as in the model
        cell._style = copy.copy(self._style_array(font, alignment, border))
        return cell

    def _style_array(self, font, alignment, border) -> Any:
        """The workbook's style ids for (font, alignment, border), registered once.

        Setting ``cell.font`` etc. hashes the style objects on every cell, which dominates the
        time of big sheets; the ids are the same for every cell of one format, so they are
        registered once through a prototype cell and copied into each cell.
        """
        from openpyxl.cell import WriteOnlyCell

        key = (id(font), id(alignment), id(border))
        if key not in self._arrays:
            proto = WriteOnlyCell(self.ws)
            proto.font = font
            proto.alignment = alignment
            if border is not None:
                proto.border = border
            self._arrays[key] = (proto._style, font, alignment, border)  # keeps the ids valid
        return self._arrays[key][0]

    def indent(self, level: int) -> Any:
        """Left-aligned, indented by ``level`` (Excel indent units), wrapped."""
        from openpyxl.styles import Alignment

        if level not in self._indents:
            self._indents[level] = Alignment(horizontal="left", vertical="top", indent=level, wrap_text=True)
        return self._indents[level]


def _write_output(ws, table: Table) -> None:
    lay = output_layout(table)
    st = _Styles(ws, table)
    _setup_sheet(ws, table, lay)
    for row_cells in _output_rows(table, lay, st):
        ws.append(row_cells)


def _setup_sheet(ws, table: Table, lay: OutputLayout) -> None:
    """Column widths, frozen panes, merges, row heights, print setup: all before any row."""
    from openpyxl.utils import get_column_letter

    widths = output_column_widths(table)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = lay.freeze_cell
    last = get_column_letter(max(1, lay.width))
    for r in lay.title_rows:
        ws.merged_cells.add(f"A{r}:{last}{r}")
    if lay.spanner_row:
        for text, a, b in table.spanner_runs():
            if text and b > a:
                first, end = (get_column_letter(lay.first_column + k + 1) for k in (a, b))
                ws.merged_cells.add(f"{first}{lay.spanner_row}:{end}{lay.spanner_row}")
    line = table.page.font_size * 1.3
    heading = max((_lines(_heading(c.label, c.n_label)) for c in table.columns), default=1)
    ws.row_dimensions[lay.header_row].height = max(heading, _lines(table.stub_header)) * line
    if lay.first_column:
        chars = max(1, int(widths[0]) - WIDTH_PAD)
        for k, row in enumerate(table.rows):
            n = _wrapped(row.label, chars - 2 * row.indent)
            if n > 1:
                ws.row_dimensions[lay.first_body_row + k].height = n * line
    _print_setup(ws, table, lay)


def _print_setup(ws, table: Table, lay: OutputLayout) -> None:
    page = table.page
    ws.page_setup.orientation = page.orientation
    ws.page_setup.paperSize = PAPER_CODES.get(page.paper, PAPER_CODES["letter"])
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = page.margin
    ws.page_margins.top = ws.page_margins.bottom = page.margin
    ws.print_title_rows = f"1:{lay.header_row}"
    ws.oddFooter.right.text = "Page &P of &N"


def output_column_widths(table: Table) -> list[float]:
    """Sheet column widths (characters) from the longest text of each column, capped."""
    widths = []
    if has_stub(table):
        labels = (len(r.label) + 2 * r.indent for r in table.rows)
        longest = max(max(labels, default=0), *map(len, table.stub_header.split("\n")))
        widths.append(min(STUB_WIDTH_CAP, longest + WIDTH_PAD))
    for j, col in enumerate(table.columns):
        texts = [_heading(col.label, col.n_label), *(r.cells[j] for r in table.rows)]
        longest = max(len(line) for t in texts for line in t.split("\n"))
        widths.append(min(COLUMN_WIDTH_CAP, longest + WIDTH_PAD))
    return widths


def _output_rows(table: Table, lay: OutputLayout, st: _Styles) -> Iterable[list]:
    for line in table.header_lines:
        yield [st.cell(line, st.font, st.title)]
    yield []
    if lay.spanner_row:
        yield _spanner_cells(table, lay, st)
    yield _header_cells(table, lay, st)
    last = len(table.rows) - 1
    for k, row in enumerate(table.rows):
        border = st.bottom if k == last else None
        out = []
        if lay.first_column:
            out.append(st.cell(row.label, st.font, st.indent(row.indent), border))
        out.extend(st.cell(text, st.font, al, border) for text, al in zip(row.cells, st.cells, strict=True))
        yield out
    yield []
    for note in table.footnotes:
        yield [st.cell(note, st.font, st.left)]
    if table.provenance:
        yield [st.cell(table.provenance, st.small, st.left)]


def _spanner_cells(table: Table, lay: OutputLayout, st: _Styles) -> list:
    out = []
    if lay.first_column:
        out.append(st.cell("", st.font, st.head, st.top))
    for text, a, b in table.spanner_runs():
        border = st.top_bottom if text else st.top
        out.extend(st.cell(text if k == a else "", st.font, st.head, border) for k in range(a, b + 1))
    return out


def _header_cells(table: Table, lay: OutputLayout, st: _Styles) -> list:
    border = st.bottom if lay.spanner_row else st.top_bottom
    out = []
    if lay.first_column:
        out.append(st.cell(table.stub_header, st.font, st.stub_head, border))
    out.extend(st.cell(_heading(c.label, c.n_label), st.font, st.head, border) for c in table.columns)
    return out


def _heading(label: str, n_label: str) -> str:
    return f"{label}\n{n_label}" if n_label else label


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _wrapped(text: str, chars: int) -> int:
    from tlf.render.paginate import text_lines

    return text_lines(text, max(1, chars)) if text else 1


# --- the ARD sheet --------------------------------------------------------------------------------


def _write_ard(ws, ard: pandas.DataFrame) -> None:
    """The results dataset as written: bold frozen header, autofilter, numbers as numbers."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    names = [str(c) for c in ard.columns]
    columns = [list(_excel_values(ard.iloc[:, j])) for j in range(len(names))]
    for j, (name, values) in enumerate(zip(names, columns, strict=True), start=1):
        ws.column_dimensions[get_column_letter(j)].width = _ard_width(name, values)
    ws.freeze_panes = "A2"
    if names:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(ard) + 1}"
    bold = Font(bold=True)
    header = []
    for name in names:
        cell = WriteOnlyCell(ws, value=clean_text(name))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for values in zip(*columns, strict=True):
        ws.append([_ard_cell(ws, v) for v in values])


def _excel_values(series: pandas.Series) -> Iterable[Any]:
    """A column's values as Python scalars Excel can hold; missing and non-finite -> None."""
    import pandas as pd

    missing = series.isna().tolist()
    for value, gone in zip(series.tolist(), missing, strict=True):
        if gone:
            yield None
        elif isinstance(value, float) and not math.isfinite(value):
            yield None
        elif isinstance(value, (bool, int, float, str)):
            yield value
        elif isinstance(value, pd.Timestamp) and value.tzinfo is None:
            yield value.to_pydatetime()
        else:
            yield str(value)


def _ard_cell(ws, value: Any) -> Any:
    if isinstance(value, str):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=clean_text(value))
        cell.data_type = "s"
        return cell
    return value


def _ard_width(name: str, values: Sequence[Any]) -> float:
    sample = values[:1000]
    longest = max((len(str(v)) for v in sample if v is not None), default=0)
    return min(ARD_WIDTH_CAP, max(len(name), longest) + WIDTH_PAD)
