"""`tlf ars export` of the model families: `ancova`, `mmrm`, `time_to_event` and `shift`.

Each tlf analysis becomes ARS analyses whose methods state the model in their `codeTemplate` (context
model_results.CONTEXT; `code` the tlf YAML with a placeholder per parameter; `parameters` each with its
`value`) and name their operations in tlf's namespace (model_results.OPS: `..._Op_LSM`, `..._Op_DIFF`,
...). `tlf ars run` computes them with the family's own runner (run_models.py), never a second
implementation:

- ancova / mmrm: the LS means (treatment x parameter x visit), one analysis of the differences per
  comparator (its method's parameter `comparator`), and the model's statistics (RMSE, Type III tests,
  the dose-response test; MMRM: subjects and observations per parameter);
- time_to_event: the Kaplan-Meier summary by treatment, the Cox hazard ratios (`hazard_ratio`) and one
  analysis per log-rank stat column of the output;
- shift: subjects by treatment, parameter (visit), baseline and post-baseline category (n, % and the
  denominator), the Total column (by baseline category), Total row (by post-baseline category), the
  block's total, and the test's p-values (Fisher per baseline category, CMH per block).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tlf.ars.export_families import Built, Site, Skip, cond, pattern
from tlf.ars.model_results import CONTEXT, OPS

MISSING = "Missing"  # the shift runner's category of a missing value (tlf.analyses.shift.spec.MISSING)
ARM_TOKENS = ("N", "LSM", "LSM_SE", "LSM_LCL", "LSM_UCL")
DIFF_TOKENS = ("DIFF", "DIFF_SE", "DIFF_LCL", "DIFF_UCL", "DIFF_PVAL")
KM_TOKENS = ("KM_N", "EVENTS", "EVENTS_PCT", "CENSORED", "CENSORED_PCT", "MEDIAN", "MEDIAN_LCL", "MEDIAN_UCL",
             "Q1", "Q3", "MIN", "MAX")
SHIFT_TOKENS = ("SHIFT_N", "SHIFT_PCT", "SHIFT_DENOM")


# the codeTemplate's parameters (tlf spec keys of the family, docs/reference.md), as `tlf ars run` reads them
PARAMETERS = {
    "type": "tlf analysis family whose runner computes the operations (tlf/analyses/<type>/run.py)",
    "dataset": "the analysed dataset", "treatment": "id of the grouping whose groups are the treatment columns",
    "param_var": "variable of the parameter code (the parameter grouping's variable)",
    "visit_var": "variable of the visit (the visit grouping's variable)",
    "response": "dependent variable", "covariates": "continuous covariates", "factors": "classification factors",
    "interactions": "interaction terms (A*B; treatment: the treatment columns)",
    "reference": "treatment group the differences are taken against",
    "comparisons": "differences reported: group|comparator", "comparator": "comparator of this method's differences",
    "alpha": "CIs are two-sided 1 - alpha", "weights": "weights of the factor levels in the LS means (equal, "
    "proportional, om: SAS LSMEANS /OM)", "ci": "CI of LS means and differences: t (residual df) or normal",
    "dose": "numeric dose variable of the dose-response test", "base_var": "baseline variable (PCHG: baseline 0 left out)",
    "visits": "the visits of the model", "covariates_by_visit": "covariates also by visit",
    "factors_by_visit": "factors also by visit", "covariance": "covariance structure of a subject's visits",
    "fallback": "structures tried when the fit does not converge", "method": "REML or ML",
    "df": "denominator degrees of freedom", "time": "time to event or censoring", "censor": "censoring variable",
    "event_value": "value of the censoring variable that marks an event", "ci_transform": "transform of the "
    "median's CI (Brookmeyer-Crowley)", "hr_reference": "treatment group the hazard ratios are taken against",
    "ties": "handling of tied event times", "strata": "stratification variables", "hr_covariates": "Cox covariates",
    "hr_alpha": "hazard ratio CI at 1 - alpha", "stat_column": "the output's stat column", "over": "treatment "
    "groups compared", "test": "the test", "baseline": "baseline category variable", "post": "post-baseline category "
    "variable", "missing": "true: a missing category is counted", "denominator": "denominator of the percentages "
    "(group, N, records, assessed)", "levels": "the categories: label and values",
    "select": "the record selection of each subject (tlf `select:`, JSON), applied before the model",
    "where": "the records analysed, as tlf's expression (what ARS where clauses cannot state, e.g. missing())",
}


@dataclass
class ModelBuilt(Built):
    stat_columns: set[str] = field(default_factory=set)  # stat columns of the output the export states


def model_variables(a) -> list[str]:
    """Every variable a model analysis reads (a variable `derive:` makes cannot be exported); none of
    another family's analysis."""
    if a.type not in ("ancova", "mmrm", "time_to_event", "shift"):
        return []
    names = [getattr(a, k, None) for k in ("response", "dose", "time", "censor", "baseline", "post", "base_var")]
    for k in ("covariates", "factors", "covariates_by_visit", "factors_by_visit"):
        names += list(getattr(a, k, None) or [])
    hr = getattr(a, "hazard_ratio", None)
    if hr is not None:
        names += [*hr.strata, *hr.covariates]
    sel = getattr(a, "select", None)
    if sel is not None:
        names += [sel.by, *([sel.then] if isinstance(sel.then, str) else sel.then or []), *sel.per]
    return [n for n in names if isinstance(n, str)]


