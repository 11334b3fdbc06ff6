"""Descriptive statistics against closed forms and the standard library (an independent implementation)."""

import math
import statistics

import pytest

from tlf.stats.descriptive import collected_decimals, describe, percentile_sas5


def sas5_by_hand(values, p):
    """SAS PCTLDEF=5 written from its definition in the SAS documentation (PROC UNIVARIATE):
    np = j + g; y = x(j+1) if g > 0, else (x(j) + x(j+1)) / 2."""
    x = sorted(values)
    n = len(x)
    np_ = n * p
    j = math.floor(np_)
    g = np_ - j
    if g > 0:
        return x[j]  # x(j+1), 1-based
    return (x[j - 1] + x[j]) / 2


@pytest.mark.parametrize("values", [
    [1, 2, 3, 4], [1, 2, 3, 4, 5], [7], [3, 1, 2], [10, 20, 30, 40, 50, 60, 70, 80], [2.5, 2.5, 9.1, 0.3, 4.4, 6.0],
])
@pytest.mark.parametrize("p", [0.25, 0.5, 0.75])
def test_percentile_definition_5(values, p):
    assert percentile_sas5(sorted(values), p) == pytest.approx(sas5_by_hand(values, p))


def test_quartiles_known_values():
    # 1..4: np = 1 for p=.25 -> g = 0 -> (x1 + x2)/2 = 1.5; p=.75: np=3 -> (x3+x4)/2 = 3.5
    d = describe([4, 1, 3, 2])
    assert (d.q1, d.median, d.q3) == (1.5, 2.5, 3.5)


def test_against_statistics_module():
    values = [44.0, 51.0, 38.0, 47.0, 55.0, 39.0, 42.0, 42.5]
    d = describe(values)
    assert d.n == 8
    assert d.mean == pytest.approx(statistics.fmean(values))
    assert d.sd == pytest.approx(statistics.stdev(values))
    assert d.se == pytest.approx(statistics.stdev(values) / math.sqrt(8))
    assert d.median == pytest.approx(statistics.median(values))
    assert (d.min, d.max) == (38.0, 55.0)
    assert d.geomean == pytest.approx(statistics.geometric_mean(values))
    assert d.cv == pytest.approx(100 * statistics.stdev(values) / statistics.fmean(values))


def test_missing_values_ignored_and_single_value():
    d = describe([5.0, float("nan")])
    assert d.n == 1 and d.mean == 5.0
    assert math.isnan(d.sd) and math.isnan(d.se)
    assert describe([]).n == 0 and math.isnan(describe([]).mean)


def test_geometric_stats_need_positive_values():
    d = describe([0.0, 1.0, 2.0])
    assert math.isnan(d.geomean) and math.isnan(d.geocv)


def test_geometric_cv_closed_form():
    # geometric CV% = 100 * sqrt(exp(s^2) - 1), s = SD of the logs
    values = [1.0, math.e, math.e**2]
    s = 1.0  # SD of (0, 1, 2)
    assert describe(values).geocv == pytest.approx(100 * math.sqrt(math.exp(s**2) - 1))


def test_collected_decimals():
    assert collected_decimals([1, 2, 30]) == 0
    assert collected_decimals([70.5, 80.1, 65.0]) == 1
    assert collected_decimals([0.95, 1.5]) == 2
    assert collected_decimals([float("nan"), 3.0]) == 0
