"""The `categorical` shell: the levels the spec lists, else a few placeholder categories."""

from __future__ import annotations

from tlf.analyses.shell import PLACEHOLDERS, count_rows, own_pct, shell_row


def shell(output_id: str, a, active, pct_default: int, study) -> list[dict]:
    levels = ([("", lv.label) for lv in a.levels] if a.levels
              else [("", f"<Category {i}>") for i in range(1, PLACEHOLDERS + 1)])
    rows = count_rows(output_id, a, active, own_pct(a, pct_default), levels)
    if a.n_row:
        rows += [shell_row(output_id, a.id, c.id, "n", 0, level=a.n_row, order=-1, sig=0) for c in active]
    return rows


def pvalue_levels(a) -> list[tuple[str, str]]:
    """The p-values print on the `n_row` when there is one, else on the label's row."""
    return [("", a.n_row or "")]


SHELLS = {"categorical": shell}
PVALUE_LEVELS = {"categorical": pvalue_levels}
