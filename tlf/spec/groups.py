"""Groups of plotted points (`plot: {kind: scatter, group: TRT01A}`): a value of the grouping variable
-> the study's treatment column that lists it, so that grouped points take the label, legend order,
colour and marker the treatments have in every other figure (tlf/figures/style.py).

The study's columns are taken in the order study.yaml's column sets first name them (the tables'
order; `ordered_columns`). A value belongs to the first column whose `var` is the grouping variable and
whose `value` lists it (pooled columns, e.g. seven cohort placebos in one "Placebo" column, make one
group); failing that, to the first column of any variable that lists it (e.g. TRTA of the records
against columns on TRT01A); failing that, it is a group of its own, labelled as in the data, after the
columns, in sorted order. A later column whose values earlier columns all claim (e.g. a column pooling
every dose) is no group. Used by the analyses (ARD rows), the shells and the figure layout alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def ordered_columns(column_sets: dict, extra: list | None = None) -> list:
    """Every column of the study's column sets (and of `extra`, an output's own columns), once each, in
    order of first appearance."""
    order: list = []
    seen: set[str] = set()
    for cols in [*column_sets.values(), extra or []]:
        for c in cols:
            if c.id not in seen:
                seen.add(c.id)
                order.append(c)
    return order


def _norm(v: Any) -> Any:
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


@dataclass(frozen=True)
class Group:
    key: str  # the column id, or "=<value>" for a value no column lists
    label: str
    rank: int  # legend position: the column's place in the study, then values no column lists


class Grouping:
    """Values of `var` -> Group, against the study's columns (`ordered_columns`)."""

    def __init__(self, columns: list, var: str):
        self.var = var
        self.columns = columns
        self._by_value: dict[Any, Group] = {}
        self.spec_groups: list[Group] = []  # the columns of `var` that are a group (what a shell shows)
        for same in (True, False):
            for i, c in enumerate(columns):
                if (c.var == var) != same:
                    continue
                new = [_norm(v) for v in c.values if _norm(v) not in self._by_value]
                if not new:
                    continue
                g = Group(c.id, c.label, i)
                if same:
                    self.spec_groups.append(g)
                for v in new:
                    self._by_value[v] = g

    def groups(self, values) -> dict[Any, Group]:
        """Each distinct non-missing value -> its Group; values no column lists get ranks after the columns,
        in sorted order (numbers before text)."""
        out: dict[Any, Group] = {}
        other = []
        for v in values:
            if v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()):
                continue
            n = _norm(v)
            if n in self._by_value:
                out[v] = self._by_value[n]
            elif n not in other:
                other.append(n)
        other.sort(key=lambda v: (isinstance(v, str), v if not isinstance(v, str) else 0, str(v)))
        own = {n: Group(f"={n}", str(n), len(self.columns) + k) for k, n in enumerate(other)}
        for v in values:
            if v not in out and v is not None and _norm(v) in own:
                out[v] = own[_norm(v)]
        return out

    def key_of(self, label: str) -> str | None:
        """The column id a group label stands for (the figure's colour and marker), or None."""
        for g in [*self.spec_groups, *self._by_value.values()]:
            if g.label == label:
                return g.key
        return None
