"""The `time_to_event` analysis: a Kaplan-Meier summary per treatment column (tlf.stats.survival),
and the log-rank test in the output's stat columns.

ARD rows per column: n (subjects analysed); n and p at levels "Events" and "Censored" (of n); median,
median_ci_low, median_ci_high, q1, q3, min, max of the time (quantiles and CI by SAS LIFETEST's rules,
tlf.stats.survival; NaN, printed as the study's `not_estimable` text, with the reason in `warning` when
a quantile or a limit is not reached or not estimable).
"""

from __future__ import annotations

from tlf.analyses.checks import listed_findings, where_findings
from tlf.analyses.compare import compare_rows
from tlf.analyses.context import ColumnGroup, Ctx, n_p
from tlf.analyses.records import first_text
from tlf.analyses.strata import check_variables
from tlf.errors import DataError
from tlf.stats.descriptive import collected_decimals
from tlf.stats.values import norm_value


def _records(ctx: Ctx, col: ColumnGroup):
    """The time and censoring variables and the column's records: one per subject, times as numbers."""
    a = ctx.analysis
    sid = ctx.data.subject_id
    time_var = ctx.variable(a.time, col, "time")
    censor_var = ctx.variable(a.censor, col, "censor")
    recs = ctx.records(col)
    dup = recs[sid][recs[sid].duplicated()]
    if len(dup):
        raise DataError(f"more than one record per subject for a time-to-event summary (analysis '{a.id}'); "
                        "add a `where` that selects one parameter", dataset=ctx.dataset_name,
                        variable=time_var, usubjid=str(dup.iloc[0]), code="DATA040")
    if recs[time_var].dtype == object:
        at = first_text(recs[time_var]) or 0
        raise DataError(f"is text (first: '{recs[time_var].iloc[at]}'), a time to event needs numbers (analysis "
                        f"'{a.id}')", dataset=ctx.dataset_name, variable=time_var, usubjid=str(recs[sid].iloc[at]),
                        code="DATA041")
    return time_var, censor_var, recs


def time_to_event(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    """Kaplan-Meier summary per column: n, events and censored n (%) of n (levels "Events",
    "Censored"), median with CI, quartiles, min and max of the times."""
    from tlf.stats.survival import kaplan_meier

    a = ctx.analysis
    per_col = []
    for col in columns:
        if not ctx.active(col):
            continue
        time_var, censor_var, recs = _records(ctx, col)
        time = recs[time_var]
        event = [1.0 if norm_value(v) == norm_value(a.event_value) else (float("nan") if norm_value(v) is None else 0.0)
                 for v in recs[censor_var]]
        per_col.append((col, time_var, list(time.astype(float)), event, list(recs[ctx.data.subject_id])))
    if a.precision is not None:
        d = a.precision
    else:
        d = collected_decimals([t for _, _, times, _, _ in per_col for t in times])
    dec = {"median": d + 1, "median_ci_low": d + 1, "median_ci_high": d + 1, "q1": d + 1, "q3": d + 1,
           "min": d, "max": d}
    for k, v in a.decimals.items():
        dec[k] = v
        if k == "median":
            dec["median_ci_low"] = dec["median_ci_high"] = v
    rows = []
    for col, time_var, times, event, _ in per_col:
        km = kaplan_meier(times, event, alpha=a.alpha, ci_transform=a.ci_transform)
        stats = km.as_dict()
        rows.append(ctx.row(col.id, "n", km.n, 0, variable=time_var))
        for level, n in (("Events", km.events), ("Censored", km.censored)):
            rows += n_p(ctx, col.id, n, km.n, variable=time_var, level=level, order=1 if level == "Events" else 2)
        note = "; ".join(km.notes)
        for name in ("median", "median_ci_low", "median_ci_high", "q1", "q3", "min", "max"):
            value = stats[name]
            warn = "" if value == value else (km.reason(name) or note or "not estimable")
            rows.append(ctx.row(col.id, name, value, dec[name], variable=time_var, warning=warn))
    if a.hazard_ratio is not None:
        from tlf.analyses.time_to_event.hazard import hazard_rows

        rows += hazard_rows(ctx, {col.id: (times, event, ids) for col, _, times, event, ids in per_col})
    return rows + compare_rows(ctx, "times", {col.id: (times, event) for col, _, times, event, _ in per_col},
                               subjects={col.id: ids for col, _, _, _, ids in per_col})


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """The records of each column (variables, one per subject, numeric times); an `event_value` the censoring
    variable never takes (no event would be counted); literals of `where`."""
    check_variables(ctx, columns)
    a = ctx.analysis
    censors: list[str] = []
    for col in columns:
        if ctx.active(col):
            _, censor_var, _ = _records(ctx, col)
            censors += [censor_var] if censor_var not in censors else []
    frame = ctx.data.dataset(ctx.dataset_name).frame
    values = [v for c in censors for v in frame[c].unique()]
    found = listed_findings([(("event_value",), a.event_value)], values,
                            f"{'/'.join(censors)} in dataset {ctx.dataset_name}",
                            lambda k, m, c: ctx.error(k, m, c), always=True) if censors else []
    return found + where_findings(ctx, columns)


RUNNERS = {"time_to_event": time_to_event}
CHECKS = {"time_to_event": check}