def _method(site: Site, mid: str, name: str, description: str, params: dict, tokens, decimals: dict,
            extra_ops: list[dict] = ()) -> None:
    """A method of the model: its codeTemplate (the tlf spec with a placeholder per parameter) and its
    operations (tlf tokens; resultPattern from `decimals`: token -> decimals, a percent in brackets)."""
    values = {k: (v if isinstance(v, list) else [v]) for k, v in params.items() if v is not None}
    if values.get("where"):
        description += f"; records where {values['where'][0]} (tlf's expression)"
    if values.get("select"):
        description += f"; one record per subject (and `per`): select {values['select'][0]}"
    code = "\n".join(f"{k}: {{{k}}}" for k in values)
    ops = []
    for i, t in enumerate(tokens):
        d = decimals[t]
        ops.append({"id": f"{mid}_Op_{t}", "name": OPS[t][0], "label": t, "order": i + 1,
                    "resultPattern": f"({pattern(d)})" if t.endswith(("_PCT", "_SE")) else pattern(d)})
    for op in extra_ops:
        ops.append({**op, "id": f"{mid}_{op['id']}", "order": len(ops) + 1})
    site.method(mid, {"name": name, "description": description, "codeTemplate": {
        "context": CONTEXT, "code": code,
        "parameters": [{"name": k, "description": PARAMETERS.get(k, k), "value": [str(x) for x in v]}
                       for k, v in values.items()]},
        "operations": ops})


def tlf_where(a, derived: set[str]) -> bool:
    """Whether a model analysis' `where:` that ARS where clauses cannot state (`missing(DTYPE)`) goes in its
    methods' codeTemplate as tlf's expression (parameter `where`, which the runner applies as a build
    does): a model family's, on variables the data have (none that `derive:` makes)."""
    import ast

    from tlf.data.expr import ExprError, parse

    if a.type not in MODEL_BUILDERS or not a.where or "{" in a.where:
        return False
    try:
        tree = parse(a.where).tree
    except ExprError:
        return False
    return not any(isinstance(n, ast.Name) and n.id.upper() in derived for n in ast.walk(tree))


def _select(a) -> str | None:
    """The analysis' record selection (`select:`, applied by the runner) as JSON, or None."""
    sel = getattr(a, "select", None)
    return None if sel is None else json.dumps(sel.model_dump(mode="json", exclude_defaults=True), sort_keys=True)


def _where_note(a, site: Site) -> list[str]:
    return [f"where: {a.where!r} is not an ARS where clause: stated as tlf's expression in the methods' "
            "codeTemplate (parameter `where`), which `tlf ars run` applies"] if _where(a, site) else []


def _where(a, site: Site) -> str | None:
    """`where:` as tlf's expression when no data subset states it (tlf_where)."""
    return a.where if a.where and site.subset is None else None


def _analysis(a, site: Site, aid: str, name: str, mid: str, variable: str, groupings: list[str],
              by_column: bool = True) -> dict:
    body = {"id": aid, "name": name, "label": name, "dataset": (a.dataset or site.adsl).upper(),
            "variable": variable.upper(), "analysisSetId": site.set_id, "version": 1, "methodId": mid,
            "orderedGroupings": [{"order": i + 1, "groupingId": g, "resultsByGroup": True}
                                 for i, g in enumerate(([site.col_id] if by_column else []) + groupings)]}
    if site.subset_id:
        body["dataSubsetId"] = site.subset_id
    return body


