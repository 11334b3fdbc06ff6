"""The linear-model engine behind ANCOVA: design coding, least-squares fit, estimates and Wald tests.

Classification factors are coded with sum-to-zero contrasts (R `contr.sum`: level i < k -> unit
vector i, the last level -> all -1), covariates enter as they are (not centred), an interaction is
the product of its terms' columns. With this coding the Wald F test of a term's block of
coefficients is the Type III test (SAS PROC GLM Type III SS; R `car::Anova(type = 3)` or
`drop1(test = "F")` under `contr.sum`).

Numbers come from numpy (least squares by QR, `ols_qr`: the arithmetic of statsmodels' OLS
`fit(method="qr")`, step for step, without importing statsmodels) and scipy (t, F and normal
distributions), imported inside the functions so that importing tlf stays fast.

The main effects (intercept, factors, covariates) must have a design of full rank: a covariate
constant in the data or a factor confounded with another is an error naming the effect. Interactions
may make X rank-deficient (an empty cell: a combination of factor levels without data, or a covariate
constant within a level): such a design is fitted as R lm and SAS GLM fit it, by a generalised inverse, here
the Moore-Penrose inverse from the singular value decomposition of X, with rank(X) from
numpy.linalg.matrix_rank and residual df n - rank. Only estimable functions l'b are reported: l is
estimable when it lies in the row space of X, tested as R emmeans / estimability::is.estble test it,
||N'l||^2 < 1e-8 ||l||^2 (||l||^2 taken as 1 when below 1e-8), N an orthonormal basis of the null
space of X; equivalently l = l X+X within that tolerance (SAS's check of L = L (X'X)- X'X). A
function that fails the test is NaN, never a number that depends on the generalised inverse chosen.
Full-rank designs are fitted by QR (`ols_qr`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tlf.errors import DataError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

NAN = float("nan")


@dataclass(frozen=True)
class Term:
    """One effect of the model: a factor, a covariate, or an interaction of two or more of them."""

    name: str
    variables: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class LinearFit:
    """A fitted linear model y = X b + e (arrays are read-only).

    `levels` holds each factor's levels in model order; `covariate_means` each covariate's mean over
    the observations used; `blocks` maps a term name to its columns of X (the intercept is column 0);
    `cov_unscaled` is (X'X)^-1, so cov(b) = sigma2 * cov_unscaled (the Moore-Penrose inverse (X'X)+
    when X is not of full rank). `rank` is rank(X); `null_basis` an orthonormal basis of the null
    space of X as columns (None when X has full rank): only l with l'N = 0 are estimable."""

    response: str
    terms: tuple[Term, ...]
    factors: tuple[str, ...]
    levels: Mapping[str, tuple]
    covariate_means: Mapping[str, float]
    blocks: Mapping[str, tuple[int, ...]]
    params: np.ndarray
    cov_unscaled: np.ndarray
    n: int
    n_dropped: int
    df_resid: int
    rss: float
    used: pd.DataFrame
    rank: int = -1
    null_basis: np.ndarray | None = None

    @property
    def full_rank(self) -> bool:
        """True when X has full column rank (every coefficient estimable)."""
        return self.null_basis is None

    def estimable(self, weights: np.ndarray) -> bool:
        """Whether l'b is estimable (l in the row space of X; see the module doc for the tolerance)."""
        return is_estimable(weights, self.null_basis)

    @property
    def sigma2(self) -> float:
        """Residual mean square (NaN with no residual degrees of freedom)."""
        return self.rss / self.df_resid if self.df_resid > 0 else NAN

    @property
    def rmse(self) -> float:
        """Root mean squared error on the residual degrees of freedom (SAS Root MSE)."""
        return math.sqrt(self.sigma2) if self.df_resid > 0 else NAN

    @property
    def rmse_ml(self) -> float:
        """sqrt(residual sum of squares / n): the maximum-likelihood estimate of sigma."""
        return math.sqrt(self.rss / self.n) if self.n else NAN


ESTIMABLE_TOL = 1e-8  # R estimability::is.estble's default, used by emmeans


@dataclass(frozen=True, kw_only=True)
class Estimate:
    """A linear function of the coefficients with its SE, t test against 0 and two-sided CI.
    `estimable` is False (and every number NaN) when the function is not estimable."""

    estimate: float
    se: float
    df: float
    t: float
    pvalue: float
    ci_low: float
    ci_high: float
    estimable: bool = True


