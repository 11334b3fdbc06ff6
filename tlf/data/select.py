"""Record selection: one record per subject (and per the `per` variables) chosen by a rule -- `worst`,
`best`, `first`, `last`, `min` or `max` by an order variable `by`, ties broken by the `then` variables
and then by record order. Shared by every analysis (`select:` of an analysis, applied after its `where`)
and by a derived dataset (study.yaml `data.datasets.<name>.select`).

The rule (plain values, the spec's `select:` model or a tlf.data.sources.Select):

- `max` / `min`: the record with the highest / lowest `by`.
- `worst` / `best`: the highest / lowest `by` (the lowest / highest with `worst_is: low`).
- `last` / `first`: the highest / lowest `by` (a date, a visit number, ...).
- `order`: the levels of a text `by` from best to worst (e.g. [NORMAL, LOW, HIGH]): a level's rank is
  its position; a non-missing value no level lists is an error (DATA060), never silently ranked.
- ties on `by`: the lowest `then` value (the earliest date) wins, for `last` the highest (`ties:` says
  which, e.g. `highest` for the latest of the worst); then the first record in dataset order (for the
  highest, the last one). A missing `then` value loses a tie.
- records still tied on `by` and every `then` that differ in an analysed variable (`values`: an
  analysis' `var`) are an error (DATA045): dataset order would pick one of two different answers.
- a missing `by` is never chosen while the subject (and `per` group) has a record with a value; a group
  whose records all miss `by` has no selected record (`missing: drop`, the default), keeps one of them
  chosen by `then` and record order (`missing: keep`: e.g. to count it in a "Missing" category) or is an
  error (`missing: error`, DATA044).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tlf.errors import DataError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

ErrorFn = Callable[[tuple, str, str], Exception]  # (key under the `select:`, message, code) -> located error
HIGH = {"max", "last"}
RECORDS = ("worst", "best", "first", "last", "min", "max")


def picks_highest(record: str, worst_is: str = "high") -> bool:
    """Whether rule `record` picks the highest rank of `by` (else the lowest)."""
    if record in HIGH:
        return True
    if record in ("worst", "best"):
        return (record == "worst") == (worst_is == "high")
    return False


def _names(v) -> list[str]:
    return [] if v is None else ([v] if isinstance(v, str) else list(v))


def _norm(v: Any) -> str:
    """A value as the key of an `order` level: a whole-number float reads as the integer (1.0 -> "1")."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _missing(values: pd.Series) -> pd.Series:
    text = values.astype(object)
    return values.isna() | text.map(lambda x: isinstance(x, str) and not x.strip())


def _dates_as_datetimes(values: pd.Series, miss: pd.Series) -> pd.Series:
    """A text column holding only dates or date-times (as a SAS date read into Python objects) as datetime64."""
    import datetime as dt

    import pandas as pd

    if values.dtype != object:
        return values
    present = values[~miss]
    if len(present) and all(isinstance(v, (dt.date, dt.datetime)) for v in present):
        return pd.to_datetime(values.where(~miss))
    return values


def _rank(values: pd.Series, order: list | None, *, text_ok: bool, err: ErrorFn, key: tuple, dataset: str,
          sid: pd.Series) -> pd.Series:
    """A float rank per value (NaN where missing): the position in `order`, the number, or (text allowed
    only where `text_ok`) the position in sorted order."""
    import pandas as pd

    miss = _missing(values)
    if order is not None:
        ranks = {_norm(v): i for i, v in enumerate(order)}
        keys = values.map(lambda v: None if v is None else _norm(v))
        bad = ~miss & ~keys.isin(list(ranks))
        if bad.any():
            i = bad.to_numpy().argmax()
            raise DataError(f"value '{values.iloc[i]}' is not one of the `order` levels ({', '.join(map(str, order))}) "
                            "of the record selection: list every level so that no value is ranked by guess",
                            dataset=dataset, variable=str(values.name), usubjid=str(sid.iloc[i]), code="DATA060")
        return keys.map(lambda k: ranks.get(k, float("nan"))).astype(float).where(~miss)
    values = _dates_as_datetimes(values, miss)
    if pd.api.types.is_datetime64_any_dtype(values):  # dates rank by time; NaT is missing
        ns = values.to_numpy().astype("datetime64[ns]").astype("int64").astype(float)
        return pd.Series(ns, index=values.index).where(~miss & values.notna())
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    nums = pd.to_numeric(values.where(~miss), errors="coerce")
    if not (nums.isna() & ~miss).any():
        return nums.astype(float)
    if not text_ok:
        raise err(key, f"variable '{values.name}' is text: say how its values rank with `order:` (the levels from "
                       "best to worst, e.g. [NORMAL, LOW, HIGH])", "SPEC116")
    levels = sorted({str(v) for v in values[~miss]})
    pos = {v: float(i) for i, v in enumerate(levels)}
    return values.map(lambda v: pos.get(str(v), float("nan"))).where(~miss).astype(float)


def ties_high(rule) -> bool:
    """Whether the highest `then` value (and the last record) wins a tie on `by`."""
    ties = getattr(rule, "ties", None)
    return rule.record == "last" if ties is None else ties == "highest"


