"""The `terms` shell: placeholder terms (nested in placeholder SOCs when the spec names `soc`)."""

from __future__ import annotations

from tlf.analyses.shell import PLACEHOLDERS, count_rows, own_pct


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
    return count_rows(output_id, a, active, own_pct(a, pct_default), placeholder_levels(a))


SHELLS = {"terms": shell}
PVALUE_LEVELS = {"terms": placeholder_levels}  # a stat column prints one p-value per term
