"""The XLSX writer (render/xlsx_book.py), the re-dated package (render/package.py redate_package) and the
DOCX page tables written as text (render/docx_xml.py), each against an independent reading: zipfile,
openpyxl, and lxml's serialization of the elements render/docx_table.py builds."""

from __future__ import annotations

import io
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from lxml import etree

from tlf.render.package import redate_package
from tlf.render.xlsx_sheet import HEADER_LIMIT, header_footer
from tlf.tables.model import Column, Row, Table

WHEN = datetime(2026, 5, 28, 20, 26, 40, tzinfo=UTC)


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in entries.items():
            z.writestr(name, content)
    return buf.getvalue()


def test_redated_package_keeps_every_entry_and_dates_it():
    entries = {"xl/worksheets/sheet1.xml": b"<x>" + b"row " * 5000 + b"</x>", "[Content_Types].xml": b"<Types/>",
               "docProps/core.xml": b"<old/>", "_rels/.rels": b"<Relationships/>"}
    out = redate_package(_zip(entries), WHEN, {"docProps/core.xml": b"<new/>"})
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert z.testzip() is None  # every CRC checks
        infos = z.infolist()
        assert [i.filename for i in infos] == ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml",
                                               "xl/worksheets/sheet1.xml"]
        assert {i.date_time for i in infos} == {(2026, 5, 28, 20, 26, 40)}
        assert {(i.create_system, i.external_attr, i.compress_type) for i in infos} == {(0, 0, zipfile.ZIP_DEFLATED)}
        assert z.read("docProps/core.xml") == b"<new/>"
        assert {n: z.read(n) for n in entries if n != "docProps/core.xml"} == \
            {n: c for n, c in entries.items() if n != "docProps/core.xml"}
    # the big entry's deflated bytes are the input's, not deflated again
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert raw.compress(entries["xl/worksheets/sheet1.xml"]) + raw.flush() in out
    assert redate_package(_zip(entries), datetime(1970, 1, 1, tzinfo=UTC)) != out
    with zipfile.ZipFile(io.BytesIO(redate_package(_zip(entries), datetime(1970, 1, 1, tzinfo=UTC)))) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_header_cut_to_excel_limit_never_splitting_an_escaped_ampersand():
    assert header_footer("a", "b&&c", "") == "&La&Cb&&c"
    long = header_footer("L" * 50, "&&" * 200, "R" * 30)
    assert len(long) <= HEADER_LIMIT and long.startswith("&L" + "L" * 50 + "&C&&")
    centre = long.split("&C", 1)[1].split("&R", 1)[0]
    assert set(centre) == {"&"} and len(centre) % 2 == 0
    assert long.endswith("&R" + "R" * 30)


def _table(output_id: str) -> Table:
    cols = (Column("a", "Placebo", "(N=8)"), Column("b", "Drug", "(N=9)", align="decimal"))
    rows = (Row("n", ("8", "9"), 1, "data", "g"), Row("Mean", ("1.25", "10.5"), 1, "data", "g"))
    return Table(output_id=output_id, number="Table 1", titles=("T & <x>",), columns=cols, rows=rows,
                 footnotes=("http://example.org", "=SUM(A1)"), provenance="Source: test")


