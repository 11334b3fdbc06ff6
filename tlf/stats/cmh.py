"""Cochran-Mantel-Haenszel statistics of an r x c x K table (rows: the groups compared, e.g. treatment;
columns: the response; K strata), as SAS PROC FREQ's CMH option prints them, and for 2 x 2 x K tables
the Mantel-Haenszel common odds ratio and the Breslow-Day test. Numbers only.

For stratum h with table N_h (n_h subjects), row proportions p_r and column proportions p_c, the
deviations N_h - E_h (E_h = row total x column total / n_h) have covariance
n_h^2 / (n_h - 1) (diag(p_r) - p_r p_r') (x) (diag(p_c) - p_c p_c') (the hypergeometric one). Each
statistic is Q = G' V^-1 G with G = sum_h B_h vec(N_h - E_h), V = sum_h B_h V_h B_h' (SAS "Details:
Cochran-Mantel-Haenszel Statistics"):

    general      B = R (x) C, R and C the first r - 1 rows / c - 1 columns      df (r-1)(c-1)
    row_mean     B = R (x) a', a the column scores                             df r - 1
    correlation  B = b' (x) a', b the row scores                               df 1

Scores: `table` (the columns' own numeric values, else 1, 2, ...) or `modridit` (SAS SCORES=MODRIDIT:
in each stratum, (cumulative total before the column + (column total + 1) / 2) / (n_h + 1); the
row mean scores statistic on an ordinal response with these scores is van Elteren's test).

As SAS: a stratum with fewer than 2 subjects contributes nothing; a row or column empty in every stratum
is not a level of the table (left out). NaN with a note when the covariance matrix is singular or
fewer than 2 rows (columns) remain.

Odds ratio (2 x 2 x K, first row vs second, odds of the first column): Mantel-Haenszel
sum(a d / n) / sum(b c / n) with the Robins-Breslow-Greenland variance of its log (SAS, R
mantelhaen.test). Breslow-Day: sum_h (a_h - A_h)^2 / var(A_h), A_h the count of cell (1,1) whose
table has the margins of stratum h and the MH odds ratio, on K - 1 df; Tarone's adjustment subtracts
(sum(a_h - A_h))^2 / sum var(A_h) (SAS `BDT`). Strata with a zero margin carry no information on
their odds ratio and are left out of Breslow-Day (and of its df).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NAN = float("nan")
SCORES = ("table", "modridit")
CMH_STATS = ("general", "row_mean", "correlation")


@dataclass(frozen=True)
class CmhStatistic:
    """One CMH statistic: its chi-square value, degrees of freedom and p-value (NaN with `notes` when
    not computable)."""

    name: str
    statistic: float
    df: int
    pvalue: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cmh:
    """The three CMH statistics of one stratified table, the strata that contributed and general notes."""

    general: CmhStatistic
    row_mean: CmhStatistic
    correlation: CmhStatistic
    strata_used: int
    strata_dropped: int
    scores: str

    def get(self, name: str) -> CmhStatistic:
        return getattr(self, name)


@dataclass(frozen=True)
class CommonOddsRatio:
    """Mantel-Haenszel common odds ratio with its (1 - alpha) CI (Robins-Breslow-Greenland)."""

    estimate: float
    lower: float
    upper: float
    se_log: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BreslowDay:
    """Breslow-Day test of equal odds ratios across strata, and with Tarone's adjustment."""

    statistic: float
    df: int
    pvalue: float
    tarone: float
    tarone_pvalue: float
    notes: tuple[str, ...] = ()


def _as_tables(tables) -> np.ndarray:
    t = np.asarray(tables, dtype=float)
    if t.ndim != 3:
        raise ValueError(f"expected K tables of r x c counts (3 dimensions), got {t.ndim}")
    if np.any(t < 0) or np.any(~np.isfinite(t)):
        raise ValueError("counts must be finite and not negative")
    return t


def _chi2_sf(q: float, df: int) -> float:
    from scipy.stats import chi2

    return float(chi2.sf(q, df))


def _modridit(totals: np.ndarray) -> np.ndarray:
    n = totals.sum()
    before = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
    return (before + (totals + 1) / 2) / (n + 1)


