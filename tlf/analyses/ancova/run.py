"""The `ancova` analysis: one ANCOVA per parameter and visit, treatment = the output's columns.

The model is tlf.stats.models.fit_ancova (LS means as SAS LSMEANS / R emmeans). Covariates and factors
are read from the analysis dataset, or from the subject-level dataset when the analysis dataset does not
have them. What cannot be estimated is NaN in the ARD with the reason in `warning` (the table prints
"NE" and a footnote), never a crash and never a number from a model that does not hold:

- a column with no observations at a visit is left out of that model (its cells NE);
- no observations in the reference column: LS means are reported, differences NE;
- fewer than two columns with data, a singular design of the main effects (e.g. a covariate constant in
  the data), or fewer observations than parameters: every cell of that parameter and visit NE, with the
  model's message;
- an empty cell of an `interactions` term (e.g. a factor level with no patients in one column): the
  model is fitted, the LS means and differences that are not estimable are NE with the warning
  "not estimable: ...", the others are reported (as SAS GLM and R emmeans); a Type III test whose
  hypothesis is not estimable likewise;
- a response named PCHG...: records with a baseline of 0 are left out (percent change is not defined).

ARD rows (parent = parameter, level = visit): per column n, lsmean, lsmean_se, lsmean_ci_low,
lsmean_ci_high and, for each difference of the column vs a comparator, diff, diff_se, diff_ci_low,
diff_ci_high, diff_pvalue (named as is vs the reference, prefixed "vs_<comparator>." vs another
column); per model (column "") model_n, df_resid, rmse (sqrt(RSS / residual df)), rmse_ml
(sqrt(RSS / n)), t3_<effect>_f / t3_<effect>_pvalue (Type III; the treatment is named "treatment",
an interaction "A:B") and, with `dose`, dose_f and dose_pvalue (the dose-response test).
"""

from __future__ import annotations

import math

from tlf.analyses.ancova.spec import TREATMENT
from tlf.analyses.bds import BASE0_NOTE, label_rows, one_per_subject, require_var, select_bds, visit_order
from tlf.analyses.checks import where_findings
from tlf.analyses.context import ColumnGroup, Ctx
from tlf.errors import DataError, did_you_mean
from tlf.stats.descriptive import collected_decimals
from tlf.stats.models import NOT_ESTIMABLE

NAN = float("nan")
ARM = "_arm"
ARM_STATS = ("n", "lsmean", "lsmean_se", "lsmean_ci_low", "lsmean_ci_high")
DIFF_STATS = ("diff", "diff_se", "diff_ci_low", "diff_ci_high", "diff_pvalue")


def decimals_for(a, d: int) -> dict[str, int]:
    """Printed decimals: LS mean and difference d+1, SE and RMSE d+2, CI as its estimate, p-value 3."""
    dec = {"lsmean": d + 1, "se": d + 2, "diff": d + 1, "pvalue": 3, "rmse": d + 2, **a.decimals}
    return {"n": 0, "lsmean": dec["lsmean"], "lsmean_se": dec["se"], "lsmean_ci_low": dec["lsmean"],
            "lsmean_ci_high": dec["lsmean"], "diff": dec["diff"], "diff_se": dec["se"],
            "diff_ci_low": dec["diff"], "diff_ci_high": dec["diff"], "diff_pvalue": dec["pvalue"],
            "rmse": dec["rmse"], "dose_pvalue": dec["pvalue"]}


def comparison_pairs(a, column_ids: list[str]) -> list[tuple[str, str]]:
    """(column, comparator) of each difference: the spec's `comparisons`, or every column vs the reference."""
    return a.pairs or [(c, a.reference) for c in column_ids if c != a.reference]


def diff_prefix(a, comparator: str) -> str:
    """Stat-name prefix of a difference: none vs the reference, "vs_<comparator>." vs another column."""
    return "" if comparator == a.reference else f"vs_{comparator}."



def arm_records(ctx: Ctx, active: list[ColumnGroup], selected, extra: list[str]):
    """The records of every active column, each marked with its column in ARM, with the subject-level
    variables `extra` (model covariates not in the records) merged in: the data of a model (ancova, mmrm)."""
    import pandas as pd

    sid = ctx.data.subject_id
    parts = []
    for col in active:
        recs = ctx.records(col, selected).copy()
        recs[ARM] = col.id
        parts.append(recs)
    recs_all = pd.concat(parts, ignore_index=True) if parts else selected.iloc[0:0]
    if extra:
        recs_all = recs_all.merge(ctx.data.subjects[[sid, *extra]], on=sid, how="left", suffixes=("", "_SL"))
    return recs_all


