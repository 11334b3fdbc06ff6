"""PK figures on the tiny PK study of test_pk_outputs: individual profiles (`plot: {kind: individual}`)
and mean concentrations with linear and semi-log panels side by side (`panels[].log_y`)."""

from __future__ import annotations

import statistics

import pytest

from tests.unit.test_pk_outputs import LABELS, PROFILES, TIMES, pk_study
from tlf.ard.schema import read_ard
from tlf.build import build

INDIVIDUAL = """\
id: f-ind
type: figure
number: Figure 2
title: Individual profiles
population: SAF
columns: arms
width: 4.0   # small pictures draw fast
height: 2.5
plot:
  kind: individual
  dataset: adpc
  var: AVAL
  x: ARRLT
  panels: [{label: "Day 1", where: "DAY == 1"}]
  log_y: true
  x_title: Time (h)
  y_title: Concentration (ng/mL)
"""

MEAN = """\
id: f-mean
type: figure
number: Figure 1
title: Mean concentrations
population: SAF
columns: arms
width: 4.0
height: 2.5
plot:
  kind: mean_by_visit
  dataset: adpc
  var: AVAL
  x: NRRLT
  panels: [{label: Linear}, {label: Semi-log, log_y: true}]
  error: sd
  reference_line: null
  x_title: Nominal time (h)
  y_title: Concentration (ng/mL)
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("pkfig")
    specs = pk_study(root, outputs={"f-ind": INDIVIDUAL, "f-mean": MEAN})
    out = root / "out"
    report = build(specs, out, ["f-ind"])
    report.outputs += build(specs, out, ["f-mean"], formats=()).outputs
    assert report.ok, [str(o.error) for o in report.outputs]
    return specs, out


def test_individual_points_are_the_measurable_samples(built):
    _, out = built
    ard = read_ard(out / "f-ind.ard.csv")
    pts = ard[(ard.analysis == "plot") & (ard.column != "t")]
    for sid, conc in PROFILES.items():
        got = pts[pts.level.str.startswith(f"{sid} @ ")]
        want = [(t, c) for t, c in zip(TIMES, conc, strict=True) if c is not None]  # BLQ not plotted
        xs = got[got.stat_name == "x"].sort_values("order").stat.tolist()
        ys = got[got.stat_name == "y"].sort_values("order").stat.tolist()
        assert list(zip(xs, ys, strict=True)) == want, sid
    total = ard[(ard.analysis == "plot") & (ard.column == "t")]
    assert len(total) == len(pts)  # the Total column holds every subject again


def test_individual_figure_files(built):
    import docx
    from openpyxl import load_workbook

    _, out = built
    assert len(docx.Document(str(out / "f-ind.docx")).inline_shapes) == 1
    rows = list(load_workbook(out / "f-ind.xlsx")["Data"].iter_rows(values_only=True))
    assert rows[0] == ("panel", "treatment", "subject", "ARRLT", "AVAL")
    assert ("Day 1", "Drug A", "S-02", 4.0, 5.0) in rows


def test_mean_figure_with_linear_and_log_panels(built):
    _, out = built
    ard = read_ard(out / "f-mean.ard.csv")
    one = [PROFILES[s][LABELS.index("1 h")] for s in ("S-01", "S-02", "S-03")]
    for panel in ("Linear", "Semi-log"):
        sel = ard[(ard.column == "a") & (ard.parent == panel) & (ard.level == "1") & (ard.stat_name == "mean")]
        assert sel.stat.iloc[0] == pytest.approx(statistics.fmean(one))
    assert set(ard[ard.stat_name == "x"].level) == {"0", "1", "2", "4", "8", "12", "24"}  # not "1.0"


def test_pk_figure_shells(built, tmp_path):
    import docx

    specs, _ = built
    report = build(specs, tmp_path, ["f-ind"], formats=("docx",), shell=True)
    assert report.ok, [str(o.error) for o in report.outputs]
    assert len(docx.Document(str(tmp_path / "f-ind.shell.docx")).inline_shapes) == 1


def test_individual_plot_errors_are_located(tmp_path):
    specs = pk_study(tmp_path, outputs={"f-ind": INDIVIDUAL.replace("x: ARRLT", "x: ARRLTX")})
    err = build(specs, tmp_path / "out", ["all"]).outputs[0].error
    assert "f-ind.yaml:" in str(err) and "plot.x" in str(err) and "did you mean 'ARRLT'" in str(err), str(err)
    specs = pk_study(tmp_path / "b", outputs={"f-ind": INDIVIDUAL.replace("x: ARRLT", "x: ATPT")})
    err = build(specs, tmp_path / "b" / "out", ["all"]).outputs[0].error
    assert "adpc.ATPT (USUBJID S-01): is text (first: 'Pre-dose')" in str(err), str(err)
