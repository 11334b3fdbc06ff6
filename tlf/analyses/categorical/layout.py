"""The `categorical` table rows: a group row (the label), then n (%) per level."""

from __future__ import annotations

from tlf.tables.cells import Cells, inactive, levels_in_order
from tlf.tables.model import Row, labelled


def categorical_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    rows = []
    heading, indent = labelled(a, len(cols))
    rows += heading
    for parent, level in levels_in_order(cells, a.id):
        n_row = bool(a.n_row) and level == a.n_row and not parent  # a count alone, and the p-values go on it
        vals = tuple(a.na_text if inactive(a, c, periods) else
                     cells.text((a.id, c, parent, level, "n")) if n_row else
                     cells.n_pct(a.id, c, parent, level, shell, a.display == "n/m (%)") for c in cols)
        rows.append(Row(level, vals, indent=indent, group=a.id, key=(parent, level)))
    return rows


ROWS = {"categorical": categorical_rows}
