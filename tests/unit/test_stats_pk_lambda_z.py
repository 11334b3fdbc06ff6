"""lambda_z selection: the WinNonlin "best fit" rule, checked against a brute-force re-implementation
of the rule as Phoenix documents it (tests/unit/_nca_independent.py), plus the edge cases the issue
names: ties within 1e-4, Cmax at the last point, fewer than 3 points after Cmax; manual selection and
exclusion."""

import math
import random

import pytest

from tests.unit import _nca_independent as ind
from tlf.stats.lambda_z import best_fit, fit_points
from tlf.stats.nca import NcaOptions, nca_profile

K = 0.1
TIMES = [0.0, 1.0, 2.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0]


def profile(e8=0.0, e6=0.0):
    """Absorption to Cmax at 4 h, then 20 exp(-0.1 t) with the 8 h and 6 h points raised by e8, e6."""
    c = [0.0, 5.0, 10.0] + [20 * math.exp(-K * t) for t in TIMES[3:]]
    c[5] *= 1 + e8
    c[4] *= 1 + e6
    return TIMES, c


def r2adj_of_last(t, c, n):
    return ind.regression(t[-n:], c[-n:])[2]


def test_tie_within_tolerance_prefers_more_points():
    t, c = profile(e8=0.01, e6=0.2)
    # premise, by the independent regression: the 3-point fit is the best (exact line), the 4-point fit is
    # 4.2e-5 below it (a tie), the 5-point fit is far below
    best3, r4, r5 = (r2adj_of_last(t, c, n) for n in (3, 4, 5))
    assert best3 - r4 < 1e-4 < best3 - r5
    r = nca_profile(t, c)
    assert r.lamznpt == 4 and r.lamzll == 8.0
    assert r.lamz == pytest.approx(ind.regression(t[-4:], c[-4:])[0], rel=1e-12)
    assert r.r2adj == pytest.approx(r4, abs=1e-12)


def test_no_tie_keeps_the_best():
    t, c = profile(e8=0.03, e6=0.2)
    assert r2adj_of_last(t, c, 3) - r2adj_of_last(t, c, 4) > 1e-4
    r = nca_profile(t, c)
    assert r.lamznpt == 3 and r.lamz == pytest.approx(K, rel=1e-12)


def test_all_within_tolerance_takes_all_points_after_cmax():
    t, c = profile(e8=0.01)
    r = nca_profile(t, c)
    assert r.lamznpt == 5 and (r.lamzll, r.lamzul) == (6.0, 24.0)  # Cmax (4 h) itself is not used


def test_tolerance_is_an_option():
    t, c = profile(e8=0.01, e6=0.2)
    assert nca_profile(t, c, options=NcaOptions(lambda_z_tolerance=0.0)).lamznpt == 3


def test_cmax_at_last_point_is_not_estimable():
    r = nca_profile([0, 1, 2, 4], [0.0, 1.0, 2.0, 3.0], dose=10)
    assert math.isnan(r.lamz) and math.isnan(r.aucifo) and math.isnan(r.clfo)
    assert "Cmax is at the last sample" in r.reason("LAMZ")
    assert r.reason("AUCIFO").startswith("lambda_z not estimable")
    assert r.auclast == pytest.approx(0.5 + 1.5 + 5.0)  # what needs no lambda_z is still there


@pytest.mark.parametrize("after", [0, 1, 2])
def test_fewer_than_three_points_after_cmax(after):
    t = [0.0, 1.0, 2.0, 3.0, 4.0][: 3 + after]
    c = [0.0, 2.0, 8.0, 4.0, 2.0][: 3 + after]
    r = nca_profile(t, c)
    assert math.isnan(r.lamz) and math.isnan(r.lamzhl) and math.isnan(r.lamznpt)
    if not after:
        assert "Cmax is at the last sample" in r.reason("LAMZ")
    else:
        assert f"{after} point(s) after Cmax, 3 needed" in r.reason("LAMZ")


def test_zero_and_blq_points_after_cmax_do_not_count():
    # 3 samples after Cmax but one is BLQ (between measurable -> missing): only 2 usable points
    r = nca_profile([0, 1, 2, 4, 8], [0.0, 8.0, 4.0, 0.0, 1.0], blq=[False, False, False, True, False])
    assert "2 point(s) after Cmax" in r.reason("LAMZ")


