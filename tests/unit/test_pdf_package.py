"""`tlf bundle --pdf`: every output converted by LibreOffice into one PDF with a bookmark per output grouped
by section, a linked contents, and each output's own "Page x of y" (read back with pypdf)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import AE_YAML, DEMOG_YAML, write_study
from tests.office import HAVE_OFFICE, needs_office
from tlf.build import build
from tlf.cli import main
from tlf.review.pdf_package import is_package, section_of

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def packaged(tmp_path_factory) -> Path:
    """Three outputs in two sections, built and packaged by `tlf bundle --pdf`."""
    root = tmp_path_factory.mktemp("pdf")
    specs = write_study(root, outputs={
        "t-demog": DEMOG_YAML.replace("number: Table 1", "number: Table 14.1.1"),
        "t-ae": AE_YAML.replace("number: Table 2", "number: Table 14.3.1"),
        "t-ae2": AE_YAML.replace("number: Table 2", "number: Table 14.3.2").replace("id: t-ae", "id: t-ae2")})
    out = root / "out"
    assert build(specs, out, ["all"], formats=("docx",)).ok
    if HAVE_OFFICE:
        assert main(["bundle", "--pdf", "--specs", str(specs), "--out", str(out)]) == 0
    return out


def _outline(reader) -> list[tuple[int, str, int]]:
    """(depth, title, 0-based page) of every outline entry, in order."""
    out = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return out


def test_section_of_output_numbers() -> None:
    assert section_of("Table 14.2.3") == "14.2"
    assert section_of("Listing 16.2.7.1") == "16.2"
    assert section_of("Figure 14.1") == "14.1"


@needs_office
def test_outline_groups_outputs_by_section(packaged: Path) -> None:
    reader = pypdf.PdfReader(packaged / "bundle.pdf")
    outline = _outline(reader)
    assert [(d, t.split(":")[0]) for d, t, _ in outline] == [
        (0, "14.1"), (1, "Table 14.1.1"), (0, "14.3"), (1, "Table 14.3.1"), (1, "Table 14.3.2")]
    assert is_package(packaged / "bundle.pdf")
    # the outputs' pages follow the front (title page, contents) in order; each section opens on its first
    starts = [p for d, _, p in outline if d == 1]
    assert starts[0] >= 2 and starts == sorted(starts)
    assert [p for d, _, p in outline if d == 0] == [starts[0], starts[1]]
    pages = [page.extract_text() for page in reader.pages]
    for number, start in zip(("Table 14.1.1", "Table 14.3.1", "Table 14.3.2"), starts, strict=True):
        assert number in pages[start]
        assert re.search(r"Page 1 of \d+", pages[start])  # each output's own page numbers
    assert "Table of Contents" in pages[1]


@needs_office
def test_contents_rows_link_to_their_outputs(packaged: Path) -> None:
    reader = pypdf.PdfReader(packaged / "bundle.pdf")
    contents = reader.pages[1]
    links = [a.get_object() for a in contents.get("/Annots", []) if a.get_object()["/Subtype"] == "/Link"]
    assert len(links) == 3
    pages = [page.extract_text() for page in reader.pages]
    ids = [p.indirect_reference.idnum for p in reader.pages]
    targets = [ids.index(link["/Dest"][0].idnum) for link in links]
    for number, target in zip(("Table 14.1.1", "Table 14.3.1", "Table 14.3.2"), targets, strict=True):
        assert number in pages[target] and re.search(r"Page 1 of \d+", pages[target])
        row = next(line for line in pages[1].splitlines() if line.startswith(number))
        assert row.split()[-1] == str(target + 1)  # the page the contents prints is the page the link opens


def test_no_libreoffice_is_a_clear_error(packaged: Path, monkeypatch, capsys) -> None:
    specs = packaged.parent / "specs"
    monkeypatch.setenv("PATH", str(packaged / "no-such-bin"))
    before = sorted(p.name for p in packaged.iterdir())
    assert main(["bundle", "--pdf", "--specs", str(specs), "--out", str(packaged)]) == 2
    err = capsys.readouterr().err
    assert "LibreOffice is not installed" in err and "[OUT030]" in err
    assert sorted(p.name for p in packaged.iterdir()) == before  # nothing written


def test_a_pdf_tlf_did_not_write_is_not_overwritten(tmp_path: Path) -> None:
    specs = write_study(tmp_path)
    out = tmp_path / "out"
    assert build(specs, out, ["all"], formats=("docx",)).ok
    (out / "bundle.pdf").write_bytes(b"%PDF-1.4 mine")
    from tlf.errors import OutputError
    from tlf.review.pdf_package import make_pdf_package
    from tlf.spec.validate import load_study

    with pytest.raises(OutputError, match="OUT032|not written by tlf"):
        make_pdf_package(load_study(specs), out)
    assert (out / "bundle.pdf").read_bytes() == b"%PDF-1.4 mine"


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@needs_office
def test_docx_bundle_has_heading_levels_bookmarks_and_linked_contents(packaged: Path, tmp_path: Path) -> None:
    import docx

    from tests.office import to_pdf
    from tlf.review.bundle import planned_pages

    body = docx.Document(str(packaged / "bundle.docx")).element.body
    levels = [(int(p.find(f"{W}pPr/{W}outlineLvl").get(f"{W}val")), "".join(t.text for t in p.iter(f"{W}t")))
              for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}outlineLvl") is not None]
    assert [(lvl, text.split(":")[0]) for lvl, text in levels] == [
        (0, "14.1"), (1, "Table 14.1.1"), (0, "14.3"), (1, "Table 14.3.1"), (1, "Table 14.3.2")]
    marks = {b.get(f"{W}name"): b for b in body.iter(f"{W}bookmarkStart")}
    links = [(h.get(f"{W}anchor"), "".join(t.text for t in h.iter(f"{W}t"))) for h in body.iter(f"{W}hyperlink")]
    assert [text for _, text in links] == ["Table 14.1.1", "Table 14.3.1", "Table 14.3.2"]
    for anchor, text in links:  # each contents number links to the bookmark on its output's heading
        heading = marks[anchor].getparent()
        assert "".join(t.text for t in heading.iter(f"{W}t")).startswith(text + ":")
        nxt = heading.getnext()
        while nxt is not None and nxt.tag == f"{W}p" and nxt.find(f"{W}pPr/{W}outlineLvl") is not None:
            nxt = nxt.getnext()
        assert nxt.tag == f"{W}tbl"  # the output's first page table follows its heading
    # LibreOffice turns the heading levels into the PDF's bookmarks, and the pages stay as planned
    pdf = to_pdf(packaged / "bundle.docx", tmp_path)
    reader = pypdf.PdfReader(pdf)
    assert [(d, t.split(":")[0]) for d, t, _ in _outline(reader)] == [
        (0, "14.1"), (1, "Table 14.1.1"), (0, "14.3"), (1, "Table 14.3.1"), (1, "Table 14.3.2")]
    planned = 1 + sum(planned_pages(packaged / f"{i}.docx") for i in ("t-demog", "t-ae", "t-ae2"))
    assert len(reader.pages) == planned + 1  # the title page, the contents (one page), the outputs
