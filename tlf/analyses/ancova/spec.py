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
    """`ancova`."""
    response: str = "CHG"
    """Variable analysed (the dependent variable), e.g. CHG or PCHG; default CHG. With a name starting
    PCHG, records whose baseline (`base_var`) is 0 are left out, with a footnote."""
    covariates: list[str] = ["BASE"]
    """Continuous (numeric) covariates, variables of the dataset or else of the subject-level dataset;
    default [BASE]; [] for none. LS means are computed with each covariate at its mean."""
    factors: list[str] = []
    """Classification factors besides treatment, e.g. [SITEGR1], of the dataset or else of the
    subject-level dataset; default none. LS means average over their levels as `weights` says."""
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
    """Id of the output column the differences are taken against (column minus reference), e.g. pbo;
    must be a column of the output."""
    comparisons: list[Annotated[list[str], Field(min_length=2, max_length=2)]] | None = None
    """The differences reported, as [column, comparator] pairs of column ids (column minus comparator),
    e.g. [[low, pbo], [high, pbo], [high, low]]; not set: every other column vs `reference`."""
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    """The CIs are two-sided (1 - alpha): 0.05 (default) gives 95% CIs, and "95%" in the row labels
    follows it. p-values do not depend on it."""
    weights: Literal["equal", "proportional", "om"] = "equal"
    """How LS means weight the level combinations of `factors`: `equal` (SAS LSMEANS default, emmeans
    "equal"), `proportional` (their frequency among the observations in the model) or `om` (SAS
    LSMEANS / OM: their frequency among all records with the model's independent variables, response
    missing or not). No effect without `factors`."""
    ci: Literal["t", "normal"] = "t"
    """CIs of LS means and differences: `t` from the t distribution on the residual df (as SAS), or
    `normal`: estimate +/- z(1 - alpha/2) SE (1.96 SE at alpha 0.05). The p-values are t tests either way."""
    rmse: Literal["residual", "ml"] = "residual"
    """Root mean squared error printed by the `rmse` row: `residual` = sqrt(RSS / residual df) (SAS Root
    MSE, R sigma) or `ml` = sqrt(RSS / n) (the root of the mean squared residual)."""
    dose: str | None = None
    """Numeric dose variable (e.g. TRTPN), of the dataset or else the subject-level dataset: adds the
    dose-response test (Type III F test of dose in `response` ~ dose + factors + covariates, on the
    records the ANCOVA uses) printed by the `dose_pvalue` row; not set: no dose-response test."""
    model_column: str | None = None
    """Id of the column where the one-value rows (`dose_pvalue`, `rmse`) print; not set: the last column."""
    rows: list[AncovaRow] = ["n", "lsmean_se", "diff_se", "diff_ci", "diff_pvalue"]
    """Rows under each parameter and visit, in order: `n`, `lsmean_se`, `lsmean_ci`, `lsmean_and_ci`,
    `diff_se`, `diff_ci`, `diff_and_ci`, `diff_pvalue`, `dose_pvalue`, `rmse`. The diff rows print
    together, at the place of the first, as one block per comparator."""
    labels: dict[AncovaRow, str] = {}
    """Row label by row name (one of `rows`' names), replacing the default, e.g. {diff_pvalue: "p-value (vs {ref})"}; `{ref}`
    becomes the comparator column's label, and "95%" the CI level from `alpha`."""
    precision: Annotated[int, Field(ge=0, le=6)] | None = None
    """Decimals the response is collected with, which the printed decimals build on: LS means and
    differences (and their CIs) one more, SEs and RMSE two more, p-values 3. Not set: found from the
    data, per parameter, at most 2."""
    decimals: dict[Literal["lsmean", "se", "diff", "pvalue", "rmse"], Annotated[int, Field(ge=0, le=8)]] = {}
    """Printed decimals overriding `precision`'s: `lsmean` (LS means and their CIs), `se` (all SEs),
    `diff` (differences and their CIs), `pvalue`, `rmse`; e.g. {rmse: 2}."""
    visit_labels: bool = True
    """A row naming the visit above each visit's rows; false leaves it out (e.g. with a single visit)."""

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(column, comparator) of every difference reported: `comparisons`, or each column vs the
        reference (filled in by the caller, which knows the columns: None here)."""
        return [(x[0], x[1]) for x in self.comparisons] if self.comparisons else []


MODELS = {"ancova": AncovaAnalysis}

EXAMPLES = {"ancova": """id: ancova
type: ancova
dataset: adqsadas
where: "ITTFL == 'Y' and EFFFL == 'Y' and ANL01FL == 'Y'"
param: ACTOT
visits: [Week 24]
visit_labels: false
response: CHG
covariates: [BASE]
factors: [SITEGR1]
reference: pbo
comparisons: [[low, pbo], [high, pbo], [high, low]]
weights: om
dose: TRTPN
rows: [dose_pvalue, diff_pvalue, diff_se, diff_ci]
"""}
