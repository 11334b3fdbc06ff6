"""The `correlation` analysis: Pearson and/or Spearman correlation of two per-subject quantities.

Each quantity is one value per subject taken from a dataset's records (`var` of the records meeting
`where`, `param`, `visit`); subjects with both values are paired. Numbers come from
tlf.stats.tests.correlation (p from t on n - 2 df, as SAS PROC CORR).

ARD rows: per column (or column "" with `pool: true`) and method (level = pearson / spearman):
r, pvalue, n; and the plotted points, per subject (parent "subject", level = USUBJID, column = the
subject's column): x and y; in a figure with `plot.group`, the groups (tlf/stats/plot_groups.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.analyses.checks import where_findings
from tlf.analyses.context import ColumnGroup, Ctx
from tlf.analyses.groups import group_rows, group_values, group_var
from tlf.errors import DataError, did_you_mean, did_you_mean_value

if TYPE_CHECKING:
    import pandas as pd


def quantity(ctx: Ctx, key: str, q, col: ColumnGroup) -> pd.Series:
    """The quantity's value per subject of the column (index: subject id)."""
    sid = ctx.data.subject_id
    frame = ctx.data.dataset(q.dataset).frame
    pvar = ctx.data.period_var(q.dataset)
    recs = frame[frame[sid].isin(col.subjects)]
    if pvar and col.period is not None and q.dataset != ctx.data.subject_dataset:
        recs = recs[recs[pvar] == col.period]
    for sub, value, var in (("param", q.param, q.param_var), ("visit", q.visit, q.visit_var)):
        if value is None:
            continue
        if var not in frame.columns:
            raise ctx.error((key, f"{sub}_var"), f"variable '{var}' not found in dataset {q.dataset}"
                            f"{did_you_mean(var, frame.columns)}", "SPEC041")
        present = [str(v) for v in frame[var].dropna().unique()]
        if value not in present:
            raise ctx.error((key, sub), f"{sub} '{value}' not found in {q.dataset}.{var}"
                            f"{did_you_mean_value(value, present)}", "SPEC043" if sub == "param" else "SPEC044")
        recs = recs[recs[var] == value]
    if q.where:
        recs = recs[ctx.where(q.where, recs, col, (key, "where"), q.dataset)]
    if q.var not in frame.columns:
        raise ctx.error((key, "var"), f"variable '{q.var}' not found in dataset {q.dataset}"
                        f"{did_you_mean(q.var, frame.columns)}", "SPEC041")
    dup = recs[sid][recs[sid].duplicated()]
    if len(dup):
        raise DataError(f"more than one record per subject for `{key}` of analysis '{ctx.analysis.id}'; select "
                        "one with param / visit / where", dataset=q.dataset, variable=q.var,
                        usubjid=str(dup.iloc[0]), code="DATA040")
    return recs.set_index(sid)[q.var].astype(float)


def correlate(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    import pandas as pd

    from tlf.stats.tests import correlation

    a = ctx.analysis
    active = [c for c in columns if ctx.active(c)]
    pairs: dict[str, pd.DataFrame] = {}
    rows = []
    for col in active:
        x, y = quantity(ctx, "x", a.x, col), quantity(ctx, "y", a.y, col)
        both = pd.concat({"x": x, "y": y}, axis=1, join="inner").dropna()
        pairs[col.id] = both
        for subj, r in both.sort_index().iterrows():
            for name in ("x", "y"):
                rows.append(ctx.row(col.id, name, r[name], -1, variable=getattr(a, name).var, parent="subject",
                                    level=str(subj)))
        if group_var(ctx):  # a figure colouring the subjects by a variable of the subject-level dataset
            sid = ctx.data.subject_id
            subjects = pd.DataFrame({sid: sorted(col.subjects)})
            values = dict(zip(subjects[sid], group_values(ctx, subjects, None), strict=True))
            rows += group_rows(ctx, col, list(values.values()), [(str(s), values.get(s)) for s in sorted(both.index)],
                              parent="subject")
    groups = {"": pd.concat(list(pairs.values()))} if a.pool else pairs
    for col_id, both in groups.items():
        for k, method in enumerate(a.methods):
            res = correlation(both["x"].to_numpy(), both["y"].to_numpy(), method=method)
            warn = "; ".join(res.notes)
            kw = {"variable": f"{a.x.var} vs {a.y.var}", "level": method, "order": k}
            rows += [ctx.row(col_id, "r", res.r, a.decimals, warning=warn, **kw),
                     ctx.row(col_id, "pvalue", res.pvalue, 3, warning=warn, **kw),
                     ctx.row(col_id, "n", res.n, 0, **kw)]
    return rows


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """Each quantity of each column (variables, parameter and visit in the data, one record per subject) and
    the figure's grouping variable, without computing a correlation; literals of the `where`s the data
    never take."""
    import pandas as pd

    a = ctx.analysis
    for col in (c for c in columns if ctx.active(c)):
        quantity(ctx, "x", a.x, col)
        quantity(ctx, "y", a.y, col)
        if group_var(ctx):
            group_values(ctx, pd.DataFrame({ctx.data.subject_id: sorted(col.subjects)}), None)
    return [*where_findings(ctx, columns), *where_findings(ctx, columns, a.x.where, ("x", "where"), a.x.dataset),
            *where_findings(ctx, columns, a.y.where, ("y", "where"), a.y.dataset)]


RUNNERS = {"correlation": correlate}
CHECKS = {"correlation": check}
