"""Synthetic study A concentrations (tlf.examples.study_a_pk, adpc.xpt) against the study facts.

The facts (cc220-sle-001.md): sparse pre-dose samples on days 15, 29, 57, 85 for every patient on
treatment, intensive profiles on days 1 and 29 for 4 patients per active arm; placebo all BLQ; median
Tmax 2-6 h, geometric mean t1/2 about 8-12 h, about 1.6-fold accumulation of AUC and Cmax in the
non-alternating arms, exposure rising with dose. The PK parameters are computed here by the plain
re-implementation in tests/unit/_nca_independent.py (no tlf code), from the committed file.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from tests.unit import _nca_independent as ind

pyreadstat = pytest.importorskip("pyreadstat")

DATA = Path(__file__).resolve().parents[2] / "tlf" / "examples" / "data" / "study_a"
ACTIVE = ["Iberdomide 0.3 mg QOD", "Iberdomide 0.3 mg QD", "Iberdomide 0.6/0.3 mg ALTN", "Iberdomide 0.6 mg QD"]
NON_ALTERNATING = ["Iberdomide 0.3 mg QOD", "Iberdomide 0.3 mg QD", "Iberdomide 0.6 mg QD"]
INTENSIVE_NOMINAL = [0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 24.0]


@pytest.fixture(scope="module")
def adpc() -> pd.DataFrame:
    return pyreadstat.read_xport(str(DATA / "adpc.xpt"))[0]


@pytest.fixture(scope="module")
def adsl() -> pd.DataFrame:
    return pyreadstat.read_xport(str(DATA / "adsl.xpt"))[0]


@pytest.fixture(scope="module")
def adex() -> pd.DataFrame:
    return pyreadstat.read_xport(str(DATA / "adex.xpt"))[0]


def gmean(xs) -> float:
    xs = [x for x in xs if not math.isnan(x)]
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


@pytest.fixture(scope="module")
def params(adpc) -> pd.DataFrame:
    """Independent NCA of every intensive profile: Cmax, Tmax, AUC(0-tlast), lambda_z, t1/2."""
    rows = []
    inten = adpc[(adpc.PKINTFL == "Y") & adpc.AVISITN.isin([1, 29])]
    for (usubjid, day), g in inten.groupby(["USUBJID", "AVISITN"]):
        g = g.sort_values("ARRLT")
        post = g[g.ARRLT >= 0]
        ts = [0.0, *post.ARRLT]
        pre = g[g.ARRLT < 0].AVAL.fillna(0.0)  # BLQ before the dose counts as 0
        cs = [float(pre.iloc[-1]) if day == 29 else 0.0, *post.AVAL]
        assert not any(math.isnan(c) for c in cs[1:]), usubjid  # no BLQ after an active dose
        i_max = max(range(1, len(cs)), key=lambda i: (cs[i], -i))
        fit = ind.best_fit(ts[1:], cs[1:])  # None: fewer than 3 points after Cmax
        rows.append({"USUBJID": usubjid, "TRTA": g.TRTA.iloc[0], "DAY": int(day), "CMAX": cs[i_max],
                     "TMAX": ts[i_max], "AUC": ind.auc_linlog(ts, cs),
                     "HL": math.log(2) / fit[0] if fit else math.nan})
    return pd.DataFrame(rows)


def test_committed_file_equals_fresh_generation(tmp_path, adpc):
    from tlf.examples import study_a

    paths = study_a.generate(tmp_path)
    fresh, meta = pyreadstat.read_xport(str(paths["adpc"]))
    pd.testing.assert_frame_equal(fresh, adpc)
    assert meta.original_variable_types["ADTM"].startswith("DATETIME")
    for col in fresh.columns:
        assert len(col) <= 8 and 0 < len(meta.column_names_to_labels[col]) <= 40


def test_schedule(adpc, adsl, adex):
    assert (adpc.PARAMCD == "IBER").all() and (adpc.APERIOD == 1).all()
    intensive = adpc[adpc.PKINTFL == "Y"]
    per_arm = intensive.groupby("TRTA").USUBJID.nunique().to_dict()
    assert per_arm == dict.fromkeys(ACTIVE, 4)
    for _, g in intensive.groupby("USUBJID"):
        for day in (1, 29):
            assert sorted(g[g.AVISITN == day].NRRLT) == INTENSIVE_NOMINAL
    assert set(adpc.AVISITN) == {1, 15, 29, 57, 85}
    assert set(adpc[adpc.PKINTFL == "N"].AVISITN) == {15, 29, 57, 85}
    assert not adpc.duplicated(["USUBJID", "AVISITN", "NRRLT"]).any()
    # nominal and actual times agree within the windows; pre-dose samples are before the dose
    pre = adpc.NRRLT == 0
    assert (adpc.ARRLT[pre] < 0).all() and (adpc.ARRLT[pre] > -1).all()
    post = adpc[~pre]
    late = post.NRRLT == 6
    assert post.ARRLT[late].between(6, 8).all()
    assert ((post.ARRLT - post.NRRLT).abs()[~late] <= 0.75).all()
    # sampled only while on treatment: never after the last dose; everyone dosed through a visit has it
    last = adex[adex.APERIOD == 1].groupby("USUBJID").AENDT.max()
    m = adpc.merge(adsl[["USUBJID", "TR01SDT"]], on="USUBJID")
    day = (pd.to_datetime(m.ADTM).dt.normalize() - pd.to_datetime(m.TR01SDT)).dt.days + 1
    assert (day == m.ADY).all()
    sample_day = m.ADY - (m.NRRLT == 24)  # the 24-h sample is drawn the next morning, before that day's dose
    last_day = (pd.to_datetime(m.USUBJID.map(last)) - pd.to_datetime(m.TR01SDT)).dt.days + 1
    assert (sample_day <= last_day).all()
    visits = adpc[adpc.NRRLT == 0].groupby("USUBJID").AVISITN.apply(set)
    for s in adsl.itertuples():
        n_days = (last[s.USUBJID] - s.TR01SDT).days + 1
        expect = {v for v in (15, 29, 57) if n_days >= v + 2} | ({85} if n_days >= 80 else set())
        got = visits.get(s.USUBJID, set()) - {1}
        assert expect <= got <= expect | {v for v in (15, 29, 57) if n_days >= v - 2}, s.USUBJID
    # the patient who stopped on day 8 has no sample, so is not in the PK population
    assert 0 < adsl.USUBJID.isin(adpc.USUBJID).sum() < 42


def test_blq_and_placebo(adpc):
    blq = adpc.BLQFL == "Y"
    assert set(adpc.BLQFL) == {"Y", "N"}
    assert (adpc.PCLLOQ == 0.05).all()
    assert adpc.AVAL[blq].isna().all() and (adpc.AVALC[blq] == "BLQ").all()
    assert (adpc.AVAL[~blq] >= 0.05).all()
    assert (adpc.AVALC[~blq].astype(float) == adpc.AVAL[~blq]).all()
    pbo = adpc[adpc.TRTA == "Placebo"]
    assert len(pbo) > 0 and (pbo.BLQFL == "Y").all() and (pbo.DOSEA == 0).all()
    active = adpc[adpc.TRTA != "Placebo"]
    assert (active.DOSEA > 0).all()
    # day-1 pre-dose samples (before any drug) are BLQ; every later active sample is measurable
    assert (active[(active.AVISITN == 1) & (active.NRRLT == 0)].BLQFL == "Y").all()
    assert (active[active.AVISITN > 1].BLQFL == "N").mean() > 0.9


def test_tmax_half_life(params):
    for (arm, day), g in params.groupby(["TRTA", "DAY"]):
        assert 2 <= g.TMAX.median() <= 6, (arm, day)
        assert 7 <= gmean(g.HL) <= 13, (arm, day, gmean(g.HL))  # each arm: 4 patients
    for day, g in params.groupby("DAY"):
        assert 8 <= gmean(g.HL) <= 12, day  # all 16 patients


def test_accumulation_in_non_alternating_arms(params):
    w = params.pivot_table(index=["TRTA", "USUBJID"], columns="DAY", values=["AUC", "CMAX"])
    ratios = {}
    for what in ("AUC", "CMAX"):
        r = (w[what][29] / w[what][1]).groupby(level="TRTA")
        ratios[what] = {arm: gmean(x) for arm, x in r}
        for arm in NON_ALTERNATING:
            assert 1.3 <= ratios[what][arm] <= 2.0, (what, arm, ratios[what][arm])
        pooled = (w[what][29] / w[what][1]).loc[NON_ALTERNATING]
        assert 1.45 <= gmean(pooled) <= 1.8, (what, gmean(pooled))


def test_exposure_rises_with_dose(params):
    d1 = params[params.DAY == 1].groupby("TRTA")
    cmax, auc = d1.CMAX.apply(gmean), d1.AUC.apply(gmean)
    low = ["Iberdomide 0.3 mg QOD", "Iberdomide 0.3 mg QD"]
    high = ["Iberdomide 0.6/0.3 mg ALTN", "Iberdomide 0.6 mg QD"]  # day 1: 0.6 mg in both
    assert min(cmax[high]) > max(cmax[low]) and min(auc[high]) > max(auc[low])
    # roughly dose-proportional: 0.6 mg over 0.3 mg QD
    assert 1.4 <= cmax["Iberdomide 0.6 mg QD"] / cmax["Iberdomide 0.3 mg QD"] <= 2.8
