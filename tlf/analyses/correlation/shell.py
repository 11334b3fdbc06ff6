"""The `correlation` shell: r, p-value and n per method (per column, or pooled)."""

from __future__ import annotations

from tlf.analyses.shell import shell_row


def shell(output_id: str, a, cols, pct: int, study) -> list[dict]:
    rows = []
    for col in ([""] if a.pool else [c.id for c in cols]):
        for k, method in enumerate(a.methods):
            rows += [shell_row(output_id, a.id, col, s, d, level=method, order=k)
                     for s, d in (("r", a.decimals), ("pvalue", 3), ("n", 0))]
    return rows


SHELLS = {"correlation": shell}
