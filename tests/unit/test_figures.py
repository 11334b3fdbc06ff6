"""Figure outputs: the plotted numbers are right, the picture lands in DOCX and XLSX with titles and
footnotes as text, and the shell is an empty frame with the same axes and legend."""

from __future__ import annotations

import statistics

import pytest

from tests.conftest import STUDY_YAML, write_study
from tests.office import needs_office, to_pdf
from tlf.ard.schema import read_ard
from tlf.build import build

ADVS = """USUBJID,PARAMCD,AVISITN,AVISIT,CHG
S-01,SBP,1,Week 1,-2
S-01,SBP,2,Week 2,-4
S-02,SBP,1,Week 1,0
S-02,SBP,2,Week 2,-1
S-03,SBP,1,Week 1,3
S-04,SBP,1,Week 1,1
S-04,SBP,2,Week 2,2
S-05,SBP,1,Week 1,5
S-01,DBP,1,Week 1,-1
S-04,DBP,1,Week 1,1
"""

FIGURE = """\
id: f-1
type: figure
number: Figure 1
title: Mean change from baseline over time
population: SAF
columns: arms
footnotes: ["Error bars: standard error of the mean."]
plot:
  kind: mean_by_visit
  dataset: advs
  var: CHG
  x: AVISITN
  x_label: AVISIT
  panels: [{label: Systolic BP, where: "PARAMCD == 'SBP'"}, {label: Diastolic BP, where: "PARAMCD == 'DBP'"}]
  error: se
  y_title: Mean change (mmHg)
"""


@pytest.fixture
def fig_study(tmp_path):
    study = STUDY_YAML.replace("    adae: {file: adae.csv}", "    adae: {file: adae.csv}\n    advs: {file: advs.csv}")
    specs = write_study(tmp_path, study=study, outputs={"f-1": FIGURE})
    (specs / "data" / "advs.csv").write_text(ADVS)
    return specs


