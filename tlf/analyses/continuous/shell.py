"""The `continuous` shell: every statistic with the decimals the output prints (precision 0 unless the
spec sets it)."""

from __future__ import annotations

from tlf.analyses.shell import shell_row
from tlf.spec.base import CONTINUOUS_STATS
from tlf.stats.descriptive import stat_precision


def shell(output_id: str, a, active, pct_default: int, study) -> list[dict]:
    d = a.precision if a.precision is not None else 0
    rows = []
    for c in active:
        for name in CONTINUOUS_STATS:
            dec, sig = stat_precision(name, d, a.decimals, a.sig)
            rows.append(shell_row(output_id, a.id, c.id, name, dec, variable=a.var, sig=sig))
    return rows


SHELLS = {"continuous": shell}
