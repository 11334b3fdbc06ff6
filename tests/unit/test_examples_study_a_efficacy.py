"""Synthetic study A efficacy and PD data (adeff.xpt, adpd.xpt) against the publication's text facts.

Recomputed here with plain pandas from the committed .xpt files; the expected numbers are typed from
../shared/study/cc220-sle-001.md, not taken from the generator. Rounding half away from zero with
`decimal`. (That the committed files equal a fresh generation is checked in test_examples_study_a.py.)
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

pyreadstat = pytest.importorskip("pyreadstat")

DATA = Path(__file__).resolve().parents[2] / "tlf" / "examples" / "data" / "study_a"
ARMS = ["PBO", "QOD03", "QD03", "ALT0603", "QD06"]
N = {"PBO": 8, "QOD03": 8, "QD03": 8, "ALT0603": 9, "QD06": 9}
# "CLASI change at day 85, mean (SD; mean % change): PBO +0.4 (1.8; +9.5%), QOD03 -7.8 (10.2; -35.3%),
# QD03 -5.0 (9.6; -63.4%), ALT0603 -4.3 (6.3; -25.3%), QD06 -6.0 (9.7; -39.8%)"
CLASI_D85 = {"PBO": ("0.4", "1.8", "9.5"), "QOD03": ("-7.8", "10.2", "-35.3"), "QD03": ("-5.0", "9.6", "-63.4"),
             "ALT0603": ("-4.3", "6.3", "-25.3"), "QD06": ("-6.0", "9.7", "-39.8")}
MARKERS = ["BCD20", "BIMM", "BSWM", "BBAFFR", "MDC", "PDC", "CD4T", "CD8T"]


def half_up(x, d: int) -> str:
    return str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def data():
    adsl = pyreadstat.read_xport(str(DATA / "adsl.xpt"))[0]
    adeff = pyreadstat.read_xport(str(DATA / "adeff.xpt"))[0]
    adpd = pyreadstat.read_xport(str(DATA / "adpd.xpt"))[0]
    arm = adsl[["USUBJID", "ARMCD"]]
    return adsl, adeff.merge(arm, on="USUBJID"), adpd.merge(arm, on="USUBJID")


def _d85(adeff, code):
    return adeff[(adeff.PARAMCD == code) & (adeff.AVISIT == "Day 85") & (adeff.ANL01FL == "Y")]


def test_clasi_day85_as_published(data):
    """Mean (SD; mean % change) of the day-85 CLASI change, every arm, all three numbers."""
    _, adeff, _ = data
    d = _d85(adeff, "CLASI")
    for arm in ARMS:
        x = d[d.ARMCD == arm]
        got = (half_up(x.CHG.mean(), 1), half_up(x.CHG.std(ddof=1), 1), half_up(x.PCHG.mean(), 1))
        assert got == CLASI_D85[arm], arm
        # mean % change over patients with a baseline > 0 (percent change is missing for baseline 0)
        assert x.PCHG.isna().sum() == (x.BASE == 0).sum()
        base = x[x.BASE > 0]
        assert half_up((100 * base.CHG / base.BASE).mean(), 1) == CLASI_D85[arm][2], arm
    assert (d[d.ARMCD == "PBO"].BASE == 0).sum() == 1  # the placebo patient without percent change


def test_clasi_baselines_match_table1(data):
    """The DE baseline CLASI scores chosen for the day-85 facts still give Table 1's CLASI row."""
    adsl, _, _ = data
    want = ["4.3 (5.9)", "17.6 (12.9)", "6.3 (9.1)", "8.4 (8.6)", "12.4 (16.5)"]
    got = [f"{half_up(x.mean(), 1)} ({half_up(x.std(ddof=1), 1)})"
           for x in (adsl.loc[adsl.ARMCD == arm, "CLASP01"] for arm in ARMS)]
    assert got == want
    assert ((adsl.CLASP01 >= 0) & (adsl.CLASP01 <= 70) & (adsl.CLASP01 % 1 == 0)).all()


def test_hss_responders_day85(data):
    """hSS >= 4-point reduction at day 85: 22%-50% of each iberdomide arm vs 13% (1/8) placebo."""
    _, adeff, _ = data
    d = _d85(adeff, "HSS")
    resp = {arm: int((d[d.ARMCD == arm].CHG <= -4).sum()) for arm in ARMS}
    assert resp["PBO"] == 1 and half_up(100 * resp["PBO"] / N["PBO"], 0) == "13"
    pct = [100 * resp[a] / N[a] for a in ARMS[1:]]
    assert half_up(min(pct), 0) == "22" and half_up(max(pct), 0) == "50"
    x = d[d.ARMCD == "ALT0603"]  # "ALT0603 mean (SD) hSS reduction 2.9 (3.4)"
    assert (half_up(-x.CHG.mean(), 1), half_up(x.CHG.std(ddof=1), 1)) == ("2.9", "3.4")


