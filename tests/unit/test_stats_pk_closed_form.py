"""NCA against closed forms: a mono-exponential decline (exact lambda_z, half-life and, with log-down
areas, exact AUC) and a set of straight segments where both AUC methods are worked out by hand."""

import math

import pytest

from tests.unit._nca_independent import auc_linear, auc_linear_to
from tlf.stats.nca import NcaOptions, NcaUnits, nca_profile

C0, K, DOSE = 20.0, 0.1, 100.0
TIMES = [0.0, 0.5, 1.0, 2.0, 4.0, 6.0, 8.0, 12.0, 24.0]


def exp_conc(times, c0=C0, k=K):
    return [c0 * math.exp(-k * t) for t in times]


@pytest.fixture
def mono():
    return TIMES, exp_conc(TIMES)


@pytest.mark.parametrize("method", ["linear", "linlog"])
def test_mono_exponential_lambda_z_is_k(mono, method):
    t, c = mono
    r = nca_profile(t, c, dose=DOSE, options=NcaOptions(auc_method=method))
    # Cmax at t = 0, so lambda_z uses the 8 points after it; all lie on one line: R^2 = 1, and the tie
    # rule takes the most points.
    assert r.lamz == pytest.approx(K, rel=1e-12)
    assert r.lamzhl == pytest.approx(math.log(2) / K, rel=1e-12)
    assert r.lamznpt == 8
    assert (r.lamzll, r.lamzul) == (0.5, 24.0)
    assert r.r2 == pytest.approx(1.0, abs=1e-12) and r.r2adj == pytest.approx(1.0, abs=1e-12)
    assert r.lamzspn == pytest.approx((24.0 - 0.5) / (math.log(2) / K), rel=1e-12)
    assert (r.cmax, r.tmax, r.tlast) == (C0, 0.0, 24.0)
    assert r.clast == pytest.approx(C0 * math.exp(-K * 24))


def test_mono_exponential_log_down_auc_is_exact(mono):
    t, c = mono
    r = nca_profile(t, c, dose=DOSE, options=NcaOptions(auc_method="linlog"))
    tlast = t[-1]
    # integral of C0 exp(-k t) from 0 to tlast, and to infinity
    assert r.auclast == pytest.approx(C0 / K * (1 - math.exp(-K * tlast)), rel=1e-12)
    assert r.aucifo == pytest.approx(C0 / K, rel=1e-12)
    assert r.aucpeo == pytest.approx(100 * math.exp(-K * tlast), rel=1e-10)
    assert r.clfo == pytest.approx(DOSE * K / C0, rel=1e-12)  # Dose / AUCinf
    assert r.vzfo == pytest.approx(DOSE / C0, rel=1e-12)  # Dose / (lambda_z AUCinf)


def test_mono_exponential_linear_auc_by_hand(mono):
    t, c = mono
    r = nca_profile(t, c, dose=DOSE, options=NcaOptions(auc_method="linear"))
    by_hand = sum((c[i] + c[i + 1]) / 2 * (t[i + 1] - t[i]) for i in range(len(t) - 1))
    assert r.auclast == pytest.approx(by_hand, rel=1e-13)
    assert r.aucifo == pytest.approx(by_hand + c[-1] / K, rel=1e-12)
    # the linear trapezoid overestimates a convex decline
    assert r.auclast > C0 / K * (1 - math.exp(-K * t[-1]))


# straight segments: up 0 -> 4 -> 8, plateau 8 -> 8, down 8 -> 6 -> 3 -> 1.5, up again 1.5 -> 2, down to 1
SEG_T = [0.0, 1.0, 2.0, 3.0, 5.0, 7.0, 9.0, 10.0, 14.0]
SEG_C = [0.0, 4.0, 8.0, 8.0, 6.0, 3.0, 1.5, 2.0, 1.0]


def test_segments_linear_by_hand():
    r = nca_profile(SEG_T, SEG_C, options=NcaOptions(auc_method="linear"))
    #   0-1: (0+4)/2*1 = 2      1-2: (4+8)/2*1 = 6     2-3: 8*1 = 8      3-5: (8+6)/2*2 = 14
    #   5-7: (6+3)/2*2 = 9      7-9: (3+1.5)/2*2 = 4.5 9-10: (1.5+2)/2*1 = 1.75  10-14: (2+1)/2*4 = 6
    assert r.auclast == pytest.approx(2 + 6 + 8 + 14 + 9 + 4.5 + 1.75 + 6, rel=1e-14)
    assert (r.cmax, r.tmax) == (8.0, 2.0)  # the first time of the maximum


def test_segments_linear_up_log_down_by_hand():
    r = nca_profile(SEG_T, SEG_C, options=NcaOptions(auc_method="linlog"))
    up = 2 + 6 + 8 + 1.75  # rising and flat segments stay linear
    down = ((8 - 6) * 2 / math.log(8 / 6) + (6 - 3) * 2 / math.log(2) + (3 - 1.5) * 2 / math.log(2)
            + (2 - 1) * 4 / math.log(2))
    assert r.auclast == pytest.approx(up + down, rel=1e-14)


