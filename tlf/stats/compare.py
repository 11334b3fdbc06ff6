"""Comparisons across treatment columns: the p-value of one table row (or block of rows) from the
per-column data an analysis already gathered; `compare_rows` turns them into the ARD rows of the
output's stat columns.

    test      data                                                   computed by
    anova     one sample of values per column                        tests.anova_oneway
    wilcoxon  two samples                                             tests.rank_sum_test (normal approx.,
                                                                     exact, or R's auto rule: `exact`)
    chisq     a count table: one row per column, one cell per category  tests.chisq_test (Pearson)
    fisher    the same table                                          tests.fisher_test (2 x 2 and r x c)
    cmh       the same table per stratum                              cmh.cmh (general, row_mean, correlation)
    logrank   (time, event) pairs per column (and strata)             survival.logrank_test (stratified:
                                                                     cox.logrank_stratified)

`auto` picks the test by the kind of data: values -> anova, counts -> chisq, times -> logrank.

A chi-square on a sparse table (SAS's rule: more than 20% of the cells expected below 5) is marked
`sparse` with a note starting SPARSE_NOTE; `sparse="fisher"` gives Fisher's exact test instead.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

NAN = float("nan")
SPARSE_NOTE = "sparse chi-square"  # how the note of a sparse chi-square (or its Fisher replacement) starts


@dataclass(frozen=True)
class Comparison:
    """A p-value across columns, the test that gave it and notes (why it is missing, low expected counts).
    `sparse`: a chi-square table with more than 20% of its cells expected below 5 (SAS's rule), whether
    the chi-square p-value was kept or replaced by Fisher's (then `test` is "fisher")."""

    test: str
    pvalue: float
    notes: tuple[str, ...] = ()
    sparse: bool = False


def compare_values(samples: Sequence, test: str, exact: bool | str = False) -> Comparison:
    """anova across the samples, or wilcoxon between exactly two: `exact` False (normal approximation
    with continuity correction, SAS's default), True (the exact conditional test) or "auto" (R
    wilcox.test's rule: exact below 50 values per sample without ties). A wilcoxon asked for exact or
    auto notes which p it gives."""
    from tlf.stats.tests import anova_oneway, rank_sum_test

    if test == "anova":
        r = anova_oneway(samples)
        return Comparison(test, r.pvalue, r.notes)
    if len(samples) != 2:
        return Comparison(test, NAN, (f"wilcoxon compares 2 columns, got {len(samples)}",))
    method = "auto" if exact == "auto" else ("exact" if exact else "asymptotic")
    r = rank_sum_test(samples[0], samples[1], method=method)
    said = () if method == "asymptotic" or r.pvalue != r.pvalue else (
        "exact p-value" if r.method == "exact" else "normal approximation with continuity correction",)
    return Comparison(test, r.pvalue, (*r.notes, *said))


def compare_counts(table: Sequence[Sequence[int]], test: str, sparse: str = "none") -> Comparison:
    """chisq or fisher on a table of counts (rows: columns compared; cells: categories). A sparse
    chi-square (see Comparison) is noted; `sparse="fisher"` replaces its p by Fisher's exact test."""
    return _counts(tuple(tuple(int(x) for x in row) for row in table), test, sparse)


@functools.lru_cache(maxsize=4096)
def _counts(table: tuple[tuple[int, ...], ...], test: str, sparse: str = "none") -> Comparison:
    # An adverse-event table repeats the same few 2 x 2 tables (1 of 86 vs 0 of 84) many times.
    from tlf.stats.tests import chisq_test, fisher_test

    if test != "chisq":
        r = fisher_test(table)
        return Comparison(test, r.pvalue, r.notes)
    c = chisq_test(table)
    if not c.sparse or sparse == "none":
        return Comparison(test, c.pvalue, c.notes, sparse=c.sparse)
    share = f"{c.n_low_expected} of {c.n_cells} cells ({100 * c.n_low_expected / c.n_cells:.0f}%)"
    if sparse == "fisher":
        f = fisher_test(table)
        return Comparison("fisher", f.pvalue, (f"{SPARSE_NOTE}: {share} have expected counts below 5 (more than "
                                               f"20%): Fisher's exact test instead (chi-square p = {c.pvalue:.4g})",
                                               *f.notes), sparse=True)
    return Comparison(test, c.pvalue, (f"{SPARSE_NOTE}: {share} have expected counts below 5 (more than 20%): "
                                       "chi-square may not be a valid test",), sparse=True)


def compare_with_without(n: Sequence[int], denom: Sequence[int], test: str, sparse: str = "none") -> Comparison:
    """chisq or fisher on subjects with / without the row's condition: n of denom per column."""
    if any(d <= 0 for d in denom):
        return Comparison(test, NAN, ("a compared column has no subjects",))
    if sum(n) == 0 or sum(n) == sum(denom):
        # a table with an empty column: SAS PROC FREQ computes no test, and neither do we
        return Comparison(test, NAN, ("no difference to test: no subject (or every subject) of the compared "
                                      "columns is counted",))
    return compare_counts([[k, d - k] for k, d in zip(n, denom, strict=True)], test, sparse)


def compare_times(times: Sequence, events: Sequence, test: str = "logrank") -> Comparison:
    """Log-rank test across columns; times[i] and events[i] are the i-th column's subjects."""
    from tlf.stats.survival import logrank_test

    t, e, g = [], [], []
    for i, (ts, es) in enumerate(zip(times, events, strict=True)):
        t += list(ts)
        e += list(es)
        g += [i] * len(ts)
    r = logrank_test(t, e, g)
    return Comparison(test, r.pvalue, r.notes)




CMH_NAMES = {"general": "general association", "row_mean": "row mean scores differ",
             "correlation": "nonzero correlation"}


def compare_cmh(tables, statistic: str = "general", scores: str = "table", col_scores=None,
                notes: Sequence[str] = ()) -> Comparison:
    """The CMH `statistic` (general, row_mean, correlation) of K tables (strata) of counts, one row per
    compared column and one cell per category; the note gives Q and its df (as SAS prints them)."""
    from tlf.stats.cmh import cmh

    r = cmh(tables, scores=scores, col_scores=col_scores).get(statistic)
    said = f"CMH {CMH_NAMES[statistic]}" + (", modified ridit scores" if scores == "modridit" else "")
    if r.pvalue == r.pvalue:
        said += f": Q = {r.statistic:.4f}, df = {r.df}"
    return Comparison("cmh", r.pvalue, (said, *notes, *r.notes))


def compare_times_stratified(times: Sequence, events: Sequence, strata: Sequence, test: str = "logrank",
                             notes: Sequence[str] = ()) -> Comparison:
    """Stratified log-rank test across columns; strata[i] gives the stratum of each subject of column i."""
    from tlf.stats.cox import logrank_stratified

    t, e, g, s = [], [], [], []
    for i, (ts, es, ss) in enumerate(zip(times, events, strata, strict=True)):
        t += list(ts)
        e += list(es)
        s += list(ss)
        g += [i] * len(ts)
    r = logrank_stratified(t, e, g, s)
    return Comparison(test, r.pvalue, (*notes, *r.notes))
