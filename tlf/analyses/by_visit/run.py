"""The `by_visit` runner: value, change, percent change and percent of baseline summaries (and
signed-rank tests against baseline) at each parameter and visit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.analyses.bds import (
    BASE0_NOTE,
    PART_PREFIX,
    PBASE0_NOTE,
    cell,
    cell_positions,
    cells,
    label_rows,
    one_per_subject,
    require_var,
    select_bds,
    visit_order,
)
from tlf.analyses.checks import where_findings
from tlf.analyses.context import ColumnGroup, Ctx
from tlf.stats.descriptive import collected_decimals, describe
from tlf.stats.tests import signed_rank_test

if TYPE_CHECKING:
    import pandas as pd

_OFFSET = {"mean": 1, "median": 1, "q1": 1, "q3": 1, "geomean": 1, "sd": 2, "se": 2, "min": 0, "max": 0}


def run(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    """Value, change, percent change and percent of baseline: n, mean, SD, ... per parameter, visit and
    column; the number of records; signed-rank tests against baseline."""
    import numpy as np

    a = ctx.analysis
    selected = select_bds(ctx)
    names = _names(ctx, selected)
    everything = cell_positions(selected, np.arange(len(selected)), a.param_var, a.visit_var)
    rows = label_rows(ctx, selected, everything)
    active = [c for c in columns if ctx.active(c)]
    sid = ctx.data.subject_id
    values_read = [a.value_var, *(v for v in names.values() if v), *([a.base_var] if a.base_var in selected else [])]
    at = {c.id: ctx.positions(c, selected) for c in active}
    if all(p is not None for p in at.values()):  # records of each cell taken from `selected`, once
        narrow = selected[list(dict.fromkeys(values_read))]
        per_col = {c: narrow for c in at}
        per_cell = {c: cell_positions(selected, pos, a.param_var, a.visit_var) for c, pos in at.items()}
    else:
        used = list(dict.fromkeys([sid, a.param_var, a.visit_var, *values_read]))
        per_col = {c.id: ctx.records(c, selected)[used] for c in active}  # the variables read below
        per_cell = {c: cells(recs, a.param_var, a.visit_var) for c, recs in per_col.items()}
    precision = {"pchg": a.pchg_precision, "pbase": a.pbase_precision}
    for i, p in enumerate(a.params):
        if a.precision is not None:
            d = a.precision
        else:
            at_p = [pos for (q, _), pos in everything.items() if q == p]
            d = collected_decimals(selected[a.value_var].iloc[np.concatenate(at_p) if at_p else []])
        for j, visit in enumerate(a.visits):
            order = visit_order(i, j)
            is_base = visit == a.baseline_visit
            for col in active:
                recs = cell(per_cell[col.id], per_col[col.id], p, visit)
                if sid in recs.columns:
                    one_per_subject(ctx, recs, p, visit)
                else:  # positions in `selected`: the subjects' codes
                    _one_per_subject_at(ctx, selected, per_cell[col.id].get((p, visit)), p, visit)
                rows.append(ctx.row(col.id, "records", len(recs), 0, variable=a.value_var, parent=p, level=visit,
                                    order=order))
                for part in a.show:
                    if part != "value" and is_base:
                        continue
                    values, warning = _part_values(a, recs, part, names)
                    rows += _describe_rows(ctx, col.id, p, visit, order, part, names[part], values,
                                           precision.get(part, d), warning)
                if not is_base:
                    for test in a.tests:
                        rows += _test_rows(ctx, col.id, p, visit, order, test, _differences(a, recs, test.quantity, names))
    return rows


def _names(ctx: Ctx, selected: pd.DataFrame) -> dict[str, str]:
    """The variable of each part shown or tested (each must be in the dataset)."""
    a = ctx.analysis
    used = set(a.show) | {t.quantity for t in a.tests}
    names = {"value": require_var(ctx, "value_var", a.value_var, selected),
             "change": require_var(ctx, "change_var", a.change_var, selected) if "change" in used else "",
             "pchg": require_var(ctx, "pchg_var", a.pchg_var, selected) if "pchg" in used else "",
             "pbase": a.value_var}
    if used & {"pchg", "pbase"} or any(t.quantity == "value" for t in a.tests):
        require_var(ctx, "base_var", a.base_var, selected)
    return names


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """Parameters and visits in the data, the variables of the parts shown, one record per subject at each
    visit; literals of `where` the data never take."""
    a = ctx.analysis
    selected = select_bds(ctx)
    _names(ctx, selected)
    sid = ctx.data.subject_id
    for col in (c for c in columns if ctx.active(c)):
        pos = ctx.positions(col, selected)
        if pos is not None and not _repeated(selected, pos, sid, a.param_var, a.visit_var):
            continue  # one record per subject in every cell (the common case): nothing taken
        recs = ctx.records(col, selected)
        shown = recs[recs[a.param_var].isin(a.params) & recs[a.visit_var].isin(a.visits)]
        dup = shown[shown.duplicated([sid, a.param_var, a.visit_var])]  # one pass, not one per cell
        cells_ = set(zip(dup[a.param_var], dup[a.visit_var], strict=True))
        if cells_:
            per_cell = cells(recs, a.param_var, a.visit_var)
        for p, visit in ((p, v) for p in a.params for v in a.visits if (p, v) in cells_):  # the first, as printed
            one_per_subject(ctx, cell(per_cell, recs, p, visit), p, visit)
    return where_findings(ctx, columns)


def _one_per_subject_at(ctx: Ctx, frame: pd.DataFrame, positions, param, visit) -> None:
    """one_per_subject of the records at `positions` of `frame`, on the subjects' codes (kept per frame)."""
    import numpy as np

    from tlf.data.subjects import column_codes

    if positions is None or len(positions) < 2:
        return
    codes, _ = column_codes(frame, ctx.data.subject_id)
    if np.bincount(codes[positions]).max() > 1:  # a subject twice
        one_per_subject(ctx, frame[[ctx.data.subject_id]].iloc[positions], param, visit)