def test_rising_terminal_phase_is_not_estimable():
    r = nca_profile([0, 1, 2, 3, 4, 5], [0.0, 9.0, 4.0, 5.0, 6.0, 7.0])
    assert "negative slope" in r.reason("LAMZ")


def test_manual_selection():
    t, c = profile(e8=0.01, e6=0.2)
    chosen = (6.0, 8.0, 12.0, 24.0)  # not a run of last points; 16 h left out on purpose
    r = nca_profile(t, c, options=NcaOptions(lambda_z_times=chosen))
    pts = [(ti, ci) for ti, ci in zip(t, c, strict=True) if ti in chosen]
    lz, r2, r2adj = ind.regression([p[0] for p in pts], [p[1] for p in pts])
    assert r.lamz == pytest.approx(lz, rel=1e-12)
    assert r.r2 == pytest.approx(r2, abs=1e-12) and r.r2adj == pytest.approx(r2adj, abs=1e-12)
    assert (r.lamznpt, r.lamzll, r.lamzul) == (4, 6.0, 24.0)
    assert r.lambda_z_fit.method == "manual" and r.lambda_z_fit.times == chosen


def test_manual_selection_of_absent_time_is_not_estimable():
    t, c = profile()
    r = nca_profile(t, c, options=NcaOptions(lambda_z_times=(8.0, 12.0, 30.0)))
    assert "not among the samples: 30" in r.reason("LAMZ")


def test_exclusion_by_option_and_by_flag():
    t, c = profile(e8=0.03, e6=0.2)
    # excluding 12 h leaves 6, 8, 16, 24 after Cmax; the brute force picks from those
    keep = [(ti, ci) for ti, ci in zip(t, c, strict=True) if ti != 12.0]
    lz, n = ind.best_fit([p[0] for p in keep], [p[1] for p in keep])
    r = nca_profile(t, c, options=NcaOptions(lambda_z_exclude=(12.0,)))
    assert (r.lamz, r.lamznpt) == (pytest.approx(lz, rel=1e-12), n)
    assert 12.0 not in r.lambda_z_fit.times
    flagged = nca_profile(t, c, lz_exclude=[ti == 12.0 for ti in t])
    assert flagged.lamz == r.lamz
    # excluded from lambda_z only: AUC is unchanged
    assert flagged.auclast == nca_profile(t, c).auclast


def test_include_cmax_for_bolus():
    t, c = [0.0, 1.0, 2.0, 4.0], [10.0, 5.0, 2.5, 0.625]  # exact halving: k = ln 2
    assert nca_profile(t, c).lamznpt == 3
    r = nca_profile(t, c, options=NcaOptions(lambda_z_include_cmax=True))
    assert r.lamznpt == 4 and r.lamz == pytest.approx(math.log(2), rel=1e-12)


def test_random_profiles_match_brute_force():
    rng = random.Random(20240611)
    times = [0, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24]
    checked = 0
    for _ in range(300):
        ka, k = rng.uniform(0.3, 3), rng.uniform(0.03, 0.4)
        c = [max(0.0, 10 * (math.exp(-k * t) - math.exp(-ka * t)) * math.exp(rng.gauss(0, 0.15))) for t in times]
        ref = ind.best_fit(times, c)
        r = nca_profile(times, c)
        if ref is None:
            assert math.isnan(r.lamz)
            continue
        assert r.lamznpt == ref[1]
        assert r.lamz == pytest.approx(ref[0], rel=1e-9)
        checked += 1
    assert checked > 250


def test_best_fit_and_fit_points_directly():
    t = [2.0, 4.0, 8.0]
    c = [8.0, 4.0, 1.0]  # ln C falls 0.347/h then 0.347/h: exactly one line
    f = best_fit(t, c)
    assert f.lambda_z == pytest.approx(math.log(2) / 2, rel=1e-12) and f.n_points == 3
    assert f.predict(2.0) == pytest.approx(8.0, rel=1e-12)
    g = fit_points(t, c)
    assert g.lambda_z == pytest.approx(f.lambda_z, rel=1e-12) and g.intercept == pytest.approx(f.intercept)
    assert not best_fit(t[:2], c[:2]).estimable
    assert "zero, BLQ or missing" in fit_points([1, 2, 3], [2.0, 0.0, 1.0]).reason
