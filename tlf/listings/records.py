"""Spec + data -> the records a listing prints: population, filter, subject-level variables, sort order.

Every variable the spec names is checked against the data first, and all the missing ones are
reported together, each at its key in the spec:

    specs/l-16-2-7-1.yaml:14:13: columns[3].var: variable 'AEDECD' not found in dataset adae (did you
    mean 'AEDECOD'?) [SPEC070]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.data import expr as ex
from tlf.errors import TlfError, did_you_mean, raise_all

if TYPE_CHECKING:
    import pandas as pd

    from tlf.data.datasets import StudyData
    from tlf.data.populations import Population
    from tlf.spec.listing import ListingOutput, SortKey
    from tlf.spec.validate import OutputEntry, Study


def select_records(study: Study, entry: OutputEntry, data: StudyData, pops: dict[str, Population]) -> pd.DataFrame:
    """The listing's records, in print order (index 0..n-1), with the variables the spec uses."""
    spec: ListingOutput = entry.spec
    sid = data.subject_id
    frame = data.dataset(spec.dataset).frame
    errors: list[TlfError] = []
    if spec.subject_vars:
        frame = _add_subject_vars(study, entry, data, frame, errors)
    _check_variables(entry, frame, spec, errors)
    raise_all(errors)
    keep = frame[sid].isin(pops[spec.population].subjects)
    if spec.where:
        try:
            keep &= ex.evaluate(ex.parse(spec.where), frame)
        except ex.ExprError as e:
            raise entry.error(("where",), f"{e} in dataset {spec.dataset}", "SPEC040") from None
    records = frame.loc[keep]
    return _sort(records, spec).reset_index(drop=True)


def _add_subject_vars(study: Study, entry: OutputEntry, data: StudyData, frame: pd.DataFrame,
                      errors: list[TlfError]) -> pd.DataFrame:
    spec = entry.spec
    sid = data.subject_id
    adsl = data.subjects
    names: list[str] = []
    for i, var in enumerate(spec.subject_vars):
        name = var.upper()
        if name not in adsl.columns:
            errors.append(entry.error(("subject_vars", i), f"variable '{var}' not found in the subject-level "
                                      f"dataset {study.spec.data.subject_dataset}{did_you_mean(name, adsl.columns)}",
                                      "SPEC073"))
        elif name not in names and name != sid:
            names.append(name)
    if not names:
        return frame
    extra = adsl[[sid, *names]]
    base = frame.drop(columns=[n for n in names if n in frame.columns])  # ADSL's value wins
    merged = base.merge(extra, on=sid, how="left", sort=False, validate="many_to_one")
    merged.index = frame.index
    return merged


def _check_variables(entry: OutputEntry, frame: pd.DataFrame, spec: ListingOutput,
                     errors: list[TlfError]) -> None:
    """Located errors for every variable of a column, sort key or page-by not in the data."""
    cols = frame.columns  # the dataset's variables and its subject_vars
    where = f"dataset {spec.dataset}"

    def need(var: str, key: tuple, code: str, what: str = "variable") -> None:
        name = var.upper()
        if name not in cols:
            errors.append(entry.error(key, f"{what} '{var}' not found in {where}{did_you_mean(name, cols)}", code))

    for i, c in enumerate(spec.columns):
        if c.var is not None:
            need(c.var, ("columns", i, "var"), "SPEC070")
        for j, v in enumerate(c.vars or []):
            need(v, ("columns", i, "vars", j), "SPEC070")
        if c.ref:
            need(c.ref, ("columns", i, "ref"), "SPEC070", "reference date")
    for i, k in enumerate(spec.sort):
        var = k if isinstance(k, str) else k.var
        key = ("sort", i) if isinstance(k, str) else ("sort", i, "var")
        need(var, key, "SPEC071", "sort key")
    pb = spec.page_by_spec
    if pb is not None:
        need(pb.var, ("page_by",) if isinstance(spec.page_by, str) else ("page_by", "var"), "SPEC072",
             "page-by variable")


def _sort(records: pd.DataFrame, spec: ListingOutput) -> pd.DataFrame:
    """Stable sort: page-by variable first, then the sort keys; missing values last."""
    keys: list[SortKey] = []
    pb = spec.page_by_spec
    if pb is not None:
        from tlf.spec.listing import SortKey

        keys.append(SortKey(var=pb.var, order=pb.order))
    keys += [k for k in spec.sort_keys if not (pb is not None and k.var.upper() == pb.var.upper()
                                                and k.order is None and not k.descending)]
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
