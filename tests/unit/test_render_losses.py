"""Layout losses (issue 14): footnotes the page cannot hold are never dropped and the provenance line and
"Page x of y" are always printed; text cut to Excel's cell limit is reported; both are findings."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
from lxml import etree

from tests.office import needs_office, pdf_text, to_pdf
from tlf.render.paginate import (
    FOOTER_GAP_LINES,
    PAGE_NUMBER_LINES,
    header_row_lines,
    page_lines,
    paginate,
    title_lines,
)
from tlf.render.text_metrics import CELL_PAD, chars_per_line, text_lines
from tlf.tables.model import Column, Row, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NOTE = "a long explanation of a derivation that a reviewer must read. " * 3
PROVENANCE = "Source: ADSL; spec: t-long.yaml; tlf 1.0; run 2026-01-01T00:00"


def _table(notes: int = 20, rows: int | tuple = 30, **kw) -> Table:
    cols = tuple(Column(id=f"c{j}", label=f"Arm {j}", n_label="(N=10)") for j in range(3))
    body = rows if isinstance(rows, tuple) else tuple(
        Row(f"Row {i}", (f"{i}", f"{2 * i}", f"{3 * i}"), 0, "data", "") for i in range(rows))
    base = dict(output_id="t-long", number="Table 14.9.9", titles=("Footnotes too long",), columns=cols,
                population="Safety Population",
                footnotes=tuple(f"[{k}] Footnote {k}: {NOTE}" for k in range(1, notes + 1)), provenance=PROVENANCE)
    base.update(kw, rows=body)
    return Table(**base)


def _paragraph_texts(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    out = []
    for p in root.iter(f"{W}p"):
        out.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    return out


def _docx_parts(path: Path) -> tuple[list[str], list[str], int]:
    """(body paragraphs and cells' text, footer paragraphs' text, NUMPAGES cached value)."""
    with zipfile.ZipFile(path) as z:
        body = _paragraph_texts(z.read("word/document.xml"))
        footer = _paragraph_texts(z.read("word/footer1.xml"))
        xml = z.read("word/footer1.xml").decode()
    numpages = int(xml.split("NUMPAGES")[1].split("<w:t>")[1].split("<")[0])
    return body, footer, numpages


def test_docx_never_drops_footnotes_provenance_or_page_number(tmp_path: Path) -> None:
    from tlf.render.docx import render_docx

    table = _table()
    path = tmp_path / "t.docx"
    render_docx(table, path)
    body, footer, numpages = _docx_parts(path)
    texts = body + footer
    for note in table.footnotes:  # every footnote is printed somewhere
        assert note in texts
    assert PROVENANCE in footer and any(t.startswith("Page ") for t in footer)
    # what the page footer holds fits the page with the title block, column headers and a row
    page = table.page
    chars = chars_per_line(page.text_width + 2 * CELL_PAD, page)
    foot = FOOTER_GAP_LINES + sum(text_lines(t, chars) for t in footer if t and not t.startswith("Page ")) \
        + PAGE_NUMBER_LINES
    assert title_lines(table) + header_row_lines(table) + foot + 1 <= page_lines(page)
    # the table is not cut into one row per page to make room
    assert numpages == 2


def test_footnotes_that_fit_stay_in_the_footer(tmp_path: Path) -> None:
    from tlf.render.docx import render_docx
    from tlf.render.paginate import FOOTNOTES_AFTER, footnotes_fit

    table = _table(notes=5)
    assert footnotes_fit(table)
    render_docx(table, tmp_path / "t.docx")
    body, footer, _ = _docx_parts(tmp_path / "t.docx")
    assert all(n in footer for n in table.footnotes) and FOOTNOTES_AFTER not in footer
    assert not any(n in body for n in table.footnotes)


def test_footnotes_after_the_table_plan_their_pages() -> None:
    from tlf.render.paginate import body_budget, end_note_pages, footnotes_fit, printed_footer

    table = _table(notes=30, rows=100)
    assert not footnotes_fit(table)
    printed = printed_footer(table)
    assert printed.footnotes != table.footnotes and body_budget(table) == body_budget(printed) > 30
    pages = paginate(table)
    after = end_note_pages(printed, pages, table.footnotes)
    assert [n for p in after for n in p] == list(table.footnotes)  # all, in order
    assert len(pages) == 3 and len(after) == 3  # 2 notes under the last rows, then two pages of notes


@needs_office
def test_rendered_pdf_has_every_footnote_provenance_and_page_x_of_y(tmp_path: Path) -> None:
    from tlf.render.docx import render_docx

    table = _table(notes=30, rows=100)
    render_docx(table, tmp_path / "t.docx")
    _, _, numpages = _docx_parts(tmp_path / "t.docx")
    text = pdf_text(to_pdf(tmp_path / "t.docx", tmp_path))
    flat = " ".join(text.split())
    for k in range(1, 31):
        assert f"[{k}] Footnote {k}:" in flat
    assert flat.count(PROVENANCE) == numpages == 5
    for n in range(1, numpages + 1):
        assert f"Page {n} of {numpages}" in flat
    assert "Row 99" in flat


@needs_office
def test_listing_and_figure_footnotes_too_long(tmp_path: Path) -> None:
    from tlf.listings.model import Listing, PageByGroup
    from tlf.render.docx import render_docx
    from tlf.render.listing_docx import render_listing_docx

    rows = tuple(Row("", (f"S-{i:02d}", f"Term {i}"), 0, "data", "") for i in range(40))
    cols = (Column(id="s", label="Subject", align="left"), Column(id="t", label="Term", align="left"))
    table = _table(columns=cols, rows=rows, kind="listing")
    listing = Listing(table, (PageByGroup("Treatment: A", 0, 20), PageByGroup("Treatment: B", 20, 40)))
    render_listing_docx(listing, tmp_path / "l.docx")
    flat = " ".join(pdf_text(to_pdf(tmp_path / "l.docx", tmp_path)).split())
    for k in range(1, 21):
        assert f"[{k}] Footnote {k}:" in flat
    assert "S-39" in flat and PROVENANCE in flat and "Treatment: B" in flat

    from tlf.figures.model import Figure

    figure = Figure("f-long", "Figure 14.9.9", ("Footnotes too long",), _png(), 9.0, 5.0,
                    footnotes=tuple(f"[{k}] Footnote {k}: {NOTE}" for k in range(1, 21)), provenance=PROVENANCE)
    render_docx(figure, tmp_path / "f.docx")
    flat = " ".join(pdf_text(to_pdf(tmp_path / "f.docx", tmp_path)).split())
    for k in range(1, 21):
        assert f"[{k}] Footnote {k}:" in flat
    assert PROVENANCE in flat and "Page 1 of 3" in flat and "Page 3 of 3" in flat  # 19 notes, then 1


def test_fitting_page_is_right() -> None:
    from dataclasses import replace

    from tlf.render.paginate import fitting_page, footnotes_fit, page_room
    from tlf.render.text_metrics import line_height

    table = _table()
    height, size = fitting_page(table)
    page = table.page
    assert size is not None and size < page.font_size
    assert footnotes_fit(replace(table, page=replace(page, font_size=size)))
    assert not footnotes_fit(replace(table, page=replace(page, font_size=size + 0.5)))
    need = page_lines(page) - page_room(table)  # lines the page would have to hold
    assert height > page.size[1]
    assert int((height - 2 * page.margin) * 72 // line_height(page)) >= need
    assert int((height - 0.02 - 2 * page.margin) * 72 // line_height(page)) < need


# --- XLSX cell limit ------------------------------------------------------------------------------


def test_xlsx_cuts_are_returned_for_display_and_ard_sheets(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from tlf.render.xlsx import render_xlsx
    from tlf.render.xlsx_sheet import CELL_LIMIT, Cut

    long = "x" * 40_000
    table = _table(notes=1, rows=3, footnotes=(long,))
    ard = pd.DataFrame({"analysis": ["a", "b"], "stat_fmt": ["1.0", "y" * 33_000]})
    cuts = render_xlsx(table, tmp_path / "t.xlsx", ard)
    wb = load_workbook(tmp_path / "t.xlsx")
    assert cuts == [Cut("t-long", "A10", 40_000), Cut("ARD", "B3", 33_000)]
    assert wb["t-long"]["A10"].value == long[:CELL_LIMIT]
    assert len(wb["ARD"]["B3"].value) == CELL_LIMIT


def test_listing_xlsx_cuts(tmp_path: Path) -> None:
    from tlf.listings.model import Listing
    from tlf.render.listing_xlsx import render_listing_xlsx
    from tlf.render.xlsx_sheet import Cut

    rows = (Row("", ("S-01", "z" * 32_768), 0, "data", ""),)
    cols = (Column(id="s", label="Subject", align="left"), Column(id="t", label="Comment", align="left"))
    listing = Listing(_table(notes=0, columns=cols, rows=rows, kind="listing"))
    records = pd.DataFrame({"USUBJID": ["S-01"], "COMMENT": ["z" * 32_768]})
    cuts = render_listing_xlsx(listing, tmp_path / "l.xlsx", records)
    assert cuts == [Cut("t-long", "B6", 32_768), Cut("Data", "B2", 32_768)]


def test_figure_xlsx_cuts(tmp_path: Path) -> None:
    from tlf.figures.model import Figure
    from tlf.render.xlsx import render_xlsx
    from tlf.render.xlsx_sheet import Cut

    fig = Figure("f-1", "Figure 1", ("Title",), _png(), 4.0, 3.0, footnotes=("n" * 40_000,),
                 data_columns=("arm", "note"), data_rows=(("A", "w" * 35_000),))
    cuts = render_xlsx(fig, tmp_path / "f.xlsx")
    assert [c.sheet for c in cuts] == ["f-1", "Data"]
    assert cuts[1] == Cut("Data", "B2", 35_000) and cuts[0].length == 40_000


def _png() -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5))
    ax.plot([0, 1], [0, 1])
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=50)
    plt.close(fig)
    return png.getvalue()


def test_no_cuts_below_the_limit(tmp_path: Path) -> None:
    from tlf.render.xlsx import render_xlsx

    assert render_xlsx(_table(notes=1, rows=3, footnotes=("x" * 32_767,)), tmp_path / "t.xlsx") == []


# --- findings through the build -----------------------------------------------------------------------


def test_build_reports_layout_losses_as_findings(tmp_path: Path) -> None:
    from tests.conftest import DEMOG_YAML, write_study
    from tlf.build import build
    from tlf.errors import Finding

    notes = "".join(f"  - \"[{k}] Footnote {k}: {NOTE.strip()}\"\n" for k in range(1, 21))
    demog = DEMOG_YAML + "footnotes:\n" + notes
    specs = write_study(tmp_path, outputs={"t-demog": demog})
    out = tmp_path / "out"
    import tlf.build as build_mod

    seen: list = []
    real = build_mod._build_one

    def spy(*a, **kw):
        files, found = real(*a, **kw)
        seen.extend(found)
        return files, found

    build_mod._build_one = spy
    try:
        report = build(specs, out, ["all"])
    finally:
        build_mod._build_one = real
    assert report.ok
    findings = [f for f in seen if isinstance(f, Finding)]
    assert [f.code for f in findings] == ["FIT001"]
    text = str(findings[0])
    assert "t-demog.docx" in text and "20 footnote(s) do not fit" in text and "font_size:" in text
    assert "in high" in text and "t-demog.yaml" in text
    assert [f.code for f in report.findings] == ["FIT001"]
