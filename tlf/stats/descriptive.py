"""Descriptive statistics of one variable: numbers only, never text.

Quartiles use SAS's default percentile definition (PCTLDEF=5): with np = n*p, j = floor(np),
g = np - j, the percentile is x(j+1) if g > 0, else (x(j) + x(j+1)) / 2. This is numpy's
'averaged_inverted_cdf' method (Hyndman & Fan definition 2).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

NAN = float("nan")


@dataclass(frozen=True)
class Descriptive:
    """n, mean, SD (n-1 divisor), SE, median, Q1, Q3, min, max, CV%, geometric mean and CV%.
    A statistic that cannot be computed (SD of one value, geometric mean with a value <= 0) is NaN."""

    n: int
    mean: float = NAN
    sd: float = NAN
    se: float = NAN
    median: float = NAN
    q1: float = NAN
    q3: float = NAN
    min: float = NAN
    max: float = NAN
    cv: float = NAN
    geomean: float = NAN
    geocv: float = NAN

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


def percentile_sas5(sorted_values, p: float) -> float:
    """The p-th quantile (0 < p < 1) of already sorted values by SAS PCTLDEF=5."""
    import numpy as np

    return float(np.quantile(np.asarray(sorted_values, dtype=float), p, method="averaged_inverted_cdf"))


def describe(values) -> Descriptive:
    """Statistics of the non-missing values in `values` (any iterable of numbers)."""
    import numpy as np

    x = np.asarray(values, dtype=float)
    x = np.sort(x[~np.isnan(x)])
    n = int(x.size)
    if n == 0:
        return Descriptive(n=0)
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else NAN
    se = sd / math.sqrt(n) if n > 1 else NAN
    cv = 100.0 * sd / mean if n > 1 and mean != 0 else NAN
    geomean = geocv = NAN
    if (x > 0).all():
        lx = np.log(x)
        geomean = float(np.exp(lx.mean()))
        if n > 1:
            try:
                geocv = 100.0 * math.sqrt(math.expm1(float(lx.std(ddof=1)) ** 2))
            except OverflowError:  # values over many orders of magnitude (a 1e26 among weights)
                geocv = math.inf
    return Descriptive(
        n=n, mean=mean, sd=sd, se=se,
        median=float(np.median(x)),
        q1=percentile_sas5(x, 0.25), q3=percentile_sas5(x, 0.75),
        min=float(x[0]), max=float(x[-1]), cv=cv, geomean=geomean, geocv=geocv,
    )


def collected_decimals(values, max_decimals: int = 6) -> int:
    """The number of decimals the values were collected with (the most any value needs)."""
    import numpy as np

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return 0
    for d in range(max_decimals + 1):
        scaled = x * 10.0**d
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-6 * np.maximum(1.0, np.abs(scaled))):
            return d
    return max_decimals


_DEFAULT_OFFSET = {"n": None, "mean": 1, "median": 1, "q1": 1, "q3": 1, "geomean": 1, "sd": 2, "se": 2,
                   "min": 0, "max": 0}


def stat_precision(name: str, d: int, decimals: dict[str, int], sig: int | None) -> tuple[int, int]:
    """(decimals, significant figures) a statistic is printed with: counts as integers, CV% with 1
    decimal, the rest with `sig` significant figures when given, else by the conventions relative to
    the decimals collected `d` (mean d+1, SD d+2, min/max d); `decimals` overrides per statistic."""
    if name in decimals:
        return decimals[name], 0
    if name in ("n", "n_blq"):
        return 0, 0
    if name in ("cv", "geocv"):
        return 1, 0
    if sig:
        return -1, sig
    return d + (_DEFAULT_OFFSET.get(name) or 0), 0
