"""Numbers behind plots over time: per treatment column, panel and time point, n, mean, SD, SE and
95% CI of a variable. Numbers only; the figure layout draws them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from tlf.data import expr as ex
from tlf.errors import did_you_mean
from tlf.stats.descriptive import describe

if TYPE_CHECKING:
    from tlf.data.datasets import StudyData
    from tlf.spec.validate import OutputEntry
    from tlf.stats.analyze import ColumnGroup

ANALYSIS = "plot"


def mean_by_visit_rows(entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> list[dict]:
    """ARD rows of a `mean_by_visit` plot: parent = panel label, level = time point label, stats n, mean,
    sd, se, ci_low, ci_high and x (the numeric position)."""
    from scipy import stats as st

    plot = entry.spec.plot
    frame = data.dataset(plot.dataset).frame
    sid = data.subject_id
    pvar = data.period_var(plot.dataset)

    def err(key: tuple, msg: str, code: str = "SPEC041"):
        return entry.error(("plot", *key), msg, code)

    for key in ("var", "x", "x_label"):
        name = getattr(plot, key)
        if name is not None and name not in frame.columns:
            raise err((key,), f"variable '{name}' not found in dataset {plot.dataset}"
                      f"{did_you_mean(name, frame.columns)}")

    def mask(text: str | None, recs, key: tuple):
        if not text:
            return None
        try:
            return ex.evaluate(ex.parse(text), recs)
        except ex.ExprError as e:
            raise err(key, f"{e} (dataset {plot.dataset})", "SPEC040") from None

    rows: list[dict] = []
    for col in columns:
        recs = frame[frame[sid].isin(col.subjects)]
        if pvar and col.period is not None:
            recs = recs[recs[pvar] == col.period]
        m = mask(plot.where, recs, ("where",))
        if m is not None:
            recs = recs[m]
        for i, panel in enumerate(plot.panels):
            pm = mask(panel.where, recs, ("panels", i, "where"))
            sub = recs[pm] if pm is not None else recs
            sub = sub[sub[plot.x].notna()]
            labels = sub[plot.x_label] if plot.x_label else sub[plot.x]
            for order, (x, grp) in enumerate(sorted(sub.groupby(plot.x), key=lambda kv: kv[0])):
                label = (str(labels.loc[grp.index].iloc[0]).strip() if plot.x_label
                         else f"{float(x):g}")  # a number as its shortest text: 24, not 24.0
                d = describe(grp[plot.var])
                half = (float(st.t.ppf(0.975, d.n - 1)) * d.se) if d.n > 1 else math.nan
                values = {"x": float(x), "n": d.n, "mean": d.mean, "sd": d.sd, "se": d.se,
                          "ci_low": d.mean - half, "ci_high": d.mean + half}
                for name, value in values.items():
                    rows.append({"output_id": entry.id, "analysis": ANALYSIS, "column": col.id,
                                 "variable": plot.var, "parent": panel.label, "level": label, "stat_name": name,
                                 "stat": float(value), "decimals": 0 if name == "n" else 3, "order": order,
                                 "warning": "" if value == value else "not estimable"})
    return rows
