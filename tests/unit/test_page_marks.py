"""Running header and watermark from study.yaml (issue 19 item 9): the DOCX header XML (a line of left,
centre and right texts on tab stops above the title block; Word's VML text watermark), the XLSX print
header, `tlf build --final` leaving the watermark out, pagination counting the extra header line (the
plan matches LibreOffice's pages), and what LibreOffice prints."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

from lxml import etree

from tests.conftest import STUDY_YAML, write_study
from tests.office import needs_office, pdf_text, to_pdf
from tlf.cli import main
from tlf.errors import SpecError
from tlf.render.docx import render_docx
from tlf.render.paginate import paginate, title_lines
from tlf.tables.model import Column, PageSetup, Row, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"

MARKED = STUDY_YAML.replace("study: {id: MINI-001, title: Mini study}",
                            'study: {id: MINI-001, title: Mini study, sponsor: "Acme & Co", cutoff: "2024-03-31"}') + \
    "running_header: {}\nwatermark: DRAFT\n"


def _header_xml(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if re.fullmatch(r"word/header\d*\.xml", n))
        return etree.fromstring(z.read(name))


def _running_line(hdr) -> str:
    """The first header paragraph's text, tabs as "|"."""
    p = hdr.find(f"{W}p")
    return "".join("|" if el.tag == f"{W}tab" else (el.text or "")
                   for el in p.iter(f"{W}t", f"{W}tab") if el.getparent().tag == f"{W}r")


def test_build_prints_running_header_and_draft(tmp_path):
    specs = write_study(tmp_path, study=MARKED)
    out = tmp_path / "out"
    assert main(["build", "all", "--specs", str(specs), "--out", str(out)]) == 0
    hdr = _header_xml(out / "t-demog.docx")
    assert _running_line(hdr) == "Protocol: MINI-001|Acme & Co|Data cut-off: 2024-03-31"
    tabs = hdr.find(f"{W}p/{W}pPr/{W}tabs")
    assert [(t.get(f"{W}val"), int(t.get(f"{W}pos"))) for t in tabs] == [("center", 9 * 720), ("right", 9 * 1440)]
    paras = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in hdr.findall(f"{W}p")]
    assert paras[1:4] == ["Table 1", "Demographics", "Safety Population"]  # the title block under it
    marks = hdr.findall(f".//{V}shape/{V}textpath")
    assert [m.get("string") for m in marks] == ["DRAFT"]
    assert "rotation:315" in hdr.find(f".//{V}shape").get("style")
    from openpyxl import load_workbook

    ws = load_workbook(out / "t-demog.xlsx").worksheets[0]
    assert ws.oddHeader.left.text == "Protocol: MINI-001"
    assert ws.oddHeader.center.text == "Acme && Co\nDRAFT"  # "&&" prints one "&"
    assert ws.oddHeader.right.text == "Data cut-off: 2024-03-31"
    # the final run: no watermark, the running header stays
    assert main(["build", "all", "--final", "--specs", str(specs), "--out", str(out)]) == 0
    hdr = _header_xml(out / "t-demog.docx")
    assert hdr.findall(f".//{V}shape") == [] and "DRAFT" not in etree.tostring(hdr).decode()
    assert _running_line(hdr).startswith("Protocol: MINI-001|")
    assert load_workbook(out / "t-demog.xlsx").worksheets[0].oddHeader.center.text == "Acme && Co"


def test_without_the_keys_nothing_changes(tmp_path):
    specs = write_study(tmp_path)
    out = tmp_path / "out"
    assert main(["build", "t-demog", "--specs", str(specs), "--out", str(out)]) == 0
    hdr = _header_xml(out / "t-demog.docx")
    assert hdr.findall(f".//{V}shape") == [] and hdr.find(f"{W}p/{W}pPr/{W}tabs") is None


def test_own_texts_and_a_bad_template(tmp_path, capsys):
    study = MARKED.replace("running_header: {}", 'running_header: {left: "{{ output_id }}", center: "", '
                                                 'right: "Confidential"}')
    specs = write_study(tmp_path, study=study)
    out = tmp_path / "out"
    assert main(["build", "t-demog", "--specs", str(specs), "--out", str(out)]) == 0
    assert _running_line(_header_xml(out / "t-demog.docx")) == "t-demog||Confidential"
    bad = write_study(tmp_path / "bad", study=MARKED.replace("running_header: {}",
                                                             'running_header: {left: "{{ study.nope.x }}"}'))
    from tlf.build import build

    report = build(bad, tmp_path / "bad-out", ["t-demog"])
    assert not report.ok
    err = report.outputs[0].error
    assert isinstance(err, SpecError) and "running_header" in str(err)
    capsys.readouterr()
    assert main(["check", "--specs", str(bad)]) == 2  # tlf check finds it too, located in study.yaml
    msg = capsys.readouterr().err
    assert "study.yaml" in msg and "running_header" in msg and "nope" in msg, msg


def _long(marks: dict) -> Table:
    rows = tuple(Row(f"Parameter {i}", (f"{i}.{i % 10}", f"{i} ({i % 9}.5)"), 0, "data", f"g{i}") for i in range(150))
    return Table("t-lab", "Table 14.3.5", ("Laboratory Values",), (Column("a", "Drug", "(N=10)"),
                 Column("b", "Placebo", "(N=9)")), rows, population="Safety", footnotes=("Note.",),
                 page=replace(PageSetup(), **marks))


def test_the_header_line_is_counted():
    plain = _long({})
    marked = _long({"running_header": ("Protocol: X", "Sponsor", "Data cut-off: 2024-03-31"), "watermark": "DRAFT"})
    assert title_lines(marked) == title_lines(plain) + 1
    assert len(paginate(marked)) >= len(paginate(plain))


def _grey_pixels(pdf: Path, tmp: Path) -> list[int]:
    """Per page: pixels of the light grey a watermark is drawn in (text is black, the page white)."""
    import subprocess

    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp / "pg")], check=True)
    counts = []
    for png in sorted(tmp.glob("pg-*.png")):
        img = Image.open(png).convert("L")
        counts.append(sum(img.histogram()[200:241]))
    return counts


@needs_office
def test_libreoffice_prints_them_on_every_planned_page(tmp_path):
    """Every page LibreOffice makes has the running header line and the grey DRAFT across it (the pages of
    the same table without a watermark have next to no grey), and the plan's page count."""
    marks = {"running_header": ("Protocol: X-1", "Acme", "Data cut-off: 2024-03-31")}
    grey_of: dict[str, list[int]] = {}
    for name, extra in (("plain", {}), ("draft", {"watermark": "DRAFT"})):
        table = _long({**marks, **extra})
        (tmp_path / name).mkdir()
        path = tmp_path / name / "t-lab.docx"
        render_docx(table, path)
        pdf = to_pdf(path, tmp_path / name)
        pages = [p for p in pdf_text(pdf).split("\f") if p.strip()]
        assert len(pages) == len(paginate(table))  # the plan counts the header line
        for k, page in enumerate(pages, 1):
            assert re.search(r"Protocol: X-1\s+Acme\s+Data cut-off: 2024-03-31", page), page[:300]
            assert f"Page {k} of {len(pages)}" in page
        grey_of[name] = _grey_pixels(pdf, tmp_path / name)
        assert len(grey_of[name]) == len(pages)
    assert min(grey_of["draft"]) > 3 * max(grey_of["plain"]), grey_of
