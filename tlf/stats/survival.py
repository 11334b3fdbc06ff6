"""Time to event: Kaplan-Meier estimates, quantiles with confidence intervals, numbers at risk and the
log-rank test. Numbers only.

- survival S(t): the product-limit estimate, Greenwood standard errors. For the quantiles S(t) is
  kept as an exact fraction (a product of (n_i - d_i) / n_i), so whether it equals 0.25, 0.5 or 0.75
  is decided exactly: floating-point rounding of the product cannot move a quantile.
- quantiles follow SAS PROC LIFETEST's documented rule (Kaplan-Meier method): the 100p-th
  percentile is min{t_j : S(t_j) < 1 - p} over the distinct event times t_j, and "if S(t) is exactly
  equal to 0.5 from t_j to t_j+1, the median is taken to be (t_j + t_j+1)/2" (the same for 0.75 and
  0.25). R survfit's quantile() takes the same midpoint (it compares with a tolerance
  sqrt(.Machine$double.eps) where tlf compares exactly). Where they differ: when S(t) stays exactly on
  1 - p from t_j to the end of follow-up (no later event time t_j+1), SAS's rule gives no value and
  tlf reports the quantile not estimable, where R prints the midpoint of t_j and the last observed
  time. NaN, with the reason, when not reached or not estimable.
- quantile CIs: Brookmeyer-Crowley as SAS LIFETEST documents them, the set of times t with
  |g(S(t)) - g(1 - p)| <= z(1 - alpha/2) g'(S(t)) se(S(t)), for the transform g of CONFTYPE:
  `log-log` (SAS's default CONFTYPE=LOGLOG; R conf.type "log-log"), `log` (R survfit's default) or
  `linear` (R "plain"). The interval is [lower, upper): lower the first event time in the set, upper
  the event time following the last one in the set. An upper limit is NaN (not estimable) when the
  set reaches the last event time, or when the next event time is where S(t) reaches 0 (there g and
  se are undefined; R prints NA there too, statsmodels the time).
- log-rank: the unweighted k-sample test (SAS LIFETEST STRATA / R survdiff), chi-square on k - 1 df
  (statsmodels `survdiff`, imported lazily).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

NAN = float("nan")
TRANSFORMS = ("log-log", "log", "linear")
QUANTILE_STATS = {0.25: ("q1", "q1_ci_low", "q1_ci_high"), 0.5: ("median", "median_ci_low", "median_ci_high"),
                  0.75: ("q3", "q3_ci_low", "q3_ci_high")}


@dataclass(frozen=True)
class KmQuantile:
    """The 100 * prob-th percentile of the event time (prob of F = 1 - S: 0.5 the median) with its
    (1 - alpha) Brookmeyer-Crowley CI; NaN where not reached or not estimable, and why in `reasons`
    (estimate, ci_low, ci_high -> text)."""

    prob: float
    estimate: float
    ci_low: float
    ci_high: float
    reasons: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan-Meier summary of one group.

    n: subjects; events, censored: their counts; median, q1, q3: quantiles of the event time (NaN when
    not reached or not estimable); median_ci_low/high, q1_ci_low/high, q3_ci_low/high: their (1 -
    alpha) CIs (NaN when a limit is not estimable); min, max: of the observed times (events and
    censored); times, survival, se: the curve at each distinct event time; censor_times: times of
    censored observations (for plot marks); notes: about the group; why: (statistic, reason) for each
    NaN statistic (`reason`)."""

    n: int
    events: int
    censored: int
    median: float
    median_ci_low: float
    median_ci_high: float
    q1: float
    q3: float
    min: float
    max: float
    times: tuple[float, ...] = ()
    survival: tuple[float, ...] = ()
    se: tuple[float, ...] = ()
    censor_times: tuple[float, ...] = ()
    notes: tuple[str, ...] = ()
    q1_ci_low: float = NAN
    q1_ci_high: float = NAN
    q3_ci_low: float = NAN
    q3_ci_high: float = NAN
    why: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, float]:
        """The summary statistics (not the curve) as floats."""
        return {k: float(getattr(self, k)) for k in ("n", "events", "censored", "median", "median_ci_low",
                                                     "median_ci_high", "q1", "q3", "min", "max")}

    def reason(self, stat: str) -> str:
        """Why `stat` is NaN ("" when it is not, or no reason was recorded)."""
        return dict(self.why).get(stat, "")

    def survival_at(self, t: float) -> float:
        """S(t): 1 before the first event time, then the estimate at the last event time <= t."""
        s = 1.0
        for time, surv in zip(self.times, self.survival, strict=True):
            if time > t:
                break
            s = surv
        return s


@dataclass(frozen=True)
class LogRankTest:
    """Log-rank test across groups: chi-square, df (groups with data - 1), p-value."""

    chisq: float
    df: int
    pvalue: float
    notes: tuple[str, ...] = ()