# ---------------------------------------------------------------- data preparation

def is_missing(v: Any) -> bool:
    """NaN, None, NA and blank text are missing."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return True
    try:
        return bool(v != v)
    except (TypeError, ValueError):
        return False


def prepare(frame: pd.DataFrame, response: str, factors: Sequence[str], covariates: Sequence[str],
            levels: Mapping[str, Sequence] | None = None, dataset: str = "",
            subject_id: str = "USUBJID") -> tuple[pd.DataFrame, int]:
    """The model's columns with incomplete rows dropped, numeric columns as float; and the count dropped.

    Raises DataError for an absent variable, a non-numeric response or covariate, or a factor value
    outside the levels given for it."""
    import pandas as pd

    names = [response, *factors, *covariates]
    for name in dict.fromkeys(names):
        if name not in frame.columns:
            raise DataError("variable not found in the data given to the model", dataset=dataset,
                            variable=name, code="STAT001")
    data = pd.DataFrame(index=frame.index)
    for name in dict.fromkeys([response, *covariates]):
        col = frame[name]
        if col.dtype == object:
            col = col.map(lambda v: None if is_missing(v) else v)
        try:
            data[name] = pd.to_numeric(col, errors="raise").astype(float)
        except (TypeError, ValueError):
            blank = col.isna() | (col.astype(str).str.strip() == "")
            bad = pd.to_numeric(col.where(~blank), errors="coerce").isna() & ~blank
            at = int(bad.to_numpy().argmax())
            who = str(frame[subject_id].iloc[at]) if subject_id in frame.columns else ""
            record = "" if who else f" in record {at + 1}"
            raise DataError(f"is text (first: '{col.iloc[at]}'{record}); the model needs numbers here",
                            dataset=dataset, variable=name, usubjid=who, code="STAT002") from None
    for name in factors:
        data[name] = frame[name].map(lambda v: None if is_missing(v) else v).astype(object)
    complete = data.notna().all(axis=1)
    used = data.loc[complete].reset_index(drop=True)
    for name, wanted in (levels or {}).items():
        if name not in factors:
            continue
        outside = sorted({str(v) for v in used[name] if not _in(v, wanted)})
        if outside:
            raise DataError(f"value(s) {', '.join(repr(v) for v in outside)} not among the levels given "
                            f"({', '.join(repr(str(w)) for w in wanted)})", dataset=dataset, variable=name,
                            code="STAT004")
    return used, int((~complete).sum())


def _in(value: Any, wanted: Sequence) -> bool:
    return any(value == w for w in wanted)


def factor_levels(used: pd.DataFrame, name: str, given: Sequence | None, dataset: str = "") -> tuple:
    """Levels of a factor in model order: as given (each must occur in the data) or sorted as observed."""
    present = list(dict.fromkeys(used[name]))
    if given is not None:
        wanted = tuple(given)
        for lv in wanted:
            if not _in(lv, present):
                raise DataError(f"level {str(lv)!r} has no observations with complete data for the model",
                                dataset=dataset, variable=name, code="STAT003")
    else:
        wanted = tuple(sorted(present, key=lambda v: (isinstance(v, str), v)))
    if len(wanted) < 2:
        only = f" (only {str(wanted[0])!r})" if wanted else ""
        raise DataError(f"a classification factor needs at least 2 levels with data{only}", dataset=dataset,
                        variable=name, code="STAT005")
    return wanted


# ---------------------------------------------------------------- design

def contr_sum(k: int) -> np.ndarray:
    """k x (k-1) sum-to-zero contrast matrix (R contr.sum)."""
    import numpy as np

    c = np.zeros((k, k - 1))
    c[: k - 1] = np.eye(k - 1)
    c[k - 1] = -1.0
    return c


def term_columns(term: Term, data: Mapping[str, Any], levels: Mapping[str, tuple], n: int) -> np.ndarray:
    """The n x m block of design columns of one term for the given values (factor values or covariates)."""
    import numpy as np

    block = np.ones((n, 1))
    for var in term.variables:
        if var in levels:
            lv = levels[var]
            index = np.array([_index(v, lv) for v in data[var]], dtype=int)
            part = contr_sum(len(lv))[index]
        else:
            part = np.asarray(data[var], dtype=float).reshape(n, 1)
        block = (block[:, :, None] * part[:, None, :]).reshape(n, -1)
    return block


def _index(value: Any, levels: tuple) -> int:
    for i, lv in enumerate(levels):
        if value == lv:
            return i
    raise KeyError(value)


def design(terms: Sequence[Term], data: Mapping[str, Any], levels: Mapping[str, tuple],
           n: int) -> tuple[np.ndarray, dict[str, tuple[int, ...]]]:
    """Intercept plus each term's block; returns X and the column indices of each term."""
    import numpy as np

    parts = [np.ones((n, 1))]
    blocks: dict[str, tuple[int, ...]] = {}
    start = 1
    for term in terms:
        cols = term_columns(term, data, levels, n)
        parts.append(cols)
        blocks[term.name] = tuple(range(start, start + cols.shape[1]))
        start += cols.shape[1]
    return np.hstack(parts), blocks


