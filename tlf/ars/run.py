"""Compute every analysis of a ReportingEvent: analysis set and data subset select the records, the
groupings with `resultsByGroup: true` make the result cells, the others are the factors a test compares,
and each operation of the method is computed by tlf's statistics (ops.py says which).

Counts are of distinct subjects (the subject id: selection.subject_keys, USUBJID when the event does not
say). A percentage is 100 x its NUMERATOR operation's result over its DENOMINATOR operation's result in
the referenced analyses, matched on the groups both share. Tests and estimates of the factor groupings:
compare.py; tlf's rules in a method's codeTemplate (one record per subject, a threshold): selection.py.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tlf.ars.compare import ESTIMATES, TESTS, NotMapped, comparison
from tlf.ars.ops import DESCRIPTIVE, classify, format_value, raw_text
from tlf.ars.run_models import model_family, run_model
from tlf.ars.selection import select_rule, selected, subject_keys, threshold_cells
from tlf.ars.where import Tables
from tlf.errors import DataError

if TYPE_CHECKING:
    import numpy as np

SUBJECT_LEVEL = "ADSL"

GroupKey = tuple[str, str | None, str | None]  # (groupingId, groupId, groupValue)


@dataclass
class Result:
    analysis_id: str
    method_id: str
    operation_id: str
    kind: str
    groups: tuple[GroupKey, ...]
    value: float | None
    formatted: str
    note: str = ""

    def as_ars(self) -> dict[str, Any]:
        rg = []
        for gid, grp, val in self.groups:
            item: dict[str, Any] = {"groupingId": gid}
            if grp is not None:
                item["groupId"] = grp
            if val is not None:
                item["groupValue"] = val
            rg.append(item)
        return {"operationId": self.operation_id, "resultGroups": rg, "rawValue": raw_text(self.value),
                "formattedValue": self.formatted}


@dataclass
class Unmapped:
    analysis_id: str
    operation_id: str
    reason: str
    key: str = ""

    def __str__(self) -> str:
        return f"{self.key}: analysis {self.analysis_id}, operation {self.operation_id}: {self.reason} [ARS016]"


@dataclass
class Run:
    results: dict[str, list[Result]] = field(default_factory=dict)
    unmapped: list[Unmapped] = field(default_factory=list)
    slips: list[str] = field(default_factory=list)  # where-clause values the data never take (ARS018)


def run_event(event: Any, tables: Tables) -> Run:
    """Every result of every analysis; operations tlf cannot map are listed in `unmapped`, never guessed."""
    adsl, tables.subject = subject_keys(event)
    tables.subject_dataset = adsl
    methods = {m.id: m for m in event.methods}
    groupings = {g.id: g for g in event.analysisGroupings}
    sets = {s.id: s for s in event.analysisSets}
    subsets = {s.id: s for s in event.dataSubsets}
    paths = {id(x): f"analysisSets[{i}]" for i, x in enumerate(event.analysisSets)}  # JSON paths of errors
    paths |= {id(x): f"dataSubsets[{i}]" for i, x in enumerate(event.dataSubsets)}
    paths |= {id(grp): f"analysisGroupings[{i}].groups[{j}]" for i, g in enumerate(event.analysisGroupings)
              for j, grp in enumerate(g.groups)}
    out = Run()
    pending = []
    models: dict = {}  # one fit per model, shared by its analyses (run_models.py)
    for i, a in enumerate(event.analyses):
        key = f"analyses[{i}]"
        method = methods[a.methodId]
        if model_family(method) is not None:  # ancova, mmrm, time_to_event, shift: the family's runner
            done, missing = run_model(event, a, key, method, tables, models)
            out.results[a.id] = [Result(a.id, method.id, op, kind, groups, value, text, note)
                                 for op, groups, kind, value, text, note in done]
            out.unmapped += [Unmapped(a.id, op, why, key) for op, why in missing]
            continue
        ops = []
        for op in method.operations:
            kind, reason = classify(method, op)
            if kind is None:
                out.unmapped.append(Unmapped(a.id, op.id, reason, key))
            else:
                ops.append((op, kind))
        job = _Analysis(a, key, method, tables, groupings, sets.get(a.analysisSetId), subsets.get(a.dataSubsetId),
                        paths, adsl)
        res = out.results.setdefault(a.id, [])
        for op, kind in ops:
            if kind == "pct":
                pending.append((job, op))
                continue
            try:
                res.extend(job.compute(op, kind))
            except (_NotMapped, NotMapped) as e:
                out.unmapped.append(Unmapped(a.id, op.id, str(e), key))
    for job, op in pending:
        try:
            out.results[job.a.id].extend(job.percent(op, out.results))
        except _NotMapped as e:
            out.unmapped.append(Unmapped(job.a.id, op.id, str(e), job.key))
    _INDEX.clear()
    out.slips = list(dict.fromkeys(tables.slips))
    order = {op.id: n for m in event.methods for n, op in enumerate(m.operations)}
    for res in out.results.values():
        res.sort(key=lambda r: order.get(r.operation_id, 0))  # stable: cells in grouping order within
    return out


class _NotMapped(Exception):
    pass


class _Analysis:
    """One analysis: its records, its cells, its factors."""

    def __init__(self, a, key, method, tables: Tables, groupings, aset, subset, paths: dict[int, str],
                 adsl: str = SUBJECT_LEVEL) -> None:
        import numpy as np

        self.adsl = adsl.upper()  # the subject-level dataset
        self.groupings = groupings  # every grouping of the event, by id
        self.paths = paths  # id() of a where clause of the event -> its JSON path
        self.a, self.key, self.method, self.tables = a, key, method, tables
        self.aset, self.subset = aset, subset
        if not a.dataset:
            raise DataError(f"{key}: the analysis names no dataset", code="ARS014")
        self.ds = a.dataset.upper()
        self.frame = tables.frame(self.ds, f"{key}.dataset")
        self.base = np.ones(len(self.frame), dtype=bool)
        if aset is not None:
            self.base &= tables.mask(aset, self.ds, self._path(aset))
        if subset is not None:
            self.base &= tables.mask(subset, self.ds, self._path(subset))
        if (rule := select_rule(method)) is not None:  # one record per subject: tlf's rule (selection.py)
            self.base = selected(self, rule)
        ordered = sorted(a.orderedGroupings, key=lambda g: g.order)
        self.order = [groupings[g.groupingId] for g in ordered]
        self.by = [groupings[g.groupingId] for g in ordered if g.resultsByGroup]
        self.factors = [groupings[g.groupingId] for g in ordered if not g.resultsByGroup]
        self._cells: list | None = None
        self._describe: dict = {}
        self._totals: dict[tuple, list[int]] = {}

    # ---- cells
    def cells(self) -> list[tuple[tuple[GroupKey, ...], np.ndarray]]:
        """(groups, row mask) of each result cell, in the groupings' order; data-driven groupings take
        the values (jointly, when several) that the analysis' records have."""
        import numpy as np

        if self._cells is not None:
            return self._cells
        fixed = [g for g in self.by if not g.dataDriven]
        driven = [g for g in self.by if g.dataDriven]
        fixed_groups = [[((g.id, grp.id, None), self.tables.mask(grp, self.ds, self._path(grp)))
                         for grp in g.groups] for g in fixed]
        driven_vars = [self._variable(g) for g in driven]
        rows_of: dict[tuple, np.ndarray] = {}  # a data-driven combination -> its rows (positions)
        if driven:
            sub = self.frame[driven_vars].astype(str).reset_index(drop=True)
            sub = sub[self.base & (sub != "").all(axis=1).to_numpy() & (sub != "nan").all(axis=1).to_numpy()]
            rows_of = {k if isinstance(k, tuple) else (k,): v
                       for k, v in sub.groupby(driven_vars, sort=False).indices.items()}
            rows_of = {k: sub.index.to_numpy()[v] for k, v in rows_of.items()}
            tuples = sorted(rows_of)
        else:
            tuples = [()]
        cells = []
        for combo in itertools.product(*fixed_groups):
            m0 = self.base.copy()
            for _k, m in combo:
                m0 &= m
            for values in tuples:
                keys = {k[0]: k for k, _m in combo}
                if driven:
                    m = np.zeros(len(self.frame), dtype=bool)
                    m[rows_of[values]] = True
                    m &= m0
                else:
                    m = m0.copy()
                for g, v in zip(driven, values, strict=True):
                    keys[g.id] = (g.id, None, v)
                cells.append((tuple(keys.get(g.id, (g.id, None, None)) for g in self.order), m))
        self._cells = threshold_cells(self, cells)  # tlf's threshold: the groups kept (selection.py)
        return self._cells

    def _path(self, x) -> str:
        return self.paths.get(id(x), getattr(x, "id", ""))

    path = _path

    def variable(self) -> str:
        """The analysis variable (a column of the dataset)."""
        var = (self.a.variable or "").upper()
        if var not in self.frame.columns:
            raise DataError(f"{self.key}.variable: {self.ds} has no variable {var or '(none given)'}",
                            dataset=self.ds, variable=var, code="ARS012")
        return var

    def _variable(self, g) -> str:
        var = (g.groupingVariable or "").upper()
        if var not in self.frame.columns:
            raise DataError(f"{self.key}: grouping {g.id} is by {var}, which {self.ds} does not have",
                            dataset=self.ds, variable=var, code="ARS012")
        return var

    # ---- statistics
    def compute(self, op, kind: str) -> list[Result]:
        from tlf.stats.descriptive import collected_decimals

        if kind in TESTS or kind in ESTIMATES:
            return comparison(self, op, kind)
        out = []
        for groups, m in self.cells():
            if kind == "records":  # events: every record of the cell
                out.append(self._result(op, kind, groups, float(m.sum())))
                continue
            if kind in ("subjects", "assessed"):
                if kind == "assessed":  # subjects with a value of the analysis variable
                    col = self.frame[self.variable()]
                    m = m & col.notna().to_numpy() & (col.astype(str).str.strip() != "").to_numpy()
                value = float(self.frame.loc[m, self.tables.subject].nunique())
                out.append(self._result(op, kind, groups, value))
                continue
            d = self._describe_cell(groups, m)
            value = getattr(d, kind) if kind != "n" else float(d.n)
            # min and max under a whole-number pattern ("XX") print as the value was collected (37.5)
            decimals = (collected_decimals([value]) if kind in ("min", "max") and "." not in (op.resultPattern or "")
                        else None)
            out.append(self._result(op, kind, groups, value, decimals))
        return out

    def _describe_cell(self, groups, m):
        import pandas as pd

        from tlf.stats.descriptive import describe

        if groups not in self._describe:
            var = (self.a.variable or "").upper()
            if var not in self.frame.columns:
                raise DataError(f"{self.key}.variable: {self.ds} has no variable {var or '(none given)'}",
                                dataset=self.ds, variable=var, code="ARS012")
            col = self.frame[var]
            if not pd.api.types.is_numeric_dtype(col):
                raise DataError(f"{self.key}: {self.ds}.{var} is text; a continuous summary needs numbers",
                                dataset=self.ds, variable=var, code="ARS015")
            x = col[m].astype(float).to_numpy()
            self._describe[groups] = describe(x)
        return self._describe[groups]

    def _result(self, op, kind, groups, value, decimals=None) -> Result:
        return Result(self.a.id, self.method.id, op.id, kind, groups, value,
                      format_value(value, op.resultPattern, decimals=decimals))

    result = _result

    def population(self, factor, subset: bool = True) -> list[int]:
        """Subjects of each group of `factor` in the analysis set and (`subset`) the data subset's
        subject-level conditions (on the subject-level dataset: in the analysis set): the row totals of a
        test of subjects with and without a record, the denominators of an estimate."""
        key = (factor.id, subset)
        if key not in self._totals:
            self._totals[key] = self._count_population(factor, subset)
        return self._totals[key]

    def _count_population(self, factor, subset: bool = True) -> list[int]:
        adsl = self.tables.frame(self.adsl, self.key)
        import numpy as np

        base = np.ones(len(adsl), dtype=bool)
        if self.aset is not None:
            base &= self.tables.mask(self.aset, self.adsl, self._path(self.aset))
        if subset and self.subset is not None and self.ds != self.adsl:  # on the subject-level dataset: the event
            base &= self._subject_part(self.subset, adsl)
        out = []
        for grp in factor.groups:
            m = base & self.tables.mask(grp, self.adsl, self._path(grp))
            out.append(int(adsl.loc[m, self.tables.subject].nunique()))
        return out

    def _subject_part(self, clause, adsl) -> np.ndarray:
        """The subject-level conditions of a data subset joined by AND (record-level ones are what the
        test counts); under OR or NOT a record-level condition leaves the denominator undefined."""
        import numpy as np

        if clause.condition is not None:
            if clause.condition.dataset.upper() == self.adsl:
                return self.tables.mask(clause, self.adsl, self._path(self.subset))
            return np.ones(len(adsl), dtype=bool)
        expr = clause.compoundExpression
        if expr is None:
            return np.ones(len(adsl), dtype=bool)
        if expr.logicalOperator != "AND":
            if _datasets(clause) == {self.adsl}:
                return self.tables.mask(clause, self.adsl, self._path(self.subset))
            raise _NotMapped(f"data subset {self.subset.id} joins record-level conditions by "
                             f"{expr.logicalOperator}: the subjects a test compares are not defined")
        out = np.ones(len(adsl), dtype=bool)
        for c in expr.whereClauses:
            out &= self._subject_part(c, adsl)
        return out

    # ---- percentages
    def percent(self, op, results: dict[str, list[Result]]) -> list[Result]:
        refs = {r.referencedOperationRelationshipId: r.analysisId for r in self.a.referencedAnalysisOperations}
        parts = {}
        for rel in op.referencedOperationRelationships:
            role = (rel.referencedOperationRole.controlledTerm or "").upper()
            analysis = rel.analysisId or refs.get(rel.id) or self.a.id
            found = [r for r in results.get(analysis, []) if r.operation_id == rel.operationId]
            if not found:
                raise _NotMapped(f"the {role.lower()} (operation {rel.operationId} of analysis {analysis}) has "
                                 "no results")
            parts[role] = found
        out = []
        for groups, _m in self.cells():
            num = _match(parts["NUMERATOR"], groups)
            den = _match(parts["DENOMINATOR"], groups)
            if num is None or den is None:
                raise _NotMapped(f"no {'numerator' if num is None else 'denominator'} result has the groups "
                                 f"{_groups_text(groups)}")
            value = 100.0 * num.value / den.value if den.value else None
            r = self._result(op, "pct", groups, value)
            if not den.value:
                r.note = "denominator 0"
            out.append(r)
        return out


