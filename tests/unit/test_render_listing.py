"""Listing renderers: a Word section per page-by group, header rows on every page, key columns refilled
after a page break, XLSX layout and records sheet; LibreOffice lays out exactly the pages planned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.office import needs_office, pdf_text, to_pdf
from tlf.listings.model import Listing, PageByGroup
from tlf.render.listing_docx import render_listing_docx
from tlf.render.listing_xlsx import DATA_SHEET, render_listing_xlsx
from tlf.render.paginate import paginate
from tlf.tables.model import Column, Row, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ARMS = ("Placebo", "Drug 10 mg")


def long_listing(subjects: int = 14, records: int = 6) -> Listing:
    """Two page-by groups of `subjects` subjects with `records` records each; keys: subject, age/sex."""
    cols = (Column("subj", "Subject", width=0.8, align="left"), Column("agesex", "Age/Sex", width=0.6, align="left"),
            Column("term", "Preferred term", width=2.0, align="left"),
            Column("start", "Start date", width=0.9, align="left"), Column("day", "Study day", width=0.5,
                                                                          align="right"),
            Column("sev", "Severity", width=0.8, align="left"))
    rows, groups = [], []
    for g, _arm in enumerate(ARMS):
        first = len(rows)
        for s in range(subjects):
            for r in range(records):
                keys = (f"{g + 1}{s + 1:02d}", f"{30 + s}/F") if r == 0 else ("", "")
                rows.append(Row("", (*keys, f"Term {s}.{r}", f"2015-01-{r + 1:02d}", str(r + 1), "Mild")))
        groups.append(PageByGroup(f"Treatment: {ARMS[g]}", first, len(rows)))
    table = Table(output_id="l-long", number="Listing 16.2.9", titles=("Long listing",), columns=cols,
                  rows=tuple(rows), population="Safety Population", footnotes=("A footnote.",),
                  provenance="Source: test", kind="listing", repeat_keys=2)
    return Listing(table, tuple(groups))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Listing, Path]:
    listing = long_listing()
    path = tmp_path_factory.mktemp("listing") / "l-long.docx"
    render_listing_docx(listing, path)
    return listing, path


def _body(path: Path):
    import docx

    return docx.Document(str(path))


def _texts(tr) -> list[str]:
    return ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.findall(f"{W}tc")]


def test_a_table_per_planned_page_with_repeated_header_rows(rendered):
    listing, path = rendered
    doc = _body(path)
    planned = [p for part in listing.parts() for p in paginate(part)]
    tables = doc.element.body.findall(f"{W}tbl")
    assert len(planned) > 4 and len(tables) == len(planned)
    for tbl, page in zip(tables, planned, strict=True):
        trs = tbl.findall(f"{W}tr")
        assert trs[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert _texts(trs[0]) == ["Subject", "Age/Sex", "Preferred term", "Start date", "Study day", "Severity"]
        assert len(trs) == 1 + len(page.rows)


def test_key_columns_on_the_first_record_of_every_page(rendered):
    listing, path = rendered
    tables = _body(path).element.body.findall(f"{W}tbl")
    broke_inside_a_subject = 0
    for tbl in tables:
        first = _texts(tbl.findall(f"{W}tr")[1])
        assert first[0] and first[1], first  # subject and age/sex printed at the top of every page
        if not first[2].endswith(".0"):
            broke_inside_a_subject += 1
    assert broke_inside_a_subject > 0  # the test does exercise a subject broken across pages
    later = [_texts(tr) for tbl in tables for tr in tbl.findall(f"{W}tr")[2:]]
    assert any(t[0] == "" for t in later)  # and keys stay blank on a subject's later rows


def test_a_section_per_page_by_group_with_its_heading(rendered):
    listing, path = rendered
    doc = _body(path)
    assert len(doc.sections) == 2
    for section, arm in zip(doc.sections, ARMS, strict=True):
        assert section.orientation == 1  # landscape
        lines = [p.text for p in section.header.paragraphs]
        assert lines[:3] == ["Listing 16.2.9", "Long listing", "Safety Population"]
        assert f"Treatment: {arm}" in "\n".join(lines)
    assert not doc.sections[0].footer.is_linked_to_previous and doc.sections[1].footer.is_linked_to_previous
    footer = doc.sections[0].footer._element
    instr = " ".join(t.text for t in footer.iter(f"{W}instrText"))
    assert "PAGE" in instr and "NUMPAGES" in instr
    cached = [t.text for t in footer.iter(f"{W}t")]
    assert str(len([p for part in listing.parts() for p in paginate(part)])) in cached
    # the second group starts a new page by its section break, not by an extra page break
    body = doc.element.body
    sect_para = body.find(f"{W}p/{W}pPr/{W}sectPr/../..")
    assert sect_para.getnext().tag == f"{W}tbl"


def test_headers_align_as_their_columns(rendered):
    _, path = rendered
    tr = _body(path).element.body.find(f"{W}tbl/{W}tr")
    jcs = [tc.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") for tc in tr.findall(f"{W}tc")]
    assert jcs == ["left", "left", "left", "left", "right", "left"]


def test_xlsx_layout_headings_and_records_sheet(tmp_path):
    import pandas as pd
    from openpyxl import load_workbook

    listing = long_listing(subjects=2, records=2)
    records = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "ASTDY": [1.0, -1.0], "AETERM": ["=1+1", "Rash"]})
    render_listing_xlsx(listing, tmp_path / "l.xlsx", records)
    wb = load_workbook(tmp_path / "l.xlsx")
    ws = wb["l-long"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "Listing 16.2.9" and rows[2][0] == "Safety Population"
    header = rows.index(["Subject", "Age/Sex", "Preferred term", "Start date", "Study day", "Severity"])
    assert ws.freeze_panes == f"A{header + 2}"
    assert rows[header + 1][0] == "Treatment: Placebo"
    assert rows[header + 2][:3] == ["101", "30/F", "Term 0.0"]
    assert rows[header + 3][:2] == [None, None]  # keys blank on the subject's later rows, as in the DOCX
    assert rows[header + 6][0] == "Treatment: Drug 10 mg"
    assert f"A{header + 2}:F{header + 2}" in {str(r) for r in ws.merged_cells.ranges}
    assert "A footnote." in [r[0] for r in rows]
    data = wb[DATA_SHEET]
    assert [c.value for c in data[1]] == ["USUBJID", "ASTDY", "AETERM"]
    assert [c.value for c in data[2]] == ["S-1", 1, "=1+1"] and data["C2"].data_type == "s"  # never a formula


def test_empty_listing_xlsx_and_docx(tmp_path):
    import docx
    from openpyxl import load_workbook

    base = long_listing(subjects=1, records=1).table
    from dataclasses import replace

    empty = Listing(replace(base, rows=()), (), no_data="No data to report")
    render_listing_docx(empty, tmp_path / "e.docx")
    render_listing_xlsx(empty, tmp_path / "e.xlsx")
    [tbl] = docx.Document(str(tmp_path / "e.docx")).tables
    assert tbl.rows[1].cells[0].text == "No data to report"
    ws = load_workbook(tmp_path / "e.xlsx").worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert "No data to report" in values


@needs_office
def test_libreoffice_lays_out_the_planned_pages(rendered, tmp_path):
    listing, path = rendered
    planned = [(part.subtitle, p) for part in listing.parts() for p in paginate(part)]
    text = pdf_text(to_pdf(path, tmp_path))
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) == len(planned)
    for i, (page_text, (heading, page)) in enumerate(zip(pages, planned, strict=True)):
        assert heading in page_text and f"Page {i + 1} of {len(planned)}" in page_text
        first = page.rows[0].cells
        assert re.search(rf"{first[0]}\s+{re.escape(first[1])}\s+{re.escape(first[2])}", page_text), (i, first)
