"""The review package: the combined DOCX (title page, contents, every output keeping its own sections,
headers and footers) and output/index.html (statuses, links, thumbnails), opened in LibreOffice and
headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.conftest import AE_YAML, DEMOG_YAML, STUDY_YAML, shared_copy, write_study
from tests.office import needs_office, pdf_text, to_pdf
from tlf.build import build
from tlf.cli import main
from tlf.errors import OutputError
from tlf.review.bundle import make_bundle, output_order, planned_pages
from tlf.review.index import INDEX, write_index
from tlf.spec.validate import load_study

REPO = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STUDY_A = load_study(REPO / "specs")
ORDER = [e.id for e in sorted(STUDY_A.outputs, key=output_order)]  # by number: tables 14.x, figures, listings
CHROMIUM = next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)


@pytest.fixture(scope="module")
def out(tmp_path_factory, study_a_build) -> Path:
    """Study A built (outputs and shells) and bundled, as `tlf build all; tlf shells; tlf bundle` do."""
    # `tlf build all` of study A: a copy of the one build shared by the modules that read it (tests/conftest.py)
    out = shared_copy(study_a_build, tmp_path_factory.mktemp("review") / "out")
    assert build(REPO / "specs", out, ["all"], shell=True).ok
    assert main(["bundle", "--specs", str(REPO / "specs"), "--out", str(out)]) == 0
    assert main(["bundle", "--shell", "--specs", str(REPO / "specs"), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def fig_out(tmp_path_factory) -> Path:
    """A small study with two tables and a figure between them (by number), built, shelled and bundled."""
    from tests.unit.test_figures import ADVS, FIGURE

    root = tmp_path_factory.mktemp("figs")
    study = STUDY_YAML.replace("    adae: {file: adae.csv}", "    adae: {file: adae.csv}\n    advs: {file: advs.csv}")
    specs = write_study(root, study=study, outputs={
        "f-1": FIGURE.replace("number: Figure 1", "number: Figure 14.2.1"),
        "t-demog": DEMOG_YAML.replace("number: Table 1", "number: Table 14.1.1"),
        "t-ae": AE_YAML.replace("number: Table 2", "number: Table 14.3.1")})
    (specs / "data" / "advs.csv").write_text(ADVS)
    out = root / "out"
    assert build(specs, out, ["all"]).ok and build(specs, out, ["all"], shell=True).ok
    for extra in ([], ["--shell"]):
        assert main(["bundle", "--specs", str(specs), "--out", str(out), *extra]) == 0
    return out


def _doc(path: Path):
    import docx

    return docx.Document(str(path))


# --- the bundle -----------------------------------------------------------------------------------------


def test_bundle_order_contents_and_start_pages(out):
    study = load_study(REPO / "specs")
    bundle = make_bundle(study, out)
    assert [e.output_id for e in bundle.entries] == ORDER
    numbers = [e.number for e in bundle.entries]
    assert numbers[0] == "Table 14.1.1"
    assert numbers[-5:] == [f"Listing 16.2.{n}" for n in ("1.1", "5.1", "7.1", "7.2", "7.3")]
    at = numbers.index("Figure 14.2.1")  # a section's tables, then its figures, then the next section
    assert numbers[at - 1] == "Table 14.2.7" and numbers[at + 1] == "Table 14.3.1"
    start = bundle.entries[0].start
    doc = _doc(bundle.path)
    contents_pages = sum(1 for t in doc.tables  # the contents is one table per page, its header repeated
                         if [c.text for c in t.rows[0].cells] == ["Output", "Title", "Population", "Page"])
    assert contents_pages >= 1 and start == 2 + contents_pages  # title page, then the contents
    for e in bundle.entries:
        assert e.start == start and e.pages == planned_pages(out / f"{e.output_id}.docx")
        start += e.pages
    assert bundle.pages == start - 1
    contents = [[c.text for c in r.cells] for t in doc.tables[:contents_pages] for r in t.rows]
    assert contents[0] == ["Output", "Title", "Population", "Page"]
    body = [r for r in contents if r != ["Output", "Title", "Population", "Page"]]
    assert [r[0] for r in body] == [study.output(i).spec.number for i in ORDER]
    assert [int(r[3]) for r in body] == [e.start for e in bundle.entries]
    assert contents[1][1] == "Patient Disposition and Baseline Characteristics"
    assert doc.core_properties.identifier == "bundle"


def test_bundle_outputs_keep_their_sections_headers_and_footers(out):
    doc = _doc(out / "bundle.docx")
    sections = doc.sections
    own = {oid: _doc(out / f"{oid}.docx").sections for oid in ORDER}
    assert len(sections) == 2 + sum(len(own[oid]) for oid in ORDER)  # title page, contents, then each output's
    assert all(s.orientation == 1 for s in sections)  # landscape throughout
    assert not sections[0].header._has_definition and not sections[0].footer._has_definition  # title page
    heads = [[p.text for p in s.header.paragraphs] for s in sections[1:]]
    expected = [["Table of Contents", f"{STUDY_A.spec.study.id}: Outputs", ""]]
    for oid in ORDER:
        expected += [[p.text for p in s.header.paragraphs] for s in own[oid]]
    assert heads == expected  # every section keeps its own title block
    at = 2 + sum(len(own[oid]) for oid in ORDER[: ORDER.index("l-16-2-7-1")])
    groups = [s.header.paragraphs[3].text for s in sections[at:at + 5]]
    assert groups[0] == "Treatment: Placebo" and len(set(groups)) == 5  # page-by groups of 16.2.7.1
    for s in sections[1:]:
        footer = s.footer._element
        instr = " ".join(t.text for t in footer.iter(f"{W}instrText"))
        assert "PAGE" in instr and "NUMPAGES" in instr
    t1 = " ".join(p.text for p in sections[2].footer.paragraphs)
    assert "Percentages are of the patients in each column" in t1
    l1 = " ".join(p.text for p in sections[at].footer.paragraphs)
    assert "TEAE = treatment-emergent adverse event" in l1 and "Percentages" not in l1
    pictures = sum(len(_doc(out / f"{oid}.docx").inline_shapes) for oid in ORDER)
    assert pictures >= 3 and len(doc.inline_shapes) == pictures  # every figure's picture came along


def test_listing_fonts_survive_the_bundle(out):
    doc = _doc(out / "bundle.docx")
    body = doc.element.body
    tables = body.findall(f"{W}tbl")
    sizes = []
    for tbl in tables:
        first = tbl.find(f".//{W}r/{W}rPr/{W}sz")
        sizes.append(first.get(f"{W}val") if first is not None else None)
    assert "18" in sizes and "16" in sizes  # 9 pt tables, 8 pt listings (as the specs set)
    assert None not in sizes


@needs_office
def test_bundle_pages_in_libreoffice(out, tmp_path):
    study = load_study(REPO / "specs")
    bundle = make_bundle(study, out, path=tmp_path / "b.docx")
    pages = [p for p in pdf_text(to_pdf(bundle.path, tmp_path)).split("\f") if p.strip()]
    assert len(pages) == bundle.pages
    assert "Tables, Listings and Figures" in pages[0] and "CC-220-SLE-001" in pages[0]
    assert "Table of Contents" in pages[1] and f"Page 2 of {bundle.pages}" in pages[1]
    for e in bundle.entries:
        page = pages[e.start - 1]
        assert e.number in page and f"Page {e.start} of {bundle.pages}" in page, (e.output_id, e.start)
    after = next(e for e in bundle.entries if e.output_id == "l-16-2-7-2")
    assert "Treatment: Iberdomide 0.6 mg QD" in pages[after.start - 2]  # 16.2.7.1's last page-by group


def test_shell_bundle(out):
    doc = _doc(out / "bundle.shell.docx")
    text = " ".join(p.text for p in doc.paragraphs)
    assert "Shells of Tables, Listings and Figures" in text
    assert "xx (xx.x)" in " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)


def test_bundle_needs_every_output_built(tmp_path):
    specs = write_study(tmp_path)
    out = tmp_path / "out"
    assert build(specs, out, ["t-ae"]).ok
    with pytest.raises(OutputError, match=r"no DOCX in .* for t-demog; run `tlf build all` first") as e:
        make_bundle(load_study(specs), out)
    assert e.value.code == "OUT012"
    assert main(["bundle", "--specs", str(specs), "--out", str(out)]) == 2


def test_bundle_never_overwrites_a_file_tlf_did_not_write(tmp_path):
    specs = write_study(tmp_path)
    out = tmp_path / "out"
    assert build(specs, out, ["all"]).ok
    (out / "bundle.docx").write_text("the user's own file")
    with pytest.raises(OutputError, match="was not written by tlf"):
        make_bundle(load_study(specs), out)
    assert (out / "bundle.docx").read_text() == "the user's own file"
    make_bundle(load_study(specs), out, force=True)
    make_bundle(load_study(specs), out)  # a bundle tlf wrote is replaced without --force
    assert not [p for p in out.iterdir() if p.name.startswith(".tlf-")]


def test_figures_take_their_place_in_the_bundle_and_the_index(fig_out):
    for name, pictures in (("bundle.docx", 1), ("bundle.shell.docx", 1)):
        doc = _doc(fig_out / name)
        contents = [[c.text for c in r.cells] for r in doc.tables[0].rows][1:]
        assert [r[0] for r in contents] == ["Table 14.1.1", "Figure 14.2.1", "Table 14.3.1"]
        assert [r[3] for r in contents] == ["3", "4", "5"]
        assert len(doc.inline_shapes) == pictures  # the figure's picture came along
        assert [s.header.paragraphs[0].text for s in doc.sections[1:]] == [
            "Table of Contents", "Table 14.1.1", "Figure 14.2.1", "Table 14.3.1"]
    page = _parse((fig_out / INDEX).read_text())
    assert page.rows == ["t-demog", "f-1", "t-ae"]
    assert "thumbs/f-1.png" in page.links
    from PIL import Image

    assert Image.open(fig_out / "thumbs" / "f-1.png").size[0] > 500  # the figure itself, not an icon


# --- the index -------------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.rows: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a":
            self.links.append(a["href"])
        if tag == "img":
            self.links.append(a["src"])
        if tag == "tr" and a.get("id"):
            self.rows.append(a["id"])
        if tag == "script":
            self.scripts += 1


def _parse(html: str) -> _Links:
    p = _Links()
    p.feed(html)
    return p


def test_index_lists_every_output_with_status_and_links(out):
    html = (out / INDEX).read_text()
    page = _parse(html)
    assert page.rows == ORDER
    for href in page.links:
        assert (out / unquote(href)).is_file(), href
    for oid in ORDER:
        assert f"{oid}.docx" in page.links and f"{oid}.xlsx" in page.links and f"{oid}.shell.docx" in page.links
    assert "t-14-1-1.ard.csv" in page.links and "l-16-2-7-1.data.csv" in page.links
    assert "bundle.docx" in page.links and "bundle.shell.docx" in page.links
    assert html.count('class="status built"') == 2 * len(ORDER)
    assert re.search(rf"Last output build</strong>:\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC, [\d.]+ s; {len(ORDER)} built",
                     html)
    figures = [oid for oid in ORDER if STUDY_A.output(oid).spec.type == "figure"]
    assert figures and all(f"thumbs/{oid}.png" in page.links for oid in figures)  # a thumbnail of each figure


def test_index_shows_failures_and_skips_escaped(tmp_path):
    bad = """\
