"""Table -> DOCX, laid out as a submission table.

python-docx builds the document, its styles, section, page header and footer (render/docx_page.py);
the table body, one ``w:tbl`` per page planned by ``paginate``, is built directly with lxml
(render/docx_table.py).

Look: Courier New 9 pt (per PageSetup) set in the document defaults; title block centred in
the page header; footnotes, provenance and "Page x of y" (PAGE / NUMPAGES fields) in the page
footer (footnotes the page cannot hold print once after the last row, and the footer says so: see
render/paginate.py); no vertical lines, a rule above and below the column headers, a rule under each
spanner spanning only its columns, and a rule under the last body row of every page.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tlf.render.docx_page import (
    end_notes,
    fill_footer,
    fill_header,
    property_text,
    set_page,
    set_styles,
    spacer,
)
from tlf.render.docx_table import table_element, table_grid
from tlf.render.package import save_package
from tlf.render.paginate import end_note_pages, paginate, printed_footer
from tlf.tables.model import Table


def render_docx(table: Table, path: Path, *, when: datetime | None = None) -> None:
    """Write ``table`` to ``path`` as a DOCX, one Word table per page planned by ``paginate``, stamped
    with the build time ``when`` (render/package.py). A Figure is placed as a picture (render/docx_figure.py)."""
    if getattr(table, "kind", "") == "figure":
        from tlf.render.docx_figure import render_figure_docx

        return render_figure_docx(table, path, when=when)
    import docx  # heavy; only renderers need it

    from tlf.render.align import aligned_table

    table = aligned_table(table)  # what is printed is what is measured
    printed = printed_footer(table)  # footnotes the page cannot hold print after the last row
    pages = paginate(printed)
    after = end_note_pages(printed, pages, table.footnotes) if printed is not table else []
    doc = docx.Document()
    set_styles(doc, table)
    section = doc.sections[0]
    set_page(section, table)
    fill_header(section.header, table)
    fill_footer(section.footer, printed, len(pages) + max(0, len(after) - 1))
    body = doc.element.body
    sect_pr = body[-1]
    grid = table_grid(table)
    for page in pages:
        if page.index:
            sect_pr.addprevious(spacer(page_break=True))
        sect_pr.addprevious(table_element(table, page, grid))
    for p in end_notes(after) if after else ():
        sect_pr.addprevious(p)
    sect_pr.addprevious(spacer(page_break=False))  # a body must end with a paragraph
    props = doc.core_properties
    props.title = property_text(" ".join(table.header_lines[:2]))
    props.identifier = property_text(table.output_id)
    props.author = "tlf"
    save_package(doc.save, path, when)
