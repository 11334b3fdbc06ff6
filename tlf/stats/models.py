"""Statistical models: ANCOVA with least-squares means, a dose-response ANCOVA, the power model.

Least-squares means are computed as SAS LSMEANS and R emmeans compute them: the model's prediction
for each arm on a reference grid where every covariate sits at its mean over the observations used,
averaged over the levels of the other classification factors with

- `weights="equal"`: every combination of the other factors' levels counts the same (SAS LSMEANS
  default; emmeans `weights = "equal"`);
- `weights="proportional"`: each combination counts in proportion to its frequency among the
  observations used by the model, all arms together (emmeans `weights = "proportional"`);
- `weights="om"`: SAS LSMEANS `/ OM` (OBSMARGINS): as "proportional", but the frequencies count
  every row whose independent variables are all present, including rows with a missing response
  (SAS/STAT "Shared Concepts: Changing the Weighting Scheme"). The two agree when no response is
  missing. Joint frequencies of the other factors are used; for models where those factors do not
  interact with each other this is the same as weighting each factor by its own margins.

Differences are between LS means (arm minus comparator) with SE, t test on the residual degrees of
freedom, and a two-sided CI; no multiplicity adjustment. The Type III table has one F test per
effect (sum-to-zero coding, see tlf.stats.linear). Results are frozen dataclasses with
`to_ard_rows()`; the caller adds output_id, analysis and decimals.

Interactions: a treatment-by-factor interaction makes each arm's LS mean the average of its cells
over the other factors' levels (weighted as above), a treatment-by-covariate interaction (a slope per
arm) is evaluated at the covariate's mean, as emmeans does.

Empty cells: a design made rank-deficient by an interaction (e.g. a treatment-by-factor interaction
where a factor level has no data in one arm) is fitted by a generalised inverse (tlf.stats.linear;
a singular design of the main effects alone is still an error). Each LS mean and
difference is tested for estimability as R emmeans and SAS GLM test it: the estimable ones get their
value, SE, CI and p-value; the others are NaN with `estimable` False and the ARD warning
NOT_ESTIMABLE (emmeans prints "nonEst", SAS "Non-est"). The model is never refused for an empty cell.
A Type III test in such a design: an effect whose hypothesis (its coefficients under sum-to-zero
coding) is estimable is tested as usual; an effect contained in no other effect (e.g. the
interaction itself) is tested on its estimable part, which is R(effect | all other effects) with the
df reduced accordingly (R `drop1(test = "F")`; SAS Types I-IV agree for such an effect); any other
effect (a main effect of an interaction that has an empty cell) is NaN: its Type III hypothesis is
not estimable (car::Anova(type = 3) refuses such a model; SAS tests a hypothesis built for the
empty-cell pattern, which is not reproduced here).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import product
from typing import Any

from tlf.errors import DataError, TlfError
from tlf.stats.linear import (
    NAN,
    Estimate,
    LinearFit,
    Term,
    design,
    estimable_contrast,
    estimate,
    fit_linear,
    is_missing,
    ols_qr,
    term_contrast,
    wald_f,
)

WEIGHTS = ("equal", "proportional", "om")
CI_METHODS = ("t", "normal")
NOT_ESTIMABLE = "not estimable: the model has an empty cell or an aliased effect"


@dataclass(frozen=True, kw_only=True)
class LsMean(Estimate):
    """The LS mean of one arm; `n` is the arm's number of observations in the model. `t` and
    `pvalue` test LS mean = 0."""

    arm: Any
    n: int


@dataclass(frozen=True, kw_only=True)
class Difference(Estimate):
    """LS mean of `arm` minus LS mean of `reference`."""

    arm: Any
    reference: Any


@dataclass(frozen=True)
class EffectTest:
    """Type III F test of one effect: F, numerator and denominator df, p-value; `note` says why the
    test is NaN when the effect's hypothesis is not estimable (then df_num is 0)."""

    effect: str
    f: float
    df_num: int
    df_den: int
    pvalue: float
    note: str = ""


