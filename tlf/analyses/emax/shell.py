"""The `emax` shell: the model's statistics (no plotted points: a shell figure is an empty frame); a
parameter the spec fixes prints its value, as the output does."""

from __future__ import annotations

from tlf.analyses.context import FIXED

NAN = float("nan")


def mock_emax_rows(output_id: str, a, col_ids: list[str]) -> list[dict]:
    """The statistics of an `emax` analysis (no plotted points: a shell figure is an empty frame)."""
    from tlf.analyses.emax.run import stat_decimals
    from tlf.stats.emax import PARAMS

    dec = stat_decimals(a)
    names = ["n", "nobs", "df"]
    for k in PARAMS:
        names.append(k)
        if k in a.estimated:
            names += [f"{k}_se", f"{k}_ci_low", f"{k}_ci_high"]
    names += ["sigma", "converged"]
    rows = []
    for col in col_ids:
        for name in names:
            fixed = name in ("e0", "hill") and name not in a.estimated
            rows.append({"output_id": output_id, "analysis": a.id, "column": col, "variable": a.response.upper(),
                         "parent": "", "level": a.label or a.id, "stat_name": name,
                         "stat": float(getattr(a, name)) if fixed else NAN, "decimals": dec[name], "sig": 0,
                         "order": 0, "warning": FIXED if fixed else "shell"})
    return rows


def shell(output_id: str, a, active, pct_default: int, study) -> list[dict]:
    return mock_emax_rows(output_id, a, [c.id for c in active])


SHELLS = {"emax": shell}
