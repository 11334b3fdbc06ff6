"""tlf's one way to write an XLSX: XlsxWriter in constant-memory mode, rows written in order.

    book = Book(title="Table 14.1.1 Demographics", identifier="t-14-1-1")
    ws = book.sheet("t-14-1-1")
    fmt = book.format(font_name="Courier New", font_size=9, align="center")
    book.write_row(ws, 0, [("Table 14.1.1", fmt), None, (12.5, fmt)])   # text, nothing, a number
    book.close(path, when)                                              # -> the cells cut to Excel's limit

Every sheet is written top to bottom (a row is flushed to disk once the next begins, which keeps big
sheets fast and memory flat), so each renderer plans a sheet before its first row. Text is always
written as text (never a formula, a number or a link), cut to ``CELL_LIMIT`` characters where longer,
and the cut cells are returned by ``close`` (``Cut``). ``close`` writes the package through
render/package.py's ``save_package``: entries dated ``when`` in a fixed order and the document
properties (title, identifier, creator, created = modified = ``when``) written here, so that two
builds with one SOURCE_DATE_EPOCH give identical bytes.
"""

from __future__ import annotations

import io
import math
import numbers
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from tlf.render.package import CORE, save_package
from tlf.render.xlsx_sheet import CELL_LIMIT, UNCLEAN, Cut, cell_text, clean_text

CHAR_PIXELS = 7  # Excel's width of one character (a digit of the default font) in pixels
_NO_CONVERSION = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
_CORE_NS = ('xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')


class Book:
    """One workbook being written: its sheets, its formats (made once each) and the cells cut so far."""

    def __init__(self, title: str, identifier: str) -> None:
        import xlsxwriter

        self.title = clean_text(title)
        self.identifier = clean_text(identifier)
        self._buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self._buffer, {"constant_memory": True, **_NO_CONVERSION})
        self._formats: dict[tuple, Any] = {}
        self._names: set[str] = set()
        self.cuts: list[Cut] = []
        self.pictures = 0  # pictures inserted (their drawings are re-anchored when saved)

    def sheet(self, name: str) -> Any:
        """A new worksheet named `name` (already a valid name, ``sheet_title``), or, when the book has a
        sheet of that name in any case, `name` with a number added ("ARD1"), as Excel would."""
        unique, k = name, 0
        while unique.lower() in self._names:
            k += 1
            unique = f"{name[:31 - len(str(k))]}{k}"
        self._names.add(unique.lower())
        return self.workbook.add_worksheet(unique)

    def format(self, **props: Any) -> Any:
        """The workbook's cell format with XlsxWriter's `props` (font_name, align, top, num_format ...),
        made once for each distinct set."""
        key = tuple(sorted(props.items()))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self.workbook.add_format(props)
        return fmt

    def write_row(self, ws, row: int, cells: Iterable[tuple[Any, Any] | None], first: int = 0) -> None:
        """Write `cells` into row `row` (0-based) from column `first`: each a (value, format) pair or None
        (nothing written). Text is written as text, cut to Excel's limit (recorded); a number as a number;
        None with a format as a formatted empty cell."""
        for col, cell in enumerate(cells, start=first):
            if cell is None:
                continue
            value, fmt = cell
            kind = type(value)
            if kind is str:
                if value:
                    ws.write_string(row, col, self.text(ws, row, col, value) if len(value) > CELL_LIMIT or
                                    UNCLEAN.search(value) else value, fmt)
                elif fmt is not None:
                    ws.write_blank(row, col, None, fmt)
            elif kind is int or (kind is float and math.isfinite(value)):
                ws.write_number(row, col, value, fmt)
            else:
                self._other(ws, row, col, value, fmt)

    def _other(self, ws, row: int, col: int, value: Any, fmt: Any) -> None:
        """A cell that is not text nor a Python int or finite float: None, NaN and infinities as an empty
        cell, True/False as Excel's booleans, numpy numbers as numbers, anything else as its text."""
        if value is None or (isinstance(value, numbers.Real) and not math.isfinite(value)):
            if fmt is not None:
                ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool) or type(value).__name__ == "bool_":
            ws.write_boolean(row, col, bool(value), fmt)
        elif isinstance(value, numbers.Real):
            ws.write_number(row, col, float(value) if not isinstance(value, numbers.Integral) else int(value), fmt)
        else:
            ws.write_string(row, col, self.text(ws, row, col, str(value)), fmt)

    def text(self, ws, row: int, col: int, value: str) -> str:
        """`value` as a cell at (row, col) can hold it (``cell_text``); a cut is recorded."""
        text, length = cell_text(value)
        if length:
            from xlsxwriter.utility import xl_rowcol_to_cell

            self.cuts.append(Cut(ws.name, xl_rowcol_to_cell(row, col), length))
        return text

    def merge(self, ws, row: int, first: int, last: int, text: str, fmt: Any) -> None:
        """`text` in row `row` across columns `first` to `last`, merged when that is more than one cell."""
        if last > first:
            ws.merge_range(row, first, row, last, self.text(ws, row, first, text) if text else "", fmt)
        else:
            self.write_row(ws, row, [(text, fmt)], first)

    def close(self, path: Path | str, when: datetime | None = None) -> list[Cut]:
        """Write the workbook to `path` stamped with `when` (render/package.py ``save_package``; default:
        the build time); return the cells whose text was cut to Excel's limit."""
        def write(out) -> None:
            self.workbook.close()
            out.write(self._buffer.getvalue())

        save_package(write, path, when, replace=self._replaced)
        return self.cuts

    def _replaced(self, data: bytes, when: datetime) -> dict[str, bytes]:
        """The entries written anew: the document properties, and the drawings with their pictures
        anchored at one cell with their own size (XlsxWriter anchors them from cell to cell, which
        LibreOffice stretches to its own column widths)."""
        import zipfile

        out = {CORE: core_properties(self.title, self.identifier, when)}
        if self.pictures:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for name in z.namelist():
                    if name.startswith("xl/drawings/drawing") and name.endswith(".xml"):
                        out[name] = one_cell_anchors(z.read(name))
        return out


