"""Exposure-response (`type: emax`, tlf/spec/exposure_response.py) -> ARD rows.

Per treatment column (usually one column pooling placebo and every dose): the response records of the
analysis' dataset (after `where`), each paired with the concentration at the same time point of the
same subject, fitted by the Emax model (tlf.stats.emax.fit_emax).

ARD rows: `level` the analysis' label, `variable` the response variable; statistics n (subjects with
an observation in the fit), nobs, df, the estimated parameters (e0, emax, ec50, hill) each with _se,
_ci_low and _ci_high, a fixed parameter's value (warning "fixed"), sigma (residual SE) and converged
(1 / 0). What cannot be estimated is NaN with the reason in `warning`. The plotted numbers: the
observations (parent "point", level "<subject> @ <time>", x = concentration, y = response) and the
fitted curve (parent "curve", x and y at `curve_points` concentrations). In a figure with `plot.group`,
each point's group and the groups' counts (tlf/stats/plot_groups.py); the model is still one fit per
column over every point.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from tlf.analyses.checks import where_findings
from tlf.analyses.context import FIXED
from tlf.analyses.groups import group_rows, group_values, group_var
from tlf.analyses.records import flags, require
from tlf.errors import DataError
from tlf.stats.emax import PARAMS, fit_emax

if TYPE_CHECKING:
    import pandas as pd

    from tlf.analyses.context import ColumnGroup, Ctx

NAN = float("nan")
TIME_DECIMALS = 6  # numeric times match when equal to 1e-6 (e.g. 24 and 24.0000001 from a transport file)


def decimals_of(a) -> dict[str, int]:
    from tlf.analyses.emax.spec import EMAX_DECIMALS

    return {**EMAX_DECIMALS, **a.decimals}


def stat_decimals(a) -> dict[str, int]:
    """Decimals of every statistic: estimate and CI as the parameter's, SE one more."""
    dec = decimals_of(a)
    out = {"n": 0, "nobs": 0, "df": 0, "sigma": dec["sigma"], "converged": 0}
    for k in PARAMS:
        out.update({k: dec[k], f"{k}_se": dec[k] + 1, f"{k}_ci_low": dec[k], f"{k}_ci_high": dec[k]})
    return out


def _numbers(ctx, frame: pd.DataFrame, var: str, dataset: str, key: str):
    """The variable as numbers; text that is not a number is a data error naming the record."""
    import pandas as pd

    values = frame[var]
    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return values.astype(float)
    blank = values.isna() | (values.astype(str).str.strip() == "")
    num = pd.to_numeric(values.where(~blank), errors="coerce")
    bad = num.isna() & ~blank
    if bad.any():
        raise DataError(f"is text (first: '{values[bad].iloc[0]}'), an Emax model needs numbers (analysis "
                        f"'{ctx.analysis.id}', key {key})", dataset=dataset, variable=var,
                        usubjid=str(frame[ctx.data.subject_id][bad].iloc[0]), code="DATA041")
    return num.astype(float)


def _time_key(v) -> object:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, str):
        return v.strip() or None
    try:
        return round(float(v), TIME_DECIMALS) + 0.0  # -0.0 -> 0.0
    except (TypeError, ValueError):
        return str(v)


def _fixed(value) -> float | None:
    return None if value == "estimate" else float(value)


def _no_duplicates(ctx, frame: pd.DataFrame, keys: list[str], dataset: str, var: str, what: str) -> None:
    dup = frame[frame.duplicated(keys)]
    if len(dup):
        sid = ctx.data.subject_id
        at = f" at {keys[1]} {dup[keys[1]].iloc[0]}" if len(keys) > 1 else ""
        raise DataError(f"more than one {what} record for a subject{at} in analysis '{ctx.analysis.id}'; add a "
                        "`where` that selects one record per subject and time point", dataset=dataset, variable=var,
                        usubjid=str(dup[sid].iloc[0]), code="DATA040")


