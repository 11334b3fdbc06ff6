"""tlf.stats.survival against R's survival package (tests/reference/survival: survfit with the
log-log CI, quantile(), survdiff), and its edge cases."""

from __future__ import annotations

import csv
import functools
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


# ---------------------------------------------------------------- quantiles: SAS LIFETEST's rule, R survfit
#
# tests/reference/survival/km_arms.csv (make_km_arms.py): hand-built arms and 200 seeded simulated
# arms; km_quantiles.csv (km_quantiles.R): per arm, conf.type and prob, R's quantile(survfit(...))
# and SAS LIFETEST's documented rule written out in R from the same survfit curve (sas_*). Live R
# when Rscript and survival are there, the saved file otherwise.

TRANSFORM = {"log-log": "log-log", "log": "log", "plain": "linear"}  # R conf.type -> tlf ci_transform
PROBS = (0.25, 0.5, 0.75)


@functools.cache
def _arms() -> dict[str, tuple[list[float], list[int]]]:
    out: dict[str, tuple[list[float], list[int]]] = {}
    with open(REF / "km_arms.csv") as f:
        for r in csv.DictReader(f):
            t, e = out.setdefault(r["arm"], ([], []))
            t.append(float(r["time"]))
            e.append(int(r["event"]))
    return out


def _num(s: str) -> float:
    return float("nan") if s == "NA" else float(s)


def _read_quantiles(path: Path) -> dict[tuple[str, str, float], dict[str, float]]:
    with open(path) as f:
        return {(r["arm"], r["conf_type"], float(r["prob"])): {k: _num(v) for k, v in r.items()
                                                              if k not in ("arm", "conf_type", "prob")}
                for r in csv.DictReader(f)}