def _table_scores(values: Sequence | None, k: int) -> np.ndarray:
    if values is None:
        return np.arange(1, k + 1, dtype=float)
    s = np.asarray(values, dtype=float)
    if s.shape != (k,) or not np.all(np.isfinite(s)):
        raise ValueError(f"expected {k} finite scores, got {values!r}")
    return s


def _quad(g: np.ndarray, v: np.ndarray) -> tuple[float, str]:
    """g' v^-1 g, or NaN with a reason when v is singular."""
    if v.size == 0:
        return NAN, "no degrees of freedom"
    w = np.linalg.eigvalsh(v)
    if w.min() <= 1e-10 * max(w.max(), 1e-300):
        return NAN, "the covariance matrix of the statistic is singular (no variation within strata)"
    return float(g @ np.linalg.solve(v, g)), ""


def cmh(tables, *, scores: str = "table", row_scores: Sequence | None = None,
        col_scores: Sequence | None = None) -> Cmh:
    """The CMH general association, row mean scores and correlation statistics of `tables` (K x r x c
    counts: rows the groups, columns the response). `row_scores`/`col_scores`: the table scores of the
    rows/columns (their numeric values; not given: 1, 2, ...); `scores="modridit"` uses SAS's modified
    ridit scores instead (per stratum)."""
    if scores not in SCORES:
        raise ValueError(f"unknown scores '{scores}' (use one of: {', '.join(SCORES)})")
    t = _as_tables(tables)
    rs = _table_scores(row_scores, t.shape[1])
    cs = _table_scores(col_scores, t.shape[2])
    small = t.sum(axis=(1, 2)) < 2
    t = t[~small]
    notes: list[str] = []
    if small.any():
        notes.append(f"{int(small.sum())} stratum(s) with fewer than 2 subjects left out")
    keep_r = t.sum(axis=(0, 2)) > 0
    keep_c = t.sum(axis=(0, 1)) > 0
    t, rs, cs = t[:, keep_r][:, :, keep_c], rs[keep_r], cs[keep_c]
    r, c = t.shape[1], t.shape[2]
    if r < 2 or c < 2 or len(t) == 0:
        why = ("fewer than 2 subjects in every stratum" if len(t) == 0 else
               f"fewer than 2 {'groups' if r < 2 else 'response categories'} with subjects")
        out = [CmhStatistic(nm, NAN, df, NAN, (why,)) for nm, df in
               (("general", max(r - 1, 0) * max(c - 1, 0)), ("row_mean", max(r - 1, 0)), ("correlation", 1))]
        return Cmh(*out, strata_used=len(t), strata_dropped=int(small.sum()), scores=scores)
    g_gen = np.zeros((r - 1) * (c - 1))
    v_gen = np.zeros(((r - 1) * (c - 1),) * 2)
    g_row = np.zeros(r - 1)
    v_row = np.zeros((r - 1, r - 1))
    g_cor = 0.0
    v_cor = 0.0
    for nh in t:
        n = nh.sum()
        rt, ct = nh.sum(axis=1), nh.sum(axis=0)
        dev = nh - np.outer(rt, ct) / n
        pr, pc = rt / n, ct / n
        ar = np.diag(pr) - np.outer(pr, pr)
        ac = np.diag(pc) - np.outer(pc, pc)
        f = n * n / (n - 1)
        a = _modridit(ct) if scores == "modridit" else cs
        b = _modridit(rt) if scores == "modridit" else rs
        g_gen += dev[:-1, :-1].reshape(-1)
        v_gen += f * np.kron(ar[:-1, :-1], ac[:-1, :-1])
        g_row += dev[:-1] @ a
        v_row += f * ar[:-1, :-1] * float(a @ ac @ a)
        g_cor += float(b @ dev @ a)
        v_cor += f * float(b @ ar @ b) * float(a @ ac @ a)
    out = []
    for name, g, v, df in (("general", g_gen, v_gen, (r - 1) * (c - 1)), ("row_mean", g_row, v_row, r - 1),
                           ("correlation", np.array([g_cor]), np.array([[v_cor]]), 1)):
        q, why = _quad(g, v)
        out.append(CmhStatistic(name, q, df, NAN if q != q else _chi2_sf(q, df), (*notes, why) if why else
                                tuple(notes)))
    return Cmh(*out, strata_used=len(t), strata_dropped=int(small.sum()), scores=scores)


