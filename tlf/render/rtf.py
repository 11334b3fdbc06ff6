"""Table, listing or figure -> RTF, on the page plan of render/paginate.py (the DOCX's: one plan, two
writers).

    render_rtf(table_or_figure, path, *, when=None)
    render_listing_rtf(listing, path, *, when=None)

Every page of the plan is one RTF table (a 1-point paragraph breaking the page between them, as in the
DOCX) whose header rows (spanners, column labels with their N) are written on it and marked ``\\trhdr``;
rows never split (``\\trkeep``); a page that resumes a group starts with its "(continued)" label rows
(the plan's). The title block is the page header; footnotes, provenance and "Page x of y" (PAGE and
NUMPAGES fields) the page footer; footnotes the page cannot hold print once after the last row and the
footer says so. Column widths are the DOCX grid's (render/docx_table.py ``grid_twips``), cell margins
``CELL_PAD``, rules as in the DOCX: above and below the column headers, under each spanner (a paragraph
border, so gaps show between spanners) and under the last row of every page. A figure is its PNG
(``\\pngblip``) at the size planned for the DOCX. A listing: one section per page-by group, its heading
in that section's header, page numbers running through the document.

Cell text goes through ``cell`` only: it takes the display text as it is (an aligned text padded with
spaces keeps its spaces) and the paragraph's alignment and indents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from tlf.render.docx_table import grid_twips
from tlf.render.paginate import (
    FOOTNOTES_AFTER,
    Page,
    end_note_pages,
    footnotes_fit,
    has_stub,
    paginate,
    picture_size,
    printed_footer,
)
from tlf.render.rtf_page import (
    RULE,
    TWIPS,
    document,
    end_notes,
    escape,
    footer,
    half_points,
    picture,
    prolog,
    section,
    spacer,
)
from tlf.render.text_metrics import CELL_PAD, INDENT_STEP
from tlf.tables.model import Row, Table

_Q = {"center": "c", "right": "r", "left": "l", "decimal": "r"}


def render_rtf(table, path: Path, *, when: datetime | None = None) -> None:
    """Write a Table (or a Figure) to ``path`` as RTF, one RTF table per page planned by ``paginate``."""
    if getattr(table, "kind", "") == "figure":
        return _render_figure(table, path, when)
    printed = printed_footer(table)  # footnotes the page cannot hold print after the last row
    pages = paginate(printed)
    after = end_note_pages(printed, pages, table.footnotes) if printed is not table else []
    count = len(pages) + max(0, len(after) - 1)
    parts = [prolog(table.page, " ".join(table.header_lines[:2]), table.output_id, when),
             section(table.page, table.header_lines, _footer(printed, count), first=True)]
    parts += _pages(table, pages)
    if after:
        parts.append(end_notes(table.page, after))
    parts.append(spacer(table.page, page_break=False))
    Path(path).write_bytes(document(parts))


def render_listing_rtf(listing, path: Path, *, when: datetime | None = None) -> None:
    """Write a Listing to ``path`` as RTF: a section per page-by group, paginated on its own."""
    parts_ = listing.parts()
    moved = not all(footnotes_fit(part) for part in parts_)  # then after the last record, for every part
    if moved:
        parts_ = [replace(part, footnotes=(FOOTNOTES_AFTER,)) for part in parts_]
    paged = [(part, paginate(part)) for part in parts_]
    after = end_note_pages(parts_[-1], paged[-1][1], listing.table.footnotes) if moved else []
    total = sum(len(pages) for _, pages in paged) + max(0, len(after) - 1)
    first = parts_[0]
    out = [prolog(first.page, " ".join(first.header_lines[:2]), listing.output_id, when)]
    for k, (part, pages) in enumerate(paged):
        out.append(section(part.page, part.header_lines, _footer(first, total), first=k == 0))
        if k:  # LibreOffice keeps the previous section's header when a section starts with a table
            out.append(spacer(part.page, page_break=False))
        out += _pages(part, pages, header_align=True, no_data=listing.no_data)
        if k == len(paged) - 1 and after:
            out.append(end_notes(part.page, after))
        out.append(spacer(part.page, page_break=False))
    Path(path).write_bytes(document(out))


def _render_figure(fig, path: Path, when: datetime | None) -> None:
    printed = printed_footer(fig)  # footnotes the page cannot hold print after the picture
    width, height = picture_size(fig)
    after = end_note_pages(printed, (), fig.footnotes, picture_height=height) if printed is not fig else []
    parts = [prolog(fig.page, " ".join(fig.header_lines[:2]), fig.output_id, when),
             section(fig.page, fig.header_lines, _footer(printed, max(1, len(after))), first=True),
             picture(fig.png, width, height)]
    if after:
        parts.append(end_notes(fig.page, after))
    Path(path).write_bytes(document(parts))


def _footer(table, count: int) -> str:
    return footer(table.page, table.footnotes, table.provenance, count)


# --- the pages ----------------------------------------------------------------------------------


def _pages(table: Table, pages: Sequence[Page], *, header_align: bool = False, no_data: str = "") -> list[str]:
    """The RTF tables of ``pages``, a page break between them. ``header_align``: column labels align as
    their column's values (listings); otherwise they are centred."""
    edges = _edges(table)
    stub = has_stub(table)
    header = _header_rows(table, edges, stub, header_align)
    out = []
    for page in pages:
        if page.index:
            out.append(spacer(table.page, page_break=True))
        out.append(header)
        last = len(page.rows) - 1
        for i, row in enumerate(page.rows):
            out.append(_body_row(table, row, edges, stub, bottom_rule=i == last))
        if not page.rows and no_data:
            out.append(_row(table, [(edges[-1], cell(no_data, "c"), ("bottom",))], header=False))
    return out


