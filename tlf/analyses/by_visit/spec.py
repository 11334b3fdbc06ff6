"""The `by_visit` family's spec model: value, change and percent change from baseline by parameter and visit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from tlf.analyses.continuous.spec import ContinuousAnalysis
from tlf.spec.base import (
    ParamVisitsBase,
    Part,
    Strict,
)


class BaselineTest(Strict):
    """A test of the post-baseline values against baseline within each column and visit (one row of
    p-values under the visit's statistics): the Wilcoxon signed-rank test of the differences between
    `quantity` and its baseline counterpart (value - baseline value; percent of baseline - 100; change and
    percent change - 0), two-sided, exact for up to 20 non-zero differences as SAS PROC UNIVARIATE
    (`method: auto`). A p-value below `alpha` prints with `flag` appended, explained in a footnote."""

    test: Literal["signed_rank"] = "signed_rank"
    quantity: Part = "value"
    method: Literal["auto", "exact", "t"] = "auto"
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    flag: str = "*"
    label: str | None = None  # default: "p-value (value vs baseline)", "p-value (% of baseline vs 100)", ...


class ByVisitAnalysis(ParamVisitsBase):
    """Summary of the value, the change, the percent change and the percent of baseline (100 x value /
    baseline) at each visit. `baseline_visit` prints the value only. Percent change and percent of
    baseline leave out records with baseline 0 (not defined) and say so in a footnote. `tests` add
    p-values against baseline. A column with records at a visit but no analysable value prints
    `no_data_text` (e.g. "Data not available") instead of n = 0; one without any record there prints
    `no_records_text` (e.g. "Not sampled"); unset, the statistics print as they are (n 0, NE)."""

    type: Literal["by_visit"]
    baseline_visit: str | None = None
    value_var: str = "AVAL"
    change_var: str = "CHG"
    pchg_var: str = "PCHG"
    show: list[Part] = ["value", "change"]
    rows: list[str] = ["n", "mean_sd", "median", "min_max"]
    precision: Annotated[int, Field(ge=0, le=6)] | None = None  # decimals collected; default: from data
    pchg_precision: Annotated[int, Field(ge=0, le=6)] = 0  # percent change: mean 1 decimal, SD 2
    pbase_precision: Annotated[int, Field(ge=0, le=6)] = 0  # percent of baseline: mean 1 decimal, SD 2
    decimals: dict[str, Annotated[int, Field(ge=0, le=8)]] = {}
    labels: dict[Part, str] = {}
    tests: list[BaselineTest] = []
    no_data_text: str | None = None
    no_records_text: str | None = None

    _known_rows = field_validator("rows")(ContinuousAnalysis._known_rows.__func__)
    _known_stats = field_validator("decimals")(ContinuousAnalysis._known_stats.__func__)

    @field_validator("tests")
    @classmethod
    def _one_test_per_part(cls, v: list[BaselineTest]) -> list[BaselineTest]:
        ons = [t.quantity for t in v]
        if len(set(ons)) != len(ons):
            raise ValueError("two tests on the same quantity; list each `quantity` once")
        return v


MODELS = {"by_visit": ByVisitAnalysis}
