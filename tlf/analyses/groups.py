"""The group of each plotted point of a scatter figure with `plot.group` (tlf/spec/groups.py): the
grouping variable's value on the point's record (when the plotted dataset has the variable) or on the
subject's record of the subject-level dataset, resolved to the study's treatment columns.

ARD rows (per analysis and treatment column), next to the points' x and y:
    parent "group", level <group label>, stat "n" (points of the group), order = legend rank,
        variable = the grouping variable; a group of the column's records (or subjects) with no point
        has n 0 (the figure's legend says "no data")
    parent "point" (correlation: "subject"), level <point>, stat "group" = the rank of the point's group
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.errors import did_you_mean

if TYPE_CHECKING:
    import pandas as pd

    from tlf.analyses.context import ColumnGroup, Ctx


def group_var(ctx: Ctx) -> str | None:
    """The grouping variable of the figure the analysis is drawn by, or None (tables, ungrouped plots)."""
    spec = ctx.entry.spec
    plot = getattr(spec, "plot", None)
    if spec.type != "figure" or getattr(plot, "kind", None) != "scatter":
        return None
    return getattr(plot, "group", None)


def group_values(ctx: Ctx, records: pd.DataFrame, dataset: str | None) -> pd.Series:
    """The grouping variable's value for each of `records` (index kept): from the records themselves when
    `dataset` has the variable, else from the subject-level dataset by subject. A variable in neither is a
    SpecError at `plot.group`, with "did you mean"."""
    var = group_var(ctx)
    sid = ctx.data.subject_id
    adsl_name = ctx.data.subject_dataset
    if dataset is not None and var in ctx.data.dataset(dataset).frame.columns:
        return records[var]
    adsl = ctx.data.subjects
    if var not in adsl.columns:
        names = [*([] if dataset is None else ctx.data.dataset(dataset).frame.columns), *adsl.columns]
        where = f"dataset {dataset} or {adsl_name}" if dataset not in (None, adsl_name) else f"dataset {adsl_name}"
        raise ctx.entry.error(("plot", "group"), f"variable '{var}' not found in {where}"
                              f"{did_you_mean(var, list(dict.fromkeys(names)))}", "SPEC041")
    by_subject = adsl.drop_duplicates(sid).set_index(sid)[var]
    return records[sid].map(by_subject)


def grouping(ctx: Ctx):
    from tlf.spec.groups import Grouping, ordered_columns

    cols = ctx.entry.spec.columns
    return Grouping(ordered_columns(ctx.study.spec.columns, None if isinstance(cols, str) else cols), group_var(ctx))


def group_rows(ctx: Ctx, col: ColumnGroup, candidates, points: list[tuple[str, object]],
               parent: str = "point") -> list[dict]:
    """ARD rows of the groups (every value among `candidates`, the column's records or subjects, is a group,
    with 0 points if none is plotted) and of each point's group; `points`: (point level, group value)."""
    from tlf.spec.groups import Group

    groups = grouping(ctx).groups([*candidates, *(g for _, g in points)])
    var = group_var(ctx)
    missing = Group("=", "Missing", 10**6)  # a point whose grouping value is missing: last in the legend
    count: dict[str, int] = {}
    by_label: dict[str, Group] = {}
    for g in groups.values():
        count.setdefault(g.label, 0)
        by_label[g.label] = g
    rows = []
    for level, value in points:
        g = groups.get(value, missing)
        by_label.setdefault(g.label, g)
        count[g.label] = count.get(g.label, 0) + 1
        rows.append(ctx.row(col.id, "group", g.rank, -1, variable=var, parent=parent, level=level))
    for label, n in count.items():
        rows.append(ctx.row(col.id, "n", n, 0, variable=var, parent="group", level=label, order=by_label[label].rank))
    return rows
