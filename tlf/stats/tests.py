"""Hypothesis tests and correlations: numbers only, as SAS computes them unless noted.

- `anova_oneway`: one-way ANOVA F test (PROC GLM / R `oneway.test(var.equal = TRUE)`).
- `chisq_test`: Pearson chi-square without continuity correction (PROC FREQ CHISQ), with a note
  when expected counts fall below 5 (as R's chisq.test warns when any does); `ChiSquareTest.sparse`
  is SAS's rule: more than 20% of the cells have expected counts below 5 (Cochran).
- `fisher_test`: Fisher's exact test; 2 x 2 by scipy, r x c by exact enumeration of the tables with
  the observed margins. Two-sided p = total probability of the tables no more probable than the
  observed one (relative tolerance 1e-7, as R `fisher.test`).
- `signed_rank_test`: Wilcoxon signed-rank as PROC UNIVARIATE: zeros discarded, average ranks for
  ties, S = (sum of positive ranks) - n(n + 1)/4; for n <= 20 the exact distribution of S given
  the ranks (each rank + or - with probability 1/2), above that S sqrt((n - 1)/(nV - S^2)) as t
  with n - 1 df. Two-sided p = Pr(|S| >= |s|).
- `rank_sum_test`: Wilcoxon rank-sum as PROC NPAR1WAY: normal approximation with a 0.5 continuity
  correction (default), or the exact permutation distribution of the rank sum given the (mid)ranks
  (SAS EXACT WILCOXON, R coin::wilcox_test(distribution = "exact")), or "auto" as R wilcox.test's
  default: exact when both samples have fewer than 50 values and no ties.
- `correlation`: Pearson or Spearman coefficient with n, p (t with n - 2 df, as PROC CORR) and,
  for Pearson, the Fisher-z CI.

Missing values (NaN) are dropped (pairwise for correlations). A test that cannot be computed
returns NaN with a note, never raises for the data's sake.
"""

from __future__ import annotations

import functools
import itertools
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from tlf.errors import TlfError

if TYPE_CHECKING:
    import numpy as np

NAN = float("nan")
EXACT_SIGNED_RANK_MAX_N = 20
SPARSE_SHARE = 0.2  # SAS PROC FREQ: chi-square "may not be a valid test" above 20% of cells expected < 5
EXACT_RANK_SUM_AUTO_N = 50  # R wilcox.test: exact when both samples have fewer values (and no ties)
EXACT_RANK_SUM_MAX_WORK = 50_000_000  # cells of the exact rank-sum count table (up to ~8 s and 400 MB)
FISHER_MAX_WORK = 1_000_000


class _Numbers:
    def as_dict(self) -> dict[str, float]:
        """The numeric fields as floats (text fields and notes left out)."""
        return {k: float(v) for k, v in asdict(self).items() if isinstance(v, int | float)}


@dataclass(frozen=True)
class AnovaTest(_Numbers):
    """One-way ANOVA: F, numerator (groups - 1) and denominator (n - groups) df, p-value, n used."""

    f: float
    df_num: int
    df_den: int
    pvalue: float
    n: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChiSquareTest(_Numbers):
    """Pearson chi-square: statistic, df, p; n; cells with expected count < 5 out of all cells."""

    chisq: float
    df: int
    pvalue: float
    n: int
    n_low_expected: int
    n_cells: int
    notes: tuple[str, ...] = ()

    @property
    def sparse(self) -> bool:
        """SAS PROC FREQ's rule (Cochran): more than 20% of the cells have expected counts below 5, where
        SAS warns "Chi-Square may not be a valid test". (R's chisq.test warns when any cell does.)"""
        return self.n_cells > 0 and self.n_low_expected > SPARSE_SHARE * self.n_cells


@dataclass(frozen=True)
class FisherTest(_Numbers):
    """Fisher's exact test: two-sided p; the sample odds ratio (ad/bc) for a 2 x 2 table, else NaN."""

    pvalue: float
    odds_ratio: float
    n: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignedRankTest(_Numbers):
    """Wilcoxon signed-rank: s (SAS S), w_plus (sum of positive ranks; R's V), n non-zero
    differences, n_zero discarded zeros, two-sided p, method "exact" or "t"."""

    s: float
    w_plus: float
    n: int
    n_zero: int
    pvalue: float
    method: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RankSumTest(_Numbers):
    """Wilcoxon rank-sum: w (rank sum of the first sample), u (Mann-Whitney U = w - n1(n1 + 1)/2;
    R's W), z (normal statistic with continuity correction), two-sided p, sample sizes, method."""

    w: float
    u: float
    z: float
    pvalue: float
    n1: int
    n2: int
    method: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Correlation(_Numbers):
    """Correlation coefficient r, two-sided p (H0: r = 0), pairs used n, and for Pearson a (1 - alpha)
    Fisher-z CI (NaN for Spearman)."""

    method: str
    r: float
    pvalue: float
    n: int
    ci_low: float = NAN
    ci_high: float = NAN
    notes: tuple[str, ...] = ()


