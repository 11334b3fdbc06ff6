"""The tlf namespace of ARS operations of the model families (`ancova`, `mmrm`, `time_to_event`,
`shift`), and the one mapping from a family runner's ARD rows to an ARS analysis' results, which both
`tlf ars export --results` (rows of the build's results dataset) and `tlf ars run` (rows the family's
runner computes on the event's data, run_models.py) use.

A model method states its family and model in its `codeTemplate` (context CONTEXT; parameter `type`
the family). Each operation is recognised by its name (case aside; else the `_Op_<TOKEN>` its id ends
in): OPS maps the token to the name, the family runner's ARD statistic (`n@Events`: at level Events),
the part of the runner's rows it reads and the scale (100: a proportion as a percent); the ANCOVA's
Type III tests are named `Type III F statistic: <effect>` / `Type III p-value: <effect>`.

Which rows an analysis states follows from its groupings: the treatment grouping (the first; its groups
are the runner's columns), the parameter, visit, baseline and post-baseline category groupings (by their
`groupingVariable`: the codeTemplate's `param_var`, `visit_var`, `baseline`, `post`). A result whose ARD
row does not exist (a difference of the reference column) is not made.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

CONTEXT = "tlf (Python): tlf/analyses/<type>/run.py"
FAMILIES = ("ancova", "mmrm", "time_to_event", "shift")

# token -> (operation name, ARD statistic, part of the runner's rows, scale of the ARD value)
OPS: dict[str, tuple[str, str, str, float]] = {
    # LS means (ancova, mmrm): column = treatment, parent = parameter, level = visit
    "N": ("Number of subjects in the model", "n", "arm", 1.0),
    "LSM": ("LS mean", "lsmean", "arm", 1.0),
    "LSM_SE": ("Standard error of the LS mean", "lsmean_se", "arm", 1.0),
    "LSM_LCL": ("Lower confidence limit of the LS mean", "lsmean_ci_low", "arm", 1.0),
    "LSM_UCL": ("Upper confidence limit of the LS mean", "lsmean_ci_high", "arm", 1.0),
    "LSM_DF": ("Degrees of freedom of the LS mean", "lsmean_df", "arm", 1.0),
    # differences vs the codeTemplate's `comparator`
    "DIFF": ("Difference in LS means", "diff", "diff", 1.0),
    "DIFF_SE": ("Standard error of the difference in LS means", "diff_se", "diff", 1.0),
    "DIFF_LCL": ("Lower confidence limit of the difference in LS means", "diff_ci_low", "diff", 1.0),
    "DIFF_UCL": ("Upper confidence limit of the difference in LS means", "diff_ci_high", "diff", 1.0),
    "DIFF_PVAL": ("P-value of the difference in LS means", "diff_pvalue", "diff", 1.0),
    "DIFF_DF": ("Degrees of freedom of the difference in LS means", "diff_df", "diff", 1.0),
    # the model (column ""): ancova per parameter and visit, mmrm per parameter
    "MODEL_N": ("Number of subjects in the model (all columns)", "model_n", "model", 1.0),
    "MODEL_OBS": ("Number of observations in the model", "model_obs", "model", 1.0),
    "DF_RESID": ("Residual degrees of freedom", "df_resid", "model", 1.0),
    "RMSE": ("Root mean squared error", "rmse", "model", 1.0),
    "RMSE_ML": ("Root mean squared error, maximum likelihood", "rmse_ml", "model", 1.0),
    "COV_FALLBACK": ("Fallback covariance structure used", "covariance", "model", 1.0),
    "DOSE_F": ("F statistic of the dose-response test", "dose_f", "model", 1.0),
    "DOSE_PVAL": ("P-value of the dose-response test", "dose_pvalue", "model", 1.0),
    # Kaplan-Meier (time_to_event): column = treatment
    "KM_N": ("Number of subjects analysed", "n", "km", 1.0),
    "EVENTS": ("Number of subjects with an event", "n@Events", "km", 1.0),
    "EVENTS_PCT": ("Percent of subjects with an event", "p@Events", "km", 100.0),
    "CENSORED": ("Number of subjects censored", "n@Censored", "km", 1.0),
    "CENSORED_PCT": ("Percent of subjects censored", "p@Censored", "km", 100.0),
    "MEDIAN": ("Kaplan-Meier median time", "median", "km", 1.0),
    "MEDIAN_LCL": ("Lower confidence limit of the median time", "median_ci_low", "km", 1.0),
    "MEDIAN_UCL": ("Upper confidence limit of the median time", "median_ci_high", "km", 1.0),
    "Q1": ("Kaplan-Meier first quartile time", "q1", "km", 1.0),
    "Q3": ("Kaplan-Meier third quartile time", "q3", "km", 1.0),
    "MIN": ("Minimum time", "min", "km", 1.0),
    "MAX": ("Maximum time", "max", "km", 1.0),
    "HR": ("Hazard ratio", "hr", "hr", 1.0),
    "HR_LCL": ("Lower confidence limit of the hazard ratio", "hr_ci_low", "hr", 1.0),
    "HR_UCL": ("Upper confidence limit of the hazard ratio", "hr_ci_high", "hr", 1.0),
    "HR_PVAL": ("P-value of the hazard ratio", "hr_pvalue", "hr", 1.0),
    "LOGRANK_PVAL": ("P-value of the log-rank test", "pvalue", "logrank", 1.0),
    # shift: counts of subjects by baseline x post-baseline category
    "SHIFT_N": ("Number of subjects", "n", "shift", 1.0),
    "SHIFT_PCT": ("Percent of subjects", "p", "shift", 100.0),
    "SHIFT_DENOM": ("Denominator of the percent", "denom", "shift", 1.0),
    "SHIFT_PVAL": ("P-value of the shift test", "pvalue", "shift_test", 1.0),
}
BY_NAME = {v[0].lower(): k for k, v in OPS.items()}
# the codeTemplate parameters of each family (export_models.PARAMETERS describes them); another is an error
_LSM = ("param_var", "visit_var", "response", "covariates", "factors", "reference", "comparisons", "alpha",
        "weights", "base_var", "comparator")
KNOWN = {"ancova": (*_LSM, "interactions", "ci", "dose"),
         "mmrm": (*_LSM, "visits", "covariates_by_visit", "factors_by_visit", "covariance", "fallback", "method", "df"),
         "time_to_event": ("time", "censor", "event_value", "ci_transform", "alpha", "hr_reference", "ties", "strata",
                           "hr_covariates", "hr_alpha", "stat_column", "over", "test"),
         "shift": ("param_var", "visit_var", "baseline", "post", "missing", "denominator", "test", "levels")}
COMMON = ("type", "dataset", "treatment", "select", "where")
TOTAL = "Total"  # the shift runner's label of a Total row / column (tlf.analyses.shift.spec.TOTAL)


def op_token(op: dict) -> str | None:
    """The tlf token of an operation: by its name, else by the `_Op_<TOKEN>` its id ends in."""
    token = BY_NAME.get(str(op.get("name") or "").strip().lower())
    if token is None and "_Op_" in str(op.get("id", "")):
        token = str(op["id"]).rsplit("_Op_", 1)[1]
        token = token if token in OPS else None
    if token is None and str(op.get("name", "")).lower().startswith("type iii "):
        return "T3"
    return token


def t3_stat(op: dict) -> str | None:
    """`Type III F statistic: SITEGR1` -> t3_SITEGR1_f; `Type III p-value: treatment` -> t3_treatment_pvalue."""
    name = str(op.get("name", ""))
    head, _, effect = name.partition(":")
    kind = {"type iii f statistic": "f", "type iii p-value": "pvalue"}.get(head.strip().lower())
    return f"t3_{effect.strip()}_{kind}" if kind and effect.strip() else None


def parameters(method: dict) -> dict[str, list[str]]:
    """A model method's codeTemplate parameters: name -> values (text)."""
    tpl = method.get("codeTemplate") or {}
    out = {}
    for p in tpl.get("parameters") or [] if isinstance(tpl.get("parameters"), list) else []:
        if isinstance(p, dict) and "name" in p:
            v = p.get("value")
            out[str(p["name"])] = [str(x) for x in (v if isinstance(v, list) else [] if v is None else [v])]
    return out


