"""RTF rendering on the DOCX's page plan: read back as text, and (when available) through LibreOffice."""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path

from tests.office import needs_office, pdf_text, to_pdf
from tests.unit.test_render_docx import _demo, _long
from tlf.figures.model import Figure
from tlf.listings.model import Listing, PageByGroup
from tlf.render.paginate import CONTINUED, paginate
from tlf.render.rtf import render_listing_rtf, render_rtf
from tlf.render.rtf_page import escape
from tlf.tables.model import Column, Row, Table


def _png(width: int = 40, height: int = 20) -> bytes:
    """A small grey PNG, written by hand (no renderer involved)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _listing(groups: int = 2, per_group: int = 70) -> Listing:
    cols = tuple(Column(id=c, label=c.upper(), align="left") for c in ("subj", "visit", "value"))
    rows = tuple(Row("", (f"S-{g}{i:03d}", f"Day {i}", f"{i}.5")) for g in range(groups) for i in range(per_group))
    table = Table(output_id="l-16-2-9", number="Listing 16.2.9", titles=("Values",), columns=cols, rows=rows,
                  kind="listing", footnotes=("A note.",), provenance="Source: ADLB")
    heads = tuple(PageByGroup(f"Treatment: Arm {g}", g * per_group, (g + 1) * per_group) for g in range(groups))
    return Listing(table, heads)


def _figure() -> Figure:
    return Figure(output_id="f-14-9", number="Figure 14.9", titles=("A picture",), png=_png(), width=6.0,
                  height=3.0, footnotes=("Figure note.",), provenance="Source: ADEFF")


def test_escape_braces_backslash_unicode_and_controls() -> None:
    assert escape("a{b}c\\d") == "a\\{b\\}c\\\\d"
    assert escape("\u2265 1\u00b5g") == "\\u8805? 1\\u181?g"
    assert escape("\U0001f600") == "\\u-10179?\\u-8704?"  # a surrogate pair, as signed 16-bit units
    assert escape("x\x07y\nz") == "xy\\line z"


def test_one_page_break_per_planned_page_and_header_rows_on_each(tmp_path: Path) -> None:
    table = _long()
    path = tmp_path / "t.rtf"
    render_rtf(table, path)
    text = path.read_text(encoding="ascii")
    pages = paginate(table)
    assert len(pages) > 3
    assert text.count("\\pagebb") == len(pages) - 1
    # two header rows (spanners, column labels) at the top of every page's table
    assert text.count("\\trhdr") == 2 * len(pages)
    assert f"{{\\fldrslt {len(pages)}}}" in text  # NUMPAGES' cached value
    assert text.count("\\row") == 2 * len(pages) + sum(len(p.rows) for p in pages)
    assert text.startswith("{\\rtf1\\ansi") and text.rstrip().endswith("}")
    assert text.count("{") - text.count("\\{") == text.count("}") - text.count("\\}")


def test_same_bytes_for_same_table_and_time(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    when = datetime(2025, 1, 31, 12, 0, tzinfo=UTC)
    a, b = tmp_path / "a.rtf", tmp_path / "b.rtf"
    render_rtf(_demo(), a, when=when)
    render_rtf(_demo(), b, when=when)
    assert a.read_bytes() == b.read_bytes()
    assert b"\\creatim\\yr2025\\mo1\\dy31\\hr12\\min0" in a.read_bytes()


def test_figure_embeds_the_png(tmp_path: Path) -> None:
    path = tmp_path / "f.rtf"
    fig = _figure()
    render_rtf(fig, path)
    text = path.read_text(encoding="ascii")
    blob = re.search(r"\\pngblip\\picw(\d+)\\pich(\d+)\\picwgoal(\d+)\\pichgoal(\d+)\s*([0-9a-f\s]+)\}", text)
    assert blob and (blob[1], blob[2]) == ("40", "20")
    assert bytes.fromhex(re.sub(r"\s", "", blob[5])) == fig.png


@needs_office
def test_libreoffice_lays_out_the_planned_pages(tmp_path: Path) -> None:
    table = _long()
    src = tmp_path / "t-14-3-1.rtf"
    render_rtf(table, src)
    pdf = to_pdf(src, tmp_path)
    pages = paginate(table)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) == len(pages)
    texts = pdf_text(pdf).split("\f")
    for n in range(len(pages)):
        page = texts[n]
        assert "Table 14.1.1" in page and "Demographic Characteristics" in page  # title block
        assert "Characteristic" in page and "(N=10)" in page and "Dose escalation" in page  # column headers
        assert "Note three." in page and "Source: ADSL" in page  # footnotes, provenance
        assert f"Page {n + 1} of {len(pages)}" in page
        assert pages[n].rows[-1].label in page  # the page's last planned row is on it
    continued = [n for n, p in enumerate(pages) if p.rows[0].label.endswith(CONTINUED)]
    assert continued and all(CONTINUED.strip() in texts[n] for n in continued)


@needs_office
def test_libreoffice_listing_sections_and_figure(tmp_path: Path) -> None:
    listing = _listing()
    src = tmp_path / "l.rtf"
    render_listing_rtf(listing, src)
    planned = [len(paginate(part)) for part in listing.parts()]
    texts = [t for t in pdf_text(to_pdf(src, tmp_path)).split("\f") if t.strip()]
    total = sum(planned)
    assert len(texts) == total
    heads = [f"Treatment: Arm {g}" for g, n in enumerate(planned) for _ in range(n)]
    for n, (page, head) in enumerate(zip(texts, heads, strict=True)):
        assert head in page and "SUBJ" in page and f"Page {n + 1} of {total}" in page
    fig = tmp_path / "f.rtf"
    render_rtf(_figure(), fig)
    pdf = to_pdf(fig, tmp_path)
    assert "Figure 14.9" in pdf_text(pdf) and "Page 1 of 1" in pdf_text(pdf)
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 3  # two header lines, one picture


def test_empty_listing_prints_no_data(tmp_path: Path) -> None:
    listing = replace(_listing(), groups=())
    empty = Listing(replace(listing.table, rows=()))
    path = tmp_path / "e.rtf"
    render_listing_rtf(empty, path)
    assert "No data to report" in path.read_text(encoding="ascii")


def test_build_writes_rtf(mini: Path, tmp_path: Path) -> None:
    from tlf.build import build
    from tlf.cli import main

    report = build(mini, tmp_path / "out", ["all"], formats=("rtf",))
    assert report.ok
    files = sorted((tmp_path / "out").glob("*.rtf"))
    assert [f.name for f in files] == ["t-ae.rtf", "t-demog.rtf"]
    assert all(f.read_bytes().startswith(b"{\\rtf1") for f in files)
    assert not list((tmp_path / "out").glob("*.docx"))
    assert 'href="t-demog.rtf"' in (tmp_path / "out" / "index.html").read_text()  # the review index links it
    assert main(["build", "all", "--specs", str(mini), "--out", str(tmp_path / "o2"), "--format", "rtf,pdfx"]) == 2