def test_bds_structure(data):
    adsl, adeff, adpd = data
    for df in (adeff, adpd):
        anl = df[df.ANL01FL == "Y"]
        assert not anl.duplicated(["USUBJID", "PARAMCD", "APERIOD", "AVISIT"]).any()
        post = df[(df.ABLFL != "Y") & df.AVAL.notna()]
        assert (post.CHG - (post.AVAL - post.BASE)).abs().max() < 1e-9
        ok = post[post.BASE != 0]
        assert (ok.PCHG - 100 * ok.CHG / ok.BASE).abs().max() < 1e-9
        assert post[post.BASE == 0].PCHG.isna().all()
        assert df[df.ABLFL == "Y"].CHG.isna().all()
    assert set(adeff.PARAMCD) == {"CLASI", "HSS", "PGA", "TJC", "SJC"}
    assert set(adpd.PARAMCD) == set(MARKERS)
    assert set(adpd.AVISIT) == {"Baseline", "Day 29", "Day 57", "Final Visit"}
    de = {"Baseline", "Day 15", "Day 29", "Day 57", "Day 85", "Follow-up Week 4", "Follow-up Week 12"}
    assert set(adeff[adeff.APERIOD == 1].AVISIT) == de | {"Unscheduled"}
    assert (adeff[adeff.AVISIT == "Unscheduled"].ANL01FL == "").all()
    assert {"ATEP Baseline", "ATEP Week 1", "ATEP Week 96"} <= set(adeff[adeff.APERIOD == 2].AVISIT)


def test_baselines_are_adsl_baselines(data):
    adsl, adeff, _ = data
    sl = adsl.set_index("USUBJID")
    for code, var in (("CLASI", "CLASP"), ("HSS", "HSSP"), ("PGA", "PGAP"), ("TJC", "TJCP"), ("SJC", "SJCP")):
        for period in (1, 2):
            recs = adeff[(adeff.PARAMCD == code) & (adeff.APERIOD == period)]
            want = sl.loc[recs.USUBJID, f"{var}0{period}"].to_numpy()
            assert (recs.BASE.to_numpy() == want).all(), (code, period)
            bl = recs[recs.ABLFL == "Y"]
            assert (bl.AVAL == bl.BASE).all()
            assert set(bl.USUBJID) == set(sl.index[sl[f"{var}0{period}"].notna()])


def test_nobody_contributes_after_leaving(data):
    adsl, adeff, adpd = data
    sl = adsl.set_index("USUBJID")
    for df in (adeff, adpd):
        for period in (1, 2):
            recs = df[df.APERIOD == period]
            status = sl.loc[recs.USUBJID, f"EOP0{period}STT"].to_numpy()
            end = sl.loc[recs.USUBJID, f"TR0{period}EDT"].to_numpy()
            left = status == "DISCONTINUED"
            assert (recs.ADT.to_numpy()[left] <= end[left]).all(), period
    # completers of dose escalation who went on to the extension: no follow-up visit after its start
    fu = adeff[adeff.AVISIT.str.startswith("Follow-up")]
    for subj, adt in zip(fu.USUBJID, fu.ADT, strict=True):
        start2 = sl.loc[subj, "TR02SDT"]
        assert pd.isna(start2) or adt < start2, subj
    # day 85 exists exactly for the completers
    d85 = _d85(adeff, "HSS")
    assert set(d85.USUBJID) == set(sl.index[sl.EOP01STT == "COMPLETED"])


def test_pd_population_and_markers(data):
    adsl, _, adpd = data
    assessed = adpd[adpd.AVAL.notna()].USUBJID.nunique()
    assert assessed == 40 and len(adsl) == 42  # one patient never sampled, one unevaluable
    final = adpd[(adpd.AVISIT == "Final Visit") & adpd.PCHG.notna()]
    mean = final.groupby(["PARAMCD", "ARMCD"]).PCHG.mean().unstack()[ARMS]
    for marker in ("BCD20", "BIMM", "PDC"):  # B cells and pDCs fall strongly, most at 0.6 mg QD
        row = mean.loc[marker]
        assert row.PBO > -10 and (row[ARMS[1:]] < -20).all() and row.QD06 == row.min(), marker
        assert row.QOD03 > row.QD06
    assert (mean.loc["CD4T"].abs() < 10).all()  # CD4+ T cells: no change
    assert mean.loc["CD8T"].QD06 == mean.loc["CD8T"].max() > 10  # CD8+: a trend up at 0.6 mg QD
