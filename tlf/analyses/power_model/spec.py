"""The `power_model` family's spec model: dose proportionality by the power model, per PK parameter."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from tlf.spec.base import AnalysisBase, Strict

POWER_MODEL_ROWS = {
    # name: (default label; {ci} is the confidence level, e.g. "90%"), template over statistic names
    "n": ("n", "{n}"),
    "slope_ci": ("Slope ({ci} CI)", "{slope} ({slope_ci_low}, {slope_ci_high})"),
    "slope_se": ("Slope (SE)", "{slope} ({slope_se})"),
    "intercept_se": ("Intercept (SE)", "{intercept} ({intercept_se})"),
    "dose_ratio": ("Dose ratio (highest / lowest)", "{dose_ratio}"),
    "range": ("Acceptance range for the slope", "({range_low}, {range_high})"),
    "conclusion": ("Dose proportional", "{within_range}"),
}


class PowerModelParameter(Strict):
    code: str
    label: str | None = None  # default: the parameter name (PPTEST) and unit from the data


class PowerModelAnalysis(AnalysisBase):
    """Dose proportionality by the power model ln(value) = a + b ln(dose), by least squares over the
    subjects of each column (typically one column pooling every dose), per PK parameter: n, the slope
    b with its two-sided (1 - alpha) t CI, and the acceptance range of Smith et al. (Pharm Res 2000):
    1 + ln(theta_low) / ln(r) to 1 + ln(theta_high) / ln(r), r = highest / lowest dose. The exposure
    is dose proportional ("Yes") when the CI lies inside the range. Values or doses missing or <= 0
    are left out (and counted in a warning)."""

    type: Literal["power_model"]
    dataset: str
    dose: str  # the dose variable of `dataset`
    parameters: Annotated[list[PowerModelParameter], Field(min_length=1)]
    param_var: str = "PPTESTCD"
    value_var: str = "PPSTRESN"
    unit_var: str | None = "PPSTRESU"
    name_var: str | None = "PPTEST"
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.10
    theta: tuple[Annotated[float, Field(gt=0, lt=1)], Annotated[float, Field(gt=1)]] = (0.8, 1.25)
    rows: list[Literal["n", "slope_ci", "slope_se", "intercept_se", "dose_ratio", "range", "conclusion"]] = [
        "n", "slope_ci", "range", "conclusion"]
    labels: dict[str, str] = {}
    decimals: dict[Literal["slope", "intercept", "se", "range"], Annotated[int, Field(ge=0, le=8)]] = {}

    @field_validator("labels")
    @classmethod
    def _known_labels(cls, v: dict[str, str]) -> dict[str, str]:
        from tlf.errors import did_you_mean

        for k in v:
            if k not in POWER_MODEL_ROWS:
                raise ValueError(f"unknown row '{k}'{did_you_mean(k, POWER_MODEL_ROWS)}")
        return v


MODELS = {"power_model": PowerModelAnalysis}
