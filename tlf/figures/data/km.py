"""Numbers behind a Kaplan-Meier plot: per treatment column, the product-limit table at every
distinct time (parent "curve") and the numbers at risk at the plot's risk times (parent "risk").
Numbers only; tlf.figures.km draws them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.errors import DataError
from tlf.figures.data.records import column_records, plot_frame
from tlf.stats.survival import kaplan_meier, km_table, number_at_risk
from tlf.stats.values import same_value

if TYPE_CHECKING:
    from tlf.analyses.context import ColumnGroup
    from tlf.data.datasets import StudyData
    from tlf.spec.validate import OutputEntry

ANALYSIS = "plot"


def risk_times(plot, t_max: float) -> list[float]:
    """The times the numbers at risk are printed at: `risk_times`, or 0, every, 2 * every, ... up to
    the x axis' end; none when neither is given."""
    if plot.risk_times:
        return sorted(float(x) for x in plot.risk_times)
    if not plot.risk_every:
        return []
    end = plot.x_max or t_max
    out, k = [], 0
    while k * plot.risk_every <= end + 1e-9:
        out.append(k * plot.risk_every)
        k += 1
    return out


def _column_records(entry: OutputEntry, data: StudyData, frame, col: ColumnGroup):
    """The column's records: one per subject."""
    plot = entry.spec.plot
    sid = data.subject_id
    recs = column_records(entry, data, frame, col)
    dup = recs[sid][recs[sid].duplicated()]
    if len(dup):
        raise DataError("more than one record per subject for a Kaplan-Meier plot; add a `where` that "
                        "selects one parameter", dataset=plot.dataset, variable=plot.time,
                        usubjid=str(dup.iloc[0]), code="DATA040")
    return recs


def check_km(entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> None:
    """What `tlf check` asks of the plot: its variables, filters and one record per subject (no estimate)."""
    frame = plot_frame(entry, data, ("time", "censor"))
    for col in columns:
        _column_records(entry, data, frame, col)


def km_plot_rows(entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> list[dict]:
    """ARD rows of a `km` plot. Curve rows: level = the time, stats time, n_risk, n_event, n_censor,
    survival, ci_low, ci_high. Risk rows: level = the risk time, stats x, n_risk. Summary rows (parent
    and level ""): n, events, median."""
    plot = entry.spec.plot
    frame = plot_frame(entry, data, ("time", "censor"))
    per_col = []
    for col in columns:
        recs = _column_records(entry, data, frame, col)
        time = [float(v) for v in recs[plot.time]]
        event = [1.0 if same_value(v, plot.event_value) else 0.0 for v in recs[plot.censor]]
        per_col.append((col, time, event))
    t_max = max((max(t) for _, t, _ in per_col if t), default=0.0)
    at = risk_times(plot, t_max)
    rows: list[dict] = []

    def add(col: str, parent: str, level: str, name: str, value: float, order: int, why: str = "") -> None:
        rows.append({"output_id": entry.id, "analysis": ANALYSIS, "column": col, "variable": plot.time,
                     "parent": parent, "level": level, "stat_name": name, "stat": float(value),
                     "decimals": 0 if name.startswith("n") or name in ("time", "x", "events") else 4,
                     "order": order, "warning": "" if value == value else (why or "not estimable")})

    for col, time, event in per_col:
        km = kaplan_meier(time, event)
        add(col.id, "", "", "n", km.n, 0)
        add(col.id, "", "", "events", km.events, 0)
        add(col.id, "", "", "median", km.median, 0, km.reason("median"))
        for i, step in enumerate(km_table(time, event)):
            level = time_key(step.time)
            for name in ("time", "n_risk", "n_event", "n_censor", "survival", "ci_low", "ci_high"):
                add(col.id, "curve", level, name, getattr(step, name), i)
        for i, (x, n) in enumerate(zip(at, number_at_risk(time, at), strict=True)):
            add(col.id, "risk", time_key(x), "x", x, i)
            add(col.id, "risk", time_key(x), "n_risk", n, i)
    return rows


def time_key(x: float) -> str:
    """A time as an ARD level: "20" for whole numbers, else the shortest exact repr ("0.5")."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


