"""Time to event: Kaplan-Meier estimates, quantiles with confidence intervals, numbers at risk and the
log-rank test. Numbers only.

Built on statsmodels (`SurvfuncRight`, `survdiff`), imported lazily:

- survival S(t): the product-limit estimate, Greenwood standard errors;
- quantiles: the p-th quantile is the smallest observed time with S(t) < 1 - p (statsmodels' rule,
  which SAS LIFETEST follows except when S(t) sits exactly on 1 - p over an interval, where SAS takes
  the midpoint of that interval); NaN when the curve never gets there ("not reached");
- quantile CIs: Brookmeyer-Crowley, inverting a z test on a transformed S(t): `log-log` (SAS
  LIFETEST's default CONFTYPE=LOGLOG, statsmodels `cloglog`), `log` (R survfit's default) or
  `linear`; an upper limit the data do not reach is NaN;
- log-rank: the unweighted k-sample test (SAS LIFETEST STRATA / R survdiff), chi-square on k - 1 df.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

NAN = float("nan")
_TRANSFORMS = {"log-log": "cloglog", "log": "log", "linear": "linear"}


@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan-Meier summary of one group.

    n: subjects; events, censored: their counts; median, q1, q3: quantiles of the event time (NaN when
    not reached); median_ci_low/high: (1 - alpha) CI of the median (NaN when a limit is not reached);
    min, max: of the observed times (events and censored); times, survival, se: the curve at each
    distinct event time; censor_times: times of censored observations (for plot marks); notes."""

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

    def as_dict(self) -> dict[str, float]:
        """The summary statistics (not the curve) as floats."""
        return {k: float(getattr(self, k)) for k in ("n", "events", "censored", "median", "median_ci_low",
                                                     "median_ci_high", "q1", "q3", "min", "max")}

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


def kaplan_meier(time, event, *, alpha: float = 0.05, ci_transform: str = "log-log") -> KaplanMeier:
    """Kaplan-Meier summary of `time` with `event` (1/True = event, 0/False = censored). Pairs with a
    missing time or status are left out and counted in `notes`."""
    import numpy as np

    if ci_transform not in _TRANSFORMS:
        from tlf.errors import TlfError

        raise TlfError(f"ci_transform must be one of {', '.join(_TRANSFORMS)}, got {ci_transform!r}",
                       code="STAT009")
    t, e, dropped = _clean(time, event)
    notes = [f"{dropped} record(s) with a missing time or status not used"] if dropped else []
    n, n_ev = int(t.size), int(e.sum())
    if n == 0:
        return KaplanMeier(0, 0, 0, NAN, NAN, NAN, NAN, NAN, NAN, NAN, notes=(*notes, "no subjects"))
    base = dict(n=n, events=n_ev, censored=n - n_ev, min=float(t.min()), max=float(t.max()),
                censor_times=tuple(float(x) for x in np.sort(t[e == 0])))
    if n_ev == 0:
        notes.append("no events: quantiles not reached")
        return KaplanMeier(median=NAN, median_ci_low=NAN, median_ci_high=NAN, q1=NAN, q3=NAN, notes=tuple(notes),
                           **base)
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(t, e)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo, hi = sf.quantile_ci(0.5, alpha=alpha, method=_TRANSFORMS[ci_transform])
    q = {p: _finite(sf.quantile(p)) for p in (0.25, 0.5, 0.75)}
    if q[0.5] != q[0.5]:
        notes.append("median not reached")
    return KaplanMeier(median=q[0.5], median_ci_low=_finite(lo), median_ci_high=_finite(hi), q1=q[0.25], q3=q[0.75],
                       times=tuple(float(x) for x in sf.surv_times), survival=tuple(float(x) for x in sf.surv_prob),
                       se=tuple(float(x) for x in sf.surv_prob_se), notes=tuple(notes), **base)


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


def _finite(x) -> float:
    x = float(x)
    return x if math.isfinite(x) else NAN