_TWO_CELL = re.compile(rb'<xdr:twoCellAnchor(?: editAs="[A-Za-z]+")?>(<xdr:from>.*?</xdr:from>)<xdr:to>.*?</xdr:to>'
                       rb'(<xdr:pic>.*?<a:ext cx="(\d+)" cy="(\d+)"/>.*?</xdr:pic>.*?)</xdr:twoCellAnchor>', re.S)


def one_cell_anchors(xml: bytes) -> bytes:
    """A drawing part with each picture's cell-to-cell anchor made a one-cell anchor of the picture's own
    size (its a:xfrm extent): where it starts, and how big it is."""
    return _TWO_CELL.sub(rb'<xdr:oneCellAnchor>\1<xdr:ext cx="\3" cy="\4"/>\2</xdr:oneCellAnchor>', xml)


def core_properties(title: str, identifier: str, when: datetime) -> bytes:
    """docProps/core.xml: title, identifier, creator "tlf", created and modified `when` (UTC)."""
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = [f"<dc:title>{escape(title)}</dc:title>" if title else "", "<dc:creator>tlf</dc:creator>",
             f"<dc:identifier>{escape(identifier)}</dc:identifier>" if identifier else "",
             "<cp:lastModifiedBy>tlf</cp:lastModifiedBy>",
             f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>',
             f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>']
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties {_CORE_NS}>'
            f'{"".join(parts)}</cp:coreProperties>').encode()


def set_widths(ws, widths: Sequence[float], first: int = 0) -> None:
    """Column widths in characters, stored as given (XlsxWriter takes a width as Excel shows it and
    stores 5 pixels more; a width in pixels is stored as it is)."""
    for col, width in enumerate(widths, start=first):
        ws.set_column_pixels(col, col, round(width * CHAR_PIXELS))
