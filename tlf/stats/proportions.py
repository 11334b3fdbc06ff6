"""Binomial proportions: a confidence interval for one proportion, and the risk difference, relative risk
and odds ratio of two independent proportions with theirs. Numbers only; frozen results; a statistic
that cannot be estimated (a denominator of 0, a zero cell) is NaN with the reason in `notes`, never an
exception. Bad arguments (a count above its denominator, an unknown method) raise TlfError.

One proportion x/n (`proportion_ci`):
    clopper-pearson  the exact interval from beta quantiles (R binom.test, SAS BINOMIAL(CL=EXACT))
    wilson           the score interval without continuity correction (R prop.test(correct = FALSE),
                     SAS BINOMIAL(CL=WILSON))
    wald             p +- z sqrt(p (1 - p) / n), truncated to [0, 1] (a limit outside is no proportion)

Risk difference p1 - p2 (`risk_difference`), group 1 the treatment, group 2 the reference:
    wald      d +- z sqrt(p1 q1 / n1 + p2 q2 / n2), truncated to [-1, 1]
    newcombe  Newcombe's hybrid score interval (method 10 of Newcombe 1998, Stat Med 17:873-890):
              from the Wilson limits (l1, u1), (l2, u2) of each proportion,
              d - sqrt((p1 - l1)^2 + (u2 - p2)^2), d + sqrt((u1 - p1)^2 + (p2 - l2)^2)
              (SAS RISKDIFF(CL=NEWCOMBE))
    mn        Miettinen-Nurminen (1985) score interval: the deltas where
              Z(delta) = (d - delta) / sqrt(V(delta)) equals +-z, with
              V(delta) = (p1~ q1~ / n1 + p2~ q2~ / n2) * N / (N - 1), p1~ and p2~ = p1~ - delta the
              maximum likelihood estimates of the proportions restricted to p1 - p2 = delta (the
              closed form of the cubic's root, Miettinen & Nurminen 1985 appendix / Farrington &
              Manning 1990), the roots found by bisection (brentq) on each side of d (SAS
              RISKDIFF(CL=MN)). statsmodels' own MN interval is not used (its issue 10269).

Relative risk p1 / p2 (`relative_risk`, method `wald`): exp(log RR +- z sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2))
(SAS RELRISK(CL=WALD)); NE when x1 or x2 is 0 (no continuity correction is applied).
Odds ratio (`odds_ratio`, method `woolf`): exp(log OR +- z sqrt(1/a + 1/b + 1/c + 1/d)) (SAS OR(CL=WALD));
NE when a cell is 0 (no correction is applied: a Haldane 0.5 would change the estimate printed).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from tlf.errors import TlfError

NAN = float("nan")
ONE_METHODS = ("clopper-pearson", "wilson", "wald")
# each two-proportion statistic with its CI methods, the first the default
TWO_METHODS = {"risk_difference": ("newcombe", "wald", "mn"), "relative_risk": ("wald",), "odds_ratio": ("woolf",)}


@dataclass(frozen=True)
class Interval:
    """An estimate with its two-sided `conf_level` confidence interval by `method`; NaN where not
    estimable, why in `notes`."""

    estimate: float
    lower: float
    upper: float
    method: str
    conf_level: float
    notes: tuple[str, ...] = ()


def _z(conf_level: float) -> float:
    from scipy.stats import norm

    if not (isinstance(conf_level, (int, float)) and 0 < conf_level < 1):
        raise TlfError(f"conf_level must be between 0 and 1, got {conf_level!r}", code="STAT022")
    return float(norm.ppf(1 - (1 - conf_level) / 2))


def _counts(x, n, what: str = "") -> tuple[int, int]:
    try:
        xi, ni = int(x), int(n)
    except (TypeError, ValueError):
        raise TlfError(f"counts must be whole numbers, got {x!r} of {n!r}{what}", code="STAT020") from None
    if xi != x or ni != n or xi < 0 or ni < 0 or xi > ni:
        raise TlfError(f"a count must be a whole number from 0 to its denominator, got {x!r} of {n!r}{what}",
                       code="STAT020")
    return xi, ni


def _method(method: str, allowed: tuple[str, ...], what: str) -> str:
    if method not in allowed:
        raise TlfError(f"{what}: CI method must be one of {', '.join(allowed)}, got {method!r}", code="STAT021")
    return method


def wilson_limits(x: int, n: int, z: float) -> tuple[float, float]:
    """The Wilson score limits of x/n (n > 0) for the normal quantile z."""
    p = x / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    den = 1 + z2 / n
    lo = 0.0 if x == 0 else (centre - half) / den
    hi = 1.0 if x == n else (centre + half) / den
    return lo, hi


def proportion_ci(x: int, n: int, method: str = "clopper-pearson", conf_level: float = 0.95) -> Interval:
    """x/n with its confidence interval (see the module docstring); NE when n is 0."""
    x, n = _counts(x, n)
    _method(method, ONE_METHODS, "proportion")
    z = _z(conf_level)
    if n == 0:
        return Interval(NAN, NAN, NAN, method, conf_level, ("no subjects: the proportion is not estimable",))
    p = x / n
    if method == "wilson":
        lo, hi = wilson_limits(x, n, z)
    elif method == "wald":
        half = z * math.sqrt(p * (1 - p) / n)
        lo, hi = max(0.0, p - half), min(1.0, p + half)
    else:
        from scipy.stats import beta

        a = (1 - conf_level) / 2
        lo = 0.0 if x == 0 else float(beta.ppf(a, x, n - x + 1))
        hi = 1.0 if x == n else float(beta.ppf(1 - a, x + 1, n - x))
    return Interval(p, lo, hi, method, conf_level)


def _empty(x1: int, n1: int, x2: int, n2: int, method: str, conf_level: float) -> Interval | None:
    if n1 == 0 or n2 == 0:
        which = "both groups" if n1 == n2 == 0 else ("the treatment group" if n1 == 0 else "the reference group")
        return Interval(NAN, NAN, NAN, method, conf_level, (f"{which} has no subjects: not estimable",))
    return None


def risk_difference(x1: int, n1: int, x2: int, n2: int, method: str = "newcombe",
                    conf_level: float = 0.95) -> Interval:
    """p1 - p2 (x1/n1 - x2/n2) with its CI by `method` (wald, newcombe, mn)."""
    x1, n1 = _counts(x1, n1, " (treatment)")
    x2, n2 = _counts(x2, n2, " (reference)")
    _method(method, TWO_METHODS["risk_difference"], "risk difference")
    z = _z(conf_level)
    empty = _empty(x1, n1, x2, n2, method, conf_level)
    if empty:
        return empty
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    if method == "wald":
        half = z * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        return Interval(d, max(-1.0, d - half), min(1.0, d + half), method, conf_level)
    if method == "newcombe":
        l1, u1 = wilson_limits(x1, n1, z)
        l2, u2 = wilson_limits(x2, n2, z)
        lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
        return Interval(d, lo, hi, method, conf_level)
    lo, hi = mn_limits(x1, n1, x2, n2, z)
    return Interval(d, lo, hi, method, conf_level)


def restricted_mle(x1: int, n1: int, x2: int, n2: int, delta: float) -> tuple[float, float]:
    """The maximum likelihood estimates (p1~, p2~) of the two proportions under p1 - p2 = delta: the
    closed-form root of the likelihood equation's cubic (Miettinen & Nurminen 1985)."""
    p1, p2 = x1 / n1, x2 / n2
    theta = n2 / n1
    a = 1 + theta
    b = -(1 + theta + p1 + theta * p2 + delta * (theta + 2))
    c = delta * delta + delta * (2 * p1 + theta + 1) + p1 + theta * p2
    dd = -p1 * delta * (1 + delta)
    v = b ** 3 / (3 * a) ** 3 - b * c / (6 * a * a) + dd / (2 * a)
    s = b * b / (3 * a) ** 2 - c / (3 * a)
    u = math.copysign(math.sqrt(max(s, 0.0)), v)
    if u == 0:
        t1 = -b / (3 * a)
    else:
        w = (math.pi + math.acos(max(-1.0, min(1.0, v / u ** 3)))) / 3
        t1 = 2 * u * math.cos(w) - b / (3 * a)
    t1 = min(max(t1, max(0.0, delta)), min(1.0, 1 + delta))  # rounding: keep both inside [0, 1]
    return t1, t1 - delta


