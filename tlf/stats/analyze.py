"""Spec + data -> ARD rows: runs each analysis of an output over its treatment columns.

This module and the per-family runners it dispatches to (visits.py, ancova.py, correlate.py) read
specs; the functions they call (counts, descriptive, models, tests) take plain data and return numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tlf.data.populations import Population
from tlf.errors import DataError, did_you_mean
from tlf.stats import ancova, correlate, tte, visits
from tlf.stats.compare import compare_rows
from tlf.stats.context import ColumnGroup, Ctx, n_p, norm_value, row_dict, text_value
from tlf.stats.counts import count_levels, count_subjects, count_term_records, count_terms, passes_threshold
from tlf.stats.descriptive import collected_decimals, describe
from tlf.stats.dose_proportionality import power_model
from tlf.stats.exposure_response import emax
from tlf.stats.pk_summary import pk_concentrations, pk_parameters

if TYPE_CHECKING:

    from tlf.data.datasets import StudyData
    from tlf.spec.validate import OutputEntry, Study

MISSING_LABEL = "Missing"


def resolve_columns(study: Study, entry: OutputEntry, data: StudyData,
                    pops: dict[str, Population]) -> list[ColumnGroup]:
    adsl = data.subjects
    sid = data.subject_id
    out = []
    inline = not isinstance(entry.spec.columns, str)
    for i, c in enumerate(study.columns_for(entry)):
        key = ("columns", i) if inline else ("columns", entry.spec.columns, i)
        err = entry.error if inline else study.error
        if c.var not in adsl.columns:
            raise err((*key, "var"), f"treatment variable '{c.var}' not found in dataset "
                      f"{data.subject_dataset}{did_you_mean(c.var, adsl.columns)}", "SPEC041")
        pop = pops[c.population or entry.spec.population]
        values = adsl[c.var]
        mask = values.isin(list(c.values))
        subjects = frozenset(adsl.loc[mask, sid]) & pop.subjects
        out.append(ColumnGroup(c.id, c.label, c.spanner, c.period, pop.name, subjects, c.width))
    return out


def compute_ard(study: Study, entry: OutputEntry, data: StudyData, pops: dict[str, Population],
                columns: list[ColumnGroup]) -> list[dict]:
    """All ARD rows of one output (unformatted; `format` fills stat_fmt)."""
    rows: list[dict] = []
    for col in columns:
        rows.append(row_dict(entry, "_N", col.id, "", "", "", "N", col.n, 0))
    if entry.spec.type == "figure" and entry.spec.plot.kind in _PLOTS:
        return rows + _plot_rows(entry, data, columns)  # a plot that reads its dataset directly
    spec_pct = entry.spec.pct_decimals if entry.spec.pct_decimals is not None else study.spec.pct_decimals
    for i, a in enumerate(entry.spec.analyses):
        ctx = Ctx(study, entry, data, i, a, spec_pct)
        rows += _ANALYSES[a.type](ctx, columns)
    return rows


def _plot_rows(entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> list[dict]:
    """The plotted numbers of a figure, by plot kind."""
    from tlf.stats.km_plot import km_plot_rows
    from tlf.stats.pk_plots import individual_rows
    from tlf.stats.trends import mean_by_visit_rows

    plots = {"mean_by_visit": mean_by_visit_rows, "km": km_plot_rows, "individual": individual_rows}
    return plots[entry.spec.plot.kind](entry, data, columns)


_PLOTS = ("mean_by_visit", "km", "individual")  # plot kinds that read their dataset (the others draw the output's analyses)


# ---------------------------------------------------------------- analyses

def _count(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    rows = []
    sid = ctx.data.subject_id
    by_col: dict[str, tuple[int, int]] = {}
    for col in columns:
        if not ctx.active(col):
            continue
        recs = ctx.records(col)
        c = count_subjects(recs[sid], col.n)
        rows += n_p(ctx, col.id, c.n, col.n, variable=ctx.analysis.where or "")
        if ctx.analysis.events:
            rows.append(ctx.row(col.id, "events", len(recs), 0, variable=ctx.analysis.where or ""))
        by_col[col.id] = (c.n, col.n)
    return rows + compare_rows(ctx, "counts", by_col)


def _categorical(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    a = ctx.analysis
    sid = ctx.data.subject_id
    per_col: list[tuple[ColumnGroup, str, list[tuple[str, Any]]]] = []
    observed: set = set()
    for col in columns:
        if not ctx.active(col):
            continue
        var = ctx.variable(a.var, col)
        recs = ctx.records(col)
        pairs = [(s, norm_value(v)) for s, v in zip(recs[sid], recs[var], strict=True)]
        observed |= {v for _, v in pairs}
        per_col.append((col, var, pairs))
    levels = _levels(a.levels, observed)
    missing_any = any(v is None for _, _, pairs in per_col for _, v in pairs)
    if a.missing_row and missing_any:
        levels[MISSING_LABEL] = {None}
    rows = []
    by_col: dict[str, dict[str, int]] = {}
    for col, var, pairs in per_col:
        counts = count_levels(pairs, levels, col.n)
        for order, (label, c) in enumerate(counts.items()):
            rows += n_p(ctx, col.id, c.n, col.n, variable=var, level=label, order=order)
        by_col[col.id] = {label: c.n for label, c in counts.items() if label != MISSING_LABEL}
    return rows + compare_rows(ctx, "counts", by_col)


def _levels(spec_levels, observed: set) -> dict[str, set]:
    present = {v for v in observed if v is not None}
    if not spec_levels:
        return {str(v): {v} for v in sorted(present, key=lambda x: (isinstance(x, str), x))}
    out: dict[str, set] = {}
    listed: set = set()
    for lv in spec_levels:
        vals = set(lv.values or ([] if lv.value is None else [lv.value]))
        vals = {norm_value(v) for v in vals}
        listed |= vals
        out[lv.label] = vals
    for lv in spec_levels:
        if lv.other:
            out[lv.label] = present - listed
    return out


_DEFAULT_OFFSET = {"n": None, "mean": 1, "median": 1, "q1": 1, "q3": 1, "geomean": 1, "sd": 2, "se": 2,
                   "min": 0, "max": 0}


def stat_precision(name: str, d: int, decimals: dict[str, int], sig: int | None) -> tuple[int, int]:
    """(decimals, significant figures) a statistic is printed with: counts as integers, CV% with 1
    decimal, the rest with `sig` significant figures when given, else by the conventions relative to
    the decimals collected `d` (mean d+1, SD d+2, min/max d); `decimals` overrides per statistic."""
    if name in decimals:
        return decimals[name], 0
    if name in ("n", "n_blq"):
        return 0, 0
    if name in ("cv", "geocv"):
        return 1, 0
    if sig:
        return -1, sig
    return d + (_DEFAULT_OFFSET.get(name) or 0), 0


def _continuous(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    a = ctx.analysis
    sid = ctx.data.subject_id
    per_col = []
    for col in columns:
        if not ctx.active(col):
            continue
        var = ctx.variable(a.var, col)
        recs = ctx.records(col)
        dup = recs[sid][recs[sid].duplicated()]
        if len(dup):
            raise DataError(f"more than one record per subject for a continuous summary (analysis "
                            f"'{a.id}'); add a `where` that selects one record per subject",
                            dataset=ctx.dataset_name, variable=var, usubjid=str(dup.iloc[0]), code="DATA040")
        values = recs[var]
        if values.dtype == object:
            raise DataError(f"is text, a continuous summary needs numbers (analysis '{a.id}')",
                            dataset=ctx.dataset_name, variable=var, code="DATA041")
        per_col.append((col, var, values))
    if a.precision is not None:
        d = a.precision
    else:
        import pandas as pd

        allv = pd.concat([v for _, _, v in per_col]) if per_col else []
        d = collected_decimals(allv)
    rows = []
    for col, var, values in per_col:
        stats = describe(values).as_dict()
        for name, value in stats.items():
            dec, sig = stat_precision(name, d, a.decimals, a.sig)
            warn = ""
            if value != value and stats["n"] > 0:
                warn = "not estimable" if name not in ("geomean", "geocv") else "not estimable (values <= 0)"
            elif stats["n"] == 0 and name != "n":
                warn = "no values"
            rows.append(ctx.row(col.id, name, value, dec, variable=var, warning=warn, sig=sig))
    return rows + compare_rows(ctx, "values", {col.id: values for col, _, values in per_col})


def _terms(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    a = ctx.analysis
    sid = ctx.data.subject_id
    counts: dict[str, dict[tuple[str, str], Any]] = {}
    events: dict[str, dict[tuple[str, str], int]] = {}
    term_var = soc_var = None
    for col in columns:
        if not ctx.active(col):
            continue
        term_var = ctx.variable(a.term, col, "term")
        soc_var = ctx.variable(a.soc, col, "soc") if a.soc else None
        recs = ctx.records(col)
        socs = recs[soc_var] if soc_var else [""] * len(recs)
        records = [(s, text_value(p), text_value(t)) for s, p, t in zip(recs[sid], socs, recs[term_var], strict=True)]
        counts[col.id] = count_terms(records, col.n)
        if a.events:
            events[col.id] = count_term_records(records)
    active = [c for c in columns if c.id in counts]
    over = set(a.threshold.over) if a.threshold and a.threshold.over else {c.id for c in active}
    denom_total = sum(c.n for c in active if c.id in over)
    keys = set().union(*[set(v) for v in counts.values()]) if counts else set()
    totals = {k: sum(counts[c][k].n for c in counts if c in over and k in counts[c]) for k in keys}
    terms = [k for k in keys if k[1]]
    if a.threshold:
        t = a.threshold
        terms = [k for k in terms if passes_threshold(totals[k], denom_total, pct_gt=t.pct_gt, pct_ge=t.pct_ge,
                                                      n_ge=t.n_ge)]
    soc_sort = a.soc_sort or a.sort
    kept_parents = sorted({k[0] for k in terms if k[0]}, key=lambda p: _sort_key(soc_sort, totals[(p, "")], p))
    ordered: list[tuple[str, str]] = []
    if soc_var:
        for p in kept_parents:
            ordered.append((p, ""))
            ordered += sorted([k for k in terms if k[0] == p], key=lambda k: _sort_key(a.sort, totals[k], k[1]))
    else:
        ordered = sorted(terms, key=lambda k: _sort_key(a.sort, totals[k], k[1]))
    rows = []
    for col in active:
        for order, key in enumerate(ordered):
            c = counts[col.id].get(key)
            n = c.n if c else 0
            var = term_var if key[1] else (soc_var or "")
            rows += n_p(ctx, col.id, n, col.n, variable=var, parent=key[0], level=key[1] or key[0], order=order)
            if a.events:
                rows.append(ctx.row(col.id, "events", events[col.id].get(key, 0), 0, variable=var, parent=key[0],
                                    level=key[1] or key[0], order=order))
    if ctx.entry.spec.stat_columns:
        for key in ordered:
            data = {col.id: (counts[col.id][key].n if key in counts[col.id] else 0, col.n) for col in active}
            rows += compare_rows(ctx, "counts", data, parent=key[0], level=key[1] or key[0])
    return rows


def _sort_key(sort: str, total: int, name: str) -> tuple:
    return (-total, name.lower()) if sort == "frequency" else (name.lower(),)


# one dispatch: the runners of the analysis families live in their own modules (visits, ancova, correlate)
_ANALYSES = {"count": _count, "categorical": _categorical, "continuous": _continuous, "terms": _terms,
             "by_visit": visits.by_visit, "responders": visits.responders, "ancova": ancova.ancova,
             "correlation": correlate.correlate, "time_to_event": tte.time_to_event, "pk_parameters": pk_parameters,
             "pk_concentrations": pk_concentrations, "power_model": power_model,
             "emax": emax}
