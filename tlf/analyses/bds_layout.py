"""Rows of the analyses by parameter and visit (by_visit, responders, ancova) and of correlations,
plus the footnotes their ARD warnings call for ("NE" cells, percent change with baseline 0).

Each `*_rows(a, cells, cols, periods, shell)` returns the Rows of one analysis; `notes(a, cells)` the
footnotes it needs. Both read only the spec and the formatted ARD, so shells come out of the same code.
"""

from __future__ import annotations

from tlf.tables.cells import Cells

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
