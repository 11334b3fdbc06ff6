"""The `categorical` shell: the levels the spec lists, else a few placeholder categories."""

from __future__ import annotations

from tlf.analyses.shell import PLACEHOLDERS, count_rows, own_pct


def shell(output_id: str, a, active, pct_default: int, study) -> list[dict]:
    levels = ([("", lv.label) for lv in a.levels] if a.levels
              else [("", f"<Category {i}>") for i in range(1, PLACEHOLDERS + 1)])
    return count_rows(output_id, a, active, own_pct(a, pct_default), levels)


SHELLS = {"categorical": shell}
