"""A 10,000-record listing (slow: `pytest -m slow`): DOCX with the header rows on each of its pages and
the key columns at the top of every page, XLSX with every record, and LibreOffice converting the DOCX
to PDF within two minutes with exactly the pages planned. Timings: benchmarks/bench_listing.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.office import needs_office, to_pdf

REPO = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ROWS = 10_000

pytestmark = pytest.mark.slow


def _bench():
    spec = importlib.util.spec_from_file_location("bench_listing", REPO / "benchmarks" / "bench_listing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from tlf.build import build

    root = tmp_path_factory.mktemp("l10k")
    specs = _bench().write_study(root / "study", ROWS)
    out = root / "out"
    report = build(specs, out, ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    return specs, out


def _planned(specs: Path):
    from tlf.build import compute_output, prepare
    from tlf.render.paginate import paginate
    from tlf.spec.validate import load_study

    study = load_study(specs)
    data, pops, _ = prepare(study)
    _, listing = compute_output(study, study.output("l-bench"), data, pops, provenance="x")
    return [p for part in listing.parts() for p in paginate(part)]


def test_docx_pages_repeat_headers_and_keys(built):
    import zipfile

    from lxml import etree

    specs, out = built
    with zipfile.ZipFile(out / "l-bench.docx") as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    tables = body.findall(f"{W}tbl")
    assert len(tables) > 100
    rows = 0
    for tbl in tables:
        trs = tbl.findall(f"{W}tr")
        assert trs[0].find(f"{W}trPr/{W}tblHeader") is not None
        first = ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in trs[1].findall(f"{W}tc")]
        assert first[0] and first[1], first  # treatment and subject at the top of every page
        rows += len(trs) - 1
    assert rows == ROWS


def test_xlsx_holds_every_record(built):
    from openpyxl import load_workbook

    _, out = built
    wb = load_workbook(out / "l-bench.xlsx", read_only=True)
    ws = wb["l-bench"]
    seqs = [r[2] for r in ws.iter_rows(values_only=True) if len(r) > 2 and str(r[2] or "").isdigit()]
    assert len(seqs) == ROWS  # the Seq column of every record
    assert sum(1 for _ in wb["Data"].iter_rows(values_only=True)) == ROWS + 1  # header + records


@needs_office
def test_libreoffice_converts_within_two_minutes_with_the_planned_pages(built, tmp_path):
    import subprocess

    specs, out = built
    pdf = to_pdf(out / "l-bench.docx", tmp_path, timeout=120)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == len(_planned(specs))
