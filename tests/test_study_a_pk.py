"""Study A PK outputs end to end: Tables 14.5.1 (parameters) and 14.5.2 (concentrations) built from the
specs, their numbers against an independent pandas/plain-Python computation from adpc.xpt, and the
rendered pages.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pandas as pd
import pytest

from tests.office import needs_office, pdf_text, to_pdf
from tests.unit import _nca_independent as ind
from tlf.ard.schema import read_ard
from tlf.build import build

pyreadstat = pytest.importorskip("pyreadstat")

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tlf" / "examples" / "data" / "study_a"
ARMS = {"qod03": "Iberdomide 0.3 mg QOD", "qd03": "Iberdomide 0.3 mg QD", "alt0603": "Iberdomide 0.6/0.3 mg ALTN",
        "qd06": "Iberdomide 0.6 mg QD"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("study_a_pk")
    report = build(REPO / "specs", out, ["t-14-5-1", "t-14-5-2"], formats=("docx",))
    assert report.ok, [str(o.error) for o in report.outputs]
    return out


@pytest.fixture(scope="module")
def adpc():
    return pyreadstat.read_xport(str(DATA / "adpc.xpt"))[0]


def cell(ard, column, stat_name, level, parent):
    sel = ard[(ard.column == column) & (ard.stat_name == stat_name) & (ard.level == level) & (ard.parent == parent)]
    assert len(sel) == 1, (column, stat_name, level, parent)
    return sel.iloc[0]


def test_pk_population_and_big_n(built, adpc):
    ard = read_ard(built / "t-14-5-1.ard.csv")
    measurable = adpc[adpc.AVAL.notna()]
    for col, arm in ARMS.items():
        n = measurable[measurable.TRTA == arm].USUBJID.nunique()
        assert cell(ard, col, "N", "", "").stat == n
    assert cell(ard, "qd06", "N", "", "").stat == 8  # one QD06 patient stopped on day 8, before any sample


def test_parameters_against_independent_nca(built, adpc):
    ard = read_ard(built / "t-14-5-1.ard.csv")
    inten = adpc[(adpc.PKINTFL == "Y") & adpc.AVISITN.isin([1, 29])]
    for (arm, day), g in inten.groupby(["TRTA", "AVISITN"]):
        col = next(k for k, v in ARMS.items() if v == arm)
        cmax, tmax, hl = [], [], []
        for _, p in g.groupby("USUBJID"):
            post = p[p.ARRLT >= 0].sort_values("ARRLT")
            i = post.AVAL.to_numpy().argmax()
            cmax.append(float(post.AVAL.iloc[i]))
            tmax.append(float(post.ARRLT.iloc[i]))
            fit = ind.best_fit(post.ARRLT.tolist(), post.AVAL.tolist())
            if fit:
                hl.append(math.log(2) / fit[0])
        parent = f"Day {int(day)}"
        gm = math.exp(statistics.fmean(math.log(c) for c in cmax))
        assert cell(ard, col, "geomean", "Cmax (ng/mL)", parent).stat == pytest.approx(gm, rel=1e-12)
        assert cell(ard, col, "median", "Tmax (h)", parent).stat == pytest.approx(statistics.median(tmax))
        assert cell(ard, col, "n", "t1/2 (h)", parent).stat == len(hl)
        if len(hl) > 1:
            assert cell(ard, col, "sd", "t1/2 (h)", parent).stat == pytest.approx(statistics.stdev(hl), rel=1e-9)
    # accumulation ratios only on day 29; CV% with one decimal, the rest with 3 significant figures
    assert not ((ard.parent == "Day 1") & ard.level.str.startswith("AR ")).any()
    row = cell(ard, "qd03", "mean", "AR Cmax", "Day 29")
    assert row.sig == 3 and len(row.stat_fmt.replace(".", "").lstrip("0")) == 3
    assert cell(ard, "qd03", "cv", "AR Cmax", "Day 29").decimals == 1


def test_concentrations_against_pandas(built, adpc):
    ard = read_ard(built / "t-14-5-2.ard.csv")
    pk_subjects = set(adpc[adpc.AVAL.notna()].USUBJID)
    pc = adpc[adpc.USUBJID.isin(pk_subjects)]
    checked = 0
    for (arm, visit, label), g in pc.groupby(["TRTA", "AVISIT", "ATPT"]):
        col = next(k for k, v in ARMS.items() if v == arm)
        assert cell(ard, col, "n", label, visit).stat == g.AVAL.notna().sum()
        assert cell(ard, col, "n_blq", label, visit).stat == (g.BLQFL == "Y").sum()
        if g.AVAL.notna().sum() > 1:
            assert cell(ard, col, "mean", label, visit).stat == pytest.approx(g.AVAL.mean(), rel=1e-12)
        checked += 1
    assert checked == 4 * (2 * 7 + 3)  # 4 arms; days 1 and 29 at 7 times, days 15, 57, 85 pre-dose
    # before the first dose everything is BLQ: n 0, and the statistics left blank with a reason
    assert cell(ard, "qd03", "n", "Pre-dose", "Day 1").stat == 0
    assert cell(ard, "qd03", "n_blq", "Pre-dose", "Day 1").stat == 4
    assert cell(ard, "qd03", "mean", "Pre-dose", "Day 1").warning == "no values"


def test_adpp_csv_of_the_parameter_table(built):
    adpp = pd.read_csv(built / "t-14-5-1.adpp.csv", keep_default_na=False)
    assert adpp.groupby("AVISITN").USUBJID.nunique().to_dict() == {1: 16, 29: 16}
    ne = adpp[adpp.PPSTRESN == ""]
    assert len(ne) and (ne.PPREASND != "").all()  # every NE has its reason


@needs_office
def test_rendered_pages(built, tmp_path):
    text = pdf_text(to_pdf(built / "t-14-5-1.docx", tmp_path))
    assert "Table 14.5.1" in text and "PK Population" in text
    assert "Iberdomide 0.6/0.3 mg ALTN (N=9)" in text  # the arm heading does not wrap
    assert "Page 4 of 4" in text and "Page 5 of" not in text


def test_concentration_table_docx(built):
    import docx

    doc = docx.Document(str(built / "t-14-5-2.docx"))
    texts = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "n BLQ" in texts and "Pre-dose" in texts and "6-8 h" in texts
    assert "Iberdomide 0.3 mg QOD (N=8)" in texts


def test_concentration_listing(tmp_path, adpc):
    """Listing 16.2.5.1: every sample of the safety population, BLQ printed as "BLQ", by treatment."""
    import docx

    report = build(REPO / "specs", tmp_path, ["l-16-2-5-1"], formats=("docx",))
    assert report.ok, [str(o.error) for o in report.outputs]
    records = pd.read_csv(tmp_path / "l-16-2-5-1.data.csv", keep_default_na=False)
    assert len(records) == len(adpc)  # every patient is in the safety population
    rows = [[c.text for c in r.cells] for t in docx.Document(str(tmp_path / "l-16-2-5-1.docx")).tables
            for r in t.rows]
    conc = [r[-1] for r in rows if len(r) == 9 and r[-1] and not r[-1].startswith("Concentration")]
    assert conc.count("BLQ") == (adpc.BLQFL == "Y").sum()
    assert sorted(c for c in conc if c != "BLQ") == sorted(adpc.AVALC[adpc.BLQFL == "N"])
