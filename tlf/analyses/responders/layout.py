"""The `responders` table rows: n (%) per parameter and visit (and n assessed)."""

from __future__ import annotations

from tlf.analyses.bds_layout import notes, param_label
from tlf.analyses.estimates import ci_text
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
            if a.ci:
                vals = tuple(a.na_text if inactive(a, c, periods) else ci_text(cells, a.id, c, p, visit) for c in cols)
                rows.append(Row(f"{100 * a.conf_level:g}% CI", vals, indent=pind + 1, group=f"{a.id}:{p}"))
            if a.show_assessed:
                vals = tuple(a.na_text if inactive(a, c, periods) else
                             cells.text((a.id, c, p, visit, "n_assessed")) for c in cols)
                rows.append(Row("Patients assessed", vals, indent=pind + 1, group=f"{a.id}:{p}"))
            if a.model:
                rows += _model_rows(a, cells, cols, p, visit, pind + 1, (col_labels or {}).get(a.model.reference,
                                                                                             a.model.reference))
    return rows


def _model_rows(a, cells: Cells, cols, p: str, visit: str, indent: int, ref_label: str) -> list[Row]:
    """"Odds ratio vs <reference> (95% CI)" and "p-value" of the logistic model, in the model's columns."""
    ors, ps = [], []
    for c in cols:
        key = (a.id, c, p, visit)
        est = cells.text((*key, "or"), None)
        if est is None:
            ors.append("")
            ps.append("")
        elif cells.val.get((*key, "or")) != cells.val.get((*key, "or")) and cells.warn.get((*key, "or")) != "shell":
            ors.append(est)
            ps.append(cells.text((*key, "or_pvalue")))
        else:
            ors.append(f"{est} ({cells.text((*key, 'or_lower'))}, {cells.text((*key, 'or_upper'))})")
            ps.append(cells.text((*key, "or_pvalue")))
    level = f"{100 * a.model.conf_level:g}% CI"
    return [Row(f"Odds ratio vs {ref_label} ({level})", tuple(ors), indent=indent, group=f"{a.id}:{p}"),
            Row("p-value", tuple(ps), indent=indent, group=f"{a.id}:{p}")]


ROWS = {"responders": responders_rows}
NOTES = {"responders": notes}
