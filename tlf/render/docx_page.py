"""The Word document around a table, listing or figure: document defaults (font, size, spacing), the
page (paper, orientation, margins), the page header (title block) and footer (footnotes, provenance,
"Page x of y"), and the WordprocessingML names and text runs every DOCX renderer writes.

Shared by render/docx.py (tables), render/docx_figure.py, render/listing_docx.py and the review
bundle's title page; python-docx builds styles, section, header and footer, lxml the runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from tlf.tables.model import Table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PROVENANCE_SMALLER = 1.0  # points smaller than the body font


def w_tag(name: str) -> str:
    """The qualified name of a WordprocessingML element or attribute ("tbl" -> "{...main}tbl")."""
    return f"{{{W_NS}}}{name}"


TBL, TBLPR, TBLGRID, GRIDCOL, TR, TRPR, TC, TCPR = map(
    w_tag, ("tbl", "tblPr", "tblGrid", "gridCol", "tr", "trPr", "tc", "tcPr")
)
P, PPR, R, RPR, T, BR, JC, IND = map(w_tag, ("p", "pPr", "r", "rPr", "t", "br", "jc", "ind"))
W_VAL, W_W, W_TYPE = w_tag("val"), w_tag("w"), w_tag("type")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text safe for XML: line ends as "\\n", XML-illegal control characters removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("", text)


PROPERTY_LIMIT = 255  # characters python-docx (and Word) allow in a core document property


def property_text(text: str) -> str:
    """Text for a DOCX core property (title, identifier): clean_text, cut to its first 255 characters
    (a longer title is printed whole on the page; only the file's properties hold the start of it)."""
    return clean_text(text)[:PROPERTY_LIMIT]


def set_styles(doc, table: Table) -> None:
    """Font and size in the document defaults and Normal; no spacing, single line spacing."""
    page = table.page
    half_points = str(int(page.font_size * 2))
    styles = doc.styles.element
    defaults = styles.find(w_tag("docDefaults"))
    rpr = defaults.find(w_tag("rPrDefault")).find(RPR)
    ppr = defaults.find(w_tag("pPrDefault")).find(PPR)
    for el in (rpr, _style_rpr(styles, "Normal")):
        _set_fonts(el, page.font, half_points)
    for el in (ppr, _style_ppr(styles, "Normal")):
        _set_spacing(el)


def _style_element(styles, style_id: str) -> etree._Element:
    for style in styles.iterfind(w_tag("style")):
        if style.get(w_tag("styleId")) == style_id:
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
        for old in rpr.findall(w_tag(tag)):
            rpr.remove(old)
    fonts = etree.Element(w_tag("rFonts"))
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(w_tag(attr), font)
    rpr.insert(0, fonts)
    _insert_by_order(rpr, w_tag("sz"), half_points)
    _insert_by_order(rpr, w_tag("szCs"), half_points)


def _insert_by_order(rpr: etree._Element, tag: str, val: str) -> None:
    """Insert sz/szCs before the rPr children the schema puts after them."""
    later = {
        w_tag(t)
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
    if tag == w_tag("sz"):
        later.add(w_tag("szCs"))
    el = etree.Element(tag)
    el.set(W_VAL, val)
    for i, child in enumerate(rpr):
        if child.tag in later:
            rpr.insert(i, el)
            return
    rpr.append(el)


def _set_spacing(ppr: etree._Element) -> None:
    for old in ppr.findall(w_tag("spacing")):
        ppr.remove(old)
    spacing = etree.Element(w_tag("spacing"))
    for attr, val in (("before", "0"), ("after", "0"), ("line", "240"), ("lineRule", "auto")):
        spacing.set(w_tag(attr), val)
    later = {
        w_tag(t)
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


def set_page(section, table: Table) -> None:
    """Paper size, orientation and margins of ``section`` from the table's PageSetup."""
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


def fill_header(header, table: Table) -> None:
    """The running header line (left, centre and right texts on tab stops), the title block, centred, then
    a blank line; the watermark, when the page has one, anchored in the header's first paragraph."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    header.is_linked_to_previous = False
    lines = [*table.header_lines, ""]  # a blank line between the title block and the table
    _write_paragraphs(header, lines, WD_ALIGN_PARAGRAPH.CENTER)
    page = table.page
    if page.running_header:
        first = header.paragraphs[0]._p
        p = etree.Element(P)
        first.addprevious(p)
        ppr = etree.SubElement(p, PPR)
        tabs = etree.SubElement(ppr, w_tag("tabs"))
        width = int(page.text_width * 1440)
        for kind, pos in (("center", width // 2), ("right", width)):
            tab = etree.SubElement(tabs, w_tag("tab"))
            tab.set(W_VAL, kind)
            tab.set(w_tag("pos"), str(pos))
        left, center, right = (clean_text(t).replace("\n", " ") for t in page.running_header)
        add_text(p, left)
        for text in (center, right):
            etree.SubElement(etree.SubElement(p, R), w_tag("tab"))
            add_text(p, text)
    if page.watermark:
        header.paragraphs[0]._p.append(watermark_run(page.watermark, page))


V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"


def watermark_run(text: str, page) -> etree._Element:
    """A run holding Word's text watermark (a VML text path behind the page, light grey, diagonal,
    centred on the margins: what Word's Design > Watermark writes), which LibreOffice also shows."""
    r = etree.Element(R, nsmap={"w": W_NS})
    pict = etree.SubElement(r, w_tag("pict"), nsmap={"v": V_NS, "o": O_NS})
    shapetype = etree.SubElement(pict, f"{{{V_NS}}}shapetype", {
        "id": "_x0000_t136", "coordsize": "21600,21600", f"{{{O_NS}}}spt": "136", "adj": "10800",
        "path": "m@7,l@8,m@5,21600l@6,21600e"})
    etree.SubElement(shapetype, f"{{{V_NS}}}path", {"textpathok": "t", f"{{{O_NS}}}connecttype": "custom"})
    etree.SubElement(shapetype, f"{{{V_NS}}}textpath", {"on": "t", "fitshape": "t"})
    width = min(page.text_width, page.text_height) * 72 * 0.9  # points
    style = (f"position:absolute;margin-left:0;margin-top:0;width:{width:.0f}pt;height:{width / 4:.0f}pt;"
             "rotation:315;z-index:-251657216;mso-position-horizontal:center;"
             "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
             "mso-position-vertical-relative:margin")
    shape = etree.SubElement(pict, f"{{{V_NS}}}shape", {
        "id": "PowerPlusWaterMarkObject1", f"{{{O_NS}}}spid": "_x0000_s2049", "type": "#_x0000_t136",
        "style": style, f"{{{O_NS}}}allowincell": "f", "fillcolor": "silver", "stroked": "f"})
    etree.SubElement(shape, f"{{{V_NS}}}fill", {"opacity": ".5"})
    etree.SubElement(shape, f"{{{V_NS}}}textpath", {
        "style": f'font-family:"{page.font}";font-size:1pt', "string": clean_text(text)})
    return r


def fill_footer(footer, table: Table, page_count: int) -> None:
    """A blank line, the footnotes, the provenance line (smaller) and "Page x of y" on the right."""
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
        add_text(para._p, clean_text(line))


def _page_x_of_y(p: etree._Element, page_count: int) -> None:
    """Runs "Page {PAGE} of {NUMPAGES}" as complex fields (cached values 1 and page_count)."""
    add_text(p, "Page ")
    _field(p, "PAGE", "1")
    add_text(p, " of ")
    _field(p, "NUMPAGES", str(page_count))


def _field(p: etree._Element, instr: str, cached: str) -> None:
    def fld_char(kind: str) -> None:
        etree.SubElement(etree.SubElement(p, R), w_tag("fldChar")).set(w_tag("fldCharType"), kind)

    fld_char("begin")
    text = etree.SubElement(etree.SubElement(p, R), w_tag("instrText"))
    text.set(XML_SPACE, "preserve")
    text.text = f" {instr} \\* MERGEFORMAT "
    fld_char("separate")
    etree.SubElement(etree.SubElement(p, R), T).text = cached
    fld_char("end")


def end_notes(pages: Sequence[Sequence[str]]) -> list[etree._Element]:
    """Footnotes printed in the body after the last row (or picture), when the page footer cannot hold
    them (render/paginate.py ``end_note_pages``): a blank line, then the notes of each planned page, the
    first note of every further page breaking the page before it."""
    out = [_paragraph("")]
    for k, notes in enumerate(pages):
        for i, note in enumerate(notes):
            out.append(_paragraph(clean_text(note), page_break=bool(k) and not i))
    return out


def _paragraph(text: str, page_break: bool = False) -> etree._Element:
    p = etree.Element(P, nsmap={"w": W_NS})
    if page_break:
        etree.SubElement(etree.SubElement(p, PPR), w_tag("pageBreakBefore"))
    add_text(p, text)
    return p


def spacer(page_break: bool) -> etree._Element:
    """A 1-point paragraph between page tables (breaking the page before it) and at the end."""
    p = etree.Element(P, nsmap={"w": W_NS})
    ppr = etree.SubElement(p, PPR)
    if page_break:
        etree.SubElement(ppr, w_tag("pageBreakBefore"))
    spacing = etree.SubElement(ppr, w_tag("spacing"))
    for attr, val in (("before", "0"), ("after", "0"), ("line", "20"), ("lineRule", "exact")):
        spacing.set(w_tag(attr), val)
    rpr = etree.SubElement(ppr, RPR)
    etree.SubElement(rpr, w_tag("sz")).set(W_VAL, "2")
    etree.SubElement(rpr, w_tag("szCs")).set(W_VAL, "2")
    return p


def add_text(p: etree._Element, text: str) -> None:
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
