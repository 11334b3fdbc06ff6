"""Table -> XLSX: the output laid out as in the DOCX, plus the results dataset (ARD).

Sheet 1, named after the output id: title block (merged, centred), spanner and column-header
rows, body rows (row labels indented with cell indentation, cells as the model's strings),
footnotes and provenance; frozen below the header and right of the row labels; printed
landscape, fit to the page width, with the title and header rows repeated on every page.
Sheet 2 "ARD" (when given): the results dataset as written, numbers as numbers.
Text longer than an Excel cell holds (32,767 characters) is cut there, and the renderer returns where.

Written in openpyxl's write-only (streaming) mode: everything about a sheet is planned before
its first row is written, which keeps big tables fast and memory flat.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.render.package import save_package
from tlf.render.paginate import has_stub
from tlf.render.xlsx_ard import ARD_SHEET, write_ard
from tlf.render.xlsx_sheet import (
    WIDTH_PAD,
    Cut,
    OutputLayout,
    SheetStyles,
    clean_text,
    cuts_of,
    heading,
    output_column_widths,
    print_setup,
    sheet_title,
)
from tlf.tables.model import Table

if TYPE_CHECKING:
    import pandas


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


def render_xlsx(table: Table, path: Path, ard: pandas.DataFrame | None = None, *,
                when: datetime | None = None) -> list[Cut]:
    """Write ``table`` (and, when given, its results dataset ``ard``) to an XLSX file; return the cells
    whose text was cut to Excel's limit of 32,767 characters (``Cut``).
    A Figure gets its picture and a sheet of the plotted numbers (render/xlsx_figure.py)."""
    if getattr(table, "kind", "") == "figure":
        from tlf.render.xlsx_figure import render_figure_xlsx

        return render_figure_xlsx(table, path, ard, when=when)
    from openpyxl import Workbook

    from tlf.render.align import aligned_table

    if table.kind != "listing":
        table = aligned_table(table)  # the DOCX's columns: numbers aligned where they fit
    wb = Workbook(write_only=True)
    wb.properties.title = clean_text(" ".join(table.header_lines[:2]))
    wb.properties.identifier = clean_text(table.output_id)
    wb.properties.creator = "tlf"
    cuts = _write_output(wb.create_sheet(sheet_title(table.output_id)), table)
    if ard is not None:
        cuts += write_ard(wb.create_sheet(ARD_SHEET), ard)
    save_package(wb.save, path, when)
    return cuts


# --- the output sheet ----------------------------------------------------------------------------


def _write_output(ws, table: Table) -> list[Cut]:
    lay = output_layout(table)
    st = SheetStyles(ws, table)
    _setup_sheet(ws, table, lay)
    for row_cells in _output_rows(table, lay, st):
        ws.append(row_cells)
    return cuts_of(ws, st.cut)


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
    head = max((_lines(heading(c.label, c.n_label)) for c in table.columns), default=1)
    ws.row_dimensions[lay.header_row].height = max(head, _lines(table.stub_header)) * line
    if lay.first_column:
        chars = max(1, int(widths[0]) - WIDTH_PAD)
        for k, row in enumerate(table.rows):
            n = _wrapped(row.label, chars - 2 * row.indent)
            if n > 1:
                ws.row_dimensions[lay.first_body_row + k].height = n * line
    print_setup(ws, table, lay)


def _output_rows(table: Table, lay: OutputLayout, st: SheetStyles) -> Iterable[list]:
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
        if table.kind == "listing":  # records' values as they are
            out.extend(st.cell(text, st.font, al, border) for text, al in zip(row.cells, st.cells, strict=True))
        else:
            out.extend(st.value(text, j, border) for j, text in enumerate(row.cells))
        yield out
    yield []
    for note in table.footnotes:
        yield [st.cell(note, st.font, st.left)]
    if table.provenance:
        yield [st.cell(table.provenance, st.small, st.left)]


def _spanner_cells(table: Table, lay: OutputLayout, st: SheetStyles) -> list:
    out = []
    if lay.first_column:
        out.append(st.cell("", st.font, st.head, st.top))
    for text, a, b in table.spanner_runs():
        border = st.top_bottom if text else st.top
        out.extend(st.cell(text if k == a else "", st.font, st.head, border) for k in range(a, b + 1))
    return out


def _header_cells(table: Table, lay: OutputLayout, st: SheetStyles) -> list:
    border = st.bottom if lay.spanner_row else st.top_bottom
    out = []
    if lay.first_column:
        out.append(st.cell(table.stub_header, st.font, st.stub_head, border))
    out.extend(st.cell(heading(c.label, c.n_label), st.font, st.head, border) for c in table.columns)
    return out


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _wrapped(text: str, chars: int) -> int:
    from tlf.render.text_metrics import text_lines

    return text_lines(text, max(1, chars)) if text else 1