def family(method: dict) -> str | None:
    """The tlf family a method runs (its codeTemplate's context is CONTEXT and `type` a model family)."""
    tpl = method.get("codeTemplate") or {}
    if not isinstance(tpl, dict) or not str(tpl.get("context", "")).startswith("tlf"):
        return None
    kind = parameters(method).get("type", [""])[0]
    return kind if kind in FAMILIES else None


def roles(analysis: dict, groupings: dict[str, dict], params: dict[str, list[str]]) -> dict[str, dict]:
    """Each result grouping of the analysis by its role: treatment (the codeTemplate's `treatment`), param,
    visit, baseline, post (by its groupingVariable: the codeTemplate's `param_var`, `visit_var`, ...)."""
    ordered = sorted(analysis.get("orderedGroupings") or [], key=lambda g: g["order"])
    by_var = {params[k][0].upper(): k for k in ("param_var", "visit_var", "baseline", "post") if params.get(k)}
    treatment = params.get("treatment", [""])[0]
    out = {}
    for og in ordered:
        if not og.get("resultsByGroup"):
            continue
        g = groupings[og["groupingId"]]
        role = "treatment" if g["id"] == treatment else by_var.get(str(g.get("groupingVariable") or "").upper())
        if role is None or role.removesuffix("_var") in out:
            raise ValueError(f"grouping {g['id']} (by {g.get('groupingVariable')}) is none of the model's groupings "
                             f"(the treatment grouping {treatment}, by {', '.join(by_var) or 'nothing else'})")
        out[role.removesuffix("_var")] = g
    return out


