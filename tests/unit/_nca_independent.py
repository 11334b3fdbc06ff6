"""An independent, deliberately plain re-implementation of the NCA definitions the tests check against.

Pure Python (the standard library's `statistics` for the regression), one loop per definition, written
from the textbook formulas and the Phoenix WinNonlin documentation of the "best fit" rule, sharing no
code with tlf.stats. Slow and obvious on purpose.
"""

from __future__ import annotations

import math
import statistics


def regression(ts, cs):
    """(lambda_z, R^2, adjusted R^2) of ln(C) on t, by the standard library."""
    ys = [math.log(c) for c in cs]
    slope, _ = statistics.linear_regression(ts, ys)
    r = statistics.correlation(ts, ys)
    n = len(ts)
    return -slope, r * r, 1 - (1 - r * r) * (n - 1) / (n - 2)


def best_fit(ts, cs, min_points=3, tol=1e-4):
    """WinNonlin best fit: points after Cmax with C > 0; last n points, n >= 3; negative slope; largest
    adjusted R^2, ties within tol go to more points. Returns (lambda_z, n_points) or None."""
    i_max = max(range(len(cs)), key=lambda i: (cs[i], -i))  # first occurrence of the maximum
    cand = [(t, c) for t, c in zip(ts[i_max + 1:], cs[i_max + 1:], strict=True) if c > 0]
    fits = []
    for n in range(min_points, len(cand) + 1):
        pts = cand[-n:]
        tt = [p[0] for p in pts]
        cc = [p[1] for p in pts]
        if len(set(cc)) == 1:
            continue
        lz, _, r2adj = regression(tt, cc)
        if lz > 0:
            fits.append((r2adj, n, lz))
    if not fits:
        return None
    best = max(f[0] for f in fits)
    r2adj, n, lz = max((f for f in fits if f[0] >= best - tol), key=lambda f: f[1])
    return lz, n


def auc_linear(ts, cs):
    total = 0.0
    for i in range(len(ts) - 1):
        total += (cs[i] + cs[i + 1]) / 2 * (ts[i + 1] - ts[i])
    return total


def auc_linlog(ts, cs):
    total = 0.0
    for i in range(len(ts) - 1):
        c1, c2, dt = cs[i], cs[i + 1], ts[i + 1] - ts[i]
        if c2 < c1 and c2 > 0:
            total += (c1 - c2) * dt / math.log(c1 / c2)
        else:
            total += (c1 + c2) / 2 * dt
    return total


def auc_linear_to(ts, cs, end):
    """Linear-trapezoid AUC from ts[0] to `end` (inside the data), interpolating linearly at `end`."""
    total = 0.0
    for i in range(len(ts) - 1):
        t1, t2, c1, c2 = ts[i], ts[i + 1], cs[i], cs[i + 1]
        if t2 <= end:
            total += (c1 + c2) / 2 * (t2 - t1)
        elif t1 < end:
            ce = c1 + (c2 - c1) * (end - t1) / (t2 - t1)
            total += (c1 + ce) / 2 * (end - t1)
    return total
