"""Figure -> XLSX: title block, the picture, footnotes on the first sheet; the plotted numbers on a
"Data" sheet; the results dataset on "ARD"."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.figures.model import Figure
from tlf.render.xlsx_ard import ARD_SHEET, write_ard
from tlf.render.xlsx_book import Book, set_widths
from tlf.render.xlsx_sheet import Cut, sheet_title

if TYPE_CHECKING:
    import pandas

COLUMNS = 12  # the title block spans columns A to L, each 12 characters wide
ROW_PIXELS = 20  # the rows the picture covers, counted at 20 pixels a row


def render_figure_xlsx(fig: Figure, path: Path, ard: pandas.DataFrame | None = None, *,
                       when: datetime | None = None) -> list[Cut]:
    """Write ``fig`` (and, when given, its results dataset) to an XLSX file; return the cells whose text
    was cut to Excel's limit (``Cut``)."""
    from xlsxwriter.image import Image

    book = Book(" ".join(fig.header_lines[:2]), fig.output_id)
    ws = book.sheet(sheet_title(fig.output_id))
    set_widths(ws, [12] * COLUMNS)
    font = {"font_name": fig.page.font, "font_size": fig.page.font_size}
    title = book.format(**font, align="center")
    row = 0
    for line in fig.header_lines:
        book.merge(ws, row, 0, COLUMNS - 1, line, title)
        row += 1
    row += 1
    picture = Image(io.BytesIO(fig.png))
    shown = picture.width * 96 / picture.x_dpi  # pixels XlsxWriter shows the picture at, unscaled
    scale = 96 * fig.width / shown  # place at the figure's width at 96 px per inch
    ws.insert_image(row, 0, "figure.png", {"image_data": io.BytesIO(fig.png), "x_scale": scale,
                                           "y_scale": scale, "description": "", "decorative": True})
    book.pictures += 1
    row += int(96 * fig.width * picture.height / picture.width / ROW_PIXELS) + 2
    plain = book.format(**font)
    for line in (*fig.footnotes, fig.provenance):
        if line:
            book.write_row(ws, row, [(line, plain)])
            row += 1
    data = book.sheet("Data")
    data.freeze_panes(1, 0)
    book.write_row(data, 0, [(name, None) for name in fig.data_columns])
    for i, values in enumerate(fig.data_rows, start=1):
        book.write_row(data, i, [(v, None) for v in values])
    if ard is not None:
        write_ard(book, book.sheet(ARD_SHEET), ard)
    return book.close(path, when)
