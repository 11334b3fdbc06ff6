"""A RecordQuery + data -> the records a listing prints: population, filter, subject-level variables, sort order.

Every variable the listing names is checked against the data first, and all the missing ones are
reported together, each at its key in the spec:

    specs/l-16-2-7-1.yaml:14:13: columns[3].var: variable 'AEDECD' not found in dataset adae (did you
    mean 'AEDECOD'?) [SPEC070]
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from tlf.data import expr as ex
from tlf.errors import Finding, TlfError, did_you_mean, raise_all
from tlf.listings.query import RecordQuery, SortKey

if TYPE_CHECKING:
    import pandas as pd

ErrorFn = Callable[[tuple, str, str], Exception]  # (key in the listing's spec, message, code) -> located error


def select_records(frame: pd.DataFrame, subjects: pd.DataFrame, members: Collection[str], query: RecordQuery, *,
                   subject_id: str, subject_dataset: str, error: ErrorFn,
                   found: Callable[[Finding], None] | None = None) -> pd.DataFrame:
    """The records of `frame` (dataset `query.dataset`) the listing prints, in print order (index 0..n-1):
    those of the population's `members` meeting `query.where`, with the `subject_vars` taken from
    `subjects` (the subject-level dataset `subject_dataset`). `error(key, message, code)` locates an error
    at a key of the listing's spec; a division by zero in `where` is a finding (DATA050) passed to `found`."""
    sid = subject_id
    errors: list[TlfError] = []
    if query.subject_vars:
        frame = _add_subject_vars(query.subject_vars, subjects, subject_dataset, sid, frame, error, errors)
    _check_variables(query, frame, error, errors)
    raise_all(errors)
    keep = frame[sid].isin(members)
    if query.where:
        zero = ex.ZeroDivisions()
        try:
            keep &= ex.evaluate(ex.parse(query.where), frame, zero)
        except ex.ExprError as e:
            raise error(("where",), f"{e} in dataset {query.dataset}", e.code or "SPEC040") from None
        if len(zero) and found:
            found(Finding(error(("where",), zero.message(query.where, query.dataset), "DATA050")))
    records = frame.loc[keep]
    return _sort(records, query.sort).reset_index(drop=True)


def _add_subject_vars(subject_vars: tuple[str, ...], adsl: pd.DataFrame, subject_dataset: str, sid: str,
                      frame: pd.DataFrame, error: ErrorFn, errors: list[TlfError]) -> pd.DataFrame:
    names: list[str] = []
    for i, var in enumerate(subject_vars):
        name = var.upper()
        if name not in adsl.columns:
            errors.append(error(("subject_vars", i), f"variable '{var}' not found in the subject-level "
                                f"dataset {subject_dataset}{did_you_mean(name, adsl.columns)}", "SPEC073"))
        elif name not in names and name != sid:
            names.append(name)
    if not names:
        return frame
    extra = adsl[[sid, *names]]
    base = frame.drop(columns=[n for n in names if n in frame.columns])  # ADSL's value wins
    merged = base.merge(extra, on=sid, how="left", sort=False, validate="many_to_one")
    merged.index = frame.index
    return merged


def _check_variables(query: RecordQuery, frame: pd.DataFrame, error: ErrorFn, errors: list[TlfError]) -> None:
    """Located errors for every variable of a column, sort key or page-by not in the data."""
    cols = frame.columns  # the dataset's variables and its subject_vars
    where = f"dataset {query.dataset}"
    for n in query.needed:
        name = n.var.upper()
        if name not in cols:
            errors.append(error(n.key, f"{n.what} '{n.var}' not found in {where}{did_you_mean(name, cols)}", n.code))


def _sort(records: pd.DataFrame, keys: tuple[SortKey, ...]) -> pd.DataFrame:
    """Stable sort by the keys (the page-by variable first, then the sort keys); missing values last."""
    if not keys or records.empty:
        return records
    import pandas as pd

    columns = {}
    ascending = []
    for i, k in enumerate(keys):
        columns[f"__k{i}"] = _sort_values(records[k.var.upper()], k)
        ascending.append(not k.descending)
    order = pd.DataFrame(columns, index=records.index)
    order = order.sort_values(list(columns), ascending=ascending, kind="mergesort", na_position="last")
    return records.loc[order.index]


def _sort_values(values: pd.Series, key: SortKey):
    """Values that sort as the key says: numbers as numbers, dates as dates, text as text, with the
    listed `order` first; missing ("" or NaN) as NaN, so that it sorts last."""
    import numpy as np
    import pandas as pd

    from tlf.format.values import fmt_texts

    if key.order is not None:
        rank = {t: i for i, t in enumerate(fmt_texts(key.order))}
        texts = fmt_texts(values)
        known = [rank.get(t) for t in texts]
        others = sorted({t for t, r in zip(texts, known, strict=True) if r is None and t})
        rank.update({t: len(key.order) + i for i, t in enumerate(others)})
        return pd.Series([rank.get(t, np.nan) if t else np.nan for t in texts], index=values.index, dtype="float64")
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values
    if values.map(lambda v: v is None or isinstance(v, str) or v != v).all():
        return values.where(values.astype(str).str.strip() != "", np.nan)
    from tlf.data.dates import as_timestamps

    return as_timestamps(values)  # Python dates from SAS transport files
