"""The `time_to_event` family's spec model: Kaplan-Meier summary of a time to event."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from tlf.spec.base import (
    AnalysisBase,
    Strict,
    TestName,
    known_names,
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
    "hr_ci": ("Hazard ratio (95% CI)", "{hr} ({hr_ci_low}, {hr_ci_high})"),
    "hr_pvalue": ("p-value", "{hr_pvalue}"),
}
HR_ROWS = ("hr_ci", "hr_pvalue")


class HazardRatioSpec(Strict):
    """A Cox proportional hazards model of the time to event on the treatment columns: the hazard ratio of
    each column vs `reference` with its Wald CI and p-value (SAS PHREG, R coxph). One model holds the
    reference and every other column whose subjects it shares with no column already in it (a Total
    column is left out: its cells stay blank)."""

    reference: str
    """Id of the treatment column the hazard ratios are taken against (its cells stay blank), e.g. `pbo`."""
    ties: Literal["breslow", "efron"] = "breslow"
    """How tied event times enter the partial likelihood: `breslow` (SAS PHREG's default) or `efron` (R
    coxph's default)."""
    strata: list[str] = []
    """Variables whose combinations get their own baseline hazard (SAS `STRATA`, R `strata()`), e.g.
    `[SITEGR1]`: read from the subject-level dataset when it holds them, else from the analysis records.
    Subjects with a missing value are left out of the model (a note in the ARD)."""
    covariates: list[str] = []
    """Covariates adjusted for, e.g. `[AGE]`: a numeric variable enters as it is, a text one as indicators
    of its levels; read as `strata`. Subjects with a missing value are left out of the model."""
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    """The CI is at the 1 - alpha level (the row label follows)."""
    decimals: Annotated[int, Field(ge=0, le=6)] = 2
    """Decimals of the hazard ratio and its CI."""


class TimeToEventAnalysis(AnalysisBase):
    """Kaplan-Meier summary of a time to event (one record per subject, e.g. an ADTTE parameter):
    subjects, events and censored n (%), median with CI (Brookmeyer-Crowley, `ci_transform`),
    quartiles. A record is an event when `censor` equals `event_value` (ADaM: CNSR = 0)."""

    type: Literal["time_to_event"]
    """`time_to_event`."""
    time: str = "AVAL"
    """Numeric variable holding the time to event or censoring, in the data's unit (e.g. days); `{pp}`/`{p}`
    become the column's period. One record per subject: select the parameter with `where`."""
    censor: str = "CNSR"
    """Variable telling events from censored times (ADaM CNSR). A record with a missing time or `censor`
    value is left out (n counts the subjects used)."""
    event_value: str | int | float = 0
    """Value of `censor` that marks an event (ADaM: 0); every other non-missing value is censored."""
    rows: list[str] = ["n", "events", "censored", "median_ci"]
    """Rows in order: `n` (subjects analysed), `events` and `censored` (n (%) of the subjects analysed, not
    of the column's N), `median_ci` "Median (95% CI)", `median`, `q1_q3` (25th, 75th percentile),
    `min_max` (of all times, events and censored), `hr_ci` "Hazard ratio (95% CI)" and `hr_pvalue` (its
    Wald p-value; both need `hazard_ratio`, and are added last when it is set and `rows` does not list
    them). A quantile the curve does not reach prints NE."""
    ci_transform: Literal["log-log", "log", "linear"] = "log-log"
    """Transform of the Brookmeyer-Crowley CI of the median: `log-log` (SAS LIFETEST's default
    CONFTYPE=LOGLOG), `log` (R survfit's default) or `linear`."""
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    """The median's CI is at the 1 - alpha level, e.g. `0.1` for a 90% CI (the row label follows)."""
    precision: Annotated[int, Field(ge=0, le=6)] | None = None
    """Decimals the times were collected with (d): median, its CI and the quartiles print d+1 decimals,
    min and max d. Not set: the most decimals any time of the analysed columns has; shells then print d = 0."""
    decimals: dict[str, Annotated[int, Field(ge=0, le=8)]] = {}
    """Decimals of single statistics, overriding `precision`: keys `median` (also its CI), `q1`, `q3`,
    `min`, `max`, e.g. `{median: 0, q1: 0, q3: 0}`."""
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    """Decimals of the events and censored percentages (0-4); not set: the output's `pct_decimals`, else
    the study's."""
    test: TestName | None = None
    """Test this analysis runs in the output's `stat_columns`, overriding each stat column's `test`:
    `auto` or `logrank` (unweighted log-rank across the columns), `none` (cells left blank). Not set: the
    stat column's test. No effect without stat columns."""

    hazard_ratio: HazardRatioSpec | None = None
    """Hazard ratio of each treatment column vs a reference column from a Cox model, e.g. `{reference: pbo,
    ties: breslow, strata: [SITEGR1], covariates: [AGE]}`: rows "Hazard ratio (95% CI)" and "p-value".
    Not set: none."""

    @model_validator(mode="after")
    def _hr_rows_need_a_model(self) -> TimeToEventAnalysis:
        if self.hazard_ratio is None and any(r in HR_ROWS for r in self.rows):
            raise ValueError("rows `hr_ci` and `hr_pvalue` need `hazard_ratio:` (the Cox model they come from)")
        return self

    @property
    def shown_rows(self) -> list[str]:
        """`rows`, with the hazard ratio rows last when `hazard_ratio` is set and `rows` does not list them."""
        if self.hazard_ratio is None:
            return list(self.rows)
        return list(self.rows) + [r for r in HR_ROWS if r not in self.rows]

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v: list[str]) -> list[str]:
        return known_names(v, TTE_ROWS, "row", listed=True)

    @field_validator("decimals")
    @classmethod
    def _known_stats(cls, v: dict[str, int]) -> dict[str, int]:
        return known_names(v, ("median", "q1", "q3", "min", "max"))


MODELS = {"time_to_event": TimeToEventAnalysis}


EXAMPLES = {"time_to_event": """\
id: ttde
type: time_to_event
dataset: adtte
where: "PARAMCD == 'TTDE'"
label: "Time to first dermatologic event (days)"
time: AVAL
censor: CNSR
event_value: 0
rows: [n, events, censored, median_ci, q1_q3, min_max]
decimals: {median: 0, q1: 0, q3: 0}
hazard_ratio: {reference: pbo, ties: breslow, strata: [SITEGR1], covariates: [AGE]}
"""}
