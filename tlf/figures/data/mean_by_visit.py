"""Numbers behind plots over time: per treatment column, panel and time point, n, mean, SD, SE and
95% CI of a variable. Numbers only; the figure layout draws them."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

from tlf.figures.data.records import panel_records, plot_frame
from tlf.stats.descriptive import describe

if TYPE_CHECKING:
    from tlf.analyses.context import ColumnGroup
    from tlf.data.datasets import StudyData
    from tlf.spec.validate import OutputEntry

ANALYSIS = "plot"


def check_mean_by_visit(entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> None:
    """What `tlf check` asks of the plot: its variables, and its filters run on the dataset (no means)."""
    frame = plot_frame(entry, data, ("var", "x", "x_label"))
    for _ in panel_records(entry, data, frame, columns):
        pass


def mean_by_visit_rows(entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> list[dict]:
    """ARD rows of a `mean_by_visit` plot: parent = panel label, level = time point label, stats n, mean,
    sd, se, ci_low, ci_high and x (the numeric position)."""
    plot = entry.spec.plot
    frame = plot_frame(entry, data, ("var", "x", "x_label"))
    rows: list[dict] = []
    for col, panel, sub in panel_records(entry, data, frame, columns):
        sub = sub[sub[plot.x].notna()]
        labels = sub[plot.x_label] if plot.x_label else sub[plot.x]
        for order, (x, grp) in enumerate(sorted(sub.groupby(plot.x), key=lambda kv: kv[0])):
            label = (str(labels.loc[grp.index].iloc[0]).strip() if plot.x_label
                     else f"{float(x):g}")  # a number as its shortest text: 24, not 24.0
            d = describe(grp[plot.var])
            half = (_t975(d.n - 1) * d.se) if d.n > 1 else math.nan
            values = {"x": float(x), "n": d.n, "mean": d.mean, "sd": d.sd, "se": d.se,
                      "ci_low": d.mean - half, "ci_high": d.mean + half}
            for name, value in values.items():
                rows.append({"output_id": entry.id, "analysis": ANALYSIS, "column": col.id,
                             "variable": plot.var, "parent": panel.label, "level": label, "stat_name": name,
                             "stat": float(value), "decimals": 0 if name == "n" else 3, "order": order,
                             "warning": "" if value == value else "not estimable"})
    return rows


@functools.lru_cache(maxsize=256)
def _t975(df: int) -> float:
    """The 97.5% quantile of t on `df` degrees of freedom (scipy), once per df: a plot asks for the same few
    hundreds of times, and each scipy call costs more than the mean it goes with."""
    from scipy import stats as st

    return float(st.t.ppf(0.975, df))
