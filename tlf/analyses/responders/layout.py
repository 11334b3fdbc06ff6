"""The `responders` table rows: n (%) per parameter and visit (and n assessed)."""

from __future__ import annotations

from tlf.analyses.bds_layout import notes, param_label
from tlf.tables.cells import Cells, inactive
from tlf.tables.model import Row, group_row, labelled


def responders_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    rows: list[Row] = []
    heading, indent = labelled(a, len(cols))
    rows += heading
    many = len(a.params) > 1
    for p in a.params:
        pind = indent
        if many:
            rows.append(group_row(param_label(a, cells, p), len(cols), pind, f"{a.id}:{p}"))
            pind += 1
        for visit in a.visits:
            vals = tuple(a.na_text if inactive(a, c, periods) else cells.n_pct(a.id, c, p, visit, shell) for c in cols)
            rows.append(Row(visit, vals, indent=pind, group=f"{a.id}:{p}", key=(p, visit)))
            if a.show_assessed:
                vals = tuple(a.na_text if inactive(a, c, periods) else
                             cells.text((a.id, c, p, visit, "n_assessed")) for c in cols)
                rows.append(Row("Patients assessed", vals, indent=pind + 1, group=f"{a.id}:{p}"))
    return rows


ROWS = {"responders": responders_rows}
NOTES = {"responders": notes}