def _match(candidates: list[Result], groups: tuple[GroupKey, ...]) -> Result | None:
    """The result whose groups all appear among `groups` (the denominator is by fewer groupings), the
    one with the most groups when several do (the first of them)."""
    index = _INDEX.get(id(candidates))
    if index is None or index[0] is not candidates:
        by: dict[frozenset, Result] = {}
        for r in candidates:
            by.setdefault(frozenset(r.groups), r)
        index = _INDEX[id(candidates)] = (candidates, by)
    by = index[1]
    for k in range(len(groups), -1, -1):  # the subsets of the cell's groups, the largest first
        hits = [by[c] for c in map(frozenset, itertools.combinations(groups, k)) if c in by]
        if hits:
            return min(hits, key=candidates.index) if len(hits) > 1 else hits[0]
    return None


_INDEX: dict[int, tuple] = {}  # id(candidates) -> (candidates, {frozenset of their groups: result})


def _groups_text(groups) -> str:
    return ", ".join(f"{g}={i or v}" for g, i, v in groups) or "(none)"


def _datasets(clause) -> set[str]:
    if clause.condition is not None:
        return {clause.condition.dataset.upper()}
    if clause.compoundExpression is None:
        return set()
    return set().union(*(_datasets(c) for c in clause.compoundExpression.whereClauses))


__all__ = ["DESCRIPTIVE", "Result", "Run", "Unmapped", "run_event"]
