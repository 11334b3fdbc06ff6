"""The `terms` runner: subjects with at least one record per term, nested in its SOC, with a threshold."""

from __future__ import annotations

from typing import Any

from tlf.analyses.checks import where_findings
from tlf.analyses.compare import compare_rows
from tlf.analyses.context import ColumnGroup, Ctx, n_p
from tlf.analyses.estimates import estimate_rows
from tlf.analyses.terms.coding import term_records
from tlf.analyses.terms.columnar import term_counts
from tlf.analyses.terms.grade import check_grades, grade_ard
from tlf.stats.counts import count_term_records, count_terms, passes_threshold


def run(ctx: Ctx, columns: list[ColumnGroup]) -> list[dict]:
    a = ctx.analysis
    sid = ctx.data.subject_id
    counts: dict[str, dict[tuple[str, str], Any]] = {}
    events: dict[str, dict[tuple[str, str], int]] = {}
    denoms: dict[str, int] = {}
    term_var = soc_var = None
    for col in columns:
        if not ctx.active(col):
            continue
        term_var = ctx.variable(a.term, col, "term")
        soc_var = ctx.variable(a.soc, col, "soc") if a.soc else None
        recs = ctx.records(col)
        fast = term_counts(recs, sid, soc_var, term_var, col.n)  # on columns; None: a term or SOC is blank
        if fast is not None:
            counts[col.id], col_events, subjects = fast
            denoms[col.id] = col.n if a.denominator in ("N", "group") else subjects  # every term non-blank
            if a.events:
                events[col.id] = col_events
            continue
        raw, records = term_records(ctx, recs, sid, soc_var, term_var)  # a missing term: under `uncoded`
        counts[col.id] = count_terms(records, col.n)
        denoms[col.id] = _denominator(a.denominator, col.n, raw)
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
    def denom_of(col: str, key: tuple[str, str]) -> int:
        if a.denominator == "group" and key[0] and key[1]:  # a term's row: of its SOC's subjects
            soc_count = counts[col].get((key[0], ""))
            return soc_count.n if soc_count else 0
        return denoms[col]

    rows = []
    for col in active:
        for order, key in enumerate(ordered):
            c = counts[col.id].get(key)
            n = c.n if c else 0
            var = term_var if key[1] else (soc_var or "")
            parent, level = ard_key(key)
            rows += n_p(ctx, col.id, n, denom_of(col.id, key), variable=var, parent=parent, level=level, order=order,
                        carry=a.denominator != "N", empty=EMPTY[a.denominator])
            if a.events:
                rows.append(ctx.row(col.id, "events", events[col.id].get(key, 0), 0, variable=var, parent=parent,
                                    level=level, order=order))
    if a.by_grade:
        rows += grade_ard(ctx, active, [(k, ard_key(k)) for k in ordered], a.soc, a.term, denom_of)
    if ctx.entry.spec.stat_columns:
        for key in ordered:
            data = {col.id: (counts[col.id][key].n if key in counts[col.id] else 0, col.n) for col in active}
            parent, level = ard_key(key)
            rows += compare_rows(ctx, "counts", data, parent=parent, level=level)
            rows += estimate_rows(ctx, data, parent=parent, level=level)
    return rows


def ard_key(key: tuple[str, str]) -> tuple[str, str]:
    """The ARD (parent, level) of a counted (group, term) key: a group's own row (group, "") is ("", group),
    a term's row (group, term), so a term named as its group (a CM class "UNCODED" holding a medication
    "UNCODED") is a row of its own."""
    return ("", key[0]) if not key[1] else key


EMPTY = {"N": "column has no subjects", "assessed": "no subject assessed", "records": "no subject with a record",
         "group": "no subject in the group"}


def _denominator(how: str, n: int, records: list[tuple]) -> int:
    """The column's denominator: N (also of `group` rows without a group), or its subjects with a record
    (`records`) or with a non-missing term (`assessed`)."""
    if how == "records":
        return len({s for s, _, _ in records})
    if how == "assessed":
        return len({s for s, _, t in records if t.strip()})
    return n


def _sort_key(sort: str, total: int, name: str) -> tuple:
    return (-total, name.lower()) if sort == "frequency" else (name.lower(),)


def check(ctx: Ctx, columns: list[ColumnGroup]) -> list:
    """The term (and SOC) variable and the records of each column; literals of `where`."""
    a = ctx.analysis
    frame = ctx.data.dataset(ctx.dataset_name).frame
    for col in columns:
        if ctx.active(col):
            ctx.variable(a.term, col, "term")
            if a.soc:
                ctx.variable(a.soc, col, "soc")
            if ctx.positions(col, frame) is None:  # the selection's errors without taking the records
                ctx.records(col)
    if a.by_grade:
        check_grades(ctx, columns)
    return where_findings(ctx, columns)


RUNNERS = {"terms": run}
CHECKS = {"terms": check}
