"""The where-expression language: what it computes, and that it never runs code."""

import pandas as pd
import pytest

from tlf.data import expr as ex
from tlf.data.expr import ExprError, evaluate, parse, substitute_period

FRAME = pd.DataFrame({"AGE": [30.0, 65.0, float("nan")], "SEX": ["F", "M", ""], "X": ["A", "B", "C"]})


def ev(text):
    return list(evaluate(parse(text), FRAME))


def test_comparisons_and_logic():
    assert ev("AGE >= 65") == [False, True, False]  # missing compares as False
    assert ev("SEX == 'F' or AGE > 60") == [True, True, False]
    assert ev("not SEX == 'F'") == [False, True, True]
    assert ev("X in ('A', 'C')") == [True, False, True]
    assert ev("X not in ['A']") == [False, True, True]
    assert ev("missing(SEX)") == [False, False, True]
    assert ev("present(AGE) and AGE / 5 == 6") == [True, False, False]
    assert ev("18 <= AGE <= 64") == [True, False, False]


@pytest.mark.parametrize("text", [
    "__import__('os').system('echo pwned')",
    "AGE.__class__",
    "open('/etc/passwd')",
    "[x for x in AGE]",
    "lambda: 1",
    "FRAME['AGE']",
])
def test_code_is_rejected(text):
    with pytest.raises(ExprError):
        ev(text)


def test_unknown_variable_suggests():
    with pytest.raises(ExprError, match="did you mean 'AGE'"):
        ev("AGF > 1")


def test_type_mismatch_is_reported():
    with pytest.raises(ExprError, match="compares text with number"):
        ev("SEX > 3")


def test_period_templates():
    assert substitute_period("EOP{pp}STT", 2) == "EOP02STT"
    assert substitute_period("TRT{p}A", 1) == "TRT1A"
    with pytest.raises(ExprError):
        substitute_period("EOP{pp}STT", None)


def test_dates_are_days_in_arithmetic():
    """As in SAS, a date in arithmetic is a number of days: (end - start + 1) / 7 is a duration in weeks,
    missing where a date is missing; Python dates and datetime64 columns alike."""
    import datetime as dt

    from tlf.data.expr import evaluate_value

    d = pd.DataFrame({"S": [dt.date(2015, 3, 10), dt.date(2016, 1, 1), dt.date(2016, 1, 1)],
                      "E": [dt.date(2015, 6, 1), dt.date(2016, 1, 1), None]})
    got = list(evaluate_value(parse("(E - S + 1) / 7"), d))
    assert got[:2] == [84 / 7, 1 / 7] and got[2] != got[2]
    d64 = d.assign(S=pd.to_datetime(d.S), E=pd.to_datetime(d.E))
    assert list(evaluate_value(parse("E - S"), d64))[:2] == [83.0, 0.0]
    assert list(evaluate(parse("E - S + 1 >= 84"), d)) == [True, False, False]


def test_division_by_zero_is_missing_and_counted():
    """SAS: a division by zero gives a missing value (and a note), never infinity, which `>` would count."""
    from tlf.data.expr import ZeroDivisions, evaluate_value

    frame = pd.DataFrame({"X": [1.0, 2.0, float("nan"), 0.0, 6.0], "Y": [0.0, 1.0, 0.0, 0.0, 3.0]})
    zero = ZeroDivisions()
    value = evaluate_value(parse("X / Y"), frame, zero)
    assert value.isna().tolist() == [True, False, True, True, False] and value[4] == 2.0
    assert len(zero) == 2  # records 0 and 3: a missing numerator is missing, not a division by zero
    assert zero.message("X / Y", "adsl") == "'X / Y' divided by zero in 2 record(s) of adsl; the result is missing"
    zero = ZeroDivisions()
    assert list(evaluate(parse("X / Y > 1"), frame, zero)) == [False, True, False, False, True]
    assert len(zero) == 2
    zero = ZeroDivisions()
    assert list(evaluate(parse("1 / 0 > 1 or Y > 2"), frame, zero)) == [False] * 4 + [True]
    assert len(zero) == 5  # a constant divided by zero: every record
    assert list(evaluate(parse("X / Y > 1"), frame)) == [False, True, False, False, True]  # no collector: fine


def test_text_literals_compare_without_trailing_blanks():
    assert ev("X == 'A  '") == [True, False, False]
    assert ev("X in ('A ', 'C')") == [True, False, True]
    assert ev("X == ' A'") == [False, False, False]  # leading blanks count, as in SAS


# --- three-valued conditions (a responder criterion): a missing value never meets one ----------------

def _kleene_truth(cond, row):
    """Independent Kleene evaluation by enumeration: the condition is met when it is true for every value
    the missing variables could take (checked over a grid of stand-ins), i.e. it does not depend on them."""
    import itertools

    stand_ins = {"CHG": [-100.0, -4.0, -3.9, 0.0, 100.0], "AVALC": ["Y", "N", "Z"]}
    missing = [k for k, v in row.items() if v is None]
    outcomes = {cond(**{**row, **dict(zip(missing, combo, strict=True))})
                for combo in itertools.product(*(stand_ins[k] for k in missing))}
    return outcomes == {True}


@pytest.mark.parametrize("text, cond", [
    ("CHG <= -4", lambda CHG, AVALC: CHG <= -4),
    ("not (CHG > -4)", lambda CHG, AVALC: not (CHG > -4)),
    ("CHG <= -4 or AVALC == 'Y'", lambda CHG, AVALC: CHG <= -4 or AVALC == "Y"),
    ("CHG <= -4 and AVALC == 'Y'", lambda CHG, AVALC: CHG <= -4 and AVALC == "Y"),
    ("not (CHG > -4 and AVALC != 'Y')", lambda CHG, AVALC: not (CHG > -4 and AVALC != "Y")),
    ("not (CHG > -4 or AVALC == 'N')", lambda CHG, AVALC: not (CHG > -4 or AVALC == "N")),
    ("CHG / 2 <= -2", lambda CHG, AVALC: CHG / 2 <= -2),
])
def test_evaluate_definite_is_kleene_logic(text, cond):
    import pandas as pd

    rows = [{"CHG": c, "AVALC": a} for c in (-10.0, -4.0, 2.0, None) for a in ("Y", "N", None)]
    frame = pd.DataFrame({"CHG": [r["CHG"] if r["CHG"] is not None else float("nan") for r in rows],
                          "AVALC": [r["AVALC"] if r["AVALC"] is not None else "" for r in rows]})
    got = ex.evaluate_definite(ex.parse(text), frame).tolist()
    assert got == [_kleene_truth(cond, r) for r in rows]
    missing_chg = [i for i, r in enumerate(rows) if r["CHG"] is None]
    if text == "not (CHG > -4)":  # the case that made a missing change a responder
        assert not any(got[i] for i in missing_chg)
        assert all(ex.evaluate(ex.parse(text), frame)[i] for i in missing_chg)  # two-valued: true