@dataclass(frozen=True)
class AncovaResult:
    """An ANCOVA with treatment as a classification factor.

    levels: the treatment levels in model order; reference: the comparator of `diffs` by default;
    lsmeans: one per level, in level order; diffs: the requested differences; type3: one test per
    effect in model order; n: observations used; n_dropped: rows dropped for a missing response,
    covariate or factor; df_resid: residual df; rmse: sqrt(residual mean square); rmse_ml:
    sqrt(residual SS / n); covariate_means: where the LS means are evaluated; warnings: notes on
    statistics that could not be computed."""

    response: str
    treatment: str
    levels: tuple
    reference: Any
    weights: str
    alpha: float
    ci: str
    lsmeans: tuple[LsMean, ...]
    diffs: tuple[Difference, ...]
    type3: tuple[EffectTest, ...]
    n: int
    n_dropped: int
    df_resid: int
    rmse: float
    rmse_ml: float
    covariate_means: Mapping[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def lsmean(self, arm: Any) -> LsMean:
        """The LS mean of one arm."""
        for m in self.lsmeans:
            if m.arm == arm:
                return m
        raise KeyError(arm)

    def diff(self, arm: Any, reference: Any = None) -> Difference:
        """The difference arm - reference (default: the result's reference arm)."""
        ref = self.reference if reference is None else reference
        for d in self.diffs:
            if d.arm == arm and d.reference == ref:
                return d
        raise KeyError((arm, ref))

    def effect(self, name: str) -> EffectTest:
        """The Type III test of one effect (an interaction is named 'A:B')."""
        for e in self.type3:
            if e.effect == name:
                return e
        raise KeyError(name)

    def to_ard_rows(self, columns: Mapping[Any, str] | None = None) -> list[dict]:
        """ARD rows (keys column, variable, parent, level, stat_name, stat, warning).

        Per arm (column = the arm's column id from `columns`, default str(arm)): n, lsmean,
        lsmean_se, lsmean_ci_low, lsmean_ci_high. Per difference (column = the arm, level = the
        comparator's column id): diff, diff_se, diff_ci_low, diff_ci_high, diff_pvalue. Per effect
        (column "", level = effect): f, df_num, df_den, pvalue. Model (column "", level ""): n,
        n_dropped, df_resid, rmse, rmse_ml."""
        col = (lambda a: columns[a]) if columns is not None else str
        warn = "; ".join(self.warnings)
        rows: list[dict] = []
        for m in self.lsmeans:
            why = warn if m.estimable else NOT_ESTIMABLE
            for name, value in (("n", m.n), ("lsmean", m.estimate), ("lsmean_se", m.se),
                                ("lsmean_ci_low", m.ci_low), ("lsmean_ci_high", m.ci_high)):
                rows.append(_ard(col(m.arm), self.response, "", name, value, why))
        for d in self.diffs:
            why = warn if d.estimable else NOT_ESTIMABLE
            for name, value in (("diff", d.estimate), ("diff_se", d.se), ("diff_ci_low", d.ci_low),
                                ("diff_ci_high", d.ci_high), ("diff_pvalue", d.pvalue)):
                rows.append(_ard(col(d.arm), self.response, col(d.reference), name, value, why))
        rows += _type3_rows(self.type3, self.response, warn)
        rows += _model_rows(self, warn)
        return rows


@dataclass(frozen=True)
class DoseResponseResult:
    """An ANCOVA with the dose as a numeric covariate (e.g. CHG ~ TRTPN + SITEGR1 + BASE).

    slope: the dose coefficient with SE, t test and CI; type3: one test per effect (the dose's test
    has 1 df, F = t^2); other fields as in AncovaResult."""

    response: str
    dose: str
    alpha: float
    slope: Estimate
    type3: tuple[EffectTest, ...]
    n: int
    n_dropped: int
    df_resid: int
    rmse: float
    rmse_ml: float
    warnings: tuple[str, ...] = ()

    def effect(self, name: str) -> EffectTest:
        for e in self.type3:
            if e.effect == name:
                return e
        raise KeyError(name)

    def to_ard_rows(self) -> list[dict]:
        """Rows slope, slope_se, slope_ci_low, slope_ci_high, slope_pvalue (level = dose variable), the
        Type III table (level = effect) and the model rows, all with column ""."""
        warn = "; ".join(self.warnings)
        s = self.slope
        rows = [_ard("", self.response, self.dose, name, value, warn)
                for name, value in (("slope", s.estimate), ("slope_se", s.se), ("slope_ci_low", s.ci_low),
                                    ("slope_ci_high", s.ci_high), ("slope_pvalue", s.pvalue))]
        return rows + _type3_rows(self.type3, self.response, warn) + _model_rows(self, warn)


@dataclass(frozen=True)
class PowerModelResult:
    """log(value) = intercept + slope * log(dose), by least squares. Dose proportionality is slope 1;
    the CI is two-sided at 1 - alpha (90% by default). n counts the pairs used; n_excluded the pairs
    dropped for a missing or non-positive dose or value."""

    alpha: float
    intercept: Estimate
    slope: Estimate
    n: int
    n_excluded: int
    df_resid: int
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, float]:
        """slope, slope_se, slope_ci_low, slope_ci_high, intercept, intercept_se, n, n_excluded, df_resid."""
        return {"slope": self.slope.estimate, "slope_se": self.slope.se, "slope_ci_low": self.slope.ci_low,
                "slope_ci_high": self.slope.ci_high, "intercept": self.intercept.estimate,
                "intercept_se": self.intercept.se, "n": float(self.n), "n_excluded": float(self.n_excluded),
                "df_resid": float(self.df_resid)}


