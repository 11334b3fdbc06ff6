"""Datasets made from other datasets in the data stage: the `where:` filter of a derived dataset, and
`subjects:` (a subject-level dataset, one record per subject, from a long dataset) and `pivot:` (long to
wide). NCA datasets are computed by the statistics stage (tlf.analyses.pk.nca_dataset) and handed in by the
orchestrator (tlf.data.sources.DerivedFrom.rule). The error functions here take the key under the
derived dataset (data.datasets.<name>.<kind>)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tlf.data import expr as ex
from tlf.data.read import Dataset
from tlf.data.sources import ErrorFn, Pivot, Subjects
from tlf.errors import DataError, Finding, did_you_mean, raise_all

if TYPE_CHECKING:
    import pandas as pd


def filter_where(frame: pd.DataFrame, where: str, err: ErrorFn, dataset: str,
                 found: Callable[[Finding], None] | None = None) -> pd.DataFrame:
    """The records of `frame` meeting `where`; a bad expression is an error located at `where`, a division
    by zero a finding (DATA050) passed to `found`."""
    zero = ex.ZeroDivisions()
    try:
        keep = ex.evaluate(ex.parse(where), frame, zero)
    except ex.ExprError as e:
        raise err(("where",), f"{e} (dataset {dataset})", e.code or "SPEC040") from None
    if len(zero) and found:
        found(Finding(err(("where",), zero.message(where, dataset), "DATA050")))
    return frame[keep]


def subjects_dataset(src: Dataset, rule: Subjects, name: str, subject_id: str, err: ErrorFn) -> Dataset:
    """One record per subject of `src` (in order of first appearance) with the `keep` variables; a kept
    variable with two values for one subject is a DataError naming the subject."""
    keep = [k.upper() for k in rule.keep]
    frame = src.frame
    missing = [(i, v) for i, v in enumerate([subject_id, *keep]) if v not in frame.columns]
    raise_all([err(("keep", i - 1) if i else ("from",), f"variable '{v}' not found in dataset {src.name}"
                   f"{did_you_mean(v, frame.columns)}", "SPEC041") for i, v in missing])
    cols = [subject_id, *[k for k in keep if k != subject_id]]
    sub = frame[cols]
    for k in cols[1:]:
        n = sub.groupby(subject_id, sort=False, dropna=False)[k].nunique(dropna=False)
        if (n > 1).any():
            who = str(n.index[n > 1][0])
            raise DataError(f"has more than one value for a subject; `subjects: keep` needs one value per "
                            f"subject (dataset '{name}')", dataset=src.name, variable=k, usubjid=who,
                            code="DATA022")
    out = sub.drop_duplicates(subject_id).reset_index(drop=True)
    labels = {k: v for k, v in src.labels.items() if k in cols}
    return Dataset(name, out, labels, None, ())


def pivot_dataset(src: Dataset, rule: Pivot, name: str, err: ErrorFn) -> Dataset:
    """Long to wide (study.yaml `pivot:`): the `id` variables, then one column per value of `names` in
    order of first appearance, holding `values`; missing where a record has no such row."""
    import pandas as pd

    frame = src.frame
    ids = [v.upper() for v in rule.id]
    names, values = rule.names.upper(), rule.values.upper()
    label = rule.label.upper() if rule.label else None
    wanted = [(("id", i), v) for i, v in enumerate(ids)] + [(("names",), names), (("values",), values)]
    wanted += [(("label",), label)] if label else []
    raise_all([err(key, f"variable '{v}' not found in dataset {src.name}{did_you_mean(v, frame.columns)}", "SPEC041")
               for key, v in wanted if v not in frame.columns])
    new = [str(n).strip().upper() for n in frame[names]]
    bad = sorted({n for n in new if not n.replace("_", "A").isalnum() or not n[:1].isalpha() or n in ids})
    if bad:
        raise DataError(f"values {', '.join(repr(b) for b in bad[:5])} cannot name columns of the pivoted dataset "
                        f"'{name}' (letters, digits and '_', starting with a letter, not an id variable)",
                        dataset=src.name, variable=names, code="DATA023")
    keyed = frame.assign(__name=new)
    dup = keyed.duplicated([*ids, "__name"], keep=False)
    if dup.any():
        first = keyed[dup].iloc[0]
        who = ", ".join(f"{v}={first[v]}" for v in ids)
        raise DataError(f"more than one record for {who} and {names}={first['__name']}: a pivot needs one value "
                        f"each (dataset '{name}')", dataset=src.name, variable=names, code="DATA024")
    order = list(dict.fromkeys(new))
    wide = keyed.pivot(index=ids, columns="__name", values=values)
    wide = wide.reindex(columns=order).reset_index()
    wide.columns.name = None
    first_rows = keyed.drop_duplicates(ids)[ids]
    out = first_rows.merge(wide, on=ids, how="left", sort=False)  # records in the source's order
    labels = {v: src.labels.get(v, "") for v in ids}
    if label:
        texts = keyed.drop_duplicates("__name").set_index("__name")[label]
        labels.update({n: str(texts[n]) for n in order})
    return Dataset(name, pd.DataFrame(out), {k: v for k, v in labels.items() if v}, None, ())
