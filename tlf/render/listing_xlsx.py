"""Listing -> XLSX: the listing laid out as in the DOCX, plus the listed records.

Sheet 1, named after the output id: title block (merged, centred), the column-header row, then for
each page-by group its heading row (merged, left) and its records; "No data to report" (merged) for a
listing without records; footnotes and provenance. Frozen below the header; printed landscape, fit
to the page width, with the title and header rows repeated on every printed page.
Sheet 2 "Data" (when records are given): the records as listed, numbers as numbers, one per row, with
every key filled in (for filtering and QC).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.listings.model import Listing
from tlf.render.package import save_package
from tlf.render.xlsx_ard import write_ard
from tlf.render.xlsx_sheet import (
    Cut,
    OutputLayout,
    SheetStyles,
    clean_text,
    cuts_of,
    output_column_widths,
    print_setup,
    sheet_title,
)

if TYPE_CHECKING:
    import pandas

DATA_SHEET = "Data"


def listing_layout(listing: Listing) -> OutputLayout:
    """Row positions of the listing sheet (the body spans headings and records)."""
    table = listing.table
    titles = tuple(range(1, len(table.header_lines) + 1))
    header = len(titles) + 2
    body = len(table.rows) + sum(1 for g in listing.groups if g.heading) + (1 if listing.empty else 0)
    last = header + body
    notes = tuple(range(last + 2, last + 2 + len(table.footnotes)))
    provenance = (notes[-1] + 1 if notes else last + 2) if table.provenance else 0
    return OutputLayout(titles, 0, header, header + 1, last, notes, provenance, 0, len(table.columns))


def render_listing_xlsx(listing: Listing, path: Path, records: pandas.DataFrame | None = None, *,
                        when: datetime | None = None) -> list[Cut]:
    """Write ``listing`` (and, when given, its ``records``) to an XLSX file; return the cells whose text
    was cut to Excel's limit of 32,767 characters (``Cut``)."""
    from openpyxl import Workbook

    table = listing.table
    wb = Workbook(write_only=True)
    wb.properties.title = clean_text(" ".join(table.header_lines[:2]))
    wb.properties.identifier = clean_text(table.output_id)
    wb.properties.creator = "tlf"
    ws = wb.create_sheet(sheet_title(table.output_id))
    lay = listing_layout(listing)
    st = SheetStyles(ws, table)
    _setup(ws, listing, lay)
    for cells in _rows(listing, lay, st):
        ws.append(cells)
    cuts = cuts_of(ws, st.cut)
    if records is not None:
        cuts += write_ard(wb.create_sheet(DATA_SHEET), records)
    save_package(wb.save, path, when)
    return cuts


def _setup(ws, listing: Listing, lay: OutputLayout) -> None:
    from openpyxl.utils import get_column_letter

    table = listing.table
    widths = output_column_widths(table)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = lay.freeze_cell
    last = get_column_letter(max(1, lay.width))
    merged = list(lay.title_rows)
    row = lay.first_body_row
    for g in listing.groups or ():
        if g.heading:
            merged.append(row)
            row += 1
        row += g.end - g.first
    if listing.empty:
        merged.append(lay.first_body_row)
    for r in merged:
        ws.merged_cells.add(f"A{r}:{last}{r}")
    line = table.page.font_size * 1.3
    ws.row_dimensions[lay.header_row].height = max(c.label.count("\n") + 1 for c in table.columns) * line
    print_setup(ws, table, lay)


def _rows(listing: Listing, lay: OutputLayout, st: SheetStyles) -> Iterable[list]:
    table = listing.table
    for line in table.header_lines:
        yield [st.cell(line, st.font, st.title)]
    yield []
    yield [st.cell(c.label, st.font, st.indent(0) if c.align == "left" else st.head, st.top_bottom)
           for c in table.columns]
    if listing.empty:
        yield [st.cell(listing.no_data, st.font, st.title, st.bottom)] + [
            st.cell("", st.font, st.title, st.bottom) for _ in table.columns[1:]]
    from openpyxl.styles import Alignment

    wrap = [Alignment(horizontal=a.horizontal, vertical="top", wrap_text=True) for a in st.cells]  # "\n" in cells
    groups = listing.groups or ()
    starts = {g.first: g.heading for g in groups if g.heading}
    last = len(table.rows) - 1
    for k, row in enumerate(table.rows):
        if k in starts:
            yield [st.cell(starts[k], st.font, st.left)]
        if k == last:
            yield [st.cell(text, st.font, al, st.bottom) for text, al in zip(row.cells, wrap, strict=True)]
        else:  # an empty cell (a key not repeated) needs no style
            yield [st.cell(text, st.font, al) if text else None for text, al in zip(row.cells, wrap, strict=True)]
    yield []
    for note in table.footnotes:
        yield [st.cell(note, st.font, st.left)]
    if table.provenance:
        yield [st.cell(table.provenance, st.small, st.left)]
