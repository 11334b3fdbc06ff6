"""Listing -> DOCX: the table renderer's pages, one Word section per page-by group.

Each page-by group is paginated on its own and gets its own section, whose page header is the title
block plus the group's heading ("Treatment: Placebo"); so every group starts a new page and every
page says which group it shows. The footer (footnotes, provenance, "Page x of y") is the first
section's, inherited by the others; page numbers run through the whole document. Key columns are
refilled on the first record of every page by ``paginate``. Footnotes the page cannot hold (in any
part) print once after the last record, and every page's footer says so (render/paginate.py). A listing without records prints its
``no_data`` text ("No data to report") across the body under the column headers.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from lxml import etree

from tlf.listings.model import Listing
from tlf.render.docx_page import (
    PPR,
    TC,
    TR,
    TRPR,
    end_notes,
    fill_footer,
    fill_header,
    property_text,
    set_page,
    set_styles,
    spacer,
    w_tag,
)
from tlf.render.docx_table import table_cell, table_element, table_grid, table_row
from tlf.render.docx_xml import DOCUMENT, PageXml, element_xml, fill_pages, placeholder
from tlf.render.package import save_package
from tlf.render.paginate import FOOTNOTES_AFTER, end_note_pages, footnotes_fit, paginate


def render_listing_docx(listing: Listing, path: Path, *, when: datetime | None = None) -> None:
    """Write ``listing`` to ``path`` as a DOCX (one w:tbl per planned page, a section per page-by group)."""
    import docx

    parts = listing.parts()
    moved = not all(footnotes_fit(part) for part in parts)  # then after the last record, for every part
    if moved:
        parts = [replace(part, footnotes=(FOOTNOTES_AFTER,)) for part in parts]
    paged = [(part, paginate(part)) for part in parts]
    after = end_note_pages(parts[-1], paged[-1][1], listing.table.footnotes) if moved else []
    total = sum(len(pages) for _, pages in paged) + max(0, len(after) - 1)
    first = parts[0]
    doc = docx.Document()
    set_styles(doc, first)
    set_page(doc.sections[0], first)
    body = doc.element.body
    sentinel = body[-1]  # the last section's properties
    aligns = [c.align for c in first.columns]
    tables: list[str] = []  # each page's w:tbl as XML text, put in where its placeholder is when saved
    for k, (part, pages) in enumerate(paged):
        grid = table_grid(part)
        writer = PageXml(part, grid, lambda tbl: align_headers(tbl, aligns))
        for page in pages:
            if page.index:
                sentinel.addprevious(spacer(page_break=True))
            if page.rows:
                tables.append(writer.page(page))
            else:
                tbl = table_element(part, page, grid)
                align_headers(tbl, aligns)
                _no_data_row(tbl, sum(grid.twips), len(grid.twips), listing.no_data)
                tables.append(element_xml(tbl))
            sentinel.addprevious(placeholder())
        if k == len(paged) - 1:
            for p in end_notes(after) if after else ():
                sentinel.addprevious(p)
        end = spacer(page_break=False)
        if k < len(paged) - 1:  # this group's section ends here (the next starts on a new page)
            props = copy.deepcopy(sentinel)
            for ref in props.findall(w_tag("headerReference")) + props.findall(w_tag("footerReference")):
                props.remove(ref)
            end.find(PPR).append(props)
        sentinel.addprevious(end)
    for section, part in zip(doc.sections, parts, strict=True):
        fill_header(section.header, part)
    fill_footer(doc.sections[0].footer, first, total)
    props = doc.core_properties
    props.title = property_text(" ".join(first.header_lines[:2]))
    props.identifier = property_text(listing.output_id)
    props.author = "tlf"
    save_package(doc.save, path, when, parts={DOCUMENT: lambda xml: fill_pages(xml, tables)})


def align_headers(tbl: etree._Element, aligns: list[str]) -> None:
    """Column labels align as their column's values (the table renderer centres them)."""
    for tr in tbl.iterfind(TR):
        if tr.find(f"{TRPR}/{w_tag('tblHeader')}") is None:
            break
        for tc, align in zip(tr.iterfind(TC), aligns, strict=False):
            for jc in tc.iter(w_tag("jc")):
                jc.set(w_tag("val"), {"decimal": "right"}.get(align, align))


def _no_data_row(tbl: etree._Element, width: int, span: int, text: str) -> None:
    """One row across all columns with ``text``, centred, closed by the bottom rule."""
    tr = table_row(tbl, header=False)
    table_cell(tr, width, text, jc="center", span=span, rules=("bottom",))
