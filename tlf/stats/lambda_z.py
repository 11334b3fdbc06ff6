"""The terminal elimination rate constant lambda_z: unweighted regression of ln(concentration) on time.

Two ways to choose the points, as Phoenix WinNonlin does:

* best fit (`best_fit`): the candidates are the positive concentrations after Cmax (the caller picks
  them, see `tlf.stats.nca`). Regressions are fitted on the last 3, 4, ... candidates; fits whose slope
  is not negative are discarded; among the rest the largest adjusted R^2 wins, and among the fits whose
  adjusted R^2 is within `tolerance` (1e-4) of that largest one, the fit with the most points is taken.
* manual (`fit_points`): exactly the points the user named.

Adjusted R^2 = 1 - (1 - R^2) (n - 1) / (n - 2), as WinNonlin defines it.

The fits of the best-fit search come from running sums taken from the last point backwards (times and
logs shifted by the last point first, which keeps the centred sums accurate: the shift does not change
any regression, and it removes the large offset of late sampling times). Plain Python floats: on the
dozen points of a profile this is several times faster than numpy, whose per-call cost dominates there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NAN = float("nan")
LN2 = math.log(2.0)


@dataclass(frozen=True)
class LambdaZFit:
    """One log-linear regression of the terminal phase, or why there is none.

    lambda_z   minus the slope of ln(C) on time (1/time unit); NaN when not estimable
    intercept  ln(C) of the regression line at time 0
    r2, r2adj  R^2 and adjusted R^2 of the regression (r2adj is NaN for 2 points)
    n_points   number of points in the regression
    t_first    time of the first point used (CDISC LAMZLL); t_last: of the last (LAMZUL)
    times      the times of all points used
    method     "best fit" or "manual"
    reason     why lambda_z is not estimable; "" when it is
    """

    lambda_z: float = NAN
    intercept: float = NAN
    r2: float = NAN
    r2adj: float = NAN
    n_points: int = 0
    t_first: float = NAN
    t_last: float = NAN
    times: tuple[float, ...] = ()
    method: str = ""
    reason: str = ""

    @property
    def estimable(self) -> bool:
        return not self.reason

    @property
    def half_life(self) -> float:
        """ln 2 / lambda_z (NaN when not estimable)."""
        return LN2 / self.lambda_z if self.estimable else NAN

    @property
    def span(self) -> float:
        """(t_last - t_first) / half-life: how many half-lives the regression covers (CDISC LAMZSPN)."""
        return (self.t_last - self.t_first) / self.half_life if self.estimable else NAN

    def predict(self, t: float) -> float:
        """The concentration the regression line gives at time t."""
        return math.exp(self.intercept - self.lambda_z * t)


def not_estimable(reason: str, method: str = "best fit") -> LambdaZFit:
    return LambdaZFit(method=method, reason=reason)


def _adjusted(r2: float, n: int) -> float:
    return 1.0 - (1.0 - r2) * (n - 1.0) / (n - 2.0) if n > 2 else NAN


def fit_points(times, conc, *, min_points: int = 3, method: str = "manual") -> LambdaZFit:
    """The regression through exactly these points (all concentrations must be > 0)."""
    t = [float(v) for v in times]
    c = [float(v) for v in conc]
    n = len(t)
    if n < min_points:
        return not_estimable(f"{n} point(s) selected for lambda_z, {min_points} needed", method)
    if not all(v > 0 for v in c):
        return not_estimable("a point selected for lambda_z is zero, BLQ or missing", method)
    y = [math.log(v) for v in c]
    tm = sum(t) / n
    ym = sum(y) / n
    sxx = sum((a - tm) ** 2 for a in t)
    if sxx <= 0:
        return not_estimable("the points selected for lambda_z share one time", method)
    sxy = sum((a - tm) * (b - ym) for a, b in zip(t, y, strict=True))
    syy = sum((b - ym) ** 2 for b in y)
    slope = sxy / sxx
    if not slope < 0:
        return not_estimable(f"the terminal slope is not negative ({slope:.4g})", method)
    r2 = min(1.0, sxy * sxy / (sxx * syy))
    return LambdaZFit(lambda_z=-slope, intercept=ym - slope * tm, r2=r2, r2adj=_adjusted(r2, n), n_points=n,
                      t_first=t[0], t_last=t[-1], times=tuple(t), method=method)


def best_fit(times, conc, *, min_points: int = 3, tolerance: float = 1e-4) -> LambdaZFit:
    """WinNonlin's "best fit" over the candidate points (sorted by time, all concentrations > 0).

    Fits the last k candidates for k = min_points .. all; keeps fits with a negative slope; takes the
    largest adjusted R^2 and, among fits within `tolerance` of it, the one with the most points.
    """
    t = [float(v) for v in times]
    m = len(t)
    if m < min_points:
        return not_estimable(f"{m} point(s) after Cmax, {min_points} needed")
    ly = [math.log(v) for v in conc]
    t0, y0 = t[-1], ly[-1]
    sx = sy = sxx = sxy = syy = 0.0
    fits = []  # (r2adj, n, slope, r2, mean x, mean y) in the shifted frame
    for n in range(1, m + 1):
        x = t[m - n] - t0
        y = ly[m - n] - y0
        sx += x
        sy += y
        sxx += x * x
        sxy += x * y
        syy += y * y
        if n < max(min_points, 3):
            continue
        cxx = sxx - sx * sx / n
        cxy = sxy - sx * sy / n
        cyy = syy - sy * sy / n
        if not (cxx > 0 and cyy > 0):
            continue
        slope = cxy / cxx
        if not slope < 0:
            continue
        r2 = min(1.0, cxy * cxy / (cxx * cyy))
        fits.append((_adjusted(r2, n), n, slope, r2, sx / n, sy / n))
    if not fits:
        return not_estimable("no regression on the points after Cmax has a negative slope")
    best = max(f[0] for f in fits)
    r2adj, n, slope, r2, mx, my = [f for f in fits if f[0] >= best - tolerance][-1]
    used = tuple(t[m - n:])
    return LambdaZFit(lambda_z=-slope, intercept=(my + y0) - slope * (mx + t0), r2=r2, r2adj=r2adj,
                      n_points=n, t_first=used[0], t_last=used[-1], times=used, method="best fit")