def mn_score(x1: int, n1: int, x2: int, n2: int, delta: float) -> float:
    """The Miettinen-Nurminen score statistic Z(delta) (0 where d == delta)."""
    d = x1 / n1 - x2 / n2
    if d == delta:
        return 0.0
    t1, t2 = restricted_mle(x1, n1, x2, n2, delta)
    n = n1 + n2
    var = (t1 * (1 - t1) / n1 + t2 * (1 - t2) / n2) * n / (n - 1) if n > 1 else 0.0
    if var <= 0:
        return math.copysign(math.inf, d - delta)
    return (d - delta) / math.sqrt(var)


@functools.lru_cache(maxsize=4096)
def mn_limits(x1: int, n1: int, x2: int, n2: int, z: float) -> tuple[float, float]:
    """The Miettinen-Nurminen limits: Z(lower) = z, Z(upper) = -z (Z falls as delta rises). Cached: an
    adverse-event table repeats the same few tables (1 of 86 vs 0 of 84) many times."""
    from scipy.optimize import brentq

    d = x1 / n1 - x2 / n2
    eps = 1e-12

    def root(target: float, a: float, b: float, edge: float) -> float:
        fa, fb = mn_score(x1, n1, x2, n2, a) - target, mn_score(x1, n1, x2, n2, b) - target
        if fa == 0:
            return a
        if fb == 0:
            return b
        if (fa > 0) == (fb > 0):  # the statistic never reaches the quantile before the edge
            return edge
        return float(brentq(lambda t: mn_score(x1, n1, x2, n2, t) - target, a, b, xtol=1e-13, rtol=1e-14,
                            maxiter=500))

    lo = -1.0 if d <= -1 else root(z, -1 + eps, d, -1.0)
    hi = 1.0 if d >= 1 else root(-z, d, 1 - eps, 1.0)
    return lo, hi


