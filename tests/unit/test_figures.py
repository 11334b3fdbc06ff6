"""Figure outputs: the plotted numbers are right, the picture lands in DOCX and XLSX with titles and
footnotes as text, and the shell is an empty frame with the same axes and legend."""

from __future__ import annotations

import statistics

import pytest

from tests.conftest import STUDY_YAML, write_study
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
