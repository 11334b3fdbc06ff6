"""Rows of the analyses by parameter and visit (by_visit, responders, ancova) and of correlations,
plus the footnotes their ARD warnings call for ("NE" cells, percent change with baseline 0).

Each `*_rows(a, cells, cols, periods, shell)` returns the Rows of one analysis; `notes(a, cells)` the
footnotes it needs. Both read only the spec and the formatted ARD, so shells come out of the same code.
"""

from __future__ import annotations

from tlf.spec.base import DISPLAY_ROWS
from tlf.spec.model import ANCOVA_ROWS
from tlf.tables.cells import Cells
from tlf.tables.cells import inactive as _inactive
from tlf.tables.model import Row

PART_LABELS = {"value": "Value", "change": "Change from baseline", "pchg": "Percent change from baseline",
               "pbase": "Percent of baseline"}
PART_PREFIX = {"value": "", "change": "chg_", "pchg": "pchg_", "pbase": "pbase_"}
TEST_ON = {"value": "value vs baseline", "change": "change vs 0", "pchg": "percent change vs 0",
           "pbase": "% of baseline vs 100"}
METHOD_LABELS = {"pearson": "Pearson r", "spearman": "Spearman rho"}
BASE0_FOOTNOTE = ("Percent change from baseline is not defined for a baseline value of 0; such patients are left "
                  "out of the percent change summaries.")
PBASE0_FOOTNOTE = ("Percent of baseline is not defined for a baseline value of 0; such patients are left out of the "
                   "percent of baseline summaries.")


def param_label(a, cells: Cells, param: str) -> str:
    """The parameter's label: the spec's `label` for a one-parameter analysis, else the data's PARAM."""
    text = cells.var.get((a.id, "", param, "", "param"), "")
    return text or param


def _group(label: str, n: int, indent: int, group: str) -> Row:
    return Row(label, ("",) * n, indent=indent, kind="group", group=group)


# ---------------------------------------------------------------- by_visit

def by_visit_rows(a, cells: Cells, cols, periods, shell) -> list[Row]:
    rows: list[Row] = []
    indent = a.indent
    if a.label:
        rows.append(_group(a.label, len(cols), indent, a.id))
        indent += 1
    many = len(a.params) > 1
    for p in a.params:
        pind = indent
        if many:  # kept on a page with its first visit
            rows.append(_group(param_label(a, cells, p), len(cols), pind, f"{a.id}:{p}:{a.visits[0]}"))
            pind += 1
        for visit in a.visits:
            group = f"{a.id}:{p}:{visit}"
            rows.append(_group(visit, len(cols), pind, group))
            parts = [x for x in a.show if x == "value" or visit != a.baseline_visit]
            empty = {c: _empty_text(a, cells, c, p, visit) for c in cols}
            for part in parts:
                sind = pind + 1
                if len(parts) > 1:
                    rows.append(_group(a.labels.get(part, PART_LABELS[part]), len(cols), sind, group))
                    sind += 1
                for k, r in enumerate(a.rows):
                    label, template = DISPLAY_ROWS[r]
                    vals = tuple(a.na_text if _inactive(a, c, periods) else
                                 (empty[c] if k == 0 else "") if empty[c] is not None else
                                 _ne_once(cells.template(a.id, c, template, p, visit, PART_PREFIX[part]))
                                 for c in cols)
                    rows.append(Row(label, vals, indent=sind, group=group))
            if visit != a.baseline_visit:
                tind = pind + (2 if len(parts) > 1 else 1)
                for t in a.tests:
                    vals = tuple(a.na_text if _inactive(a, c, periods) else "" if empty[c] is not None else
                                 _flagged(cells, (a.id, c, p, visit, f"{t.quantity}_wsr_pvalue"), t) for c in cols)
                    rows.append(Row(t.label or f"p-value ({TEST_ON[t.quantity]})", vals, indent=tind, group=group))
    return rows


