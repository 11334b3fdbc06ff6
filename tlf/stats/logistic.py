"""Logistic regression of a binary response on a design matrix, by Newton-Raphson (iteratively
reweighted least squares), as R glm(family = binomial) and SAS PROC LOGISTIC fit it: coefficients,
standard errors from the inverse information at the maximum, Wald z tests and CIs. Numbers only.

Not estimable (NaN with the reason in `notes`, never an exception):
- a design matrix of deficient rank (a covariate constant, or confounded with another or the treatment);
- complete or quasi-complete separation: some linear combination of the columns is >= 0 for every
  responder and <= 0 for every non-responder, not all 0 (Albert & Anderson 1984): the maximum
  likelihood estimate does not exist (SAS: "Quasi-complete separation of data points detected"; R
  warns "fitted probabilities numerically 0 or 1 occurred" and prints huge coefficients). Detected by
  the linear program of Konis (2007): maximise the summed margins (2y - 1) x'b subject to every margin
  >= 0 and -1 <= b <= 1; a positive optimum is a separating direction;
- no convergence within `max_iter` Newton steps (relative change of the deviance below `tol`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tlf.errors import TlfError

NAN = float("nan")


@dataclass(frozen=True)
class LogisticFit:
    """Coefficients (`names`, `coef`, `se`, Wald `z`, `pvalue`) of a fitted logistic model; `n` the
    observations, `deviance` -2 log likelihood, `iterations` the Newton steps; NaN where not estimable
    (why in `notes`)."""

    names: tuple[str, ...]
    coef: tuple[float, ...]
    se: tuple[float, ...]
    z: tuple[float, ...]
    pvalue: tuple[float, ...]
    n: int
    deviance: float
    iterations: int
    converged: bool
    notes: tuple[str, ...] = ()

    def odds_ratio(self, name: str, conf_level: float = 0.95) -> tuple[float, float, float, float]:
        """exp(coefficient) of `name` with its Wald CI and p-value (NaN when not estimable)."""
        from scipy.stats import norm

        i = self.names.index(name)
        b, se = self.coef[i], self.se[i]
        if not (math.isfinite(b) and math.isfinite(se)):
            return NAN, NAN, NAN, NAN
        zq = float(norm.ppf(1 - (1 - conf_level) / 2))
        return math.exp(b), math.exp(b - zq * se), math.exp(b + zq * se), self.pvalue[i]


def separated(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether the responses are completely or quasi-completely separated by the columns of x (Konis's
    linear program; see the module docstring)."""
    from scipy.optimize import linprog

    s = 2 * y - 1
    a = x * s[:, None]  # margins a @ b
    res = linprog(-a.sum(axis=0), A_ub=-a, b_ub=np.zeros(len(y)), bounds=[(-1, 1)] * x.shape[1], method="highs")
    if res.status != 0:
        return False
    scale = max(1.0, float(np.abs(a).sum()))
    return -res.fun > 1e-7 * scale


def _nan_fit(names, n: int, note: str) -> LogisticFit:
    k = len(names)
    return LogisticFit(tuple(names), (NAN,) * k, (NAN,) * k, (NAN,) * k, (NAN,) * k, n, NAN, 0, False, (note,))


def logistic_regression(x, y, names, *, max_iter: int = 50, tol: float = 1e-10) -> LogisticFit:
    """Fit P(y = 1) = 1 / (1 + exp(-x b)): x an n x k design matrix (with its intercept column), y 0/1."""
    from scipy.stats import norm

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    names = tuple(names)
    if x.ndim != 2 or y.ndim != 1 or x.shape[0] != y.shape[0] or x.shape[1] != len(names):
        raise TlfError(f"design matrix {x.shape} does not match {y.shape[0]} responses and {len(names)} names",
                       code="STAT023")
    if not (np.isfinite(x).all() and np.isin(y, (0.0, 1.0)).all()):
        raise TlfError("responses must be 0 or 1 and the design matrix finite", code="STAT023")
    n, k = x.shape
    if n == 0 or y.min() == y.max():
        return _nan_fit(names, n, "every subject is a responder or none is: the model is not estimable"
                        if n else "no subjects to fit")
    if np.linalg.matrix_rank(x) < k:
        return _nan_fit(names, n, "the design matrix is not of full rank (a covariate constant or confounded "
                        "with another term): not estimable")
    if separated(x, y):
        return _nan_fit(names, n, "complete or quasi-complete separation of the responses: the maximum "
                        "likelihood estimate does not exist, the odds ratio is not estimable")
    b = np.zeros(k)
    b[0] = math.log(y.mean() / (1 - y.mean())) if np.allclose(x[:, 0], 1) else 0.0
    dev_old = math.inf
    converged = False
    it = 0
    while it < max_iter:
        it += 1
        eta = x @ b
        p = 1 / (1 + np.exp(-eta))
        w = p * (1 - p)
        grad = x.T @ (y - p)
        info = x.T @ (x * w[:, None])
        b = b + np.linalg.solve(info, grad)
        eta = x @ b
        dev = float(-2 * np.sum(y * eta - np.logaddexp(0, eta)))
        if abs(dev - dev_old) / (abs(dev) + 0.1) < tol:  # R glm.control's rule
            converged = True
            break
        dev_old = dev
    if not converged:
        return _nan_fit(names, n, f"the model did not converge in {max_iter} iterations: not estimable")
    p = 1 / (1 + np.exp(-(x @ b)))
    cov = np.linalg.inv(x.T @ (x * (p * (1 - p))[:, None]))
    se = np.sqrt(np.diag(cov))
    z = b / se
    pv = 2 * norm.sf(np.abs(z))
    return LogisticFit(names, tuple(map(float, b)), tuple(map(float, se)), tuple(map(float, z)),
                       tuple(map(float, pv)), n, dev, it, True)
