"""A table's body as WordprocessingML: one ``w:tbl`` per page planned by ``paginate``, built directly
with lxml in one pass, which is linear in the number of cells (python-docx's ``add_row``/``cell()``
are not).

No vertical lines, a rule above and below the column headers, a rule under each spanner spanning only
its columns, and a rule under the last body row of every page. In "decimal" columns the numbers are
aligned (render/align.py) as one block centred in the column: each numeric cell is left-aligned at the
block's indent, and each run of its alignment padding becomes character spacing after the character
before it, so that the cell's text stays the table's. Used by render/docx.py (tables) and
render/listing_docx.py.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from tlf.render.align import PAD, block, parse, runs
from tlf.render.docx_page import (
    GRIDCOL,
    PPR,
    RPR,
    TBL,
    TBLGRID,
    TBLPR,
    TC,
    TCPR,
    TR,
    TRPR,
    W_NS,
    W_W,
    XML_SPACE,
    P,
    R,
    T,
    add_text,
    clean_text,
    w_tag,
)
from tlf.render.paginate import Page, column_widths, has_stub
from tlf.render.text_metrics import CELL_PAD, INDENT_STEP, char_width
from tlf.tables.model import Column, Row, Table

TWIPS = 1440  # per inch
RULE_SIZE = "6"  # border width in eighths of a point (0.75 pt)

_JC = {"center": "center", "right": "right", "left": "left", "decimal": "center"}


@dataclass(frozen=True)
class TableGrid:
    """What every page's w:tbl of one table shares: column widths (twips, stub first), whether
    there is a stub column, and per body column the left indent (twips) of the block of aligned numbers
    of a "decimal" column (None for other columns), and the width of one character (twips)."""

    twips: tuple[int, ...]
    stub: bool
    blocks: tuple[int | None, ...]
    char: float

    @property
    def body_twips(self) -> tuple[int, ...]:
        return self.twips[1:] if self.stub else self.twips


def table_grid(table: Table) -> TableGrid:
    """The grid of ``table``, computed once for all its pages."""
    twips = tuple(grid_twips(table))
    stub = has_stub(table)
    body = twips[1:] if stub else twips
    char = char_width(table.page) * 20  # points -> twips
    pad = 2 * int(CELL_PAD * TWIPS)
    blocks = tuple(
        int(max(0.0, (w - pad - block([r.cells[j] for r in table.rows]) * char) / 2)) if c.align == "decimal" else None
        for j, (c, w) in enumerate(zip(table.columns, body, strict=True))
    )
    return TableGrid(twips, stub, blocks, char)


def table_element(table: Table, page: Page, grid: TableGrid | None = None) -> etree._Element:
    """The ``w:tbl`` of one page: grid, repeated header rows and the page's body rows."""
    grid = grid or table_grid(table)
    tbl = etree.Element(TBL, nsmap={"w": W_NS})
    _table_properties(tbl, sum(grid.twips))
    cols = etree.SubElement(tbl, TBLGRID)
    for width in grid.twips:
        etree.SubElement(cols, GRIDCOL).set(W_W, str(width))
    _header_rows(tbl, table, grid)
    last = len(page.rows) - 1
    for i, row in enumerate(page.rows):
        table_body_row(tbl, row, table.columns, grid, bottom_rule=i == last)
    return tbl


def grid_twips(table: Table) -> list[int]:
    """Column widths in twips (stub first), summing exactly to the text width."""
    widths = column_widths(table)
    total = int(table.page.text_width * TWIPS)
    edges, acc = [0], 0.0
    for w in widths:
        acc += w
        edges.append(int(total * acc / table.page.text_width) if table.page.text_width else 0)
    edges[-1] = total
    return [b - a for a, b in zip(edges, edges[1:], strict=False)]


