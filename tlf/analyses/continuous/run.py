"""The `continuous` runner: descriptive statistics of a variable per column (one value per subject)."""

from __future__ import annotations

from tlf.analyses.checks import where_findings
from tlf.analyses.compare import compare_rows
from tlf.analyses.context import ColumnGroup, Ctx
from tlf.analyses.records import first_text
from tlf.errors import DataError
from tlf.stats.descriptive import collected_decimals, describe, stat_precision


def _values(ctx: Ctx, col: ColumnGroup):
    """The variable and the column's values: one record per subject, numbers."""
    a = ctx.analysis
    sid = ctx.data.subject_id
    var = ctx.variable(a.var, col)
    recs = ctx.records(col)
    dup = recs[sid][recs[sid].duplicated()]
    if len(dup):
        raise DataError(f"more than one record per subject for a continuous summary (analysis "
                        f"'{a.id}'); add a `where` that selects one record per subject",
                        dataset=ctx.dataset_name, variable=var, usubjid=str(dup.iloc[0]), code="DATA040")
    values = recs[var]
    if values.dtype == object:
        at = first_text(values) or 0
        raise DataError(f"is text (first: '{values.iloc[at]}'), a continuous summary needs numbers (analysis "
                        f"'{a.id}')", dataset=ctx.dataset_name, variable=var, usubjid=str(recs[sid].iloc[at]),
                        code="DATA041")
    huge = values[values.abs() >= TOO_LARGE]
    if len(huge):
        at = huge.index[0]
        raise DataError(f"value {huge.iloc[0]:g} is too large to summarise (analysis '{a.id}'): a summary prints "
                        f"numbers below {TOO_LARGE:.0e} (a number holds 15 significant digits); correct the value "
                        "or leave it out with a `where`", dataset=ctx.dataset_name, variable=var,
                        usubjid=str(recs.at[at, sid]), code="DATA046")
    return var, values


TOO_LARGE = 1e15  # beyond this a double's digits printed with decimals are noise (1e26 printed 33333333333333335000000000.00)


def run(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    a = ctx.analysis
    per_col = [(col, *_values(ctx, col)) for col in columns if ctx.active(col)]
    if a.precision is not None:
        d = a.precision
    else:
        import pandas as pd

        allv = pd.concat([v for _, _, v in per_col]) if per_col else []
        d = collected_decimals(allv)
    rows = []
    for col, var, values in per_col:
        stats = describe(values).as_dict()
        for name, value in stats.items():
            dec, sig = stat_precision(name, d, a.decimals, a.sig)
            warn = ""
            if value != value and stats["n"] > 0:
                warn = "not estimable" if name not in ("geomean", "geocv") else "not estimable (values <= 0)"
            elif stats["n"] == 0 and name != "n":
                warn = "no values"
            rows.append(ctx.row(col.id, name, value, dec, variable=var, warning=warn, sig=sig))
    return rows + compare_rows(ctx, "values", {col.id: values for col, _, values in per_col})


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """The values of each column (variable, one record per subject, numbers); literals of `where`."""
    for col in columns:
        if ctx.active(col):
            _values(ctx, col)
    return where_findings(ctx, columns)


RUNNERS = {"continuous": run}
CHECKS = {"continuous": check}
