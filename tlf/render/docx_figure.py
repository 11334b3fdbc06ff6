"""Figure -> DOCX: the picture centred on a landscape page, the title block in the page header and
footnotes, provenance and "Page x of y" in the footer, exactly as for tables (footnotes the page cannot
hold print after the picture, render/paginate.py)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from tlf.figures.model import Figure
from tlf.render.docx_page import (
    end_notes,
    fill_footer,
    fill_header,
    property_text,
    set_page,
    set_styles,
)
from tlf.render.package import save_package
from tlf.render.paginate import end_note_pages, picture_size, printed_footer


def render_figure_docx(fig: Figure, path: Path, *, when: datetime | None = None) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches

    printed = printed_footer(fig)  # footnotes the page cannot hold print after the picture
    width, height = picture_size(fig)
    after = end_note_pages(printed, (), fig.footnotes, picture_height=height) if printed is not fig else []
    doc = docx.Document()
    set_styles(doc, fig)
    section = doc.sections[0]
    set_page(section, fig)
    fill_header(section.header, fig)
    fill_footer(section.footer, printed, max(1, len(after)))
    para = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run().add_picture(io.BytesIO(fig.png), width=Inches(width), height=Inches(height))
    for p in end_notes(after) if after else ():
        doc.element.body[-1].addprevious(p)
    props = doc.core_properties
    props.title = property_text(" ".join(fig.header_lines[:2]))
    props.identifier = property_text(fig.output_id)
    props.author = "tlf"
    save_package(doc.save, path, when)
