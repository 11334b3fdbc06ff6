"""The `count` runner: subjects meeting `where`, n (%) of the column's N (and records with `events`)."""

from __future__ import annotations

from tlf.analyses.checks import where_findings
from tlf.analyses.compare import compare_rows
from tlf.analyses.context import ColumnGroup, Ctx, n_p
from tlf.analyses.estimates import estimate_rows, proportion_ci_rows
from tlf.analyses.strata import check_variables
from tlf.stats.counts import count_subjects


def run(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    rows = []
    sid = ctx.data.subject_id
    by_col: dict[str, tuple[int, int]] = {}
    members: dict[str, tuple[list, list]] = {}
    shown: dict[str, tuple[int, int]] = {}
    for col in columns:
        if not ctx.active(col):
            continue
        recs = ctx.records(col)
        denom = _denominator(ctx, col)
        c = count_subjects(recs[sid], col.n)
        rows += n_p(ctx, col.id, c.n, denom, variable=ctx.analysis.where or "", carry=ctx.analysis.denominator != "N",
                    empty="no subject with a record")
        if ctx.analysis.events:
            rows.append(ctx.row(col.id, "events", len(recs), 0, variable=ctx.analysis.where or ""))
        by_col[col.id] = (c.n, col.n)
        members[col.id] = (list(recs[sid].unique()), sorted(col.subjects, key=str))
        shown[col.id] = (c.n, denom)  # estimates and CIs of the percentage printed
        if ctx.analysis.ci:
            rows += proportion_ci_rows(ctx, col.id, c.n, denom, ctx.analysis.ci, ctx.analysis.conf_level)
    return rows + compare_rows(ctx, "counts", by_col, subjects=members) + estimate_rows(ctx, shown, subjects=members if ctx.analysis.denominator == "N" else None)


def _denominator(ctx: Ctx, col: ColumnGroup) -> int:
    """The column's N, or (`denominator: records`) its subjects with a record meeting `denominator_where`."""
    a = ctx.analysis
    if a.denominator != "records":
        return col.n
    recs = ctx.column_records(col)
    if a.denominator_where:
        recs = recs[ctx.where(a.denominator_where, recs, col, "denominator_where")]
    return int(recs[ctx.data.subject_id].nunique())


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """The records of each column (the `where` must run on the dataset); literals of `where` the data never take."""
    check_variables(ctx, columns)
    for col in columns:
        if ctx.active(col):
            ctx.records(col)
            _denominator(ctx, col)
    return where_findings(ctx, columns)


RUNNERS = {"count": run}
CHECKS = {"count": check}
