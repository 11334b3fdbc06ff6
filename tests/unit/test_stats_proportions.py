"""tlf.stats.proportions against independent references:

- Newcombe RG (1998) "Interval estimation for the difference between independent proportions: comparison
  of eleven methods", Statistics in Medicine 17:873-890, Table II: the published 95% limits (4 decimals)
  of its eight example tables for method 10 (hybrid score, our `newcombe`) and method 6
  (Miettinen-Nurminen score, our `mn`). The values were read from Table II as quoted by the test suites
  of R package ratesci (petelaud/ratesci tests/testthat/test3.R, example (d)) and of mergeron_extra's
  proportions tests, which list the whole table.
- Newcombe RG (1998) "Two-sided confidence intervals for the single proportion: comparison of seven
  methods", Statistics in Medicine 17:857-872, Table I: 15/148, 0/20 and 1/29 by Clopper-Pearson and
  Wilson (quoted by ratesci's test3.R).
- R binom.test (Clopper-Pearson) and prop.test(correct = FALSE) (Wilson), run live by
  tests/reference/proportions/one_proportion.R when Rscript is there, and its saved one_proportion.csv.
- Closed forms (Wald, log relative risk, Woolf's odds ratio) computed here by hand.
- The MN limits' defining property, checked by an independent evaluation of the score statistic: the
  restricted maximum likelihood estimates found by numerical maximisation of the binomial likelihood
  (scipy), not the closed-form cubic root tlf uses.
"""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
from pathlib import Path

import pytest

from tlf.errors import TlfError
from tlf.stats.proportions import (
    odds_ratio,
    proportion_ci,
    relative_risk,
    risk_difference,
    two_proportions,
)

REF = Path(__file__).resolve().parents[1] / "reference" / "proportions"
Z95 = 1.959963984540054

# Newcombe 1998 Table II: (x1, n1, x2, n2) -> (method 10 limits, method 6 (MN) limits)
TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339), (0.0528, 0.3382)),
    ((9, 10, 3, 10), (0.1705, 0.8090), (0.1700, 0.8406)),
    ((6, 7, 2, 7), (0.0582, 0.8062), (0.0342, 0.8534)),
    ((5, 56, 0, 29), (-0.0381, 0.1926), (-0.0326, 0.1933)),
    ((0, 10, 0, 20), (-0.1611, 0.2775), (-0.1658, 0.2844)),
    ((0, 10, 0, 10), (-0.2775, 0.2775), (-0.2879, 0.2879)),
    ((10, 10, 0, 20), (0.6791, 1.0000), (0.7156, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000), (0.6636, 1.0000)),
]


@pytest.mark.parametrize("counts,newcombe,mn", TABLE_II)
def test_two_proportion_intervals_match_newcombe_1998_table_ii(counts, newcombe, mn):
    x1, n1, x2, n2 = counts
    for method, published in (("newcombe", newcombe), ("mn", mn)):
        r = risk_difference(x1, n1, x2, n2, method=method)
        assert r.estimate == pytest.approx(x1 / n1 - x2 / n2)
        assert (round(r.lower, 4), round(r.upper, 4)) == pytest.approx(published, abs=1e-9), (method, counts)


@pytest.mark.parametrize("x,n,cp,wilson", [
    (15, 148, (0.0578, 0.1617), (0.0624, 0.1605)),
    (0, 20, (0.0, 0.1684), (0.0, 0.1611)),
    (1, 29, (0.0009, 0.1776), (0.0061, 0.1718)),
])
def test_one_proportion_matches_newcombe_1998_table_i(x, n, cp, wilson):
    for method, published in (("clopper-pearson", cp), ("wilson", wilson)):
        r = proportion_ci(x, n, method)
        assert (round(r.lower, 4), round(r.upper, 4)) == pytest.approx(published, abs=1e-9)


def _r_rows(path: Path) -> list[dict]:
    with open(path) as f:
        return list(csv.DictReader(f))


def _check_one_proportion(rows: list[dict]) -> None:
    assert len(rows) >= 20
    for r in rows:
        got = proportion_ci(int(float(r["x"])), int(float(r["n"])), r["method"], float(r["conf_level"]))
        for k in ("lower", "upper"):
            assert getattr(got, k) == pytest.approx(float(r[k]), rel=1e-12, abs=1e-14), (r, k)


def test_one_proportion_matches_saved_r():
    _check_one_proportion(_r_rows(REF / "one_proportion.csv"))


def test_one_proportion_matches_r_live(tmp_path):
    if not shutil.which("Rscript"):
        pytest.skip("Rscript is absent")
    out = tmp_path / "one.csv"
    subprocess.run(["Rscript", str(REF / "one_proportion.R"), str(out)], check=True, capture_output=True)
    _check_one_proportion(_r_rows(out))


@pytest.mark.parametrize("x,n", [(0, 10), (3, 10), (10, 10), (37, 86)])
def test_wald_one_proportion_closed_form(x, n):
    p = x / n
    half = Z95 * math.sqrt(p * (1 - p) / n)
    r = proportion_ci(x, n, "wald")
    assert (r.estimate, r.lower, r.upper) == pytest.approx((p, max(0, p - half), min(1, p + half)), abs=1e-12)


@pytest.mark.parametrize("counts", [(56, 70, 48, 80), (5, 56, 0, 29), (12, 86, 3, 84), (0, 40, 40, 40)])
def test_wald_risk_difference_closed_form(counts):
    x1, n1, x2, n2 = counts
    p1, p2 = x1 / n1, x2 / n2
    half = Z95 * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    r = risk_difference(*counts, method="wald")
    assert (r.lower, r.upper) == pytest.approx((max(-1, p1 - p2 - half), min(1, p1 - p2 + half)), abs=1e-12)


