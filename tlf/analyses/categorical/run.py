"""The `categorical` runner: subjects by the levels of a variable, n (%) per level, a 'Missing' row."""

from __future__ import annotations

from typing import Any

from tlf.analyses.checks import levels_findings, where_findings
from tlf.analyses.compare import compare_rows
from tlf.analyses.context import ColumnGroup, Ctx, n_p
from tlf.analyses.estimates import estimate_rows
from tlf.analyses.per_subject import subject_values
from tlf.analyses.strata import check_variables
from tlf.stats.counts import count_levels
from tlf.stats.values import norm_value

MISSING_LABEL = "Missing"


def run(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    a = ctx.analysis
    per_col: list[tuple[ColumnGroup, str, list[tuple[str, Any]]]] = []
    observed: set = set()
    for col in columns:
        if not ctx.active(col):
            continue
        var = ctx.variable(a.var, col)
        recs = ctx.records(col)
        pairs = subject_values(ctx, recs, var, col)
        observed |= {v for _, v in pairs}
        per_col.append((col, var, pairs, _denominator(ctx, col, recs, pairs)))
    levels = _levels(a.levels, observed)
    missing_any = any(v is None for _, _, pairs, _ in per_col for _, v in pairs)
    if a.missing_row and missing_any:
        levels[MISSING_LABEL] = {None}
    rows = []
    by_col: dict[str, dict[str, int]] = {}
    members: dict[str, dict[str, list]] = {}
    carry = a.denominator != "N"
    denoms = {col.id: denom for col, _, _, denom in per_col}
    for col, var, pairs, denom in per_col:
        counts = count_levels(pairs, levels, col.n)
        if a.n_row:
            assessed = len({s for s, v in pairs if v is not None})
            rows.append(ctx.row(col.id, "n", assessed, 0, variable=var, level=a.n_row, order=-1))
        for order, (label, c) in enumerate(counts.items()):
            if label == MISSING_LABEL and a.denominator == "assessed":  # not assessed: a count, no percentage
                rows.append(ctx.row(col.id, "n", c.n, 0, variable=var, level=label, order=order))
                continue
            rows += n_p(ctx, col.id, c.n, denom, variable=var, level=label, order=order, carry=carry,
                        empty=EMPTY[a.denominator])
        by_col[col.id] = {label: c.n for label, c in counts.items() if label != MISSING_LABEL}
        if getattr(ctx.entry.spec, "stat_columns", ()):  # subjects per level: only a stratified test reads them
            members[col.id] = {label: sorted({s for s, v in pairs if v in vals}, key=str)
                               for label, vals in levels.items() if label != MISSING_LABEL}
    rows += compare_rows(ctx, "counts", by_col, subjects=members, scores=_scores(levels), level=a.n_row or "")
    for label in levels if by_col else ():  # an estimate column: one estimate per level (not Missing)
        if label != MISSING_LABEL:
            rows += estimate_rows(ctx, {c: (n[label], denoms[c]) for c, n in by_col.items()}, level=label)
    return rows


def _scores(levels: dict[str, set]) -> list | None:
    """The levels' table scores for a CMH test: each level's one numeric value; None (1, 2, ...) otherwise."""
    vals = [next(iter(v)) if len(v) == 1 else None for label, v in levels.items() if label != MISSING_LABEL]
    ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals)
    return [float(v) for v in vals] if ok else None


EMPTY = {"N": "column has no subjects", "assessed": "no subject assessed", "records": "no subject with a record"}


def _denominator(ctx: Ctx, col: ColumnGroup, recs, pairs) -> int:
    """The column's denominator by `denominator:` (N, assessed, records)."""
    how = ctx.analysis.denominator
    if how == "assessed":
        return len({s for s, v in pairs if v is not None})
    if how == "records":
        return int(recs[ctx.data.subject_id].nunique())
    return col.n


def _levels(spec_levels, observed: set) -> dict[str, set]:
    present = {v for v in observed if v is not None}
    if not spec_levels:
        return {str(v): {v} for v in sorted(present, key=lambda x: (isinstance(x, str), x))}
    out: dict[str, set] = {}
    listed: set = set()
    for lv in spec_levels:
        vals = set(lv.values or ([] if lv.value is None else [lv.value]))
        vals = {norm_value(v) for v in vals}
        listed |= vals
        out[lv.label] = vals
    for lv in spec_levels:
        if lv.other:
            out[lv.label] = present - listed
    return out


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """The variable and records of each column; `levels` values the data never take, data values no level
    takes (without `other: true`); literals of `where` the data never take."""
    check_variables(ctx, columns)
    a = ctx.analysis
    analysed: list[Any] = []
    everywhere: list[Any] = []
    names = []
    frame = ctx.data.dataset(ctx.dataset_name).frame
    for col in columns:
        if not ctx.active(col):
            continue
        var = ctx.variable(a.var, col)
        recs = ctx.records(col)
        analysed += subject_values(ctx, recs, var, col)  # raises what the run would
        if var not in names:
            names.append(var)
            everywhere += list(frame[var].unique())
    what = f"{'/'.join(names) or a.var} in dataset {ctx.dataset_name}"
    return levels_findings(a.levels, analysed, everywhere, what, lambda k, m, c: ctx.error(k, m, c)) + \
        where_findings(ctx, columns)


RUNNERS = {"categorical": run}
CHECKS = {"categorical": check}
