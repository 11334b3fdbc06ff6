"""`by_grade` of a `terms` analysis: per term (and SOC, and the `overall` block) the subjects at their
worst grade. The any-grade count of a term is the term's own n (tlf/analyses/terms/run.py); this module
adds, under the same (parent, level), one statistic pair per grade row:

    grade{k}_n, grade{k}_p   the k-th row of `by_grade` (1-based: its levels, then its groups)
    missing_n, missing_p     subjects whose records of the term all lack a grade (`missing: row`)

each with `variable` "<grade variable>: <row label>". The overall block is (parent "", level "") with
its own n and p (subjects with any record).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tlf.analyses.context import ColumnGroup, Ctx, n_p
from tlf.errors import DataError
from tlf.stats.grades import MISSING, OVERALL, count_grades, worst_ranks
from tlf.stats.values import norm_value, text_value, value_text

SHOWN = 3


def grade_stat(k: int | None, what: str) -> str:
    """The ARD stat_name of grade row k (0-based) of `by_grade`: "grade1_n", "grade1_p" ...; k None: missing."""
    return f"missing_{what}" if k is None else f"grade{k + 1}_{what}"


def rank_of(v: Any, ranks: dict) -> int | None:
    """The rank of a (normalised, non-missing) grade: as it is, or as a number ("3" for a level 3), or as
    text (3.0 for a level "3")."""
    if v in ranks:
        return ranks[v]
    if isinstance(v, str):
        try:
            v = norm_value(float(v))
        except ValueError:
            return None
        if v in ranks:
            return ranks[v]
    return ranks.get(value_text(v))


def record_ranks(ctx: Ctx, recs, var: str) -> list[int]:
    """The rank of each record's grade (0 the mildest level); a missing grade is MISSING, or the worst
    rank (`missing: worst`), or an error (`missing: error`) [DATA066]; a value that is no level is an
    error naming its subjects [DATA065]."""
    g = ctx.analysis.by_grade
    ranks = g.ranks()
    worst = len(g.levels) - 1
    sid = ctx.data.subject_id
    out: list[int] = []
    unknown: dict[Any, list[str]] = {}
    lacking: list[str] = []
    for s, raw in zip(recs[sid], recs[var], strict=True):
        v = norm_value(raw.strip() if isinstance(raw, str) else raw)
        if v is None:
            lacking.append(str(s))
            out.append(worst if g.missing == "worst" else MISSING)
        elif (r := rank_of(v, ranks)) is not None:
            out.append(r)
        else:
            unknown.setdefault(v, []).append(str(s))
            out.append(MISSING)
    if unknown:
        v, subjects = next(iter(unknown.items()))
        others = f" (and {len(unknown) - 1} more value(s): {', '.join(map(str, list(unknown)[1:SHOWN + 1]))})" \
            if len(unknown) > 1 else ""
        raise DataError(f"grade '{v}' of {len(subjects)} record(s) is not one of by_grade.levels ("
                        f"{', '.join(g.level_labels())}){others}; list it (with its rank) in `levels` "
                        f"(analysis '{ctx.analysis.id}')", dataset=ctx.dataset_name, variable=var,
                        usubjid=subjects[0], code="DATA065")
    if lacking and g.missing == "error":
        raise DataError(f"{len(lacking)} record(s) have no grade (analysis '{ctx.analysis.id}', by_grade.missing: "
                        "error); say how they count: `missing: row` (a Missing row) or `missing: worst`",
                        dataset=ctx.dataset_name, variable=var, usubjid=lacking[0], code="DATA066")
    return out


def grade_ard(ctx: Ctx, active: list[ColumnGroup], keys: list[tuple[tuple[str, str], tuple[str, str]]],
              soc: str | None, term: str, denom_of: Callable[[str, tuple[str, str]], int]) -> list[dict]:
    """The ARD rows of the grade rows: `keys` are the printed (group, term) keys with their ARD (parent,
    level), in order; `soc`/`term` the spec's variable templates; `denom_of(column, key)` the denominator
    of the term's any-grade percentage, which its grade rows share (the overall block: the column's)."""
    a = ctx.analysis
    g = a.by_grade
    sid = ctx.data.subject_id
    rows_spec = g.rows()
    worst_by_col: dict[str, dict] = {}
    variables: dict[str, str] = {}
    for col in active:
        var = ctx.variable(g.variable, col, ("by_grade", "variable"))
        term_var = ctx.variable(term, col, "term")
        soc_var = ctx.variable(soc, col, "soc") if soc else None
        recs = ctx.records(col)
        socs = recs[soc_var] if soc_var else [""] * len(recs)
        ranks = record_ranks(ctx, recs, var)
        records = [(s, text_value(p), text_value(t), r)
                   for s, p, t, r in zip(recs[sid], socs, recs[term_var], ranks, strict=True)]
        worst_by_col[col.id] = worst_ranks(records)
        variables[col.id] = var
    missing_row = g.missing == "row" and any(
        r == MISSING for w in worst_by_col.values() for key, subjects in w.items() for r in subjects.values()
        if key in {k for k, _ in keys} or (g.overall is not None and key == OVERALL))
    table = dict(rows_spec)
    blocks = ([(OVERALL, ("", ""), -1)] if g.overall is not None else []) + \
        [(key, ard, order) for order, (key, ard) in enumerate(keys)]
    out = []
    for col in active:
        worst = worst_by_col[col.id]
        for key, (parent, level), order in blocks:
            subjects = worst.get(key, {})
            denom = denom_of(col.id, key) if key != OVERALL else denom_of(col.id, ("", ""))
            if key == OVERALL:
                out += n_p(ctx, col.id, len(subjects), denom, variable="", parent="", level="", order=order,
                           carry=a.denominator != "N")
            counts = count_grades(subjects, table, denom)
            named = [(k, label, counts[label].n) for k, (label, _) in enumerate(rows_spec)]
            if missing_row:
                named.append((None, g.missing_label, sum(1 for r in subjects.values() if r == MISSING)))
            for k, label, n in named:
                what = f"{variables[col.id]}: {label}"
                out += [ctx.row(col.id, grade_stat(k, "n"), n, 0, variable=what, parent=parent, level=level,
                                order=order),
                        ctx.row(col.id, grade_stat(k, "p"), n / denom if denom else float("nan"), ctx.pct_decimals,
                                variable=what, parent=parent, level=level, order=order,
                                warning="" if denom else "no subject in the denominator")]
    return out


def check_grades(ctx: Ctx, columns: list[ColumnGroup]) -> None:
    """Raises what the run would: the grade variable, values that are no level, missing grades under
    `missing: error`."""
    g = ctx.analysis.by_grade
    for col in columns:
        if ctx.active(col):
            var = ctx.variable(g.variable, col, ("by_grade", "variable"))
            record_ranks(ctx, ctx.records(col), var)