# ---------------------------------------------------------------- parametric and contingency tests

def anova_oneway(samples: Sequence[Iterable[float]]) -> AnovaTest:
    """One-way ANOVA across the groups in `samples` (empty groups ignored)."""
    import numpy as np
    from scipy import stats

    groups = [g for g in (_clean(s) for s in samples) if g.size]
    n = sum(g.size for g in groups)
    k = len(groups)
    if k < 2 or n - k < 1:
        return AnovaTest(NAN, max(k - 1, 0), max(n - k, 0), NAN, n,
                         ("not estimable: needs 2 groups with data and more observations than groups",))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.f_oneway(*groups)
    f, p = float(res.statistic), float(res.pvalue)
    notes = () if np.isfinite(f) else ("not estimable: no variation within groups",)
    return AnovaTest(f if np.isfinite(f) else NAN, k - 1, n - k, p if np.isfinite(f) else NAN, n, notes)


def chisq_test(table) -> ChiSquareTest:
    """Pearson chi-square test of independence of a contingency table of counts (rows or columns
    that are all zero are left out, as they are when the table is built from records)."""
    from scipy import stats

    t = _table(table)
    n = int(t.sum())
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    if min(t.shape) < 2:
        return ChiSquareTest(NAN, 0, NAN, n, 0, t.size, ("not estimable: needs 2 rows and 2 columns with data",))
    res = stats.chi2_contingency(t, correction=False)
    low = int((res.expected_freq < 5).sum())
    notes = (f"{low} of {t.size} cells have expected counts less than 5; chi-square may not be a valid test",
             ) if low else ()
    return ChiSquareTest(float(res.statistic), int(res.dof), float(res.pvalue), n, low, t.size, notes)


def fisher_test(table) -> FisherTest:
    """Fisher's exact test, two-sided, for a 2 x 2 or r x c table of counts."""
    from scipy import stats

    t = _table(table)
    n = int(t.sum())
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    if min(t.shape) < 2:
        return FisherTest(1.0, NAN, n, ("only one row or column has data: p = 1",))
    if t.shape == (2, 2):
        res = stats.fisher_exact(t)
        return FisherTest(float(res.pvalue), float(res.statistic), n)
    p = fisher_rxc_pvalue(t)
    if p != p:
        return FisherTest(NAN, NAN, n, ("exact test not computed: too many tables with these margins",))
    return FisherTest(p, NAN, n)


