"""How data values meet spec values: one rule for labels (1.0 prints "1") and one for matching (numbers
as numbers, text without SAS's padding), used by PK summaries, NCA selectors, KM plots, shells and QC."""

import math

import pytest

from tlf.stats.values import same_value, value_text


@pytest.mark.parametrize(("value", "text"), [(1.0, "1"), (29.0, "29"), (2.5, "2.5"), (-3.0, "-3"), (7, "7"),
                                             ("Day 1", "Day 1"), (math.inf, "inf")])
def test_value_text(value, text):
    assert value_text(value) == text


@pytest.mark.parametrize(("a", "b"), [(1.0, 1), (1.0, "1"), ("29", 29.0), ("Day 1  ", "Day 1"), ("A", "A")])
def test_same_value(a, b):
    assert same_value(a, b) and same_value(b, a)


@pytest.mark.parametrize(("a", "b"), [(1.0, 2), ("1", "1.5"), ("Day 1", "Day 2"), ("day 1", "Day 1"),
                                      (math.nan, math.nan), (None, 0)])
def test_different_values(a, b):
    assert not same_value(a, b) and not same_value(b, a)
