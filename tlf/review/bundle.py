"""All outputs of a study in one DOCX: title page, table of contents, every output in order.

    bundle = make_bundle(study, Path("output"))              # output/bundle.docx
    bundle = make_bundle(study, Path("output"), shell=True)  # output/bundle.shell.docx (the shells)

The outputs are the DOCX files `tlf build` wrote (``<id>.docx`` / ``<id>.shell.docx``), in the order
of their numbers by section, tables before figures before listings (Table 14.2.1, ..., Table 14.2.6,
Figure 14.2.1, Table 14.3.1, ..., Listing 16.2.1.1). Each keeps its own sections,
page setup, headers and footers: its section properties move into its last paragraph and the header
and footer parts they refer to are copied along (docxcompose merges styles, numbering and images
but drops headers and footers; ``_KeepSections`` keeps them). Page numbers run through the bundle:
every output's "Page x of y" footer counts the bundle's pages, and the table of contents gives the
page each output starts on, from the pages its renderer planned (one ``w:tbl`` per page).
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.errors import OutputError
from tlf.tables.model import Column, PageSetup, Row, Table, page_setup

if TYPE_CHECKING:
    from tlf.spec.validate import OutputEntry, Study

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BUNDLE_ID = "bundle"  # core property "identifier" of a bundle tlf wrote
TYPE_ORDER = {"table": 0, "figure": 1, "listing": 2}


def _w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


@dataclass(frozen=True)
class BundleEntry:
    """One output in the bundle: where its DOCX is, how many pages it has and where it starts."""

    output_id: str
    number: str
    title: str  # its title lines, "\n" between them
    population: str
    docx: Path
    pages: int
    start: int = 0


@dataclass(frozen=True)
class Bundle:
    path: Path
    entries: tuple[BundleEntry, ...]
    pages: int  # total, title page and contents included


def bundle_name(shell: bool = False) -> str:
    return "bundle.shell.docx" if shell else "bundle.docx"


def output_order(entry: OutputEntry) -> tuple:
    """Sort key: by section (the output number without its last part: "Table 14.2.3" -> 14.2), within a
    section tables, then figures, then listings, each by its last number; then the id. So Tables
    14.2.1-14.2.6 come before Figure 14.2.1, and all of section 14 before Listing 16.2.1.1."""
    nums = tuple(int(n) for n in re.findall(r"\d+", entry.spec.number))
    return (nums[:-1], TYPE_ORDER.get(entry.spec.type, 9), nums[-1:], entry.id)


def make_bundle(study: Study, out_dir: Path, *, shell: bool = False, path: Path | None = None,
                run_time: str = "", version: str = "", force: bool = False, when: datetime | None = None) -> Bundle:
    """Write the bundle of every output of ``study`` already built in ``out_dir``; raises OutputError
    naming the outputs whose DOCX is missing. `when` is the time stamped on the file (render/package.py;
    default: the build time, SOURCE_DATE_EPOCH when set)."""
    out_dir = Path(out_dir)
    path = Path(path) if path else out_dir / bundle_name(shell)
    entries = _entries(study, out_dir, shell)
    if path.exists() and not force and not is_bundle(path):
        raise OutputError(f"'{path}' exists and was not written by tlf; move it away or use --force to overwrite",
                          code="OUT010")
    page = study.spec.page
    setup = page_setup(page)
    toc, entries = _contents(study, entries, setup, shell, run_time, version)
    fd, tmp_name = tempfile.mkstemp(prefix=".tlf-bundle-", suffix=".docx", dir=out_dir)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with tempfile.TemporaryDirectory(prefix=".tlf-bundle-", dir=out_dir) as work:
            toc_path = Path(work) / "contents.docx"
            from tlf.listings.model import Listing
            from tlf.render.listing_docx import render_listing_docx

            render_listing_docx(Listing(toc), toc_path, when=when)
            _compose(study, setup, [toc_path, *(e.docx for e in entries)], tmp, shell, run_time, version, when,
                     entries=entries)
        os.replace(tmp, path)
    except OSError as e:
        raise OutputError(f"cannot write the bundle '{path}': {e.strerror or e}", code="OUT011") from None
    finally:
        tmp.unlink(missing_ok=True)
    from tlf.render.paginate import paginate

    total = 1 + len(paginate(toc)) + sum(e.pages for e in entries)
    return Bundle(path, tuple(entries), total)


def bundle_entries(study: Study, out_dir: Path, shell: bool = False) -> list[BundleEntry]:
    """The outputs a bundle holds, in order, each with its DOCX and planned pages (no start yet); raises
    OutputError (OUT012) naming the outputs whose DOCX is missing."""
    return _entries(study, Path(out_dir), shell)


def write_front(study: Study, entries: list[BundleEntry], path: Path, *, shell: bool = False, run_time: str = "",
                version: str = "", when: datetime | None = None, shift: int = 0) -> tuple[list[BundleEntry], int]:
    """The title page and the table of contents alone, as a DOCX at ``path`` (the front of the PDF package,
    tlf/review/pdf_package.py): the entries with the page each starts on, counting each entry's ``pages``
    after the front (and ``shift`` pages more), and the pages the front was planned to take."""
    from tlf.listings.model import Listing
    from tlf.render.listing_docx import render_listing_docx
    from tlf.render.paginate import paginate

    setup = page_setup(study.spec.page)
    toc, entries = _contents(study, entries, setup, shell, run_time, version, shift)
    with tempfile.TemporaryDirectory(prefix=".tlf-front-", dir=Path(path).parent) as work:
        toc_path = Path(work) / "contents.docx"
        render_listing_docx(Listing(toc), toc_path, when=when)
        _compose(study, setup, [toc_path], Path(path), shell, run_time, version, when, count=len(entries))
    return entries, 1 + len(paginate(toc))


def is_bundle(path: Path) -> bool:
    """True when ``path`` is a DOCX bundle tlf wrote (its core properties say so)."""
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return f">{BUNDLE_ID}<" in core and ">tlf<" in core


def planned_pages(docx_path: Path) -> int:
    """Pages of a DOCX tlf rendered: one, plus one per page break and per section break in the body."""
    from lxml import etree

    with zipfile.ZipFile(docx_path) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(_w("body"))
    breaks = len(body.findall(f"{_w('p')}/{_w('pPr')}/{_w('pageBreakBefore')}"))
    breaks += len(body.findall(f"{_w('p')}/{_w('pPr')}/{_w('sectPr')}"))
    breaks += len(body.findall(f".//{_w('br')}[@{_w('type')}='page']"))
    return 1 + breaks


# --- the parts ----------------------------------------------------------------------------------


def _entries(study: Study, out_dir: Path, shell: bool) -> list[BundleEntry]:
    missing, entries = [], []
    for entry in sorted(study.outputs, key=output_order):
        docx = out_dir / (f"{entry.id}.shell.docx" if shell else f"{entry.id}.docx")
        if not docx.is_file():
            missing.append(entry.id)
            continue
        pop = study.spec.populations[entry.spec.population].label
        entries.append(BundleEntry(entry.id, entry.spec.number, "\n".join(entry.spec.titles), pop, docx,
                                   planned_pages(docx)))
    if missing:
        cmd = "tlf shells" if shell else "tlf build all"
        raise OutputError(f"cannot bundle: no {'shell ' if shell else ''}DOCX in '{out_dir}' for "
                          f"{', '.join(missing)}; run `{cmd}` first", code="OUT012")
    if not entries:
        raise OutputError("cannot bundle: the specs define no outputs", code="OUT012")
    return entries


def _contents(study: Study, entries: list[BundleEntry], page: PageSetup, shell: bool, run_time: str,
              version: str, shift: int = 0) -> tuple[Table, list[BundleEntry]]:
    """The table of contents (a listing-like Table, rendered and paginated as any) with number, title,
    population and the page each output starts on, and the entries with their start pages. Its own
    length is planned first (page numbers do not change how many lines a row takes)."""
    from tlf.render.paginate import paginate

    def table(starts: list[int]) -> Table:
        rows = tuple(Row("", (e.number, e.title, e.population, str(s))) for e, s in zip(entries, starts, strict=True))
        columns = (Column("number", "Output", width=1.4, align="left"),
                   Column("title", "Title", width=4.8, align="left"),
                   Column("population", "Population", width=2.2, align="left"),
                   Column("page", "Page", width=0.6, align="right"))
        what = "Shells" if shell else "Outputs"
        return Table(output_id="contents", number="", titles=("Table of Contents",), columns=columns, rows=rows,
                     subtitle=f"{study.spec.study.id}: {what}", stub_width=0.0,
                     provenance=_provenance(run_time, version), page=page, kind="listing")

    first = table([0] * len(entries))
    start = 2 + len(paginate(first)) + shift  # after the title page and the contents
    starts = []
    for e in entries:
        starts.append(start)
        start += e.pages
    return table(starts), [replace(e, start=s) for e, s in zip(entries, starts, strict=True)]


def _provenance(run_time: str, version: str) -> str:
    bits = [f"tlf {version}" if version else "tlf", f"bundled {run_time}" if run_time else ""]
    return "; ".join(b for b in bits if b)


def _title_page(study: Study, page: PageSetup, n: int, shell: bool, run_time: str, version: str):
    """A one-page document: study, what the bundle holds, when it was made. No header or footer."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from tlf.render.docx_page import set_page, set_styles

    probe = Table(output_id="title", number="", titles=(), columns=(), rows=(), page=page)
    doc = docx.Document()
    set_styles(doc, probe)
    set_page(doc.sections[0], probe)
    info = study.spec.study
    lines: list[tuple[str, float]] = [("", 0)] * 9 + [
        (info.id, 5), ("", 0), (info.title, 1), ("", 0), ("", 0),
        ("Shells of Tables, Listings and Figures" if shell else "Tables, Listings and Figures", 5), ("", 0),
        (f"{n} outputs", 0), ("", 0), ("", 0),
    ]
    if info.cutoff and not shell:
        lines.append((f"Data cut-off: {info.cutoff}", 0))
    if run_time:
        lines.append((f"Built {run_time}" + (f" with tlf {version}" if version else ""), 0))
    for text, bigger in lines:
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if text:
            run = para.add_run(text)
            if bigger:
                run.font.size = Pt(page.font_size + bigger)
                run.bold = True
    first = doc.paragraphs[0]._p
    first.getparent().remove(first)  # python-docx's template starts with an empty paragraph
    return doc


