"""Table -> DOCX, laid out as a submission table.

python-docx builds the document, its styles, section, page header and footer; the table body
(one ``w:tbl`` per page planned by ``paginate``) is built directly with lxml in one pass,
which is linear in the number of cells (python-docx's ``add_row``/``cell()`` are not).

Look: Courier New 9 pt (per PageSetup) set in the document defaults; title block centred in
the page header; footnotes, provenance and "Page x of y" (PAGE / NUMPAGES fields) in the page
footer; no vertical lines, a rule above and below the column headers, a rule under each
spanner spanning only its columns, and a rule under the last body row of every page.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lxml import etree

from tlf.render.package import save_package
from tlf.render.paginate import (
    CELL_PAD,
    INDENT_STEP,
    Page,
    char_width,
    column_widths,
    has_stub,
    paginate,
)
from tlf.tables.model import Column, Row, Table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TWIPS = 1440  # per inch
RULE_SIZE = "6"  # border width in eighths of a point (0.75 pt)
PROVENANCE_SMALLER = 1.0  # points smaller than the body font
FIT_TWIPS = 4  # room kept free in a decimal-aligned cell


def _w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


TBL, TBLPR, TBLGRID, GRIDCOL, TR, TRPR, TC, TCPR = map(
    _w, ("tbl", "tblPr", "tblGrid", "gridCol", "tr", "trPr", "tc", "tcPr")
)
P, PPR, R, RPR, T, BR, JC, IND = map(_w, ("p", "pPr", "r", "rPr", "t", "br", "jc", "ind"))
W_VAL, W_W, W_TYPE = _w("val"), _w("w"), _w("type")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

DecimalLayout = dict[str, list[tuple[float, int, float] | None]]  # row group -> per column
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_JC = {"center": "center", "right": "right", "left": "left", "decimal": "right"}


def clean_text(text: str) -> str:
    """Text safe for XML: line ends as "\\n", XML-illegal control characters removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("", text)


# --- public ------------------------------------------------------------------------------------


def render_docx(table: Table, path: Path, *, when: datetime | None = None) -> None:
    """Write ``table`` to ``path`` as a DOCX, one Word table per page planned by ``paginate``, stamped
    with the build time ``when`` (render/package.py). A Figure is placed as a picture (render/docx_figure.py)."""
    if getattr(table, "kind", "") == "figure":
        from tlf.render.docx_figure import render_figure_docx

        return render_figure_docx(table, path, when=when)
    import docx  # heavy; only renderers need it

    pages = paginate(table)
    doc = docx.Document()
    _set_styles(doc, table)
    section = doc.sections[0]
    _set_page(section, table)
    _fill_header(section.header, table)
    _fill_footer(section.footer, table, len(pages))
    body = doc.element.body
    sect_pr = body[-1]
    grid = table_grid(table)
    for page in pages:
        if page.index:
            sect_pr.addprevious(_spacer(page_break=True))
        sect_pr.addprevious(table_element(table, page, grid))
    sect_pr.addprevious(_spacer(page_break=False))  # a body must end with a paragraph
    props = doc.core_properties
    props.title = clean_text(" ".join(table.header_lines[:2]))
    props.identifier = clean_text(table.output_id)
    props.author = "tlf"
    save_package(doc.save, path, when)


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


# --- document, section, header and footer (python-docx) ----------------------------------------


def _set_styles(doc, table: Table) -> None:
    """Font and size in the document defaults and Normal; no spacing, single line spacing."""
    page = table.page
    half_points = str(int(page.font_size * 2))
    styles = doc.styles.element
    defaults = styles.find(_w("docDefaults"))
    rpr = defaults.find(_w("rPrDefault")).find(RPR)
    ppr = defaults.find(_w("pPrDefault")).find(PPR)
    for el in (rpr, _style_rpr(styles, "Normal")):
        _set_fonts(el, page.font, half_points)
    for el in (ppr, _style_ppr(styles, "Normal")):
        _set_spacing(el)


def _style_element(styles, style_id: str) -> etree._Element:
    for style in styles.iterfind(_w("style")):
        if style.get(_w("styleId")) == style_id:
            return style
    raise KeyError(style_id)


def _style_rpr(styles, style_id: str) -> etree._Element:
    style = _style_element(styles, style_id)
    rpr = style.find(RPR)
    return rpr if rpr is not None else etree.SubElement(style, RPR)


def _style_ppr(styles, style_id: str) -> etree._Element:
    style = _style_element(styles, style_id)
    ppr = style.find(PPR)
    if ppr is None:
        ppr = etree.Element(PPR)
        rpr = style.find(RPR)
        if rpr is not None:
            rpr.addprevious(ppr)
        else:
            style.append(ppr)
    return ppr


