"""The `time_to_event` table rows: subjects, events and censored n (%), median (CI), quartiles."""

from __future__ import annotations

from tlf.tables.cells import Cells, inactive
from tlf.tables.model import Row


def time_to_event_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    from tlf.analyses.time_to_event.spec import HR_ROWS, TTE_ROWS

    def line(name: str) -> tuple[str, ...]:
        if name in ("events", "censored"):
            level = "Events" if name == "events" else "Censored"
            return tuple(a.na_text if inactive(a, c, periods) else cells.n_pct(a.id, c, "", level, shell)
                         for c in cols)
        if name in HR_ROWS:  # blank in the reference column (and a column left out of the model)
            return tuple(a.na_text if inactive(a, c, periods) else cells.fill(a.id, c, TTE_ROWS[name][1])
                         for c in cols)
        return tuple(a.na_text if inactive(a, c, periods) else
                     (cells.template(a.id, c, TTE_ROWS[name][1]) if cells.has(a.id, c) else "") for c in cols)

    rows = []
    indent = a.indent
    if a.label:
        rows.append(Row(a.label, ("",) * len(cols), indent=indent, kind="group", group=a.id))
        indent += 1
    label = {"median_ci": f"Median ({100 * (1 - a.alpha):g}% CI)"}
    if a.hazard_ratio is not None:
        ref = (col_labels or {}).get(a.hazard_ratio.reference, a.hazard_ratio.reference)
        label["hr_ci"] = f"Hazard ratio vs {ref} ({100 * (1 - a.hazard_ratio.alpha):g}% CI)"
        label["hr_pvalue"] = "p-value (Wald)"
    rows += [Row(label.get(r, TTE_ROWS[r][0]), line(r), indent=indent, group=a.id) for r in a.shown_rows]
    return rows


ROWS = {"time_to_event": time_to_event_rows}