def _table_properties(tbl: etree._Element, width: int) -> None:
    tbl_pr = etree.SubElement(tbl, TBLPR)
    _sub(tbl_pr, "tblW", w=str(width), type="dxa")
    _sub(tbl_pr, "jc", val="center")
    borders = etree.SubElement(tbl_pr, w_tag("tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _sub(borders, side, val="nil")
    _sub(tbl_pr, "tblLayout", type="fixed")
    margins = etree.SubElement(tbl_pr, w_tag("tblCellMar"))
    pad = str(int(CELL_PAD * TWIPS))
    for side, val in (("top", "0"), ("left", pad), ("bottom", "0"), ("right", pad)):
        _sub(margins, side, w=val, type="dxa")
    _sub(
        tbl_pr,
        "tblLook",
        val="0000",
        firstRow="0",
        lastRow="0",
        firstColumn="0",
        lastColumn="0",
        noHBand="1",
        noVBand="1",
    )


def _sub(parent: etree._Element, name: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, w_tag(name))
    for key, val in attrs.items():
        el.set(w_tag(key), val)
    return el


def _header_rows(tbl: etree._Element, table: Table, grid: TableGrid) -> None:
    twips, body_twips = grid.twips, grid.body_twips
    if table.has_spanners:
        tr = table_row(tbl, header=True)
        if grid.stub:
            table_cell(tr, twips[0], "", rules=("top",))
        for text, first, last in table.spanner_runs():
            width = sum(body_twips[first : last + 1])
            table_cell(
                tr,
                width,
                text,
                jc="center",
                span=last - first + 1,
                rules=("top",),
                underline=bool(text),
                bottom=True,
            )
    rules = ("bottom",) if table.has_spanners else ("top", "bottom")
    tr = table_row(tbl, header=True)
    if grid.stub:
        table_cell(tr, twips[0], table.stub_header, rules=rules, bottom=True)
    for col, width in zip(table.columns, body_twips, strict=True):
        heading = f"{col.label}\n{col.n_label}" if col.n_label else col.label
        table_cell(tr, width, heading, jc="center", rules=rules, bottom=True)


def table_body_row(
    tbl: etree._Element, row: Row, columns: Sequence[Column], grid: TableGrid, bottom_rule: bool
) -> None:
    tr = table_row(tbl, header=False)
    rules = ("bottom",) if bottom_rule else ()
    if row.span and grid.stub:  # a section heading across the table
        table_cell(tr, sum(grid.twips), row.label, span=len(grid.twips), rules=rules)
        return
    if grid.stub:
        step = int(INDENT_STEP * TWIPS)
        ind = ((row.indent + 1) * step, step)  # wrapped lines hang one level deeper
        table_cell(tr, grid.twips[0], row.label, rules=rules, indent=ind)
    for text, col, width, at in zip(row.cells, columns, grid.body_twips, grid.blocks, strict=True):
        if at is not None and text and (PAD in text or parse(text) is not None):
            _aligned_cell(tr, width, text, at, grid.char, rules)
        else:
            table_cell(tr, width, text, jc=_JC.get(col.align, "center"), rules=rules)


def _aligned_cell(tr: etree._Element, width: int, text: str, at: int, char: float, rules: tuple[str, ...]) -> None:
    """A numeric cell of a "decimal" column: left-aligned at the block's indent plus its leading padding;
    each later run of padding is character spacing after the character before it."""
    lead, pieces = runs(text)
    tc = copy.copy(cell_template(width, None, 1, rules, False, False, (at + round(lead * char), 0)))
    tr.append(tc)
    p = tc[-1]
    for piece, pad in pieces:
        if not pad:
            _run(p, piece)
            continue
        if len(piece) > 1:
            _run(p, piece[:-1])
        _run(p, piece[-1], spacing=round(pad * char))


def _run(p: etree._Element, text: str, spacing: int = 0) -> None:
    r = etree.SubElement(p, R)
    if spacing:
        etree.SubElement(etree.SubElement(r, RPR), w_tag("spacing")).set(w_tag("val"), str(spacing))
    t = etree.SubElement(r, T)
    t.text = text
    if text[0] == " " or text[-1] == " ":
        t.set(XML_SPACE, "preserve")


def table_row(tbl: etree._Element, header: bool) -> etree._Element:
    tr = etree.SubElement(tbl, TR)
    tr_pr = etree.SubElement(tr, TRPR)
    etree.SubElement(tr_pr, w_tag("cantSplit"))
    if header:
        etree.SubElement(tr_pr, w_tag("tblHeader"))
    return tr


def table_cell(
    tr: etree._Element,
    width: int,
    text: str,
    *,
    jc: str | None = None,
    span: int = 1,
    rules: tuple[str, ...] = (),
    underline: bool = False,
    bottom: bool = False,
    indent: tuple[int, int] | None = None,
) -> None:
    """Append one w:tc (a copy of its cached empty template) and its text."""
    # copying an lxml element copies its whole subtree
    tc = copy.copy(cell_template(width, jc, span, rules, underline, bottom, indent))
    tr.append(tc)
    if text:
        add_text(tc[-1], clean_text(text))


@functools.lru_cache(maxsize=4096)
def cell_template(
    width: int,
    jc: str | None,
    span: int,
    rules: tuple[str, ...],
    underline: bool,
    bottom: bool,
    indent: tuple[int, int] | None,
) -> etree._Element:
    """An empty w:tc: width, optional gridSpan, top/bottom rules, vertical alignment, paragraph
    properties. Cached (a table has few distinct cell formats) and only ever copied."""
    tc = etree.Element(TC, nsmap={"w": W_NS})
    tc_pr = etree.SubElement(tc, TCPR)
    _sub(tc_pr, "tcW", w=str(width), type="dxa")
    if span > 1:
        _sub(tc_pr, "gridSpan", val=str(span))
    if rules:
        borders = etree.SubElement(tc_pr, w_tag("tcBorders"))
        for side in ("top", "bottom"):
            if side in rules:
                _sub(borders, side, val="single", sz=RULE_SIZE, space="0", color="000000")
    if bottom:
        _sub(tc_pr, "vAlign", val="bottom")
    p = etree.SubElement(tc, P)
    if underline or indent or (jc and jc != "left"):
        ppr = etree.SubElement(p, PPR)
        if underline:  # a paragraph rule stops at the cell margins: gaps between spanners
            pbdr = etree.SubElement(ppr, w_tag("pBdr"))
            _sub(pbdr, "bottom", val="single", sz=RULE_SIZE, space="1", color="000000")
        if indent:
            _sub(ppr, "ind", left=str(indent[0]), hanging=str(indent[1]))
        if jc and jc != "left":
            _sub(ppr, "jc", val=jc)
    return tc