@functools.cache
def _have_r() -> bool:
    import shutil
    import subprocess

    if not shutil.which("Rscript"):
        return False
    return subprocess.run(["Rscript", "-e", "library(survival)"], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def live_r(tmp_path_factory):
    """R's answers computed now by km_quantiles.R on km_arms.csv (skips without Rscript/survival)."""
    import subprocess

    if not _have_r():
        pytest.skip("Rscript or R's survival package is absent")
    out = tmp_path_factory.mktemp("r") / "km_quantiles.csv"
    subprocess.run(["Rscript", str(REF / "km_quantiles.R"), str(REF / "km_arms.csv"), str(out)], check=True,
                   capture_output=True)
    return _read_quantiles(out)


@pytest.fixture(scope="module")
def r_results(request):
    """Live R where there is R, else the saved km_quantiles.csv."""
    if _have_r():
        return request.getfixturevalue("live_r")
    return _read_quantiles(REF / "km_quantiles.csv")


def _ours(arm: str, conf_type: str, prob: float) -> dict[str, float]:
    from tlf.stats.survival import km_quantiles

    time, event = _arms()[arm]
    [q] = km_quantiles(time, event, (prob,), ci_transform=TRANSFORM[conf_type])
    return {"quantile": q.estimate, "lower": q.ci_low, "upper": q.ci_high}


# Where R's quantile() and SAS LIFETEST's documented rule (which tlf follows) give different numbers,
# in km_arms.csv; every other number of R's agrees with tlf to 1e-10.
#  - S(t) sits exactly on 1 - p from the last event time t_j to the end of follow-up: SAS's rule has no
#    t_j+1 and no value; R prints (t_j + last observed time) / 2 (flat_to_end: (3 + 20) / 2; sim101:
#    S = 0.5 at 2 and the last censoring is also at 2; sim123: S = 0.25 from 13, last time 15).
#  - one time's tied events carry the whole pointwise CI of S(t) past 1 - p (sim025: 14 of 29 events
#    at time 0, S(0) = 0.517 with CI (0.325, 0.679) for log-log; sim181 at time 1): no time satisfies
#    SAS's condition, so no limits; R prints that time as both limits.
#  - the log transform's upper band rises again when the risk set gets small (it is not monotone):
#    SAS's set takes its last point; R's quantile() interpolates the band with approx(), which sorts
#    the band's values, so it gives the first crossing (sim129: set {1, 2, 5} reaches the last event
#    time 5, no upper limit; R 3; sim197: band 0.490 at 19, 0.519 at 48, the last event time; R 19)
#    or a later time out of the sort (sim002: band 0.763 at 2, 0.730 at 5, 0.746 at 7; SAS 5, R 7;
#    sim038: band 0.528 at 26, below 0.5 from 29 on; SAS 29, R 57).
SAS_NOT_R = {
    ("flat_to_end", ct, 0.5, "quantile") for ct in TRANSFORM} | {
    ("sim101", ct, 0.5, "quantile") for ct in TRANSFORM} | {
    ("sim123", ct, 0.75, "quantile") for ct in TRANSFORM} | {
    ("sim025", ct, 0.25, lim) for ct in TRANSFORM for lim in ("lower", "upper")} | {
    ("sim181", "log-log", 0.25, "lower"), ("sim181", "log-log", 0.25, "upper"),
    ("sim002", "log", 0.25, "upper"), ("sim038", "log", 0.5, "upper"), ("sim129", "log", 0.25, "upper"),
    ("sim197", "log", 0.5, "upper")}


def test_saved_r_results_are_what_r_prints(live_r):
    saved = _read_quantiles(REF / "km_quantiles.csv")
    assert saved.keys() == live_r.keys()
    for key, row in saved.items():
        for k, v in row.items():
            assert _same(v, live_r[key][k], 1e-10), (key, k, v, live_r[key][k])


def test_every_arm_against_r_and_sas_rule(r_results):
    arms = _arms()
    assert sum(a.startswith("sim") for a in arms) == 200
    assert len(r_results) == len(arms) * 3 * 3
    differ = set()
    for (arm, ct, prob), ref in r_results.items():
        ours = _ours(arm, ct, prob)
        for k in ("quantile", "lower", "upper"):
            # SAS's rule as written out in R (km_quantiles.R): tlf agrees everywhere
            assert _same(ours[k], ref["sas_" + k], 1e-10), (arm, ct, prob, k, ours[k], ref["sas_" + k])
            if not _same(ours[k], ref[k], 1e-10):
                differ.add((arm, ct, prob, k))
    assert differ == SAS_NOT_R
    for arm, ct, prob, k in SAS_NOT_R:  # where they differ, SAS's answer is "none" or an earlier time
        ref = r_results[(arm, ct, prob)]
        assert math.isnan(ref["sas_" + k]) or ref["sas_" + k] < ref[k]
    # the data exercise the rule: whole-number times, so a quantile of R's ending in .5 is a midpoint
    # of a plateau exactly on 0.75, 0.5 or 0.25
    midpoints = {(a, p) for (a, ct, p), r in r_results.items() if a.startswith("sim") and r["quantile"] % 1 == 0.5}
    assert len(midpoints) >= 25, len(midpoints)


def _hand(arm: str, conf_type: str = "log-log") -> dict[float, dict[str, float]]:
    return {p: _ours(arm, conf_type, p) for p in PROBS}


def test_plateaus_at_each_quartile_hand_calculated():
    # 8 events at 1..8: S(2) = 6/8 = 0.75 until 3, S(4) = 4/8 until 5, S(6) = 2/8 until 7: midpoints
    q = _hand("plateau_25_50_75")
    assert [q[p]["quantile"] for p in PROBS] == [2.5, 4.5, 6.5]
    # 6 events at 1..6: S(3) = 3/6 until 4; S(2) = 4/6 < 0.75; S(5) = 1/6 < 0.25
    assert [_hand("plateau_50")[p]["quantile"] for p in PROBS] == [2.0, 3.5, 5.0]
    # events at 1, 2, censored at 3, event at 5: S(1) = 3/4 until 2, S(2) = 2/4 until 5 (over the
    # censoring), S(5) = 0
    assert [_hand("plateau_censored_inside")[p]["quantile"] for p in PROBS] == [1.5, 3.5, 5.0]


def test_float_noise_cannot_move_a_quantile():
    # the naive float products, as a product of (n_i - 1) / n_i, land 1 ulp below and above 0.5
    below = math.prod((k - 1) / k for k in range(20, 10, -1))  # (19/20)...(10/11) = 10/20
    above = math.prod((k - 1) / k for k in range(24, 12, -1))  # (23/24)...(12/13) = 12/24
    assert below == math.nextafter(0.5, 0) and above == math.nextafter(0.5, 1)
    # exactly 0.5 from the 10th (12th) event to the next: the median is the midpoint
    assert _hand("ulp_below_50")[0.5]["quantile"] == 10.5
    assert _hand("ulp_above_50")[0.5]["quantile"] == 12.5
    # 20 events at 1..20: S(5) = 15/20 = 0.75 and S(15) = 5/20 = 0.25 exactly as well
    assert _hand("ulp_below_50")[0.25]["quantile"] == 5.5 and _hand("ulp_below_50")[0.75]["quantile"] == 15.5
    # scaling the times cannot matter either
    from tlf.stats.survival import km_quantiles

    [q] = km_quantiles([t / 7 for t in range(1, 21)], [1] * 20, (0.5,))
    assert q.estimate == (10 / 7 + 11 / 7) / 2


def test_time_zero_events_and_ties_hand_calculated():
    # two events at time 0 of 6: S(0) = 4/6 < 0.75, so Q1 = 0; S(1) = 3/6 over the censoring at 2
    # until the event at 3: median (1 + 3) / 2 = 2; S(3) = 3/6 * (1 - 1/2) = 1/4 (2 at risk) until
    # the last event at 4 (S = 0): Q3 = (3 + 4) / 2 = 3.5. R survfit: 0, 2, 3.5
    q = _hand("time_zero")
    assert [q[p]["quantile"] for p in PROBS] == [0.0, 2.0, 3.5]
    assert q[0.25]["lower"] == 0.0  # the CI starts at time 0 (R: 0)
    # events and censorings tied at 2 and 4 (censorings after the events): S(2) = 1 - 2/6 = 4/6,
    # S(4) = 4/6 * (1 - 1/3) = 4/9 < 0.5, S(6) = 0
    q = _hand("ties_event_censor")
    assert [q[p]["quantile"] for p in PROBS] == [2.0, 4.0, 6.0]


def test_all_censored_and_curve_reaching_zero():
    from tlf.stats.survival import kaplan_meier

    for ct in TRANSFORM:
        assert all(math.isnan(v) for p in PROBS for v in _hand("all_censored", ct)[p].values())
    km = kaplan_meier(*_arms()["all_censored"])
    assert km.reason("median") == "not reached: no events" and km.reason("q3_ci_high")
    # 4 events at 1..4: S = 3/4, 2/4, 1/4, 0; median (2 + 3) / 2; the log-log CI of S(3) = 0.25 is
    # (0.0, 0.674) (R summary(survfit)), so it still contains 0.5; the next time, 4, is where S = 0:
    # the upper limit is not estimable (R prints NA; SAS's condition is undefined at S = 0)
    km = kaplan_meier(*_arms()["reaches_zero"], ci_transform="log-log")
    assert (km.median, km.median_ci_low) == (2.5, 1.0)
    assert math.isnan(km.median_ci_high)
    assert "reaches 0 at 4" in km.reason("median_ci_high")
    for ct in TRANSFORM:  # R: NA for every transform
        assert math.isnan(_hand("reaches_zero", ct)[0.5]["upper"])


def test_flat_to_the_end_is_not_estimable_as_sas_says():
    from tlf.stats.survival import kaplan_meier

    # S(3) = 1/2 and the other subject is censored at 20: no event time after 3, so SAS LIFETEST's
    # rule (min t_j with S(t_j) < 0.5, or the midpoint of t_j and t_j+1) gives no median. R survfit
    # prints (3 + 20) / 2 = 11.5 (km_quantiles.csv); tlf follows SAS and says why.
    km = kaplan_meier([3, 20], [1, 0])
    assert math.isnan(km.median)
    assert "SAS LIFETEST" in km.reason("median") and "not estimable" in km.reason("median")
    assert km.notes == ("median not estimable",)


def test_tied_events_jumping_the_whole_ci_say_so():
    from tlf.stats.survival import kaplan_meier

    # sim025: 14 of its 29 subjects have their event at time 0: S(0) = 15/29 = 0.517 < 0.75 with
    # log-log CI (0.325, 0.679) (R summary(survfit)), no time's CI contains 0.75: no limits (R: 0, 0)
    km = kaplan_meier(*_arms()["sim025"])
    assert km.q1 == 0.0 and math.isnan(km.q1_ci_low) and math.isnan(km.q1_ci_high)
    assert "tied events" in km.reason("q1_ci_low")
    # a curve that stays high: one event of 20 at 5, S = 19/20 with log-log lower limit 0.695 (R
    # summary(survfit)); the lower limit of the median is not reached (R: NA)
    km = kaplan_meier([5] + [10] * 19, [1] + [0] * 19)
    assert km.reason("median_ci_low") == "lower limit not reached: the CI of S(t) stays above 0.5"
