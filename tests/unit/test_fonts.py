"""Pages are measured with the metrics of the font file that prints them (fontTools), the plan holds in
LibreOffice for the example outputs in two fonts of different metrics, a page font that is not installed
is a build warning (FIT003), and so is a header or cell word wider than its column (FIT004)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import STUDY_YAML, write_study
from tests.office import needs_office, pdf_text, to_pdf, to_pdfs
from tlf.build import build
from tlf.render.docx import render_docx
from tlf.render.losses import font_notes, word_break_notes
from tlf.render.paginate import paginate
from tlf.review.bundle import planned_pages
from tlf.tables.fonts import font_metrics, font_warning
from tlf.tables.model import Column, PageSetup, Row, Table

REPO = Path(__file__).resolve().parents[2]


def _installed(family: str) -> bool:
    if shutil.which("fc-list") is None:
        return False
    return family in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout


needs_liberation = pytest.mark.skipif(not _installed("Liberation Mono"), reason="fonts-liberation not installed")
needs_dejavu = pytest.mark.skipif(not _installed("DejaVu Sans Mono"), reason="DejaVu Sans Mono not installed")


@needs_liberation
def test_courier_new_is_measured_from_liberation_mono() -> None:
    m = font_metrics("Courier New")
    assert m.family == "Liberation Mono" and m.matches and m.path.endswith(".ttf")
    # Courier New's published metrics (Liberation Mono's are the same): advance 1229, ascent 1705 and
    # descent 615 font units of 2048
    assert m.char_em == 1229 / 2048
    assert m.line_em == (1705 + 615) / 2048
    assert font_warning("Courier New") == ""


@needs_dejavu
def test_another_font_is_measured_as_it_is() -> None:
    m = font_metrics("DejaVu Sans Mono")
    # DejaVu Sans Mono: advance 1233, ascent 1901, descent 483 of 2048 units (its own, wider and taller)
    assert (m.char_em, m.line_em) == (1233 / 2048, (1901 + 483) / 2048)
    wide = PageSetup(font="DejaVu Sans Mono")
    from tlf.render.text_metrics import char_width, line_height

    assert line_height(wide) > line_height(PageSetup()) and char_width(wide) > char_width(PageSetup())


def test_a_font_not_installed_is_a_warning(tmp_path: Path) -> None:
    assert "'No Such Font Zq' is not installed" in font_warning("No Such Font Zq")
    assert font_notes(["No Such Font Zq", "No Such Font Zq"])[0].endswith("[FIT003]")
    assert len(font_notes(["No Such Font Zq", "No Such Font Zq"])) == 1
    specs = write_study(tmp_path, study=STUDY_YAML + "page: {font: No Such Font Zq}\n")
    report = build(specs, tmp_path / "out", ["all"], formats=("docx",))
    assert report.ok
    warned = [w for w in report.warnings if "FIT003" in w]
    assert len(warned) == 1 and "'No Such Font Zq' is not installed" in warned[0]
    report = build(specs, tmp_path / "out2", ["all"], formats=("xlsx",))
    assert not [w for w in report.warnings if "FIT003" in w]  # an XLSX has no pages


@needs_office
@pytest.mark.parametrize("font", [pytest.param("Courier New", marks=needs_liberation),
                                  pytest.param("DejaVu Sans Mono", marks=needs_dejavu)])
def test_planned_pages_are_libreoffice_pages(tmp_path: Path, font: str) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(REPO / "specs", specs)
    study = specs / "study.yaml"
    study.write_text(study.read_text().replace("font: Courier New", f"font: {font}"))
    ids = ["t-14-2-1", "l-16-2-5-1", "t-14-5-1"]
    out = tmp_path / "out"
    report = build(specs, out, ids, data_dir=REPO / "tlf" / "examples" / "data" / "study_a",
                   formats=("docx", "rtf"))
    assert report.ok
    # the RTF is written on the same plan; one start of LibreOffice converts the outputs of a format
    pdfs = {fmt: dict(zip(ids, to_pdfs([out / f"{oid}.{fmt}" for oid in ids], tmp_path / fmt), strict=True))
            for fmt in ("docx", "rtf")}
    for oid in ids:
        planned = planned_pages(out / f"{oid}.docx")
        assert planned > 1
        for fmt in ("docx", "rtf"):
            pdf = pdfs[fmt][oid]
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
            assert int(re.search(r"Pages:\s+(\d+)", info)[1]) == planned, (font, oid, fmt)


def _narrow() -> Table:
    cols = (Column("a", "Iberdomide\n0.3 mg QD", n_label="(N=8)", width=0.95),
            Column("b", "Placebo", n_label="(N=8)", width=0.95),
            Column("c", "Total", width=0.95))
    rows = (Row("Weight", ("82.04 (13.204)", "1", "ABCDEFGHIJKLMNOP")), Row("Age", ("1", "2", "3")))
    # 4.35 in of text width: a stub 1.5 in wide, columns 0.95 in (8 characters of 0.1 in at 12 pt)
    page = PageSetup(font_size=12, orientation="portrait", margin=2.075)
    return Table(output_id="t-narrow", number="Table 1", titles=("Narrow",), columns=cols, rows=rows,
                 stub_header="", stub_width=1.5, page=page)


def test_words_wider_than_their_column_are_named() -> None:
    notes = word_break_notes(_narrow())
    assert len(notes) == 2
    head, cell = notes
    assert head.startswith("column 'Iberdomide 0.3 mg QD': the header word 'Iberdomide' (10 characters)")
    assert cell.startswith("column 'Total': the cell word 'ABCDEFGHIJKLMNOP' (16 characters)")
    assert all(n.endswith("[FIT004]") for n in notes)
    # the width named holds the word: 10 characters of 0.6 em at 12 pt plus the cell margins
    need = float(re.search(r"a column ([\d.]+) in wide", head)[1])
    assert need == pytest.approx(10 * 0.6001 * 12 / 72 + 0.1, abs=0.011)
    wide = replace(_narrow(), page=replace(_narrow().page, margin=1.0, font_size=8))
    assert word_break_notes(wide) == []  # 6.5 in of text at 8 pt: every word fits


@needs_office
def test_libreoffice_breaks_the_words_named(tmp_path: Path) -> None:
    table = _narrow()
    src = tmp_path / "t.docx"
    render_docx(table, src)
    text = pdf_text(to_pdf(src, tmp_path))
    assert len(paginate(table)) == 1
    assert "Iberdomide" not in text and "Iberdomi" in text  # broken inside the word
    assert "ABCDEFGHIJKLMNOP" not in text and "ABCDEFGH" in text
    assert "Placebo" in text and "(13.204)" in text  # words that fit (8 characters) stay whole
