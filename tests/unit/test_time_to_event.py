"""time_to_event table analyses and km figures on a small study: the numbers reach the ARD and the
table, the log-rank p-value its stat column, the curve and numbers at risk the figure's ARD and data
sheet, and shells draw without data."""

from __future__ import annotations

import pytest

from tests.conftest import STUDY_YAML, sheet_texts, write_study
from tlf.ard.schema import read_ard
from tlf.build import build
from tlf.errors import DataError
from tlf.stats.survival import kaplan_meier, km_table, logrank_test

ADTTE = """USUBJID,PARAMCD,AVAL,CNSR
S-01,TTE,5,0
S-02,TTE,8,0
S-03,TTE,12,1
S-04,TTE,3,0
S-05,TTE,20,1
S-01,OTHER,1,0
"""
STUDY = STUDY_YAML.replace("    adae: {file: adae.csv}", "    adae: {file: adae.csv}\n    adtte: {file: adtte.csv}")
TABLE = """\
id: t-km
type: table
number: Table 3
title: Time to event
population: SAF
columns: arms
stat_columns:
  - {id: lr, label: "Log-rank p", over: [a, p], test: logrank}
analyses:
  - id: tte
    type: time_to_event
    dataset: adtte
    where: "PARAMCD == 'TTE'"
    label: Time to event (days)
    rows: [n, events, censored, median_ci, q1_q3, min_max]
"""
FIGURE = """\
id: f-km
type: figure
number: Figure 1
title: Kaplan-Meier
population: SAF
columns: arms
plot:
  kind: km
  dataset: adtte
  where: "PARAMCD == 'TTE'"
  x_title: Days
  risk_every: 5
  ci: true
  median_line: true
"""
DRUG_A = ([5, 8, 12], [1, 1, 0])  # S-01..S-03
PLACEBO = ([3, 20], [1, 0])  # S-04, S-05


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("tte")
    specs = write_study(root, study=STUDY, outputs={"t-km": TABLE, "f-km": FIGURE})
    (specs / "data" / "adtte.csv").write_text(ADTTE)
    out = root / "out"
    report = build(specs, out, ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    shells = build(specs, root / "shells", ["all"], shell=True)
    assert shells.ok, [str(o.error) for o in shells.outputs]
    return specs, out


def _stat(ard, column, stat_name, level="", parent="", analysis="tte"):
    sel = ard[(ard.analysis == analysis) & (ard.column == column) & (ard.stat_name == stat_name)
              & (ard.level == level) & (ard.parent == parent)]
    assert len(sel) == 1, (column, stat_name, level)
    return sel.iloc[0]


def test_table_numbers(built):
    _, out = built
    ard = read_ard(out / "t-km.ard.csv")
    km = kaplan_meier(*DRUG_A)
    assert _stat(ard, "a", "n").stat == 3
    assert _stat(ard, "a", "n", "Events").stat == 2 and _stat(ard, "a", "p", "Events").stat == pytest.approx(2 / 3)
    assert _stat(ard, "a", "median").stat == km.median == 8.0
    # placebo: S = 0.5 from day 3 on and never below (the last time is censored): not reached
    assert _stat(ard, "p", "median").stat_fmt == "NE"
    lr = logrank_test([*DRUG_A[0], *PLACEBO[0]], [*DRUG_A[1], *PLACEBO[1]], ["a"] * 3 + ["p"] * 2)
    assert _stat(ard, "lr", "pvalue").stat == pytest.approx(lr.pvalue)
    assert _stat(ard, "a", "median_ci_high").warning  # not reached: says why


def test_table_layout(built):
    _, out = built
    from openpyxl import load_workbook

    ws = load_workbook(out / "t-km.xlsx")["t-km"]
    rows = sheet_texts(ws)
    labels = [r[0].strip() for r in rows]
    for label in ("Subjects", "Events", "Censored", "Median (95% CI)", "25th, 75th percentile", "Min, Max"):
        assert label in labels, label
    events = rows[labels.index("Events")]
    assert events[1] == "2 (66.7)" and events[2] == "1 (50.0)"
    assert rows[labels.index("Min, Max")][1] == "5, 12"
    assert "Log-rank p" in [c for r in rows for c in r]


def test_figure_numbers(built):
    _, out = built
    ard = read_ard(out / "f-km.ard.csv")
    steps = km_table(*DRUG_A)
    for s in steps:
        key = str(int(s.time))
        assert _stat(ard, "a", "survival", key, "curve", "plot").stat == pytest.approx(s.survival)
        assert _stat(ard, "a", "n_risk", key, "curve", "plot").stat == s.n_risk
    # numbers at risk every 5 days up to the last time (20): at 0, 5, 10, 15, 20
    risk = {lv: v for lv, v, c, p, s in zip(ard.level, ard.stat, ard.column, ard.parent, ard.stat_name, strict=True)
            if c == "a" and p == "risk" and s == "n_risk"}
    assert risk == {"0": 3, "5": 3, "10": 1, "15": 0, "20": 0}
    from openpyxl import load_workbook

    wb = load_workbook(out / "f-km.xlsx")
    assert "Data" in wb.sheetnames
    data = [[c.value for c in r] for r in wb["Data"].iter_rows()]
    assert any(r[0] == "Drug A" and r[1] == 5 for r in data)


def test_docx_has_the_picture(built):
    _, out = built
    import zipfile

    with zipfile.ZipFile(out / "f-km.docx") as z:
        assert any(n.startswith("word/media/") for n in z.namelist())


def test_shells_build(built):
    specs, _ = built
    ard = read_ard(specs.parent / "shells" / "t-km.shell.ard.csv")
    assert (ard.warning == "shell").all() and "pvalue" in set(ard.stat_name)


def test_more_than_one_record_per_subject_is_an_error(tmp_path):
    table = TABLE.replace("""    where: "PARAMCD == 'TTE'"\n""", "")
    specs = write_study(tmp_path, study=STUDY, outputs={"t-km": table})
    (specs / "data" / "adtte.csv").write_text(ADTTE)
    report = build(specs, tmp_path / "out", ["all"], formats=())
    [res] = report.outputs
    assert res.status == "failed" and isinstance(res.error, DataError) and "S-01" in str(res.error)


# Drug A: events at 2 and 6, censored at 9: S(2) = 2/3, S(6) = 1/3 -> median 6 (first S < 0.5).
# Placebo: events at 4 and 9: S(4) = 1/2 exactly until 9, where S = 0 -> median (4 + 9) / 2 = 6.5
# (SAS LIFETEST's midpoint rule; R survfit: 6.5); the log-log CI of S(4) = 0.5 contains 0.5 and the
# next event time is where S reaches 0, so the upper limit is not estimable (R: NA).
PLATEAU = """USUBJID,PARAMCD,AVAL,CNSR
S-01,TTE,2,0
S-02,TTE,6,0
S-03,TTE,9,1
S-04,TTE,4,0
S-05,TTE,9,0
"""


def test_plateau_median_and_not_estimable_limit_in_the_table(tmp_path):
    specs = write_study(tmp_path, study=STUDY, outputs={"t-km": TABLE})
    (specs / "data" / "adtte.csv").write_text(PLATEAU)
    out = tmp_path / "out"
    report = build(specs, out, ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = read_ard(out / "t-km.ard.csv")
    assert _stat(ard, "a", "median").stat == 6.0
    med = _stat(ard, "p", "median")
    assert med.stat == 6.5 and med.stat_fmt == "6.5" and not med.warning
    assert _stat(ard, "p", "median_ci_low").stat == 4.0
    high = _stat(ard, "p", "median_ci_high")
    assert high.stat_fmt == "NE" and "reaches 0 at 9" in high.warning
    from openpyxl import load_workbook

    ws = load_workbook(out / "t-km.xlsx")["t-km"]
    rows = sheet_texts(ws)
    labels = [r[0].strip() for r in rows]
    assert rows[labels.index("Median (95% CI)")][2] == "6.5 (4.0, NE)"