def _empty_text(a, cells: Cells, col: str, param: str, visit: str) -> str | None:
    """What a column prints instead of its statistics at a visit where it has no analysable value:
    `no_data_text` when it has records there, `no_records_text` when it has none (None: print the
    statistics)."""
    parts = [x for x in a.show if x == "value" or visit != a.baseline_visit]
    ns = [cells.val.get((a.id, col, param, visit, PART_PREFIX[x] + "n")) for x in parts]
    if not ns or any(n is None or n != 0 for n in ns):
        return None
    records = cells.val.get((a.id, col, param, visit, "records"))
    return a.no_records_text if records == 0 else a.no_data_text


def _flagged(cells: Cells, key: tuple, test) -> str:
    """A p-value's text with the test's flag when the unrounded p is below alpha."""
    text = cells.fmt.get(key, "")
    value = cells.val.get(key)
    if text and value is not None and value == value and value < test.alpha:
        text += test.flag
    return text


def _ne_once(text: str) -> str:
    """"NE (NE)" or "NE, NE" -> "NE": a cell with nothing estimable says so once."""
    stripped = text.replace("(", " ").replace(")", " ").replace(",", " ").split()
    if len(stripped) > 1 and len(set(stripped)) == 1 and not any(ch.isdigit() for ch in stripped[0]) \
            and "x" not in stripped[0]:
        return stripped[0]
    return text


# ---------------------------------------------------------------- responders

def responders_rows(a, cells: Cells, cols, periods, shell) -> list[Row]:
    rows: list[Row] = []
    indent = a.indent
    if a.label:
        rows.append(_group(a.label, len(cols), indent, a.id))
        indent += 1
    many = len(a.params) > 1
    for p in a.params:
        pind = indent
        if many:
            rows.append(_group(param_label(a, cells, p), len(cols), pind, f"{a.id}:{p}"))
            pind += 1
        for visit in a.visits:
            vals = tuple(a.na_text if _inactive(a, c, periods) else cells.n_pct(a.id, c, p, visit, shell) for c in cols)
            rows.append(Row(visit, vals, indent=pind, group=f"{a.id}:{p}"))
            if a.show_assessed:
                vals = tuple(a.na_text if _inactive(a, c, periods) else
                             cells.fmt.get((a.id, c, p, visit, "n_assessed"), "") for c in cols)
                rows.append(Row("Patients assessed", vals, indent=pind + 1, group=f"{a.id}:{p}"))
    return rows


# ---------------------------------------------------------------- ancova

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
    from tlf.stats.ancova import comparison_pairs, diff_prefix

    rows: list[Row] = []
    indent = a.indent
    if a.label:
        rows.append(_group(a.label, len(cols), indent, a.id))
        indent += 1
    labels = col_labels or {}
    level = f"{100 * (1 - a.alpha):g}%"
    pairs = comparison_pairs(a, list(cols))
    comparators = list(dict.fromkeys(comp for _, comp in pairs))
    diff_rows = [r for r in a.rows if r.startswith("diff")]
    model_col = a.model_column or cols[-1]
    rmse_stat = "rmse_ml" if a.rmse == "ml" else "rmse"
    for p in a.params:
        rows.append(_group(param_label(a, cells, p), len(cols), indent, f"{a.id}:{p}"))
        for visit in a.visits:
            vind = indent + 1
            group = f"{a.id}:{p}:{visit}"
            if a.visit_labels:
                rows.append(_group(visit, len(cols), vind, group))
                vind += 1
            done_diffs = False
            for r in a.rows:
                if r in _MODEL_ROWS:
                    stat = rmse_stat if r == "rmse" else _MODEL_ROWS[r]
                    text = cells.fmt.get((a.id, "", p, visit, stat), "")
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
                                (a.na_text if _inactive(a, c, periods) else
                                 _ne_once(cells.template(a.id, c, _ANCOVA_TEMPLATES[dr], p, visit,
                                                         diff_prefix(a, comp))))
                                if c in arms else "" for c in cols)
                            rows.append(Row(label, vals, indent=vind, group=group))
                    continue
                label = a.labels.get(r, ANCOVA_ROWS[r]).replace("95%", level)
                vals = tuple(a.na_text if _inactive(a, c, periods) else
                             _ne_once(cells.template(a.id, c, _ANCOVA_TEMPLATES[r], p, visit)) for c in cols)
                rows.append(Row(label, vals, indent=vind, group=group))
    return rows