def fisher_rxc_pvalue(table: np.ndarray, max_work: int = FISHER_MAX_WORK) -> float:
    """Exact two-sided p of an r x c table: the probability, given both margins, of the tables whose
    probability is at most the observed one's (times 1 + 1e-7, as R).

    A small network algorithm (after Mehta and Patel 1983): columns are filled one at a time; a node
    is the multiset of remaining row totals, carrying the distinct log-probabilities of the partial
    tables that reach it. Bounds on what the remaining columns can add settle most partial tables
    without enumerating their completions: all of them count (their total probability has a closed
    form) or none does. NaN when that needs more than `max_work` steps (the default, a million, takes
    a few seconds)."""
    import numpy as np

    t = np.asarray(table, dtype=int)
    if t.shape[0] > t.shape[1]:
        t = t.T
    rows = [int(v) for v in t.sum(axis=1)]
    cols = sorted((int(v) for v in t.sum(axis=0)), reverse=True)
    total = sum(rows)
    lf = [math.lgamma(i + 1) for i in range(total + 1)]
    const = sum(lf[r] for r in rows) + sum(lf[c] for c in cols) - lf[total]
    bound = const - sum(lf[v] for v in t.ravel()) + math.log1p(1e-7)
    tail_lf = [sum(lf[c] for c in cols[j:]) for j in range(len(cols) + 1)]

    work = [max_work]

    def spend() -> None:
        work[0] -= 1
        if work[0] < 0:
            raise _TooLarge

    @functools.cache
    def extremes(j: int, remaining: tuple[int, ...]) -> tuple[float, float]:
        """Largest and smallest -sum log(n_ik!) the columns j.. can add (longest and shortest path)."""
        if j == len(cols) - 1:
            v = -sum(lf[r] for r in remaining)
            return v, v
        most = sum(_column_extreme(cc, remaining, True, lf) for cc in cols[j:])
        if most == sum(_column_extreme(cc, remaining, False, lf) for cc in cols[j:]):
            return most, most  # a single completion (e.g. one row left)
        hi, lo = -math.inf, math.inf
        for alloc in _allocations(cols[j], remaining):
            spend()
            step = -sum(lf[a] for a in alloc)
            h, w = extremes(j + 1, tuple(sorted(r - a for r, a in zip(remaining, alloc, strict=True))))
            hi, lo = max(hi, step + h), min(lo, step + w)
        return hi, lo

    try:
        p = 0.0
        nodes: dict[tuple, dict[int, list]] = {tuple(sorted(rows)): {0: [0.0, 1.0]}}
        for j, c in enumerate(cols):
            new: dict[tuple, dict[int, list]] = {}
            for remaining, pasts in nodes.items():
                hi, lo = extremes(j, remaining)
                # log of the sum over completions of prod 1/n_ij!  =  log(N! / (prod R_i! prod c_k!))
                log_all = lf[sum(remaining)] - sum(lf[r] for r in remaining) - tail_lf[j]
                open_pasts = []
                for past, mult in pasts.values():
                    if const + past + hi <= bound:
                        p += mult * math.exp(const + past + log_all)
                    elif const + past + lo <= bound:
                        open_pasts.append((past, mult))
                if not open_pasts:
                    continue
                for alloc in _allocations(c, remaining):
                    left = tuple(sorted(r - a for r, a in zip(remaining, alloc, strict=True)))
                    step = -sum(lf[a] for a in alloc)
                    bucket = new.setdefault(left, {})
                    for past, mult in open_pasts:
                        spend()
                        value = past + step
                        key = math.floor(value * 1e9 + 0.5)
                        if key in bucket:
                            bucket[key][1] += mult
                        else:
                            bucket[key] = [value, mult]
            nodes = new
    except _TooLarge:
        return NAN
    return min(p, 1.0)


class _TooLarge(Exception):
    """The exact r x c enumeration ran out of its work budget."""


