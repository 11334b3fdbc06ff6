"""The `mmrm` analysis: one mixed model for repeated measures per parameter over the spec's visits,
treatment = the output's columns (tlf.stats.mmrm.fit_mmrm).

Covariates and factors are read from the analysis dataset, or from the subject-level dataset when the
analysis dataset does not have them. What cannot be estimated is NaN in the ARD with the reason in
`warning` (the table prints "NE" and a footnote), never a crash and never a number from a fit that did not
converge:

- a column without observations is left out of the model (its cells NE); fewer than two columns with data,
  a visit without data or a fit that does not reach a proper optimum: every cell of the parameter NE with
  the reason, unless a `fallback` structure fits (a footnote then names the structure used and why);
- a column without observations at one visit (an empty cell of treatment x visit): the model is fitted on
  its non-aliased columns, that column's LS mean and differences at that visit are NE, the rest reported;
- no observations in the reference column: differences vs it NE;
- a response named PCHG...: records with a baseline of 0 are left out (percent change is not defined).

ARD rows (parent = parameter, level = visit), named as the `ancova` family's: per column n, lsmean,
lsmean_se, lsmean_ci_low, lsmean_ci_high and, per difference vs a comparator, diff, diff_se, diff_ci_low,
diff_ci_high, diff_pvalue (prefixed "vs_<comparator>." vs a column other than the reference), plus
lsmean_df / diff_df (the degrees of freedom); per parameter (column "", level "") model_n (subjects),
model_obs (observations) and, with the covariance used in `variable`, `covariance` (1 when a fallback
structure was used, its note in `warning`).
"""

from __future__ import annotations

from tlf.analyses.ancova.run import (
    ARM,
    ARM_STATS,
    DIFF_STATS,
    arm_records,
    comparison_pairs,
    decimals_for,
    diff_prefix,
)
from tlf.analyses.bds import BASE0_NOTE, label_rows, one_per_subject, require_var, select_bds, visit_order
from tlf.analyses.checks import where_findings
from tlf.analyses.context import ColumnGroup, Ctx
from tlf.errors import DataError, did_you_mean
from tlf.stats.descriptive import collected_decimals

NAN = float("nan")
STRUCTURE_NAMES = {"us": "unstructured", "cs": "compound symmetry", "ar1": "first-order autoregressive",
                   "toep": "Toeplitz", "csh": "heterogeneous compound symmetry",
                   "ar1h": "heterogeneous first-order autoregressive"}