# ---------------------------------------------------------------- ANCOVA

def fit_ancova(frame, response: str, treatment: str, covariates: Sequence[str] = (),
               factors: Sequence[str] = (), *, levels: Sequence | None = None, reference: Any = None,
               pairs: Sequence[tuple[Any, Any]] | str | None = None, interactions: Sequence[Sequence[str]] = (),
               alpha: float = 0.05, weights: str = "equal", ci: str = "t", dataset: str = "") -> AncovaResult:
    """ANCOVA of `response` on `treatment` (a classification factor), `factors` (other classification
    factors) and `covariates` (numeric), plus optional `interactions` (tuples of those variables).

    levels: treatment levels in model order (default: sorted as observed); every level must have data.
    reference: the comparator (default: the first level). pairs: None for each arm vs the reference;
    "all" for every pair (later level minus earlier level); or explicit (arm, comparator) tuples.
    weights: "equal", "proportional" or "om" (see the module doc). ci: "t" (residual df) or "normal".
    dataset: named in error messages. Rows with a missing response, covariate or factor are dropped
    and counted. Raises DataError when an arm has no data, the main effects' design is singular, or
    there are fewer observations than parameters. A design made rank-deficient by an interaction (an
    empty cell) is fitted: LS means and differences that are not estimable are NaN with `estimable`
    False (see the module doc)."""
    _check_args(alpha, weights, ci)
    factors = tuple(f for f in factors if f != treatment)
    terms = _terms((treatment, *factors), covariates, interactions)
    given = {treatment: tuple(levels)} if levels is not None else {}
    fit = fit_linear(frame, response, terms, (treatment, *factors), tuple(covariates), given, dataset)
    arms = fit.levels[treatment]
    ref = arms[0] if reference is None else reference
    comparisons = _comparisons(arms, ref, pairs, treatment, dataset)
    margins = _observed_margins(frame, (treatment, *factors), covariates) if weights == "om" else fit.used
    rows = _lsmean_rows(fit, treatment, weights, margins, dataset)
    counts = fit.used[treatment].value_counts(sort=False)
    lsmeans = tuple(LsMean(arm=a, n=int(_count(counts, a)), **_fields(estimate(fit, rows[i], alpha, ci)))
                    for i, a in enumerate(arms))
    index = {a: i for i, a in enumerate(arms)}
    diffs = tuple(Difference(arm=a, reference=b,
                             **_fields(estimate(fit, rows[index[a]] - rows[index[b]], alpha, ci)))
                  for a, b in comparisons)
    return AncovaResult(response=response, treatment=treatment, levels=arms, reference=ref, weights=weights,
                        alpha=alpha, ci=ci, lsmeans=lsmeans, diffs=diffs, type3=type3_tests(fit), n=fit.n,
                        n_dropped=fit.n_dropped, df_resid=fit.df_resid, rmse=fit.rmse, rmse_ml=fit.rmse_ml,
                        covariate_means=dict(fit.covariate_means), warnings=_warnings(fit))