def _column_extreme(total: int, caps: tuple[int, ...], most: bool, lf: list[float]) -> float:
    """Largest (most=True) or smallest value of -sum log(a_i!) over splits of `total` with a_i <= caps[i]:
    the most even split, or the most concentrated one (largest caps filled first)."""
    if not caps:
        return 0.0
    alloc = [0] * len(caps)
    left = total
    if most:
        order = sorted(range(len(caps)), key=lambda i: caps[i])
        for k, i in enumerate(order):
            share = min(caps[i], left // (len(order) - k))
            alloc[i] = share
            left -= share
        # hand out what is left one unit at a time to the rows with the fewest, within their caps
        while left > 0:
            i = min((i for i in range(len(caps)) if alloc[i] < caps[i]), key=lambda i: alloc[i])
            alloc[i] += 1
            left -= 1
    else:
        for i in sorted(range(len(caps)), key=lambda i: -caps[i]):
            alloc[i] = min(caps[i], left)
            left -= alloc[i]
    return -sum(lf[a] for a in alloc)


def _allocations(total: int, caps: tuple[int, ...]):
    """Every way to split `total` into len(caps) non-negative parts with part i <= caps[i]."""
    if len(caps) == 1:
        if total <= caps[0]:
            yield (total,)
        return
    rest_cap = sum(caps[1:])
    for first in range(max(0, total - rest_cap), min(total, caps[0]) + 1):
        for tail in _allocations(total - first, caps[1:]):
            yield (first, *tail)


# ---------------------------------------------------------------- rank tests

def signed_rank_test(x, y=None, *, mu: float = 0.0, method: str = "auto") -> SignedRankTest:
    """Wilcoxon signed-rank test of x - y (or x alone) against `mu`, as SAS PROC UNIVARIATE.

    method: "auto" (exact for n <= 20 non-zero differences, else the t approximation), "exact" or
    "t". Pairs with a missing value are dropped; zero differences are discarded and counted."""
    import numpy as np
    from scipy import stats

    if method not in ("auto", "exact", "t"):
        raise TlfError(f"method must be auto, exact or t, got {method!r}", code="STAT009")
    d = np.asarray(x, dtype=float) - (0.0 if y is None else np.asarray(y, dtype=float)) - mu
    d = d[~np.isnan(d)]
    nz = d[d != 0]
    n, n_zero = int(nz.size), int(d.size - nz.size)
    notes = [f"{n_zero} zero difference(s) discarded"] if n_zero else []
    if n == 0:
        return SignedRankTest(0.0, 0.0, 0, n_zero, NAN, "exact", (*notes, "not estimable: no non-zero values"))
    ranks = stats.rankdata(np.abs(nz))
    w_plus = float(ranks[nz > 0].sum())
    s = w_plus - n * (n + 1) / 4
    use_exact = method == "exact" or (method == "auto" and n <= EXACT_SIGNED_RANK_MAX_N)
    if use_exact:
        p = _signed_rank_exact_p(ranks, w_plus)
    else:
        _, counts = np.unique(np.abs(nz), return_counts=True)
        v = n * (n + 1) * (2 * n + 1) / 24 - float((counts * (counts + 1) * (counts - 1)).sum()) / 48
        denom = n * v - s * s
        p = float(2 * stats.t.sf(abs(s * math.sqrt((n - 1) / denom)), n - 1)) if denom > 0 and n > 1 else NAN
    return SignedRankTest(s, w_plus, n, n_zero, p, "exact" if use_exact else "t", tuple(notes))


def _signed_rank_exact_p(ranks: np.ndarray, w_plus: float) -> float:
    """Pr(|W+ - E| >= |w - E|) when each (mid)rank is positive or negative with probability 1/2."""
    import numpy as np

    scores = np.rint(2 * ranks).astype(int)  # midranks are multiples of 1/2
    total = int(scores.sum())
    dist = np.zeros(total + 1)
    dist[0] = 1.0
    for sc in scores:
        dist[sc:] = dist[sc:] + dist[: total + 1 - sc].copy()
    dist /= dist.sum()
    observed = abs(2 * int(np.rint(2 * w_plus)) - total)
    values = np.abs(2 * np.arange(total + 1) - total)
    return float(min(1.0, dist[values >= observed].sum()))


def rank_sum_test(x, y, *, method: str = "asymptotic", correction: bool = True) -> RankSumTest:
    """Wilcoxon rank-sum (Mann-Whitney) test of two independent samples, as SAS PROC NPAR1WAY.

    method "asymptotic": z = (W - E(W) -+ 0.5) / sd(W) with the tie-corrected variance (`correction`
    toggles the 0.5); "exact": Pr(|W - E| >= |w - E|) over all splits of the pooled (mid)ranks (SAS
    EXACT WILCOXON; with ties, R coin's exact conditional test); "auto": R wilcox.test's default rule,
    exact when both samples have fewer than 50 values and no value ties, else asymptotic (the result's
    `method` says which). Two-sided p in all cases. An exact test too large to count (more than
    EXACT_RANK_SUM_MAX_WORK cells: two samples of more than about 250 values each; a few seconds below)
    gives NaN with a note."""
    import numpy as np
    from scipy import stats

    if method not in ("asymptotic", "exact", "auto"):
        raise TlfError(f"method must be asymptotic, exact or auto, got {method!r}", code="STAT009")
    a, b = _clean(x), _clean(y)
    n1, n2 = int(a.size), int(b.size)
    if method == "auto":
        pooled = np.concatenate([a, b])
        small = n1 < EXACT_RANK_SUM_AUTO_N and n2 < EXACT_RANK_SUM_AUTO_N
        method = "exact" if small and np.unique(pooled).size == pooled.size else "asymptotic"
    if n1 == 0 or n2 == 0:
        return RankSumTest(NAN, NAN, NAN, NAN, n1, n2, method, ("not estimable: a sample has no values",))
    ranks = stats.rankdata(np.concatenate([a, b]))
    w = float(ranks[:n1].sum())
    big_n = n1 + n2
    mean = n1 * (big_n + 1) / 2
    var = n1 * n2 / (big_n * (big_n - 1)) * float(((ranks - ranks.mean()) ** 2).sum()) if big_n > 1 else 0.0
    diff = w - mean
    cc = 0.5 * np.sign(diff) if correction else 0.0
    z = float((diff - cc) / math.sqrt(var)) if var > 0 else NAN
    notes: tuple[str, ...] = () if var > 0 else ("not estimable: all values tie",)
    if method == "exact":
        p = _rank_sum_exact_p(ranks, n1, w) if var > 0 else NAN
        if p != p and var > 0:
            notes = (f"exact test not computed: {big_n} values are too many to count every split",)
    else:
        p = float(2 * stats.norm.sf(abs(z))) if z == z else NAN
    return RankSumTest(w, w - n1 * (n1 + 1) / 2, z, p, n1, n2, method, notes)


def _rank_sum_exact_p(ranks: np.ndarray, n1: int, w: float) -> float:
    """Pr(|W - E| >= |w - E|), W the sum of n1 of the pooled (mid)ranks drawn without replacement
    (the same for the other sample's sum, which is counted when it is the smaller); NaN when the count
    table would exceed EXACT_RANK_SUM_MAX_WORK cells."""
    import numpy as np

    if 2 * n1 > ranks.size:  # |W - E| is the same for either sample: count the smaller
        w = float(ranks.sum()) - w
        n1 = ranks.size - n1
    scores = np.rint(2 * ranks).astype(int)
    total = int(np.sort(scores)[::-1][:n1].sum())
    if (n1 + 1) * (total + 1) > EXACT_RANK_SUM_MAX_WORK:
        return NAN
    ways = np.zeros((n1 + 1, total + 1))  # ways[k, s]: subsets of k of the scores seen so far summing to s
    ways[0, 0] = 1.0
    ordered = sorted(scores.tolist())
    big_n = len(ordered)
    cum = [0, *itertools.accumulate(ordered)]
    for i, sc in enumerate(ordered):
        # k from high to low reads row k - 1 before this score is added to it; rows below
        # n1 - (scores left) can no longer reach n1. Row k - 1 is non-zero only from the sum of the
        # k - 1 smallest scores to the sum of the k - 1 largest seen so far (scores taken in order).
        for k in range(min(i + 1, n1), max(0, n1 - (big_n - i)), -1):
            lo, hi = cum[k - 1], cum[i] - cum[i - k + 1]
            ways[k, lo + sc:hi + sc + 1] += ways[k - 1, lo:hi + 1]
    dist = ways[n1] / ways[n1].sum()
    mean2 = n1 * scores.sum() / scores.size
    observed = abs(2 * w - mean2)
    values = np.abs(np.arange(total + 1) - mean2)
    return float(min(1.0, dist[values >= observed - 1e-9].sum()))


# ---------------------------------------------------------------- correlation

def correlation(x, y, *, method: str = "pearson", alpha: float = 0.05) -> Correlation:
    """Pearson or Spearman (Pearson of the average ranks) correlation of the complete pairs, with
    p from t = r sqrt((n - 2)/(1 - r^2)) on n - 2 df; Pearson also gets the Fisher-z (1 - alpha) CI."""
    import numpy as np
    from scipy import stats

    if method not in ("pearson", "spearman"):
        raise TlfError(f"method must be pearson or spearman, got {method!r}", code="STAT009")
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = ~(np.isnan(a) | np.isnan(b))
    a, b = a[ok], b[ok]
    n = int(a.size)
    if n < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return Correlation(method, NAN, NAN, n, notes=("not estimable: needs 3 pairs and variation in both",))
    if method == "spearman":
        a, b = stats.rankdata(a), stats.rankdata(b)
    r = float(np.corrcoef(a, b)[0, 1])
    r = max(-1.0, min(1.0, r))
    df = n - 2
    if abs(r) < 1:
        p = float(2 * stats.t.sf(abs(r) * math.sqrt(df / (1 - r * r)), df))
    else:
        p = 0.0
    lo = hi = NAN
    if method == "pearson" and n > 3 and abs(r) < 1:
        zq = float(stats.norm.ppf(1 - alpha / 2)) / math.sqrt(n - 3)
        lo, hi = math.tanh(math.atanh(r) - zq), math.tanh(math.atanh(r) + zq)
    return Correlation(method, r, p, n, lo, hi)


# ---------------------------------------------------------------- helpers

def _clean(values) -> np.ndarray:
    import numpy as np

    v = np.asarray(list(values) if not hasattr(values, "__array__") else values, dtype=float).ravel()
    return v[~np.isnan(v)]


def _table(table) -> np.ndarray:
    import numpy as np

    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or (t < 0).any() or np.isnan(t).any() or (t != np.floor(t)).any():
        raise TlfError("a contingency table must be a 2-D array of non-negative whole counts", code="STAT009")
    return t.astype(int)
