"""The `shift` runner: per treatment column and block (parameter, and visit when `visits` are given),
subjects by baseline category x post-baseline category, n (%) with the denominator carried.

ARD keys: `column` = "<treatment column id>|<post-baseline category label>" (the body column it prints
in; "|Total" the Total column), `parent` = the block ("<PARAMCD>" or "<PARAMCD>|<visit>"), `level` = the
baseline category label ("Total" the Total row); statistics `n`, `p`, `denom`. Per parameter a row `param`
(column "", parent "_param", level the code) carries its label in `variable`; per post-baseline category a row `category` (column "",
parent "_post") its position, so that the layout knows the columns (shells too). `test: fisher`: a
`pvalue` per block and baseline category in column "pvalue".

`test: cmh`: one `pvalue` per block (level ""), the CMH general association stratified by the baseline
category. TESTS maps a `test:` name to its function (table by treatment column -> ARD rows).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tlf.analyses.checks import where_findings
from tlf.analyses.context import ColumnGroup, Ctx, n_p
from tlf.analyses.shift.spec import MISSING, TOTAL
from tlf.errors import DataError, did_you_mean, did_you_mean_value
from tlf.stats.values import norm_value, value_text

if TYPE_CHECKING:
    import pandas as pd

POST = "_post"  # parent of the rows naming the post-baseline categories (the body columns)
PARAM = "_param"  # parent of the rows labelling the parameters (level: the code)
EMPTY = {"group": "no subject in the baseline category", "N": "column has no subjects",
         "records": "no subject with a record", "assessed": "no subject assessed"}


def block_key(param: str, visit: str | None) -> str:
    return param if visit is None else f"{param}|{visit}"


def blocks(a) -> list[tuple[str, str | None]]:
    return [(p, v) for p in a.params for v in (a.visits or [None])]


def _selected(ctx: Ctx) -> pd.DataFrame:
    """The dataset's records of the spec's parameters (and visits), each of which must occur."""
    a = ctx.analysis
    frame = ctx.data.dataset(ctx.dataset_name).frame
    keys = [("param_var", a.param_var), ("baseline", a.baseline), ("post", a.post)]
    keys += [("visit_var", a.visit_var)] if a.visits else []
    for key, var in keys:
        if var not in frame.columns:
            raise ctx.error(key, f"variable '{var}' not found in dataset {ctx.dataset_name}"
                            f"{did_you_mean(var, frame.columns)}", "SPEC041")
    codes = [str(v) for v in frame[a.param_var].dropna().unique()]
    for i, p in enumerate(a.params):
        if p not in codes:
            raise ctx.error("param" if isinstance(a.param, str) else ("param", i),
                            f"parameter '{p}' not found in {ctx.dataset_name}.{a.param_var}"
                            f"{did_you_mean_value(p, codes)}; present: {', '.join(sorted(codes))}", "SPEC043")
    sel = frame[frame[a.param_var].isin(list(a.params))]
    if a.visits:
        for p in a.params:
            visits = [str(v) for v in sel.loc[sel[a.param_var] == p, a.visit_var].unique()]
            for j, v in enumerate(a.visits):
                if v not in visits:
                    raise ctx.error(("visits", j), f"visit '{v}' not found for parameter {p} in "
                                    f"{ctx.dataset_name}.{a.visit_var}{did_you_mean_value(v, visits)}", "SPEC044")
        sel = sel[sel[a.visit_var].isin(list(a.visits))]
    return sel


def _pairs(ctx: Ctx, recs: pd.DataFrame, param: str, visit: str | None) -> list[tuple[str, Any, Any]]:
    """(subject, baseline value, post-baseline value) of the block's records, one per subject."""
    a = ctx.analysis
    sid = ctx.data.subject_id
    sub = recs[recs[a.param_var] == param]
    if visit is not None:
        sub = sub[sub[a.visit_var] == visit]
    dup = sub[sid][sub[sid].duplicated()]
    if len(dup):
        at = f" at visit '{visit}'" if visit is not None else ""
        raise DataError(f"more than one record per subject for parameter {param}{at} (analysis '{a.id}'): a shift "
                        "counts one per subject; add `select:` (e.g. {record: worst, by: ANRIND, order: [N, L, H], "
                        f"per: [{a.param_var}]}}) or a `where` that keeps one", dataset=ctx.dataset_name,
                        usubjid=str(dup.iloc[0]), code="DATA061")
    return [(s, norm_value(b), norm_value(p)) for s, b, p in zip(sub[sid], sub[a.baseline], sub[a.post], strict=True)]


