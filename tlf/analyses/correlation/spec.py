"""The `correlation` family's spec model: Pearson and Spearman correlation of two per-subject quantities."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tlf.spec.base import (
    AnalysisBase,
    Strict,
)


class Quantity(Strict):
    """One value per subject: `var` of the records of `dataset` meeting `where` (and `param` /
    `visit` when given). More than one record for a subject is an error."""

    dataset: str
    var: str
    param: str | None = None
    visit: str | None = None
    where: str | None = None
    label: str = ""
    param_var: str = "PARAMCD"
    visit_var: str = "AVISIT"


class CorrelationAnalysis(AnalysisBase):
    """Pearson and/or Spearman correlation of two per-subject quantities, with n and p: per column,
    or (`pool: true`) over the subjects of all columns together."""

    type: Literal["correlation"]
    x: Quantity
    y: Quantity
    methods: list[Literal["pearson", "spearman"]] = ["pearson", "spearman"]
    pool: bool = False
    decimals: Annotated[int, Field(ge=0, le=6)] = 2


MODELS = {"correlation": CorrelationAnalysis}