# ---------------------------------------------------------------- fit

def fit_linear(frame: pd.DataFrame, response: str, terms: Sequence[Term], factors: Sequence[str],
               covariates: Sequence[str], levels: Mapping[str, Sequence] | None = None,
               dataset: str = "") -> LinearFit:
    """Least-squares fit of `response` on an intercept and `terms`.

    `factors` are the classification variables (sum-to-zero coded), `covariates` the numeric ones;
    `levels` optionally fixes a factor's level order. Rows missing any model variable are dropped.
    Raises DataError when the data cannot support the model (see `prepare`, `factor_levels`,
    fewer observations than columns of X). A rank-deficient design (an empty cell of an interaction, a
    covariate constant in the data, a factor confounded with another) is fitted by a generalised inverse
    (see the module doc): what it leaves estimable is reported, the rest is NE, as SAS GLM and emmeans."""
    import numpy as np

    given = dict(levels or {})
    used, dropped = prepare(frame, response, factors, covariates, given, dataset)
    if used.empty:
        raise DataError("no observation has all model variables present", dataset=dataset, variable=response,
                        code="STAT006")
    lv = {f: factor_levels(used, f, given.get(f), dataset) for f in factors}
    n = len(used)
    x, blocks = design(terms, used, lv, n)
    p = x.shape[1]
    if n < p:
        raise DataError(f"{n} observation(s) for a model with {p} parameters; the model needs at least as "
                        f"many observations as parameters", dataset=dataset, variable=response, code="STAT006")
    y = used[response].to_numpy(dtype=float)
    rank = int(np.linalg.matrix_rank(x))
    null = None
    if rank == p:
        params, cov = ols_qr(x, y)
    else:
        params, cov, null = _generalised_fit(x, y, rank)
        null.flags.writeable = False
    fitted = x @ params
    resid = y - fitted
    rss = float(resid @ resid)
    if n > rank and rss / (n - rank) < 1e-30 * (fitted.mean() ** 2 + fitted.var()):
        rss = 0.0  # an essentially perfect fit (R summary.lm's test): no error variance to test against
    params.flags.writeable = False
    cov.flags.writeable = False
    return LinearFit(response=response, terms=tuple(terms), factors=tuple(factors), levels=lv,
                     covariate_means={c: float(used[c].mean()) for c in covariates}, blocks=blocks,
                     params=params, cov_unscaled=cov, n=n, n_dropped=dropped, df_resid=n - rank,
                     rss=rss, used=used, rank=rank, null_basis=null)