# ---------------------------------------------------------------- correlation

def correlation_rows(a, cells: Cells, cols, periods, shell) -> list[Row]:
    rows: list[Row] = []
    indent = a.indent
    rows.append(_group(a.label or f"{a.x.label or a.x.var} vs {a.y.label or a.y.var}", len(cols), indent, a.id))
    for method in a.methods:
        def cell(c: str, stat: str, method: str = method) -> str:
            if _inactive(a, c, periods):
                return a.na_text
            key_col = "" if a.pool else c
            if a.pool and c != cols[0]:
                return ""
            return cells.fmt.get((a.id, key_col, "", method, stat), "")

        for label, stat in ((METHOD_LABELS[method], "r"), ("p-value", "pvalue"), ("n", "n")):
            rows.append(Row(label, tuple(cell(c, stat) for c in cols), indent=indent + 1, group=a.id))
    return rows


# ---------------------------------------------------------------- footnotes

def notes(a, cells: Cells) -> list[str]:
    """Footnotes for this analysis' cells: percent change or percent of baseline left out for baseline
    0; the tests against baseline and their flag; why a cell is NE."""
    out: list[str] = []
    if a.type not in ("by_visit", "ancova", "responders", "correlation"):
        return out
    reasons: dict[str, list[str]] = {}
    for key, warning in cells.warn.items():
        if key[0] != a.id or not warning or warning == "shell":
            continue
        if "baseline 0: percent change" in warning and BASE0_FOOTNOTE not in out:
            out.append(BASE0_FOOTNOTE)
        if "baseline 0: percent of baseline" in warning and PBASE0_FOOTNOTE not in out:
            out.append(PBASE0_FOOTNOTE)
        value = cells.val.get(key)
        if value is None or value == value or a.type == "by_visit":
            continue
        reason = "; ".join(w for w in warning.split("; ") if "baseline 0" not in w)
        if reason:
            where = ", ".join(x for x in (param_label(a, cells, key[2]) if key[2] else "", key[3]) if x)
            reasons.setdefault(reason, [])
            if where and where not in reasons[reason]:
                reasons[reason].append(where)
    for reason, wheres in reasons.items():
        out.append(f"NE = not estimable: {reason}" + (f" ({'; '.join(wheres)})" if wheres else "") + ".")
    tests = list(getattr(a, "tests", ()))
    if tests:
        what = "; ".join(f"{t.label or 'p-value (' + TEST_ON[t.quantity] + ')'}: {_TEST_WHAT[t.quantity]}" for t in tests)
        methods = {t.method for t in tests}
        how = ("exact distribution up to 20 non-zero differences, else the t approximation, as SAS PROC UNIVARIATE"
               if methods == {"auto"} else "exact distribution" if methods == {"exact"} else
               "t approximation, as SAS PROC UNIVARIATE" if methods == {"t"} else "method as specified")
        flags = sorted({(t.flag, t.alpha) for t in tests if t.flag})
        text = (f"Two-sided Wilcoxon signed-rank tests against baseline within each column and time point ({how}). "
                f"{what}." + "".join(f" {f} p < {al:g}." for f, al in flags))
        if text not in out:
            out.append(text)
    return out


_TEST_WHAT = {"value": "value vs baseline value", "change": "change from baseline vs 0",
              "pchg": "percent change from baseline vs 0", "pbase": "percent of baseline vs 100"}
