"""The `terms` family's spec model: subjects with at least one record per term (AE preferred term), optionally nested in a system organ class."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tlf.spec.base import (
    AnalysisBase,
    Strict,
    TestName,
)


class Threshold(Strict):
    """Keep a term when its subject count, summed over the `over` columns (default: all), relative to
    the sum of their N, is > pct_gt (or >= pct_ge), or when that count is >= n_ge."""

    pct_gt: float | None = None
    pct_ge: float | None = None
    n_ge: int | None = None
    over: list[str] | None = None


class TermsAnalysis(AnalysisBase):
    """Subjects with >= 1 record per term (e.g. AE preferred term), optionally nested in `soc`."""

    type: Literal["terms"]
    term: str
    soc: str | None = None
    threshold: Threshold | None = None
    sort: Literal["frequency", "alphabetical"] = "frequency"
    soc_sort: Literal["frequency", "alphabetical"] | None = None  # order of the `soc` groups; default: `sort`
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    events: bool = False  # also print the number of records: "n (%) [events]"
    test: TestName | None = None


MODELS = {"terms": TermsAnalysis}