def ols_qr(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares of y on a full-rank X by QR: (b, (X'X)^-1). The same operations in the same order as
    statsmodels' `OLS(y, X).fit(method="qr")` (X = QR, b = R^-1 Q'y, (X'X)^-1 = (R'R)^-1), so the numbers
    are the same to the last bit; statsmodels is not imported (its import costs more than a study's fits)."""
    import numpy as np

    q, r = np.linalg.qr(x)
    params = np.linalg.solve(r, np.dot(q.T, y))
    cov = np.linalg.inv(np.dot(r.T, r))
    return np.asarray(params, dtype=float), np.asarray(cov, dtype=float)


def _generalised_fit(x: np.ndarray, y: np.ndarray, rank: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Minimum-norm least squares b = X+ y, (X'X)+ and an orthonormal basis of the null space of X,
    all from the singular value decomposition X = U S V' keeping the `rank` largest singular values."""
    import numpy as np

    u, s, vt = np.linalg.svd(x, full_matrices=False)  # n >= p (checked): vt is p x p
    v_r = vt[:rank].T
    u_r = u[:, :rank]
    s_r = s[:rank]
    params = v_r @ ((u_r.T @ y) / s_r)
    cov = (v_r / s_r**2) @ v_r.T
    null = np.ascontiguousarray(vt[rank:].T)
    return params, cov, null


def is_estimable(weights: np.ndarray, null_basis: np.ndarray | None, tol: float = ESTIMABLE_TOL) -> bool:
    """R estimability::is.estble: ||N'l||^2 < tol * ||l||^2 (||l||^2 below tol counts as 1); every l
    is estimable when X has full rank (`null_basis` None)."""
    import numpy as np

    if null_basis is None:
        return True
    w = np.asarray(weights, dtype=float)
    chk = null_basis.T @ w
    ssq = float(w @ w)
    return float(chk @ chk) < tol * (ssq if ssq >= tol else 1.0)


# ---------------------------------------------------------------- inference

def estimate(fit: LinearFit, weights: np.ndarray, alpha: float = 0.05, ci: str = "t") -> Estimate:
    """l'b with SE sqrt(sigma2 l'(X'X)^-1 l), t test of l'b = 0 on the residual df, and a two-sided
    (1 - alpha) CI from the t distribution (`ci="t"`) or the normal (`ci="normal"`). A function that
    is not estimable is all NaN with `estimable` False."""
    from scipy import stats

    if not fit.estimable(weights):
        return Estimate(estimate=NAN, se=NAN, df=float(fit.df_resid), t=NAN, pvalue=NAN, ci_low=NAN,
                        ci_high=NAN, estimable=False)
    value = float(weights @ fit.params)
    df = fit.df_resid
    se = math.sqrt(fit.sigma2 * float(weights @ fit.cov_unscaled @ weights)) if df > 0 else NAN
    if not (se > 0):
        return Estimate(estimate=value, se=se, df=float(df), t=NAN, pvalue=NAN, ci_low=NAN, ci_high=NAN)
    t = value / se
    p = float(2.0 * stats.t.sf(abs(t), df))
    q = float(stats.norm.ppf(1 - alpha / 2) if ci == "normal" else stats.t.ppf(1 - alpha / 2, df))
    return Estimate(estimate=value, se=se, df=float(df), t=t, pvalue=p, ci_low=value - q * se,
                    ci_high=value + q * se)


def wald_f(fit: LinearFit, contrast: np.ndarray) -> tuple[float, int, float]:
    """F statistic, numerator df and p-value of H0: C b = 0 (C with full row rank)."""
    import numpy as np
    from scipy import stats

    c = np.atleast_2d(contrast)
    q = c.shape[0]
    if fit.df_resid <= 0:
        return NAN, q, NAN
    cb = c @ fit.params
    middle = c @ fit.cov_unscaled @ c.T
    f = float(cb @ np.linalg.solve(middle, cb)) / q / fit.sigma2 if fit.sigma2 > 0 else NAN
    p = float(stats.f.sf(f, q, fit.df_resid)) if f == f else NAN
    return f, q, p


def term_contrast(fit: LinearFit, name: str) -> np.ndarray:
    """Rows selecting one term's coefficients: the Type III hypothesis under sum-to-zero coding."""
    import numpy as np

    cols = fit.blocks[name]
    c = np.zeros((len(cols), len(fit.params)))
    for i, j in enumerate(cols):
        c[i, j] = 1.0
    return c


def estimable_contrast(fit: LinearFit, name: str) -> tuple[np.ndarray, bool]:
    """Rows spanning the estimable functions among one term's coefficients, and whether that is all
    of them (always so at full rank: then the rows are `term_contrast`). With N_T the term's rows of
    the null basis, the coefficient combinations a'b_T with N_T'a = 0 are estimable; a direction
    counts as not estimable when ||N_T'a|| >= 1e-4 ||a|| (the square root of the estimability
    tolerance). Testing these rows is testing the term's columns out of the model (R drop1, SAS's
    R(term | other effects))."""
    import numpy as np

    c = term_contrast(fit, name)
    if fit.null_basis is None:
        return c, True
    nb = fit.null_basis[list(fit.blocks[name])]
    _, s, vt = np.linalg.svd(nb.T, full_matrices=True)
    bad = int((s >= math.sqrt(ESTIMABLE_TOL)).sum())
    if bad == 0:
        return c, True
    return vt[bad:] @ c, False
