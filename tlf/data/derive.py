"""Variables derived in the spec (study.yaml `derive:`), added to a dataset when it is read.

    derive:
      adsl:
        - {name: AGEGR, cases: [{where: "AGE < 65", value: "<65"}, {where: "AGE <= 80", value: "65-80"}],
           otherwise: ">80"}
        - {name: BMI, expr: "WEIGHTBL / ((HEIGHTBL / 100) * (HEIGHTBL / 100))"}

A derivation may use variables derived before it. Values of `cases` are text or numbers; a row
that meets no case and has no `otherwise` is missing ("" or NaN).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tlf.data import expr as ex
from tlf.data.sources import Derivation, ErrorFn
from tlf.errors import Finding

if TYPE_CHECKING:
    import pandas as pd


def apply_derivations(frame: pd.DataFrame, derivations: Sequence[Derivation], dataset: str,
                      error: ErrorFn, findings: list[Finding] | None = None) -> pd.DataFrame:
    """A copy of `frame` with the derived variables added (or replaced). `error(key, msg, code)` builds a
    located SpecError for study.yaml's `derive.<dataset>[i]` keys. A division by zero gives missing and,
    when `findings` is given, a finding there (DATA050) naming the expression and the records."""
    import numpy as np
    import pandas as pd

    def divided_by_zero(key: tuple, name: str, text: str, zero: ex.ZeroDivisions) -> None:
        if len(zero) and findings is not None:
            findings.append(Finding(error(key, f"derive {name}: {zero.message(text, dataset)}", "DATA050")))

    out = frame.copy()
    for i, d in enumerate(derivations):
        key = ("derive", dataset, i)
        if (d.expr is None) == (d.cases is None):
            raise error(key, f"derivation '{d.name}' needs exactly one of 'expr' or 'cases'", "SPEC060")
        try:
            if d.expr is not None:
                zero = ex.ZeroDivisions()
                value = ex.evaluate_value(ex.parse(d.expr), out, zero)
                divided_by_zero((*key, "expr"), d.name, d.expr, zero)
                out[d.name.upper()] = value if isinstance(value, pd.Series) else pd.Series(value, index=out.index)
                continue
            values = [c.value for c in d.cases] + ([d.otherwise] if d.otherwise is not None else [])
            text = any(isinstance(v, str) for v in values)
            result = pd.Series("" if text else np.nan, index=out.index, dtype=object if text else float)
            done = pd.Series(False, index=out.index)
            for j, case in enumerate(d.cases):
                zero = ex.ZeroDivisions()
                try:
                    hit = ex.evaluate(ex.parse(case.where), out, zero) & ~done
                except ex.ExprError as e:
                    raise error((*key, "cases", j, "where"), f"{e} (dataset {dataset})", e.code or "SPEC040") from None
                divided_by_zero((*key, "cases", j, "where"), d.name, case.where, zero)
                result[hit] = _sas_text(case.value)
                done |= hit
            if d.otherwise is not None:
                result[~done] = _sas_text(d.otherwise)
            out[d.name.upper()] = result
        except ex.ExprError as e:
            raise error((*key, "expr"), f"{e} (dataset {dataset})", e.code or "SPEC040") from None
    return out


def _sas_text(value):
    """A value as SAS stores it: text without trailing blanks (they never compare)."""
    return value.rstrip(" ") if isinstance(value, str) else value