def _fixed(gid: str, name: str, ds: str, var: str, values: list) -> dict:
    return {"id": gid, "name": name, "groupingDataset": ds, "groupingVariable": var.upper(), "dataDriven": False,
            "groups": [{"id": f"{gid}_{i + 1}", "name": str(v), "level": 1, "order": i + 1,
                        **cond(ds, var.upper(), "EQ", v)} for i, v in enumerate(values)]}


def _decimals(a, site: Site, stats: dict[str, str], known: dict[str, int] | None) -> dict[str, int]:
    """Printed decimals of each token: the build's results dataset, else `known` (from the spec)."""
    out = {}
    rows = site.ard[site.ard["analysis"] == a.id] if site.ard is not None else None
    for token, stat in stats.items():
        if rows is not None:
            hit = rows[rows["stat_name"] == stat]
            if len(hit):
                out[token] = int(hit["decimals"].iloc[0])
                continue
        if known is None or token not in known:
            raise Skip("the decimals follow the values collected (no `precision:`) and no build's results of the "
                       "output are given (export with --results BUILD_DIR to take them from the build)")
        out[token] = known[token]
    return out


def _pairs(a, columns: list[str]) -> list[tuple[str, str]]:
    return a.pairs or [(c, a.reference) for c in columns if c != a.reference]


