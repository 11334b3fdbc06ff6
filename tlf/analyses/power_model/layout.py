"""The `power_model` table rows: per parameter a group row, then n, the slope with its CI, the
acceptance range and the conclusion."""

from __future__ import annotations

from tlf.tables.cells import inactive, ordered_levels
from tlf.tables.model import Row


def power_model_rows(a, cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    """Per parameter a group row, then the spec's rows (n, slope with CI, acceptance range, ...)."""
    from tlf.analyses.power_model.spec import POWER_MODEL_ROWS

    rows: list[Row] = []
    indent = a.indent
    blank = ("",) * len(cols)
    if a.label:
        rows.append(Row(a.label, blank, indent=indent, kind="group", group=a.id))
        indent += 1
    ci = f"{100 * (1 - a.alpha):g}%"
    for parent, level, _order in ordered_levels(cells, a.id):
        key = f"{a.id}:{level}"
        rows.append(Row(level, blank, indent=indent, kind="group", group=key))
        for name in a.rows:
            label, template = POWER_MODEL_ROWS[name]
            label = a.labels.get(name, label).replace("{ci}", ci)
            vals = tuple(a.na_text if inactive(a, c, periods) else cells.fill(a.id, c, template, parent, level)
                         for c in cols)
            rows.append(Row(label, vals, indent=indent + 1, group=key))
    return rows


ROWS = {"power_model": power_model_rows}