def mmrm(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    import pandas as pd

    a = ctx.analysis
    active, selected, extra = _inputs(ctx, columns)
    recs_all = arm_records(ctx, active, selected, extra)
    rows = label_rows(ctx, selected)
    for i, p in enumerate(a.params):
        d = a.precision if a.precision is not None else min(2, collected_decimals(
            selected.loc[selected[a.param_var] == p, a.response]))
        recs = recs_all[recs_all[a.param_var] == p]
        for visit in a.visits:
            one_per_subject(ctx, recs[recs[a.visit_var] == visit], p, visit)
        notes = []
        if a.response.upper().startswith("PCHG"):
            base0 = pd.to_numeric(recs[a.base_var], errors="coerce") == 0
            if base0.any():
                notes.append(f"{int(base0.sum())} record(s) with {BASE0_NOTE}")
                recs = recs[~base0]
        rows += _fit_rows(ctx, active, recs, i, p, decimals_for(a, d), "; ".join(notes))
    return rows


def _inputs(ctx: Ctx, columns: list[ColumnGroup]):
    """The active columns (the reference among them, no subject in two), the records of the spec's
    parameters and visits, and the model variables taken from the subject-level dataset."""
    a = ctx.analysis
    active = [c for c in columns if ctx.active(c)]
    ids = [c.id for c in active]
    if a.reference not in ids:
        raise ctx.error("reference", f"reference column '{a.reference}' is not a column of this output"
                        f"{did_you_mean(a.reference, ids)}; columns: {', '.join(ids)}", "SPEC110")
    for j, (x, y) in enumerate(a.pairs):
        for k, c in enumerate((x, y)):
            if c not in ids:
                raise ctx.error(("comparisons", j, k), f"column '{c}' is not a column of this output"
                                f"{did_you_mean(c, ids)}; columns: {', '.join(ids)}", "SPEC110")
    seen: dict[str, str] = {}
    for col in active:
        for s in col.subjects:
            if s in seen:
                raise ctx.error("type", f"columns '{seen[s]}' and '{col.id}' share subjects (e.g. {s}); an MMRM "
                                "needs each subject in one treatment column", "SPEC111")
            seen[s] = col.id
    selected = select_bds(ctx)
    require_var(ctx, "response", a.response, selected)
    extra = []
    keys = (("covariates", a.covariates), ("factors", a.factors), ("covariates_by_visit", a.covariates_by_visit),
            ("factors_by_visit", a.factors_by_visit))
    for key, names in keys:
        for j, name in enumerate(names):
            if name in selected.columns:
                continue
            if name in ctx.data.subjects.columns:
                if name not in extra:
                    extra.append(name)
                continue
            raise ctx.error((key, j), f"variable '{name}' not found in {ctx.dataset_name} or "
                            f"{ctx.data.subject_dataset}{did_you_mean(name, selected.columns)}", "SPEC112")
    if a.response.upper().startswith("PCHG"):
        require_var(ctx, "base_var", a.base_var, selected)
    return active, selected, extra


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """The model's inputs and one record per subject at each visit, without fitting; literals of `where`
    the data never take."""
    a = ctx.analysis
    active, selected, _ = _inputs(ctx, columns)
    for col in active:
        recs = ctx.records(col, selected)
        for p in a.params:
            for visit in a.visits:
                one_per_subject(ctx, recs[(recs[a.param_var] == p) & (recs[a.visit_var] == visit)], p, visit)
    return where_findings(ctx, columns)


def _fit(ctx: Ctx, used, arms: list[str], pairs):
    """The fit with `covariance`, else with each `fallback` in turn; (result, note on a fallback)."""
    from tlf.stats.mmrm import fit_mmrm

    a = ctx.analysis
    tried = []
    result = None
    for structure in dict.fromkeys([a.covariance, *a.fallback]):
        result = fit_mmrm(used, a.response, subject=ctx.data.subject_id, visit=a.visit_var, treatment=ARM,
                          covariates=a.covariates, factors=a.factors, covariates_by_visit=a.covariates_by_visit,
                          factors_by_visit=a.factors_by_visit, covariance=structure, method=a.method, df=a.df,
                          levels=arms, visits=a.visits, reference=a.reference if a.reference in arms else arms[0],
                          pairs=pairs, weights=a.weights, alpha=a.alpha, dataset=ctx.dataset_name)
        if result.converged:
            break
        tried.append(f"the {STRUCTURE_NAMES[structure]} fit was not estimable ({result.reason})")
    note = ""
    if tried and result.converged:
        note = f"{'; '.join(tried)}: the {STRUCTURE_NAMES[result.covariance]} covariance structure was used"
    return result, note


def _fit_rows(ctx: Ctx, active: list[ColumnGroup], recs, i: int, param: str, dec: dict[str, int],
              note: str) -> list[dict]:
    a = ctx.analysis
    model_vars = [a.response, *a.covariates, *a.factors, *a.covariates_by_visit, *a.factors_by_visit]
    complete = recs[model_vars].notna().all(axis=1)
    for v in model_vars:
        if recs[v].dtype == object:
            complete &= recs[v].astype(str).str.strip() != ""
    used = recs[complete]
    counts = used.groupby([a.visit_var, ARM]).size()
    arms = [c.id for c in active if (used[ARM] == c.id).any()]
    pairs = comparison_pairs(a, [c.id for c in active])
    fit_pairs = [(x, y) for x, y in pairs if x in arms and y in arms]
    result, failure, used_note = None, "", ""
    if len(arms) < 2:
        failure = "fewer than two treatment columns with data"
    else:
        try:
            result, used_note = _fit(ctx, used, arms, fit_pairs)
        except DataError as e:
            failure = e.message
        if result is not None and not result.converged:
            failure, result = result.reason, None
    rows = []
    model_kw = {"variable": a.response, "parent": param, "level": "", "order": visit_order(i, 0)}
    if result is not None:
        rows += [ctx.row("", "model_n", result.n_subjects, 0, **model_kw),
                 ctx.row("", "model_obs", result.n_obs, 0, **model_kw),
                 ctx.row("", "covariance", 1.0 if used_note else 0.0, 0, warning=used_note,
                         **{**model_kw, "variable": result.covariance})]
    for j, visit in enumerate(a.visits):
        kw = {"variable": a.response, "parent": param, "level": visit, "order": visit_order(i, j)}
        for col in active:
            n = float(counts.get((visit, col.id), 0))
            rows.append(ctx.row(col.id, "n", n, 0, warning=note, **kw))
            if result is None or col.id not in arms:
                why = failure or "no patients with data in this column"
                rows += [ctx.row(col.id, s, NAN, dec[s], warning=_join(why, note), **kw) for s in ARM_STATS[1:]]
                continue
            m = result.lsmean(visit, col.id)
            for s, v in zip(ARM_STATS[1:], (m.estimate, m.se, m.ci_low, m.ci_high), strict=True):
                rows.append(ctx.row(col.id, s, v, dec[s], warning=_nan_note(v, note, m), **kw))
            rows.append(ctx.row(col.id, "lsmean_df", m.df, 1, **kw))
        for arm, comp in pairs:
            pre = diff_prefix(a, comp)
            if result is None or (arm, comp) not in fit_pairs:
                why = failure or ("no patients with data in this column" if arm not in arms
                                  else f"no patients with data in column '{comp}'")
                rows += [ctx.row(arm, pre + s, NAN, dec[s], warning=_join(why, note), **kw) for s in DIFF_STATS]
                continue
            dd = result.diff(visit, arm, comp)
            for s, v in zip(DIFF_STATS, (dd.estimate, dd.se, dd.ci_low, dd.ci_high, dd.pvalue), strict=True):
                rows.append(ctx.row(arm, pre + s, v, dec[s], warning=_nan_note(v, note, dd), **kw))
            rows.append(ctx.row(arm, pre + "diff_df", dd.df, 1, **kw))
    return rows


def _nan_note(value: float, note: str, est) -> str:
    from tlf.stats.mmrm import NOT_ESTIMABLE

    if value == value:
        return ""
    return _join(NOT_ESTIMABLE if not est.estimable else "not estimable", note)


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


RUNNERS = {"mmrm": mmrm}
CHECKS = {"mmrm": check}
