"""The `continuous` table rows: the display rows the spec lists (n, Mean (SD), ...)."""

from __future__ import annotations

from tlf.spec.base import DISPLAY_ROWS
from tlf.tables.cells import Cells, inactive
from tlf.tables.model import Row, labelled
from tlf.tables.stats_as_columns import StatLine


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


def continuous_stat_lines(a, cells: Cells, col: str) -> list[StatLine]:
    """`stats_as_columns`: one line, labelled by the analysis (else its variable)."""
    if not cells.has(a.id, col):
        return []
    return [StatLine(a.label or a.var, 0, ("", ""))]


ROWS = {"continuous": continuous_rows}
STAT_LINES = {"continuous": continuous_stat_lines}
