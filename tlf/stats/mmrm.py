"""Mixed model for repeated measures (MMRM), as SAS PROC MIXED with a REPEATED statement and R `mmrm`.

    response ~ treatment + visit + factors + covariates + treatment:visit
               + factor:visit (factors_by_visit) + covariate:visit (covariates_by_visit)

fixed effects (sum-to-zero coded as tlf.stats.linear codes them; LS means do not depend on the coding),
the subject as the repeated unit, no random effects: the residuals of a subject's visits are
N(0, Sigma) with Sigma of a structure of tlf.stats.mmrm_cov (`us` unstructured, `cs`, `ar1`, `toep`,
`csh`, `ar1h`); a subject's missing visits are left out (missing at random), never imputed.

Fit: REML (default) or ML, b profiled out, exact gradient and Hessian (tlf.stats.mmrm_fit). A fit is
used only when the optimiser stopped where the Newton decrement is below 1e-8 and the Hessian is positive
definite; otherwise every number is NaN and `reason` says why (never a silent non-optimum).

Inference (tlf.stats.mmrm_df): `kenward-roger` (default, SAS DDFM=KR with the adjusted covariance of b),
`satterthwaite`, `residual`. LS means per visit and arm: covariates at their mean over the observations in
the model (SAS LSMEANS, R emmeans), the levels of `factors` weighted `equal`, `proportional` (their
frequency among the observations in the model) or `om` (among all records given with the model's
independent variables present), as tlf.stats.models.lsmean_grid_weights. Differences arm - reference
per visit with SE, t test on the method's df and a two-sided t CI.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tlf.errors import DataError, TlfError
from tlf.stats.linear import Estimate, Term, design, factor_levels, is_estimable, is_missing, prepare
from tlf.stats.mmrm_cov import STRUCTURES, structure
from tlf.stats.mmrm_df import DF_METHODS, inference
from tlf.stats.models import WEIGHTS, lsmean_grid_weights

NAN = float("nan")
METHODS = ("reml", "ml")


@dataclass(frozen=True, kw_only=True)
class MmrmLsMean(Estimate):
    """LS mean of `arm` at `visit`; `n` its number of subjects observed at the visit in the model."""

    visit: Any
    arm: Any
    n: int


@dataclass(frozen=True, kw_only=True)
class MmrmDiff(Estimate):
    """LS mean of `arm` minus LS mean of `reference` at `visit`."""

    visit: Any
    arm: Any
    reference: Any


@dataclass(frozen=True)
class MmrmResult:
    """An MMRM fit. `converged` False (or `reason` set): every estimate is NaN and `reason` says why.
    `theta` the covariance parameters in SAS's parametrisation (`theta_names`), `sigma` the estimated
    T x T covariance of the visits (`visits` order), `objective` -2 (restricted) log likelihood."""

    response: str
    treatment: str
    visit: str
    levels: tuple
    visits: tuple
    reference: Any
    covariance: str
    method: str
    df_method: str
    weights: str
    alpha: float
    converged: bool
    reason: str
    lsmeans: tuple[MmrmLsMean, ...]
    diffs: tuple[MmrmDiff, ...]
    theta: tuple[float, ...]
    theta_names: tuple[str, ...]
    sigma: tuple[tuple[float, ...], ...]
    objective: float
    n_subjects: int
    n_obs: int
    n_dropped: int
    n_params: int
    iterations: int

    def lsmean(self, visit, arm) -> MmrmLsMean:
        for m in self.lsmeans:
            if m.visit == visit and m.arm == arm:
                return m
        raise KeyError((visit, arm))

    def diff(self, visit, arm, reference=None) -> MmrmDiff:
        ref = self.reference if reference is None else reference
        for d in self.diffs:
            if d.visit == visit and d.arm == arm and d.reference == ref:
                return d
        raise KeyError((visit, arm, ref))


@dataclass(frozen=True)
class _Margins:
    """What lsmean_grid_weights reads of a fit: the factors (treatment first), their levels, the rows."""

    factors: tuple[str, ...]
    levels: dict
    used: Any


def fit_mmrm(frame, response: str, *, subject: str, visit: str, treatment: str,
             covariates: Sequence[str] = (), factors: Sequence[str] = (),
             covariates_by_visit: Sequence[str] = (), factors_by_visit: Sequence[str] = (),
             covariance: str = "us", method: str = "reml", df: str = "kenward-roger",
             levels: Sequence | None = None, visits: Sequence | None = None, reference: Any = None,
             pairs: Sequence[tuple[Any, Any]] | None = None, weights: str = "equal", alpha: float = 0.05,
             information: str = "observed", dataset: str = "") -> MmrmResult:
    """Fit the MMRM (see the module doc) to `frame`, one row per subject and visit.

    levels: treatment levels in model order (default sorted); visits: visit levels in order (default
    sorted; their order is the order of `ar1`/`toep` lags); reference: the comparator arm (default the
    first level); pairs: (arm, comparator) differences (default each arm vs the reference);
    information: the covariance of theta for Satterthwaite and Kenward-Roger is the inverse `observed`
    information (default, SAS) or the `expected` one (pbkrtest, Kenward & Roger 1997). Rows with a
    missing response, covariate or factor are dropped and counted. Raises DataError for data the model
    cannot take (two rows of a subject at a visit, a subject in two arms, a level without data, text
    where numbers are needed) and TlfError for arguments out of range; a design that is not of full
    rank is fitted on its non-aliased columns (as R lm): LS means and differences that are not estimable
    (an arm without data at a visit) are NaN with `estimable` False, the others are reported. A fit
    that does not converge gives a result with `reason` and NaN estimates."""
    import numpy as np
    import pandas as pd

    _check_args(covariance, method, df, weights, alpha)
    if information not in ("observed", "expected"):
        raise TlfError(f"information must be observed or expected, got {information!r}", code="STAT040")
    covariates = tuple(dict.fromkeys((*covariates, *covariates_by_visit)))
    factors = tuple(f for f in dict.fromkeys((*factors, *factors_by_visit)) if f not in (treatment, visit))
    given: dict[str, tuple] = {}
    if levels is not None:
        given[treatment] = tuple(levels)
    if visits is not None:
        given[visit] = tuple(visits)
    used, dropped = prepare(frame, response, (treatment, visit, *factors, subject), covariates, given, dataset,
                            subject_id=subject)
    if used.empty:
        raise DataError("no observation has all model variables present", dataset=dataset, variable=response,
                        code="STAT041")
    dup = used.duplicated([subject, visit])
    if dup.any():
        row = used.loc[dup].iloc[0]
        raise DataError(f"more than one record of the subject at visit {str(row[visit])!r}; an MMRM needs one "
                        f"record per subject and visit", dataset=dataset, variable=visit,
                        usubjid=str(row[subject]), code="STAT041")
    arms_per = used.groupby(subject)[treatment].nunique()
    if (arms_per > 1).any():
        who = str(arms_per[arms_per > 1].index[0])
        raise DataError("the subject has records in more than one treatment arm", dataset=dataset,
                        variable=treatment, usubjid=who, code="STAT042")
    lv = {treatment: factor_levels(used, treatment, given.get(treatment), dataset),
          visit: factor_levels(used, visit, given.get(visit), dataset)}
    for f in factors:
        lv[f] = factor_levels(used, f, None, dataset)
    arms, vis = lv[treatment], lv[visit]
    ref = arms[0] if reference is None else reference
    if not any(ref == a for a in arms):
        raise DataError(f"reference {str(ref)!r} is not a treatment level ({', '.join(repr(str(a)) for a in arms)})",
                        dataset=dataset, variable=treatment, code="STAT043")
    comparisons = list(pairs) if pairs is not None else [(a, ref) for a in arms if a != ref]
    for pair in comparisons:
        for a in pair:
            if not any(a == x for x in arms):
                raise DataError(f"arm {str(a)!r} of a comparison is not a treatment level with data "
                                f"({', '.join(repr(str(x)) for x in arms)})", dataset=dataset, variable=treatment,
                                code="STAT043")
    terms = [Term(v, (v,)) for v in (treatment, visit, *factors, *covariates)]
    terms.append(Term(f"{treatment}:{visit}", (treatment, visit)))
    terms += [Term(f"{f}:{visit}", (f, visit)) for f in factors_by_visit if f not in (treatment, visit)]
    terms += [Term(f"{c}:{visit}", (c, visit)) for c in covariates_by_visit]
    n = len(used)
    x, _ = design(terms, used, lv, n)
    y = used[response].to_numpy(dtype=float)
    vindex = np.array([_position(v, vis) for v in used[visit]])
    scode = pd.factorize(used[subject])[0]
    counts = {(v, a): int(((used[visit] == v) & (used[treatment] == a)).sum()) for v in vis for a in arms}
    cov_means = {c: float(used[c].mean()) for c in covariates}
    base = dict(response=response, treatment=treatment, visit=visit, levels=arms, visits=vis, reference=ref,
                covariance=covariance, method=method, df_method=df, weights=weights, alpha=alpha,
                n_subjects=int(scode.max()) + 1, n_obs=n, n_dropped=dropped, n_params=x.shape[1])
    struct = structure(covariance, len(vis))
    keep, null = _aliasing(x.T @ x)
    if keep is None:
        return _empty(base, vis, arms, comparisons, counts, struct, "the fixed effects' design is numerically "
                      "singular")
    xr = x[:, keep]
    if n - len(keep) < 1:
        return _empty(base, vis, arms, comparisons, counts, struct, "no residual degrees of freedom")
    from tlf.stats.mmrm_fit import build_problem, hessian, optimise

    prob = build_problem(xr, y, scode, vindex, len(vis), reml=method == "reml")
    xtx, xty = xr.T @ xr, xr.T @ y
    s2 = (float(y @ y) - float(xty @ np.linalg.solve(xtx, xty))) / (n - len(keep))  # OLS residual variance
    if not s2 > 0:
        return _empty(base, vis, arms, comparisons, counts, struct, "no residual variation")
    opt = optimise(prob, struct, s2)
    if not opt.converged:
        return _empty(base, vis, arms, comparisons, counts, struct, opt.reason, opt)
    d, d2 = struct.d_sigma(opt.theta), struct.d2_sigma(opt.theta)
    info = opt.hessian if information == "observed" else hessian(prob, opt.state, d, d2, expected=True)
    try:
        inf = inference(prob, opt.state, d, d2, info, df)
    except np.linalg.LinAlgError:
        return _empty(base, vis, arms, comparisons, counts, struct, "the information matrix of the covariance "
                      "parameters is singular", opt)
    margins = _margin_rows(frame, used, treatment, factors, covariates, weights)
    grid = _Margins((treatment, *factors), {k: lv[k] for k in (treatment, *factors)}, margins)
    combos, wts = lsmean_grid_weights(grid, treatment, weights, margins, dataset)
    rows = {}
    for v in vis:
        for a in arms:
            m = len(combos)
            g = {treatment: [a] * m, visit: [v] * m}
            for j, f in enumerate(factors):
                g[f] = [c[j] for c in combos]
            for c, mean in cov_means.items():
                g[c] = [mean] * m
            xg, _ = design(terms, g, lv, m)
            rows[(v, a)] = np.asarray(wts) @ xg
    lsm = tuple(MmrmLsMean(visit=v, arm=a, n=counts[(v, a)], **_estimate(inf, rows[(v, a)], keep, null, alpha))
                for v in vis for a in arms)
    diffs = tuple(MmrmDiff(visit=v, arm=a, reference=b,
                           **_estimate(inf, rows[(v, a)] - rows[(v, b)], keep, null, alpha))
                  for v in vis for a, b in comparisons)
    sigma = struct.sigma(opt.theta)
    return MmrmResult(**base, converged=True, reason="", lsmeans=lsm, diffs=diffs,
                      theta=tuple(float(t) for t in opt.theta), theta_names=struct.theta_names(),
                      sigma=tuple(tuple(float(s) for s in r) for r in sigma), objective=opt.state.objective,
                      iterations=opt.iterations)


def _aliasing(xtx):
    """The columns of X kept (each not a linear combination of the earlier ones, as R lm keeps them) and an
    orthonormal basis of the null space of X (None at full rank); (None, None) when the two disagree.
    Computed on X'X scaled to unit diagonal: a column is aliased when 1 - R^2 on the earlier kept
    columns is below 1e-9, a null direction has an eigenvalue below 1e-10 of the largest."""
    import numpy as np

    p = xtx.shape[0]
    dg = np.sqrt(np.clip(np.diag(xtx), 0.0, None))
    safe = np.where(dg > 0, dg, 1.0)
    sc = xtx / np.outer(safe, safe)
    keep: list[int] = []
    for j in range(p):
        if dg[j] == 0:
            continue
        if keep:
            skk = sc[np.ix_(keep, keep)]
            sj = sc[keep, j]
            resid = sc[j, j] - float(sj @ np.linalg.solve(skk, sj))
        else:
            resid = sc[j, j]
        if resid > 1e-9:
            keep.append(j)
    if len(keep) == p:
        return keep, None
    ev, vec = np.linalg.eigh(sc)
    small = ev < 1e-10 * ev[-1]
    if p - int(small.sum()) != len(keep):
        return None, None
    null = np.linalg.qr(vec[:, small] / safe[:, None])[0]
    return keep, null


NOT_ESTIMABLE = ("not estimable: the model has an empty cell (no patients of the column at the visit) or an "
                 "aliased effect")


def _estimate(inf, l, keep, null, alpha: float) -> dict[str, float]:
    """l'b with SE, df, t test and CI; NaN (estimable False) when l is not estimable (see _aliasing:
    the estimable functions are those of the kept columns, the aliased coefficients taken as 0)."""
    from scipy import stats

    if not is_estimable(l, null):
        return dict(estimate=NAN, se=NAN, df=NAN, t=NAN, pvalue=NAN, ci_low=NAN, ci_high=NAN, estimable=False)
    l = l[keep]
    value = float(l @ inf.beta)
    se = inf.se(l)
    df = inf.df(l)
    if not (se > 0) or not (df > 0):
        return dict(estimate=value, se=se, df=df, t=NAN, pvalue=NAN, ci_low=NAN, ci_high=NAN)
    t = value / se
    p = float(2.0 * stats.t.sf(abs(t), df))
    q = float(stats.t.ppf(1 - alpha / 2, df))
    return dict(estimate=value, se=se, df=df, t=t, pvalue=p, ci_low=value - q * se, ci_high=value + q * se)


def _empty(base: dict, vis, arms, comparisons, counts, struct, reason: str, opt=None) -> MmrmResult:
    blank = dict(estimate=NAN, se=NAN, df=NAN, t=NAN, pvalue=NAN, ci_low=NAN, ci_high=NAN, estimable=False)
    lsm = tuple(MmrmLsMean(visit=v, arm=a, n=counts[(v, a)], **blank) for v in vis for a in arms)
    diffs = tuple(MmrmDiff(visit=v, arm=a, reference=b, **blank) for v in vis for a, b in comparisons)
    theta = tuple(float(t) for t in opt.theta) if opt is not None else ()
    return MmrmResult(**base, converged=False, reason=reason, lsmeans=lsm, diffs=diffs, theta=theta,
                      theta_names=struct.theta_names(), sigma=(), objective=NAN,
                      iterations=opt.iterations if opt is not None else 0)


def _margin_rows(frame, used, treatment: str, factors: Sequence[str], covariates: Sequence[str], weights: str):
    """Rows whose factor combinations weight the LS means: the observations in the model, or for `om`
    every record given with the model's independent variables present."""
    if weights != "om":
        return used
    keep = frame[treatment].map(lambda v: not is_missing(v)).astype(bool)
    for name in (*factors, *covariates):
        keep &= ~frame[name].map(is_missing).astype(bool)
    return frame.loc[keep]


def _position(value, levels: tuple) -> int:
    for i, lv in enumerate(levels):
        if value == lv:
            return i
    raise KeyError(value)


def _check_args(covariance: str, method: str, df: str, weights: str, alpha: float) -> None:
    for name, value, allowed in (("covariance", covariance, STRUCTURES), ("method", method, METHODS),
                                 ("df", df, DF_METHODS), ("weights", weights, WEIGHTS)):
        if value not in allowed:
            raise TlfError(f"{name} must be one of {', '.join(allowed)}, got {value!r}", code="STAT040")
    if not (isinstance(alpha, float | int) and 0 < alpha < 1) or math.isnan(alpha):
        raise TlfError(f"alpha must be between 0 and 1, got {alpha!r}", code="STAT040")