def test_relative_risk_and_odds_ratio_closed_form():
    # 20/84 vs 10/86: RR = (20/84)/(10/86), log-scale SE sqrt(1/20 - 1/84 + 1/10 - 1/86)
    rr = relative_risk(20, 84, 10, 86)
    est = (20 / 84) / (10 / 86)
    se = math.sqrt(1 / 20 - 1 / 84 + 1 / 10 - 1 / 86)
    assert (rr.estimate, rr.lower, rr.upper) == pytest.approx(
        (est, est * math.exp(-Z95 * se), est * math.exp(Z95 * se)), rel=1e-12)
    orr = odds_ratio(20, 84, 10, 86)
    est = (20 * 76) / (64 * 10)
    se = math.sqrt(1 / 20 + 1 / 64 + 1 / 10 + 1 / 76)
    assert (orr.estimate, orr.lower, orr.upper) == pytest.approx(
        (est, est * math.exp(-Z95 * se), est * math.exp(Z95 * se)), rel=1e-12)


def _independent_score(x1, n1, x2, n2, delta):
    """Z(delta) with the restricted MLE found by maximising the binomial log likelihood numerically."""
    from scipy.optimize import minimize_scalar

    lo, hi = max(0.0, -delta), min(1.0, 1.0 - delta)

    def nll(p2):
        p1 = p2 + delta
        out = 0.0
        for x, n, p in ((x1, n1, p1), (x2, n2, p2)):
            out -= (x * math.log(p) if x else 0.0) + ((n - x) * math.log(1 - p) if n - x else 0.0)
        return out

    eps = 1e-12
    p2 = minimize_scalar(nll, bounds=(lo + eps, hi - eps), method="bounded", options={"xatol": 1e-13}).x
    p1 = p2 + delta
    n = n1 + n2
    var = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) * n / (n - 1)
    return (x1 / n1 - x2 / n2 - delta) / math.sqrt(var)


@pytest.mark.parametrize("counts", [(56, 70, 48, 80), (9, 10, 3, 10), (5, 56, 0, 29), (12, 86, 3, 84),
                                    (1, 84, 0, 86), (40, 54, 17, 55), (0, 10, 0, 20)])
@pytest.mark.parametrize("conf_level", [0.95, 0.90])
def test_mn_limits_are_where_the_score_statistic_equals_the_quantile(counts, conf_level):
    from scipy.stats import norm

    z = norm.ppf(1 - (1 - conf_level) / 2)
    r = risk_difference(*counts, method="mn", conf_level=conf_level)
    assert r.lower < r.estimate < r.upper or r.lower <= r.estimate <= r.upper
    if r.lower > -1:
        assert _independent_score(*counts, r.lower) == pytest.approx(z, abs=1e-5)
    if r.upper < 1:
        assert _independent_score(*counts, r.upper) == pytest.approx(-z, abs=1e-5)


def test_not_estimable_gives_nan_and_a_reason():
    for r in (proportion_ci(0, 0), risk_difference(1, 10, 0, 0, "mn"), relative_risk(0, 0, 0, 0)):
        assert math.isnan(r.estimate) and math.isnan(r.lower) and r.notes
    rr = relative_risk(3, 10, 0, 10)
    assert math.isnan(rr.estimate) and "reference" in rr.notes[0]
    rr = relative_risk(0, 10, 3, 10)
    assert rr.estimate == 0 and math.isnan(rr.lower) and rr.notes
    o = odds_ratio(10, 10, 3, 10)  # no non-event in the treatment group: OR infinite
    assert math.isnan(o.estimate) and "0" in o.notes[0]
    o = odds_ratio(0, 10, 3, 10)
    assert o.estimate == 0 and math.isnan(o.upper) and o.notes


def test_bad_arguments_raise_located_codes():
    with pytest.raises(TlfError) as e:
        proportion_ci(5, 3)
    assert e.value.code == "STAT020"
    with pytest.raises(TlfError) as e:
        risk_difference(1, 3, 1, 3, method="agresti")
    assert e.value.code == "STAT021"
    with pytest.raises(TlfError) as e:
        two_proportions("risk_difference", 1, 3, 1, 3, conf_level=95)
    assert e.value.code == "STAT022"


def test_swapping_groups_mirrors_the_interval():
    for method in ("wald", "newcombe", "mn"):
        a = risk_difference(12, 86, 3, 84, method)
        b = risk_difference(3, 84, 12, 86, method)
        assert (a.lower, a.upper) == pytest.approx((-b.upper, -b.lower), abs=1e-9)


@pytest.mark.parametrize("n1,n2", [(1, 1), (3, 5), (7, 4), (12, 12)])
def test_every_table_of_small_groups_gives_an_ordered_interval(n1, n2):
    """Enumeration: every x1, x2 gives -1 <= lower <= estimate <= upper <= 1, no exception, and
    exchanging the groups mirrors the interval (each method)."""
    for x1 in range(n1 + 1):
        for x2 in range(n2 + 1):
            for method in ("wald", "newcombe", "mn"):
                r = risk_difference(x1, n1, x2, n2, method)
                assert -1 <= r.lower <= r.estimate + 1e-12 and r.estimate - 1e-12 <= r.upper <= 1, (x1, x2, method)
                m = risk_difference(x2, n2, x1, n1, method)
                assert (r.lower, r.upper) == pytest.approx((-m.upper, -m.lower), abs=1e-9), (x1, x2, method)
            for method in ("clopper-pearson", "wilson", "wald"):
                p = proportion_ci(x1, n1, method)
                assert 0 <= p.lower <= p.estimate <= p.upper <= 1