def select_records(frame: pd.DataFrame, rule, subject_id: str, err: ErrorFn, dataset: str,
                   values: list[str] | tuple[str, ...] = (), what: str = "") -> pd.DataFrame:
    """The records of `frame` that `rule` selects: one per subject and `per` group (none for a group whose
    records all miss `by`, unless `missing: keep`), in the frame's record order. Records tied on `by` and
    every `then` that differ in one of the `values` variables are an error (DATA045) naming the subject;
    `what` (e.g. "analysis 'sev'") locates the data errors."""
    import numpy as np

    by = rule.by.upper()
    then = [t.upper() for t in _names(rule.then)]
    per = [p.upper() for p in _names(rule.per)]
    wanted = [(("by",), by)] + [(("then", i) if isinstance(rule.then, list) else ("then",), t)
                                for i, t in enumerate(then)]
    wanted += [(("per", i), p) for i, p in enumerate(per)]
    for key, var in wanted:
        if var not in frame.columns:
            raise err(key, f"variable '{var}' not found in dataset {dataset}{did_you_mean(var, frame.columns)}",
                      "SPEC115")
    if frame.empty:
        return frame
    high = picks_highest(rule.record, getattr(rule, "worst_is", "high"))
    sid = frame[subject_id]
    rank = _rank(frame[by], rule.order, text_ok=rule.record in ("first", "last"), err=err, key=("by",),
                 dataset=dataset, sid=sid)
    import pandas as pd

    n = len(frame)
    sort = {}
    sort["__mb"] = rank.isna().to_numpy().astype(int)
    sort["__kb"] = np.nan_to_num((-rank if high else rank).to_numpy(dtype=float), nan=0.0)
    tie_high = ties_high(rule)
    for i, t in enumerate(then):
        r = _rank(frame[t], None, text_ok=True, err=err, key=("then",), dataset=dataset, sid=sid)
        sort[f"__mt{i}"] = r.isna().to_numpy().astype(int)
        sort[f"__kt{i}"] = np.nan_to_num((-r if tie_high else r).to_numpy(dtype=float), nan=0.0)
    sort["__pos"] = -np.arange(n) if tie_high else np.arange(n)
    keyed = pd.DataFrame(sort)
    group = [subject_id, *[p for p in per if p != subject_id]]
    for g in group:
        keyed[f"__g_{g}"] = frame[g].astype(object).where(~_missing(frame[g]), None).to_numpy()
    gcols = [f"__g_{g}" for g in group]
    ordered = keyed.sort_values([*sort], kind="stable")
    first = ordered.drop_duplicates(subset=gcols, keep="first")
    missing = getattr(rule, "missing", "drop")
    where = f" ({what})" if what else ""
    if missing == "error" and (first["__mb"] == 1).any():
        i = int(first.index[(first["__mb"] == 1).to_numpy()][0])
        raise DataError(f"has no record with {by} present to choose the {rule.record} record by{where}",
                        dataset=dataset, variable=by, usubjid=str(sid.iloc[i]), code="DATA044")
    if missing != "keep":
        first = first[first["__mb"] == 0]
    _refuse_ties(frame, ordered, first, [c for c in sort if c != "__pos"], gcols, values, rule, dataset, sid, where)
    return frame.iloc[np.sort(first.index.to_numpy())]


def _refuse_ties(frame: pd.DataFrame, ordered: pd.DataFrame, first: pd.DataFrame, keys: list[str], gcols: list[str],
                 values, rule, dataset: str, sid: pd.Series, where: str) -> None:
    """DATA045: a selected record tied on `by` and every `then` with a record of a different value of one
    of `values` (the choice between them would fall to dataset order)."""
    import pandas as pd

    values = [v for v in values if v in frame.columns]
    if not values or first.empty:
        return
    tied = ordered.reset_index().merge(first[gcols + keys], on=gcols + keys).set_index("index")
    if len(tied) == len(first):
        return
    pos = tied.index.to_numpy()
    for var in values:
        raw = frame[var].iloc[pos]
        vals = raw.astype(object).where(~_missing(raw), None)
        keyed = tied[gcols].assign(__v=[None if v is None else _norm(v) for v in vals])
        counts = keyed.groupby(gcols, dropna=False, sort=False)["__v"].nunique(dropna=False)
        if not (counts > 1).any():
            continue
        group = counts.index[(counts > 1).to_numpy()][0]
        group = group if isinstance(group, tuple) else (group,)
        mask = pd.Series(True, index=keyed.index)
        for g, v in zip(gcols, group, strict=True):
            mask &= keyed[g].isna() if v is None or v != v else keyed[g] == v
        rows = pos[mask.to_numpy()]
        shown = list(dict.fromkeys("(missing)" if v is None else str(v) for v in vals[mask.to_numpy()]))
        on = ", ".join([rule.by, *_names(rule.then)])
        raise DataError(f"has {len(rows)} records tied for the {rule.record} by {on} with different values of "
                        f"{var} ({', '.join(shown)}): add a `then` variable that tells them apart{where}",
                        dataset=dataset, variable=var, usubjid=str(sid.iloc[rows[0]]), code="DATA045")


def describe(rule) -> str:
    """The rule in words, e.g. "max AVAL (ties: earliest ADT) per subject and PARAMCD"."""
    then = _names(rule.then)
    ties = f" (ties: {'highest' if ties_high(rule) else 'lowest'} {', '.join(then)})" if then else ""
    per = "".join(f" and {p}" for p in _names(rule.per))
    return f"{rule.record} {rule.by}{ties} per subject{per}"
