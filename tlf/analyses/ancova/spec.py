"""The `ancova` family's spec model: LS means and differences from an analysis of covariance by parameter and visit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tlf.spec.base import (
    ParamVisitsBase,
)

TREATMENT = "treatment"  # the output's columns, in `interactions`

ANCOVA_ROWS = {
    # name: (default label; {ref} is the comparator column's label)
    "n": "n",
    "lsmean_se": "LS mean (SE)",
    "lsmean_ci": "LS mean 95% CI",
    "lsmean_and_ci": "LS mean (95% CI)",
    "diff_se": "Difference vs {ref} (SE)",
    "diff_ci": "95% CI of the difference",
    "diff_and_ci": "Difference vs {ref} (95% CI)",
    "diff_pvalue": "p-value",
    "dose_pvalue": "p-value (dose response)",
    "rmse": "Root mean squared error",
}


ANCOVA_DECIMALS = ("lsmean", "se", "diff", "pvalue", "rmse")


AncovaRow = Literal["n", "lsmean_se", "lsmean_ci", "lsmean_and_ci", "diff_se", "diff_ci", "diff_and_ci",
                    "diff_pvalue", "dose_pvalue", "rmse"]


class AncovaAnalysis(ParamVisitsBase):
    """ANCOVA at each parameter and visit: `response` ~ treatment (the output's columns) + `factors`
    + `covariates` (variables of the dataset, or of the subject-level dataset). LS means as SAS
    LSMEANS / R emmeans (covariates at their mean, factor levels weighted `weights`: `equal`,
    `proportional`, or `om` as SAS LSMEANS /OM); differences vs the `reference` column, or the
    `comparisons` listed as [column, comparator] pairs, with SE, two-sided (1 - alpha) CI (`ci: t`
    on the residual df, or `normal`: estimate +/- z SE) and p-value, no multiplicity adjustment; n in
    the model. `dose` (a numeric variable, e.g. TRTPN) adds the dose-response test: the Type III test
    of `dose` in `response` ~ dose + factors + covariates. `rmse` picks the root mean squared error
    printed: `residual` (sqrt(RSS / residual df), SAS's Root MSE) or `ml` (sqrt(RSS / n)). One-value
    rows (dose_pvalue, rmse) print in `model_column` (default: the last column). `interactions` add
    interaction terms; an empty cell (e.g. a factor level without patients in one column) makes only
    the LS means and differences that depend on it NE, as SAS GLM and R emmeans."""

    type: Literal["ancova"]
    response: str = "CHG"
    covariates: list[str] = ["BASE"]
    factors: list[str] = []
    interactions: list[Annotated[list[str], Field(min_length=2)]] = []
    """Interaction terms added to the model, each a list of two or more names, each `treatment` (the
    output's columns) or a variable of `factors` or `covariates`: `[[treatment, SEX]]` fits a
    treatment-by-SEX interaction (each column's LS mean is then the average of its cells over the
    levels of SEX, weighted by `weights`), `[[treatment, BASE]]` a slope of BASE per column (LS means
    at the mean of BASE), `[[SEX, REGION]]` an interaction of two factors. Where a cell has no data
    (e.g. no women in one column) the model is still fitted: the LS means and differences that
    depend on the empty cell are NE, the others are reported, as SAS GLM and R emmeans. The
    dose-response model (`dose`) takes the interactions that do not involve `treatment`."""
    reference: str
    comparisons: list[Annotated[list[str], Field(min_length=2, max_length=2)]] | None = None
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    weights: Literal["equal", "proportional", "om"] = "equal"
    ci: Literal["t", "normal"] = "t"
    rmse: Literal["residual", "ml"] = "residual"
    dose: str | None = None
    model_column: str | None = None
    rows: list[AncovaRow] = ["n", "lsmean_se", "diff_se", "diff_ci", "diff_pvalue"]
    labels: dict[str, str] = {}
    precision: Annotated[int, Field(ge=0, le=6)] | None = None  # of the response; default: from data (<= 2)
    decimals: dict[Literal["lsmean", "se", "diff", "pvalue", "rmse"], Annotated[int, Field(ge=0, le=8)]] = {}
    visit_labels: bool = True  # a row per visit (turn off with a single visit)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(column, comparator) of every difference reported: `comparisons`, or each column vs the
        reference (filled in by the caller, which knows the columns: None here)."""
        return [(x[0], x[1]) for x in self.comparisons] if self.comparisons else []


MODELS = {"ancova": AncovaAnalysis}