id: l-bad
type: listing
number: Listing 16.2.9
title: "Broken <script>alert(1)</script> & co"
population: SAF
dataset: adae
columns: [{var: AEDECD, label: Term}]
"""
    specs = write_study(tmp_path, outputs={"t-ae": (REPO / "tests" / "conftest.py").read_text().split(
        'AE_YAML = """\\\n')[1].split('"""')[0], "l-bad": bad})
    out = tmp_path / "out"
    report = build(specs, out, ["all"])
    assert [o.status for o in report.outputs] == ["failed", "built"]
    html = (out / INDEX).read_text()
    page = _parse(html)
    assert page.scripts == 0 and "<script>alert" not in html
    assert "Broken &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert 'class="status failed"' in html and "variable &#39;AEDECD&#39; not found in dataset adae" in html
    assert build(specs, out, ["t-ae"]).ok  # a build of one output: the other shows its own last build
    html = (out / INDEX).read_text()
    assert re.search(r'<tr id="l-bad">.*?class="status failed".*?\(an earlier build\)', html, re.S)
    assert re.search(r'<tr id="t-ae">.*?class="status built"', html, re.S)


def test_index_is_not_written_over_a_users_file(tmp_path):
    specs = write_study(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / INDEX).write_text("<html>mine</html>")
    report = build(specs, out, ["all"])
    assert report.ok and any("index.html" in w and "not written by tlf" in w for w in report.warnings)
    assert (out / INDEX).read_text() == "<html>mine</html>"


def _picture_docx(path: Path) -> None:
    """Put a small picture into an output's DOCX (as a figure output would have)."""
    import io

    import docx
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), (30, 120, 200)).save(buf, format="PNG")
    doc = docx.Document(str(path))
    doc.add_picture(io.BytesIO(buf.getvalue()))
    doc.save(str(path))