def _check_2x2(tables) -> np.ndarray:
    t = _as_tables(tables)
    if t.shape[1:] != (2, 2):
        raise ValueError(f"expected 2 x 2 tables, got {t.shape[1]} x {t.shape[2]}")
    return t[t.sum(axis=(1, 2)) >= 2]


def mh_odds_ratio(tables, *, alpha: float = 0.05) -> CommonOddsRatio:
    """Mantel-Haenszel common odds ratio of K 2 x 2 tables [[a, b], [c, d]] (odds of the first column,
    first row vs second) with the (1 - alpha) Robins-Breslow-Greenland CI."""
    from scipy.stats import norm

    t = _check_2x2(tables)
    if len(t) == 0:
        return CommonOddsRatio(NAN, NAN, NAN, NAN, ("fewer than 2 subjects in every stratum",))
    a, b, c, d = t[:, 0, 0], t[:, 0, 1], t[:, 1, 0], t[:, 1, 1]
    n = t.sum(axis=(1, 2))
    rr, ss = a * d / n, b * c / n
    pp, qq = (a + d) / n, (b + c) / n
    r_sum, s_sum = rr.sum(), ss.sum()
    if r_sum == 0 or s_sum == 0:
        return CommonOddsRatio(NAN, NAN, NAN, NAN, ("not estimable: a zero count in every stratum makes the "
                                                    "common odds ratio 0 or infinite",))
    est = r_sum / s_sum
    var = ((pp * rr).sum() / (2 * r_sum ** 2) + (pp * ss + qq * rr).sum() / (2 * r_sum * s_sum)
           + (qq * ss).sum() / (2 * s_sum ** 2))
    se = math.sqrt(var)
    z = float(norm.ppf(1 - alpha / 2))
    return CommonOddsRatio(float(est), math.exp(math.log(est) - z * se), math.exp(math.log(est) + z * se), se)


def _expected_a(orr: float, n1: float, n2: float, m1: float) -> float:
    lo, hi = max(0.0, m1 - n2), min(n1, m1)
    if orr == 1:
        return n1 * m1 / (n1 + n2)
    qa, qb, qc = orr - 1, -(orr * (n1 + m1) + n2 - m1), orr * n1 * m1
    disc = math.sqrt(max(qb * qb - 4 * qa * qc, 0.0))
    for root in ((-qb - disc) / (2 * qa), (-qb + disc) / (2 * qa)):
        if lo - 1e-9 <= root <= hi + 1e-9:
            return root
    raise ArithmeticError("no root of the Breslow-Day equation within the table's margins")


def breslow_day(tables) -> BreslowDay:
    """Breslow-Day test (and Tarone's adjustment) of equal odds ratios across K 2 x 2 tables."""
    t = _check_2x2(tables)
    notes = []
    informative = [h for h in t if h.sum(axis=0).min() > 0 and h.sum(axis=1).min() > 0]
    if len(informative) < len(t):
        notes.append(f"{len(t) - len(informative)} stratum(s) with an empty row or column left out")
    orr = mh_odds_ratio(t)
    if len(informative) < 2 or orr.estimate != orr.estimate:
        why = "fewer than 2 strata with both rows and columns non-empty" if len(informative) < 2 else \
            "the common odds ratio is not estimable"
        return BreslowDay(NAN, max(len(informative) - 1, 0), NAN, NAN, NAN, (*notes, why))
    bd, diff, var_sum = 0.0, 0.0, 0.0
    for h in informative:
        n1, n2, m1 = h[0].sum(), h[1].sum(), h[:, 0].sum()
        ea = _expected_a(orr.estimate, n1, n2, m1)
        var = 1 / (1 / ea + 1 / (n1 - ea) + 1 / (m1 - ea) + 1 / (n2 - m1 + ea))
        bd += (h[0, 0] - ea) ** 2 / var
        diff += h[0, 0] - ea
        var_sum += var
    df = len(informative) - 1
    tarone = bd - diff ** 2 / var_sum
    return BreslowDay(bd, df, _chi2_sf(bd, df), tarone, _chi2_sf(tarone, df), tuple(notes))
