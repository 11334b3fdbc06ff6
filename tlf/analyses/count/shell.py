"""The `count` shell: one row, n (%) per column."""

from __future__ import annotations

from tlf.analyses.shell import count_rows, own_pct, shell_row


def shell(output_id: str, a, active, pct_default: int, study) -> list[dict]:
    pct = own_pct(a, pct_default)
    rows = count_rows(output_id, a, active, pct, [("", "")])
    if a.ci:
        rows += [shell_row(output_id, a.id, c.id, s, pct) for c in active for s in ("ci_lower", "ci_upper")]
    return rows


SHELLS = {"count": shell}
