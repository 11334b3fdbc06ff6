"""The theophylline data (../shared/data/theoph, R's Theoph) against Phoenix WinNonlin's published NCA,
and the theophylline multiple-dose example (../shared/data/theoph_multidose) against an independent
re-implementation. Skipped when ../shared/data is absent.

Reference: tests/reference/nca/winnonlin_results.csv, the WinNonlin 6.3/7.0 results printed in the
NonCompart validation report (asancpt/NonCompart-tests, validation.md; see the README next to the CSV):
12 subjects, flat dose 320 mg, extravascular, best-fit lambda_z, linear and linear-up/log-down AUC.
"""

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SHARED
from tests.unit._nca_independent import auc_linear, auc_linear_to
from tlf.stats.nca import NcaOptions, NcaUnits
from tlf.stats.pk import nca_dataset, nca_results

THEOPH = SHARED / "data" / "theoph" / "theoph.csv"
MULTI = SHARED / "data" / "theoph_multidose" / "multidose.csv"
REF = Path(__file__).resolve().parents[1] / "reference" / "nca" / "winnonlin_results.csv"
UNITS = NcaUnits(time="h", conc="mg/L", dose="mg")

needs_theoph = pytest.mark.skipif(not THEOPH.exists(), reason="../shared/data/theoph not present")
needs_multi = pytest.mark.skipif(not MULTI.exists(), reason="../shared/data/theoph_multidose not present")


def winnonlin(method):
    with REF.open() as f:
        return {(int(r["Subject"]), r["PPTESTCD"]): float(r["value"]) for r in csv.DictReader(f)
                if r["method"] == method}


@needs_theoph
@pytest.mark.parametrize("method", ["linear", "linlog"])
def test_theoph_matches_winnonlin(method):
    data = pd.read_csv(THEOPH).assign(DOSE=320.0)
    adpp = nca_dataset(data, subject="Subject", time="Time", conc="conc", dose="DOSE",
                       options=NcaOptions(auc_method=method, units=UNITS))
    got = {(int(s), code): v for s, code, v in adpp[["USUBJID", "PPTESTCD", "PPSTRESN"]].itertuples(index=False)}
    ref = winnonlin(method)
    assert len(ref) == 12 * 16
    wrong = {k: (got[k], v) for k, v in ref.items() if got[k] != pytest.approx(v, rel=1e-6, abs=1e-6)}
    assert not wrong, wrong


@needs_theoph
def test_theoph_flags_and_units():
    data = pd.read_csv(THEOPH).assign(DOSE=320.0)
    adpp = nca_dataset(data, subject="Subject", time="Time", conc="conc", dose="DOSE",
                       options=NcaOptions(units=UNITS))
    one = adpp[adpp.USUBJID == "1"].set_index("PPTESTCD")
    # subject 1: 31 % of AUCinf extrapolated and lambda_z over 1.07 half-lives: both flagged
    assert one.loc["AUCIFO", ["AUCPEOFL", "SPANFL", "UNRELFL"]].tolist() == ["Y", "Y", "Y"]
    assert one.loc["CMAX", "UNRELFL"] == "" and one.loc["CMAX", "R2ADJFL"] == ""
    assert one.loc["AUCIFO", "PPSTRESU"] == "h*mg/L" and one.loc["CLFO", "PPSTRESU"] == "L/h"
    two = adpp[adpp.USUBJID == "2"].set_index("PPTESTCD")
    assert (two[["R2ADJFL", "AUCPEOFL", "SPANFL", "UNRELFL"]] == "").all().all()


def day1_auc0_24(t, c, lz, tlast, clast):
    """Independent AUC0-24 of a day-1 profile: linear trapezoid, linear interpolation at 24 h, or the
    lambda_z tail when the last sample is before 24 h."""
    if t[-1] >= 24:
        return auc_linear_to(t, c, 24.0)
    return auc_linear(t, c) + clast / lz * (1 - math.exp(-lz * (24 - tlast)))


@needs_multi
def test_theoph_multidose_auctau_and_accumulation():
    data = pd.read_csv(MULTI).assign(DOSE=320.0, DOSETIME=lambda d: (d.Day == 6) * 120.0)
    results = nca_results(data, subject="Subject", profile=["Day"], time="time", conc="conc", dose="DOSE",
                          dose_time="DOSETIME", options=NcaOptions(tau=24.0, units=UNITS),
                          reference={"Day": 1})
    ref = winnonlin("linear")  # day 1 is the Theoph profile: its lambda_z is WinNonlin's
    by = {(int(r.usubjid), dict(r.keys)["Day"]): r for r in results}
    assert len(by) == 24
    for s in range(1, 13):
        d1 = data[(data.Subject == s) & (data.Day == 1)]
        d6 = data[(data.Subject == s) & (data.Day == 6)]
        auc1 = day1_auc0_24(d1.time.tolist(), d1.conc.tolist(), ref[s, "LAMZ"], ref[s, "TLST"], ref[s, "CLST"])
        t6 = (d6.time - 120).tolist()
        assert t6[0] == 0 and t6[-1] == 24
        auc6 = auc_linear(t6, d6.conc.tolist())
        r1, r6 = by[s, 1], by[s, 6]
        # lambda_z is printed to 7 digits in the reference: the extrapolated tails agree to ~1e-6
        assert r1.result.auctau == pytest.approx(auc1, rel=1e-6)
        assert r6.result.auctau == pytest.approx(auc6, rel=1e-12)
        assert r6.result.ctrough == d6.conc.iloc[-1]
        assert r1.ratios is None  # the reference profile itself
        assert r6.ratios.arauc == pytest.approx(auc6 / auc1, rel=1e-6)
        assert r6.ratios.arcmax == pytest.approx(d6.conc.max() / d1.conc.max(), rel=1e-12)
        # no day-1 sample exactly at 24 h: Ctrough and its ratio are NE, with the reason
        assert math.isnan(r1.result.ctrough) and "no sample at time 24" in r1.result.reason("CTROUGH")
        assert "reference Ctrough not estimable" in r6.ratios.reasons["ARCTROUG"]
    # subjects 6 and 10 end before 24 h on day 1: their AUC0-24 needed lambda_z
    assert by[6, 1].result.tlast < 24 and by[10, 1].result.tlast < 24


@needs_multi
def test_theoph_multidose_adpp_rows():
    data = pd.read_csv(MULTI).assign(DOSE=320.0, DOSETIME=lambda d: (d.Day == 6) * 120.0)
    adpp = nca_dataset(data, subject="Subject", profile=["Day"], time="time", conc="conc", dose="DOSE",
                       dose_time="DOSETIME", options=NcaOptions(tau=24.0, units=UNITS), reference={"Day": 1})
    assert not adpp.duplicated(["USUBJID", "Day", "PPTESTCD"]).any()
    day6 = set(adpp[adpp.Day == 6].PPTESTCD)
    assert {"AUCTAU", "CTROUGH", "CAVG", "CLFTAU", "ARAUC", "ARCMAX", "ARCTROUG"} <= day6
    assert "ARAUC" not in set(adpp[adpp.Day == 1].PPTESTCD)
