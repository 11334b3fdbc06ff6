"""Rounding and number formatting against independent decimal arithmetic and the conventions' examples."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tlf.format.numbers import fmt_count_pct, fmt_number, fmt_pct, fmt_pvalue, mask
from tlf.format.rounding import format_fixed, format_sig, round_half_away


@pytest.mark.parametrize(("x", "d", "expected"), [
    (2.675, 2, 2.68),     # the float is 2.67499999...; SAS prints 2.68 (conventions.md)
    (2.5, 0, 3.0),        # Python's round() gives 2
    (12.5, 0, 13.0),
    (-0.25, 1, -0.3),
    (0.125, 2, 0.13),
    (62.5, 0, 63.0),      # 5/8 of Table 1
    (1.005, 2, 1.01),
    (-2.5, 0, -3.0),
])
def test_half_away_from_zero(x, d, expected):
    assert round_half_away(x, d) == expected


def test_python_round_is_wrong_here():
    # the reason the function exists: these are the cases where round() disagrees
    assert round(2.5) == 2 and round_half_away(2.5, 0) == 3
    assert round(2.675, 2) == 2.67 and round_half_away(2.675, 2) == 2.68


def test_computed_halves_round_up():
    # 44.85 computed as a mean comes out as 44.849999999999994
    x = sum([44.7, 45.0]) / 2
    assert format_fixed(x, 1) == "44.9"
    assert format_fixed(100 * 1 / 8, 0) == "13"


def test_no_negative_zero():
    assert format_fixed(-0.04, 1) == "0.0"
    assert format_fixed(-0.0, 2) == "0.00"
    assert fmt_number(-0.001, 1) == "0.0"


@given(st.integers(min_value=-10**7, max_value=10**7), st.integers(min_value=0, max_value=3))
def test_matches_decimal_on_exact_decimal_inputs(k, d):
    # values with d+1 decimals written exactly as text: the reference is Decimal ROUND_HALF_UP on the text
    text = f"{Decimal(k).scaleb(-(d + 1)):f}"
    ref = Decimal(text).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)
    got = format_fixed(float(text), d)
    assert Decimal(got) == ref
    assert not got.startswith("-") or Decimal(got) != 0


def test_percent_rules():
    assert fmt_pct(1 / 8, 0) == "13"
    assert fmt_pct(5 / 8, 0) == "63"
    assert fmt_pct(1.0, 1) == "100"      # never "100.0"
    assert fmt_pct(1 / 9, 1) == "11.1"
    assert fmt_pct(0.0004, 1) == "<0.1"  # a non-zero never prints as 0.0
    assert fmt_pct(0.004, 0) == "<1"
    assert fmt_pct(float("nan"), 1) == ""


def test_count_pct():
    assert fmt_count_pct("1", "13", 1) == "1 (13)"
    assert fmt_count_pct("9", "100", 9) == "9 (100)"
    assert fmt_count_pct("0", "0.0", 0) == "0"


def test_pvalues():
    assert fmt_pvalue(0.0004) == "<0.001"
    assert fmt_pvalue(0.9996) == ">0.999"
    assert fmt_pvalue(0.0455) == "0.046"
    assert fmt_pvalue(float("nan")) == "NE"


def test_missing_and_shell():
    assert fmt_number(float("nan"), 1) == "NE"
    assert fmt_number(float("nan"), 1, missing="-") == "-"
    assert mask(1) == "xx.x" and mask(0) == "xx" and mask(2) == "xx.xx"
    assert fmt_number(3.14, 2, shell=True) == "xx.xx"


def test_significant_figures():
    assert format_sig(1234.5, 3) == "1230"
    assert format_sig(0.012345, 3) == "0.0123"
    assert format_sig(2.675, 3) == "2.68"
    assert format_sig(12.25, 3) == "12.3"


def test_significant_figures_edges_and_ard_formatting():
    from tlf.format.numbers import format_stat

    assert format_sig(99.95, 3) == "100"  # rounds up into one more digit
    assert format_sig(0.0009995, 3) == "0.00100"
    assert format_sig(-0.04325, 3) == "-0.0433"  # half away from zero
    assert format_sig(100.0, 3) == "100" and format_sig(5.0, 3) == "5.00"
    assert format_sig(123456.0, 3) == "123000"
    # an ARD statistic with sig > 0 prints significant figures; counts and percents ignore it
    assert format_stat("mean", 0.43249, -1, sig=3) == "0.432"
    assert format_stat("geomean", float("nan"), -1, sig=3) == "NE"
    assert format_stat("n", 4, 0, sig=3) == "4" and format_stat("n_blq", 2, 0) == "2"
    assert format_stat("cv", 32.75, 1) == "32.8"
    assert format_stat("mean", 1.0, -1, sig=3, shell=True) == "x.xx"


# --- the nudge applies only near a half (issue 14) ------------------------------------------------


def _decimal_half_up(text: str, d: int) -> Decimal:
    return Decimal(text).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)


def test_exact_values_print_exactly_at_many_decimals():
    # the old relative nudge (1e-12 x 10000 = 1e-8) was a whole unit at 8 decimals
    assert format_fixed(10000.0, 8) == "10000.00000000"
    assert format_fixed(-10000.0, 8) == "-10000.00000000"
    assert format_fixed(123456.789, 9) == "123456.789000000"
    assert fmt_number(10000.0, 8) == "10000.00000000"
    assert round_half_away(10000.0, 8) == 10000.0
    assert format_sig(10000.0, 13) == "10000.00000000"


@pytest.mark.parametrize(("x", "d", "expected"), [
    # SAS ROUND (documented): halves away from zero, and a half within binary error counts as a half
    (2.675, 2, "2.68"), (2.5, 0, "3"), (-2.5, 0, "-3"), (1.005, 2, "1.01"), (-1.005, 2, "-1.01"),
    (0.285, 2, "0.29"), (1.015, 2, "1.02"), (8.345, 2, "8.35"),
    # the SAS ROUNDZ page's ROUND column: 2.5 - 10**-i rounds to 2 for i = 10, 11 and to 3 from i = 12;
    # 2.5 + 10**-i to 3
    (2.5 - 1e-10, 0, "2"), (2.5 - 1e-11, 0, "2"), (2.5 - 1e-12, 0, "3"), (2.5 - 1e-13, 0, "3"),
    (2.5 - 1e-14, 0, "3"), (2.5 + 1e-12, 0, "3"), (2.5 + 1e-16, 0, "3"),
])
def test_sas_round_cases(x, d, expected):
    assert format_fixed(x, d) == expected


@given(st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=0, max_value=9),
       st.integers(min_value=0, max_value=6))
def test_values_exact_at_the_digit_never_change(k, scale, extra):
    # a value whose shortest text has at most `d` decimals prints as that text, padded with zeros
    text = f"{Decimal(k).scaleb(-scale):f}"
    x = float(text)
    if Decimal(repr(x)) != Decimal(text):  # not exactly representable as its own shortest repr
        return
    d = scale + extra
    assert Decimal(format_fixed(x, d)) == Decimal(text)
    assert format_fixed(x, d) == f"{_decimal_half_up(text, d):f}"


@given(st.integers(min_value=-10**13, max_value=10**13), st.integers(min_value=0, max_value=8))
def test_one_more_decimal_rounds_as_decimal_arithmetic(k, d):
    # d + 1 decimals (halves included): Decimal ROUND_HALF_UP on the shortest text is the reference
    text = f"{Decimal(k).scaleb(-(d + 1)):f}"
    x = float(text)
    if Decimal(repr(x)) != Decimal(text):  # beyond a double's digits: the text is not the value
        return
    ref = _decimal_half_up(text, d)
    got = format_fixed(x, d)
    assert Decimal(got) == ref, (text, d, got)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
       st.integers(min_value=0, max_value=10))
def test_only_near_halves_move(x, d):
    # any double: the result is decimal rounding of its shortest text, except within a billionth of a
    # rounding unit of a half, where it is the half rounded away from zero
    from fractions import Fraction

    text = repr(x)
    exact = _decimal_half_up(text, d)
    got = Decimal(format_fixed(x, d))
    scaled = abs(Fraction(text)) * 10**d
    off = abs(scaled - int(scaled) - Fraction(1, 2))
    if got != exact:
        assert off <= Fraction(1, 10**9), (x, d, got, exact)
        assert abs(got) > abs(exact)  # moved away from zero, onto the half's far side
    if off == 0:
        assert abs(got) == abs(exact)  # an exact half is a half