def relative_risk(x1: int, n1: int, x2: int, n2: int, method: str = "wald", conf_level: float = 0.95) -> Interval:
    """p1 / p2 with its log-scale Wald CI; NE (with the reason) when a count is 0."""
    x1, n1 = _counts(x1, n1, " (treatment)")
    x2, n2 = _counts(x2, n2, " (reference)")
    _method(method, TWO_METHODS["relative_risk"], "relative risk")
    z = _z(conf_level)
    empty = _empty(x1, n1, x2, n2, method, conf_level)
    if empty:
        return empty
    if x2 == 0:
        return Interval(NAN, NAN, NAN, method, conf_level,
                        ("no subject of the reference group has the event: the relative risk is not estimable",))
    rr = (x1 / n1) / (x2 / n2)
    if x1 == 0:
        return Interval(rr, NAN, NAN, method, conf_level,
                        ("no subject of the treatment group has the event: the log-scale CI is not estimable",))
    se = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    return Interval(rr, math.exp(math.log(rr) - z * se), math.exp(math.log(rr) + z * se), method, conf_level)


def odds_ratio(x1: int, n1: int, x2: int, n2: int, method: str = "woolf", conf_level: float = 0.95) -> Interval:
    """(x1 / (n1 - x1)) / (x2 / (n2 - x2)) with Woolf's logit CI; NE (with the reason) when a cell is 0."""
    x1, n1 = _counts(x1, n1, " (treatment)")
    x2, n2 = _counts(x2, n2, " (reference)")
    _method(method, TWO_METHODS["odds_ratio"], "odds ratio")
    z = _z(conf_level)
    empty = _empty(x1, n1, x2, n2, method, conf_level)
    if empty:
        return empty
    a, b, c, d = x1, n1 - x1, x2, n2 - x2
    if b == 0 or c == 0:
        return Interval(NAN, NAN, NAN, method, conf_level,
                        ("a cell of the 2 x 2 table is 0: the odds ratio is not estimable (no correction applied)",))
    est = (a * d) / (b * c)
    if a == 0 or d == 0:
        return Interval(est, NAN, NAN, method, conf_level,
                        ("a cell of the 2 x 2 table is 0: Woolf's CI is not estimable (no correction applied)",))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return Interval(est, math.exp(math.log(est) - z * se), math.exp(math.log(est) + z * se), method, conf_level)


def two_proportions(stat: str, x1: int, n1: int, x2: int, n2: int, method: str | None = None,
                    conf_level: float = 0.95) -> Interval:
    """`stat` (risk_difference, relative_risk, odds_ratio) of x1/n1 (treatment) vs x2/n2 (reference);
    `method` None: the statistic's default CI."""
    if stat not in TWO_METHODS:
        raise TlfError(f"statistic must be one of {', '.join(TWO_METHODS)}, got {stat!r}", code="STAT021")
    fn = {"risk_difference": risk_difference, "relative_risk": relative_risk, "odds_ratio": odds_ratio}[stat]
    return fn(x1, n1, x2, n2, method or TWO_METHODS[stat][0], conf_level)