def lsmeans(a, site: Site, columns: list[str], stat_columns=()) -> ModelBuilt:
    """ancova and mmrm: LS means, the differences per comparator, the model's statistics."""
    from tlf.analyses.ancova.run import decimals_for

    if a.reference not in columns:
        raise Skip(f"reference column {a.reference!r} is not a column of the output")
    mmrm = a.type == "mmrm"
    ds = (a.dataset or site.adsl).upper()
    gid = lambda c: f"{site.col_id}_{c}"  # noqa: E731 -- a column's group id
    out = ModelBuilt(notes=_where_note(a, site))
    pg, vg = f"Grp_{site.aid}_param", f"Grp_{site.aid}_visit"
    out.groupings += [_fixed(pg, "Parameter", ds, a.param_var, list(a.params)),
                      _fixed(vg, "Visit", ds, a.visit_var, list(a.visits))]
    pairs = _pairs(a, columns)
    params = {"type": a.type, "dataset": ds, "treatment": site.col_id, "param_var": a.param_var.upper(), "visit_var": a.visit_var.upper(),
              "response": a.response.upper(), "covariates": list(a.covariates), "factors": list(a.factors),
              "reference": gid(a.reference), "comparisons": [f"{gid(x)}|{gid(y)}" for x, y in pairs],
              "alpha": repr(a.alpha), "weights": a.weights, "base_var": a.base_var, "select": _select(a),
              "where": _where(a, site)}
    if mmrm:
        params |= {"visits": list(a.visits), "covariates_by_visit": list(a.covariates_by_visit),
                   "factors_by_visit": list(a.factors_by_visit), "covariance": a.covariance,
                   "fallback": list(a.fallback), "method": a.method, "df": a.df}
        model = (f"MMRM of {a.response} over the visits {', '.join(a.visits)}: treatment, visit, treatment x visit"
                 + "".join(f", {v}" for v in [*a.factors, *a.covariates])
                 + "".join(f", {v} x visit" for v in [*a.factors_by_visit, *a.covariates_by_visit])
                 + f"; {a.covariance} covariance" + (f" (fallback {', '.join(a.fallback)})" if a.fallback else "")
                 + f", {a.method.upper()}, {a.df} degrees of freedom")
    else:
        params |= {"interactions": ["*".join(x) for x in a.interactions], "ci": a.ci, "dose": a.dose}
        model = (f"ANCOVA at each visit: {a.response} = treatment" + "".join(f" + {v}" for v in [*a.factors, *a.covariates])
                 + "".join(f" + {'*'.join(x)}" for x in a.interactions) + f"; LS means with {a.weights} weights, "
                 + f"{a.ci} CIs" + (f"; dose response: Type III test of {a.dose}" if a.dose else ""))
    known = None
    if a.precision is not None:
        d = decimals_for(a, a.precision)
        known = {"N": 0, "LSM": d["lsmean"], "LSM_SE": d["lsmean_se"], "LSM_LCL": d["lsmean"], "LSM_UCL": d["lsmean"],
                 "LSM_DF": 1, "DIFF": d["diff"], "DIFF_SE": d["diff_se"], "DIFF_LCL": d["diff"], "DIFF_UCL": d["diff"],
                 "DIFF_PVAL": d["diff_pvalue"], "DIFF_DF": 1, "MODEL_N": 0, "MODEL_OBS": 0, "DF_RESID": 0,
                 "RMSE": d["rmse"], "RMSE_ML": d["rmse"], "COV_FALLBACK": 0, "DOSE_F": 2, "DOSE_PVAL": d["dose_pvalue"]}
    arm = [*ARM_TOKENS, *(["LSM_DF"] if mmrm else [])]
    mid = f"Mth_{site.aid}"
    dec = _decimals(a, site, {t: OPS[t][1] for t in arm}, known)
    _method(site, mid, f"{'MMRM' if mmrm else 'ANCOVA'}: LS means", model, params, arm, dec)
    label = a.label or a.id
    out.analyses.append(_analysis(a, site, site.aid, f"{label}: LS means", mid, a.response, [pg, vg]))
    diff = [*DIFF_TOKENS, *(["DIFF_DF"] if mmrm else [])]
    for comp in dict.fromkeys(y for _x, y in pairs):
        pre = "" if comp == a.reference else f"vs_{comp}."
        dec = _decimals(a, site, {t: pre + OPS[t][1] for t in diff}, known)
        m = f"{mid}_vs_{comp}"
        _method(site, m, f"{'MMRM' if mmrm else 'ANCOVA'}: differences in LS means vs {comp}", model,
                {**params, "comparator": gid(comp)}, diff, dec)
        out.analyses.append(_analysis(a, site, f"{site.aid}_vs_{comp}", f"{label}: differences vs {comp}", m,
                                      a.response, [pg, vg]))
    model_tokens = ["MODEL_N", "MODEL_OBS", "COV_FALLBACK"] if mmrm else \
        ["MODEL_N", "DF_RESID", "RMSE", "RMSE_ML", *(["DOSE_F", "DOSE_PVAL"] if a.dose else [])]
    dec = _decimals(a, site, {t: OPS[t][1] for t in model_tokens}, known)
    t3 = []
    if not mmrm:
        effects = ["treatment", *a.factors, *a.covariates, *(":".join(x) for x in a.interactions)]
        t3 = [{"id": f"Op_T3_{kind.upper()}_{i + 1}", "name": f"Type III {what}: {e}", "label": f"T3 {kind}",
               "resultPattern": pattern(2 if kind == "f" else 3)}
              for i, e in enumerate(effects) for kind, what in (("f", "F statistic"), ("pvalue", "p-value"))]
    m = f"{mid}_model"
    _method(site, m, f"{'MMRM' if mmrm else 'ANCOVA'}: the model", model, params, model_tokens, dec, t3)
    out.analyses.append(_analysis(a, site, f"{site.aid}_model", f"{label}: the model", m, a.response,
                                  [pg] if mmrm else [pg, vg], by_column=False))
    for x in out.analyses:
        out.cells[x["id"]] = ("model",)
    return out


