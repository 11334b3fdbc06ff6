"""The Emax model of exposure-response, fitted by nonlinear least squares. Plain numbers in and out.

    E = E0 + Emax * C^h / (EC50^h + C^h)

E0 (the effect at C = 0) and the Hill coefficient h are estimated or fixed (`e0=0.0` for a percent
reduction from baseline, `hill=1.0` for the hyperbolic model); Emax and EC50 are always estimated.
The fit is the least-squares solution (scipy.optimize.least_squares, MINPACK Levenberg-Marquardt, on
log EC50 and log h so they stay positive) from several starting values of EC50 (and h), keeping the
one with the smallest residual sum of squares. Standard errors are asymptotic, as R's `nls` and SAS
PROC NLIN report them: s^2 (J'J)^-1 with J the Jacobian of the model in the natural parameters at the
estimate and s^2 = RSS / (n - p); the two-sided (1 - alpha) Wald CI is estimate +/- q SE with q from
the t distribution on n - p df (`ci="t"`) or the normal (`ci="normal"`, R's confint.default).

What cannot be fitted never raises: too few observations or distinct concentrations, no positive
concentration, no convergence, an EC50 outside the concentrations' range by more than a factor of
1000 (not identified by the data) or a singular J'J give NaN estimates (or NaN SEs) and a reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NAN = float("nan")
PARAMS = ("e0", "emax", "ec50", "hill")
IDENTIFIABLE_FACTOR = 1000.0  # EC50 beyond [min C / f, max C * f] is not identified by the data


@dataclass(frozen=True)
class EmaxEstimate:
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    fixed: bool = False


@dataclass(frozen=True)
class EmaxResult:
    params: dict[str, EmaxEstimate]  # e0, emax, ec50, hill
    n_obs: int  # observations used
    excluded: int  # pairs left out (missing or non-finite)
    df: int  # n_obs - number of estimated parameters
    rss: float
    sigma: float  # residual standard error, sqrt(RSS / df)
    converged: bool
    alpha: float
    ci: str
    notes: tuple[str, ...]

    @property
    def estimable(self) -> bool:
        return self.converged and self.params["emax"].estimate == self.params["emax"].estimate

    def predict(self, conc) -> list[float]:
        p = {k: v.estimate for k, v in self.params.items()}
        return [emax_model(float(c), p["e0"], p["emax"], p["ec50"], p["hill"]) for c in conc]


def emax_model(c: float, e0: float, emax: float, ec50: float, hill: float = 1.0) -> float:
    """E0 + Emax * C^h / (EC50^h + C^h); C = 0 gives E0."""
    if c <= 0:
        return e0
    r = (c / ec50) ** hill
    return e0 + emax * r / (1.0 + r)


def _design(c, theta, free: tuple[str, ...], fixed: dict[str, float]):
    """Model values and Jacobian (columns: the free parameters, natural scale) at theta."""
    import numpy as np

    p = {**fixed, **dict(zip(free, theta, strict=True))}
    e0, emax, ec50, h = p["e0"], p["emax"], p["ec50"], p["hill"]
    pos = c > 0
    g = np.zeros_like(c)
    lr = np.zeros_like(c)
    lr[pos] = np.log(c[pos] / ec50)
    g[pos] = 1.0 / (1.0 + np.exp(-h * lr[pos]))  # C^h / (EC50^h + C^h), stable for large ratios
    f = e0 + emax * g
    dg = g * (1.0 - g)  # d g / d (h log(C / EC50))
    cols = {"e0": np.ones_like(c), "emax": g, "ec50": np.where(pos, -emax * dg * h / ec50, 0.0),
            "hill": np.where(pos, emax * dg * lr, 0.0)}
    return f, np.column_stack([cols[k] for k in free])


def fit_emax(conc, response, *, e0: float | None = None, hill: float | None = 1.0, alpha: float = 0.05,
             ci: str = "t", max_nfev: int = 2000) -> EmaxResult:
    """Least-squares fit of the Emax model to concentration-response pairs. `e0` / `hill`: a number fixes
    the parameter at it, None estimates it. Pairs with a missing or non-finite value are left out and
    counted; negative concentrations are the caller's to reject (they are left out here too)."""
    import numpy as np
    from scipy import optimize, stats

    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    if ci not in ("t", "normal"):
        raise ValueError(f"ci must be 't' or 'normal', got {ci!r}")
    c_all = np.asarray(conc, dtype=float)
    y_all = np.asarray(response, dtype=float)
    if c_all.shape != y_all.shape:
        raise ValueError(f"concentration and response differ in length ({c_all.size} and {y_all.size})")
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(c_all) & np.isfinite(y_all) & (c_all >= 0)
    c, y = c_all[ok], y_all[ok]
    n, excluded = int(ok.sum()), int((~ok).sum())
    fixed = {k: float(v) for k, v in (("e0", e0), ("hill", hill)) if v is not None}
    free = tuple(k for k in PARAMS if k not in fixed)
    p = len(free)
    notes = [f"{excluded} pair(s) with a missing or negative value left out"] if excluded else []

    def result(est: dict[str, float], se: dict[str, float], rss: float, converged: bool, why: str = "") -> EmaxResult:
        df = n - p
        q = float(stats.t.ppf(1 - alpha / 2, df)) if ci == "t" and df > 0 else float(stats.norm.ppf(1 - alpha / 2))
        params = {}
        for k in PARAMS:
            if k in fixed:
                params[k] = EmaxEstimate(fixed[k], NAN, NAN, NAN, fixed=True)
            else:
                b, s = est.get(k, NAN), se.get(k, NAN)
                params[k] = EmaxEstimate(b, s, b - q * s, b + q * s)
        sigma = math.sqrt(rss / df) if df > 0 and rss == rss else NAN
        return EmaxResult(params, n, excluded, max(df, 0), rss, sigma, converged, alpha, ci,
                          tuple(notes + ([why] if why else [])))

    positive = np.unique(c[c > 0])
    distinct = np.unique(c).size
    if n <= p:
        return result({}, {}, NAN, False, f"needs more observations than the {p} parameters estimated (n = {n})")
    if positive.size == 0:
        return result({}, {}, NAN, False, "no positive concentration")
    if distinct < p:
        return result({}, {}, NAN, False, f"needs at least {p} distinct concentrations (has {distinct})")
    if np.ptp(y) == 0:
        return result({}, {}, NAN, False, "the response does not vary")

    # parameters searched: E0, Emax as they are; EC50 and h on the log scale
    def unpack(z):
        return np.array([math.exp(v) if k in ("ec50", "hill") else v for k, v in zip(free, z, strict=True)])

    def resid(z):
        f, _ = _design(c, unpack(z), free, fixed)
        return f - y

    def jac(z):
        theta = unpack(z)
        _, j = _design(c, theta, free, fixed)
        scale = np.array([t if k in ("ec50", "hill") else 1.0 for k, t in zip(free, theta, strict=True)])
        return j * scale

    base = fixed.get("e0", float(np.mean(y[c == c.min()])))
    top = float(y[c == c.max()].mean()) - base
    ec50_starts = np.quantile(positive, [0.1, 0.3, 0.5, 0.7, 0.9]) if positive.size > 1 else positive
    hill_starts = (1.0,) if "hill" in fixed else (0.5, 1.0, 2.0)
    best = None
    for s_ec50 in ec50_starts:
        for s_h in hill_starts:
            start = {"e0": base, "emax": top if top != 0 else float(np.ptp(y)), "ec50": math.log(s_ec50),
                     "hill": math.log(s_h)}
            z0 = np.array([start[k] for k in free])
            try:
                with np.errstate(all="ignore"):
                    fit = optimize.least_squares(resid, z0, jac=jac, method="lm", xtol=1e-12, ftol=1e-12,
                                                 gtol=1e-12, max_nfev=max_nfev)
            except (ValueError, FloatingPointError, OverflowError):
                continue
            if fit.status > 0 and np.all(np.isfinite(fit.x)) and (best is None or fit.cost < best.cost):
                best = fit
    if best is None:
        return result({}, {}, NAN, False, "the least-squares fit did not converge")
    theta = unpack(best.x)
    est = dict(zip(free, (float(t) for t in theta), strict=True))
    rss = float(2 * best.cost)
    lo, hi = float(positive.min()), float(positive.max())
    if not lo / IDENTIFIABLE_FACTOR <= est["ec50"] <= hi * IDENTIFIABLE_FACTOR:
        return result({}, {}, rss, False, f"EC50 not identified by the data (the fit drifts to {est['ec50']:.3g}, "
                      f"concentrations {lo:.3g} to {hi:.3g})")
    _, j = _design(c, theta, free, fixed)
    jtj = j.T @ j
    se: dict[str, float] = {}
    if n - p > 0 and np.linalg.cond(jtj) < 1e12:
        cov = rss / (n - p) * np.linalg.inv(jtj)
        se = {k: float(math.sqrt(v)) if v >= 0 else NAN for k, v in zip(free, np.diag(cov), strict=True)}
    else:
        notes.append("standard errors not estimable (singular information matrix)")
    return result(est, se, rss, True)