# --- composing ----------------------------------------------------------------------------------


def _compose(study: Study, page: PageSetup, docs: list[Path], target: Path, shell: bool, run_time: str,
             version: str, when: datetime | None = None, count: int | None = None,
             entries: list[BundleEntry] | None = None) -> None:
    """The title page (saying ``count`` outputs; default: the documents after the contents) and ``docs``: the
    contents, then the outputs of ``entries`` (when given: each with its headings and bookmark, the contents
    linked to them, tlf/review/bundle_nav.py)."""
    import docx

    from tlf.render.package import save_package
    from tlf.review.bundle_nav import add_headings, bookmark_name, heading, link_contents, section_of

    master = _title_page(study, page, len(docs) - 1 if count is None else count, shell, run_time, version)
    _end_section_in_last_paragraph(master)
    composer = _keep_sections_composer()(master)
    names = [bookmark_name(k, e.output_id) for k, e in enumerate(entries or ())]
    sections: set[str] = set()
    for k, path in enumerate(docs):
        part = docx.Document(str(path))
        _bake_fonts(part)
        if entries and k == 0:
            link_contents(part, {e.number: n for e, n in zip(entries, names, strict=True)})
        elif entries:
            e = entries[k - 1]
            title = e.title.split("\n")[0]
            heads = [] if section_of(e.number) in sections else [heading(1, section_of(e.number))]
            sections.add(section_of(e.number))
            heads.append(heading(2, f"{e.number}: {title}" if title else e.number, names[k - 1], k))
            add_headings(part, heads)
        _end_section_in_last_paragraph(part)
        composer.append(part)
    body = master.element.body
    last = body.findall(f"{_w('p')}/{_w('pPr')}/{_w('sectPr')}")[-1]
    last.getparent().remove(last)
    body.append(last)  # the last output's section is the document's last section
    props = master.core_properties
    props.title = f"{study.spec.study.id}: {'shells' if shell else 'tables, listings and figures'}"
    props.identifier = BUNDLE_ID
    props.author = "tlf"
    save_package(master.save, target, when)


