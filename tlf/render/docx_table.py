"""A table's body as WordprocessingML: one ``w:tbl`` per page planned by ``paginate``, built directly
with lxml in one pass, which is linear in the number of cells (python-docx's ``add_row``/``cell()``
are not).

No vertical lines, a rule above and below the column headers, a rule under each spanner spanning only
its columns, and a rule under the last body row of every page; "decimal" columns aligned on the
units of their first numbers. Used by render/docx.py (tables) and render/listing_docx.py.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from tlf.render.docx_page import (
    GRIDCOL,
    PPR,
    TBL,
    TBLGRID,
    TBLPR,
    TC,
    TCPR,
    TR,
    TRPR,
    W_NS,
    W_W,
    P,
    add_text,
    clean_text,
    w_tag,
)
from tlf.render.paginate import Page, column_widths, has_stub
from tlf.render.text_metrics import CELL_PAD, INDENT_STEP, char_width
from tlf.tables.model import Column, Row, Table

TWIPS = 1440  # per inch
RULE_SIZE = "6"  # border width in eighths of a point (0.75 pt)
FIT_TWIPS = 4  # room kept free in a decimal-aligned cell

DecimalLayout = dict[str, list[tuple[float, int, float] | None]]  # row group -> per column
_JC = {"center": "center", "right": "right", "left": "left", "decimal": "right"}


@dataclass(frozen=True)
class TableGrid:
    """What every page's w:tbl of one table shares: column widths (twips, stub first), whether
    there is a stub column, and the decimal-alignment layout of "decimal" columns."""

    twips: tuple[int, ...]
    stub: bool
    decimals: DecimalLayout

    @property
    def body_twips(self) -> tuple[int, ...]:
        return self.twips[1:] if self.stub else self.twips


def table_grid(table: Table) -> TableGrid:
    """The grid of ``table``, computed once for all its pages."""
    twips = tuple(grid_twips(table))
    stub = has_stub(table)
    return TableGrid(twips, stub, _decimal_layout(table, twips[1:] if stub else twips))


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
        _body_row(tbl, row, table.columns, grid, bottom_rule=i == last)
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


def _body_row(
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
    layout = grid.decimals.get(row.group) or [None] * len(columns)
    for text, col, width, dec in zip(row.cells, columns, grid.body_twips, layout, strict=True):
        right = _decimal_indent(text, dec, width) if dec and text else None
        table_cell(tr, width, text, jc=_JC.get(col.align, "center"), rules=rules, right_indent=right)


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
    right_indent: int | None = None,
) -> None:
    """Append one w:tc (a copy of its cached empty template) and its text."""
    # copying an lxml element copies its whole subtree
    tc = copy.copy(_cell_template(width, jc, span, rules, underline, bottom, indent, right_indent))
    tr.append(tc)
    if text:
        add_text(tc[-1], clean_text(text))


@functools.lru_cache(maxsize=4096)
def _cell_template(
    width: int,
    jc: str | None,
    span: int,
    rules: tuple[str, ...],
    underline: bool,
    bottom: bool,
    indent: tuple[int, int] | None,
    right_indent: int | None,
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
    if underline or indent or right_indent or (jc and jc != "left"):
        ppr = etree.SubElement(p, PPR)
        if underline:  # a paragraph rule stops at the cell margins: gaps between spanners
            pbdr = etree.SubElement(ppr, w_tag("pBdr"))
            _sub(pbdr, "bottom", val="single", sz=RULE_SIZE, space="1", color="000000")
        if indent:
            _sub(ppr, "ind", left=str(indent[0]), hanging=str(indent[1]))
        elif right_indent:
            _sub(ppr, "ind", right=str(right_indent))
        if jc and jc != "left":
            _sub(ppr, "jc", val=jc)
    return tc


def _decimal_layout(table: Table, twips: Sequence[int]) -> DecimalLayout:
    """For body columns with align "decimal", per row group: (base right indent, most characters
    after the alignment point, character width), in twips, so that within a group every cell's
    alignment point (see ``_split_decimal``) lands at the same place and the group's widest
    cell is centred. None for other columns. Groups (``Row.group``) are aligned separately, so
    that "n (%)" rows and "Mean (SD)" rows of different groups do not push each other apart.
    """
    cw = char_width(table.page) * 20  # points -> twips
    pad = 2 * int(CELL_PAD * TWIPS)
    decimal = [j for j, c in enumerate(table.columns) if c.align == "decimal"]
    out: DecimalLayout = {}
    if not decimal:
        return out
    by_group: dict[str, list[Row]] = {}
    for row in table.rows:
        by_group.setdefault(row.group, []).append(row)
    for group, rows in by_group.items():
        layout: list[tuple[float, int, float] | None] = [None] * len(table.columns)
        for j in decimal:
            parts = [_split_decimal(r.cells[j]) for r in rows if r.cells[j]]
            left = max((a for a, _ in parts), default=0)
            right = max((b for _, b in parts), default=0)
            layout[j] = (max(0.0, (twips[j] - pad - (left + right) * cw) / 2), right, cw)
        out[group] = layout
    return out


_FIRST_NUMBER = re.compile(r"\d+")


def _split_decimal(text: str) -> tuple[int, int]:
    """(characters before, characters from) the alignment point of a cell's first line.

    The point is where the first number's integer part ends: its decimal point ("45.3 (12.14)"
    -> 2), or the end of an integer ("8" -> 1, "7 (87.5)" -> 1, "28, 63" -> 2), so that the units
    of the first numbers line up; a text without digits ("NE") aligns on its end.
    """
    line = text.split("\n")[0]
    match = _FIRST_NUMBER.search(line)
    at = match.end() if match else len(line)
    return at, len(line) - at


def _decimal_indent(text: str, layout: tuple[float, int, float], width: int) -> int:
    """Right indent of one decimal-aligned cell, never so large that the text must wrap."""
    base, right, cw = layout
    room = width - 2 * int(CELL_PAD * TWIPS) - len(text.split("\n")[0]) * cw - FIT_TWIPS
    return int(max(0.0, min(base + (right - _split_decimal(text)[1]) * cw, room)))
