"""Spec checks of the estimate columns of an output's `stat_columns` (stat: risk_difference,
relative_risk, odds_ratio); what they compute is tlf/analyses/estimates.py."""

from __future__ import annotations

from tlf.errors import TlfError
from tlf.stats.proportions import TWO_METHODS


def check_estimate_columns(entry) -> list[TlfError]:
    """An estimate column compares exactly two columns (SPEC100) and names a CI method of its statistic
    (SPEC101); `ci` on a p-value column is an error (SPEC101)."""
    errors: list[TlfError] = []
    for k, sc in enumerate(getattr(entry.spec, "stat_columns", [])):
        if sc.stat == "pvalue":
            if sc.ci is not None:
                errors.append(entry.error(("stat_columns", k, "ci"), f"'ci' is for estimate columns (stat: "
                                          f"{', '.join(TWO_METHODS)}); this column prints p-values (stat: "
                                          "pvalue)", "SPEC101"))
            continue
        if len(sc.over) != 2:
            errors.append(entry.error(("stat_columns", k, "over"), f"a {sc.stat} column compares exactly 2 "
                                      f"columns, the treatment then the reference; got {len(sc.over)}: "
                                      f"{', '.join(sc.over)}", "SPEC100"))
        if sc.ci is not None and sc.ci not in TWO_METHODS[sc.stat]:
            errors.append(entry.error(("stat_columns", k, "ci"), f"{sc.stat} has no CI method '{sc.ci}'; "
                                      f"methods: {', '.join(TWO_METHODS[sc.stat])}", "SPEC101"))
    return errors
