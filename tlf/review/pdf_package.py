"""All outputs of a study in one PDF: title page, a linked table of contents, every output in order, with
a bookmark per output grouped by section.

    package = make_pdf_package(study, Path("output"))              # output/bundle.pdf
    package = make_pdf_package(study, Path("output"), shell=True)  # output/bundle.shell.pdf

Each output's DOCX (``tlf build`` wrote it) is converted to PDF by LibreOffice, headless
(tlf/render/office.py), so each keeps its own "Page x of y"; the front (title page and contents,
render/bundle.py ``write_front``) is converted too, its page column giving the page each output starts
on in the package, counted from the converted PDFs. pypdf assembles the pages, adds the bookmarks
(one per section, "14.1", "14.2", ... "16.2" from the output numbers, holding one per output, "Table
14.1.1: Demographic ...") and a link on each contents row to its output's first page.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.errors import OutputError
from tlf.review.bundle import BundleEntry, bundle_entries, write_front
from tlf.review.bundle_nav import section_of

if TYPE_CHECKING:
    from tlf.spec.validate import Study

PACKAGE_SUBJECT = "tlf PDF package"  # the document's subject: a file tlf wrote, overwritten without --force


@dataclass(frozen=True)
class PdfPackage:
    path: Path
    entries: tuple[BundleEntry, ...]  # pages and start as in the PDF
    pages: int
    front_pages: int  # title page and contents
    sections: tuple[str, ...]


def package_name(shell: bool = False) -> str:
    return "bundle.shell.pdf" if shell else "bundle.pdf"


def make_pdf_package(study: Study, out_dir: Path, *, shell: bool = False, path: Path | None = None,
                     run_time: str = "", version: str = "", force: bool = False,
                     when: datetime | None = None) -> PdfPackage:
    """Write the PDF package of every output of ``study`` built in ``out_dir``. OutputError: an output not
    built (OUT012), LibreOffice missing (OUT030) or failing (OUT031), a file there tlf did not write (OUT032)."""
    from tlf.render.office import office_program, to_pdf

    out_dir = Path(out_dir)
    path = Path(path) if path else out_dir / package_name(shell)
    entries = bundle_entries(study, out_dir, shell)
    if path.exists() and not force and not is_package(path):
        raise OutputError(f"'{path}' exists and was not written by tlf; move it away or use --force to overwrite",
                          code="OUT032")
    office_program()  # before any work: a clear error when LibreOffice is missing
    with tempfile.TemporaryDirectory(prefix=".tlf-pdf-", dir=out_dir) as work_name:
        work = Path(work_name)
        pdfs = to_pdf([e.docx for e in entries], work)
        entries = [replace(e, pages=_page_count(pdfs[e.docx])) for e in entries]
        front_docx = work / "front.docx"
        placed, planned = write_front(study, entries, front_docx, shell=shell, run_time=run_time,
                                      version=version, when=when)
        front = to_pdf([front_docx], work / "front")[front_docx]
        if _page_count(front) != planned:  # LibreOffice laid out the contents on more or fewer pages
            placed, _ = write_front(study, entries, front_docx, shell=shell, run_time=run_time, version=version,
                                    when=when, shift=_page_count(front) - planned)
            front = to_pdf([front_docx], work / "front2")[front_docx]
        package = _assemble(study, front, [(e, pdfs[e.docx]) for e in placed], path, shell)
    return package


def is_package(path: Path) -> bool:
    """True when ``path`` is a PDF package tlf wrote (its document information says so)."""
    try:
        from pypdf import PdfReader

        meta = PdfReader(path).metadata or {}
    except Exception:  # not a PDF, or not readable: not ours
        return False
    return meta.get("/Subject") == PACKAGE_SUBJECT and meta.get("/Creator") == "tlf"


def _page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def _assemble(study: Study, front: Path, outputs: list[tuple[BundleEntry, Path]], path: Path,
              shell: bool) -> PdfPackage:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    front_reader = PdfReader(front)
    for page in front_reader.pages:
        writer.add_page(page)
    front_pages = len(front_reader.pages)
    sections: dict[str, object] = {}
    for entry, pdf in outputs:
        first = len(writer.pages)
        for page in PdfReader(pdf).pages:
            writer.add_page(page)
        section = section_of(entry.number)
        if section not in sections:
            sections[section] = writer.add_outline_item(title=section, page_number=first)
        title = entry.title.split("\n")[0]
        writer.add_outline_item(title=f"{entry.number}: {title}" if title else entry.number, page_number=first,
                                parent=sections[section])
    _link_contents(writer, front_reader, [e for e, _ in outputs], front_pages)
    what = "shells" if shell else "tables, listings and figures"
    writer.add_metadata({"/Title": f"{study.spec.study.id}: {what}", "/Subject": PACKAGE_SUBJECT,
                         "/Creator": "tlf", "/Producer": "tlf (LibreOffice, pypdf)"})
    writer.page_mode = "/UseOutlines"
    fd, tmp_name = tempfile.mkstemp(prefix=".tlf-bundle-", suffix=".pdf", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with tmp.open("wb") as f:
            writer.write(f)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as e:
        raise OutputError(f"cannot write the PDF package '{path}': {e.strerror or e}", code="OUT033") from None
    finally:
        tmp.unlink(missing_ok=True)
    return PdfPackage(path, tuple(e for e, _ in outputs), len(writer.pages), front_pages, tuple(sections))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _link_contents(writer, front, entries: list[BundleEntry], front_pages: int) -> None:
    """A link over each contents row (found by its output number, in order, on the front's pages after the
    title page) to its output's first page."""
    from pypdf.annotations import Link

    todo = list(entries)
    for index in range(1, front_pages):
        page = front.pages[index]
        width = float(page.mediabox.width)
        found: list[tuple[float, float, float]] = []

        def visit(text, cm, tm, _font, size, found=found) -> None:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y, float(size or 0) * (cm[3] or 1)))

        page.extract_text(visitor_text=visit)
        for text, x, y, size in found:
            if todo and text == todo[0].number:
                entry = todo.pop(0)
                rect = (x - 2, y - 0.25 * size, width - x + 2, y + size)
                writer.add_annotation(index, Link(rect=rect, target_page_index=entry.start - 1))
