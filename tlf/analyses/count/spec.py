"""The `count` family's spec model: subjects meeting a condition, n (%) of the column's N, in one row."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tlf.spec.base import (
    AnalysisBase,
    TestName,
)


class CountAnalysis(AnalysisBase):
    """Subjects meeting `where` (one row): n (%) of the column's N."""

    type: Literal["count"]
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    events: bool = False  # also print the number of records: "n (%) [events]"
    test: TestName | None = None


MODELS = {"count": CountAnalysis}
