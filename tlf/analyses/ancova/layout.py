"""The `ancova` table rows: per parameter and visit, LS means per column, differences from the
comparator with CI and p-value, and the model's one-value rows."""

from __future__ import annotations

from tlf.analyses.ancova.spec import ANCOVA_ROWS
from tlf.analyses.bds_layout import lsmean_rows, notes
from tlf.tables.cells import Cells
from tlf.tables.model import Row

_MODEL_ROWS = {"dose_pvalue": "dose_pvalue", "rmse": "rmse"}  # one value per model: row -> ARD stat


def ancova_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    """Per parameter and visit, the spec's rows in order (bds_layout.lsmean_rows); one-value rows
    (dose_pvalue, rmse) in `model_column`."""
    model_col = a.model_column or cols[-1]
    rmse_stat = "rmse_ml" if a.rmse == "ml" else "rmse"

    def one_value(r: str, p: str, visit: str) -> tuple | None:
        if r not in _MODEL_ROWS:
            return None
        text = cells.text((a.id, "", p, visit, rmse_stat if r == "rmse" else _MODEL_ROWS[r]))
        return tuple(text if c == model_col else "" for c in cols)

    return lsmean_rows(a, cells, cols, periods, col_labels, ANCOVA_ROWS, a.visits, one_value)


ROWS = {"ancova": ancova_rows}
NOTES = {"ancova": notes}
