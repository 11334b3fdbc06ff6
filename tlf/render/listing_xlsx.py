"""Listing -> XLSX: the listing laid out as in the DOCX, plus the listed records.

Sheet 1, named after the output id: title block (merged, centred), the column-header row, then for
each page-by group its heading row (merged, left) and its records; "No data to report" (merged) for a
listing without records; footnotes and provenance. Frozen below the header; printed landscape, fit
to the page width, with the title and header rows repeated on every printed page.
Sheet 2 "Data" (when records are given): the records as listed, numbers as numbers, one per row, with
every key filled in (for filtering and QC).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.listings.model import Listing
from tlf.render.xlsx_ard import write_ard
from tlf.render.xlsx_book import Book, set_widths
from tlf.render.xlsx_sheet import (
    Cut,
    OutputLayout,
    SheetStyles,
    output_column_widths,
    print_setup,
    sheet_title,
    title_block,
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
    table = listing.table
    book = Book(" ".join(table.header_lines[:2]), table.output_id)
    ws = book.sheet(sheet_title(table.output_id))
    lay = listing_layout(listing)
    st = SheetStyles(book, table)
    _setup(ws, listing, lay)
    _write_rows(book, ws, listing, lay, st)
    if records is not None:
        write_ard(book, book.sheet(DATA_SHEET), records)
    return book.close(path, when)


def _setup(ws, listing: Listing, lay: OutputLayout) -> None:
    table = listing.table
    set_widths(ws, output_column_widths(table))
    lay.freeze(ws)
    line = table.page.font_size * 1.3
    ws.set_row(lay.header_row - 1, max(c.label.count("\n") + 1 for c in table.columns) * line)
    print_setup(ws, table, lay)


def _write_rows(book: Book, ws, listing: Listing, lay: OutputLayout, st: SheetStyles) -> None:
    """The title block, the column headers, each group's heading (merged) and records, the notes."""
    table = listing.table
    last = max(0, lay.width - 1)
    r = title_block(book, ws, table, st, last)
    book.write_row(ws, r, [st.cell(c.label, st.font, st.indent(0) if c.align == "left" else st.head,
                                   st.top_bottom) for c in table.columns])
    r += 1
    if listing.empty:
        book.merge(ws, r, 0, last, listing.no_data, st.format(st.font, st.title, st.bottom))
        r += 1
    wrap = [{**a, "text_wrap": True} for a in st.cells]  # "\n" in cells
    plain = [st.format(st.font, a, None) for a in wrap]
    ruled = [st.format(st.font, a, st.bottom) for a in wrap]
    heading = st.format(st.font, st.left, None)
    groups = listing.groups or ()
    starts = {g.first: g.heading for g in groups if g.heading}
    final = len(table.rows) - 1
    write_row = book.write_row
    for k, row in enumerate(table.rows):
        if k in starts:
            book.merge(ws, r, 0, last, starts[k], heading)
            r += 1
        if k == final:
            write_row(ws, r, [(text, fmt) for text, fmt in zip(row.cells, ruled, strict=True)])
        else:  # an empty cell (a key not repeated) needs no format
            write_row(ws, r, [(text, fmt) if text else None for text, fmt in zip(row.cells, plain, strict=True)])
        r += 1
    r += 1
    left = st.format(st.font, st.left, None)
    for note in table.footnotes:
        write_row(ws, r, [(note, left)])
        r += 1
    if table.provenance:
        write_row(ws, r, [(table.provenance, st.format(st.small, st.left, None))])
