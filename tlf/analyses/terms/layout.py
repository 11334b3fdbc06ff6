"""The `terms` table rows: per SOC its row and its terms' rows (indented), n (%) per column."""

from __future__ import annotations

from tlf.tables.cells import Cells, inactive, levels_in_order
from tlf.tables.model import Row, labelled


def terms_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    rows = []
    heading, indent = labelled(a, len(cols))
    rows += heading
    for parent, level in levels_in_order(cells, a.id):
        nested = bool(parent) and parent != level
        vals = tuple(a.na_text if inactive(a, c, periods) else cells.n_pct(a.id, c, parent, level, shell, a.display == "n/m (%)")
                     for c in cols)
        group = f"{a.id}:{parent}" if parent else a.id
        rows.append(Row(level, vals, indent=indent + (1 if nested else 0), group=group, key=(parent, level)))
    return rows


ROWS = {"terms": terms_rows}
