"""The p-value rows of an output's stat columns: each analysis's per-column data compared by the test
the stat column (or the analysis) names; the tests themselves are in tlf/stats/compare.py."""

from __future__ import annotations

from typing import Any

from tlf.analyses.estimates import is_estimate
from tlf.spec.base import resolve_test
from tlf.stats.compare import compare_counts, compare_times, compare_values, compare_with_without


def compare_rows(ctx, kind: str, data: dict[str, Any], *, parent: str = "", level: str = "") -> list[dict]:
    """One p-value row per stat column of the output: `data` maps a treatment column id to what the
    comparison of `kind` needs ("values": a sample; "counts": {category: n} or (n, N); "times": (time,
    event)). Columns listed in a stat column's `over` but absent from `data` (inactive) are left out.
    The stat column's `sparse` decides what a sparse chi-square gives (its `warning` then starts with
    SPARSE_NOTE, which the format and the layout read), its `exact` how a wilcoxon is computed; the
    row's `variable` is the test that gave the p-value (fisher where it replaced a sparse chi-square)."""
    rows = []
    for sc in ctx.entry.spec.stat_columns:
        if is_estimate(sc):  # an estimate column: tlf/analyses/estimates.py
            continue
        test = resolve_test(getattr(ctx.analysis, "test", None) or sc.test, kind)
        if test == "none":
            continue
        ids = [c for c in sc.over if c in data]
        if len(ids) < 2:
            res_p, notes = float("nan"), ("fewer than 2 columns to compare",)
        elif kind == "values":
            r = compare_values([data[c] for c in ids], test, sc.exact)
            res_p, notes = r.pvalue, r.notes
        elif kind == "times":
            r = compare_times([data[c][0] for c in ids], [data[c][1] for c in ids], test)
            res_p, notes = r.pvalue, r.notes
        elif isinstance(data[ids[0]], tuple):
            r = compare_with_without([data[c][0] for c in ids], [data[c][1] for c in ids], test, sc.sparse)
            res_p, notes, test = r.pvalue, r.notes, r.test
        else:
            cats = list(data[ids[0]])
            r = compare_counts([[data[c].get(k, 0) for k in cats] for c in ids], test, sc.sparse)
            res_p, notes, test = r.pvalue, r.notes, r.test
        rows.append(ctx.row(sc.id, "pvalue", res_p, sc.format.decimals, variable=test, parent=parent, level=level,
                            warning="; ".join(notes)))
    return rows