def _concentrations(ctx: Ctx, col: ColumnGroup) -> tuple[pd.DataFrame, str, str]:
    """The concentration records of the column's subjects (another dataset): frame, value and time var."""
    a = ctx.analysis
    q = a.concentration
    sid = ctx.data.subject_id
    frame = ctx.data.dataset(q.dataset).frame
    recs = frame[frame[sid].isin(col.subjects)]
    if q.where:
        recs = recs[ctx.where(q.where, recs, col, ("concentration", "where"), q.dataset)]
    cvar = _require_in(ctx, frame, q.var, ("concentration", "var"), q.dataset)
    tvar = _require_in(ctx, frame, q.time or a.time, ("concentration", "time"), q.dataset)
    return recs, cvar, tvar


def _require_in(ctx, frame, var: str, key: tuple, dataset: str) -> str:
    from tlf.errors import did_you_mean

    name = var.upper()
    if name not in frame.columns:
        raise ctx.error(key, f"variable '{name}' not found in dataset {dataset}{did_you_mean(name, frame.columns)}",
                        "SPEC041")
    return name


def pairs(ctx: Ctx, col: ColumnGroup) -> tuple[list[tuple[str, object, float, float, object]], list[str], list]:
    """(subject, time, concentration, response, group) of the column's observations, notes on what was left
    out, and the grouping values of all the column's response records (group: the value of the figure's
    `plot.group` variable, None when the points are not grouped)."""
    import pandas as pd

    a = ctx.analysis
    q = a.concentration
    sid = ctx.data.subject_id
    full = ctx.data.dataset(a.dataset).frame
    rvar = require(ctx, full, a.response, ("response",))
    tvar = require(ctx, full, a.time, ("time",)) if a.time else None
    resp = ctx.records(col)
    y = _numbers(ctx, resp, rvar, a.dataset, "response")
    groups = list(group_values(ctx, resp, a.dataset)) if group_var(ctx) else [None] * len(resp)
    if a.joined:
        crecs, cvar, ctvar = _concentrations(ctx, col)
        cname = q.dataset
    else:
        crecs, cvar, ctvar, cname = resp, _require_in(ctx, full, q.var, ("concentration", "var"), a.dataset), tvar, \
            a.dataset
    c = _numbers(ctx, crecs, cvar, cname, "concentration.var")
    blq = pd.Series(flags(crecs[_require_in(ctx, ctx.data.dataset(cname).frame, q.blq, ("concentration", "blq"),
                                             cname)]), index=crecs.index) if q.blq else pd.Series(False, index=crecs.index)
    neg = c.notna() & (c.astype(float) < 0)
    if neg.any():
        raise DataError(f"negative concentration {float(c[neg].iloc[0]):g} (analysis '{a.id}'); concentrations "
                        "must be >= 0 (BLQ as 0 or flagged)", dataset=cname, variable=cvar,
                        usubjid=str(crecs[sid][neg].iloc[0]), code="DATA042")
    notes: dict[str, int] = {}
    out = []
    if a.joined:
        keyed = pd.DataFrame({sid: crecs[sid].astype(str), "_T": [_time_key(v) for v in crecs[ctvar]],
                              "_C": c.astype(float), "_B": blq})
        keyed = keyed[keyed["_T"].notna()]
        _no_duplicates(ctx, keyed.rename(columns={"_T": ctvar}), [sid, ctvar], cname, cvar, "concentration")
        lookup = {(s, t): (cv, b) for s, t, cv, b in zip(keyed[sid], keyed["_T"], keyed["_C"], keyed["_B"], strict=True)}
        rk = pd.DataFrame({sid: resp[sid].astype(str), tvar: [_time_key(v) for v in resp[tvar]]})
        _no_duplicates(ctx, rk, [sid, tvar], a.dataset, rvar, "response")
        times = list(rk[tvar])
        found = [lookup.get((s, t)) for s, t in zip(rk[sid], times, strict=True)]
    else:
        times = [_time_key(v) for v in resp[tvar]] if tvar else [None] * len(resp)
        found = list(zip(c.astype(float), blq, strict=True))
    for s, t, yv, hit, g in zip(resp[sid].astype(str), times, y.astype(float), found, groups, strict=True):
        if yv != yv:
            notes["missing response"] = notes.get("missing response", 0) + 1
            continue
        if hit is None:
            notes["no concentration at the same time"] = notes.get("no concentration at the same time", 0) + 1
            continue
        cv, is_blq = hit
        if is_blq:
            if a.blq_as == "exclude":
                notes["concentration BLQ"] = notes.get("concentration BLQ", 0) + 1
                continue
            cv = 0.0
        if cv != cv:
            notes["missing concentration"] = notes.get("missing concentration", 0) + 1
            continue
        out.append((s, t, float(cv), float(yv), g))
    text = [f"{k} record(s) left out: {w}" for w, k in notes.items()]
    return out, text, [g for g in groups if g is not None]


