"""The `responders` runner: subjects meeting a criterion at each parameter and visit, n (%)."""

from __future__ import annotations

from tlf.analyses.bds import label_rows, one_per_subject, select_bds, visit_order
from tlf.analyses.checks import where_findings
from tlf.analyses.compare import compare_rows
from tlf.analyses.context import ColumnGroup, Ctx
from tlf.analyses.estimates import estimate_rows, proportion_ci_rows
from tlf.analyses.responders.model import check_covariates, model_columns, model_rows
from tlf.analyses.strata import check_variables
from tlf.data import expr as ex
from tlf.errors import did_you_mean


def _criterion(ctx: Ctx, selected):
    a = ctx.analysis
    try:
        criterion = ex.parse(a.criterion)
        missing = sorted(n for n in criterion.names if n not in selected.columns)
        if missing:
            raise ex.ExprError(f"variable '{missing[0]}' not found{did_you_mean(missing[0], selected.columns)}")
    except ex.ExprError as e:
        raise ctx.error("criterion", f"{e} (dataset {ctx.dataset_name})", e.code or "SPEC040") from None
    return criterion


def run(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    """Subjects meeting the criterion at each parameter and visit: n and proportion."""
    a = ctx.analysis
    selected = select_bds(ctx)
    criterion = _criterion(ctx, selected)
    sid = ctx.data.subject_id
    rows = label_rows(ctx, selected)
    tested: dict[tuple, tuple[dict, dict]] = {}  # (param, visit) -> stat-column data, subjects per column
    fitted: dict[tuple[str, str], dict] = {}  # (param, visit) -> column -> its records with _hit (the model's)
    cols = model_columns(ctx, columns) if a.model else []
    if a.model:
        check_covariates(ctx, selected)
    for col in (c for c in columns if ctx.active(c)):
        recs_all = ctx.records(col, selected)
        for i, p in enumerate(a.params):
            for j, visit in enumerate(a.visits):
                recs = recs_all[(recs_all[a.param_var] == p) & (recs_all[a.visit_var] == visit)]
                one_per_subject(ctx, recs, p, visit)
                zero = ctx.zero_divisions.setdefault((("criterion",), a.criterion, ctx.dataset_name),
                                                     ex.ZeroDivisions())
                hit, known = ex.evaluate_known(criterion, recs, zero)  # missing never responds
                n = int(recs.loc[hit, sid].nunique())
                # `records`: subjects with a record at the visit; `assessed`: those whose criterion is known
                base = recs.loc[known, sid] if a.denominator == "assessed" else recs[sid]
                assessed = int(base.nunique())
                denom = col.n if a.denominator == "N" else assessed
                data, members = tested.setdefault((p, visit), ({}, {}))
                data[col.id] = (n, denom)
                members[col.id] = (list(recs.loc[hit, sid].unique()),
                                   sorted(col.subjects, key=str) if a.denominator == "N" else list(base.unique()))
                prop = n / denom if denom else float("nan")
                warn = "" if denom else ("column has no subjects" if a.denominator == "N" else "no patients assessed")
                kw = {"variable": a.criterion, "parent": p, "level": visit, "order": visit_order(i, j)}
                rows += [ctx.row(col.id, "n", n, 0, **kw), ctx.row(col.id, "p", prop, ctx.pct_decimals, warning=warn, **kw),
                         ctx.row(col.id, "n_assessed", assessed, 0, **kw)]
                if a.ci:
                    rows += proportion_ci_rows(ctx, col.id, n, denom, a.ci, a.conf_level, parent=p, level=visit,
                                               order=kw["order"])
                if any(c.id == col.id for c in cols):
                    fitted.setdefault((p, visit), {})[col.id] = recs.assign(_hit=hit.to_numpy(dtype=bool))
    for (p, visit), (data, members) in tested.items():
        rows += compare_rows(ctx, "counts", data, parent=p, level=visit, subjects=members)
        rows += estimate_rows(ctx, data, parent=p, level=visit, subjects=members)
    for i, p in enumerate(a.params if cols else ()):
        for j, visit in enumerate(a.visits):
            rows += model_rows(ctx, cols, fitted.get((p, visit), {}), parent=p, level=visit, order=visit_order(i, j))
    return rows


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """Parameters and visits in the data, the criterion, one record per subject at each visit; literals of
    `where` and `criterion` the data never take."""
    check_variables(ctx, columns)
    a = ctx.analysis
    selected = select_bds(ctx)
    criterion = _criterion(ctx, selected)
    if a.model:
        model_columns(ctx, columns)
        check_covariates(ctx, selected)
    for col in (c for c in columns if ctx.active(c)):
        recs_all = ctx.records(col, selected)
        for p in a.params:
            for visit in a.visits:
                recs = recs_all[(recs_all[a.param_var] == p) & (recs_all[a.visit_var] == visit)]
                one_per_subject(ctx, recs, p, visit)
                try:
                    ex.evaluate(criterion, recs)
                except ex.ExprError as e:
                    raise ctx.error("criterion", f"{e} (dataset {ctx.dataset_name})", e.code or "SPEC040") from None
    return where_findings(ctx, columns) + where_findings(ctx, columns, a.criterion, ("criterion",))


RUNNERS = {"responders": run}
CHECKS = {"responders": check}
