"""Rows of the analyses by parameter and visit (by_visit, responders, ancova) and of correlations,
plus the footnotes their ARD warnings call for ("NE" cells, percent change with baseline 0).

Each `*_rows(a, cells, cols, periods, shell)` returns the Rows of one analysis; `notes(a, cells)` the
footnotes it needs. Both read only the spec and the formatted ARD, so shells come out of the same code.
"""

from __future__ import annotations

from collections.abc import Callable

from tlf.tables.cells import Cells, inactive
from tlf.tables.model import Row, group_row

PART_LABELS = {"value": "Value", "change": "Change from baseline", "pchg": "Percent change from baseline",
               "pbase": "Percent of baseline"}
PART_PREFIX = {"value": "", "change": "chg_", "pchg": "pchg_", "pbase": "pbase_"}
TEST_ON = {"value": "value vs baseline", "change": "change vs 0", "pchg": "percent change vs 0",
           "pbase": "% of baseline vs 100"}
BASE0_FOOTNOTE = ("Percent change from baseline is not defined for a baseline value of 0; such patients are left "
                  "out of the percent change summaries.")
PBASE0_FOOTNOTE = ("Percent of baseline is not defined for a baseline value of 0; such patients are left out of the "
                   "percent of baseline summaries.")


def param_label(a, cells: Cells, param: str) -> str:
    """The parameter's label: the spec's `label` for a one-parameter analysis, else the data's PARAM."""
    text = cells.var.get((a.id, "", param, "", "param"), "")
    return text or param


# ---------------------------------------------------------------- by_visit


def ne_once(text: str) -> str:
    """"NE (NE)" or "NE, NE" -> "NE": a cell with nothing estimable says so once."""
    stripped = text.replace("(", " ").replace(")", " ").replace(",", " ").split()
    if len(stripped) > 1 and len(set(stripped)) == 1 and not any(ch.isdigit() for ch in stripped[0]) \
            and "x" not in stripped[0]:
        return stripped[0]
    return text


# ---------------------------------------------------------------- responders


# ---------------------------------------------------------------- ancova


# ---------------------------------------------------------------- correlation


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
        if a.type == "ancova":
            reason = reason.removeprefix("not estimable: ")  # the footnote begins "NE = not estimable: "
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


# The cells of the LS-mean models' rows (ancova, mmrm): ARD statistics into printed text
LSMEAN_TEMPLATES = {
    "n": "{n}",
    "lsmean_se": "{lsmean} ({lsmean_se})",
    "lsmean_ci": "({lsmean_ci_low}, {lsmean_ci_high})",
    "lsmean_and_ci": "{lsmean} ({lsmean_ci_low}, {lsmean_ci_high})",
    "diff_se": "{diff} ({diff_se})",
    "diff_ci": "({diff_ci_low}, {diff_ci_high})",
    "diff_and_ci": "{diff} ({diff_ci_low}, {diff_ci_high})",
    "diff_pvalue": "{diff_pvalue}",
}


def lsmean_rows(a, cells: Cells, cols, periods, col_labels: dict[str, str] | None, names: dict[str, str],
                visits, one_value: Callable[[str, str, str], tuple | None] | None = None) -> list[Row]:
    """The rows of an LS-mean model (ancova, mmrm): per parameter and visit of `visits`, the spec's
    `rows` in order with their default labels `names`; the difference rows as one block per comparator
    (the reference, or each of `comparisons`), a column's cells empty where it is not compared with that
    comparator. `one_value(row, param, visit)`: the cells of a one-value row (None: not one)."""
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

    def cell(c, row: str, p: str, visit: str, prefix: str = "") -> str:
        return a.na_text if inactive(a, c, periods) else \
            ne_once(cells.template(a.id, c, LSMEAN_TEMPLATES[row], p, visit, prefix))

    for p in a.params:
        rows.append(group_row(param_label(a, cells, p), len(cols), indent, f"{a.id}:{p}"))
        for visit in visits:
            vind = indent + 1
            group = f"{a.id}:{p}:{visit}"
            if a.visit_labels:
                rows.append(group_row(visit, len(cols), vind, group))
                vind += 1
            done_diffs = False
            for r in a.rows:
                own = one_value(r, p, visit) if one_value else None
                if own is not None:
                    rows.append(Row(a.labels.get(r, names[r]), own, indent=vind, group=group))
                elif r.startswith("diff"):
                    if done_diffs:  # the difference rows print together, at the place of the first
                        continue
                    done_diffs = True
                    for comp in comparators:
                        arms = {arm for arm, k in pairs if k == comp}
                        ref = labels.get(comp, comp)
                        for dr in diff_rows:
                            label = a.labels.get(dr, names[dr]).replace("{ref}", ref).replace("95%", level)
                            vals = tuple(cell(c, dr, p, visit, diff_prefix(a, comp)) if c in arms else ""
                                         for c in cols)
                            rows.append(Row(label, vals, indent=vind, group=group))
                else:
                    label = a.labels.get(r, names[r]).replace("95%", level)
                    rows.append(Row(label, tuple(cell(c, r, p, visit) for c in cols), indent=vind, group=group))
    return rows