def fit_dose_response(frame, response: str, dose: str, covariates: Sequence[str] = (),
                      factors: Sequence[str] = (), *, interactions: Sequence[Sequence[str]] = (),
                      alpha: float = 0.05, dataset: str = "") -> DoseResponseResult:
    """ANCOVA with `dose` entering as a numeric covariate (first term), e.g. issue 7's
    CHG ~ TRTPN + SITEGR1 + BASE; the Type III test of `dose` is the dose-response test."""
    _check_args(alpha, "equal", "t")
    covs = (dose, *(c for c in covariates if c != dose))
    terms = [Term(dose, (dose,)), *(t for t in _terms(tuple(factors), covs, interactions) if t.name != dose)]
    fit = fit_linear(frame, response, terms, tuple(factors), covs, None, dataset)
    slope = estimate(fit, term_contrast(fit, dose)[0], alpha)
    return DoseResponseResult(response=response, dose=dose, alpha=alpha, slope=slope, type3=type3_tests(fit),
                              n=fit.n, n_dropped=fit.n_dropped, df_resid=fit.df_resid, rmse=fit.rmse,
                              rmse_ml=fit.rmse_ml, warnings=_warnings(fit))


def type3_tests(fit: LinearFit) -> tuple[EffectTest, ...]:
    """One Type III F test per term of the model, in model order (for a design not of full rank see
    the module doc: estimable hypotheses, the estimable part of an effect contained in no other, NaN
    otherwise)."""
    out = []
    for term in fit.terms:
        if fit.full_rank:
            f, q, p = wald_f(fit, term_contrast(fit, term.name))
            out.append(EffectTest(effect=term.name, f=f, df_num=q, df_den=fit.df_resid, pvalue=p))
            continue
        rows, whole = estimable_contrast(fit, term.name)
        contained = any(set(term.variables) < set(other.variables) for other in fit.terms)
        if rows.shape[0] == 0 or (not whole and contained):
            out.append(EffectTest(effect=term.name, f=NAN, df_num=0, df_den=fit.df_resid, pvalue=NAN,
                                  note=NOT_ESTIMABLE))
            continue
        f, q, p = wald_f(fit, rows)
        out.append(EffectTest(effect=term.name, f=f, df_num=q, df_den=fit.df_resid, pvalue=p))
    return tuple(out)