def group_value(g: dict) -> str:
    """A parameter's or visit's group: the value its condition compares with."""
    c = g.get("condition") or {}
    values = c.get("value") or [g.get("name", "")]
    return str(values[0])


def results(analysis: dict, method: dict, groupings: dict[str, dict], ard: dict[tuple, float],
            column_of: Callable[[str], str], fmt: Callable[[float | None, str | None], str],
            warnings: dict[tuple, str] | None = None) -> list[dict]:
    """The ARS results of one analysis from the runner's ARD rows `ard`: (column, parent, level, stat_name)
    -> stat. `column_of`: a treatment group id -> the ARD column; `fmt(value, resultPattern)` the printed
    value; `warnings` (same keys as `ard`): each result gets the row's warning as `_note`. Cells in the order
    of the groupings, operations within each cell in the method's order."""
    params = parameters(method)
    kind = params["type"][0]
    by = roles(analysis, groupings, params)
    reference = params.get("reference", [""])[0]
    comparator = params.get("comparator", [""])[0]
    prefix = "" if not comparator or comparator == reference else f"vs_{column_of(comparator)}."
    axes = []
    for role in ("treatment", "param", "visit", "baseline", "post"):
        if role in by:
            g = by[role]
            if g.get("dataDriven"):
                values = sorted({k[2] if role == "baseline" else k[0].split("|", 1)[-1] for k in ard
                                 if "|" in k[0]} - {TOTAL, "Missing"})
                axes.append([(role, {"groupingId": g["id"], "groupValue": v}, v) for v in values])
            else:
                axes.append([(role, {"groupingId": g["id"], "groupId": x["id"]},
                              x["id"] if role == "treatment" else x.get("name", "") if role in ("baseline", "post")
                              else group_value(x)) for x in g.get("groups") or []])
    out = []
    for combo in itertools.product(*axes):
        at = {role: v for role, _g, v in combo}
        rg = [g for _r, g, _v in combo]
        col = column_of(at["treatment"]) if "treatment" in at else ""
        for op in method["operations"]:
            token = op_token(op)
            if token is None:
                continue
            if token == "T3":
                stat, part, scale = t3_stat(op), "model", 1.0
            else:
                _name, stat, part, scale = OPS[token]
            stat, _, level = (stat or "").partition("@")
            key = _key(kind, part, col, at, level, params, prefix + stat if part == "diff" else stat)
            if key is None or key not in ard:
                continue
            value = ard[key]
            value = value * scale if value is not None and math.isfinite(value) else None
            out.append({"operationId": op["id"], "resultGroups": rg, "rawValue": _raw(value),
                        "formattedValue": fmt(value, op.get("resultPattern"))})
            if warnings is not None:
                out[-1]["_note"] = warnings.get(key, "")
    return out


def _key(kind: str, part: str, col: str, at: dict, level: str, params: dict, stat: str) -> tuple | None:
    if kind == "shift":
        block = at.get("param", "") if "visit" not in at else f"{at.get('param', '')}|{at['visit']}"
        if part == "shift_test":
            return ("pvalue", block, at.get("baseline", ""), stat)
        post = at.get("post", TOTAL)
        return (f"{col}|{post}", block, at.get("baseline", TOTAL), stat)
    if part == "logrank":
        return (params.get("stat_column", [""])[0], "", "", stat)
    if part == "model":
        return ("", at.get("param", ""), at.get("visit", ""), stat)
    return (col, at.get("param", ""), at.get("visit", level), stat)


def _raw(value: float | None) -> str:
    from tlf.ars.ops import raw_text

    return raw_text(value)


__all__ = ["COMMON", "CONTEXT", "FAMILIES", "KNOWN", "OPS", "TOTAL", "family", "op_token", "parameters", "results", "roles", "t3_stat"]
