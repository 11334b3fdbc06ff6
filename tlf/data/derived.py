"""Datasets made from other datasets in the data stage: the `where:` filter of a derived dataset, and
`subjects:` (a subject-level dataset, one record per subject, from a long dataset). NCA datasets are
computed by the statistics stage (tlf.stats.nca_data) and handed in by the orchestrator."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tlf.data import expr as ex
from tlf.data.read import Dataset
from tlf.errors import DataError, did_you_mean, raise_all

if TYPE_CHECKING:
    import pandas as pd

    from tlf.spec.derived import SubjectsSpec

ErrorFn = Callable[[tuple, str, str], Exception]  # (key under the derived dataset, message, code)


def filter_where(frame: pd.DataFrame, where: str, err: ErrorFn, dataset: str) -> pd.DataFrame:
    """The records of `frame` meeting `where`; a bad expression is an error located at `where`."""
    try:
        return frame[ex.evaluate(ex.parse(where), frame)]
    except ex.ExprError as e:
        raise err(("where",), f"{e} (dataset {dataset})", "SPEC040") from None


def subjects_dataset(src: Dataset, spec: SubjectsSpec, name: str, subject_id: str, err: ErrorFn) -> Dataset:
    """One record per subject of `src` (in order of first appearance) with the `keep` variables; a kept
    variable with two values for one subject is a DataError naming the subject."""
    keep = [k.upper() for k in spec.keep]
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
