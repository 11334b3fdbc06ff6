"""Cox proportional hazards regression and the stratified log-rank test. Numbers only.

Cox model: the partial likelihood maximised by Newton-Raphson (step halving when a step lowers it), with
tied event times handled as `breslow` (SAS PHREG's default TIES=BRESLOW) or `efron` (R coxph's default;
SAS TIES=EFRON); `strata` give each stratum its own baseline hazard (SAS STRATA, R strata()). For each
distinct event time t_j of a stratum, with D_j the d_j subjects failing at t_j, R_j those at risk and
w_i = exp(x_i'b):

    breslow  l = sum_j [ sum_{D_j} x_i'b - d_j log sum_{R_j} w_i ]
    efron    l = sum_j [ sum_{D_j} x_i'b - sum_{r<d_j} log( sum_{R_j} w_i - r/d_j sum_{D_j} w_i ) ]

Standard errors from the inverse of the observed information at the maximum; Wald CI exp(b +/- z se)
and p-value 2 (1 - Phi(|b / se|)) as SAS PHREG and R summary.coxph print them. Converged when the
log likelihood changes by less than 1e-12 (relative); a coefficient running off to infinity (monotone
likelihood: e.g. no events in a group; seen as |b| > 10 with an SE larger than |b|, or an information
matrix that vanished) is reported not estimable (NaN with a note), never a number.

Stratified log-rank (SAS LIFETEST STRATA / TEST, R survdiff(... + strata(s))): per stratum and event
time, observed minus expected events per group and the hypergeometric covariance
d (n - d) / (n - 1) (n_g / n)(delta_gh - n_h / n), summed over times and strata; chi-square on
(groups - 1) df. Subjects with a missing time, event, stratum or covariate are left out (a note).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NAN = float("nan")
TIES = ("breslow", "efron")
MONOTONE = 10.0  # |coefficient| beyond which, with an SE larger still, the likelihood is taken as monotone


@dataclass(frozen=True)
class CoxFit:
    """A fitted Cox model: coefficients, their standard errors and covariance, log partial likelihood
    at 0 and at the estimate, iterations; NaN coefficients with `notes` when not estimable."""

    coef: tuple[float, ...]
    se: tuple[float, ...]
    cov: tuple[tuple[float, ...], ...]
    loglik0: float
    loglik: float
    iterations: int
    n: int
    events: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class HazardRatio:
    """Hazard ratio of a group vs the reference with its (1 - alpha) Wald CI and p-value."""

    group: str
    hr: float
    lower: float
    upper: float
    pvalue: float
    coef: float
    se: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StratifiedLogRank:
    """Stratified log-rank test: chi-square, df, p-value, strata used."""

    chisq: float
    df: int
    pvalue: float
    strata: int
    notes: tuple[str, ...] = ()


def _groups_of(time: np.ndarray, event: np.ndarray, strata: np.ndarray):
    """Per stratum, the indices sorted by time descending (the risk set at t: every index up to the last
    one at t, a subject censored at t included)."""
    for s in np.unique(strata):
        idx = np.flatnonzero(strata == s)
        yield idx[np.argsort(-time[idx], kind="stable")]


def _terms(beta: np.ndarray, x: np.ndarray, time: np.ndarray, event: np.ndarray, strata: np.ndarray, ties: str):
    """Log partial likelihood, score and information at beta."""
    p = x.shape[1]
    ll, score, info = 0.0, np.zeros(p), np.zeros((p, p))
    for idx in _groups_of(time, event, strata):
        xs, ts, es = x[idx], time[idx], event[idx]
        eta = xs @ beta
        w = np.exp(eta)
        c0 = np.cumsum(w)
        c1 = np.cumsum(w[:, None] * xs, axis=0)
        c2 = np.cumsum(w[:, None, None] * xs[:, :, None] * xs[:, None, :], axis=0)
        # sorted by time descending: the risk set of time t is every index up to the last one at t
        uniq_t, first = np.unique(-ts, return_index=True)
        bounds = list(first) + [len(ts)]
        for g in range(len(uniq_t)):
            lo, hi = bounds[g], bounds[g + 1]
            dead = [i for i in range(lo, hi) if es[i]]
            d = len(dead)
            if not d:
                continue
            s0, s1, s2 = c0[hi - 1], c1[hi - 1], c2[hi - 1]
            ll += eta[dead].sum()
            score += xs[dead].sum(axis=0)
            if ties == "breslow" or d == 1:
                m = s1 / s0
                ll -= d * math.log(s0)
                score -= d * m
                info += d * (s2 / s0 - np.outer(m, m))
                continue
            wd = w[dead]
            d0, d1 = wd.sum(), (wd[:, None] * xs[dead]).sum(axis=0)
            d2 = (wd[:, None, None] * xs[dead][:, :, None] * xs[dead][:, None, :]).sum(axis=0)
            for r in range(d):
                f = r / d
                a0, a1, a2 = s0 - f * d0, s1 - f * d1, s2 - f * d2
                m = a1 / a0
                ll -= math.log(a0)
                score -= m
                info += a2 / a0 - np.outer(m, m)
    return ll, score, info


def _clean(time, event, x, strata):
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=float)
    xx = np.asarray(x, dtype=float).reshape(len(t), -1)
    st = np.asarray(["" if s is None else str(s) for s in strata], dtype=object) if strata is not None else \
        np.zeros(len(t), dtype=object)
    bad = ~np.isfinite(t) | ~np.isfinite(e) | ~np.all(np.isfinite(xx), axis=1)
    if strata is not None:
        bad |= np.array([s is None or (isinstance(s, float) and s != s) for s in strata])
    notes = (f"{int(bad.sum())} subject(s) with a missing time, event, covariate or stratum left out",) \
        if bad.any() else ()
    return t[~bad], (e[~bad] != 0).astype(float), xx[~bad], st[~bad], notes


def cox_ph(time, event, x, *, strata: Sequence | None = None, ties: str = "breslow", max_iter: int = 50) -> CoxFit:
    """Cox proportional hazards fit of `x` (n x p covariates, already coded) on (time, event)."""
    if ties not in TIES:
        raise ValueError(f"unknown ties '{ties}' (use one of: {', '.join(TIES)})")
    t, e, xx, st, notes = _clean(time, event, x, strata)
    p = xx.shape[1]
    nan = tuple([NAN] * p)
    none = CoxFit(nan, nan, tuple(nan for _ in range(p)), NAN, NAN, 0, len(t), int(e.sum()), notes)
    if e.sum() == 0:
        return CoxFit(**{**none.__dict__, "notes": (*notes, "not estimable: no events")})
    beta = np.zeros(p)
    ll0, score, info = _terms(beta, xx, t, e, st, ties)
    ll, it = ll0, 0
    for it in range(1, max_iter + 1):
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            if it > 1:
                break  # the information vanishes as a coefficient runs off: monotone likelihood, said below
            return CoxFit(**{**none.__dict__, "notes": (*notes, "not estimable: the information matrix is singular "
                                                        "(a covariate without variation among subjects at risk)")})
        new = beta + step
        ll_new, score_new, info_new = _terms(new, xx, t, e, st, ties)
        halvings = 0
        while ll_new < ll - 1e-12 * abs(ll) and halvings < 30:
            step /= 2
            new = beta + step
            ll_new, score_new, info_new = _terms(new, xx, t, e, st, ties)
            halvings += 1
        done = abs(ll_new - ll) <= 1e-12 * max(abs(ll), 1.0) and np.max(np.abs(step)) < 1e-8
        beta, ll, score, info = new, ll_new, score_new, info_new
        if done:
            break
    else:
        notes = (*notes, f"did not converge in {max_iter} iterations")
    se_try = np.sqrt(np.abs(np.diag(np.linalg.pinv(info))))
    runaway = (np.abs(beta) > MONOTONE) & ~(se_try < np.abs(beta))  # a huge coefficient not even 1 SE from 0
    if runaway.any() or (it > 1 and np.linalg.matrix_rank(info) < p):
        notes = tuple(n for n in notes if not n.startswith("did not converge"))
        return CoxFit(**{**none.__dict__, "loglik0": ll0, "iterations": it,
                         "notes": (*notes, "not estimable: monotone likelihood (the hazard ratio runs to 0 or "
                                   "infinity, e.g. no events in a group)")})
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return CoxFit(**{**none.__dict__, "notes": (*notes, "not estimable: the information matrix is singular")})
    se = np.sqrt(np.diag(cov))
    return CoxFit(tuple(map(float, beta)), tuple(map(float, se)), tuple(tuple(map(float, r)) for r in cov),
                  float(ll0), float(ll), it, len(t), int(e.sum()), notes)


def _dummies(values: Sequence, reference=None) -> tuple[np.ndarray, list[str], str]:
    labels = [str(v) for v in values]
    levels = sorted(set(labels))
    ref = str(reference) if reference is not None else levels[0]
    others = [lv for lv in levels if lv != ref]
    return np.array([[1.0 if lab == lv else 0.0 for lv in others] for lab in labels]).reshape(len(labels), -1), \
        others, ref


def hazard_ratios(time, event, group: Sequence, reference, *, covariates: Sequence[Sequence] = (),
                  strata: Sequence | None = None, ties: str = "breslow", alpha: float = 0.05) -> dict[str, HazardRatio]:
    """Hazard ratio of each group vs `reference` (one model, a dummy per other group), adjusted for
    `covariates` (each a sequence over subjects: numbers enter as they are, text as dummies of its levels)
    and stratified by `strata`."""
    from scipy.stats import norm

    g = [str(v) for v in group]
    if str(reference) not in g:
        raise ValueError(f"reference group '{reference}' has no subjects")
    gx, others, _ = _dummies(g, reference)
    parts = [gx]
    for cov in covariates:
        vals = list(cov)
        numeric = all(v is None or isinstance(v, int | float | np.integer | np.floating) for v in vals)
        if numeric:
            parts.append(np.array([NAN if v is None else float(v) for v in vals]).reshape(-1, 1))
        else:
            miss = np.array([v is None for v in vals])
            d, _, _ = _dummies(["" if v is None else v for v in vals])
            d[miss] = NAN
            parts.append(d)
    fit = cox_ph(time, event, np.hstack(parts), strata=strata, ties=ties)
    z = float(norm.ppf(1 - alpha / 2))
    out = {}
    for k, name in enumerate(others):
        b, se = fit.coef[k], fit.se[k]
        if b != b:
            out[name] = HazardRatio(name, NAN, NAN, NAN, NAN, NAN, NAN, fit.notes)
            continue
        p = float(2 * norm.sf(abs(b / se)))
        out[name] = HazardRatio(name, math.exp(b), math.exp(b - z * se), math.exp(b + z * se), p, b, se, fit.notes)
    return out


def logrank_stratified(time, event, group: Sequence, strata: Sequence | None = None) -> StratifiedLogRank:
    """Log-rank test of equal survival across `group`, stratified by `strata` (None: one stratum)."""
    from scipy.stats import chi2

    t, e, _, st, notes = _clean(time, event, np.zeros((len(group), 0)), strata)
    g_all = np.asarray([str(v) for v in group], dtype=object)
    keep = np.ones(len(g_all), dtype=bool)
    if strata is not None:
        keep = ~np.array([s is None or (isinstance(s, float) and s != s) for s in strata])
    tt = np.asarray(time, dtype=float)
    ee = np.asarray(event, dtype=float)
    keep &= np.isfinite(tt) & np.isfinite(ee)
    g = g_all[keep]
    levels = sorted(set(g))
    k = len(levels)
    n_strata = len(set(st))
    if k < 2:
        return StratifiedLogRank(NAN, 0, NAN, n_strata, (*notes, "not estimable: needs 2 groups with data"))
    if e.sum() == 0:
        return StratifiedLogRank(NAN, k - 1, NAN, n_strata, (*notes, "not estimable: no events"))
    gi = np.array([levels.index(v) for v in g])
    o_e, var = np.zeros(k), np.zeros((k, k))
    for s in np.unique(st):
        m = st == s
        ts, es, gs = t[m], e[m], gi[m]
        for u in np.unique(ts[es == 1]):
            risk = ts >= u
            n = risk.sum()
            d = ((ts == u) & (es == 1)).sum()
            ng = np.bincount(gs[risk], minlength=k).astype(float)
            dg = np.bincount(gs[(ts == u) & (es == 1)], minlength=k).astype(float)
            o_e += dg - d * ng / n
            if n > 1:
                pg = ng / n
                var += d * (n - d) / (n - 1) * (np.diag(pg) - np.outer(pg, pg))
    v = var[:-1, :-1]
    try:
        q = float(o_e[:-1] @ np.linalg.solve(v, o_e[:-1]))
    except np.linalg.LinAlgError:
        return StratifiedLogRank(NAN, k - 1, NAN, n_strata, (*notes, "not estimable: singular variance (no "
                                                             "stratum compares the groups)"))
    return StratifiedLogRank(q, k - 1, float(chi2.sf(q, k - 1)), n_strata, notes)
