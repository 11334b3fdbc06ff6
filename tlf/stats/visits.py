"""Analyses of BDS records by parameter and visit: value and change from baseline summaries
(`by_visit`) and responder counts (`responders`). Also the parameter / visit selection the ANCOVA
shares (`select_bds`).

ARD keys: parent = parameter code (PARAMCD), level = visit (AVISIT), order = parameter and visit order.
Statistic names: `n`, `mean`, ... for the value, `chg_n`, `chg_mean`, ... for the change,
`pchg_n`, ... for the percent change and `pbase_n`, ... for the percent of baseline; `records` the
records of the column at the visit (with or without a value); `<quantity>_wsr_pvalue`, `<quantity>_wsr_v` (sum of
the positive ranks, R's V) and `<quantity>_wsr_n` (non-zero differences) for a signed-rank test against
baseline of quantity <quantity>; `n`, `p` (and `n_assessed`) for responders. Per parameter, a
row `param` (column "") carries the parameter's label in `variable`; per visit a row `x` (column "")
the visit's plotted position (AVISITN).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from tlf.data import expr as ex
from tlf.errors import DataError, did_you_mean
from tlf.stats.context import ColumnGroup, Ctx
from tlf.stats.descriptive import collected_decimals, describe

if TYPE_CHECKING:
    import pandas as pd

PART_PREFIX = {"value": "", "change": "chg_", "pchg": "pchg_", "pbase": "pbase_"}
BASE0_NOTE = "baseline 0: percent change not defined"
PBASE0_NOTE = "baseline 0: percent of baseline not defined"
_OFFSET = {"mean": 1, "median": 1, "q1": 1, "q3": 1, "geomean": 1, "sd": 2, "se": 2, "min": 0, "max": 0}


def visit_order(param_index: int, visit_index: int) -> int:
    return param_index * 1000 + visit_index


def select_bds(ctx: Ctx) -> pd.DataFrame:
    """The analysis dataset's records of the spec's parameters and visits (all subjects), after checking
    that every parameter and every visit occurs in the data: a name that does not is a located
    SpecError with the closest name that does."""
    a = ctx.analysis
    frame = ctx.data.dataset(ctx.dataset_name).frame
    for key in ("param_var", "visit_var"):
        var = getattr(a, key)
        if var not in frame.columns:
            raise ctx.error(key, f"variable '{var}' not found in dataset {ctx.dataset_name}"
                            f"{did_you_mean(var, frame.columns)}", "SPEC041")
    codes = [str(v) for v in frame[a.param_var].dropna().unique()]
    key = "param" if isinstance(a.param, str) else None
    for i, p in enumerate(a.params):
        if p not in codes:
            raise ctx.error(key or ("param", i), f"parameter '{p}' not found in {ctx.dataset_name}.{a.param_var}"
                            f"{did_you_mean(p, codes)}; present: {', '.join(sorted(codes))}", "SPEC043")
    sel = frame[frame[a.param_var].isin(list(a.params))]
    for i, p in enumerate(a.params):
        visits = [str(v) for v in sel.loc[sel[a.param_var] == p, a.visit_var].unique()]
        for j, v in enumerate(a.visits):
            if v not in visits:
                raise ctx.error(("visits", j), f"visit '{v}' not found for parameter {p} in "
                                f"{ctx.dataset_name}.{a.visit_var}{did_you_mean(v, visits)}", "SPEC044")
        if getattr(a, "baseline_visit", None) and a.baseline_visit not in a.visits:
            raise ctx.error("baseline_visit", f"baseline visit '{a.baseline_visit}' is not among `visits`"
                            f"{did_you_mean(a.baseline_visit, a.visits)}", "SPEC045")
        del i
    return sel[sel[a.visit_var].isin(list(a.visits))]


def column_records(ctx: Ctx, col: ColumnGroup, selected: pd.DataFrame) -> pd.DataFrame:
    """`selected` records of the column's subjects (and period), filtered by the analysis' `where`."""
    name = ctx.dataset_name
    sid = ctx.data.subject_id
    recs = selected[selected[sid].isin(col.subjects)]
    pvar = ctx.data.period_var(name)
    if pvar and col.period is not None and name != ctx.data.subject_dataset:
        recs = recs[recs[pvar] == col.period]
    if ctx.analysis.where:
        try:
            recs = recs[ex.evaluate(ex.parse(ex.substitute_period(ctx.analysis.where, col.period)), recs)]
        except ex.ExprError as e:
            raise ctx.error("where", f"{e} (dataset {name})", "SPEC040") from None
    return recs


def one_per_subject(ctx: Ctx, recs: pd.DataFrame, param: str, visit: str) -> None:
    sid = ctx.data.subject_id
    dup = recs[sid][recs[sid].duplicated()]
    if len(dup):
        raise DataError(f"more than one record per subject for parameter {param} at visit '{visit}' (analysis "
                        f"'{ctx.analysis.id}'); add a `where` that keeps one (e.g. ANL01FL == 'Y')",
                        dataset=ctx.dataset_name, usubjid=str(dup.iloc[0]), code="DATA040")


def require_var(ctx: Ctx, key: str, name: str, frame: pd.DataFrame) -> str:
    if name not in frame.columns:
        raise ctx.error(key, f"variable '{name}' not found in dataset {ctx.dataset_name}"
                        f"{did_you_mean(name, frame.columns)}", "SPEC041")
    return name


def label_rows(ctx: Ctx, selected: pd.DataFrame) -> list[dict]:
    """Per parameter a `param` row with its label; per visit an `x` row with its plotted position."""
    a = ctx.analysis
    rows = []
    for i, p in enumerate(a.params):
        recs = selected[selected[a.param_var] == p]
        label = p
        if a.param_label_var and a.param_label_var in recs.columns and len(recs):
            label = str(recs[a.param_label_var].iloc[0])
        label = a.param_labels.get(p, label)
        rows.append(ctx.row("", "param", float("nan"), 0, variable=label, parent=p, order=visit_order(i, 0)))
        for j, v in enumerate(a.visits):
            x = float(j)
            if a.visit_num_var and a.visit_num_var in recs.columns:
                nums = recs.loc[recs[a.visit_var] == v, a.visit_num_var].dropna()
                if len(nums):
                    x = float(nums.iloc[0])
            rows.append(ctx.row("", "x", x, -1, parent=p, level=v, order=visit_order(i, j)))
    return rows


# ---------------------------------------------------------------- by_visit

def by_visit(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    """Value, change, percent change and percent of baseline: n, mean, SD, ... per parameter, visit and
    column; the number of records; signed-rank tests against baseline."""
    a = ctx.analysis
    selected = select_bds(ctx)
    used = set(a.show) | {t.quantity for t in a.tests}
    names = {"value": require_var(ctx, "value_var", a.value_var, selected),
             "change": require_var(ctx, "change_var", a.change_var, selected) if "change" in used else "",
             "pchg": require_var(ctx, "pchg_var", a.pchg_var, selected) if "pchg" in used else "",
             "pbase": a.value_var}
    if used & {"pchg", "pbase"} or any(t.quantity == "value" for t in a.tests):
        require_var(ctx, "base_var", a.base_var, selected)
    rows = label_rows(ctx, selected)
    active = [c for c in columns if ctx.active(c)]
    per_col = {c.id: column_records(ctx, c, selected) for c in active}
    precision = {"pchg": a.pchg_precision, "pbase": a.pbase_precision}
    for i, p in enumerate(a.params):
        d = a.precision if a.precision is not None else collected_decimals(
            selected.loc[selected[a.param_var] == p, a.value_var])
        for j, visit in enumerate(a.visits):
            order = visit_order(i, j)
            is_base = visit == a.baseline_visit
            for col in active:
                recs = per_col[col.id]
                recs = recs[(recs[a.param_var] == p) & (recs[a.visit_var] == visit)]
                one_per_subject(ctx, recs, p, visit)
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
    return values[values.map(math.isfinite)], warning


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
    return d[d.map(math.isfinite)]


def _test_rows(ctx: Ctx, col: str, param: str, visit: str, order: int, test, diffs) -> list[dict]:
    from tlf.stats.tests import signed_rank_test

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


# ---------------------------------------------------------------- responders

def responders(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    """Subjects meeting the criterion at each parameter and visit: n and proportion."""
    a = ctx.analysis
    selected = select_bds(ctx)
    try:
        criterion = ex.parse(a.criterion)
        missing = sorted(n for n in criterion.names if n not in selected.columns)
        if missing:
            raise ex.ExprError(f"variable '{missing[0]}' not found{did_you_mean(missing[0], selected.columns)}")
    except ex.ExprError as e:
        raise ctx.error("criterion", f"{e} (dataset {ctx.dataset_name})", "SPEC040") from None
    sid = ctx.data.subject_id
    rows = label_rows(ctx, selected)
    for col in (c for c in columns if ctx.active(c)):
        recs_all = column_records(ctx, col, selected)
        for i, p in enumerate(a.params):
            for j, visit in enumerate(a.visits):
                recs = recs_all[(recs_all[a.param_var] == p) & (recs_all[a.visit_var] == visit)]
                one_per_subject(ctx, recs, p, visit)
                hit = ex.evaluate(criterion, recs)
                n = int(recs.loc[hit, sid].nunique())
                assessed = int(recs[sid].nunique())
                denom = col.n if a.denominator == "N" else assessed
                prop = n / denom if denom else float("nan")
                warn = "" if denom else ("column has no subjects" if a.denominator == "N" else "no patients assessed")
                kw = {"variable": a.criterion, "parent": p, "level": visit, "order": visit_order(i, j)}
                rows += [ctx.row(col.id, "n", n, 0, **kw), ctx.row(col.id, "p", prop, ctx.pct_decimals, warning=warn, **kw),
                         ctx.row(col.id, "n_assessed", assessed, 0, **kw)]
    return rows
