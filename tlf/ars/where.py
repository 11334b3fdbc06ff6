"""ARS where clauses (a condition, or a compound expression of AND / OR / NOT) -> a row mask of a frame.

A condition on the analysed dataset compares that dataset's variable. A condition on another dataset
(`ADSL.TRT01A IN [...]` in a subset of ADAE records) selects the subjects that dataset's records meeting it
belong to: the records of those subjects are kept, as a merge by the subject id (USUBJID) would. Text
compares as SAS does, without trailing blanks; a numeric variable compares with the value as a number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tlf.errors import DataError, did_you_mean

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

SUBJECT = "USUBJID"


def clause_datasets(clause: Any) -> set[str]:
    """The datasets (upper case) the conditions of a where clause name, through its compound expressions."""
    if clause is None:
        return set()
    names = {clause.condition.dataset.upper()} if clause.condition is not None else set()
    if clause.compoundExpression is not None:
        for c in clause.compoundExpression.whereClauses:
            names |= clause_datasets(c)
    return names


class Tables:
    """The datasets of a run by upper-case name, with cached condition masks."""

    def __init__(self, frames: dict[str, pd.DataFrame], subject: str = SUBJECT) -> None:
        self.frames = {k.upper(): v for k, v in frames.items()}
        self.subject = subject  # the subject id (selection.subject_keys: the event's, else USUBJID)
        self.subject_dataset = "ADSL"  # the subject-level dataset (selection.subject_keys)
        self.selected: dict[tuple, Any] = {}  # record selections (selection.selected), by rule and records
        self._cache: dict[tuple, Any] = {}
        self.slips: list[str] = []  # where-clause values the data never take but resemble one they do

    def frame(self, name: str, key: str = "") -> pd.DataFrame:
        name = name.upper()
        if name not in self.frames:
            raise DataError(f"dataset {name} is not in the data folder(s){did_you_mean(name, self.frames)}"
                            + (f" (needed by {key})" if key else ""), dataset=name, code="ARS010")
        return self.frames[name]

    def mask(self, clause: Any, name: str, key: str) -> np.ndarray:
        """Rows of dataset `name` that the where clause (condition / compoundExpression / None) selects."""
        import numpy as np

        frame = self.frame(name, key)
        if clause is None:
            return np.ones(len(frame), dtype=bool)
        if clause.condition is not None:
            return self._condition(clause.condition, name.upper(), f"{key}.condition")
        expr = clause.compoundExpression
        if expr is None:
            return np.ones(len(frame), dtype=bool)
        parts = [self.mask(c, name, f"{key}.compoundExpression.whereClauses[{i}]")
                 for i, c in enumerate(expr.whereClauses)]
        if expr.logicalOperator == "NOT":
            return ~parts[0]
        out = parts[0].copy()
        for p in parts[1:]:
            out = (out & p) if expr.logicalOperator == "AND" else (out | p)
        return out

    def _condition(self, cond: Any, name: str, key: str) -> np.ndarray:
        import numpy as np

        ident = (name, cond.dataset.upper(), cond.variable.upper(), cond.comparator, tuple(map(str, cond.value)))
        if ident in self._cache:
            return self._cache[ident]
        other = cond.dataset.upper()
        if other == name:
            out = compare(self.frame(name, key), cond, key, self.slips)
        else:
            target = self.frame(name, key)
            source = self.frame(other, key)
            for ds, f in ((name, target), (other, source)):
                if self.subject not in f.columns:
                    raise DataError(f"a condition on {other} applied to {name} records needs {self.subject} in both "
                                    f"(at {key})", dataset=ds, variable=self.subject, code="ARS011")
            subjects = set(source.loc[compare(source, cond, key, self.slips), self.subject])
            out = np.asarray(target[self.subject].isin(subjects), dtype=bool)
        self._cache[ident] = out
        return out


def compare(frame: pd.DataFrame, cond: Any, key: str, slips: list[str] | None = None) -> np.ndarray:
    """The rows of `frame` meeting one condition on its own variable. A text value the variable never
    takes but one of its values resembles ('Baseline' where the data say '    Baseline') is added to
    `slips` (ARS018): it would select nothing and print zeros."""
    import numpy as np
    import pandas as pd

    var = cond.variable.upper()
    if var not in frame.columns:
        raise DataError(f"variable not found (needed by {key}){did_you_mean(var, frame.columns)}",
                        dataset=cond.dataset.upper(), variable=var, code="ARS012")
    col = frame[var]
    if pd.api.types.is_numeric_dtype(col):
        try:
            values = [float(v) for v in cond.value]
        except ValueError:
            raise DataError(f"{key}: value {cond.value!r} is not a number but {var} is numeric",
                            dataset=cond.dataset.upper(), variable=var, code="ARS013") from None
        x = col.astype(float)
    else:
        values = [str(v).rstrip(" ") for v in cond.value]
        x = col.astype(object).where(col.notna(), "").map(lambda v: str(v).rstrip(" "))
        if cond.comparator in ("GT", "GE", "LT", "LE"):
            raise DataError(f"{key}: comparator {cond.comparator} on text variable {var}",
                            dataset=cond.dataset.upper(), variable=var, code="ARS013")
        if slips is not None:
            from tlf.errors import meant_value

            taken = set(x.unique())
            for v in values:
                if v not in taken and (meant := meant_value(v, taken)) is not None:
                    slips.append(f"{key}: {cond.dataset.upper()}.{var} never takes '{v}' (did you mean "
                                 f"'{meant}'?): the condition selects no record [ARS018]")
    op = cond.comparator
    if op == "EQ":
        m = x == values[0]
    elif op == "NE":
        m = x != values[0]
    elif op == "IN":
        m = x.isin(values)
    elif op == "NOTIN":
        m = ~x.isin(values)
    elif op == "GT":
        m = x > values[0]
    elif op == "GE":
        m = x >= values[0]
    elif op == "LT":
        m = x < values[0]
    else:
        m = x <= values[0]
    return np.asarray(m.fillna(False), dtype=bool)