def test_same_time_same_bytes_and_names_made_unique(tmp_path: Path):
    from openpyxl import load_workbook

    from tlf.render.xlsx import render_xlsx

    ard = pd.DataFrame({"stat": [1.5, float("inf")], "when": pd.to_datetime(["2024-01-02 03:04:05", None]),
                        "flag": [True, False], "text": ["=1+1", "https://x.org"]})
    for name in ("a", "b"):
        render_xlsx(_table("ard"), tmp_path / f"{name}.xlsx", ard, when=WHEN)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    wb = load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == ["ard", "ARD1"]  # the output's own sheet is "ard": the ARD sheet gets a number
    assert (wb.properties.title, wb.properties.identifier, wb.properties.creator) == ("Table 1 T & <x>", "ard", "tlf")
    assert wb.properties.created == wb.properties.modified == datetime(2026, 5, 28, 20, 26, 40)
    ws = wb["ard"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "http://example.org" in texts and "=SUM(A1)" in texts  # never a link nor a formula
    assert not ws._hyperlinks
    data = wb["ARD1"]
    assert [c.value for c in data[2]] == [1.5, datetime(2024, 1, 2, 3, 4, 5), True, "=1+1"]
    assert [c.value for c in data[3]] == [None, None, False, "https://x.org"]
    assert data["B2"].number_format == "yyyy-mm-dd h:mm:ss" and data["D2"].data_type == "s"


def test_page_tables_as_text_are_the_elements_serialized():
    """PageXml's text equals lxml's serialization of table_element (the listing's header alignment applied)
    inside a document, for cells with markup characters, spaces at the ends, line breaks, control
    characters, empty cells and the rule under the last row."""
    from tlf.render.docx_page import W_NS
    from tlf.render.docx_table import table_element, table_grid
    from tlf.render.docx_xml import PageXml
    from tlf.render.listing_docx import align_headers
    from tlf.render.paginate import paginate

    cols = (Column("s", "Subject", align="left"), Column("t", "Term & <kind>", align="left"),
            Column("d", "Day", align="right"), Column("c", "Comment", align="center"))
    texts = ["a & b", " lead", "trail ", "two\nlines", "x\x07y", "crlf\r\nz", "<tag>", "é ü\u00a0", "", "\n"]
    rows = tuple(Row("", (f"S{k // 3}" if k % 3 == 0 else "", texts[k % len(texts)], str(k), texts[(k * 7) % len(texts)]),
                     0, "data", "") for k in range(90))
    table = Table(output_id="l-x", number="Listing 1", titles=("X",), columns=cols, rows=rows, kind="listing",
                  repeat_keys=1)
    grid = table_grid(table)
    aligns = [c.align for c in cols]
    writer = PageXml(table, grid, lambda tbl: align_headers(tbl, aligns))
    pages = paginate(table)
    assert len(pages) > 1
    for page in pages:
        tbl = table_element(table, page, grid)
        align_headers(tbl, aligns)
        body = etree.Element(f"{{{W_NS}}}body", nsmap={"w": W_NS})
        body.append(tbl)
        want = etree.tostring(body, encoding="unicode")[len(f'<w:body xmlns:w="{W_NS}">'):-len("</w:body>")]
        assert writer.page(page) == want


def test_figure_picture_anchored_at_one_cell_at_its_printed_width(tmp_path: Path):
    """The picture is placed at the figure's width (96 px an inch) from one cell with its own extent, so
    no reader stretches it to its own column widths; openpyxl finds it where the title block ends."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from openpyxl import load_workbook

    from tlf.figures.model import Figure
    from tlf.render.xlsx import render_xlsx

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([0, 1], [0, 1])
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=100)
    plt.close(fig)
    figure = Figure("f-1", "Figure 1", ("Title",), png.getvalue(), 4.5, 2.25, footnotes=("Note.",),
                    data_columns=("x", "y"), data_rows=((0, 0.5), (1, float("nan"))))
    render_xlsx(figure, tmp_path / "f.xlsx", when=WHEN)
    with zipfile.ZipFile(tmp_path / "f.xlsx") as z:
        drawing = z.read("xl/drawings/drawing1.xml").decode()
    assert "<xdr:twoCellAnchor" not in drawing and drawing.count("<xdr:oneCellAnchor>") == 1
    assert '<xdr:ext cx="4114800" cy="2057400"/>' in drawing  # 4.5 in x 2.25 in, in EMU (914,400 an inch)
    wb = load_workbook(tmp_path / "f.xlsx")
    [image] = wb["f-1"]._images
    assert (image.anchor._from.row, image.anchor._from.col) == (3, 0)  # below "Figure 1", "Title" and a blank row
    assert [[c.value for c in row] for row in wb["Data"].iter_rows()] == [["x", "y"], [0, 0.5], [1, None]]
