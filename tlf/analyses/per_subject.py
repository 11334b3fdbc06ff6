"""What a subject with several records counts as, for the analyses that count subjects by a value
(`per_subject:` of `categorical`): every value it has a record of (`any`), or the value of one record
chosen by an order (`worst`/`last`: the highest, `best`/`first`: the lowest by the `order` variables):
a short form of `select:` (tlf/data/select.py, the one implementation), see short_form().
Without `per_subject`, a subject whose records disagree is a located spec error: a subject counted under
several levels makes a column add up to more than 100% without a word."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tlf.data.select import select_records
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
    if how is not None and how != "any":
        return _chosen(ctx, recs, var, how, col)
    values, codes = normalised(recs[var])
    pairs = list(zip(recs[sid].tolist(), values.tolist(), strict=True))
    if how is None and _several_values(recs[sid], codes):
        _require_one_value(ctx, pairs, var)
    return pairs


def normalised(values: pd.Series):
    """norm_value of each value (an object array) and a code per value (equal codes: equal normalised
    values), computed on the distinct values only. A column of other objects than text, numbers and
    missing values (True beside 1 would share a code) is normalised value by value."""
    import numpy as np
    import pandas as pd

    raw = values.to_numpy()
    plain = raw.dtype.kind in "biuf"
    if raw.dtype == object:
        codes, uniques = pd.factorize(raw, use_na_sentinel=False)
        plain = all(v is None or type(v) in (str, float, int) for v in uniques)
    if not plain:  # dates, booleans beside numbers, ...: as a Series iterates them
        out = np.empty(len(raw), dtype=object)
        out[:] = [norm_value(v) for v in values]
        return out, pd.factorize(out, use_na_sentinel=False)[0]
    if raw.dtype != object:
        codes, uniques = pd.factorize(raw, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [norm_value(v) for v in uniques.tolist()]  # Python scalars, as a Series iterates them
    merged = pd.factorize(mapped, use_na_sentinel=False)[0]  # 1.0 and 1, "" and NaN: one value
    return mapped[codes], merged[codes]


def _several_values(subjects: pd.Series, codes) -> bool:
    """Whether some subject has records of more than one (normalised) value."""
    import numpy as np
    import pandas as pd

    from tlf.data.subjects import distinct

    if len(codes) < 2:
        return False
    s = pd.factorize(subjects.to_numpy(), use_na_sentinel=False)[0].astype(np.int64)
    pairs = distinct(s * (int(codes.max()) + 1) + codes)
    return len(pairs) > len(distinct(s))


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


def short_form(how: str, keys: list[str]):
    """The `select:` rule that `per_subject: <how>` with `order: <keys>` is short for: `by` the first order
    variable, `then` the others, all compared the same way (`worst`/`last`: the highest wins, `best`/`first`:
    the lowest), and a subject without a record with the first one present an error (DATA044)."""
    from tlf.spec.base import RecordSelect

    return RecordSelect(record=how, by=keys[0], then=keys[1:] or None,
                        ties="highest" if how in HIGHEST else "lowest", missing="error")


def _chosen(ctx: Ctx, recs: pd.DataFrame, var: str, how: str, col: ColumnGroup) -> list[tuple[Any, Any]]:
    """Per subject, the value of the record that select.py's rule short_form() keeps; records tied on
    every order variable with different values of `var` are an error naming the subject (DATA045)."""
    a = ctx.analysis
    sid = ctx.data.subject_id
    listed = isinstance(a.order, list)
    keys = [ctx.variable(k, col, ("order", i) if listed else "order") for i, k in enumerate(_order_list(a.order))]

    def err(key: tuple, message: str, code: str):
        at = 0 if key[0] == "by" else (key[1] + 1 if len(key) > 1 else 1)  # by: order[0], then[i]: order[i+1]
        return ctx.error(("order", at) if listed else "order", message, code)

    chosen = select_records(recs, short_form(how, keys), sid, err, ctx.dataset_name, [var], f"analysis '{a.id}'")
    return [(s, norm_value(v)) for s, v in zip(chosen[sid], chosen[var], strict=True)]


def _order_list(order: str | list[str] | None) -> list[str]:
    return [] if order is None else ([order] if isinstance(order, str) else list(order))
