"""The `categorical` family's spec model: subjects by the levels of a variable, n (%) per level."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tlf.spec.base import (
    AnalysisBase,
    Level,
    TestName,
)


class CategoricalAnalysis(AnalysisBase):
    """Subjects by the levels of `var`: n (%) per level; a 'Missing' row when any value is missing."""

    type: Literal["categorical"]
    var: str
    levels: list[Level] | None = None
    missing_row: bool = True
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    test: TestName | None = None


MODELS = {"categorical": CategoricalAnalysis}
