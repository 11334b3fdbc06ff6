"""The `count` table row: the analysis's label and n (%) per column."""

from __future__ import annotations

from tlf.analyses.estimates import ci_text
from tlf.tables.cells import Cells, inactive
from tlf.tables.model import Row


def count_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    vals = tuple(a.na_text if inactive(a, c, periods) else cells.n_pct(a.id, c, shell=shell, denom=a.display == "n/m (%)") for c in cols)
    rows = [Row(a.label, vals, indent=a.indent, group=a.id)]
    if a.ci:
        vals = tuple(a.na_text if inactive(a, c, periods) else ci_text(cells, a.id, c, "", "") for c in cols)
        rows.append(Row(f"{100 * a.conf_level:g}% CI", vals, indent=a.indent + 1, group=a.id))
    return rows


ROWS = {"count": count_rows}
