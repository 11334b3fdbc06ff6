"""Numbers behind individual-profile plots (`plot: {kind: individual}`): per treatment column, panel,
subject and sample, the time and the value. Numbers only; tlf/figures/layout_pk.py draws them.

ARD rows: analysis "plot", column = treatment column, parent = panel label, level = "<subject> @ <x>",
stat_name "x" (the time) and "y" (the value), order = the sample's position in the subject's profile.
Samples without a value (BLQ, missing) are left out, so a log axis never meets a zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.analyses.records import first_text
from tlf.errors import DataError
from tlf.figures.data.records import panel_records, plot_frame

if TYPE_CHECKING:
    from tlf.analyses.context import ColumnGroup
    from tlf.data.datasets import StudyData
    from tlf.spec.validate import OutputEntry

ANALYSIS = "plot"


def _x_text(x: float) -> str:
    return f"{x:g}"


def _frame(entry: OutputEntry, data: StudyData):
    """The plotted dataset, its `var` and `x` numeric."""
    import pandas as pd

    plot = entry.spec.plot
    frame = plot_frame(entry, data, ("var", "x"))
    for key in ("var", "x"):
        name = getattr(plot, key)
        if not pd.api.types.is_numeric_dtype(frame[name]):
            at = first_text(frame[name]) or 0
            sid = data.subject_id
            raise DataError(f"is text (first: '{frame[name].iloc[at]}'); the {key} of an individual-profile plot "
                            f"needs numbers (output '{entry.id}')", dataset=plot.dataset, variable=name,
                            usubjid=str(frame[sid].iloc[at]) if sid in frame.columns else "", code="DATA041")
    return frame


def check_individual(entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> None:
    """What `tlf check` asks of the plot: numeric variables, filters, one value per subject and time point
    in each panel (the error the plot would raise), without making its rows."""
    plot = entry.spec.plot
    sid = data.subject_id
    frame = _frame(entry, data)
    for _col, panel, sub in panel_records(entry, data, frame, columns):
        sub = sub[sub[plot.x].notna() & sub[plot.var].notna()].sort_values([sid, plot.x], kind="stable")
        at = [_x_text(float(x)) for x in sub[plot.x]]
        keys = list(zip(sub[sid], at, strict=True))
        seen: set = set()
        for subject, x in keys:
            if (subject, x) in seen:
                raise DataError(f"two values at {plot.x} = {x} in panel '{panel.label}' of output '{entry.id}'; "
                                "add a panel or `where` that separates them", dataset=plot.dataset,
                                variable=plot.x, usubjid=str(subject), code="DATA042")
            seen.add((subject, x))


def individual_rows(entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> list[dict]:
    plot = entry.spec.plot
    frame = _frame(entry, data)
    sid = data.subject_id
    rows: list[dict] = []
    for col, panel, sub in panel_records(entry, data, frame, columns):
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
