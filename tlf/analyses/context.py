"""The context an analysis runs in: its spec, the study's data, and helpers that locate errors in the
spec and build ARD rows. Shared by analyze.py and the per-family modules (visits, ancova, correlate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tlf.data import expr as ex
from tlf.data.select import select_records
from tlf.data.subjects import subject_mask
from tlf.errors import Finding, SpecError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd


FIXED = "fixed"  # ARD warning of a statistic whose value the spec sets (a shell prints it as the output does)


@dataclass(frozen=True)
class ColumnGroup:
    """A treatment column resolved against the data: its subjects and big N."""

    id: str
    label: str
    spanner: str
    period: int | None
    population: str
    subjects: frozenset[str]
    width: float | None = None

    @property
    def n(self) -> int:
        return len(self.subjects)


@dataclass(frozen=True)
class Ctx:
    study: Any
    entry: Any
    data: Any
    index: int
    analysis: Any
    pct_decimals_default: int
    # divisions by zero met in this analysis' expressions, (key, expression, dataset) -> records (see where())
    zero_divisions: dict[tuple, ex.ZeroDivisions] = field(default_factory=dict, compare=False, repr=False)

    @property
    def pct_decimals(self) -> int:
        own = getattr(self.analysis, "pct_decimals", None)
        return own if own is not None else self.pct_decimals_default

    @property
    def dataset_name(self) -> str:
        return self.analysis.dataset or self.data.subject_dataset

    def error(self, key: str | tuple, message: str, code: str) -> SpecError:
        """A SpecError located at analyses[i].<key> (a key or a tuple of nested keys)."""
        key = key if isinstance(key, tuple) else (key,)
        return self.entry.error(("analyses", self.index, *key), message, code)

    def active(self, col: ColumnGroup) -> bool:
        periods = self.analysis.periods
        return periods is None or col.period in periods

    def records(self, col: ColumnGroup, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        """The analysis dataset's records (or those of `frame`, a selection of them) of this column's
        subjects (and period), filtered by `where`, then one per subject (and `per` group) by `select`."""
        sid = self.data.subject_id
        name = self.dataset_name
        recs = self._where_records(col, frame) if self.analysis.where else self.column_records(col, frame)
        rule = getattr(self.analysis, "select", None)
        if rule is not None:
            recs = select_records(recs, rule, sid, lambda k, m, c: self.error(("select", *k), m, c), name,
                                  self.analysed(col), f"analysis '{self.analysis.id}'")
        return recs

    def _where_records(self, col: ColumnGroup, frame: pd.DataFrame | None) -> pd.DataFrame:
        """The column's records meeting `where`, taken once (positions()); an expression naming a variable
        the frame lacks is evaluated as it is written, on every variable, to raise its located error."""
        base = self.data.dataset(self.dataset_name).frame if frame is None else frame
        pos = self._where_positions(col, base)
        if pos is None:
            recs = self.column_records(col, frame)
            return recs[self.where(self.analysis.where, recs, col)]
        return base.iloc[pos]

    def positions(self, col: ColumnGroup, frame: pd.DataFrame):
        """The positions in `frame` of the records records(col, frame) gives, without taking them (a frame
        of millions of records is then copied once, per cell, in the variables read); None when the
        analysis selects records (`select`) or its `where` names a variable `frame` lacks."""
        import numpy as np

        if getattr(self.analysis, "select", None) is not None:
            return None
        if not self.analysis.where:
            return np.flatnonzero(self._column_mask(col, frame))
        return self._where_positions(col, frame)

    def _where_positions(self, col: ColumnGroup, frame: pd.DataFrame):
        """Positions of the column's records meeting `where`, the expression evaluated on the column's
        records of the variables it names only (and the subject id); None: it names one `frame` lacks."""
        import numpy as np

        names = _variables(self.analysis.where, col.period)
        if names is None or not names <= set(frame.columns):
            return None
        mask = self._column_mask(col, frame)
        narrow = frame.loc[mask, list(dict.fromkeys([self.data.subject_id, *sorted(names)]))]
        meets = self.where(self.analysis.where, narrow, col)
        return np.flatnonzero(mask)[meets.to_numpy(dtype=bool)]

    def _column_mask(self, col: ColumnGroup, frame: pd.DataFrame):
        """Which records of `frame` are of the column's subjects (and period): column_records as a mask."""
        name = self.dataset_name
        mask = subject_mask(frame, self.data.subject_id, col.subjects)
        pvar = self.data.period_var(name)
        if pvar and col.period is not None and name != self.data.subject_dataset:
            mask = mask & (frame[pvar] == col.period).to_numpy()
        return mask

    def analysed(self, col: ColumnGroup) -> list[str]:
        """The variables whose values the analysis reports of a selected record (`var`; a shift's `baseline`
        and `post`): records tied for the selection must agree on them (select.py, DATA045)."""
        a = self.analysis
        names = [getattr(a, k, None) for k in (("baseline", "post") if a.type == "shift" else ("var",))]
        out = []
        for n in names:
            if isinstance(n, str):
                try:
                    out.append(ex.substitute_period(n, col.period))
                except ex.ExprError:
                    continue
        return out

    def column_records(self, col: ColumnGroup, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        """The analysis dataset's records (or those of `frame`) of this column's subjects (and period),
        before `where` and `select`."""
        name = self.dataset_name
        frame = self.data.dataset(name).frame if frame is None else frame
        recs = frame[subject_mask(frame, self.data.subject_id, col.subjects)]
        pvar = self.data.period_var(name)
        if pvar and col.period is not None and name != self.data.subject_dataset:
            recs = recs[recs[pvar] == col.period]
        return recs

    def variable(self, template: str, col: ColumnGroup, key: str = "var") -> str:
        try:
            name = ex.substitute_period(template, col.period)
        except ex.ExprError as e:
            raise self.error(key, str(e), e.code or "SPEC042") from None
        frame = self.data.dataset(self.dataset_name).frame
        if name not in frame.columns:
            raise self.error(key, f"variable '{name}' not found in dataset {self.dataset_name}"
                             f"{did_you_mean(name, frame.columns)}", "SPEC041")
        return name

    def where(self, text: str, frame: pd.DataFrame, col: ColumnGroup | None, key: str | tuple = "where",
              dataset: str | None = None) -> pd.Series:
        """Which records of `frame` (of `dataset`, the analysis' by default) meet expression `text` of the
        spec's `key`, with {pp} of the column's period; a bad expression is located at `key`. Records
        divided by zero are gathered over the columns and reported by report_findings()."""
        dataset = dataset or self.dataset_name
        key = key if isinstance(key, tuple) else (key,)
        try:
            expr = ex.parse(ex.substitute_period(text, col.period if col else None))
            zero = self.zero_divisions.setdefault((key, expr.text, dataset), ex.ZeroDivisions())
            return ex.evaluate(expr, frame, zero)
        except ex.ExprError as e:
            raise self.error(key, f"{e} (dataset {dataset})", e.code or "SPEC040") from None

    def report_findings(self) -> None:
        """Divisions by zero in this analysis' expressions as findings on the study's data (DATA050)."""
        for (key, text, dataset), zero in self.zero_divisions.items():
            if len(zero):
                self.data.add_finding(Finding(self.error(key, zero.message(text, dataset), "DATA050")))

    def row(self, col: str, stat_name: str, stat: float, decimals: int, *, variable: str = "", level: str = "",
            parent: str = "", order: int = 0, warning: str = "", sig: int = 0) -> dict:
        return row_dict(self.entry, self.analysis.id, col, variable, parent, level, stat_name, stat, decimals, order,
                        warning, sig)


def _variables(text: str, period: int | None) -> set[str] | None:
    """The variables expression `text` reads (not the functions it calls); None when it does not parse."""
    import ast

    try:
        tree = ex.parse(ex.substitute_period(text, period)).tree
    except ex.ExprError:
        return None
    funcs = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in funcs
            and n.id not in ("True", "False")}


def row_dict(entry, analysis: str, column: str, variable: str, parent: str, level: str, stat_name: str, stat: float,
             decimals: int, order: int = 0, warning: str = "", sig: int = 0) -> dict:
    """One ARD row; `sig` > 0: printed with that many significant figures (decimals then -1)."""
    return {"output_id": entry.id, "analysis": analysis, "column": column, "variable": variable, "parent": parent,
            "level": level, "stat_name": stat_name, "stat": float(stat), "decimals": decimals, "sig": sig,
            "order": order, "warning": warning}


def n_p(ctx: Ctx, col: str, n: int, denom: int, *, carry: bool = False, empty: str = "column has no subjects",
        **kw) -> list[dict]:
    """n and its proportion of `denom`; `carry`: the denominator too, as statistic `denom` (a denominator
    other than the column's N); `empty`: the warning of a proportion of a zero denominator."""
    p = n / denom if denom else float("nan")
    warn = "" if denom else empty
    rows = [ctx.row(col, "n", n, 0, **kw), ctx.row(col, "p", p, ctx.pct_decimals, warning=warn, **kw)]
    return rows + ([ctx.row(col, "denom", denom, 0, **kw)] if carry else [])


