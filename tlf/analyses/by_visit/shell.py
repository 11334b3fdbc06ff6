"""The `by_visit` shell: every statistic of every part shown, per parameter, visit and column."""

from __future__ import annotations

from tlf.analyses.shell import param_visit_rows, shell_row
from tlf.spec.base import CONTINUOUS_STATS

_PREFIX = {"value": "", "change": "chg_", "pchg": "pchg_", "pbase": "pbase_"}
_OFFSET = {"mean": 1, "median": 1, "q1": 1, "q3": 1, "geomean": 1, "sd": 2, "se": 2, "min": 0, "max": 0}


def shell(output_id: str, a, cols, pct: int, study) -> list[dict]:
    rows = param_visit_rows(output_id, a)
    d = a.precision if a.precision is not None else 0
    for c in cols:
        for i, p in enumerate(a.params):
            for j, v in enumerate(a.visits):
                for part in a.show:
                    if part != "value" and v == a.baseline_visit:
                        continue
                    dd = {"pchg": a.pchg_precision, "pbase": a.pbase_precision}.get(part, d)
                    for name in CONTINUOUS_STATS:
                        dec = 0 if name == "n" else (1 if name in ("cv", "geocv") else dd + _OFFSET.get(name, 0))
                        rows.append(shell_row(output_id, a.id, c.id, _PREFIX[part] + name, a.decimals.get(name, dec),
                                              parent=p, level=v, order=i * 1000 + j))
                if v != a.baseline_visit:
                    for t in a.tests:
                        rows.append(shell_row(output_id, a.id, c.id, f"{t.quantity}_wsr_pvalue", 3, parent=p, level=v,
                                              order=i * 1000 + j))
    return rows


SHELLS = {"by_visit": shell}
