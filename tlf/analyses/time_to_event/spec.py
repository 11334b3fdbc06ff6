"""The `time_to_event` family's spec model: Kaplan-Meier summary of a time to event."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from tlf.spec.base import (
    AnalysisBase,
    TestName,
)

TTE_STATS = ("n", "median", "median_ci_low", "median_ci_high", "q1", "q3", "min", "max")


TTE_ROWS = {
    # name: (default label, template; "events"/"censored" are n (%) of the subjects analysed)
    "n": ("Subjects", "{n}"),
    "events": ("Events", ""),
    "censored": ("Censored", ""),
    "median_ci": ("Median (95% CI)", "{median} ({median_ci_low}, {median_ci_high})"),
    "median": ("Median", "{median}"),
    "q1_q3": ("25th, 75th percentile", "{q1}, {q3}"),
    "min_max": ("Min, Max", "{min}, {max}"),
}


class TimeToEventAnalysis(AnalysisBase):
    """Kaplan-Meier summary of a time to event (one record per subject, e.g. an ADTTE parameter):
    subjects, events and censored n (%), median with CI (Brookmeyer-Crowley, `ci_transform`),
    quartiles. A record is an event when `censor` equals `event_value` (ADaM: CNSR = 0)."""

    type: Literal["time_to_event"]
    time: str = "AVAL"
    censor: str = "CNSR"
    event_value: str | int | float = 0
    rows: list[str] = ["n", "events", "censored", "median_ci"]
    ci_transform: Literal["log-log", "log", "linear"] = "log-log"
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    precision: Annotated[int, Field(ge=0, le=6)] | None = None  # decimals of `time`; default: from data
    decimals: dict[str, Annotated[int, Field(ge=0, le=8)]] = {}
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    test: TestName | None = None

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v: list[str]) -> list[str]:
        from tlf.errors import did_you_mean

        for r in v:
            if r not in TTE_ROWS:
                raise ValueError(f"unknown row '{r}'{did_you_mean(r, TTE_ROWS)}; expected one of {', '.join(TTE_ROWS)}")
        return v

    @field_validator("decimals")
    @classmethod
    def _known_stats(cls, v: dict[str, int]) -> dict[str, int]:
        from tlf.errors import did_you_mean

        for k in v:
            if k not in ("median", "q1", "q3", "min", "max"):
                raise ValueError(f"unknown statistic '{k}'{did_you_mean(k, ('median', 'q1', 'q3', 'min', 'max'))}")
        return v


MODELS = {"time_to_event": TimeToEventAnalysis}
