"""`type: shift`: baseline category x post-baseline category per treatment column.

Checked against an independent pandas crosstab on the CDISC pilot's ADLBC (ALT, BNRIND x ANRIND at Week
24, and the worst post-baseline category over weeks 2-24), and on hand-made records whose counts are
read off by hand (denominators, Missing, Total, the transposed layout, Fisher's test against scipy)."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.conftest import SHARED, STUDY_YAML, sheet_texts, write_study
from tlf.ard.schema import read_ard
from tlf.build import build
from tlf.errors import SpecError
from tlf.spec.validate import load_study

PILOT = SHARED / "data" / "cdiscpilot01"
ARMS = {"pbo": "Placebo", "low": "Xanomeline Low Dose", "high": "Xanomeline High Dose"}
LEVELS = "[{value: L, label: Low}, {value: N, label: Normal}, {value: H, label: High}]"
LABEL = {"L": "Low", "N": "Normal", "H": "High"}


def ard_cells(path) -> dict:
    ard = read_ard(path)
    return {(c, p, str(lv), s): v for c, p, lv, s, v in
            zip(ard.column, ard.parent, ard.level, ard.stat_name, ard.stat, strict=True)}


def pilot_build(tmp_path, analysis: str) -> dict:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "study.yaml").write_text(textwrap.dedent(f"""\
        study: {{id: CDISCPILOT01}}
        data:
          dir: {PILOT}
          datasets:
            adsl: {{file: adsl.xpt}}
            adlbc: {{file: adlbc.xpt, keep: [USUBJID, PARAMCD, PARAM, AVISIT, AVISITN, ADT, ANRIND, BNRIND]}}
        derive:
          adlbc:
            - {{name: AVISIT, label: Analysis Visit, expr: "strip(AVISIT)"}}
        populations:
          SAF: {{label: Safety Population, where: "SAFFL == 'Y'"}}
        columns:
          arms:
        """) + "".join(f"    - {{id: {k}, label: {v}, var: TRT01A, value: {v}}}\n" for k, v in ARMS.items()))
    (specs / "t-shift.yaml").write_text(
        "id: t-shift\ntype: table\nnumber: Table 1\ntitle: Shift\npopulation: SAF\ncolumns: arms\nanalyses:\n"
        + textwrap.indent(textwrap.dedent(analysis), "  "))
    report = build(specs, tmp_path / "out", ["t-shift"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    return ard_cells(tmp_path / "out" / "t-shift.ard.csv")


def pilot_frames():
    import pyreadstat

    adsl = pyreadstat.read_xport(str(PILOT / "adsl.xpt"), usecols=["USUBJID", "SAFFL", "TRT01A"])[0]
    lb = pyreadstat.read_xport(str(PILOT / "adlbc.xpt"),
                               usecols=["USUBJID", "PARAMCD", "AVISIT", "AVISITN", "ANRIND", "BNRIND"])[0]
    lb = lb[lb.PARAMCD == "ALT"].merge(adsl[adsl.SAFFL == "Y"], on="USUBJID")
    for v in ("ANRIND", "BNRIND"):
        lb[v] = lb[v].map(LABEL).fillna("Missing")
    return lb


def compare(got: dict, frame: pd.DataFrame, parent: str, bases=("Low", "Normal", "High", "Total")) -> None:
    """Every cell, Total row and Total column: n, and % of the baseline category (the crosstab's row)."""
    for col, arm in ARMS.items():
        sub = frame[frame.TRT01A == arm]
        tab = pd.crosstab(sub.BNRIND, sub.ANRIND, margins=True, margins_name="Total")
        for base in bases:
            if base == "Missing" and ("a", parent, base, "n") not in got and (f"{col}|Low", parent, base, "n") \
                    not in got:
                assert "Missing" not in frame.BNRIND.to_numpy()  # no Missing row: none is missing anywhere
                continue
            for post in ("Low", "Normal", "High", "Total"):
                n = int(tab.loc[base, post]) if base in tab.index and post in tab.columns else 0
                row_n = int(tab.loc[base, "Total"]) if base in tab.index else 0
                assert got[(f"{col}|{post}", parent, base, "n")] == n, (col, base, post)
                assert got[(f"{col}|{post}", parent, base, "denom")] == row_n
                if row_n:
                    assert got[(f"{col}|{post}", parent, base, "p")] == pytest.approx(n / row_n)
        assert tab.loc["Total", "Total"] > 20  # the comparison is not vacuous


@pytest.mark.skipif(not (PILOT / "adlbc.xpt").is_file(), reason="CDISC pilot data not in ../shared")
def test_pilot_alt_week_24_against_crosstab(tmp_path):
    got = pilot_build(tmp_path, f"""\
        - {{id: s, type: shift, dataset: adlbc, param: ALT, visits: [Week 24], levels: {LEVELS}, total_row: true}}
        """)
    lb = pilot_frames()
    compare(got, lb[lb.AVISIT.str.strip() == "Week 24"], "ALT|Week 24")


@pytest.mark.skipif(not (PILOT / "adlbc.xpt").is_file(), reason="CDISC pilot data not in ../shared")
def test_pilot_alt_worst_over_treatment_against_crosstab(tmp_path):
    got = pilot_build(tmp_path, f"""\
        - id: s
          type: shift
          dataset: adlbc
          param: ALT
          where: "AVISITN > 0 and AVISITN <= 24"
          select: {{record: worst, by: ANRIND, order: [N, L, H], then: ADT, per: [PARAMCD]}}
          levels: {LEVELS}
          total_row: true
        """)
    lb = pilot_frames()
    post = lb[(lb.AVISITN > 0) & (lb.AVISITN <= 24) & (lb.ANRIND != "Missing")].copy()
    post["rank"] = post.ANRIND.map({"Normal": 0, "Low": 1, "High": 2})
    worst = post.loc[post.groupby("USUBJID")["rank"].idxmax()]  # the category only: ties do not matter
    assert (worst.ANRIND == "High").sum() > 0
    compare(got, worst, "ALT")


@pytest.mark.skipif(not (PILOT / "adlbc.xpt").is_file(), reason="CDISC pilot data not in ../shared")
def test_pilot_example_t_14_6_05_against_crosstab(tmp_path):
    """The example spec (SAP Template 19): every chemistry analyte's worst category over weeks 2-24."""
    import pyreadstat

    from tests.conftest import REPO

    report = build(REPO / "examples" / "cdiscpilot01" / "specs", tmp_path, ["t-14-6-05"], data_dir=PILOT, formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    got = ard_cells(tmp_path / "t-14-6-05.ard.csv")
    adsl = pyreadstat.read_xport(str(PILOT / "adsl.xpt"), usecols=["USUBJID", "SAFFL", "TRT01A"])[0]
    lb = pyreadstat.read_xport(str(PILOT / "adlbc.xpt"),
                               usecols=["USUBJID", "PARAMCD", "AVISITN", "ANRIND", "BNRIND"])[0]
    lb = lb[~lb.PARAMCD.str.startswith("_") & (lb.AVISITN > 0) & (lb.AVISITN <= 24) & (lb.ANRIND.str.strip() != "")]
    lb = lb.merge(adsl[adsl.SAFFL == "Y"], on="USUBJID")
    for v in ("ANRIND", "BNRIND"):
        lb[v] = lb[v].map(LABEL).fillna("Missing")
    lb["rank"] = lb.ANRIND.map({"Normal": 0, "Low": 1, "High": 2})
    worst = lb.loc[lb.groupby(["USUBJID", "PARAMCD"])["rank"].idxmax()]
    assert worst.PARAMCD.nunique() == 18
    for param, frame in worst.groupby("PARAMCD"):
        compare(got, frame, param, bases=("Low", "Normal", "High", "Missing", "Total"))


# ---------------------------------------------------------------- hand-made

# Drug A (S-01..S-03, N 3): S-01 N -> H, S-02 N -> N, S-03 H -> missing; Placebo (S-04, S-05, N 2):
# S-04 N -> N; S-05 no record.
LAB = """USUBJID,PARAMCD,AVISIT,BNRIND,ANRIND
S-01,ALT,Week 4,N,H
S-02,ALT,Week 4,N,N
S-03,ALT,Week 4,H,
S-04,ALT,Week 4,N,N
"""
LV = "[{value: N, label: Normal}, {value: H, label: High}]"


def mini(tmp_path, analyses: str, formats=(), lab: str = LAB, **kw):
    study = STUDY_YAML.replace("    adae: {file: adae.csv}\n", "    adae: {file: adae.csv}\n    lab: {file: lab.csv}\n")
    out = ("id: t-s\ntype: table\nnumber: Table 1\ntitle: Shift\npopulation: SAF\ncolumns: arms\nanalyses:\n"
           + analyses)
    specs = write_study(tmp_path, study=study, outputs={"t-s": out})
    (specs / "data" / "lab.csv").write_text(lab)
    report = build(specs, tmp_path / "out", ["t-s"], formats=formats, **kw)
    return report


def one(extra: str = "") -> str:
    return f"  - {{id: s, type: shift, dataset: lab, param: ALT, visits: [Week 4], levels: {LV}{extra}}}\n"


@pytest.mark.parametrize(("den", "m_normal_a"), [("group", 2), ("N", 3), ("records", 3), ("assessed", 2)])
def test_denominators(tmp_path, den, m_normal_a):
    report = mini(tmp_path, one(f", denominator: {den}"))
    assert report.ok, [str(o.error) for o in report.outputs]
    got = ard_cells(tmp_path / "out" / "t-s.ard.csv")
    key = "ALT|Week 4"
    # Drug A, baseline Normal (S-01, S-02): 1 to High, 1 to Normal
    assert got[("a|High", key, "Normal", "n")] == 1 and got[("a|Normal", key, "Normal", "n")] == 1
    assert got[("a|High", key, "Normal", "denom")] == m_normal_a
    assert got[("a|High", key, "Normal", "p")] == pytest.approx(1 / m_normal_a)
    # S-03: baseline High, post missing -> a Missing column (and no Missing row: no baseline is missing)
    assert got[("a|Missing", key, "High", "n")] == 1
    assert ("a|Normal", key, "Missing", "n") not in got
    # Total column of baseline Normal in Placebo: S-04 only; Total row of Drug A: 3 subjects
    assert got[("p|Total", key, "Normal", "n")] == 1 and got[("a|Total", key, "Total", "n")] == 3


def test_layouts_print_what_the_counts_say(tmp_path):
    report = mini(tmp_path, one(", total_row: true, transpose: true"), formats=("xlsx",))
    assert report.ok, [str(o.error) for o in report.outputs]
    ws = load_workbook(tmp_path / "out" / "t-s.xlsx")["t-s"]
    rows = sheet_texts(ws)  # as printed
    header = next(r for r in rows if "Normal at baseline" in r)
    assert header[1:5] == ["Normal at baseline", "High at baseline", "Total", "Normal at baseline"]
    # Drug A: baseline Normal 2, High 1, Total 3 | Placebo: 1, 0, 1 | Total column set: 3, 1, 4
    assert next(r for r in rows if r[0] == "n")[1:] == ["2", "1", "3", "1", "0", "1", "3", "1", "4"]
    # shift to High: S-01 (Normal at baseline, 1 of 2 = 50%)
    assert next(r for r in rows if r[0] == "High")[1:4] == ["1 (50.0)", "0", "1 (33.3)"]
    assert next(r for r in rows if r[0] == "Missing")[1:4] == ["0", "1 (100)", "1 (33.3)"]


def test_fisher_per_baseline_category_against_scipy(tmp_path):
    from scipy.stats import fisher_exact

    # baseline Normal: Drug A 5 to Normal and 0 to High, Placebo 1 to Normal and 4 to High (2 x 2)
    lab = "USUBJID,PARAMCD,AVISIT,BNRIND,ANRIND\n"
    adsl = "USUBJID,TRT01A,RANDFL,SAFFL,ITTFL,SEX,AGE,WEIGHT,RACE\n"
    adex = "USUBJID,EXDURD\n"
    for i, (arm, post) in enumerate([("Drug A", "N")] * 5 + [("Placebo", "N")] + [("Placebo", "H")] * 4):
        adsl += f"X-{i},{arm},Y,Y,Y,F,30,70,WHITE\n"
        adex += f"X-{i},10\n"
        lab += f"X-{i},ALT,Week 4,N,{post}\n"
    study = STUDY_YAML.replace("    adae: {file: adae.csv}\n", "    adae: {file: adae.csv}\n    lab: {file: lab.csv}\n")
    out = ("id: t-s\ntype: table\nnumber: Table 1\ntitle: Shift\npopulation: SAF\ncolumns:\n"
           "  - {id: a, label: Drug A, var: TRT01A, value: Drug A}\n"
           "  - {id: p, label: Placebo, var: TRT01A, value: Placebo}\nanalyses:\n"
           f"  - {{id: s, type: shift, dataset: lab, param: ALT, visits: [Week 4], levels: {LV}, test: fisher}}\n")
    specs = write_study(tmp_path, adsl=adsl, adex=adex, study=study, outputs={"t-s": out})
    (specs / "data" / "lab.csv").write_text(lab)
    report = build(specs, tmp_path / "out", ["t-s"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    got = ard_cells(tmp_path / "out" / "t-s.ard.csv")
    expected = fisher_exact([[5, 0], [1, 4]]).pvalue  # 0.0476
    assert 0 < expected < 0.1
    assert got[("pvalue", "ALT|Week 4", "Normal", "pvalue")] == pytest.approx(expected, rel=1e-9)
    assert got[("pvalue", "ALT|Week 4", "High", "pvalue")] != got[("pvalue", "ALT|Week 4", "High", "pvalue")]  # NE


@pytest.mark.parametrize(("lab", "extra", "code"), [
    (LAB + "S-01,ALT,Week 4,N,N\n", "", "DATA061"),          # two records of S-01 at Week 4
    (LAB.replace("S-04,ALT,Week 4,N,N", "S-04,ALT,Week 4,N,LOW"), "", "DATA062"),  # a value no level lists
    (LAB, ", missing: false", "DATA062"),                     # S-03's missing post-baseline category
])
def test_data_errors(tmp_path, lab, extra, code):
    report = mini(tmp_path, one(extra), lab=lab)
    assert not report.ok
    assert code in str(report.outputs[0].error)


@pytest.mark.parametrize(("analyses", "words"), [
    (one() + "  - {id: c, type: count, dataset: lab}\n", "shift analyses only"),
    ("  - {id: s, type: shift, dataset: lab, param: [ALT, AST], select: {record: worst, by: ANRIND, "
     "order: [N, H]}}\n", "must list PARAMCD"),
    (one(", transpose: true, test: fisher"), "untransposed"),
    (one() + one(", transpose: true").replace("id: s", "id: t"), "share their columns"),
])
def test_spec_errors(tmp_path, analyses, words):
    study = STUDY_YAML.replace("    adae: {file: adae.csv}\n", "    adae: {file: adae.csv}\n    lab: {file: lab.csv}\n")
    specs = write_study(tmp_path, study=study, outputs={"t-s": "id: t-s\ntype: table\nnumber: Table 1\ntitle: S\n"
                                                        "population: SAF\ncolumns: arms\nanalyses:\n" + analyses})
    with pytest.raises(SpecError, match=words):
        load_study(specs)


def test_shell(tmp_path):
    report = mini(tmp_path, one(", test: fisher"), formats=("xlsx",), shell=True)
    assert report.ok, [str(o.error) for o in report.outputs]
    ws = load_workbook(next((tmp_path / "out").glob("*.xlsx")))
    texts = [v for sh in ws for r in sheet_texts(sh) for v in r if v]
    assert "xx (xx.x)" in texts and "x.xxx" in texts and "Normal" in texts
