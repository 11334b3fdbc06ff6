"""The `ancova` table rows: per parameter and visit, LS means per column, differences from the
comparator with CI and p-value, and the model's one-value rows."""

from __future__ import annotations

from tlf.analyses.ancova.spec import ANCOVA_ROWS
from tlf.analyses.bds_layout import ne_once, notes, param_label
from tlf.tables.cells import Cells, inactive
from tlf.tables.model import Row, group_row

_ANCOVA_TEMPLATES = {
    "n": "{n}",
    "lsmean_se": "{lsmean} ({lsmean_se})",
    "lsmean_ci": "({lsmean_ci_low}, {lsmean_ci_high})",
    "lsmean_and_ci": "{lsmean} ({lsmean_ci_low}, {lsmean_ci_high})",
    "diff_se": "{diff} ({diff_se})",
    "diff_ci": "({diff_ci_low}, {diff_ci_high})",
    "diff_and_ci": "{diff} ({diff_ci_low}, {diff_ci_high})",
    "diff_pvalue": "{diff_pvalue}",
}


_MODEL_ROWS = {"dose_pvalue": "dose_pvalue", "rmse": "rmse"}  # one value per model: row -> ARD stat


def ancova_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    """Per parameter and visit, the spec's rows in order; the difference rows come as one block per
    comparator (the reference, or each comparator of `comparisons`), a column's cells empty where
    it is not compared with that comparator; one-value rows (dose_pvalue, rmse) in `model_column`."""
    from tlf.analyses.ancova.run import comparison_pairs, diff_prefix

    rows: list[Row] = []
    indent = a.indent
    if a.label:
        rows.append(group_row(a.label, len(cols), indent, a.id))
        indent += 1
    labels = col_labels or {}
    level = f"{100 * (1 - a.alpha):g}%"
    pairs = comparison_pairs(a, list(cols))
    comparators = list(dict.fromkeys(comp for _, comp in pairs))
    diff_rows = [r for r in a.rows if r.startswith("diff")]
    model_col = a.model_column or cols[-1]
    rmse_stat = "rmse_ml" if a.rmse == "ml" else "rmse"
    for p in a.params:
        rows.append(group_row(param_label(a, cells, p), len(cols), indent, f"{a.id}:{p}"))
        for visit in a.visits:
            vind = indent + 1
            group = f"{a.id}:{p}:{visit}"
            if a.visit_labels:
                rows.append(group_row(visit, len(cols), vind, group))
                vind += 1
            done_diffs = False
            for r in a.rows:
                if r in _MODEL_ROWS:
                    stat = rmse_stat if r == "rmse" else _MODEL_ROWS[r]
                    text = cells.text((a.id, "", p, visit, stat))
                    vals = tuple(text if c == model_col else "" for c in cols)
                    rows.append(Row(a.labels.get(r, ANCOVA_ROWS[r]), vals, indent=vind, group=group))
                    continue
                if r.startswith("diff"):
                    if done_diffs:
                        continue
                    done_diffs = True
                    for comp in comparators:
                        arms = {arm for arm, k in pairs if k == comp}
                        ref = labels.get(comp, comp)
                        for dr in diff_rows:
                            label = a.labels.get(dr, ANCOVA_ROWS[dr]).replace("{ref}", ref).replace("95%", level)
                            vals = tuple(
                                (a.na_text if inactive(a, c, periods) else
                                 ne_once(cells.template(a.id, c, _ANCOVA_TEMPLATES[dr], p, visit,
                                                         diff_prefix(a, comp))))
                                if c in arms else "" for c in cols)
                            rows.append(Row(label, vals, indent=vind, group=group))
                    continue
                label = a.labels.get(r, ANCOVA_ROWS[r]).replace("95%", level)
                vals = tuple(a.na_text if inactive(a, c, periods) else
                             ne_once(cells.template(a.id, c, _ANCOVA_TEMPLATES[r], p, visit)) for c in cols)
                rows.append(Row(label, vals, indent=vind, group=group))
    return rows


ROWS = {"ancova": ancova_rows}
NOTES = {"ancova": notes}
