"""The `count` runner: subjects meeting `where`, n (%) of the column's N (and records with `events`)."""

from __future__ import annotations

from tlf.analyses.checks import where_findings
from tlf.analyses.compare import compare_rows
from tlf.analyses.context import ColumnGroup, Ctx, n_p
from tlf.analyses.estimates import estimate_rows, proportion_ci_rows
from tlf.stats.counts import count_subjects


def run(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    rows = []
    sid = ctx.data.subject_id
    by_col: dict[str, tuple[int, int]] = {}
    for col in columns:
        if not ctx.active(col):
            continue
        recs = ctx.records(col)
        c = count_subjects(recs[sid], col.n)
        rows += n_p(ctx, col.id, c.n, col.n, variable=ctx.analysis.where or "")
        if ctx.analysis.events:
            rows.append(ctx.row(col.id, "events", len(recs), 0, variable=ctx.analysis.where or ""))
        by_col[col.id] = (c.n, col.n)
        if ctx.analysis.ci:
            rows += proportion_ci_rows(ctx, col.id, c.n, col.n, ctx.analysis.ci, ctx.analysis.conf_level)
    return rows + compare_rows(ctx, "counts", by_col) + estimate_rows(ctx, by_col)


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """The records of each column (the `where` must run on the dataset); literals of `where` the data never take."""
    for col in columns:
        if ctx.active(col):
            ctx.records(col)
    return where_findings(ctx, columns)


RUNNERS = {"count": run}
CHECKS = {"count": check}
