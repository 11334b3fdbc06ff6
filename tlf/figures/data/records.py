"""The records a plot reads: one selection for every plot kind that reads its dataset directly.

Per treatment column: the dataset's records of the column's subjects (and of its period, when the
dataset has a period variable), filtered by the plot's `where`; per panel, further by the panel's
`where`. A variable the plot names that is not in the dataset, and a bad filter, are SpecErrors at
the plot's keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from tlf.data import expr as ex
from tlf.errors import did_you_mean

if TYPE_CHECKING:
    import pandas as pd

    from tlf.analyses.context import ColumnGroup
    from tlf.data.datasets import StudyData
    from tlf.spec.validate import OutputEntry


def plot_frame(entry: OutputEntry, data: StudyData, keys: Iterable[str]) -> pd.DataFrame:
    """The plot's dataset, after checking that the variables named by `keys` of the plot spec exist."""
    plot = entry.spec.plot
    frame = data.dataset(plot.dataset).frame
    for key in keys:
        name = getattr(plot, key)
        if name is not None and name not in frame.columns:
            raise entry.error(("plot", key), f"variable '{name}' not found in dataset {plot.dataset}"
                              f"{did_you_mean(name, frame.columns)}", "SPEC041")
    return frame


def _filter(entry: OutputEntry, text: str | None, recs: pd.DataFrame, key: tuple) -> pd.DataFrame:
    if not text:
        return recs
    try:
        return recs[ex.evaluate(ex.parse(text), recs)]
    except ex.ExprError as e:
        raise entry.error(("plot", *key), f"{e} (dataset {entry.spec.plot.dataset})", e.code or "SPEC040") from None


def column_records(entry: OutputEntry, data: StudyData, frame: pd.DataFrame, col: ColumnGroup) -> pd.DataFrame:
    """Records of the column's subjects and period, filtered by the plot's `where`."""
    sid = data.subject_id
    recs = frame[frame[sid].isin(col.subjects)]
    pvar = data.period_var(entry.spec.plot.dataset)
    if pvar and col.period is not None:
        recs = recs[recs[pvar] == col.period]
    return _filter(entry, entry.spec.plot.where, recs, ("where",))


def panel_records(entry: OutputEntry, data: StudyData, frame: pd.DataFrame,
                  columns: list[ColumnGroup]) -> Iterator[tuple[ColumnGroup, object, pd.DataFrame]]:
    """(column, panel, records) for every treatment column and panel of the plot, in order."""
    for col in columns:
        recs = column_records(entry, data, frame, col)
        for i, panel in enumerate(entry.spec.plot.panels):
            yield col, panel, _filter(entry, panel.where, recs, ("panels", i, "where"))
