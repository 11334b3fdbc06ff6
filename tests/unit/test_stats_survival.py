"""tlf.stats.survival against R's survival package (tests/reference/survival: survfit with the
log-log CI, quantile(), survdiff), and its edge cases."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from tlf.stats.survival import kaplan_meier, km_table, logrank_test, number_at_risk

REF = Path(__file__).resolve().parents[1] / "reference" / "survival"


def _data() -> dict[str, tuple[list[float], list[int]]]:
    out: dict[str, tuple[list[float], list[int]]] = {}
    with open(REF / "data.csv") as f:
        for r in csv.DictReader(f):
            t, e = out.setdefault(r["group"], ([], []))
            t.append(float(r["time"]))
            e.append(int(r["event"]))
    return out


def _summary() -> dict[tuple[str, str], float]:
    with open(REF / "summary.csv") as f:
        return {(r["what"], r["stat"]): float("nan") if r["value"] == "NA" else float(r["value"])
                for r in csv.DictReader(f)}


def _same(a: float, b: float, tol: float = 1e-9) -> bool:
    return (a != a and b != b) or abs(a - b) <= tol * max(1.0, abs(b))


@pytest.mark.parametrize("group", ["A", "B", "C"])
def test_quantiles_and_median_ci_match_r(group):
    time, event = _data()[group]
    ref = _summary()
    km = kaplan_meier(time, event, ci_transform="log-log")
    for stat in ("n", "events", "q1", "median", "q3", "median_ci_low", "median_ci_high"):
        assert _same(getattr(km, stat), ref[(group, stat)]), (group, stat, getattr(km, stat), ref[(group, stat)])
    assert km.censored == km.n - km.events


def test_product_limit_table_matches_r():
    data = _data()
    with open(REF / "curve.csv") as f:
        rows = list(csv.DictReader(f))
    for group, (time, event) in data.items():
        ref = [r for r in rows if r["group"] == group]
        steps = km_table(time, event)
        assert [s.time for s in steps] == [float(r["time"]) for r in ref]
        for s, r in zip(steps, ref, strict=True):
            assert (s.n_risk, s.n_event, s.n_censor) == (int(r["n_risk"]), int(r["n_event"]), int(r["n_censor"]))
            assert s.survival == pytest.approx(float(r["surv"]), rel=1e-12)
            if r["lower"] != "NA" and s.survival < 1:
                assert s.ci_low == pytest.approx(float(r["lower"]), rel=1e-9)
                assert s.ci_high == pytest.approx(float(r["upper"]), rel=1e-9)


def test_logrank_matches_r():
    data = _data()
    ref = _summary()
    t, e, g = [], [], []
    for group, (time, event) in data.items():
        t += time
        e += event
        g += [group] * len(time)
    res = logrank_test(t, e, g)
    assert res.chisq == pytest.approx(ref[("logrank", "chisq")], rel=1e-9)
    assert res.pvalue == pytest.approx(ref[("logrank", "p")], rel=1e-6)
    assert res.df == 2
    ab = [i for i, x in enumerate(g) if x in ("A", "B")]
    res2 = logrank_test([t[i] for i in ab], [e[i] for i in ab], [g[i] for i in ab])
    assert res2.pvalue == pytest.approx(ref[("logrank_AB", "p")], rel=1e-9)


def test_curve_against_a_hand_computed_product_limit():
    # times 1, 2 (event + censored), 3, 4 (censored): S = 4/5, then 4/5 * 2/3, then * 1/1 ...
    time = [1, 2, 2, 3, 4]
    event = [1, 1, 0, 1, 0]
    steps = km_table(time, event)
    assert [(s.time, s.n_risk, s.n_event, s.n_censor) for s in steps] == [
        (1.0, 5, 1, 0), (2.0, 4, 1, 1), (3.0, 2, 1, 0), (4.0, 1, 0, 1)]
    assert [s.survival for s in steps] == pytest.approx([0.8, 0.6, 0.3, 0.3])
    km = kaplan_meier(time, event)
    assert km.median == 3.0  # first time with S(t) < 0.5
    assert km.survival_at(2.5) == pytest.approx(0.6)
    assert km.survival_at(0.5) == 1.0
    assert km.censor_times == (2.0, 4.0)


def test_number_at_risk():
    assert number_at_risk([1, 5, 5, 10, float("nan")], [0, 5, 6, 20]) == [4, 3, 1, 0]


def test_edge_cases_never_raise():
    empty = kaplan_meier([], [])
    assert empty.n == 0 and math.isnan(empty.median)
    no_events = kaplan_meier([3, 4, 5], [0, 0, 0])
    assert no_events.events == 0 and math.isnan(no_events.median)
    assert "no events" in "; ".join(no_events.notes)
    missing = kaplan_meier([1, float("nan"), 3], [1, 1, 0])
    assert missing.n == 2 and "missing" in "; ".join(missing.notes)
    one_group = logrank_test([1, 2], [1, 1], ["a", "a"])
    assert math.isnan(one_group.pvalue)
    assert math.isnan(logrank_test([1, 2], [0, 0], ["a", "b"]).pvalue)
    with pytest.raises(Exception, match="ci_transform"):
        kaplan_meier([1], [1], ci_transform="probit")