def _clean(time, event) -> tuple:
    import numpy as np

    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=float)
    if t.shape != e.shape:
        from tlf.errors import TlfError

        raise TlfError(f"time and event differ in length ({t.size} and {e.size})", code="STAT009")
    ok = np.isfinite(t) & np.isfinite(e)
    return t[ok], (e[ok] != 0).astype(float), int((~ok).sum())


@dataclass(frozen=True)
class _EventTime:
    """The curve at one distinct event time: S(t) exact and as a float, and Greenwood's sum
    sum d / (n (n - d)) (infinite once S(t) is 0)."""

    time: float
    surv: Fraction
    s: float
    greenwood: float


def _event_times(t, e) -> list[_EventTime]:
    import numpy as np

    out = []
    s, green = Fraction(1), 0.0
    for x in np.unique(t[e == 1]):
        n_risk = int((t >= x).sum())
        d = int(((t == x) & (e == 1)).sum())
        s *= Fraction(n_risk - d, n_risk)
        green = green + d / (n_risk * (n_risk - d)) if n_risk > d else math.inf
        out.append(_EventTime(float(x), s, float(s), green))
    return out


def _z_stat(step: _EventTime, target: float, transform: str) -> float:
    """|g(S) - g(target)| / (g'(S) se(S)) at one event time (Greenwood se(S) = S sqrt(sum)); NaN
    where S is 0 (g and se undefined)."""
    s, root = step.s, math.sqrt(step.greenwood)
    if s <= 0 or not math.isfinite(root):
        return NAN
    if root == 0:
        return math.inf if s != target else 0.0
    if transform == "log-log":  # g = log(-log S), g' se = sqrt(sum) / |log S|
        return abs(math.log(-math.log(s)) - math.log(-math.log(target))) * abs(math.log(s)) / root
    if transform == "log":  # g = log S, g' se = sqrt(sum)
        return abs(math.log(s) - math.log(target)) / root
    return abs(s - target) / (s * root)  # linear: se = S sqrt(sum)


def _quantile(steps: list[_EventTime], prob: float, z: float, transform: str, t_max: float) -> KmQuantile:
    target = 1 - Fraction(repr(prob))  # exact: 0.5, 0.25, 0.75 (repr: 0.1 is 1/10, not its binary double)
    what = f"S(t) = {float(target):g}"
    reasons: dict[str, str] = {}
    est = NAN
    for j, step in enumerate(steps):
        if step.surv < target:
            est = step.time
            break
        if step.surv == target:
            if j + 1 < len(steps):
                est = (step.time + steps[j + 1].time) / 2
            else:
                reasons["estimate"] = (f"not estimable: {what} from {step.time:g} to the end of follow-up ({t_max:g}) "
                                       "with no later event (SAS LIFETEST's rule; R survfit prints the midpoint)")
            break
    else:
        reasons["estimate"] = f"not reached: S(t) stays above {float(target):g}"
    f_target = float(target)
    inside = [j for j, step in enumerate(steps) if _z_stat(step, f_target, transform) <= z]
    low = high = NAN
    if not inside and all(step.surv > target for step in steps):
        reasons["ci_low"] = reasons["ci_high"] = f"not reached: the CI of S(t) stays above {f_target:g}"
    elif not inside:
        reasons["ci_low"] = reasons["ci_high"] = (f"not estimable: no time where the CI of S(t) contains {f_target:g} "
                                                  "(tied events carry it past)")
    else:
        low = steps[inside[0]].time
        last = inside[-1]
        if last + 1 == len(steps):
            reasons["ci_high"] = f"not reached: the CI of S(t) contains {f_target:g} up to the last event time"
        elif steps[last + 1].s == 0:
            reasons["ci_high"] = (f"not estimable: the CI of S(t) contains {f_target:g} until S(t) reaches 0 at "
                                  f"{steps[last + 1].time:g}, where it is undefined")
        else:
            high = steps[last + 1].time
    return KmQuantile(prob, est, low, high, tuple(reasons.items()))


def km_quantiles(time, event, probs: Sequence[float] = (0.25, 0.5, 0.75), *, alpha: float = 0.05,
                 ci_transform: str = "log-log") -> tuple[KmQuantile, ...]:
    """Kaplan-Meier quantiles of `time` with `event` (1/True = event) at each of `probs` (of F = 1 - S,
    R quantile.survfit's convention: 0.25 is the first quartile) with Brookmeyer-Crowley CIs; the
    rules are in the module's docstring. Pairs with a missing time or status are left out."""
    _check_transform(ci_transform)
    t, e, _ = _clean(time, event)
    return _quantiles(t, _event_times(t, e), probs, alpha, ci_transform)


def _quantiles(t, steps: list[_EventTime], probs: Sequence[float], alpha: float,
               transform: str) -> tuple[KmQuantile, ...]:
    from scipy.stats import norm

    z = float(norm.ppf(1 - alpha / 2))
    t_max = float(t.max()) if t.size else NAN
    return tuple(_quantile(steps, p, z, transform, t_max) for p in probs)


def _check_transform(ci_transform: str) -> None:
    if ci_transform not in TRANSFORMS:
        from tlf.errors import TlfError

        raise TlfError(f"ci_transform must be one of {', '.join(TRANSFORMS)}, got {ci_transform!r}",
                       code="STAT009")


