"""The `mmrm` table rows: per parameter and shown visit, LS means per column and differences from the
comparators with CI and p-value; footnotes for NE cells and for a fallback covariance structure."""

from __future__ import annotations

from tlf.analyses.bds_layout import lsmean_rows, param_label
from tlf.analyses.mmrm.spec import MMRM_ROWS
from tlf.tables.cells import Cells
from tlf.tables.model import Row


def mmrm_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    """Per parameter and shown visit, the spec's rows in order (bds_layout.lsmean_rows)."""
    return lsmean_rows(a, cells, cols, periods, col_labels, MMRM_ROWS, a.shown)


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
