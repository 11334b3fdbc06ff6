"""Page tables of a long DOCX written as XML text instead of lxml elements, byte for byte what
render/docx_table.py's elements serialize to inside the document.

Building a ``w:tbl`` element per page costs several lxml calls per cell (a copied template, a run, a
text element), and python-docx then serializes the whole tree, and the package is deflated twice.
``PageXml`` makes each page's table as text: the header rows, the empty cell of each format and the row
opening are serialized once through lxml (render/docx_table.py builds them: one source of the markup),
each cell is then its cell format's text around its runs. The document gets one placeholder per page
(``placeholder()``, a processing instruction) where the table goes, and ``fill_pages`` puts the tables
in when the package is written (render/package.py ``save_package(..., parts=...)``).
Rows this does not write as text (a "decimal" column's aligned numbers, a stub column, a row across the
table) are built by render/docx_table.py and serialized, so every row is what it always was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from lxml import etree

from tlf.render.docx_page import TBL, W_NS, add_text, clean_text
from tlf.render.docx_table import TableGrid, cell_template, table_body_row, table_element, table_row
from tlf.render.paginate import Page
from tlf.tables.model import Column, Table

PAGE_MARK = "tlf-page"
DOCUMENT = "word/document.xml"  # the package entry of the document body
_MARK = "TLFCELLTEXT"  # a text no cell template holds: where a cell's runs go
_DIRTY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")  # what clean_text changes
_ESCAPED = re.compile("[&<>]")
_JC = {"center": "center", "right": "right", "left": "left", "decimal": "center"}


def placeholder() -> etree._ProcessingInstruction:
    """Where one page's table goes in the document body (``fill_pages`` replaces it)."""
    return etree.ProcessingInstruction(PAGE_MARK)


def fill_pages(xml: bytes, pages: Sequence[str]) -> bytes:
    """The document part `xml` with its placeholders replaced by `pages` (one table's XML each, in order)."""
    mark = etree.tostring(placeholder())
    pieces = xml.split(mark)
    if len(pieces) != len(pages) + 1:
        raise ValueError(f"document has {len(pieces) - 1} page placeholders for {len(pages)} pages")
    out = [pieces[0]]
    for page, after in zip(pages, pieces[1:], strict=True):
        out.append(page.encode("utf-8"))
        out.append(after)
    return b"".join(out)


def element_xml(el: etree._Element) -> str:
    """`el` serialized as it is inside the document (whose root declares the w namespace)."""
    text = etree.tostring(el, encoding="unicode")
    return text.replace(f' xmlns:w="{W_NS}"', "", 1)


def runs(text: str) -> str:
    """What ``docx_page.add_text`` makes of `text` (already cleaned), serialized: one run, "\\n" a break."""
    if not text:
        return ""
    if "\n" not in text and text[0] != " " and text[-1] != " ":
        return f"<w:r><w:t>{escape(text) if _ESCAPED.search(text) else text}</w:t></w:r>"
    out = ["<w:r>"]
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<w:br/>")
        if line:
            space = ' xml:space="preserve"' if line[0] == " " or line[-1] == " " else ""
            out.append(f"<w:t{space}>{escape(line)}</w:t>")
    out.append("</w:r>")
    return "".join(out)


class PageXml:
    """The pages of one table (a listing part) as XML text: ``page(page)`` is what ``table_element``
    (then ``dress``, e.g. the listing's header alignment) would serialize to."""

    def __init__(self, table: Table, grid: TableGrid, dress=None) -> None:
        self.table, self.grid = table, grid
        head = table_element(table, Page((), 0, 1), grid)
        if dress is not None:
            dress(head)
        text = element_xml(head)
        self._head = text[:-len("</w:tbl>")]
        tbl = etree.Element(TBL, nsmap={"w": W_NS})
        row = element_xml(table_row(tbl, header=False))
        self._row_open = row[:-len("</w:tr>")]
        self._cells: dict[tuple, tuple[str, str, str]] = {}
        self._plain = not grid.stub and all(b is None for b in grid.blocks)
        self._formats = [_JC.get(c.align, "center") for c in table.columns]
        self._unruled: list[dict[str, str]] = [{} for _ in table.columns]  # per column: text -> its cell
        self._ruled: list[dict[str, str]] = [{} for _ in table.columns]

    def page(self, page: Page) -> str:
        """One page's w:tbl."""
        out = [self._head]
        last = len(page.rows) - 1
        columns: Sequence[Column] = self.table.columns
        for i, row in enumerate(page.rows):
            if not self._plain or getattr(row, "span", False):
                out.append(self._built_row(row, columns, i == last))
                continue
            caches = self._ruled if i == last else self._unruled
            out.append(self._row_open)
            for j, text in enumerate(row.cells):
                cache = caches[j]
                cell = cache.get(text)
                if cell is None:
                    cell = cache[text] = self._cell_xml(j, text, i == last)
                out.append(cell)
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def _cell_xml(self, j: int, text: str, ruled: bool) -> str:
        """Column `j`'s cell holding `text`, with the rule under it when `ruled` (the page's last row)."""
        empty, before, after = self._cell(self.grid.body_twips[j], self._formats[j], ("bottom",) if ruled else ())
        if text and _DIRTY.search(text):
            text = clean_text(text)
        return before + runs(text) + after if text else empty

    def _cell(self, width: int, jc: str, rules: tuple[str, ...]) -> tuple[str, str, str]:
        """A cell format's text: empty, and before and after its runs."""
        key = (width, jc, rules)
        got = self._cells.get(key)
        if got is None:
            tc = cell_template(width, jc, 1, rules, False, False, None)
            empty = element_xml(tc)
            filled = etree.fromstring(etree.tostring(tc))
            add_text(filled[-1], _MARK)
            before, after = element_xml(filled).split(runs(_MARK))
            got = self._cells[key] = (empty, before, after)
        return got

    def _built_row(self, row, columns: Sequence[Column], bottom_rule: bool) -> str:
        tbl = etree.Element(TBL, nsmap={"w": W_NS})
        table_body_row(tbl, row, columns, self.grid, bottom_rule)
        return element_xml(tbl[0])
