"""The p-value rows of an output's stat columns: each analysis's per-column data compared by the test
the stat column (or the analysis) names; the tests themselves are in tlf/stats/compare.py."""

from __future__ import annotations

from typing import Any

from tlf.analyses.estimates import is_estimate
from tlf.spec.base import resolve_test
from tlf.stats.compare import (
    NAN,
    compare_cmh,
    compare_counts,
    compare_times,
    compare_times_stratified,
    compare_values,
    compare_with_without,
)


def compare_rows(ctx, kind: str, data: dict[str, Any], *, parent: str = "", level: str = "",
                 subjects: dict[str, Any] | None = None, scores: list | None = None) -> list[dict]:
    """One p-value row per stat column of the output: `data` maps a treatment column id to what the
    comparison of `kind` needs ("values": a sample; "counts": {category: n} or (n, N); "times": (time,
    event)). Columns listed in a stat column's `over` but absent from `data` (inactive) are left out.
    The stat column's `sparse` decides what a sparse chi-square gives (its `warning` then starts with
    SPARSE_NOTE, which the format and the layout read), its `exact` how a wilcoxon is computed; the
    row's `variable` is the test that gave the p-value (fisher where it replaced a sparse chi-square).
    A stratified test (`test: cmh`, a log-rank with `strata`) needs `subjects`, shaped as `data` with
    subject ids in place of counts ({category: [ids]}, ([ids with], [ids]); "times": [ids] in the order of
    the times); `scores`: the categories' table scores (None: 1, 2, ...)."""
    rows = []
    for k, sc in enumerate(getattr(ctx.entry.spec, "stat_columns", ())):
        if is_estimate(sc):  # an estimate column: tlf/analyses/estimates.py
            continue
        test = resolve_test(getattr(ctx.analysis, "test", None) or sc.test, kind)
        if test == "none":
            continue
        ids = [c for c in sc.over if c in data]
        if len(ids) < 2:
            res_p, notes = float("nan"), ("fewer than 2 columns to compare",)
        elif test in ("cmh", "breslow_day") or (kind == "times" and sc.strata):
            res_p, notes = _stratified(ctx, k, sc, kind, ids, data, subjects, scores)
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


def _stratified(ctx, k: int, sc, kind: str, ids: list[str], data: dict, subjects: dict | None,
                scores: list | None) -> tuple[float, tuple[str, ...]]:
    """p-value and notes of stat column k's CMH test (counts) or stratified log-rank test (times)."""
    import numpy as np

    from tlf.analyses.strata import missing_note, subject_strata

    if subjects is None:
        return NAN, (f"a stratified test is not available for a {ctx.analysis.type} analysis",)
    if kind == "times":
        everyone = [s for c in ids for s in subjects[c]]
        strata = subject_strata(ctx, k, sc.strata, everyone)
        r = compare_times_stratified([data[c][0] for c in ids], [data[c][1] for c in ids],
                                     [[strata[s] for s in subjects[c]] for c in ids], "logrank",
                                     missing_note(sc.strata, strata))
        return r.pvalue, r.notes
    if isinstance(subjects[ids[0]], tuple):  # subjects with / without the row's condition
        per_col = [{"yes": set(subjects[c][0]), "no": set(subjects[c][1]) - set(subjects[c][0])} for c in ids]
        cats = ["yes", "no"]
    else:
        per_col = [{cat: set(v) for cat, v in subjects[c].items()} for c in ids]
        cats = list(subjects[ids[0]])
    everyone = sorted({s for col in per_col for v in col.values() for s in v}, key=str)
    if sum(len(v) for col in per_col for v in col.values()) != len(everyone):
        return NAN, ("not computed: a subject is counted under more than one level (a CMH test counts each "
                     "subject once)",)
    if sc.strata:
        strata = subject_strata(ctx, k, sc.strata, everyone)
        notes = missing_note(sc.strata, strata)
    else:
        strata, notes = dict.fromkeys(everyone, 1), ()
    levels = sorted({v for v in strata.values() if v is not None}, key=lambda x: (isinstance(x, str), x))
    where = {v: h for h, v in enumerate(levels)}
    tables = np.zeros((max(len(levels), 1), len(ids), len(cats)))
    for i, col in enumerate(per_col):
        for j, cat in enumerate(cats):
            for s in col.get(cat, ()):
                if strata[s] is not None:
                    tables[where[strata[s]], i, j] += 1
    if sc.test == "breslow_day" or getattr(ctx.analysis, "test", None) == "breslow_day":
        return _breslow_day(tables, sc.strata, notes)
    r = compare_cmh(tables, sc.cmh, sc.scores, scores if scores and len(scores) == len(cats) else None,
                    (f"controlling for {sc.strata}",) if sc.strata else ())
    return r.pvalue, (*r.notes[:1], *notes, *r.notes[1:])


def _breslow_day(tables, strata: str, notes: tuple) -> tuple[float, tuple[str, ...]]:
    """Breslow-Day p-value of K 2 x 2 tables (columns x with/without); Tarone's adjusted one in the note."""
    from tlf.stats.cmh import breslow_day

    if tables.shape[1:] != (2, 2):
        return NAN, ("Breslow-Day compares two columns of subjects with / without the row's condition",)
    r = breslow_day(tables)
    said = (f"Breslow-Day across {strata}: chi-square = {r.statistic:.4f}, df = {r.df}; Tarone-adjusted "
            f"p = {r.tarone_pvalue:.4f}" if r.pvalue == r.pvalue else f"Breslow-Day across {strata}")
    return r.pvalue, (said, *notes, *r.notes)
