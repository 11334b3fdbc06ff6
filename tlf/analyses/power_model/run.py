"""Dose proportionality (`type: power_model`, tlf/spec/pk.py) -> ARD rows.

Per treatment column (usually one column pooling every dose) and PK parameter: the power model
ln(value) = a + b ln(dose) fitted by least squares (tlf.stats.models.fit_power_model), and the
acceptance range of the slope by Smith et al. (Pharm Res 2000; 17: 1278), 1 + ln(theta_low) / ln(r)
to 1 + ln(theta_high) / ln(r) with r = highest / lowest dose used.

ARD rows: `level` the parameter's label, `variable` its code, `order` its position in the spec;
statistics n, slope, slope_se, slope_ci_low, slope_ci_high, intercept, intercept_se, dose_ratio,
range_low, range_high and within_range (1: the CI lies inside the range, 0: not, NaN: not estimable).
"""

from __future__ import annotations

import math

from tlf.analyses.checks import where_findings
from tlf.analyses.records import default_label, located, numbers, one_per_subject, require
from tlf.errors import did_you_mean_value

NAN = float("nan")
DEFAULT_DECIMALS = {"slope": 3, "intercept": 3, "se": 4, "range": 3}


def _variables(ctx) -> tuple[str, str, str]:
    """The parameter, value and dose variables, each in the dataset, and every parameter code in the data."""
    a = ctx.analysis
    full = ctx.data.dataset(ctx.dataset_name).frame
    pvar = require(ctx, full, a.param_var, ("param_var",))
    vvar = require(ctx, full, a.value_var, ("value_var",))
    dvar = require(ctx, full, a.dose, ("dose",))
    codes = set(full[pvar].astype(str))
    for j, p in enumerate(a.parameters):
        if p.code not in codes:
            raise located(ctx, ("parameters", j, "code"), f"parameter '{p.code}' is not in {pvar} of dataset "
                           f"{ctx.dataset_name}{did_you_mean_value(p.code, codes)}", "SPEC043")
    return pvar, vvar, dvar


def check(ctx, columns) -> list:
    """Variables, parameter codes, numbers and one record per subject per parameter, without fitting;
    literals of `where` the data never take."""
    pvar, vvar, dvar = _variables(ctx)
    for col in (c for c in columns if ctx.active(c)):
        recs = ctx.records(col)
        numbers(ctx, recs, vvar, "value_var")
        numbers(ctx, recs, dvar, "dose")
        for p in ctx.analysis.parameters:
            one_per_subject(ctx, recs[recs[pvar].astype(str) == p.code], p.code, vvar)
    return where_findings(ctx, columns)


def power_model(ctx, columns) -> list[dict]:
    from tlf.stats.models import fit_power_model

    a = ctx.analysis
    full = ctx.data.dataset(ctx.dataset_name).frame
    pvar, vvar, dvar = _variables(ctx)
    uvar = a.unit_var.upper() if a.unit_var and a.unit_var.upper() in full.columns else None
    nvar = a.name_var.upper() if a.name_var and a.name_var.upper() in full.columns else None
    dec = {**DEFAULT_DECIMALS, **a.decimals}
    low, high = a.theta
    rows: list[dict] = []
    for col in (c for c in columns if ctx.active(c)):
        recs = ctx.records(col)
        values = numbers(ctx, recs, vvar, "value_var")
        doses = numbers(ctx, recs, dvar, "dose")
        for j, p in enumerate(a.parameters):
            cell = recs[recs[pvar].astype(str) == p.code]
            one_per_subject(ctx, cell, p.code, vvar)
            label = p.label or default_label(full, pvar, p.code, nvar, uvar)
            res = fit_power_model(doses.loc[cell.index].astype(float), values.loc[cell.index].astype(float),
                                  alpha=a.alpha)
            used = [float(d) for d, v in zip(doses.loc[cell.index], values.loc[cell.index], strict=True)
                    if _positive(d) and _positive(v)]
            ratio = max(used) / min(used) if used else NAN
            if ratio == ratio and ratio > 1:
                r_low, r_high = 1 + math.log(low) / math.log(ratio), 1 + math.log(high) / math.log(ratio)
            else:
                r_low = r_high = NAN
            ci_low, ci_high = res.slope.ci_low, res.slope.ci_high
            within = float(r_low <= ci_low and ci_high <= r_high) if ci_low == ci_low and r_low == r_low else NAN
            note = "; ".join(res.warnings)
            stats = {"n": (res.n, 0), "slope": (res.slope.estimate, dec["slope"]),
                     "slope_se": (res.slope.se, dec["se"]), "slope_ci_low": (ci_low, dec["slope"]),
                     "slope_ci_high": (ci_high, dec["slope"]), "intercept": (res.intercept.estimate, dec["intercept"]),
                     "intercept_se": (res.intercept.se, dec["se"]), "dose_ratio": (ratio, -1),
                     "range_low": (r_low, dec["range"]), "range_high": (r_high, dec["range"]),
                     "within_range": (within, 0)}
            for name, (value, d) in stats.items():
                warn = note if name == "n" else ("not estimable" + (f": {note}" if note else "")
                                                 if value != value else "")
                rows.append(ctx.row(col.id, name, value, d, variable=p.code, level=label, order=j, warning=warn,
                                    sig=3 if d < 0 else 0))
    return rows


def _positive(v) -> bool:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return False
    return math.isfinite(x) and x > 0


RUNNERS = {"power_model": power_model}
CHECKS = {"power_model": check}
