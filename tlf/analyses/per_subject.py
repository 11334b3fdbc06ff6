"""What a subject with several records counts as, for the analyses that count subjects by a value
(`per_subject:` of `categorical`): every value it has a record of (`any`), or the value of one record
chosen by an order (`worst`/`last`: the highest, `best`/`first`: the lowest by the `order` variables).
Without `per_subject`, a subject whose records disagree is a located spec error: a subject counted under
several levels makes a column add up to more than 100% without a word."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tlf.errors import DataError
from tlf.stats.values import norm_value

if TYPE_CHECKING:
    import pandas as pd

    from tlf.analyses.context import ColumnGroup, Ctx

HIGHEST = ("worst", "last")
SHOWN = 3


def subject_values(ctx: Ctx, recs: pd.DataFrame, var: str, col: ColumnGroup) -> list[tuple[Any, Any]]:
    """(subject, value) pairs to count: each record's (`per_subject: any`, or one record per subject),
    or the chosen record's per subject."""
    a = ctx.analysis
    sid = ctx.data.subject_id
    how = getattr(a, "per_subject", None)
    pairs = [(s, norm_value(v)) for s, v in zip(recs[sid], recs[var], strict=True)]
    if how == "any":
        return pairs
    if how is None:
        _require_one_value(ctx, pairs, var)
        return pairs
    return _chosen(ctx, recs, var, how, col)


def _require_one_value(ctx: Ctx, pairs: list[tuple[Any, Any]], var: str) -> None:
    values: dict[Any, list] = {}
    for s, v in pairs:
        seen = values.setdefault(s, [])
        if v not in seen:
            seen.append(v)
    many = {s: v for s, v in values.items() if len(v) > 1}
    if not many:
        return
    first = list(many.items())[:SHOWN]
    eg = "; ".join(f"{s}: {', '.join('(missing)' if x is None else str(x) for x in v)}" for s, v in first)
    raise ctx.error("per_subject", f"{len(many)} subject(s) have records of different values of {var} in dataset "
                    f"{ctx.dataset_name} ({eg}): each would be counted under every one of them. Say what a "
                    "subject counts as: `per_subject: worst` (or best, first, last) with `order:` (e.g. "
                    "AESEVN, ADT), or `per_subject: any` to count it under every value it has", "SPEC047")


def _chosen(ctx: Ctx, recs: pd.DataFrame, var: str, how: str, col: ColumnGroup) -> list[tuple[Any, Any]]:
    """Per subject, the value of its record with the highest (worst, last) or lowest (best, first) `order`
    values, compared in turn; records missing an order value are not chosen. A subject whose top records
    tie on every order variable but disagree on the value is an error naming it."""
    a = ctx.analysis
    sid = ctx.data.subject_id
    keys = [ctx.variable(k, col, ("order", i) if isinstance(a.order, list) else "order")
            for i, k in enumerate(_order_list(a.order))]
    out: list[tuple[Any, Any]] = []
    for subject, group in recs.groupby(sid, sort=False):
        usable = group.dropna(subset=keys)
        if usable.empty:
            raise DataError(f"has no record with {', '.join(keys)} present to choose the {how} record by "
                            f"(analysis '{a.id}')", dataset=ctx.dataset_name, variable=keys[0],
                            usubjid=str(subject), code="DATA044")
        ranked = usable.sort_values(keys, ascending=how not in HIGHEST, kind="stable")
        top = ranked.iloc[0][keys].tolist()
        tied = ranked[(ranked[keys] == top).all(axis=1)]
        values = list(dict.fromkeys(norm_value(v) for v in tied[var]))
        if len(values) > 1:
            raise DataError(f"has {len(tied)} records tied for the {how} by {', '.join(keys)} with different "
                            f"values of {var} ({', '.join('(missing)' if v is None else str(v) for v in values)}); "
                            f"add an `order` variable that tells them apart (analysis '{a.id}')",
                            dataset=ctx.dataset_name, variable=var, usubjid=str(subject), code="DATA045")
        out.append((subject, values[0]))
    return out


def _order_list(order: str | list[str] | None) -> list[str]:
    return [] if order is None else ([order] if isinstance(order, str) else list(order))