def _set_fonts(rpr: etree._Element, font: str, half_points: str) -> None:
    for tag in ("rFonts", "sz", "szCs"):
        for old in rpr.findall(_w(tag)):
            rpr.remove(old)
    fonts = etree.Element(_w("rFonts"))
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(_w(attr), font)
    rpr.insert(0, fonts)
    _insert_by_order(rpr, _w("sz"), half_points)
    _insert_by_order(rpr, _w("szCs"), half_points)


def _insert_by_order(rpr: etree._Element, tag: str, val: str) -> None:
    """Insert sz/szCs before the rPr children the schema puts after them."""
    later = {
        _w(t)
        for t in (
            "highlight",
            "u",
            "effect",
            "bdr",
            "shd",
            "fitText",
            "vertAlign",
            "rtl",
            "cs",
            "em",
            "lang",
            "eastAsianLayout",
            "specVanish",
            "oMath",
        )
    }
    if tag == _w("sz"):
        later.add(_w("szCs"))
    el = etree.Element(tag)
    el.set(W_VAL, val)
    for i, child in enumerate(rpr):
        if child.tag in later:
            rpr.insert(i, el)
            return
    rpr.append(el)


def _set_spacing(ppr: etree._Element) -> None:
    for old in ppr.findall(_w("spacing")):
        ppr.remove(old)
    spacing = etree.Element(_w("spacing"))
    for attr, val in (("before", "0"), ("after", "0"), ("line", "240"), ("lineRule", "auto")):
        spacing.set(_w(attr), val)
    later = {
        _w(t)
        for t in (
            "ind",
            "contextualSpacing",
            "mirrorIndents",
            "suppressOverlap",
            "jc",
            "textDirection",
            "textAlignment",
            "textboxTightWrap",
            "outlineLvl",
            "divId",
            "cnfStyle",
            "rPr",
            "sectPr",
            "pPrChange",
        )
    }
    for i, child in enumerate(ppr):
        if child.tag in later:
            ppr.insert(i, spacing)
            return
    ppr.append(spacing)


def _set_page(section, table: Table) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches, Mm

    page = table.page
    width, height = (Inches(x) for x in page.size)
    if page.paper == "a4":  # exactly 210 x 297 mm, so that Word names the paper A4
        short, long_ = Mm(210), Mm(297)
        width, height = (long_, short) if page.orientation == "landscape" else (short, long_)
    section.orientation = WD_ORIENT.LANDSCAPE if page.orientation == "landscape" else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    margin = Inches(page.margin)
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin
    # header and footer start at the margin, so the whole page stays inside the margins and
    # the body is pushed away from them by exactly their height
    section.header_distance = section.footer_distance = margin


