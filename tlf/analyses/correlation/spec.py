"""The `correlation` family's spec model: Pearson and Spearman correlation of two per-subject quantities."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from tlf.spec.base import (
    AnalysisBase,
    Strict,
)


class Quantity(Strict):
    """One value per subject: `var` of the records of `dataset` meeting `where` (and `param` /
    `visit` when given). More than one record for a subject is an error."""

    dataset: str
    """Dataset the values come from, e.g. adpd or adsl; only records of the column's subjects (and, in a
    dataset with periods, of the column's period) are read."""
    var: str
    """Numeric variable holding the value, e.g. PCHG, CHG or AGE."""
    param: str | None = None
    """Keep the records whose `param_var` is this value, e.g. PDC (it must occur in the data); not set:
    no parameter filter."""
    visit: str | None = None
    """Keep the records whose `visit_var` is this value, e.g. "Final Visit" (it must occur in the data);
    not set: no visit filter."""
    where: str | None = None
    """Filter on the records (the where: language), e.g. "ANL01FL == 'Y'"; not set: none."""
    label: str = ""
    """Name of the quantity in the default analysis label ("<x> vs <y>") and as the axis title of a
    scatter figure; empty: `var`."""
    param_var: str = "PARAMCD"
    """Variable `param` is matched against; default PARAMCD."""
    visit_var: str = "AVISIT"
    """Variable `visit` is matched against; default AVISIT."""


class CorrelationAnalysis(AnalysisBase):
    """Pearson and/or Spearman correlation of two per-subject quantities, with n and p: per column,
    or (`pool: true`) over the subjects of all columns together."""

    type: Literal["correlation"]
    """`correlation`."""
    x: Quantity
    """The first quantity (the x axis of a scatter figure). Subjects with both `x` and `y` are paired."""
    y: Quantity
    """The second quantity (the y axis of a scatter figure)."""
    methods: list[Literal["pearson", "spearman"]] = ["pearson", "spearman"]
    """Coefficients computed, in print order: `pearson` (Pearson r) and `spearman` (Spearman rho: Pearson
    r of the average ranks), each with n (the subjects paired) and a two-sided p-value from t on n - 2 df
    (as SAS PROC CORR). Fewer than 3 pairs, or no variation: NE."""
    pool: bool = False
    """true: one correlation over the subjects of all columns together, printed in the first column;
    false (default): one per column."""
    decimals: Annotated[int, Field(ge=0, le=6)] = 2
    """Decimals of r and rho; default 2 (p-values print with 3, n as an integer)."""

    @model_validator(mode="after")
    def _own_records(self) -> CorrelationAnalysis:
        for key in ("dataset", "where"):  # a filter here would be ignored: each quantity reads its own records
            if getattr(self, key) is not None:
                raise ValueError(f"a correlation reads its records through `x` and `y`: move `{key}` into "
                                 f"`x.{key}` and/or `y.{key}` (an analysis-level `{key}` would filter nothing)")
        if self.select is not None:
            raise ValueError("`select:` does not apply to a correlation (`x` and `y` read their own records, one "
                             "per subject: select them with their `where`, or from a derived `select:` dataset)")
        return self


MODELS = {"correlation": CorrelationAnalysis}

EXAMPLES = {"correlation": """id: pdc
type: correlation
pool: true
x: {dataset: adpd, param: PDC, visit: Final Visit, var: PCHG, label: "Percent change from baseline in pDC (final visit)"}
y: {dataset: adeff, param: CLASI, visit: Day 85, var: CHG, where: "ANL01FL == 'Y'", label: "CLASI change at day 85"}
"""}