def test_falling_to_zero_stays_linear_in_log_down():
    # a measured zero inside the profile (BLQ "zero" rule) cannot take a log: that segment is linear
    t, c = [0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 4.0, 2.0, 0.0, 1.0]
    r = nca_profile(t, c, blq=[False, False, False, True, False],
                    options=NcaOptions(auc_method="linlog", blq_between="zero"))
    assert r.auclast == pytest.approx(2 + (4 - 2) / math.log(2) + 1 + 0.5, rel=1e-14)


@pytest.mark.parametrize("tau", [5.0, 10.0, 24.0])
def test_auctau_log_down_on_exponential_is_exact(mono, tau):
    t, c = mono
    r = nca_profile(t, c, dose=DOSE, options=NcaOptions(auc_method="linlog", tau=tau))
    exact = C0 / K * (1 - math.exp(-K * tau))  # interpolation inside (5, 10) and a sample at 24
    assert r.auctau == pytest.approx(exact, rel=1e-12)
    assert r.cavg == pytest.approx(exact / tau, rel=1e-12)
    assert r.clftau == pytest.approx(DOSE / exact, rel=1e-12)


def test_auctau_beyond_tlast_is_extrapolated_with_lambda_z(mono):
    t, c = mono
    tau = 36.0  # after the last sample (24 h)
    for method in ("linear", "linlog"):
        r = nca_profile(t, c, options=NcaOptions(auc_method=method, tau=tau))
        tail = c[-1] / K * (1 - math.exp(-K * (tau - 24.0)))
        assert r.auctau == pytest.approx(r.auclast + tail, rel=1e-12)
    assert r.ctrough != r.ctrough and "no sample at time 36" in r.reason("CTROUGH")


def test_auctau_linear_interpolation_by_hand(mono):
    t, c = mono
    r = nca_profile(t, c, options=NcaOptions(auc_method="linear", tau=10.0))
    assert r.auctau == pytest.approx(auc_linear_to(t, c, 10.0), rel=1e-13)
    r = nca_profile(t, c, options=NcaOptions(auc_method="linear", tau=12.0))  # a sample at tau
    assert r.auctau == pytest.approx(auc_linear(t[:8], c[:8]), rel=1e-13)
    assert r.ctrough == c[7]


def test_auc_starts_at_the_dose():
    # no sample at time 0: a first dose gets C(0) = 0 (WinNonlin), so AUC gains the triangle 0..1
    t, c = [1.0, 2.0, 4.0], [4.0, 3.0, 1.0]
    r = nca_profile(t, c)
    assert r.auclast == pytest.approx(4 / 2 * 1 + (4 + 3) / 2 + (3 + 1) / 2 * 2)
    assert any("time 0" in n for n in r.notes)
    r = nca_profile(t, c, options=NcaOptions(impute_start="none"))
    assert r.auclast == pytest.approx((4 + 3) / 2 + (3 + 1) / 2 * 2)
    r = nca_profile(t, c, options=NcaOptions(impute_start="cmin"))  # steady state: the profile's minimum
    assert r.auclast == pytest.approx((1 + 4) / 2 + (4 + 3) / 2 + (3 + 1) / 2 * 2)
    r = nca_profile([-0.5, *t], [0.6, *c], options=NcaOptions(impute_start="predose"))
    assert r.auclast == pytest.approx((0.6 + 4) / 2 + (4 + 3) / 2 + (3 + 1) / 2 * 2)


def test_units_and_clearance_scaling():
    t, c = TIMES, exp_conc(TIMES)
    o = NcaOptions(auc_method="linlog", units=NcaUnits(time="h", conc="ng/mL", dose="mg"))
    r = nca_profile(t, c, dose=DOSE, options=o)
    # 100 mg / (200 h*ng/mL) = 0.5 mg*mL/(ng*h) = 0.5e6 mL/h = 500 L/h
    assert r.clfo == pytest.approx(DOSE / (C0 / K) * 1e6 / 1e3, rel=1e-12)
    units = {row["PPTESTCD"]: row["PPSTRESU"] for row in r.to_adpp()}
    assert units["AUCIFO"] == "h*ng/mL" and units["CLFO"] == "L/h" and units["VZFO"] == "L"
    assert units["LAMZ"] == "1/h" and units["AUCPEO"] == "%" and units["LAMZNPT"] == ""
    odd = NcaUnits(time="h", conc="mg/L", dose="mg/kg")  # not a mass: no scaling, compound unit
    r2 = nca_profile(t, c, dose=DOSE, options=NcaOptions(auc_method="linlog", units=odd))
    assert r2.clfo == pytest.approx(DOSE * K / C0, rel=1e-12)
    assert {row["PPTESTCD"]: row["PPSTRESU"] for row in r2.to_adpp()}["CLFO"] == "mg/kg/(h*mg/L)"