def time_to_event(a, site: Site, columns: list[str], stat_columns=()) -> ModelBuilt:
    """Kaplan-Meier summary, Cox hazard ratios, one log-rank test per stat column."""
    from tlf.spec.base import resolve_test

    for var in (a.time, a.censor):
        if "{" in var:
            raise Skip(f"variable {var} depends on the column's period")
    ds = (a.dataset or site.adsl).upper()
    gid = lambda c: f"{site.col_id}_{c}"  # noqa: E731
    out = ModelBuilt(notes=_where_note(a, site))
    params = {"type": "time_to_event", "dataset": ds, "treatment": site.col_id, "time": a.time.upper(), "censor": a.censor.upper(),
              "event_value": str(a.event_value), "ci_transform": a.ci_transform, "alpha": repr(a.alpha),
              "select": _select(a), "where": _where(a, site)}
    model = (f"Kaplan-Meier estimates of {a.time} (an event where {a.censor} = {a.event_value}); median CI by "
             f"Brookmeyer-Crowley, {a.ci_transform} transform, {100 * (1 - a.alpha):g}%")
    known = None
    pct = a.pct_decimals if a.pct_decimals is not None else site.pct_decimals
    if a.precision is not None:
        d = a.precision
        md = a.decimals.get("median", d + 1)
        known = {"KM_N": 0, "EVENTS": 0, "CENSORED": 0, "EVENTS_PCT": pct, "CENSORED_PCT": pct, "MEDIAN": md,
                 "MEDIAN_LCL": md, "MEDIAN_UCL": md, "Q1": a.decimals.get("q1", d + 1),
                 "Q3": a.decimals.get("q3", d + 1), "MIN": a.decimals.get("min", d), "MAX": a.decimals.get("max", d)}
    stats = {t: OPS[t][1].partition("@")[0] for t in KM_TOKENS}
    dec = _decimals(a, site, stats, known)
    mid = f"Mth_{site.aid}"
    _method(site, mid, "Kaplan-Meier summary", model, params, KM_TOKENS, dec)
    label = a.label or a.id
    out.analyses.append(_analysis(a, site, site.aid, f"{label}: Kaplan-Meier summary", mid, a.time, []))
    hr = a.hazard_ratio
    if hr is not None:
        if hr.reference not in columns:
            raise Skip(f"hazard_ratio.reference {hr.reference!r} is not a column of the output")
        m = f"{mid}_hr"
        hp = {**params, "hr_reference": gid(hr.reference), "ties": hr.ties, "strata": list(hr.strata),
              "hr_covariates": list(hr.covariates), "hr_alpha": repr(hr.alpha)}
        what = (f"Cox proportional hazards model of {a.time}: hazard ratio vs {hr.reference}, ties={hr.ties}"
                + (f", strata {', '.join(hr.strata)}" if hr.strata else "")
                + (f", covariates {', '.join(hr.covariates)}" if hr.covariates else "") + "; Wald CI and p-value")
        _method(site, m, "Cox proportional hazards model", what, hp, ("HR", "HR_LCL", "HR_UCL", "HR_PVAL"),
                {"HR": hr.decimals, "HR_LCL": hr.decimals, "HR_UCL": hr.decimals, "HR_PVAL": 3})
        out.analyses.append(_analysis(a, site, f"{site.aid}_hr", f"{label}: hazard ratio", m, a.time, []))
    for sc in stat_columns:
        if getattr(sc, "stat", "pvalue") != "pvalue":
            continue
        try:
            test = resolve_test(getattr(a, "test", None) or sc.test, "times")
        except ValueError:
            continue
        if test != "logrank" or any(c not in columns for c in sc.over):
            continue
        m = f"{mid}_{sc.id}"
        lp = {**params, "stat_column": sc.id, "over": [gid(c) for c in sc.over], "test": test,
              "strata": [sc.strata] if sc.strata else []}
        _method(site, m, "Log-rank test", f"Unweighted log-rank test of {a.time} across the columns "
                f"{', '.join(sc.over)}" + (f", stratified by {sc.strata}" if sc.strata else ""), lp,
                ("LOGRANK_PVAL",), {"LOGRANK_PVAL": sc.format.decimals})
        out.analyses.append(_analysis(a, site, f"{site.aid}_{sc.id}", f"{label}: {sc.label}", m, a.time, [],
                                      by_column=False))
        out.stat_columns.add(sc.id)
    for x in out.analyses:
        out.cells[x["id"]] = ("model",)
    return out