def lsmean_grid_weights(fit: LinearFit, treatment: str, weights: str, margins=None,
                        dataset: str = "") -> tuple[list[tuple], list[float]]:
    """The combinations of the other factors' levels that LS means average over, with their weights.
    Unequal weights are the combinations' frequencies in `margins` (default: the observations used)."""
    others = [f for f in fit.factors if f != treatment]
    combos = list(product(*(fit.levels[f] for f in others)))
    if weights == "equal" or not others:
        return combos, [1.0 / len(combos)] * len(combos)
    margins = fit.used if margins is None else margins
    counts = Counter(zip(*(margins[f] for f in others), strict=True))
    known = set(combos)
    for combo in counts:
        if combo not in known:
            where = ", ".join(f"{f}={str(v)!r}" for f, v in zip(others, combo, strict=True))
            raise DataError(f"observed-margin weights: {where} occurs only in rows the model cannot use (a "
                            f"missing response), so the LS means are not estimable", dataset=dataset,
                            variable=others[0], code="STAT010")
    total = sum(counts.values())
    return combos, [counts.get(c, 0) / total for c in combos]


def _observed_margins(frame, independents: Sequence[str], covariates: Sequence[str]):
    """Rows whose independent variables (treatment, factors, covariates) are all present."""
    import pandas as pd

    keep = pd.Series(True, index=frame.index)
    for name in (*independents, *covariates):
        keep &= ~frame[name].map(is_missing).astype(bool)
    return frame.loc[keep]


def _lsmean_rows(fit: LinearFit, treatment: str, weights: str, margins, dataset: str):
    """Row i: the linear function of the coefficients giving the LS mean of treatment level i."""
    import numpy as np

    others = [f for f in fit.factors if f != treatment]
    combos, w = lsmean_grid_weights(fit, treatment, weights, margins, dataset)
    m = len(combos)
    wv = np.asarray(w)
    rows = []
    for arm in fit.levels[treatment]:
        grid: dict[str, list] = {treatment: [arm] * m}
        for j, f in enumerate(others):
            grid[f] = [c[j] for c in combos]
        for c, mean in fit.covariate_means.items():
            grid[c] = [mean] * m
        x, _ = design(fit.terms, grid, fit.levels, m)
        rows.append(wv @ x)
    return np.vstack(rows)


# ---------------------------------------------------------------- power model

def fit_power_model(dose, value, *, alpha: float = 0.10) -> PowerModelResult:
    """Power model for dose proportionality: least squares of log(value) on log(dose) (natural logs),
    slope with a two-sided (1 - alpha) t CI on n - 2 df. Pairs with a missing or non-positive dose or
    value are excluded and counted. Fewer than 3 usable pairs or a single dose give NaN estimates
    and a warning."""
    import numpy as np
    from scipy import stats

    _check_args(alpha, "equal", "t")
    d = np.asarray(dose, dtype=float)
    v = np.asarray(value, dtype=float)
    if d.shape != v.shape:
        raise TlfError(f"dose and value differ in length ({d.size} and {v.size})", code="STAT009")
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(d) & np.isfinite(v) & (d > 0) & (v > 0)
    n, excluded = int(ok.sum()), int((~ok).sum())
    notes = [f"{excluded} pair(s) with a missing or non-positive dose or value excluded"] if excluded else []
    if n < 3 or np.unique(d[ok]).size < 2:
        notes.append("not estimable: needs at least 3 pairs and 2 distinct doses")
        empty = Estimate(estimate=NAN, se=NAN, df=NAN, t=NAN, pvalue=NAN, ci_low=NAN, ci_high=NAN)
        return PowerModelResult(alpha, empty, empty, n, excluded, max(n - 2, 0), tuple(notes))
    x = np.column_stack([np.ones(n), np.log(d[ok])])
    y = np.log(v[ok])
    params, cov = ols_qr(x, y)  # statsmodels OLS(y, x).fit(method="qr"), its arithmetic
    resid = y - np.dot(x, params)
    df = n - int(np.linalg.matrix_rank(np.linalg.qr(x)[1]))
    bse = np.sqrt(np.diag(cov * (np.dot(resid, resid) / float(df))))
    q = float(stats.t.ppf(1 - alpha / 2, df))
    est = []
    for i in range(2):
        b, se = float(params[i]), float(bse[i])
        t = b / se if se > 0 else NAN
        p = float(2 * stats.t.sf(abs(t), df)) if t == t else NAN
        est.append(Estimate(estimate=b, se=se, df=float(df), t=t, pvalue=p, ci_low=b - q * se, ci_high=b + q * se))
    return PowerModelResult(alpha, est[0], est[1], n, excluded, df, tuple(notes))


