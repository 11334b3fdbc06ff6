"""The terminal elimination rate constant lambda_z: unweighted regression of ln(concentration) on time.

Two ways to choose the points, as Phoenix WinNonlin does:

* best fit (`best_fit`): the candidates are the positive concentrations after Cmax (the caller picks
  them, see `tlf.stats.nca`). Regressions are fitted on the last 3, 4, ... candidates; fits whose slope
  is not negative are discarded; among the rest the largest adjusted R^2 wins, and among the fits whose
  adjusted R^2 is within `tolerance` (1e-4) of that largest one, the fit with the most points is taken.
* manual (`fit_points`): exactly the points the user named.

Adjusted R^2 = 1 - (1 - R^2) (n - 1) / (n - 2), as WinNonlin defines it.

All fits of the best-fit search are computed at once from cumulative sums taken from the last point
backwards (times and logs shifted by the last point first, which keeps the centred sums exact enough:
the shift does not change any regression, and it removes the large offset of late sampling times).

numpy is imported inside the functions so that importing this module stays light.
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


def _adjusted(r2, n):
    return 1.0 - (1.0 - r2) * (n - 1.0) / (n - 2.0)


def fit_points(times, conc, *, min_points: int = 3, method: str = "manual") -> LambdaZFit:
    """The regression through exactly these points (all concentrations must be > 0)."""
    import numpy as np

    t = np.asarray(times, dtype=float)
    c = np.asarray(conc, dtype=float)
    n = int(t.size)
    if n < min_points:
        return not_estimable(f"{n} point(s) selected for lambda_z, {min_points} needed", method)
    if not (c > 0).all():
        return not_estimable("a point selected for lambda_z is zero, BLQ or missing", method)
    x = t - t.mean()
    y = np.log(c)
    ym = y.mean()
    yc = y - ym
    sxx = float(x @ x)
    if sxx <= 0:
        return not_estimable("the points selected for lambda_z share one time", method)
    slope = float(x @ yc) / sxx
    syy = float(yc @ yc)
    r2 = min(1.0, (slope * slope * sxx) / syy) if syy > 0 else NAN
    if not slope < 0:
        return not_estimable(f"the terminal slope is not negative ({slope:.4g})", method)
    r2adj = _adjusted(r2, n) if n > 2 else NAN
    intercept = float(ym - slope * t.mean())
    return LambdaZFit(lambda_z=-slope, intercept=intercept, r2=r2, r2adj=r2adj, n_points=n,
                      t_first=float(t[0]), t_last=float(t[-1]), times=tuple(float(v) for v in t),
                      method=method)


def best_fit(times, conc, *, min_points: int = 3, tolerance: float = 1e-4) -> LambdaZFit:
    """WinNonlin's "best fit" over the candidate points (sorted by time, all concentrations > 0).

    Fits the last k candidates for k = min_points .. all; keeps fits with a negative slope; takes the
    largest adjusted R^2 and, among fits within `tolerance` of it, the one with the most points.
    """
    import numpy as np

    t = np.asarray(times, dtype=float)
    c = np.asarray(conc, dtype=float)
    m = int(t.size)
    if m < min_points:
        return not_estimable(f"{m} point(s) after Cmax, {min_points} needed")
    # last point first, shifted to the origin
    x = t[::-1] - t[-1]
    ly = np.log(c)
    y = ly[::-1] - ly[-1]
    n = np.arange(1.0, m + 1.0)
    sx = np.cumsum(x)
    sy = np.cumsum(y)
    sxx = np.cumsum(x * x)
    sxy = np.cumsum(x * y)
    syy = np.cumsum(y * y)
    k = slice(min_points - 1, None)
    n, sx, sy, sxx, sxy, syy = n[k], sx[k], sy[k], sxx[k], sxy[k], syy[k]
    cxx = sxx - sx * sx / n
    cxy = sxy - sx * sy / n
    cyy = syy - sy * sy / n
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = cxy / cxx
        r2 = np.minimum(1.0, cxy * cxy / (cxx * cyy))
        r2adj = _adjusted(r2, n)
    ok = (cxx > 0) & (slope < 0) & np.isfinite(r2adj)
    if not ok.any():
        return not_estimable("no regression on the points after Cmax has a negative slope")
    best = r2adj[ok].max()
    j = int(np.flatnonzero(ok & (r2adj >= best - tolerance))[-1])
    npts = int(n[j])
    b = float(slope[j])
    intercept = float((sy[j] / n[j] + ly[-1]) - b * (sx[j] / n[j] + t[-1]))
    used = t[m - npts:]
    return LambdaZFit(lambda_z=-b, intercept=intercept, r2=float(r2[j]), r2adj=float(r2adj[j]),
                      n_points=npts, t_first=float(used[0]), t_last=float(used[-1]),
                      times=tuple(used.tolist()), method="best fit")