def shift(a, site: Site, columns: list[str], stat_columns=()) -> ModelBuilt:
    """Subjects by baseline x post-baseline category (n, %, denominator), the totals and the test."""
    ds = a.dataset.upper()
    out = ModelBuilt(notes=_where_note(a, site))
    pg, vg, bg, qg = (f"Grp_{site.aid}_{k}" for k in ("param", "visit", "base", "post"))
    out.groupings.append(_fixed(pg, "Parameter", ds, a.param_var, list(a.params)))
    blocks = [pg]
    if a.visits:
        out.groupings.append(_fixed(vg, "Visit", ds, a.visit_var, list(a.visits)))
        blocks.append(vg)
    # text categories: a missing one is blank (SAS), ARS `EQ ''`, the runner's 'Missing' category
    text = a.levels is not None and all(isinstance(v, str) for lv in a.levels for v in (lv.values or [lv.value]))
    for gid_, var, name in ((bg, a.baseline, "Baseline category"), (qg, a.post, "Post-baseline category")):
        if a.levels is None:
            out.groupings.append({"id": gid_, "name": name, "groupingDataset": ds, "groupingVariable": var.upper(),
                                  "dataDriven": True})
            continue
        groups = []
        for i, lv in enumerate(a.levels):
            if lv.other:
                raise Skip("a level with `other: true` is not exported")
            vals = lv.values or [lv.value]
            groups.append({"id": f"{gid_}_{i + 1}", "name": lv.label, "level": 1, "order": i + 1,
                           **cond(ds, var.upper(), "IN" if len(vals) > 1 else "EQ", vals if len(vals) > 1 else vals[0])})
        if text and a.missing:
            groups.append({"id": f"{gid_}_missing", "name": MISSING, "level": 1, "order": len(groups) + 1,
                           **cond(ds, var.upper(), "EQ", "")})
        out.groupings.append({"id": gid_, "name": name, "groupingDataset": ds, "groupingVariable": var.upper(),
                              "dataDriven": False, "groups": groups})
    rows = site.ard[site.ard["analysis"] == a.id] if site.ard is not None else None
    if not text and rows is not None and ((rows["level"] == MISSING) | rows["column"].str.endswith("|" + MISSING)).any():
        out.notes.append("the 'Missing' category (a missing baseline or post-baseline value) is left out: an ARS "
                         "group of a numeric variable cannot select a missing value, nor a data-driven grouping")
    params = {"type": "shift", "dataset": ds, "treatment": site.col_id, "param_var": a.param_var.upper(),
              "visit_var": a.visit_var.upper() if a.visits else None, "baseline": a.baseline.upper(),
              "post": a.post.upper(), "missing": str(a.missing).lower(), "denominator": a.denominator,
              "test": a.test, "levels": None if a.levels is None else [json.dumps(
                  {"label": lv.label, "values": [str(v) for v in (lv.values or [lv.value])]}) for lv in a.levels],
              "select": _select(a), "where": _where(a, site)}
    model = (f"Subjects by {a.baseline} (baseline) x {a.post} (post-baseline) category per parameter"
             + (" and visit" if a.visits else "") + f"; percent of the {a.denominator} denominator")
    pct = a.pct_decimals if a.pct_decimals is not None else site.pct_decimals
    dec = {"SHIFT_N": 0, "SHIFT_PCT": pct, "SHIFT_DENOM": 0, "SHIFT_PVAL": 3}
    label = a.label or a.id
    mid = f"Mth_{site.aid}"
    _method(site, mid, "Shift table counts", model, params, SHIFT_TOKENS, dec)
    for suffix, what, gs in (("", "baseline x post-baseline category", [bg, qg]),
                             ("_base_total", "baseline category (Total column)", [bg]),
                             ("_post_total", "post-baseline category (Total row)", [qg]),
                             ("_total", "all subjects of the block", [])):
        out.analyses.append(_analysis(a, site, site.aid + suffix, f"{label}: subjects by {what}", mid, a.post,
                                      [*blocks, *gs]))
    if a.test != "none":
        m = f"{mid}_test"
        what = ("Fisher's exact test of the post-baseline category by treatment, per baseline category"
                if a.test == "fisher" else "CMH test of general association of the post-baseline category with "
                "treatment, stratified by the baseline category")
        _method(site, m, f"Shift table {a.test} test", what, params, ("SHIFT_PVAL",), dec)
        body = _analysis(a, site, f"{site.aid}_test", f"{label}: {a.test} p-values", m, a.post,
                         [*blocks, *([bg] if a.test == "fisher" else [])], by_column=False)
        body["orderedGroupings"].insert(0, {"order": 0, "groupingId": site.col_id, "resultsByGroup": False})
        out.analyses.append(body)
    for x in out.analyses:
        out.cells[x["id"]] = ("model",)
    return out


MODEL_BUILDERS = {"ancova": lsmeans, "mmrm": lsmeans, "time_to_event": time_to_event, "shift": shift}

__all__ = ["MODEL_BUILDERS", "ModelBuilt", "model_variables"]
