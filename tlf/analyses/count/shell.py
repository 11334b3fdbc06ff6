"""The `count` shell: one row, n (%) per column."""

from __future__ import annotations

from tlf.analyses.shell import count_rows, own_pct


def shell(output_id: str, a, active, pct_default: int, study) -> list[dict]:
    return count_rows(output_id, a, active, own_pct(a, pct_default), [("", "")])


SHELLS = {"count": shell}
