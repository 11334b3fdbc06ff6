"""Navigation in the DOCX bundle: heading levels, bookmarks and a linked contents.

Before each output the bundle gets 1-point heading paragraphs (render/docx_page.py's spacer height, so
the pages the renderers planned still hold; their text white, as the page's title block prints it): one at outline level 1 for a new section ("14.2", from the
output number, ``section_of``), one at level 2 holding a bookmark and the output's
number and title. Word's navigation pane and LibreOffice's PDF export (bookmarks) read the levels; each
output number in the contents table links to its bookmark.
"""

from __future__ import annotations

import re

from lxml import etree

from tlf.render.docx_page import PPR, RPR, W_NS, W_VAL, P, add_text, clean_text, w_tag

BOOKMARK_LIMIT = 40  # characters Word allows in a bookmark name
HEADING_SIZE = "2"  # half points: the 1-point spacer the renderers use between pages
HEADING_COLOR = "FFFFFF"  # the heading's text is for navigation only: the page's title block prints it
SECTION_PARTS = 2  # "Table 14.2.3" -> section "14.2"; "Listing 16.2.7.1" -> "16.2"


def section_of(number: str) -> str:
    """The section of an output number: its first ``SECTION_PARTS`` numbers ("Table 14.2.3" -> "14.2")."""
    nums = re.findall(r"\d+", number)
    return ".".join(nums[:SECTION_PARTS]) if nums else number


def bookmark_name(k: int, output_id: str) -> str:
    """A bookmark name Word accepts (a letter first, letters, digits and _; at most 40 characters), unique
    by the output's position ``k``."""
    return f"tlf{k}_{re.sub(r'[^A-Za-z0-9_]', '_', output_id)}"[:BOOKMARK_LIMIT]


def heading(level: int, text: str, bookmark: str = "", bookmark_id: int = 0) -> etree._Element:
    """A 1-point paragraph at outline level ``level`` (1 = top; Word's w:outlineLvl counts from 0) with
    ``text`` and, when named, a bookmark around it."""
    p = etree.Element(P, nsmap={"w": W_NS})
    ppr = etree.SubElement(p, PPR)
    etree.SubElement(ppr, w_tag("keepNext"))
    spacing = etree.SubElement(ppr, w_tag("spacing"))
    for attr, val in (("before", "0"), ("after", "0"), ("line", "20"), ("lineRule", "exact")):
        spacing.set(w_tag(attr), val)
    etree.SubElement(ppr, w_tag("outlineLvl")).set(W_VAL, str(level - 1))
    rpr = etree.SubElement(ppr, RPR)
    etree.SubElement(rpr, w_tag("sz")).set(W_VAL, HEADING_SIZE)
    etree.SubElement(rpr, w_tag("szCs")).set(W_VAL, HEADING_SIZE)
    if bookmark:
        start = etree.SubElement(p, w_tag("bookmarkStart"))
        start.set(w_tag("id"), str(bookmark_id))
        start.set(w_tag("name"), bookmark)
    add_text(p, clean_text(text))
    for r in p.iterfind(w_tag("r")):
        rpr = etree.SubElement(r, RPR)
        etree.SubElement(rpr, w_tag("color")).set(W_VAL, HEADING_COLOR)  # the title block prints it
        etree.SubElement(rpr, w_tag("sz")).set(W_VAL, HEADING_SIZE)
        etree.SubElement(rpr, w_tag("szCs")).set(W_VAL, HEADING_SIZE)
        r.insert(0, rpr)
    if bookmark:
        etree.SubElement(p, w_tag("bookmarkEnd")).set(w_tag("id"), str(bookmark_id))
    return p


def add_headings(doc, paragraphs: list[etree._Element]) -> None:
    """Put ``paragraphs`` at the start of ``doc``'s body (a python-docx Document)."""
    body = doc.element.body
    for i, p in enumerate(paragraphs):
        body.insert(i, p)


def link_contents(doc, anchors: dict[str, str]) -> int:
    """In the contents ``doc``, make each table cell whose whole text is a key of ``anchors`` (an output
    number) a link to the bookmark it maps to; the number of links made."""
    made = 0
    for tc in doc.element.body.iter(w_tag("tc")):
        text = "".join(t.text or "" for t in tc.iter(w_tag("t")))
        anchor = anchors.get(text)
        if not anchor:
            continue
        for p in tc.iterfind(w_tag("p")):
            runs = p.findall(w_tag("r"))
            if not runs:
                continue
            link = etree.Element(w_tag("hyperlink"))
            link.set(w_tag("anchor"), anchor)
            link.set(w_tag("history"), "1")
            runs[0].addprevious(link)
            for r in runs:
                link.append(r)
            made += 1
    return made
