"""What every XLSX output sheet shares (tables, listings, figures): valid sheet names and cell text, where
the parts of the sheet go (OutputLayout), its column widths, its few cell styles and its print setup
(landscape or portrait, paper, margins, fit to the page width, title rows repeated, "Page x of y")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tlf.render.paginate import has_stub
from tlf.tables.model import Table

STUB_WIDTH_CAP = 60  # characters
COLUMN_WIDTH_CAP = 30
WIDTH_PAD = 2
HEADER_LIMIT = 255  # characters Excel allows in a print header or footer
CELL_LIMIT = 32_767  # characters an Excel cell holds (XlsxWriter would cut longer text with only a warning)
PAPER_CODES = {"letter": 1, "a4": 9}  # ECMA-376 paperSize
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
UNCLEAN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r]")  # what clean_text changes
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

    def freeze(self, ws) -> None:
        """Freeze the panes of `ws` above and left of the scrolling area: below the header, right of the
        row labels."""
        ws.freeze_panes(self.header_row, self.first_column)


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
    if UNCLEAN.search(text) is not None:
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


def sheet_title(output_id: str) -> str:
    """A valid worksheet name from an output id (no []:*?/\\, at most 31 characters)."""
    name = _SHEET_NAME_BAD.sub("-", clean_text(output_id)).strip("'")[:31]
    return name or "Output"


def clean_text(text: str) -> str:
    """Text an XLSX cell can hold: line ends as "\\n", XML-illegal characters removed."""
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class SheetStyles:
    """The few cell formats of the output sheet, made once, and a factory of (value, format) cells for
    ``Book.write_row`` (render/xlsx_book.py)."""

    def __init__(self, book, table: Table) -> None:
        self.book = book
        self._formats: dict[tuple[int, int, int, str], Any] = {}
        rule = {"top": {"top": 1, "top_color": "#000000"}, "bottom": {"bottom": 1, "bottom_color": "#000000"}}
        self.font = {"font_name": table.page.font, "font_size": table.page.font_size}
        self.small = {"font_name": table.page.font, "font_size": max(6.0, table.page.font_size - 1)}
        self.top, self.bottom = rule["top"], rule["bottom"]
        self.top_bottom = {**rule["top"], **rule["bottom"]}
        self.title = {"align": "center", "valign": "vcenter"}
        self.head = {"align": "center", "valign": "bottom", "text_wrap": True}
        self.stub_head = {"align": "left", "valign": "bottom", "text_wrap": True}
        self.left = {"align": "left", "valign": "top"}
        self.cells = [{"align": _H_ALIGN.get(c.align, "center"), "valign": "top"} for c in table.columns]
        self.block = {"align": "left", "valign": "top"}  # aligned numbers: padded, from the left
        self._indents: dict[int, dict] = {}
        self._centring = _centring(table)
        self._values: dict[tuple[str, int, int], tuple[Any, Any]] = {}  # value(): the same text, the same cell

    def value(self, text: str, j: int, border: dict | None = None) -> tuple[Any, Any]:
        """A body cell of column `j`: one number as a number whose format prints it as in the table
        (decimals, and the padding of a "decimal" column); any other text as text. In a "decimal"
        column the numeric cells are the column's aligned block (render/align.py) centred by padding."""
        key = (text, j, id(border))
        got = self._values.get(key)
        if got is None:
            got = self._values[key] = self._value(text, j, border)
        return got

    def _value(self, text: str, j: int, border: dict | None) -> tuple[Any, Any]:
        from tlf.render.align import PAD, one_number, parse

        extra = self._centring[j]
        aligned = extra is not None and bool(text) and (PAD in text or parse(text) is not None)
        alignment = self.block if aligned else self.cells[j]
        number = one_number(text) if text else None
        if number is None or (number[0] == 0 and "-" in text):  # "-0.0": Excel would print "0.0"
            return PAD * extra + text if aligned else text, self.format(self.font, alignment, border)
        value, decimals = number
        fmt = "0" + ("." + "0" * decimals if decimals else "")
        if aligned:
            fmt = padded_format(fmt, extra + len(text) - len(text.lstrip(PAD).lstrip("-")))
        return value, self.format(self.font, alignment, border, fmt)

    def cell(self, text: str, font: dict, alignment: dict, border: dict | None = None) -> tuple[Any, Any]:
        """A text cell: always a string (never a number or a formula), formatted; empty text: an empty
        formatted cell."""
        return text or None, self.format(font, alignment, border)

    def format(self, font: dict, alignment: dict, border: dict | None, number_format: str = "") -> Any:
        """The workbook's format for (font, alignment, border, number format), looked up by the identity
        of this object's few dicts (hashing their contents for every cell would cost more)."""
        key = (id(font), id(alignment), id(border), number_format)
        fmt = self._formats.get(key)
        if fmt is None:
            props = {**font, **alignment, **(border or {})}
            if number_format:
                props["num_format"] = number_format
            fmt = self._formats[key] = self.book.format(**props)
        return fmt

    def indent(self, level: int) -> dict:
        """Left-aligned, indented by ``level`` (Excel indent units), wrapped."""
        if level not in self._indents:
            self._indents[level] = {"align": "left", "valign": "top", "text_wrap": True,
                                    **({"indent": level} if level else {})}
        return self._indents[level]