def categories(ctx: Ctx, values: list[tuple[str, Any, str]]) -> dict[Any, str]:
    """Data value -> category label, in the order of `levels` (else sorted values); a value no level takes
    is an error naming the subject. `values`: (subject, value, variable)."""
    a = ctx.analysis
    if a.levels is None:
        present = sorted({v for _, v, _ in values if v is not None}, key=lambda x: (isinstance(x, str), x))
        return {v: value_text(v) for v in present}
    out: dict[Any, str] = {}
    for lv in a.levels:
        for v in lv.values or ([] if lv.value is None else [lv.value]):
            out[norm_value(v)] = lv.label
    for s, v, var in values:
        if v is not None and v not in out:
            raise DataError(f"value '{v}' is not one of the shift's `levels` (analysis '{a.id}'); list it",
                            dataset=ctx.dataset_name, variable=var, usubjid=str(s), code="DATA062")
    return out


def _count(ctx: Ctx, columns: list[ColumnGroup]):
    """(selected records, active columns, (column, block) -> pairs, value -> label, category labels)."""
    a = ctx.analysis
    selected = _selected(ctx)
    active = [c for c in columns if ctx.active(c)]
    data: dict[tuple[str, str], list] = {}
    for col in active:
        recs = ctx.records(col, selected)
        for p, v in blocks(a):
            data[(col.id, block_key(p, v))] = _pairs(ctx, recs, p, v)
    flat = [(s, b, a.baseline) for pairs in data.values() for s, b, _ in pairs]
    flat += [(s, q, a.post) for pairs in data.values() for s, _, q in pairs]
    labels = categories(ctx, flat)
    if not a.missing and any(x is None for _, x, _ in flat):
        s, _, var = next(t for t in flat if t[1] is None)
        raise DataError(f"missing category (analysis '{a.id}', `missing: false`)", dataset=ctx.dataset_name,
                        variable=var, usubjid=str(s), code="DATA062")
    cats = list(dict.fromkeys(labels.values()))
    base_cats = cats + ([MISSING] if any(x is None and v == a.baseline for _, x, v in flat) else [])
    post_cats = cats + ([MISSING] if any(x is None and v == a.post for _, x, v in flat) else [])
    return selected, active, data, labels, (base_cats, post_cats)