def _edges(table: Table) -> list[int]:
    """The right edge of every column (twips from the left margin, stub first): the DOCX grid."""
    edges, at = [], 0
    for width in grid_twips(table):
        at += width
        edges.append(at)
    return edges


def _row(table: Table, cells: Sequence[tuple[int, str, tuple[str, ...]]], header: bool,
         bottom_aligned: bool = False) -> str:
    """One table row: ``cells`` are (right edge, paragraph, rules) with rules among "top", "bottom"."""
    pad = round(CELL_PAD * TWIPS)
    head = (rf"\trowd\trgaph{pad}\trleft0\trqc\trpaddl{pad}\trpaddr{pad}\trpaddfl3\trpaddfr3"
            r"\trpaddt0\trpaddb0\trpaddft3\trpaddfb3\trkeep" + (r"\trhdr" if header else ""))
    defs, body = [], []
    fs = half_points(table.page.font_size)
    for edge, para, rules in cells:
        borders = "".join(rf"\clbrdr{side[0]}{RULE}" for side in rules)
        defs.append((r"\clvertalb" if bottom_aligned else "") + borders + rf"\cellx{edge}")
        body.append(rf"\pard\plain\intbl\f0\fs{fs}{para}\cell ")
    return head + "".join(defs) + "\n" + "".join(body) + r"\row" + "\n"


def cell(text: str, align: str, left: int = 0, hanging: int = 0, underline: bool = False, right: int = 0) -> str:
    """The paragraph of one cell: alignment (l, c, r), a hanging indent and a right indent (twips) and, for a
    spanner, a rule under its text, then the text as it is (spaces kept: aligned text can be passed
    ready-made, or placed by a right indent as the DOCX's decimal columns are)."""
    props = rf"\q{align}"
    if left:
        props += rf"\li{left}\fi-{hanging}"
    if right:
        props += rf"\ri{right}"
    if underline:
        props += r"\brdrb\brdrs\brdrw15\brdrcf1\brsp20"
    return props + " " + escape(text)


def _header_rows(table: Table, edges: list[int], stub: bool, header_align: bool) -> str:
    body_edges = edges[1:] if stub else edges
    out = []
    if table.has_spanners:
        cells = [(edges[0], cell("", "l"), ("top",))] if stub else []
        for text, _first, last in table.spanner_runs():
            cells.append((body_edges[last], cell(text, "c", underline=bool(text)), ("top",)))
        out.append(_row(table, cells, header=True, bottom_aligned=True))
    rules = ("bottom",) if table.has_spanners else ("top", "bottom")
    cells = [(edges[0], cell(table.stub_header, "l"), rules)] if stub else []
    for col, edge in zip(table.columns, body_edges, strict=True):
        heading = f"{col.label}\n{col.n_label}" if col.n_label else col.label
        cells.append((edge, cell(heading, _Q.get(col.align, "c") if header_align else "c"), rules))
    out.append(_row(table, cells, header=True, bottom_aligned=True))
    return "".join(out)


def _body_row(table: Table, row: Row, edges: list[int], stub: bool, bottom_rule: bool) -> str:
    rules = ("bottom",) if bottom_rule else ()
    cells = []
    if stub:
        step = round(INDENT_STEP * TWIPS)
        cells.append((edges[0], cell(row.label, "l", (row.indent + 1) * step, step), rules))  # wrapped lines hang
    body_edges = edges[1:] if stub else edges
    for text, col, edge in zip(row.cells, table.columns, body_edges, strict=True):
        cells.append((edge, cell(text, _Q.get(col.align, "c")), rules))
    return _row(table, cells, header=False)