def _repeated(frame: pd.DataFrame, positions, sid: str, param_var: str, visit_var: str) -> bool:
    """Whether two of the records at `positions` of `frame` share subject, parameter and visit (codes of the
    factorised variables, kept per frame)."""
    import numpy as np

    from tlf.data.subjects import column_codes, distinct

    (sc, _), (pc, pu), (vc, vu) = (column_codes(frame, v) for v in (sid, param_var, visit_var))
    key = (sc[positions].astype(np.int64) * (len(pu) + 1) + pc[positions]) * (len(vu) + 1) + vc[positions]
    return len(distinct(key)) < len(key)


def _part_values(a, recs: pd.DataFrame, part: str, names: dict[str, str]):
    """The finite values of one part at one visit, and a note on records left out for baseline 0."""
    warning = ""
    if part == "pbase":
        base = recs[a.base_var].astype(float)
        base0 = base == 0
        values = 100.0 * recs[a.value_var].astype(float)[~base0] / base[~base0]
        if base0.any():
            warning = f"{int(base0.sum())} patient(s) with {PBASE0_NOTE}"
    else:
        values = recs[names[part]].astype(float)
        if part == "pchg":
            base0 = recs[a.base_var].astype(float) == 0
            if base0.any():
                warning = f"{int(base0.sum())} patient(s) with {BASE0_NOTE}"
            values = values[~base0]
    import numpy as np

    return values[np.isfinite(values.to_numpy(dtype=float))], warning  # as math.isfinite, on the array


def _differences(a, recs: pd.DataFrame, on: str, names: dict[str, str]):
    """Differences from baseline that a test against baseline ranks: value - baseline value, percent of
    baseline - 100, change and percent change as they are (against 0)."""
    if on == "value":
        d = recs[a.value_var].astype(float) - recs[a.base_var].astype(float)
    elif on == "pbase":
        d, _ = _part_values(a, recs, "pbase", names)
        d = d - 100.0
    else:
        d, _ = _part_values(a, recs, on, names)
    import numpy as np

    return d[np.isfinite(d.to_numpy(dtype=float))]


def _test_rows(ctx: Ctx, col: str, param: str, visit: str, order: int, test, diffs) -> list[dict]:

    res = signed_rank_test(diffs.to_numpy(), method=test.method)
    note = "; ".join(res.notes)
    prefix = f"{test.quantity}_wsr_"
    kw = {"variable": f"{test.quantity} vs baseline", "parent": param, "level": visit, "order": order}
    return [ctx.row(col, prefix + "pvalue", res.pvalue, 3, warning=note, **kw),
            ctx.row(col, prefix + "v", res.w_plus, 1, warning=note if res.n == 0 else "", **kw),
            ctx.row(col, prefix + "n", res.n, 0, **kw)]


def _describe_rows(ctx: Ctx, col: str, param: str, visit: str, order: int, part: str, var: str, values,
                   d: int, note: str) -> list[dict]:
    a = ctx.analysis
    stats = describe(values).as_dict()
    prefix = PART_PREFIX[part]
    out = []
    for name, value in stats.items():
        dec = 0 if name == "n" else (1 if name in ("cv", "geocv") else d + _OFFSET.get(name, 0))
        dec = a.decimals.get(name, dec)
        warn = note if name == "n" else ""
        if value != value:
            warn = "no values" if stats["n"] == 0 else "not estimable"
            if note:
                warn = f"{warn}; {note}"
        out.append(ctx.row(col, prefix + name, value, dec, variable=var, parent=param, level=visit, order=order,
                           warning=warn))
    return out


RUNNERS = {"by_visit": run}
CHECKS = {"by_visit": check}
