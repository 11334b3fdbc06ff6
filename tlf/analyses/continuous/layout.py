"""The `continuous` table rows: the display rows the spec lists (n, Mean (SD), ...)."""

from __future__ import annotations

from tlf.spec.base import DISPLAY_ROWS
from tlf.tables.cells import Cells, inactive
from tlf.tables.model import Row, labelled


def continuous_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    def line(name: str) -> tuple[str, ...]:
        template = DISPLAY_ROWS[name][1]
        return tuple(a.na_text if inactive(a, c, periods) else
                     (cells.template(a.id, c, template) if cells.has(a.id, c) else "") for c in cols)

    if len(a.rows) == 1 and a.label:
        return [Row(a.label, line(a.rows[0]), indent=a.indent, group=a.id)]
    rows = []
    heading, indent = labelled(a, len(cols))
    rows += heading
    rows += [Row(DISPLAY_ROWS[r][0], line(r), indent=indent, group=a.id) for r in a.rows]
    return rows


ROWS = {"continuous": continuous_rows}
