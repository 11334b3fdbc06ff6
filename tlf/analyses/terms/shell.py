"""The `terms` shell: placeholder terms (nested in placeholder SOCs when the spec names `soc`)."""

from __future__ import annotations

from tlf.analyses.shell import PLACEHOLDERS, count_rows, own_pct, shell_row


def placeholder_levels(a) -> list[tuple[str, str]]:
    """(parent, level) of the shell's rows: two SOCs of two terms each, or three terms."""
    if not a.soc:
        return [("", f"<Preferred term {i}>") for i in range(1, PLACEHOLDERS + 1)]
    levels = []
    for s in range(1, 3):
        soc = f"<System organ class {s}>"
        levels += [("", soc)] + [(soc, f"<Preferred term {s}.{t}>") for t in range(1, 3)]
    return levels


def shell(output_id: str, a, active, pct_default: int, study) -> list[dict]:
    levels = placeholder_levels(a)
    if not a.by_grade:
        return count_rows(output_id, a, active, own_pct(a, pct_default), levels)
    return grade_shell(output_id, a, active, own_pct(a, pct_default), levels)


def grade_shell(output_id: str, a, active, pct: int, levels: list[tuple[str, str]]) -> list[dict]:
    """`by_grade`: the overall block (when set) and, per placeholder level, its grade rows (no Missing row:
    it prints only when the data have a subject in it)."""
    g = a.by_grade
    levels = ([("", "")] if g.overall is not None else []) + levels
    rows = count_rows(output_id, a, active, pct, levels)
    for c in active:
        for order, (parent, level) in enumerate(levels):
            for k in range(len(g.rows())):
                rows += [shell_row(output_id, a.id, c.id, f"grade{k + 1}_{s}", d, level=level, parent=parent,
                                   order=order, sig=0) for s, d in (("n", 0), ("p", pct))]
    return rows


SHELLS = {"terms": shell}
PVALUE_LEVELS = {"terms": placeholder_levels}  # a stat column prints one p-value per term
