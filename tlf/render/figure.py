"""Figure -> DOCX and XLSX. Reads the frozen Figure only (the picture is already drawn).

DOCX: the same page, header (output number, titles, population) and footer (footnotes, provenance,
"Page x of y") as a table, with the picture centred in the body at its placed size (width x height
inches, 300 dpi PNG). XLSX: the first sheet has the title rows, the picture and the footnotes; a
"data" sheet holds the plotted numbers; the results dataset follows on the ARD sheet.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.figures.model import Figure

if TYPE_CHECKING:
    import pandas

DATA_SHEET = "data"
ROW_HEIGHT_PT = 15.0  # default Excel row height


def render_figure_docx(fig: Figure, path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches

    from tlf.render.docx import _fill_footer, _fill_header, _set_page, _set_styles, clean_text

    doc = docx.Document()
    _set_styles(doc, fig)
    section = doc.sections[0]
    _set_page(section, fig)
    _fill_header(section.header, fig)
    _fill_footer(section.footer, fig, 1)
    width, height = _placed_size(fig)
    doc.add_picture(BytesIO(fig.png), width=Inches(width), height=Inches(height))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    props = doc.core_properties
    props.title = clean_text(" ".join(fig.header_lines[:2]))
    props.identifier = clean_text(fig.output_id)
    props.author = "tlf"
    doc.save(str(path))


def _placed_size(fig: Figure) -> tuple[float, float]:
    """The picture's size on the page: as specified, shrunk (keeping its aspect) to the text width."""
    scale = min(1.0, fig.page.text_width / fig.width)
    return fig.width * scale, fig.height * scale


def render_figure_xlsx(fig: Figure, path: Path, ard: pandas.DataFrame | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font

    from tlf.render.xlsx import ARD_SHEET, clean_text, sheet_title

    wb = Workbook()
    wb.properties.title = clean_text(" ".join(fig.header_lines[:2]))
    wb.properties.identifier = clean_text(fig.output_id)
    wb.properties.creator = "tlf"
    ws = wb.active
    ws.title = sheet_title(fig.output_id)
    ws.sheet_view.showGridLines = False
    row = 1
    for i, line in enumerate(fig.header_lines):
        ws.cell(row=row, column=1, value=clean_text(line)).font = Font(bold=i == 0)
        row += 1
    row += 1
    width, height = _placed_size(fig)
    img = Image(BytesIO(fig.png))
    img.width, img.height = int(width * 96), int(height * 96)  # pixels at Excel's 96 per inch
    ws.add_image(img, f"A{row}")
    row += int(height * 72 / ROW_HEIGHT_PT) + 2
    for note in fig.footnotes:
        ws.cell(row=row, column=1, value=clean_text(note))
        row += 1
    if fig.provenance:
        ws.cell(row=row, column=1, value=clean_text(fig.provenance)).font = Font(size=7)
    ws.page_setup.orientation = fig.page.orientation
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    data = wb.create_sheet(DATA_SHEET)
    data.append(list(fig.data_columns))
    for c in data[1]:
        c.font = Font(bold=True)
    for r in fig.data_rows:
        data.append([_excel(v) for v in r])
    data.freeze_panes = "A2"
    for j, name in enumerate(fig.data_columns):
        longest = max([len(str(name))] + [len(str(r[j])) for r in fig.data_rows[:500]])
        data.column_dimensions[_letter(j + 1)].width = min(50, longest + 2)
    if ard is not None:
        _ard_sheet(wb.create_sheet(ARD_SHEET), ard)
    wb.save(str(path))


def _excel(v):
    if isinstance(v, float) and v != v:
        return None
    return v


def _letter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j)


def _ard_sheet(ws, ard: pandas.DataFrame) -> None:
    """The results dataset as on a table's ARD sheet: bold frozen header, autofilter, numbers as numbers."""
    from openpyxl.styles import Font

    from tlf.render.xlsx import _ard_width, _excel_values, clean_text

    names = [str(c) for c in ard.columns]
    columns = [list(_excel_values(ard.iloc[:, j])) for j in range(len(names))]
    ws.append([clean_text(n) for n in names])
    for c in ws[1]:
        c.font = Font(bold=True)
    for values in zip(*columns, strict=True):
        ws.append([clean_text(v) if isinstance(v, str) else v for v in values])
    for j, (name, values) in enumerate(zip(names, columns, strict=True), start=1):
        ws.column_dimensions[_letter(j)].width = _ard_width(name, values)
    ws.freeze_panes = "A2"
    if names:
        ws.auto_filter.ref = f"A1:{_letter(len(names))}{len(ard) + 1}"