def _curve(obs: list[tuple], res, points: int) -> list[tuple[float, float]]:
    import numpy as np

    pos = [o[2] for o in obs if o[2] > 0]
    if not pos or not res.estimable:
        return []
    xs = [0.0, *np.geomspace(min(pos) / 2, max(pos) * 1.2, points - 1)]
    return list(zip(xs, res.predict(xs), strict=True))


def emax(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    a = ctx.analysis
    dec = stat_decimals(a)
    label = a.label or a.id
    rows: list[dict] = []
    for col in (c for c in columns if ctx.active(c)):
        obs, notes, candidates = pairs(ctx, col)
        res = fit_emax([o[2] for o in obs], [o[3] for o in obs], e0=_fixed(a.e0), hill=_fixed(a.hill),
                       alpha=a.alpha, ci=a.ci)
        reason = "; ".join(n for n in res.notes if "left out" not in n)
        left = "; ".join([*notes, *(n for n in res.notes if "left out" in n)])
        stats: dict[str, float] = {"n": float(len({o[0] for o in obs})), "nobs": float(res.n_obs),
                                   "df": float(res.df)}
        for k in PARAMS:
            p = res.params[k]
            stats[k] = p.estimate
            if not p.fixed:
                stats.update({f"{k}_se": p.se, f"{k}_ci_low": p.ci_low, f"{k}_ci_high": p.ci_high})
        stats["sigma"] = res.sigma
        stats["converged"] = 1.0 if res.converged else 0.0
        for name, value in stats.items():
            base = name.split("_")[0]
            if name in ("n", "nobs"):
                warn = left if name == "n" else ""
            elif base in PARAMS and res.params[base].fixed:
                warn = FIXED
            elif value != value or (name == "converged" and not value):
                warn = "not estimable: " + (reason or "no estimate")
            else:
                warn = ""
            rows.append(ctx.row(col.id, name, value, dec[name], variable=a.response.upper(), level=label, warning=warn))
        for s, t, x, yv, _ in obs:
            at = f"{s} @ {_time_text(t)}"
            rows += [ctx.row(col.id, "x", x, -1, variable=a.response.upper(), parent="point", level=at),
                     ctx.row(col.id, "y", yv, -1, variable=a.response.upper(), parent="point", level=at)]
        if group_var(ctx):
            rows += group_rows(ctx, col, candidates, [(f"{s} @ {_time_text(t)}", g) for s, t, _, _, g in obs])
        for j, (x, yv) in enumerate(_curve(obs, res, a.curve_points)):
            at = f"{j:04d}"
            rows += [ctx.row(col.id, "x", x, -1, variable=a.response.upper(), parent="curve", level=at),
                     ctx.row(col.id, "y", yv, -1, variable=a.response.upper(), parent="curve", level=at)]
    return rows


def _time_text(t) -> str:
    if isinstance(t, float):
        return f"{t:g}" if math.isfinite(t) else ""
    return "" if t is None else str(t)


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """The observations of each column paired as the fit pairs them (variables, numbers, concentrations
    >= 0, one record per subject and time), without fitting; literals of the `where`s the data never take."""
    a = ctx.analysis
    for col in (c for c in columns if ctx.active(c)):
        pairs(ctx, col)
    q = a.concentration
    return [*where_findings(ctx, columns),
            *where_findings(ctx, columns, q.where if a.joined else None, ("concentration", "where"),
                           q.dataset)]


RUNNERS = {"emax": emax}
CHECKS = {"emax": check}