def _end_section_in_last_paragraph(doc) -> None:
    """Move the body's section properties into the last paragraph (ending a section there), so that
    the document keeps its own page setup, header and footer when appended to another."""
    from lxml import etree

    body = doc.element.body
    sect = body.find(_w("sectPr"))
    if sect is None:
        return
    last = body[-2] if len(body) > 1 else None
    if last is None or last.tag != _w("p"):
        last = etree.SubElement(body, _w("p"))
        body.remove(last)
        sect.addprevious(last)
    ppr = last.find(_w("pPr"))
    if ppr is None:
        ppr = etree.Element(_w("pPr"))
        last.insert(0, ppr)
    body.remove(sect)
    ppr.append(sect)  # sectPr comes after every other paragraph property (rPr included)


def _bake_fonts(doc) -> None:
    """Write the document's default font and size into each of its runs and paragraph marks, in the
    body, headers and footers, so that they survive the bundle's own defaults (a listing in 8 pt
    among tables in 9 pt keeps the pages its renderer planned)."""
    from lxml import etree

    styles = doc.styles.element
    rpr_default = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    if rpr_default is None:
        return
    size = rpr_default.find(_w("sz"))
    fonts = rpr_default.find(_w("rFonts"))
    parts = [doc.element]
    for section in doc.sections:
        for hf in (section.header, section.footer):
            if not hf.is_linked_to_previous:
                parts.append(hf._element)
    for root in parts:
        for r in root.iter(_w("r")):
            rpr = r.find(_w("rPr"))
            if rpr is None:
                rpr = etree.Element(_w("rPr"))
                r.insert(0, rpr)
            _ensure(rpr, fonts, size)
        for p in root.iter(_w("p")):
            ppr = p.find(_w("pPr"))
            if ppr is None:
                ppr = etree.Element(_w("pPr"))
                p.insert(0, ppr)
            rpr = ppr.find(_w("rPr"))
            if rpr is None:
                rpr = etree.SubElement(ppr, _w("rPr"))
                sect = ppr.find(_w("sectPr"))
                if sect is not None:
                    sect.addprevious(rpr)
            _ensure(rpr, fonts, size)


