"""The exposure-response analysis an output spec may ask for (`type: emax`).

    - id: cd19
      type: emax
      label: "CD19+ B cells"
      dataset: adpd                         # the response records (one per subject and time point)
      where: "PARAMCD == 'CD19' and ATPTN > 0"
      response: PCTRED                      # e.g. percent reduction from baseline, derived in study.yaml
      time: ATPTN                           # matched with the concentration's time
      concentration: {dataset: adpc, var: AVAL, time: NRRLT, blq: BLQFL}
      e0: 0                                 # fixed at 0; `estimate` to fit it
      hill: 1                               # hyperbolic Emax; `estimate` for the sigmoid model
      rows: [n, nobs, emax, emax_ci, ec50, ec50_ci, sigma, converged]

Each response record is paired with the concentration record of the same subject whose `time` equals
the response's `time` (numbers compared to 1e-6; text as written); without a `concentration.dataset`
(or with the response's own) the concentration is `concentration.var` of the response record itself.
Model and statistics: tlf/stats/emax.py; ARD rows: tlf/stats/exposure_response.py.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from tlf.spec.base import AnalysisBase, Strict, known_names

EMAX_ROWS = {
    # name: (default label; {ci} is the confidence level, e.g. "95%"), template over statistic names
    "n": ("Subjects", "{n}"),
    "nobs": ("Observations", "{nobs}"),
    "e0": ("E0 (SE)", "{e0} ({e0_se})"),
    "e0_ci": ("E0 {ci} CI", "({e0_ci_low}, {e0_ci_high})"),
    "emax": ("Emax (SE)", "{emax} ({emax_se})"),
    "emax_ci": ("Emax {ci} CI", "({emax_ci_low}, {emax_ci_high})"),
    "ec50": ("EC50 (SE)", "{ec50} ({ec50_se})"),
    "ec50_ci": ("EC50 {ci} CI", "({ec50_ci_low}, {ec50_ci_high})"),
    "hill": ("Hill coefficient (SE)", "{hill} ({hill_se})"),
    "hill_ci": ("Hill coefficient {ci} CI", "({hill_ci_low}, {hill_ci_high})"),
    "sigma": ("Residual SE", "{sigma}"),
    "converged": ("Converged", "{converged}"),
}
EmaxRow = Literal["n", "nobs", "e0", "e0_ci", "emax", "emax_ci", "ec50", "ec50_ci", "hill", "hill_ci", "sigma",
                  "converged"]
EMAX_DECIMALS = {"e0": 1, "emax": 1, "ec50": 3, "hill": 2, "sigma": 2}


class ConcentrationSource(Strict):
    """Where the concentration of a response record comes from: `var` of the record of `dataset` (meeting
    `where`) with the same subject and `time`; no `dataset`: the response record's own `var`. A record
    flagged by `blq` (Y/1) counts as 0 or is left out (the analysis' `blq_as`)."""

    dataset: str | None = None
    """Dataset holding the concentrations, e.g. adpc, whose records are matched to each response record
    on subject and time; not set (or the analysis' own dataset): the response record's own `var`."""
    var: str = "AVAL"
    """Numeric concentration variable; default AVAL. A negative concentration is an error."""
    time: str | None = None
    """Time variable of the concentration records matched with the analysis' `time`, e.g. NRRLT; not set:
    the variable named as the analysis' `time`. Used only with another `dataset`."""
    where: str | None = None
    """Filter on the concentration records (the where: language), e.g. "ANL01FL == 'Y'"; applied
    only with another `dataset` (the analysis' `where` selects the response records)."""
    blq: str | None = None
    """Flag of concentrations below the lower limit of quantification, e.g. BLQFL (Y, YES, TRUE, T or 1,
    any case, is BLQ): such a concentration is 0 or its observation is left out, as the analysis'
    `blq_as` says. Not set: the values are used as they are."""


class EmaxAnalysis(AnalysisBase):
    """Emax exposure-response model E = E0 + Emax C^h / (EC50^h + C^h) by nonlinear least squares over
    the paired observations of each column (typically one column pooling placebo and every dose):
    estimates with asymptotic SE and Wald (1 - alpha) CI, subjects and observations, convergence.
    `e0` / `hill`: a number fixes the parameter (E0 0 for a percent reduction from baseline, h 1 for
    the hyperbolic model), `estimate` fits it."""

    type: Literal["emax"]
    """`emax`."""
    dataset: str
    """Dataset of the response records, e.g. adpd: after `where`, at most one record per subject and
    time point."""
    response: str
    """Numeric response variable modelled (E), e.g. PCTRED (a percent reduction from baseline derived
    in study.yaml). Records with a missing response are left out."""
    time: str | None = None
    """Variable of the response records matched with the concentration records' time, e.g. ATPTN
    (numbers equal to 6 decimals, text as written); required when the concentrations come from another
    dataset, otherwise it only names the plotted points in the ARD."""
    concentration: ConcentrationSource
    """Where each response record's concentration comes from, e.g. {dataset: adpc, var: AVAL, time:
    NRRLT, blq: BLQFL}. A response record with no concentration at its time is left out."""
    blq_as: Literal["zero", "exclude"] = "zero"
    """A concentration flagged BLQ (`concentration.blq`): `zero` (default) takes it as 0, `exclude` leaves
    the observation out (counted in the warning of the ARD's n)."""
    e0: float | Literal["estimate"] = "estimate"
    """E0, the response at concentration 0: a number fixes it (0 for a percent reduction from baseline),
    `estimate` (default) fits it."""
    hill: Annotated[float, Field(gt=0, le=20)] | Literal["estimate"] = 1.0
    """Hill coefficient h: a number (above 0, at most 20) fixes it, 1 (default) giving the hyperbolic
    Emax model; `estimate` fits it (the sigmoid Emax model)."""
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    """The Wald CIs are two-sided (1 - alpha): 0.05 (default) gives 95% CIs."""
    ci: Literal["t", "normal"] = "t"
    """Quantile of the Wald CI, estimate +/- q SE: `t` (default) from the t distribution on n - p df (n
    observations, p parameters estimated), or `normal`: z(1 - alpha/2) (as R's confint.default)."""
    rows: list[EmaxRow] = ["n", "nobs", "e0", "emax", "emax_ci", "ec50", "ec50_ci", "converged"]
    """Rows printed, in order: `n` (subjects), `nobs` (observations), `e0`, `emax`, `ec50`, `hill` (the
    estimate with its SE), `e0_ci`, `emax_ci`, `ec50_ci`, `hill_ci`, `sigma` (residual SE, sqrt(RSS /
    (n - p))), `converged` (Yes / No). A fixed parameter prints its value, labelled "(fixed)", and no CI."""
    labels: dict[str, str] = {}
    """Row label by row name, replacing the default, e.g. {ec50: "EC50, ng/mL (SE)"}; `{ci}` becomes the
    CI level (e.g. "95%")."""
    decimals: dict[Literal["e0", "emax", "ec50", "hill", "sigma"], Annotated[int, Field(ge=0, le=8)]] = {}
    """Decimals of each parameter's estimate and CI (its SE gets one more) and of sigma; defaults e0 1,
    emax 1, ec50 3, hill 2, sigma 2."""
    curve_points: Annotated[int, Field(ge=2, le=2000)] = 200
    """Number of points of the fitted curve in the ARD, which a scatter figure draws: concentration 0,
    then log-spaced from half the lowest positive concentration to 1.2 times the highest; default 200."""

    @field_validator("labels")
    @classmethod
    def _known_labels(cls, v: dict[str, str]) -> dict[str, str]:
        return known_names(v, EMAX_ROWS, "row")

    @model_validator(mode="after")
    def _time_to_join(self) -> EmaxAnalysis:
        other = self.concentration.dataset not in (None, self.dataset)
        if other and not self.time:
            raise ValueError("pairing responses with concentrations of another dataset needs `time` "
                             "(the variable both share, e.g. nominal hours after the dose)")
        if not other:  # the response record's own variable: nothing to filter or match, so these would do nothing
            for key in ("where", "time"):
                if getattr(self.concentration, key) is not None:
                    raise ValueError(f"`concentration.{key}` applies only to concentrations of another dataset; "
                                     f"here each response record's own `{self.concentration.var}` is its "
                                     f"concentration (select records with the analysis' `where`)")
        return self

    @property
    def joined(self) -> bool:
        """Concentrations come from another dataset (matched on subject and time)."""
        return self.concentration.dataset not in (None, self.dataset)

    @property
    def estimated(self) -> tuple[str, ...]:
        """The parameters fitted (Emax and EC50 always; E0 and h unless fixed)."""
        return tuple(k for k in ("e0", "emax", "ec50", "hill") if k in ("emax", "ec50") or getattr(self, k) == "estimate")


MODELS = {"emax": EmaxAnalysis}

EXAMPLES = {"emax": """id: cd19
type: emax
label: "CD19+ B cells"
dataset: adpd
where: "PARAMCD == 'CD19' and ATPTN > 0"
response: PCTRED
time: ATPTN
concentration: {dataset: adpc, var: AVAL, time: NRRLT, blq: BLQFL}
e0: 0
hill: 1
rows: [n, nobs, emax, emax_ci, ec50, ec50_ci, sigma, converged]
labels: {emax: "Emax, % reduction (SE)", ec50: "EC50, ng/mL (SE)"}
"""}
