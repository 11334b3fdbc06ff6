"""The `power_model` shell: every statistic for each parameter the spec names."""

from __future__ import annotations

NAN = float("nan")


def mock_power_model_rows(output_id: str, a, col_ids: list[str]) -> list[dict]:
    """The statistics of a `power_model` analysis for each parameter the spec names."""
    from tlf.analyses.power_model.run import DEFAULT_DECIMALS

    dec = {**DEFAULT_DECIMALS, **a.decimals}
    names = {"n": 0, "slope": dec["slope"], "slope_se": dec["se"], "slope_ci_low": dec["slope"],
             "slope_ci_high": dec["slope"], "intercept": dec["intercept"], "intercept_se": dec["se"],
             "dose_ratio": -1, "range_low": dec["range"], "range_high": dec["range"], "within_range": 0}
    rows = []
    for col in col_ids:
        for order, p in enumerate(a.parameters):
            for name, d in names.items():
                rows.append({"output_id": output_id, "analysis": a.id, "column": col, "variable": p.code,
                             "parent": "", "level": p.label or p.code, "stat_name": name, "stat": NAN,
                             "decimals": d, "sig": 3 if d < 0 else 0, "order": order, "warning": "shell"})
    return rows


def shell(output_id: str, a, active, pct_default: int, study) -> list[dict]:
    return mock_power_model_rows(output_id, a, [c.id for c in active])


SHELLS = {"power_model": shell}
