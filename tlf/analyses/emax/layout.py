"""Table rows of the exposure-response analysis (`type: emax`), from the formatted ARD.

    CD19+ B cells                          group row (the analysis' label)
      Subjects                   48
      Emax (SE)             92.4 (1.23)
      Emax 95% CI           (90.0, 94.8)
      ...

A fixed parameter prints its value with "(fixed)" and no CI; what was not estimable prints NE and a
footnote gives the reason. The footnotes also state the model and how SEs and CIs were computed.
"""

from __future__ import annotations

from tlf.tables.cells import inactive
from tlf.tables.model import Row

PARAM_NAMES = {"e0": "E0", "emax": "Emax", "ec50": "EC50", "hill": "Hill coefficient"}


def _fixed(a, param: str) -> bool:
    return param in ("e0", "hill") and getattr(a, param) != "estimate"


def emax_rows(a, cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    from tlf.analyses.emax.spec import EMAX_ROWS

    rows: list[Row] = []
    indent = a.indent
    blank = ("",) * len(cols)
    level = a.label or a.id
    key = f"{a.id}:{level}"
    if a.label:
        rows.append(Row(a.label, blank, indent=indent, kind="group", group=key))
        indent += 1
    ci = f"{100 * (1 - a.alpha):g}%"
    for name in a.rows:
        label, template = EMAX_ROWS[name]
        param = name.removesuffix("_ci")
        fixed = _fixed(a, param)
        if fixed:
            label = a.labels.get(name, f"{PARAM_NAMES[param]} (fixed)" if name == param else label)
            template = "{" + param + "}" if name == param else ""
        label = a.labels.get(name, label).replace("{ci}", ci)
        vals = tuple(a.na_text if inactive(a, c, periods) else cells.fill(a.id, c, template, "", level)
                     for c in cols)
        rows.append(Row(label, vals, indent=indent, group=key))
    return rows


def model_note(a) -> str:
    """The model fitted and how SEs and CIs were computed."""
    h = "" if a.hill == 1 else ("^h" if a.hill == "estimate" else f"^{a.hill:g}")
    e0 = "E0 + " if a.e0 == "estimate" else ("" if float(a.e0) == 0 else f"{float(a.e0):g} + ")
    model = f"E = {e0}Emax x C{h} / (EC50{h} + C{h})"
    fixed = [f"{PARAM_NAMES[p]} fixed at {float(getattr(a, p)):g}" for p in ("e0", "hill") if _fixed(a, p)]
    q = "t(1 - alpha/2, n - p) with n observations and p parameters" if a.ci == "t" else "the normal quantile z(1 - alpha/2)"
    level = f"{100 * (1 - a.alpha):g}%"
    return (f"Emax model {model}" + (f" ({'; '.join(fixed)})" if fixed else "") + ", fitted by nonlinear least "
           "squares to each subject's response paired with the concentration at the same time point. "
           f"SE: asymptotic (from the Jacobian at the estimate); {level} CI: Wald, estimate +/- q x SE with q = {q}.")


def emax_notes(a, cells) -> list[str]:
    """The model note and why a result is NE."""
    out = [model_note(a)]
    reasons: list[str] = []
    for k, warning in cells.warn.items():
        if k[0] != a.id or not warning.startswith("not estimable"):
            continue
        if cells.val.get(k) is not None and cells.val.get(k) == cells.val.get(k) and k[4] != "converged":
            continue
        text = f"NE = {warning}" + (f" ({a.label})" if a.label else "") + "."
        if text not in reasons:
            reasons.append(text)
    return out + reasons


ROWS = {"emax": emax_rows}
NOTES = {"emax": emax_notes}
