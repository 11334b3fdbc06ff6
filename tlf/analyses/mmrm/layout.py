"""The `mmrm` table rows: per parameter and shown visit, LS means per column and differences from the
comparators with CI and p-value; footnotes for NE cells and for a fallback covariance structure."""

from __future__ import annotations

from tlf.analyses.bds_layout import ne_once, param_label
from tlf.analyses.mmrm.spec import MMRM_ROWS
from tlf.tables.cells import Cells, inactive
from tlf.tables.model import Row, group_row

TEMPLATES = {
    "n": "{n}",
    "lsmean_se": "{lsmean} ({lsmean_se})",
    "lsmean_ci": "({lsmean_ci_low}, {lsmean_ci_high})",
    "lsmean_and_ci": "{lsmean} ({lsmean_ci_low}, {lsmean_ci_high})",
    "diff_se": "{diff} ({diff_se})",
    "diff_ci": "({diff_ci_low}, {diff_ci_high})",
    "diff_and_ci": "{diff} ({diff_ci_low}, {diff_ci_high})",
    "diff_pvalue": "{diff_pvalue}",
}


def mmrm_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    """Per parameter (a label row) and shown visit (a label row unless `visit_labels` is false), the
    spec's rows in order; the difference rows as one block per comparator, a column's cells empty where
    it is not compared with that comparator."""
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
    for p in a.params:
        rows.append(group_row(param_label(a, cells, p), len(cols), indent, f"{a.id}:{p}"))
        for visit in a.shown:
            vind = indent + 1
            group = f"{a.id}:{p}:{visit}"
            if a.visit_labels:
                rows.append(group_row(visit, len(cols), vind, group))
                vind += 1
            done_diffs = False
            for r in a.rows:
                if r.startswith("diff"):
                    if done_diffs:
                        continue
                    done_diffs = True
                    for comp in comparators:
                        arms = {arm for arm, k in pairs if k == comp}
                        ref = labels.get(comp, comp)
                        for dr in diff_rows:
                            label = a.labels.get(dr, MMRM_ROWS[dr]).replace("{ref}", ref).replace("95%", level)
                            vals = tuple(
                                (a.na_text if inactive(a, c, periods) else
                                 ne_once(cells.template(a.id, c, TEMPLATES[dr], p, visit, diff_prefix(a, comp))))
                                if c in arms else "" for c in cols)
                            rows.append(Row(label, vals, indent=vind, group=group))
                    continue
                label = a.labels.get(r, MMRM_ROWS[r]).replace("95%", level)
                vals = tuple(a.na_text if inactive(a, c, periods) else
                             ne_once(cells.template(a.id, c, TEMPLATES[r], p, visit)) for c in cols)
                rows.append(Row(label, vals, indent=vind, group=group))
    return rows


def notes(a, cells: Cells) -> list[str]:
    """"NE = not estimable: <reason> (<parameter>)." per reason of the NE cells shown, and the note of a
    fallback covariance structure."""
    out: list[str] = []
    reasons: dict[str, list[str]] = {}
    shown = set(a.shown)
    for key, warning in cells.warn.items():
        if key[0] != a.id or not warning or warning == "shell":
            continue
        if key[4] == "covariance":
            text = warning[0].upper() + warning[1:] + "."
            if text not in out:
                out.append(text)
            continue
        value = cells.val.get(key)
        if value is None or value == value or key[3] not in shown:
            continue
        reason = warning.removeprefix("not estimable: ")
        where = param_label(a, cells, key[2]) if key[2] else ""
        reasons.setdefault(reason, [])
        if where and where not in reasons[reason]:
            reasons[reason].append(where)
    for reason, wheres in reasons.items():
        out.append(f"NE = not estimable: {reason}" + (f" ({'; '.join(wheres)})" if wheres else "") + ".")
    return out


ROWS = {"mmrm": mmrm_rows}
NOTES = {"mmrm": notes}