# ---------------------------------------------------------------- helpers

def _check_args(alpha: float, weights: str, ci: str) -> None:
    if not 0 < alpha < 1:
        raise TlfError(f"alpha must be between 0 and 1, got {alpha!r}", code="STAT009")
    if weights not in WEIGHTS:
        raise TlfError(f"weights must be one of {', '.join(WEIGHTS)}, got {weights!r}", code="STAT009")
    if ci not in CI_METHODS:
        raise TlfError(f"ci must be one of {', '.join(CI_METHODS)}, got {ci!r}", code="STAT009")


def _terms(factors: Sequence[str], covariates: Sequence[str], interactions: Sequence[Sequence[str]]) -> list[Term]:
    terms = [Term(v, (v,)) for v in (*factors, *covariates)]
    known = {*factors, *covariates}
    for inter in interactions:
        inter = tuple(inter)
        unknown = [v for v in inter if v not in known]
        if len(inter) < 2 or unknown:
            raise TlfError(f"interaction {':'.join(inter)} must join 2 or more of the model's variables"
                           + (f" (not in the model: {', '.join(unknown)})" if unknown else ""), code="STAT009")
        terms.append(Term(":".join(inter), inter))
    return terms


def _comparisons(arms: tuple, ref: Any, pairs, treatment: str, dataset: str) -> list[tuple[Any, Any]]:
    def check(a):
        if not any(a == x for x in arms):
            raise DataError(f"arm {str(a)!r} is not a treatment level ({', '.join(repr(str(x)) for x in arms)})",
                            dataset=dataset, variable=treatment, code="STAT008")
    check(ref)
    if pairs is None:
        return [(a, ref) for a in arms if a != ref]
    if pairs == "all":
        return [(arms[j], arms[i]) for i in range(len(arms)) for j in range(i + 1, len(arms))]
    out = []
    for a, b in pairs:
        check(a)
        check(b)
        out.append((a, b))
    return out


def _count(counts, key) -> int:
    try:
        return int(counts[key])
    except KeyError:
        return 0


def _fields(e: Estimate) -> dict[str, float]:
    return {f.name: getattr(e, f.name) for f in fields(Estimate)}


def _warnings(fit: LinearFit) -> tuple[str, ...]:
    notes = []
    if fit.n_dropped:
        notes.append(f"{fit.n_dropped} observation(s) with missing values not used")
    if fit.df_resid == 0:
        notes.append("no residual degrees of freedom: standard errors, CIs and tests not estimable")
    elif fit.rss == 0:
        notes.append("essentially perfect fit (no residual variation): standard errors, CIs and tests not "
                     "estimable")
    return tuple(notes)


def _ard(column: str, variable: str, level: str, stat_name: str, stat: float, warning: str) -> dict:
    value = float(stat)
    return {"column": column, "variable": variable, "parent": "", "level": level, "stat_name": stat_name,
            "stat": value, "warning": warning if value != value else ""}


def _type3_rows(type3: Sequence[EffectTest], response: str, warn: str) -> list[dict]:
    return [_ard("", response, e.effect, name, value, e.note or warn) for e in type3
            for name, value in (("f", e.f), ("df_num", e.df_num), ("df_den", e.df_den), ("pvalue", e.pvalue))]


def _model_rows(res, warn: str) -> list[dict]:
    return [_ard("", res.response, "", name, value, warn) for name, value in
            (("n", res.n), ("n_dropped", res.n_dropped), ("df_resid", res.df_resid), ("rmse", res.rmse),
             ("rmse_ml", res.rmse_ml))]