def test_index_thumbnails_come_from_the_pictures_in_outputs(tmp_path):
    specs = write_study(tmp_path)
    out = tmp_path / "out"
    assert build(specs, out, ["all"]).ok
    html = (out / INDEX).read_text()
    assert "<img" not in html and "Picture" not in html  # no column without pictures
    _picture_docx(out / "t-demog.docx")
    write_index(out, load_study(specs))
    page = _parse((out / INDEX).read_text())
    assert "thumbs/t-demog.png" in page.links and (out / "thumbs" / "t-demog.png").is_file()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed")
@pytest.mark.parametrize("which", ["out", "fig_out"])
def test_index_renders_in_headless_chromium(which, request, tmp_path):
    out = request.getfixturevalue(which)
    rows = len(_parse((out / INDEX).read_text()).rows)
    probe = out / "index-probe.html"  # the page plus a script that reports what the browser loaded
    html = (out / INDEX).read_text()
    probe.write_text(html.replace("</body>", """<script>
window.addEventListener("load", () => {
  const imgs = [...document.images];
  document.body.dataset.images = imgs.length;
  document.body.dataset.loaded = imgs.filter(i => i.complete && i.naturalWidth > 0).length;
  document.body.dataset.rows = document.querySelectorAll("#outputs tbody tr").length;
  document.body.dataset.width = document.querySelector("#outputs").getBoundingClientRect().width;
});
</script></body>"""))
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,900"]
    try:
        dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True,
                             timeout=60, check=True).stdout
        shot = tmp_path / "index.png"
        subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", (out / INDEX).as_uri()], capture_output=True,
                       timeout=60, check=True)
    finally:
        probe.unlink()
    body = re.search(r"<body([^>]*)>", dom).group(1)
    attrs = dict(re.findall(r'data-(\w+)="([^"]*)"', body))
    assert attrs["rows"] == str(rows) and float(attrs["width"]) > 600
    pictures = len([h for h in _parse(html).links if h.startswith("thumbs/")]) // 2  # link + img per figure
    assert pictures >= 1 and attrs["images"] == str(pictures) and attrs["loaded"] == str(pictures)  # they load
    page = _parse(dom)
    assert len(page.links) > 3 * rows
    for href in page.links:  # every link and picture resolves, relative to the page
        assert (out / unquote(href)).is_file(), href
    from PIL import Image

    img = Image.open(shot).convert("L")
    assert img.size == (1400, 900) and img.getextrema()[0] < 100  # something dark was drawn: text