def title_block(book, ws, table: Table, st: SheetStyles, last: int) -> int:
    """The title lines, each merged across columns 0..last and centred, then a blank row; returns the next
    row."""
    title = st.format(st.font, st.title, None)
    for r, line in enumerate(table.header_lines):
        book.merge(ws, r, 0, last, line, title)
    return len(table.header_lines) + 1


def padded_format(digits: str, before: int) -> str:
    """The number format ("0.0") of a number printed after `before` characters of padding and sign, so
    that its digits start at one position whatever its sign: `"PAD PAD"0.0;"PAD-"0.0` (Excel's sections
    positive;negative, the negative one printing no sign of its own) prints 2.0 as "  2.0" and -2.0 as
    " -2.0", where the padding of a one-section format would come after the minus ("-  2.0")."""
    from tlf.render.align import PAD

    if not before:
        return digits
    return f'"{PAD * before}"{digits};"{PAD * (before - 1)}-"{digits}'


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
    """Orientation, paper, margins, fit to the page width, the rows down to the column headers repeated
    on every printed page, "Page x of y" in the footer and the running header (left, centre, right)."""
    page = table.page
    if page.orientation == "portrait":
        ws.set_portrait()
    else:
        ws.set_landscape()
    ws.set_paper(PAPER_CODES.get(page.paper, PAPER_CODES["letter"]))
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=page.margin, right=page.margin, top=page.margin, bottom=page.margin)
    ws.repeat_rows(0, lay.header_row - 1)
    ws.set_footer(header_footer(right="Page &P of &N"))
    marks = page.running_header or ("", "", "")
    center = "\n".join(t for t in (_header_text(marks[1]), _header_text(page.watermark)) if t)
    header = header_footer(_header_text(marks[0]), center, _header_text(marks[2]))
    if header:
        ws.set_header(header)


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
    columns = list(zip(*(r.cells for r in table.rows), strict=True)) or [()] * len(table.columns)
    for col, cells in zip(table.columns, columns, strict=True):
        lines = "\n".join((heading(col.label, col.n_label), *cells)).split("\n")  # every line of the column
        widths.append(min(COLUMN_WIDTH_CAP, max(map(len, lines)) + WIDTH_PAD))
    return widths


def heading(label: str, n_label: str) -> str:
    """A column heading: its label, and its "N = x" line under it when it has one."""
    return f"{label}\n{n_label}" if n_label else label


def header_footer(left: str = "", center: str = "", right: str = "") -> str:
    """A print header or footer of up to three parts (already in Excel's header code: "&" doubled), cut
    to Excel's 255 characters: the longest part is shortened (never between the two "&" of "&&")."""
    parts = {"&L": left, "&C": center, "&R": right}
    while sum(len(code) + len(t) for code, t in parts.items() if t) > HEADER_LIMIT:
        code = max(parts, key=lambda c: len(parts[c]))
        over = sum(len(c) + len(t) for c, t in parts.items() if t) - HEADER_LIMIT
        text = parts[code][:max(0, len(parts[code]) - over)]
        if (len(text) - len(text.rstrip("&"))) % 2:  # an odd run of "&" at the end would start a code
            text = text[:-1]
        parts[code] = text
    return "".join(code + t for code, t in parts.items() if t)