def ancova(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    a = ctx.analysis
    active, selected, extra, pct_response = _model_inputs(ctx, columns)
    recs_all = arm_records(ctx, active, selected, extra)
    rows = label_rows(ctx, selected)
    for i, p in enumerate(a.params):
        d = a.precision if a.precision is not None else min(2, collected_decimals(
            selected.loc[selected[a.param_var] == p, a.response]))
        dec = decimals_for(a, d)
        for j, visit in enumerate(a.visits):
            recs = recs_all[(recs_all[a.param_var] == p) & (recs_all[a.visit_var] == visit)]
            one_per_subject(ctx, recs, p, visit)
            notes = []
            if pct_response:
                base0 = recs[a.base_var].astype(float) == 0
                if base0.any():
                    notes.append(f"{int(base0.sum())} patient(s) with {BASE0_NOTE}")
                    recs = recs[~base0]
            rows += _fit_rows(ctx, active, recs, p, visit, visit_order(i, j), dec, notes)
    return rows


def _model_inputs(ctx: Ctx, columns: list[ColumnGroup]):
    """The active columns (the reference among them, no subject in two), the records of the spec's
    parameters and visits, the model variables taken from the subject-level dataset, and whether the
    response is a percent change; every variable checked."""
    a = ctx.analysis
    active = [c for c in columns if ctx.active(c)]
    ids = [c.id for c in active]
    if a.reference not in ids:
        raise ctx.error("reference", f"reference column '{a.reference}' is not a column of this output"
                        f"{did_you_mean(a.reference, ids)}; columns: {', '.join(ids)}", "SPEC034")
    _check_disjoint(ctx, active)
    selected = select_bds(ctx)
    require_var(ctx, "response", a.response, selected)
    subject_level = ctx.data.subjects
    extra = []  # model variables taken from the subject-level dataset
    for key, names in (("covariates", a.covariates), ("factors", a.factors), ("dose", [a.dose] if a.dose else [])):
        for j, name in enumerate(names):
            if name in selected.columns:
                continue
            if name in subject_level.columns:
                extra.append(name)
                continue
            raise ctx.error((key, j) if key != "dose" else key, f"variable '{name}' not found in {ctx.dataset_name} or "
                            f"{ctx.data.subject_dataset}{did_you_mean(name, selected.columns)}", "SPEC041")
    pct_response = a.response.upper().startswith("PCHG")
    if pct_response:
        require_var(ctx, "base_var", a.base_var, selected)
    return active, selected, extra, pct_response


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """The model's inputs (reference column, disjoint columns, parameters, visits, variables) and one
    record per subject at each visit, without fitting; literals of `where` the data never take."""
    a = ctx.analysis
    active, selected, _, _ = _model_inputs(ctx, columns)
    per_col = [ctx.records(col, selected) for col in active]
    for p in a.params:
        for visit in a.visits:
            for recs in per_col:
                one_per_subject(ctx, recs[(recs[a.param_var] == p) & (recs[a.visit_var] == visit)], p, visit)
    return where_findings(ctx, columns)


def _check_disjoint(ctx: Ctx, active: list[ColumnGroup]) -> None:
    seen: dict[str, str] = {}
    for col in active:
        for s in col.subjects:
            if s in seen:
                raise ctx.error("type", f"columns '{seen[s]}' and '{col.id}' share subjects (e.g. {s}); an ANCOVA "
                                "needs each subject in one treatment column", "SPEC046")
            seen[s] = col.id


def _fit_rows(ctx: Ctx, active: list[ColumnGroup], recs, param: str, visit: str, order: int,
              dec: dict[str, int], notes: list[str]) -> list[dict]:
    from tlf.stats.models import fit_ancova

    a = ctx.analysis
    model_vars = [a.response, *a.covariates, *a.factors, *([a.dose] if a.dose else [])]
    complete = recs[model_vars].map(lambda v: v is not None and v == v and v != "" and
                                    (not isinstance(v, float) or math.isfinite(v))).all(axis=1)
    used = recs[complete]
    counts = used[ARM].value_counts()
    arms = [c.id for c in active if counts.get(c.id, 0) > 0]
    empty = [c.id for c in active if c.id not in arms]
    pairs = comparison_pairs(a, [c.id for c in active])
    fit_pairs = [(x, y) for x, y in pairs if x in arms and y in arms]
    kw = {"variable": a.response, "parent": param, "level": visit, "order": order}
    result, failure = None, ""
    if len(arms) < 2:
        failure = "fewer than two treatment columns with data"
    else:
        try:
            # SAS LSMEANS /OM: margins from every row with the independent variables, response or not
            margins = recs if a.weights == "om" else used
            result = fit_ancova(margins, a.response, ARM, a.covariates, a.factors, levels=arms,
                                reference=a.reference if a.reference in arms else arms[0], pairs=fit_pairs,
                                interactions=model_interactions(a), alpha=a.alpha, weights=a.weights, ci=a.ci,
                                dataset=ctx.dataset_name)
        except DataError as e:
            failure = e.message
    note = "; ".join(notes)
    rows = []
    for col in active:
        if result is None or col.id in empty:
            why = failure or "no patients with data in this column"
            n = float(counts.get(col.id, 0))
            rows.append(ctx.row(col.id, "n", n, 0, warning=note, **kw))
            rows += [ctx.row(col.id, s, NAN, dec[s], warning=_join(why, note), **kw) for s in ARM_STATS[1:]]
            continue
        m = result.lsmean(col.id)
        for s, v in zip(ARM_STATS, (m.n, m.estimate, m.se, m.ci_low, m.ci_high), strict=True):
            rows.append(ctx.row(col.id, s, v, dec[s], warning=note if s == "n" else _nan_note(v, result, note, m),
                                **kw))
    for arm, comp in pairs:
        pre = diff_prefix(a, comp)
        if result is None or (arm, comp) not in fit_pairs:
            why = failure or ("no patients with data in the reference column" if comp in empty and arm not in empty
                              else "no patients with data in this column" if arm in empty
                              else f"no patients with data in column '{comp}'")
            rows += [ctx.row(arm, pre + s, NAN, dec[s], warning=_join(why, note), **kw) for s in DIFF_STATS]
            continue
        dd = result.diff(arm, comp)
        for s, v in zip(DIFF_STATS, (dd.estimate, dd.se, dd.ci_low, dd.ci_high, dd.pvalue), strict=True):
            rows.append(ctx.row(arm, pre + s, v, dec[s], warning=_nan_note(v, result, note, dd), **kw))
    if result is not None:
        rows += [ctx.row("", "model_n", result.n, 0, **kw), ctx.row("", "df_resid", result.df_resid, 0, **kw),
                 ctx.row("", "rmse", result.rmse, dec["rmse"], **kw),
                 ctx.row("", "rmse_ml", result.rmse_ml, dec["rmse"], **kw)]
        for e in result.type3:
            name = ":".join(TREATMENT if v == ARM else v for v in e.effect.split(":"))
            rows += [ctx.row("", f"t3_{name}_f", e.f, 2, warning=e.note, **kw),
                     ctx.row("", f"t3_{name}_pvalue", e.pvalue, 3, warning=e.note, **kw)]
    if a.dose:
        rows += _dose_rows(ctx, used, dec, kw, failure if result is None else "")
    return rows


def _dose_rows(ctx: Ctx, used, dec: dict[str, int], kw: dict, failure: str) -> list[dict]:
    """The dose-response test: Type III F test of the numeric `dose` in response ~ dose + factors +
    covariates, on the records the ANCOVA used."""
    from tlf.stats.models import fit_dose_response

    a = ctx.analysis
    if failure:
        return [ctx.row("", s, NAN, d, warning=failure, **kw) for s, d in (("dose_f", 2), ("dose_pvalue",
                                                                                       dec["dose_pvalue"]))]
    try:
        res = fit_dose_response(used, a.response, a.dose, a.covariates, a.factors,
                                interactions=[x for x in a.interactions if TREATMENT not in x], alpha=a.alpha,
                                dataset=ctx.dataset_name)
    except DataError as e:
        return [ctx.row("", s, NAN, d, warning=e.message, **kw) for s, d in (("dose_f", 2), ("dose_pvalue",
                                                                                         dec["dose_pvalue"]))]
    test = res.effect(a.dose)
    warn = "; ".join(res.warnings) if test.pvalue != test.pvalue else ""
    return [ctx.row("", "dose_f", test.f, 2, warning=warn, **kw),
            ctx.row("", "dose_pvalue", test.pvalue, dec["dose_pvalue"], warning=warn, **kw)]


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def model_interactions(a) -> list[tuple[str, ...]]:
    """The spec's interactions as fit_ancova takes them (`treatment` -> the column variable)."""
    return [tuple(ARM if v == TREATMENT else v for v in x) for x in a.interactions]


def _nan_note(value: float, result, note: str, est=None) -> str:
    if value == value:
        return ""
    if est is not None and not est.estimable:
        return _join(NOT_ESTIMABLE, note)
    return _join("; ".join(result.warnings) or "not estimable", note)


RUNNERS = {"ancova": ancova}
CHECKS = {"ancova": check}
