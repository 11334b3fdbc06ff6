"""The `mmrm` shell: per parameter and visit, LS means per column and differences per comparison."""

from __future__ import annotations

from tlf.analyses.shell import param_visit_rows, shell_row


def shell(output_id: str, a, cols, pct: int, study) -> list[dict]:
    from tlf.analyses.ancova.run import ARM_STATS, DIFF_STATS, comparison_pairs, decimals_for, diff_prefix

    rows = param_visit_rows(output_id, a)
    dec = decimals_for(a, a.precision if a.precision is not None else 0)
    pairs = comparison_pairs(a, [c.id for c in cols])
    for i, p in enumerate(a.params):
        for j, v in enumerate(a.visits):
            at = {"parent": p, "level": v, "order": i * 1000 + j}
            for c in cols:
                rows += [shell_row(output_id, a.id, c.id, s, dec[s], **at) for s in ARM_STATS]
            for arm, comp in pairs:
                rows += [shell_row(output_id, a.id, arm, diff_prefix(a, comp) + s, dec[s], **at) for s in DIFF_STATS]
    return rows


SHELLS = {"mmrm": shell}
