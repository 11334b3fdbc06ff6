"""Estimate columns: a stat column with `stat: risk_difference | relative_risk | odds_ratio` prints, on
each row of subjects counted, the estimate comparing its two `over` columns (treatment first, reference
second) with its CI, "est (lower, upper)"; and the one-proportion CI rows of `responders` (`ci:`).

ARD: per estimate column and row three statistics in the stat column's `column`: `estimate`,
`estimate_lower`, `estimate_upper` (`variable` names the statistic, CI method and level; `warning` why one
is not estimable). A risk difference is stored and printed in percentage points (100 x (p1 - p2)), as
FDA's Standard Safety Tables print it; ratios as ratios. A one-proportion CI is `ci_lower`, `ci_upper` of
the treatment column, in percent. The statistics themselves are in tlf/stats/proportions.py.
"""

from __future__ import annotations

from tlf.errors import TlfError
from tlf.stats.proportions import proportion_ci, two_proportions

ESTIMATE_STATS = ("estimate", "estimate_lower", "estimate_upper")
DEFAULT_DECIMALS = {"risk_difference": 1, "relative_risk": 2, "odds_ratio": 2}
FAMILIES = ("count", "categorical", "terms", "responders")  # the analysis types an estimate column fills


def is_estimate(sc) -> bool:
    """Whether a stat column prints an estimate (not a p-value)."""
    return getattr(sc, "stat", "pvalue") != "pvalue"


def decimals(sc) -> int:
    """Decimals of an estimate column: its `format.decimals` when given, else the statistic's default."""
    return sc.format.decimals if "decimals" in sc.format.model_fields_set else DEFAULT_DECIMALS[sc.stat]


def estimate_rows(ctx, data: dict[str, tuple[int, int]], *, parent: str = "", level: str = "") -> list[dict]:
    """The ARD rows of every estimate column of the output for one table row: `data` maps a treatment
    column id to (subjects counted, denominator). A column of `over` absent from `data` (inactive in
    this analysis) gives no rows."""
    rows: list[dict] = []
    for sc in getattr(ctx.entry.spec, "stat_columns", []):
        if not is_estimate(sc):
            continue
        trt, ref = sc.over[0], sc.over[1]
        if trt not in data or ref not in data:
            continue
        try:
            r = two_proportions(sc.stat, *data[trt], *data[ref], sc.ci, sc.conf_level)
        except TlfError as e:  # a CI method the statistic has not (validation catches it first)
            raise ctx.entry.error(("stat_columns", ctx.entry.spec.stat_columns.index(sc), "ci"), e.message,
                                  "SPEC101") from None
        scale = 100.0 if sc.stat == "risk_difference" else 1.0
        what = f"{sc.stat} ({r.method}, {100 * sc.conf_level:g}% CI){' x 100' if scale != 1 else ''}"
        note = "; ".join(r.notes)
        dec = decimals(sc)
        for name, value in zip(ESTIMATE_STATS, (r.estimate, r.lower, r.upper), strict=True):
            rows.append(ctx.row(sc.id, name, value * scale, dec, variable=what, parent=parent, level=level,
                                warning=note))
    return rows


def proportion_ci_rows(ctx, col_id: str, n: int, denom: int, method: str, conf_level: float, *, parent: str = "",
                       level: str = "", order: int = 0) -> list[dict]:
    """`ci_lower`, `ci_upper` (percent) of n / denom in a treatment column."""
    r = proportion_ci(n, denom, method, conf_level)
    what = f"proportion ({method}, {100 * conf_level:g}% CI) x 100"
    kw = {"variable": what, "parent": parent, "level": level, "order": order, "warning": "; ".join(r.notes)}
    return [ctx.row(col_id, "ci_lower", 100 * r.lower, ctx.pct_decimals, **kw),
            ctx.row(col_id, "ci_upper", 100 * r.upper, ctx.pct_decimals, **kw)]


def estimate_text(cells, analysis: str, column: str, keys: list[tuple[str, str]]) -> str:
    """The "est (lower, upper)" text of an estimate column at the first of `keys` ((parent, level))
    with an estimate; the study's not-estimable text alone when the estimate is; "" when none."""
    for parent, level in keys:
        base = (analysis, column, parent, level)
        est = cells.text((*base, "estimate"), None)
        if est is None:
            continue
        value = cells.val.get((*base, "estimate"))
        if value != value and cells.warn.get((*base, "estimate")) != "shell":  # NaN: not estimable, NE alone
            return est
        return f"{est} ({cells.text((*base, 'estimate_lower'))}, {cells.text((*base, 'estimate_upper'))})"
    return ""


def ci_text(cells, analysis: str, column: str, parent: str, level: str) -> str:
    """"(lower, upper)" of a one-proportion CI row; "" where there is none."""
    lo = cells.text((analysis, column, parent, level, "ci_lower"), None)
    if lo is None:
        return ""
    return f"({lo}, {cells.text((analysis, column, parent, level, 'ci_upper'))})"


def shell_levels(spec, a, family_rows: list[dict]) -> list[tuple]:
    """(stat column, parent, level, stat name, decimals) of the placeholder estimates of the output's
    estimate columns for every (parent, level) of an analysis of a family they fill, from the family's
    own shell rows."""
    cols = [sc for sc in getattr(spec, "stat_columns", []) if is_estimate(sc)]
    if not cols or a.type not in FAMILIES:
        return []
    levels: list[tuple[str, str]] = []
    for r in family_rows:
        if r["column"] and r["stat_name"] == "n" and (r["parent"], r["level"]) not in levels:
            levels.append((r["parent"], r["level"]))
    return [(sc.id, p, lv, name, decimals(sc)) for sc in cols for p, lv in levels for name in ESTIMATE_STATS]
