"""The `power_model` family's spec model: dose proportionality by the power model, per PK parameter."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from tlf.spec.base import AnalysisBase, Strict, known_names

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
    """One PK parameter whose dose proportionality is assessed: its code and row label."""

    code: str
    """The parameter's code, a value of `param_var` (PPTESTCD), e.g. AUCIFO; it must occur in the dataset."""
    label: str | None = None
    """Label of the parameter's row group, e.g. "Cmax (ng/mL)"; not set: the parameter's name
    (`name_var`, else the code) with its unit (`unit_var`) in parentheses when it has one unit in the data."""


class PowerModelAnalysis(AnalysisBase):
    """Dose proportionality by the power model ln(value) = a + b ln(dose), by least squares over the
    subjects of each column (typically one column pooling every dose), per PK parameter: n, the slope
    b with its two-sided (1 - alpha) t CI, and the acceptance range of Smith et al. (Pharm Res 2000):
    1 + ln(theta_low) / ln(r) to 1 + ln(theta_high) / ln(r), r = highest / lowest dose. The exposure
    is dose proportional ("Yes") when the CI lies inside the range. Values or doses missing or <= 0
    are left out (and counted in a warning)."""

    type: Literal["power_model"]
    """`power_model`."""
    dataset: str
    """The PK parameter dataset (ADPP-like, or one study.yaml derives by `nca:`), e.g. adpp: at most one
    record per subject and parameter in a column (select one profile with `where`)."""
    dose: str
    """Numeric variable of `dataset` holding each subject's dose, e.g. DOSEA; its unit does not matter
    (the slope and the dose ratio do not depend on it)."""
    parameters: Annotated[list[PowerModelParameter], Field(min_length=1)]
    """The parameters modelled (at least one), one fit each, in print order."""
    param_var: str = "PPTESTCD"
    """Variable holding the parameter code that `parameters[].code` names; default PPTESTCD."""
    value_var: str = "PPSTRESN"
    """Numeric variable holding the parameter's value; default PPSTRESN. Values (or doses) missing or
    <= 0 are left out of the fit (counted in the warning of the ARD's n)."""
    unit_var: str | None = "PPSTRESU"
    """Variable holding the unit, for default labels; default PPSTRESU; null, or a variable the dataset
    does not have: no unit."""
    name_var: str | None = "PPTEST"
    """Variable holding the parameter's name, for default labels; default PPTEST; null, or a variable
    the dataset does not have: the code."""
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.10
    """The slope's CI is two-sided (1 - alpha), from t on n - 2 df: 0.10 (default) gives the 90% CI
    usual for dose proportionality."""
    theta: tuple[Annotated[float, Field(gt=0, lt=1)], Annotated[float, Field(gt=1)]] = (0.8, 1.25)
    """Limits [theta_low, theta_high] of the acceptable ratio of dose-normalised exposure, default
    [0.8, 1.25]; they give the slope's acceptance range 1 + ln(theta_low) / ln(r) to
    1 + ln(theta_high) / ln(r), r = highest / lowest dose."""
    rows: list[Literal["n", "slope_ci", "slope_se", "intercept_se", "dose_ratio", "range", "conclusion"]] = [
        "n", "slope_ci", "range", "conclusion"]
    """Rows under each parameter, in order: `n` (subjects in the fit), `slope_ci` (slope b with its CI),
    `slope_se`, `intercept_se` (a with its SE), `dose_ratio` (r), `range` (the acceptance range),
    `conclusion` (Yes when the CI lies inside the range, else No)."""
    labels: dict[str, str] = {}
    """Row label by row name, replacing the default, e.g. {conclusion: "Dose proportional (90% CI in
    range)"}; `{ci}` becomes the CI level (e.g. "90%")."""
    decimals: dict[Literal["slope", "intercept", "se", "range"], Annotated[int, Field(ge=0, le=8)]] = {}
    """Decimals of `slope` (the slope and its CI; default 3), `intercept` (3), `se` (both SEs; 4) and
    `range` (the acceptance range; 3); the dose ratio prints with 3 significant figures."""

    @field_validator("labels")
    @classmethod
    def _known_labels(cls, v: dict[str, str]) -> dict[str, str]:
        return known_names(v, POWER_MODEL_ROWS, "row")


MODELS = {"power_model": PowerModelAnalysis}

EXAMPLES = {"power_model": """id: power
type: power_model
dataset: adpp
dose: DOSEA
alpha: 0.10
rows: [n, slope_ci, dose_ratio, range, conclusion]
parameters:
  - {code: CMAX,   label: "Cmax (ng/mL)"}
  - {code: AUCLST, label: "AUClast (h*ng/mL)"}
  - {code: AUCIFO, label: "AUCinf (h*ng/mL)"}
"""}