def _fill_header(header, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    header.is_linked_to_previous = False
    lines = [*table.header_lines, ""]  # a blank line between the title block and the table
    _write_paragraphs(header, lines, WD_ALIGN_PARAGRAPH.CENTER)


def _fill_footer(footer, table: Table, page_count: int) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    footer.is_linked_to_previous = False
    _write_paragraphs(footer, ["", *table.footnotes], WD_ALIGN_PARAGRAPH.LEFT)
    if table.provenance:
        para = footer.add_paragraph()
        run = para.add_run(clean_text(table.provenance))
        run.font.size = Pt(max(6.0, table.page.font_size - PROVENANCE_SMALLER))
    para = footer.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_x_of_y(para._p, page_count)


def _write_paragraphs(part, lines: Sequence[str], alignment) -> None:
    first = part.paragraphs[0]
    for i, line in enumerate(lines):
        para = first if i == 0 else part.add_paragraph()
        para.alignment = alignment
        _add_text(para._p, clean_text(line))


def _page_x_of_y(p: etree._Element, page_count: int) -> None:
    """Runs "Page {PAGE} of {NUMPAGES}" as complex fields (cached values 1 and page_count)."""
    _add_text(p, "Page ")
    _field(p, "PAGE", "1")
    _add_text(p, " of ")
    _field(p, "NUMPAGES", str(page_count))


def _field(p: etree._Element, instr: str, cached: str) -> None:
    def fld_char(kind: str) -> None:
        etree.SubElement(etree.SubElement(p, R), _w("fldChar")).set(_w("fldCharType"), kind)

    fld_char("begin")
    text = etree.SubElement(etree.SubElement(p, R), _w("instrText"))
    text.set(XML_SPACE, "preserve")
    text.text = f" {instr} \\* MERGEFORMAT "
    fld_char("separate")
    etree.SubElement(etree.SubElement(p, R), T).text = cached
    fld_char("end")


def _spacer(page_break: bool) -> etree._Element:
    """A 1-point paragraph between page tables (breaking the page before it) and at the end."""
    p = etree.Element(P, nsmap={"w": W_NS})
    ppr = etree.SubElement(p, PPR)
    if page_break:
        etree.SubElement(ppr, _w("pageBreakBefore"))
    spacing = etree.SubElement(ppr, _w("spacing"))
    for attr, val in (("before", "0"), ("after", "0"), ("line", "20"), ("lineRule", "exact")):
        spacing.set(_w(attr), val)
    rpr = etree.SubElement(ppr, RPR)
    etree.SubElement(rpr, _w("sz")).set(W_VAL, "2")
    etree.SubElement(rpr, _w("szCs")).set(W_VAL, "2")
    return p


# --- the table body (lxml) ----------------------------------------------------------------------


def _table_properties(tbl: etree._Element, width: int) -> None:
    tbl_pr = etree.SubElement(tbl, TBLPR)
    _sub(tbl_pr, "tblW", w=str(width), type="dxa")
    _sub(tbl_pr, "jc", val="center")
    borders = etree.SubElement(tbl_pr, _w("tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _sub(borders, side, val="nil")
    _sub(tbl_pr, "tblLayout", type="fixed")
    margins = etree.SubElement(tbl_pr, _w("tblCellMar"))
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
    el = etree.SubElement(parent, _w(name))
    for key, val in attrs.items():
        el.set(_w(key), val)
    return el


def _header_rows(tbl: etree._Element, table: Table, grid: TableGrid) -> None:
    twips, body_twips = grid.twips, grid.body_twips
    if table.has_spanners:
        tr = _row(tbl, header=True)
        if grid.stub:
            _cell(tr, twips[0], "", rules=("top",))
        for text, first, last in table.spanner_runs():
            width = sum(body_twips[first : last + 1])
            _cell(
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
    tr = _row(tbl, header=True)
    if grid.stub:
        _cell(tr, twips[0], table.stub_header, rules=rules, bottom=True)
    for col, width in zip(table.columns, body_twips, strict=True):
        heading = f"{col.label}\n{col.n_label}" if col.n_label else col.label
        _cell(tr, width, heading, jc="center", rules=rules, bottom=True)


def _body_row(
    tbl: etree._Element, row: Row, columns: Sequence[Column], grid: TableGrid, bottom_rule: bool
) -> None:
    tr = _row(tbl, header=False)
    rules = ("bottom",) if bottom_rule else ()
    if grid.stub:
        step = int(INDENT_STEP * TWIPS)
        ind = ((row.indent + 1) * step, step)  # wrapped lines hang one level deeper
        _cell(tr, grid.twips[0], row.label, rules=rules, indent=ind)
    layout = grid.decimals.get(row.group) or [None] * len(columns)
    for text, col, width, dec in zip(row.cells, columns, grid.body_twips, layout, strict=True):
        right = _decimal_indent(text, dec, width) if dec and text else None
        _cell(tr, width, text, jc=_JC.get(col.align, "center"), rules=rules, right_indent=right)


def _row(tbl: etree._Element, header: bool) -> etree._Element:
    tr = etree.SubElement(tbl, TR)
    tr_pr = etree.SubElement(tr, TRPR)
    etree.SubElement(tr_pr, _w("cantSplit"))
    if header:
        etree.SubElement(tr_pr, _w("tblHeader"))
    return tr


def _cell(
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
        _add_text(tc[-1], clean_text(text))


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
        borders = etree.SubElement(tc_pr, _w("tcBorders"))
        for side in ("top", "bottom"):
            if side in rules:
                _sub(borders, side, val="single", sz=RULE_SIZE, space="0", color="000000")
    if bottom:
        _sub(tc_pr, "vAlign", val="bottom")
    p = etree.SubElement(tc, P)
    if underline or indent or right_indent or (jc and jc != "left"):
        ppr = etree.SubElement(p, PPR)
        if underline:  # a paragraph rule stops at the cell margins: gaps between spanners
            pbdr = etree.SubElement(ppr, _w("pBdr"))
            _sub(pbdr, "bottom", val="single", sz=RULE_SIZE, space="1", color="000000")
        if indent:
            _sub(ppr, "ind", left=str(indent[0]), hanging=str(indent[1]))
        elif right_indent:
            _sub(ppr, "ind", right=str(right_indent))
        if jc and jc != "left":
            _sub(ppr, "jc", val=jc)
    return tc


def _add_text(p: etree._Element, text: str) -> None:
    """Append text to a paragraph as one run; "\\n" becomes a line break."""
    if not text:
        return
    r = etree.SubElement(p, R)
    for i, line in enumerate(text.split("\n")):
        if i:
            etree.SubElement(r, BR)
        if line:
            t = etree.SubElement(r, T)
            t.text = line
            if line[0] == " " or line[-1] == " ":
                t.set(XML_SPACE, "preserve")


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