def test_plotted_numbers(fig_study, tmp_path):
    out = tmp_path / "out"
    report = build(fig_study, out, ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = read_ard(out / "f-1.ard.csv")

    def get(col, panel, visit, stat):
        sel = ard[(ard.column == col) & (ard.parent == panel) & (ard.level == visit) & (ard.stat_name == stat)]
        assert len(sel) == 1
        return sel.stat.iloc[0]

    # Drug A = S-01..S-03: SBP week 1 changes -2, 0, 3
    assert get("a", "Systolic BP", "Week 1", "mean") == pytest.approx(statistics.fmean([-2, 0, 3]))
    assert get("a", "Systolic BP", "Week 1", "se") == pytest.approx(statistics.stdev([-2, 0, 3]) / 3**0.5)
    assert get("a", "Systolic BP", "Week 2", "n") == 2
    assert get("p", "Diastolic BP", "Week 1", "n") == 1
    assert get("a", "Systolic BP", "Week 2", "x") == 2.0

    import docx
    from openpyxl import load_workbook

    doc = docx.Document(str(out / "f-1.docx"))
    assert len(doc.inline_shapes) == 1
    header = " ".join(p.text for p in doc.sections[0].header.paragraphs)
    assert "Figure 1" in header and "Mean change from baseline over time" in header
    assert "Error bars: standard error" in doc.sections[0].footer._element.xml
    wb = load_workbook(out / "f-1.xlsx")
    assert wb.sheetnames == ["f-1", "Data", "ARD"]
    assert len(wb["f-1"]._images) == 1
    rows = list(wb["Data"].iter_rows(values_only=True))
    assert rows[0][:6] == ("panel", "treatment", "time point", "x", "n", "mean")
    assert ("Systolic BP", "Drug A", "Week 1", 1.0, 3) == rows[1][:5]


def test_figure_shell_needs_no_data(fig_study, tmp_path):
    import shutil

    shutil.rmtree(fig_study / "data")
    out = tmp_path / "out"
    report = build(fig_study, out, ["all"], shell=True)
    assert report.ok, [str(o.error) for o in report.outputs]
    import docx

    doc = docx.Document(str(out / "f-1.shell.docx"))
    assert len(doc.inline_shapes) == 1


def test_unknown_plot_variable_is_located(fig_study, tmp_path):
    (fig_study / "f-1.yaml").write_text(FIGURE.replace("var: CHG", "var: CHNG"))
    err = build(fig_study, tmp_path / "out", ["all"]).outputs[0].error
    assert "f-1.yaml:" in str(err) and "plot.var" in str(err) and "did you mean 'CHG'" in str(err)


@pytest.mark.parametrize("width", [2.5, 3.5, 10.0])
def test_time_axis_labels_never_overlap(width):
    """Hours 0,1,2,3,4,6,8,12,24 on a narrow panel: the kept tick labels, drawn by matplotlib, are at
    least a character (0.6 em) apart (checked on the rendered text boxes, not on the rule's own
    arithmetic; all nine labels on a 3.5-inch axis are only 0.06 inch apart); the first and last times
    are always labelled, and a wide panel labels every time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tlf.figures.plots import readable_ticks
    from tlf.figures.style import FONT_SIZE, rc_params

    ticks = [(x, str(x)) for x in (0, 1, 2, 3, 4, 6, 8, 12, 24)]
    pad = 24 * 0.05
    kept = readable_ticks(ticks, axis_inches=width, span=24 + 2 * pad)
    with plt.rc_context(rc_params()):
        fig = plt.figure(figsize=(width / 0.8, 3))
        ax = fig.add_axes((0.1, 0.2, 0.8, 0.7))
        ax.set_xlim(-pad, 24 + pad)
        ax.set_xticks([t[0] for t in kept], [t[1] for t in kept])
        fig.canvas.draw()
        boxes = [lab.get_window_extent() for lab in ax.get_xticklabels()]
        char_px = FONT_SIZE * 0.6 / 72 * fig.dpi
        plt.close(fig)
    assert kept[0] == (0, "0") and kept[-1] == (24, "24")
    assert all(b.x0 - a.x1 >= char_px for a, b in zip(boxes, boxes[1:], strict=False)), kept
    if width >= 10:
        assert kept == ticks
    else:
        assert len(kept) < len(ticks)


@needs_office
def test_tall_picture_fits_between_titles_and_footnotes(fig_study, tmp_path):
    """A picture taller than the room between the title block and the footnotes is printed smaller
    (aspect kept) and the build says so, naming the spec file and the height that fits. Checked on the
    PDF LibreOffice makes: the image's printed height (pixels / ppi from pdfimages) is within the gap
    between the last title line and the first footnote (word boxes from pdftotext -bbox)."""
    import re
    import subprocess

    (fig_study / "f-1.yaml").write_text(FIGURE + "width: 9\nheight: 6.5\n")
    out = tmp_path / "out"
    report = build(fig_study, out, ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    assert any(w.startswith("f-1: the picture (9 x 6.5 in) is printed at") and "f-1.yaml" in w
               and "`height: " in w for w in report.warnings), report.warnings
    pdf = to_pdf(out / "f-1.docx", tmp_path)
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    image = [line.split() for line in listing.splitlines() if line.split()[2:3] == ["image"]]
    assert len(image) == 1 and image[0][0] == "1"  # one picture, on page 1
    height_pt = int(image[0][4]) / int(image[0][13]) * 72  # pixels / y-ppi
    words = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    boxes = [(float(a), float(b), w) for a, b, w in
             re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', words)]
    foot_top = min(y0 for y0, _, w in boxes if w == "Error")
    title_bottom = max(y1 for _, y1, _ in boxes if y1 < foot_top)
    assert height_pt <= foot_top - title_bottom, (height_pt, title_bottom, foot_top)
    assert height_pt > 0.6 * (foot_top - title_bottom)  # and it still fills most of the room
