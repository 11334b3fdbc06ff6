"""Table -> XLSX: the output laid out as in the DOCX, plus the results dataset (ARD).

Sheet 1, named after the output id: title block (merged, centred), spanner and column-header
rows, body rows (row labels indented with cell indentation, cells as the model's strings),
footnotes and provenance; frozen below the header and right of the row labels; printed
landscape, fit to the page width, with the title and header rows repeated on every page.
Sheet 2 "ARD" (when given): the results dataset as written, numbers as numbers.
Text longer than an Excel cell holds (32,767 characters) is cut there, and the renderer returns where.

Written with XlsxWriter in constant-memory mode (render/xlsx_book.py): everything about a sheet is
planned before its first row is written, and rows go out in order, which keeps big tables fast and
memory flat.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.render.paginate import has_stub
from tlf.render.xlsx_ard import ARD_SHEET, write_ard
from tlf.render.xlsx_book import Book, set_widths
from tlf.render.xlsx_sheet import (
    WIDTH_PAD,
    Cut,
    OutputLayout,
    SheetStyles,
    heading,
    output_column_widths,
    print_setup,
    sheet_title,
    title_block,
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
    from tlf.render.align import aligned_table

    if table.kind != "listing":
        table = aligned_table(table)  # the DOCX's columns: numbers aligned where they fit
    book = Book(" ".join(table.header_lines[:2]), table.output_id)
    _write_output(book, book.sheet(sheet_title(table.output_id)), table)
    if ard is not None:
        write_ard(book, book.sheet(ARD_SHEET), ard)
    return book.close(path, when)


# --- the output sheet ----------------------------------------------------------------------------


def _write_output(book: Book, ws, table: Table) -> None:
    lay = output_layout(table)
    st = SheetStyles(book, table)
    _setup_sheet(ws, table, lay)
    last = max(0, lay.width - 1)
    r = title_block(book, ws, table, st, last)
    if lay.spanner_row:
        _spanner_row(book, ws, r, table, lay, st)
        r += 1
    book.write_row(ws, r, _header_cells(table, lay, st))
    r += 1
    rows = table.rows
    listing = table.kind == "listing"
    cells = [st.format(st.font, al, None) for al in st.cells]
    for k, row in enumerate(rows):
        border = st.bottom if k == len(rows) - 1 else None
        out = []
        if lay.first_column:
            out.append(st.cell(row.label, st.font, st.indent(row.indent), border))
        if listing:  # records' values as they are
            if border is None:
                out.extend((text, fmt) for text, fmt in zip(row.cells, cells, strict=True))
            else:
                out.extend(st.cell(text, st.font, al, border) for text, al in zip(row.cells, st.cells, strict=True))
        else:
            out.extend(st.value(text, j, border) for j, text in enumerate(row.cells))
        book.write_row(ws, r, out)
        r += 1
    r += 1
    left = st.format(st.font, st.left, None)
    for note in table.footnotes:
        book.write_row(ws, r, [(note, left)])
        r += 1
    if table.provenance:
        book.write_row(ws, r, [(table.provenance, st.format(st.small, st.left, None))])


def _setup_sheet(ws, table: Table, lay: OutputLayout) -> None:
    """Column widths, frozen panes, row heights, print setup: all before any row."""
    widths = output_column_widths(table)
    set_widths(ws, widths)
    lay.freeze(ws)
    line = table.page.font_size * 1.3
    head = max((_lines(heading(c.label, c.n_label)) for c in table.columns), default=1)
    ws.set_row(lay.header_row - 1, max(head, _lines(table.stub_header)) * line)
    if lay.first_column:
        chars = max(1, int(widths[0]) - WIDTH_PAD)
        for k, row in enumerate(table.rows):
            n = _wrapped(row.label, chars - 2 * row.indent)
            if n > 1:
                ws.set_row(lay.first_body_row - 1 + k, n * line)
    print_setup(ws, table, lay)


def _spanner_row(book: Book, ws, r: int, table: Table, lay: OutputLayout, st: SheetStyles) -> None:
    """The spanner row: each spanner merged across its columns with a rule under it; the cells without
    a spanner and the stub's with the rule above only."""
    if lay.first_column:
        book.write_row(ws, r, [st.cell("", st.font, st.head, st.top)])
    for text, a, b in table.spanner_runs():
        fmt = st.format(st.font, st.head, st.top_bottom if text else st.top)
        first = lay.first_column + a
        if text and b > a:
            book.merge(ws, r, first, lay.first_column + b, text, fmt)
        else:
            book.write_row(ws, r, [(text if k == a else None, fmt) for k in range(a, b + 1)], first)


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

    if len(text) <= chars and "\n" not in text:
        return 1  # fits on its line
    return text_lines(text, max(1, chars)) if text else 1