def _ensure(rpr, fonts, size) -> None:
    """Add font and size to a run's properties where it has none (schema order: rFonts first, sz and
    szCs before the few properties that follow them)."""
    if fonts is not None and rpr.find(_w("rFonts")) is None:
        rpr.insert(0, copy.deepcopy(fonts))
    if size is not None and rpr.find(_w("sz")) is None:
        later = {_w(t) for t in ("highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
                                 "em", "lang", "eastAsianLayout", "specVanish", "oMath", "szCs")}
        sz, szcs = copy.deepcopy(size), copy.deepcopy(size)
        szcs.tag = _w("szCs")
        at = next((i for i, child in enumerate(rpr) if child.tag in later), len(rpr))
        rpr.insert(at, sz)
        if rpr.find(_w("szCs")) is None:
            rpr.insert(at + 1, szcs)


def _keep_sections_composer():
    """docxcompose's Composer, keeping each appended document's sections with their headers and footers."""
    from docxcompose.composer import Composer
    from docxcompose.utils import xpath

    class _KeepSections(Composer):
        def add_referenced_parts(self, src_part, dst_part, element):
            super().add_referenced_parts(src_part, dst_part, element)
            for ref in xpath(element, ".//w:headerReference|.//w:footerReference"):
                rel = src_part.rels[ref.get(f"{{{R_NS}}}id")]
                ref.set(f"{{{R_NS}}}id", self._copy_header_footer(rel.target_part, dst_part, rel.reltype))

        def _copy_header_footer(self, part, dst_part, reltype) -> str:
            """A copy of a header or footer part (and what it refers to) related to ``dst_part``: its rId."""
            from docx.opc.packuri import PackURI
            from docx.parts.hdrftr import FooterPart, HeaderPart

            kind = "header" if reltype.endswith("/header") else "footer"
            used = {str(p.partname) for p in dst_part.package.iter_parts()}
            n = 1
            while f"/word/{kind}{n}.xml" in used:
                n += 1
            cls = HeaderPart if kind == "header" else FooterPart
            new = cls.load(PackURI(f"/word/{kind}{n}.xml"), part.content_type, part.blob, dst_part.package)
            for rel in part.rels.values():
                if rel.is_external:
                    new.rels.get_or_add_ext_rel(rel.reltype, rel.target_ref)
                else:
                    rid = self.add_relationship(part, new, rel).rId
                    assert rid  # (images in a header or footer are copied along)
            return dst_part.relate_to(new, reltype)

        def remove_header_and_footer_references(self, doc, element):
            pass  # each output keeps its own

        def fix_section_types(self, doc):
            pass  # every section starts a new page, as it did in its own document

        def fix_header_and_footers(self, doc):
            pass  # the title page has none; every output brings its own

    return _KeepSections
