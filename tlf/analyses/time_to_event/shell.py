"""The `time_to_event` shell: subjects, events and censored n (%), median with CI and quartiles."""

from __future__ import annotations

from tlf.analyses.shell import own_pct, shell_row
from tlf.analyses.time_to_event.spec import TTE_STATS

_OFFSET = {"median": 1, "q1": 1, "q3": 1, "min": 0, "max": 0}


def shell(output_id: str, a, active, pct_default: int, study) -> list[dict]:
    pct = own_pct(a, pct_default)
    d = a.precision if a.precision is not None else 0
    rows = []
    for c in active:
        rows.append(shell_row(output_id, a.id, c.id, "n", 0, variable=a.time, sig=0))
        for order, level in enumerate(("Events", "Censored"), 1):
            rows.append(shell_row(output_id, a.id, c.id, "n", 0, level=level, order=order, sig=0))
            rows.append(shell_row(output_id, a.id, c.id, "p", pct, level=level, order=order, sig=0))
        for name in TTE_STATS[1:]:
            base = "median" if name.startswith("median") else name
            rows.append(shell_row(output_id, a.id, c.id, name, a.decimals.get(base, d + _OFFSET.get(base, 0)),
                                  variable=a.time, sig=0))
    hr = a.hazard_ratio
    if hr is not None:
        rows += [shell_row(output_id, a.id, c.id, name, 3 if name == "hr_pvalue" else hr.decimals, sig=0)
                 for c in active if c.id != hr.reference for name in ("hr", "hr_ci_low", "hr_ci_high", "hr_pvalue")]
    return rows


SHELLS = {"time_to_event": shell}
