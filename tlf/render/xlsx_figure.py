"""Figure -> XLSX: title block, the picture, footnotes on the first sheet; the plotted numbers on a
"Data" sheet; the results dataset on "ARD"."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.figures.model import Figure
from tlf.render.package import save_package
from tlf.render.xlsx_ard import ARD_SHEET, write_ard
from tlf.render.xlsx_sheet import Cut, cell_text, clean_text, keep_text, sheet_title

if TYPE_CHECKING:
    import pandas


def render_figure_xlsx(fig: Figure, path: Path, ard: pandas.DataFrame | None = None, *,
                       when: datetime | None = None) -> list[Cut]:
    """Write ``fig`` (and, when given, its results dataset) to an XLSX file; return the cells whose text
    was cut to Excel's limit (``Cut``)."""
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(fig.output_id)
    wb.properties.title = clean_text(" ".join(fig.header_lines[:2]))
    wb.properties.identifier = clean_text(fig.output_id)
    wb.properties.creator = "tlf"
    font = Font(name=fig.page.font, size=fig.page.font_size)
    cuts: list[Cut] = []

    def text(sheet, row: int, column: int, value: str) -> str:
        value, length = cell_text(value)
        if length:
            cuts.append(Cut(sheet.title, f"{get_column_letter(column)}{row}", length))
        return value

    row = 1
    for line in fig.header_lines:
        cell = ws.cell(row=row, column=1, value=text(ws, row, 1, line))
        keep_text(ws, row, [line])
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=12)
        row += 1
    row += 1
    img = Image(io.BytesIO(fig.png))
    scale = 96 * fig.width / img.width  # place at the figure's width at 96 px per inch
    img.width, img.height = img.width * scale, img.height * scale
    ws.add_image(img, f"A{row}")
    row += int(img.height / 20) + 2  # default row height is 20 px
    for line in (*fig.footnotes, fig.provenance):
        if line:
            ws.cell(row=row, column=1, value=text(ws, row, 1, line)).font = font
            keep_text(ws, row, [line])
            row += 1
    for col in "ABCDEFGHIJKL":
        ws.column_dimensions[col].width = 12
    data = wb.create_sheet("Data")
    data.append(list(fig.data_columns))
    keep_text(data, 1, fig.data_columns)
    for i, r in enumerate(fig.data_rows, start=2):
        data.append([text(data, i, j, v) if isinstance(v, str) else v for j, v in enumerate(r, start=1)])
        keep_text(data, i, r)
    data.freeze_panes = "A2"
    if ard is not None:
        cuts += write_ard(wb.create_sheet(ARD_SHEET), ard)
    save_package(wb.save, path, when)
    return cuts
