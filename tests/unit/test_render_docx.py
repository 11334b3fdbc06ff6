"""DOCX rendering, read back with python-docx (and, when available, LibreOffice + pdftotext)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Inches, Pt

from tests.office import needs_office, pdf_text, to_pdf
from tlf.render.docx import render_docx
from tlf.render.docx_table import grid_twips
from tlf.render.paginate import CONTINUED, paginate
from tlf.tables.model import Column, PageSetup, Row, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
ARMS = [
    ("Placebo", "Dose escalation"),
    ("Drug 10 mg", "Dose escalation"),
    ("Drug 30 mg", "Dose escalation"),
    ("Drug 100 mg", "Dose escalation"),
    ("Drug 30 mg\nQD", "Extension"),
    ("Drug 100 mg\nQD", "Extension"),
    ("Total", "Extension"),
]


def _columns(align: str = "center") -> tuple[Column, ...]:
    return tuple(
        Column(
            id=f"c{j}", label=label, n_label=f"(N={10 + j})", spanner=span, align="right" if j == 6 else align
        )
        for j, (label, span) in enumerate(ARMS)
    )


def _demo(align: str = "center") -> Table:
    rows = [Row("Age (years)", ("",) * 7, 0, "group", "age")]
    stats = [
        ("n", "{j}"),
        ("Mean (SD)", "4{j}.5 (1{j}.25)"),
        ("Median", "4{j}.0"),
        ("Min, Max", "2{j}, 7{j}"),
    ]
    rows += [Row(lab, tuple(v.format(j=j) for j in range(7)), 1, "data", "age") for lab, v in stats]
    rows.append(Row("", ("",) * 7, 0, "blank", "age"))
    rows.append(Row("Sex, n (%)", ("",) * 7, 0, "group", "sex"))
    rows += [
        Row(lab, tuple(f"{j + k} ({j}{k}.5)" for j in range(7)), 1, "data", "sex")
        for k, lab in enumerate(["Female", "Male"])
    ]
    rows.append(Row('Escaping <&> "quotes"\x07', ("a<b", "x&y", "", "", "", "", "0"), 2))
    return Table(
        output_id="t-14-1-1",
        number="Table 14.1.1",
        titles=("Demographic Characteristics",),
        population="Safety Population",
        subtitle="Study ABC, cut-off 2025-01-31",
        columns=_columns(align),
        rows=tuple(rows),
        stub_header="Characteristic",
        footnotes=("Note one.", "Note two.", "Note three."),
        provenance="Source: ADSL; tlf 0.1.0",
    )


def _long() -> Table:
    rows = []
    for g in range(12):
        rows.append(Row(f"SOC {g}", tuple(f"{g} ({g}.0)" for _ in range(7)), 0, "data", f"g{g}"))
        rows += [
            Row(f"PT {g}.{k}", tuple(f"{k} ({k}.5)" for _ in range(7)), 1, "data", f"g{g}")
            for k in range(5 + 6 * (g % 5))
        ]
    return replace(_demo(), rows=tuple(rows[:300]))


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "t-14-1-1.docx"
    render_docx(_demo(), path)
    return path


@pytest.fixture(scope="module")
def long_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "t-14-3-1.docx"
    render_docx(_long(), path)
    return path


def _tables(path: Path) -> list:
    return docx.Document(str(path)).element.body.findall(f"{W}tbl")


def _cell_texts(tr) -> list[str]:
    """Text of each w:tc of a row, with line breaks as "\\n"."""
    out = []
    for tc in tr.findall(f"{W}tc"):
        parts = []
        for el in tc.iter(f"{W}t", f"{W}br"):
            parts.append("\n" if el.tag == f"{W}br" else el.text or "")
        out.append("".join(parts))
    return out


def _expected(row: Row) -> list[str]:
    strip = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
    return [strip.sub("", row.label), *row.cells]


def test_page_setup_landscape_letter_with_margins(demo_path: Path) -> None:
    sec = docx.Document(str(demo_path)).sections[0]
    assert sec.orientation == WD_ORIENT.LANDSCAPE
    assert (sec.page_width, sec.page_height) == (Inches(11), Inches(8.5))
    assert sec.left_margin == sec.right_margin == sec.top_margin == sec.bottom_margin == Inches(1)


def test_a4_portrait(tmp_path: Path) -> None:
    path = tmp_path / "a4.docx"
    render_docx(replace(_demo(), page=PageSetup(paper="a4", orientation="portrait")), path)
    sec = docx.Document(str(path)).sections[0]
    assert sec.orientation == WD_ORIENT.PORTRAIT
    assert (sec.page_width.mm, sec.page_height.mm) == pytest.approx((210, 297), abs=0.05)


def test_font_set_in_document_styles(demo_path: Path) -> None:
    doc = docx.Document(str(demo_path))
    styles = doc.styles.element
    fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        assert fonts.get(f"{W}{attr}") == "Courier New"
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}sz").get(f"{W}val") == "18"
    normal = doc.styles["Normal"]
    assert normal.font.name == "Courier New" and normal.font.size == Pt(9)
    fmt = normal.paragraph_format
    assert fmt.space_before == 0 and fmt.space_after == 0 and fmt.line_spacing == 1.0


def test_titles_centred_in_header(demo_path: Path) -> None:
    header = docx.Document(str(demo_path)).sections[0].header
    texts = [p.text for p in header.paragraphs]
    assert texts == [
        "Table 14.1.1",
        "Demographic Characteristics",
        "Safety Population",
        "Study ABC, cut-off 2025-01-31",
        "",
    ]
    assert all(p.alignment == 1 for p in header.paragraphs)  # WD_ALIGN_PARAGRAPH.CENTER


def test_footer_has_footnotes_provenance_and_page_fields(demo_path: Path) -> None:
    footer = docx.Document(str(demo_path)).sections[0].footer
    texts = [p.text for p in footer.paragraphs]
    assert texts[:5] == ["", "Note one.", "Note two.", "Note three.", "Source: ADSL; tlf 0.1.0"]
    last = footer.paragraphs[-1]
    assert last.alignment == 2  # right
    instr = " ".join(t.text for t in last._p.iter(f"{W}instrText"))
    assert "PAGE" in instr.split() and "NUMPAGES" in instr.split()
    assert last.text.startswith("Page 1 of 1")


def test_one_table_per_page_with_page_breaks(long_path: Path) -> None:
    pages = paginate(_long())
    tables = _tables(long_path)
    assert len(pages) > 3 and len(tables) == len(pages)
    body = docx.Document(str(long_path)).element.body
    breaks = body.findall(f"{W}p/{W}pPr/{W}pageBreakBefore")
    assert len(breaks) == len(pages) - 1
    footer = docx.Document(str(long_path)).sections[0].footer
    assert footer.paragraphs[-1].text == f"Page 1 of {len(pages)}"


def test_header_rows_repeat_and_rows_do_not_split(long_path: Path) -> None:
    for tbl in _tables(long_path):
        trs = tbl.findall(f"{W}tr")
        assert [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in trs[:3]] == [True, True, False]
        assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in trs)


def test_spanners_span_their_columns(demo_path: Path) -> None:
    spanner_row = _tables(demo_path)[0].findall(f"{W}tr")[0]
    tcs = spanner_row.findall(f"{W}tc")
    assert _cell_texts(spanner_row) == ["", "Dose escalation", "Extension"]
    spans = [tc.find(f"{W}tcPr/{W}gridSpan") for tc in tcs]
    assert [None if s is None else s.get(f"{W}val") for s in spans] == [None, "4", "3"]
    # the rule under a spanner is a paragraph border: it stops short of the neighbour spanner
    assert [tc.find(f"{W}p/{W}pPr/{W}pBdr/{W}bottom") is not None for tc in tcs] == [False, True, True]


def test_column_headers_label_then_n(demo_path: Path) -> None:
    header_row = _tables(demo_path)[0].findall(f"{W}tr")[1]
    texts = _cell_texts(header_row)
    assert texts[0] == "Characteristic"
    assert texts[1] == "Placebo\n(N=10)"
    assert texts[5] == "Drug 30 mg\nQD\n(N=14)"
    jcs = [tc.find(f"{W}p/{W}pPr/{W}jc") for tc in header_row.findall(f"{W}tc")]
    assert jcs[0] is None and all(j.get(f"{W}val") == "center" for j in jcs[1:])


def test_every_cell_text_in_order(long_path: Path, demo_path: Path) -> None:
    for table, path in ((_long(), long_path), (_demo(), demo_path)):
        for page, tbl in zip(paginate(table), _tables(path), strict=True):
            body = tbl.findall(f"{W}tr")[2:]
            assert [_cell_texts(tr) for tr in body] == [_expected(r) for r in page.rows]


def test_continued_label_on_later_pages(long_path: Path) -> None:
    firsts = [_cell_texts(tbl.findall(f"{W}tr")[2])[0] for tbl in _tables(long_path)]
    assert any(f.endswith(CONTINUED) for f in firsts[1:])


def test_escaping_and_control_characters(demo_path: Path) -> None:
    last = _tables(demo_path)[0].findall(f"{W}tr")[-1]
    assert _cell_texts(last)[:3] == ['Escaping <&> "quotes"', "a<b", "x&y"]


def test_indentation_and_alignment(demo_path: Path) -> None:
    trs = _tables(demo_path)[0].findall(f"{W}tr")[2:]

    def ind(tr) -> tuple[str | None, str | None]:
        el = tr.find(f"{W}tc/{W}p/{W}pPr/{W}ind")
        return el.get(f"{W}left"), el.get(f"{W}hanging")

    assert ind(trs[0]) == ("216", "216")  # level 0: wrapped lines hang one level
    assert ind(trs[1]) == ("432", "216")  # level 1 = 0.15 in more
    assert ind(trs[-1]) == ("648", "216")
    jc = [tc.find(f"{W}p/{W}pPr/{W}jc") for tc in trs[1].findall(f"{W}tc")]
    assert jc[0] is None  # stub left
    assert [j.get(f"{W}val") for j in jc[1:]] == ["center"] * 6 + ["right"]


def test_rules_top_under_header_and_under_last_row(demo_path: Path) -> None:
    trs = _tables(demo_path)[0].findall(f"{W}tr")

    def sides(tr, side: str) -> list[bool]:
        return [tc.find(f"{W}tcPr/{W}tcBorders/{W}{side}") is not None for tc in tr.findall(f"{W}tc")]

    assert all(sides(trs[0], "top")) and all(sides(trs[1], "bottom"))
    assert all(sides(trs[-1], "bottom"))
    assert not any(sides(trs[2], "bottom")) and not any(sides(trs[3], "top"))
    tbl_borders = _tables(demo_path)[0].find(f"{W}tblPr/{W}tblBorders")
    assert {b.get(f"{W}val") for b in tbl_borders} == {"nil"}  # no vertical lines


def test_grid_fixed_and_scaled_to_text_width(demo_path: Path) -> None:
    tbl = _tables(demo_path)[0]
    grid = [int(g.get(f"{W}w")) for g in tbl.findall(f"{W}tblGrid/{W}gridCol")]
    assert grid == grid_twips(_demo())
    assert sum(grid) == 9 * 1440 and len(grid) == 8
    assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    body_tr = tbl.findall(f"{W}tr")[2]
    widths = [int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) for tc in body_tr.findall(f"{W}tc")]
    assert widths == grid


def test_empty_table_renders(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    render_docx(replace(_demo(), rows=()), path)
    assert len(_tables(path)) == 1


@needs_office
def test_libreoffice_pdf_pages_as_planned(tmp_path: Path) -> None:
    table = _long()
    src = tmp_path / "t-14-3-1.docx"
    render_docx(table, src)
    text = pdf_text(to_pdf(src, tmp_path))
    pages = paginate(table)
    assert "Demographic Characteristics" in text
    assert "PT 3.4" in text and "4 (4.5)" in text
    assert "Page 1 of" in text
    # LibreOffice lays out exactly the pages the paginator planned: none overflows
    assert text.count("\f") in (len(pages), len(pages) + 1)
    assert f"Page {len(pages)} of {len(pages)}" in text
    assert re.findall(r"Page (\d+) of", text) == [str(i + 1) for i in range(len(pages))]


def test_listing_without_row_labels_has_no_stub(tmp_path: Path) -> None:
    cols = tuple(Column(id=c, label=c.upper(), align="left") for c in ("trt", "subj", "date"))
    rows = tuple(Row("", ("Drug", f"S-{i}", f"2024-01-0{i + 1}")) for i in range(3))
    listing = Table(
        output_id="l-16-2-1",
        number="Listing 16.2.1",
        titles=("Subjects",),
        columns=cols,
        rows=rows,
        kind="listing",
    )
    path = tmp_path / "l.docx"
    render_docx(listing, path)
    tbl = _tables(path)[0]
    assert len(tbl.findall(f"{W}tblGrid/{W}gridCol")) == 3
    trs = tbl.findall(f"{W}tr")
    assert _cell_texts(trs[0]) == ["TRT", "SUBJ", "DATE"]
    assert [_cell_texts(tr) for tr in trs[1:]] == [list(r.cells) for r in rows]