def run(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    a = ctx.analysis
    selected, active, data, labels, cats = _count(ctx, columns)
    rows = _label_rows(ctx, selected)
    rows += [ctx.row("", "category", i, 0, parent=POST, level=c, order=i) for i, c in enumerate(cats[1])]
    for col in active:
        for bi, (p, v) in enumerate(blocks(a)):
            rows += _block(ctx, col, block_key(p, v), bi, data[(col.id, block_key(p, v))], labels, cats)
    if a.test != "none":
        rows += TESTS[a.test](ctx, active, data, labels, cats)
    return rows


def _label(labels: dict, v: Any) -> str:
    return MISSING if v is None else labels[v]


def _block(ctx: Ctx, col: ColumnGroup, key: str, bi: int, pairs: list, labels: dict,
           cats: tuple[list[str], list[str]]) -> list[dict]:
    a = ctx.analysis
    counts: dict[tuple[str, str], int] = {}
    for _, b, q in pairs:
        k = (_label(labels, b), _label(labels, q))
        counts[k] = counts.get(k, 0) + 1
    block_n = len(pairs)
    assessed = sum(1 for _, _, q in pairs if q is not None)
    fixed = {"N": col.n, "records": block_n, "assessed": assessed}
    base_cats, post_cats = cats
    rows = []
    for ri, base in enumerate([*base_cats, TOTAL]):  # the Total row and column are always in the ARD
        row_total = block_n if base == TOTAL else sum(counts.get((base, q), 0) for q in post_cats)
        denom = fixed.get(a.denominator, row_total)
        for q in [*post_cats, TOTAL]:
            if q == TOTAL:
                n = row_total
            elif base == TOTAL:
                n = sum(counts.get((b, q), 0) for b in base_cats)
            else:
                n = counts.get((base, q), 0)
            rows += n_p(ctx, f"{col.id}|{q}", n, denom, carry=True, empty=EMPTY[ctx.analysis.denominator],
                        parent=key, level=base, order=bi * 1000 + ri)
    return rows


def _label_rows(ctx: Ctx, selected: pd.DataFrame) -> list[dict]:
    a = ctx.analysis
    rows = []
    for i, p in enumerate(a.params):
        recs = selected[selected[a.param_var] == p]
        label = p
        if a.param_label_var and a.param_label_var in recs.columns and len(recs):
            label = str(recs[a.param_label_var].iloc[0]).strip()
        rows.append(ctx.row("", "param", float("nan"), 0, variable=a.param_labels.get(p, label), parent=PARAM,
                            level=p, order=i))
    return rows


def fisher_rows(ctx: Ctx, active: list[ColumnGroup], data: dict, labels: dict,
                cats: tuple[list[str], list[str]]) -> list[dict]:
    """Per block and baseline category (not Missing): Fisher's exact test of the post-baseline category
    (Missing left out) by treatment column."""
    from tlf.stats.compare import compare_counts

    a = ctx.analysis
    base_cats, post_cats = cats
    post = [c for c in post_cats if c != MISSING]
    rows = []
    for bi, (p, v) in enumerate(blocks(a)):
        key = block_key(p, v)
        for ri, base in enumerate(base_cats):
            if base == MISSING:  # no test of subjects without a baseline category
                continue
            table = []
            for col in distinct_columns(active):
                pairs = data[(col.id, key)]
                table.append([sum(1 for _, b, q in pairs if _label(labels, b) == base and q is not None
                                  and _label(labels, q) == q_label) for q_label in post])
            if sum(map(sum, table)):
                r = compare_counts(table, "fisher")
                p_value, note = r.pvalue, "; ".join(r.notes)
            else:
                p_value, note = float("nan"), "no subject in the baseline category"
            rows.append(ctx.row("pvalue", "pvalue", p_value, 3, variable="fisher", parent=key, level=base,
                                order=bi * 1000 + ri, warning=note))
    return rows


def cmh_rows(ctx: Ctx, active: list[ColumnGroup], data: dict, labels: dict,
             cats: tuple[list[str], list[str]]) -> list[dict]:
    """Per block: the CMH general association of post-baseline category by treatment column, stratified by
    the baseline category (Missing categories left out; columns sharing subjects with an earlier one, such
    as a Total, left out), on the block's first row (level "")."""
    from tlf.stats.cmh import cmh

    a = ctx.analysis
    base_cats, post_cats = cats
    post = [c for c in post_cats if c != MISSING]
    groups = distinct_columns(active)
    rows = []
    for bi, (p, v) in enumerate(blocks(a)):
        key = block_key(p, v)
        tables = [[[sum(1 for _, b, q in data[(col.id, key)] if b is not None and q is not None
                        and _label(labels, b) == base and _label(labels, q) == q_label) for q_label in post]
                   for col in groups] for base in base_cats if base != MISSING]
        res = cmh(tables).general if tables and post else None
        p_value = res.pvalue if res else float("nan")
        note = "; ".join(res.notes) if res else "no subject with a baseline and a post-baseline category"
        rows.append(ctx.row("pvalue", "pvalue", p_value, 3, variable="cmh", parent=key, level="",
                            order=bi * 1000, warning=note))
    return rows


def distinct_columns(active: list[ColumnGroup]) -> list[ColumnGroup]:
    """The columns, in order, that share no subject with an earlier one (a Total column is left out)."""
    kept, seen = [], set()
    for col in active:
        if not seen & set(col.subjects):
            kept.append(col)
            seen |= set(col.subjects)
    return kept


TESTS = {"fisher": fisher_rows, "cmh": cmh_rows}


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """Variables, parameters and visits; one record per subject and block; categories the levels take."""
    _count(ctx, columns)
    return where_findings(ctx, columns)


RUNNERS = {"shift": run}
CHECKS = {"shift": check}
