"""Numbers behind individual-profile plots (`plot: {kind: individual}`): per treatment column, panel,
subject and sample, the time and the value. Numbers only; tlf/figures/layout_pk.py draws them.

ARD rows: analysis "plot", column = treatment column, parent = panel label, level = "<subject> @ <x>",
stat_name "x" (the time) and "y" (the value), order = the sample's position in the subject's profile.
Samples without a value (BLQ, missing) are left out, so a log axis never meets a zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.data import expr as ex
from tlf.errors import DataError, did_you_mean

if TYPE_CHECKING:
    from tlf.data.datasets import StudyData
    from tlf.spec.validate import OutputEntry
    from tlf.stats.analyze import ColumnGroup

ANALYSIS = "plot"


def _x_text(x: float) -> str:
    return f"{x:g}"


def individual_rows(entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> list[dict]:
    import pandas as pd

    plot = entry.spec.plot
    frame = data.dataset(plot.dataset).frame
    sid = data.subject_id
    pvar = data.period_var(plot.dataset)

    def err(key: tuple, msg: str, code: str = "SPEC041"):
        return entry.error(("plot", *key), msg, code)

    for key in ("var", "x"):
        name = getattr(plot, key)
        if name not in frame.columns:
            raise err((key,), f"variable '{name}' not found in dataset {plot.dataset}"
                      f"{did_you_mean(name, frame.columns)}")
        if not pd.api.types.is_numeric_dtype(frame[name]):
            raise DataError(f"is not numeric; the {key} of an individual-profile plot must be (output '{entry.id}')",
                            dataset=plot.dataset, variable=name, code="DATA041")

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
            sub = sub[sub[plot.x].notna() & sub[plot.var].notna()].sort_values([sid, plot.x], kind="stable")
            seen: set[str] = set()
            for subject, g in sub.groupby(sid, sort=True):
                for order, (x, y) in enumerate(zip(g[plot.x], g[plot.var], strict=True)):
                    level = f"{subject} @ {_x_text(float(x))}"
                    if level in seen:
                        raise DataError(f"two values at {plot.x} = {_x_text(float(x))} in panel "
                                        f"'{panel.label}' of output '{entry.id}'; add a panel or `where` that "
                                        "separates them", dataset=plot.dataset, variable=plot.x,
                                        usubjid=str(subject), code="DATA042")
                    seen.add(level)
                    for name, value in (("x", float(x)), ("y", float(y))):
                        rows.append({"output_id": entry.id, "analysis": ANALYSIS, "column": col.id,
                                     "variable": plot.var if name == "y" else plot.x, "parent": panel.label,
                                     "level": level, "stat_name": name, "stat": value, "decimals": -1, "sig": 3,
                                     "order": order, "warning": ""})
    return rows