def kaplan_meier(time, event, *, alpha: float = 0.05, ci_transform: str = "log-log") -> KaplanMeier:
    """Kaplan-Meier summary of `time` with `event` (1/True = event, 0/False = censored). Pairs with a
    missing time or status are left out and counted in `notes`."""
    import numpy as np

    _check_transform(ci_transform)
    t, e, dropped = _clean(time, event)
    notes = [f"{dropped} record(s) with a missing time or status not used"] if dropped else []
    n, n_ev = int(t.size), int(e.sum())
    if n == 0:
        return KaplanMeier(0, 0, 0, NAN, NAN, NAN, NAN, NAN, NAN, NAN, notes=(*notes, "no subjects"))
    base = dict(n=n, events=n_ev, censored=n - n_ev, min=float(t.min()), max=float(t.max()),
                censor_times=tuple(float(x) for x in np.sort(t[e == 0])))
    if n_ev == 0:
        notes.append("no events: quantiles not reached")
        why = tuple((s, "not reached: no events") for names in QUANTILE_STATS.values() for s in names)
        return KaplanMeier(median=NAN, median_ci_low=NAN, median_ci_high=NAN, q1=NAN, q3=NAN, notes=tuple(notes),
                           why=why, **base)
    steps = _event_times(t, e)
    stats: dict[str, float] = {}
    why = []
    for q in _quantiles(t, steps, tuple(QUANTILE_STATS), alpha, ci_transform):
        names = QUANTILE_STATS[q.prob]
        reasons = dict(q.reasons)
        for name, part, value in zip(names, ("estimate", "ci_low", "ci_high"), (q.estimate, q.ci_low, q.ci_high),
                                     strict=True):
            stats[name] = value
            if part in reasons:
                label = {"estimate": "", "ci_low": "lower limit ", "ci_high": "upper limit "}[part]
                why.append((name, f"{label}{reasons[part]}"))
    if stats["median"] != stats["median"]:
        notes.append("median not reached" if dict(why)["median"].startswith("not reached") else "median not estimable")
    se = tuple(s.s * math.sqrt(s.greenwood) if math.isfinite(s.greenwood) else NAN for s in steps)
    return KaplanMeier(**stats, times=tuple(s.time for s in steps), survival=tuple(s.s for s in steps), se=se,
                       notes=tuple(notes), why=tuple(why), **base)


@dataclass(frozen=True)
class KmStep:
    """The Kaplan-Meier estimate at one distinct observed time: subjects at risk just before it, events
    and censorings at it, S(t) just after it and its pointwise (1 - alpha) CI (log-log transform,
    Greenwood variance; NaN where S(t) is 0 or 1)."""

    time: float
    n_risk: int
    n_event: int
    n_censor: int
    survival: float
    ci_low: float
    ci_high: float


def km_table(time, event, *, alpha: float = 0.05) -> tuple[KmStep, ...]:
    """The product-limit table over every distinct observed time (events and censorings), the way
    SAS LIFETEST lists it; what a Kaplan-Meier plot draws (steps, censor marks, bands)."""
    import numpy as np
    from scipy.stats import norm

    t, e, _ = _clean(time, event)
    z = float(norm.ppf(1 - alpha / 2))
    out = []
    s, green = 1.0, 0.0
    for x in np.unique(t):
        at = t == x
        n_risk = int((t >= x).sum())
        d = int(e[at].sum())
        c = int(at.sum()) - d
        if d:
            s *= 1 - d / n_risk
            green = green + d / (n_risk * (n_risk - d)) if n_risk > d else float("inf")
        lo = hi = NAN
        if 0 < s < 1 and math.isfinite(green):
            se = math.sqrt(green) / abs(math.log(s))
            lo, hi = s ** math.exp(z * se), s ** math.exp(-z * se)
        out.append(KmStep(float(x), n_risk, d, c, s, lo, hi))
    return tuple(out)


def number_at_risk(time, at: Sequence[float]) -> list[int]:
    """Subjects still at risk (time >= t) at each time in `at`."""
    import numpy as np

    t = np.asarray(time, dtype=float)
    t = t[np.isfinite(t)]
    return [int((t >= x).sum()) for x in at]


def logrank_test(time, event, group) -> LogRankTest:
    """Log-rank test of equal survival across the groups in `group` (any labels)."""
    import numpy as np

    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=float)
    g = np.asarray([str(x) for x in group], dtype=object)
    ok = np.isfinite(t) & np.isfinite(e)
    t, e, g = t[ok], (e[ok] != 0).astype(float), g[ok]
    k = len(set(g))
    if k < 2:
        return LogRankTest(NAN, 0, NAN, ("not estimable: needs 2 groups with data",))
    if e.sum() == 0:
        return LogRankTest(NAN, k - 1, NAN, ("not estimable: no events",))
    from statsmodels.duration.survfunc import survdiff

    chisq, p = survdiff(t, e, g)
    return LogRankTest(float(chisq), k - 1, float(p))
