"""The `correlation` table rows: r, p-value and n per method, per column or pooled."""

from __future__ import annotations

from tlf.analyses.bds_layout import notes
from tlf.tables.cells import Cells, inactive
from tlf.tables.model import Row, group_row

METHOD_LABELS = {"pearson": "Pearson r", "spearman": "Spearman rho"}


def correlation_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    rows: list[Row] = []
    indent = a.indent
    rows.append(group_row(a.label or f"{a.x.label or a.x.var} vs {a.y.label or a.y.var}", len(cols), indent, a.id))
    for method in a.methods:
        def cell(c: str, stat: str, method: str = method) -> str:
            if inactive(a, c, periods):
                return a.na_text
            key_col = "" if a.pool else c
            if a.pool and c != cols[0]:
                return ""
            return cells.text((a.id, key_col, "", method, stat))

        for label, stat in ((METHOD_LABELS[method], "r"), ("p-value", "pvalue"), ("n", "n")):
            rows.append(Row(label, tuple(cell(c, stat) for c in cols), indent=indent + 1, group=a.id))
    return rows


ROWS = {"correlation": correlation_rows}
NOTES = {"correlation": notes}
