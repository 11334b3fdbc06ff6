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

from dataclasses import dataclass

from tlf.errors import TlfError
from tlf.stats.proportions import proportion_ci, two_proportions

ESTIMATE_STATS = ("estimate", "estimate_lower", "estimate_upper")
NAN = float("nan")
DEFAULT_DECIMALS = {"risk_difference": 1, "relative_risk": 2, "odds_ratio": 2}
FAMILIES = ("count", "categorical", "terms", "responders")  # the analysis types an estimate column fills


def is_estimate(sc) -> bool:
    """Whether a stat column prints an estimate (not a p-value)."""
    return getattr(sc, "stat", "pvalue") != "pvalue"


def decimals(sc) -> int:
    """Decimals of an estimate column: its `format.decimals` when given, else the statistic's default."""
    return sc.format.decimals if "decimals" in sc.format.model_fields_set else DEFAULT_DECIMALS[sc.stat]


def estimate_rows(ctx, data: dict[str, tuple[int, int]], *, parent: str = "", level: str = "",
                  subjects: dict[str, tuple[list, list]] | None = None) -> list[dict]:
    """The ARD rows of every estimate column of the output for one table row: `data` maps a treatment
    column id to (subjects counted, denominator). A column of `over` absent from `data` (inactive in
    this analysis) gives no rows. `subjects` ({column: (subjects counted, subjects of the denominator)})
    lets a stratified odds ratio (`strata:`) count each stratum's 2 x 2 table; without it that is NE."""
    rows: list[dict] = []
    for k, sc in enumerate(getattr(ctx.entry.spec, "stat_columns", [])):
        if not is_estimate(sc):
            continue
        trt, ref = sc.over[0], sc.over[1]
        if trt not in data or ref not in data:
            continue
        if sc.strata:  # the Mantel-Haenszel common odds ratio (validation allows strata on odds ratios only)
            r = _mantel_haenszel(ctx, k, sc, subjects.get(trt) if subjects else None,
                                 subjects.get(ref) if subjects else None)
        else:
            try:
                r = two_proportions(sc.stat, *data[trt], *data[ref], sc.ci, sc.conf_level)
            except TlfError as e:  # a CI method the statistic has not (validation catches it first)
                raise ctx.entry.error(("stat_columns", k, "ci"), e.message, "SPEC101") from None
        scale = 100.0 if sc.stat == "risk_difference" else 1.0
        what = f"{sc.stat} ({r.method}, {100 * sc.conf_level:g}% CI){' x 100' if scale != 1 else ''}"
        note = "; ".join(r.notes)
        dec = decimals(sc)
        for name, value in zip(ESTIMATE_STATS, (r.estimate, r.lower, r.upper), strict=True):
            rows.append(ctx.row(sc.id, name, value * scale, dec, variable=what, parent=parent, level=level,
                                warning=note))
    return rows


@dataclass(frozen=True)
class Stratified:
    """A Mantel-Haenszel common odds ratio as estimate_rows prints it."""

    estimate: float
    lower: float
    upper: float
    method: str
    notes: tuple[str, ...] = ()


def _mantel_haenszel(ctx, k: int, sc, trt: tuple | None, ref: tuple | None) -> Stratified:
    """The MH common odds ratio (RBG CI) of the treatment vs the reference column over the strata of stat
    column k's `strata`, from (subjects counted, subjects of the denominator) of each column."""
    import numpy as np

    from tlf.analyses.strata import missing_note, subject_strata
    from tlf.stats.cmh import mh_odds_ratio

    method = f"Mantel-Haenszel over {sc.strata}, Robins-Breslow-Greenland"
    if trt is None or ref is None:
        return Stratified(NAN, NAN, NAN, method, (f"a stratified odds ratio is not available for a "
                                                  f"{ctx.analysis.type} analysis",))
    everyone = sorted(set(trt[1]) | set(ref[1]), key=str)
    strata = subject_strata(ctx, k, sc.strata, everyone)
    levels = sorted({v for v in strata.values() if v is not None}, key=lambda x: (isinstance(x, str), x))
    where = {v: h for h, v in enumerate(levels)}
    tables = np.zeros((max(len(levels), 1), 2, 2))
    for i, (counted, denominator) in enumerate((trt, ref)):
        yes = set(counted)
        for s in denominator:
            if strata[s] is not None:
                tables[where[strata[s]], i, 0 if s in yes else 1] += 1
    r = mh_odds_ratio(tables, alpha=1 - sc.conf_level)
    return Stratified(r.estimate, r.lower, r.upper, method, (*missing_note(sc.strata, strata), *r.notes))


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
