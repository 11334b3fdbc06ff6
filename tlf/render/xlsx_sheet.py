"""What every XLSX output sheet shares (tables, listings, figures): valid sheet names and cell text, where
the parts of the sheet go (OutputLayout), its column widths, its few cell styles and its print setup
(landscape or portrait, paper, margins, fit to the page width, title rows repeated, "Page x of y")."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from tlf.render.paginate import has_stub
from tlf.tables.model import Table

STUB_WIDTH_CAP = 60  # characters
COLUMN_WIDTH_CAP = 30
WIDTH_PAD = 2
CELL_LIMIT = 32_767  # characters an Excel cell holds (openpyxl would cut longer text silently)
PAPER_CODES = {"letter": "1", "a4": "9"}  # ECMA-376 paperSize
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_H_ALIGN = {"center": "center", "right": "right", "left": "left", "decimal": "center"}


@dataclass(frozen=True)
class OutputLayout:
    """Where the parts of the output sheet go (1-based row numbers; 0 = absent)."""

    title_rows: tuple[int, ...]
    spanner_row: int
    header_row: int
    first_body_row: int
    last_body_row: int
    footnote_rows: tuple[int, ...]
    provenance_row: int
    first_column: int  # 1 when the stub (row labels) is column A, else 0 (no stub)
    width: int  # number of sheet columns

    @property
    def freeze_cell(self) -> str:
        """The top-left cell of the scrolling area: below the header, right of the row labels."""
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(self.first_column + 1)}{self.header_row + 1}"


@dataclass(frozen=True)
class Cut:
    """A cell whose text was cut to ``CELL_LIMIT`` characters (Excel's limit): sheet, cell ("D14") and
    the length the text had. Renderers return them; the build reports them as findings."""

    sheet: str
    cell: str
    length: int


def cell_text(text: str) -> tuple[str, int]:
    """Text an XLSX cell can hold (``clean_text``, at most ``CELL_LIMIT`` characters), and the length it
    had when it was cut (0 when whole)."""
    text = clean_text(text)
    if len(text) <= CELL_LIMIT:
        return text, 0
    return text[:CELL_LIMIT], len(text)


def keep_text(ws, row: int, values) -> None:
    """The cells of `row` (1-based) of an ordinary (not write-only) sheet, holding `values` from column A,
    keep text that openpyxl would take for a formula ("=1+1", "=HYPERLINK(...)") as text: a string cell,
    quote-prefixed as Excel marks a typed '=... . Numbers and other cells are not touched (nor created)."""
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and value.startswith("="):
            cell = ws.cell(row=row, column=column)
            cell.data_type = "s"
            cell.quotePrefix = True


def cuts_of(ws, cells: list) -> list[Cut]:
    """The Cuts of ``cells`` ((cell, length) pairs) once their rows are written (write-only sheets place
    a cell when its row is appended)."""
    return [Cut(ws.title, cell.coordinate, n) for cell, n in cells]


def sheet_title(output_id: str) -> str:
    """A valid worksheet name from an output id (no []:*?/\\, at most 31 characters)."""
    name = _SHEET_NAME_BAD.sub("-", clean_text(output_id)).strip("'")[:31]
    return name or "Output"


def clean_text(text: str) -> str:
    """Text an XLSX cell can hold: line ends as "\\n", XML-illegal characters removed."""
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class SheetStyles:
    """The few cell styles of the output sheet, made once, and a factory of styled text cells."""

    def __init__(self, ws, table: Table) -> None:
        from openpyxl.styles import Alignment, Border, Font, Side

        self.ws = ws
        self.cut: list[tuple[Any, int]] = []  # cells whose text was cut to CELL_LIMIT, and its length
        self._arrays: dict[tuple[int, int, int, str], tuple[Any, ...]] = {}

        rule = Side(style="thin", color="000000")
        self.font = Font(name=table.page.font, size=table.page.font_size)
        self.small = Font(name=table.page.font, size=max(6.0, table.page.font_size - 1))
        self.top, self.bottom = Border(top=rule), Border(bottom=rule)
        self.top_bottom = Border(top=rule, bottom=rule)
        self.title = Alignment(horizontal="center", vertical="center")
        self.head = Alignment(horizontal="center", vertical="bottom", wrap_text=True)
        self.stub_head = Alignment(horizontal="left", vertical="bottom", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="top")
        self.cells = [
            Alignment(horizontal=_H_ALIGN.get(c.align, "center"), vertical="top") for c in table.columns
        ]
        self.block = Alignment(horizontal="left", vertical="top")  # aligned numbers: padded, from the left
        self._indents: dict[int, Any] = {}
        self._centring = _centring(table)

    def value(self, text: str, j: int, border=None) -> Any:
        """A body cell of column `j`: one number as a number whose format prints it as in the table
        (decimals, and the padding of a "decimal" column); any other text as text. In a "decimal"
        column the numeric cells are the column's aligned block (render/align.py) centred by padding."""
        from openpyxl.cell import WriteOnlyCell

        from tlf.render.align import PAD, one_number, parse

        extra = self._centring[j]
        aligned = extra is not None and bool(text) and (PAD in text or parse(text) is not None)
        alignment = self.block if aligned else self.cells[j]
        number = one_number(text) if text else None
        if number is None:
            return self.cell(PAD * extra + text if aligned else text, self.font, alignment, border)
        value, decimals = number
        fmt = "0" + ("." + "0" * decimals if decimals else "")
        if aligned:
            lead = extra + len(text) - len(text.lstrip(PAD))
            fmt = f'"{PAD * lead}"{fmt}' if lead else fmt
        cell = WriteOnlyCell(self.ws, value=value)
        cell._style = copy.copy(self._style_array(self.font, alignment, border, fmt))
        return cell

    def cell(self, text: str, font, alignment, border=None) -> Any:
        """A text cell: always a string (never a number or a formula), styled."""
        from openpyxl.cell import WriteOnlyCell

        value, length = cell_text(text) if text else (None, 0)
        cell = WriteOnlyCell(self.ws, value=value)
        if length:
            self.cut.append((cell, length))
        if text:
            cell.data_type = "s"  # "=1+1" or "12" stay text, exactly as in the model
        cell._style = copy.copy(self._style_array(font, alignment, border))
        return cell

    def _style_array(self, font, alignment, border, number_format: str = "") -> Any:
        """The workbook's style ids for (font, alignment, border), registered once.

        Setting ``cell.font`` etc. hashes the style objects on every cell, which dominates the
        time of big sheets; the ids are the same for every cell of one format, so they are
        registered once through a prototype cell and copied into each cell.
        """
        from openpyxl.cell import WriteOnlyCell

        key = (id(font), id(alignment), id(border), number_format)
        if key not in self._arrays:
            proto = WriteOnlyCell(self.ws)
            proto.font = font
            proto.alignment = alignment
            if border is not None:
                proto.border = border
            if number_format:
                proto.number_format = number_format
            self._arrays[key] = (proto._style, font, alignment, border)  # keeps the ids valid
        return self._arrays[key][0]

    def indent(self, level: int) -> Any:
        """Left-aligned, indented by ``level`` (Excel indent units), wrapped."""
        from openpyxl.styles import Alignment

        if level not in self._indents:
            self._indents[level] = Alignment(horizontal="left", vertical="top", indent=level, wrap_text=True)
        return self._indents[level]


def _centring(table: Table) -> list[int | None]:
    """Per body column: the padding that centres a "decimal" column's block of aligned numbers in the
    sheet column (``output_column_widths``), None for other columns."""
    from tlf.render.align import block

    if not any(c.align == "decimal" for c in table.columns):
        return [None] * len(table.columns)
    widths = output_column_widths(table)[1 if has_stub(table) else 0:]
    return [max(0, (int(w) - WIDTH_PAD - block([r.cells[j] for r in table.rows])) // 2) if c.align == "decimal"
            else None for j, (c, w) in enumerate(zip(table.columns, widths, strict=True))]


def print_setup(ws, table: Table, lay: OutputLayout) -> None:
    page = table.page
    ws.page_setup.orientation = page.orientation
    ws.page_setup.paperSize = PAPER_CODES.get(page.paper, PAPER_CODES["letter"])
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = page.margin
    ws.page_margins.top = ws.page_margins.bottom = page.margin
    ws.print_title_rows = f"1:{lay.header_row}"
    ws.oddFooter.right.text = "Page &P of &N"
    marks = page.running_header or ("", "", "")
    center = "\n".join(t for t in (_header_text(marks[1]), _header_text(page.watermark)) if t)
    for part, text in ((ws.oddHeader.left, _header_text(marks[0])), (ws.oddHeader.center, center),
                       (ws.oddHeader.right, _header_text(marks[2]))):
        if text:
            part.text = text


def _header_text(text: str) -> str:
    """Text for a print header: "&" doubled (a single one starts an Excel header code), one line."""
    return clean_text(text).replace("\n", " ").replace("&", "&&")


def output_column_widths(table: Table) -> list[float]:
    """Sheet column widths (characters) from the longest text of each column, capped."""
    widths = []
    if has_stub(table):
        labels = (len(r.label) + 2 * r.indent for r in table.rows)
        longest = max(max(labels, default=0), *map(len, table.stub_header.split("\n")))
        widths.append(min(STUB_WIDTH_CAP, longest + WIDTH_PAD))
    for j, col in enumerate(table.columns):
        texts = [heading(col.label, col.n_label), *(r.cells[j] for r in table.rows)]
        longest = max(len(line) for t in texts for line in t.split("\n"))
        widths.append(min(COLUMN_WIDTH_CAP, longest + WIDTH_PAD))
    return widths


def heading(label: str, n_label: str) -> str:
    """A column heading: its label, and its "N = x" line under it when it has one."""
    return f"{label}\n{n_label}" if n_label else label
