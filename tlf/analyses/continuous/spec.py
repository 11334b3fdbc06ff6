"""The `continuous` family's spec model: descriptive statistics of a variable, one value per subject."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from tlf.spec.base import (
    CONTINUOUS_STATS,
    DISPLAY_ROWS,
    AnalysisBase,
    TestName,
)


class ContinuousAnalysis(AnalysisBase):
    """Descriptive statistics of `var` (one value per subject)."""

    type: Literal["continuous"]
    var: str
    rows: list[str] = ["n", "mean_sd", "median", "q1_q3", "min_max"]
    precision: Annotated[int, Field(ge=0, le=6)] | None = None  # decimals collected; default: from data
    decimals: dict[str, Annotated[int, Field(ge=0, le=8)]] = {}
    sig: Annotated[int, Field(ge=1, le=8)] | None = None  # significant figures instead (not n, CV%)
    test: TestName | None = None

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v: list[str]) -> list[str]:
        from tlf.errors import did_you_mean

        for r in v:
            if r not in DISPLAY_ROWS:
                raise ValueError(f"unknown statistic row '{r}'{did_you_mean(r, DISPLAY_ROWS)}; "
                                 f"expected one of {', '.join(DISPLAY_ROWS)}")
        return v

    @field_validator("decimals")
    @classmethod
    def _known_stats(cls, v: dict[str, int]) -> dict[str, int]:
        from tlf.errors import did_you_mean

        for k in v:
            if k not in CONTINUOUS_STATS:
                raise ValueError(f"unknown statistic '{k}'{did_you_mean(k, CONTINUOUS_STATS)}")
        return v


MODELS = {"continuous": ContinuousAnalysis}
