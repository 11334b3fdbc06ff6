"""The `mmrm` family's spec model: a mixed model for repeated measures over the visits of a BDS parameter."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from tlf.spec.base import ParamVisitsBase

MMRM_ROWS = {
    # name: default label ({ref} is the comparator column's label)
    "n": "n",
    "lsmean_se": "LS mean (SE)",
    "lsmean_ci": "LS mean 95% CI",
    "lsmean_and_ci": "LS mean (95% CI)",
    "diff_se": "Difference vs {ref} (SE)",
    "diff_ci": "95% CI of the difference",
    "diff_and_ci": "Difference vs {ref} (95% CI)",
    "diff_pvalue": "p-value",
}

MmrmRow = Literal["n", "lsmean_se", "lsmean_ci", "lsmean_and_ci", "diff_se", "diff_ci", "diff_and_ci",
                  "diff_pvalue"]
Covariance = Literal["us", "cs", "ar1", "toep", "csh", "ar1h"]


class MmrmAnalysis(ParamVisitsBase):
    """Mixed model for repeated measures (MMRM) of `response` over `visits`, per parameter, as SAS PROC
    MIXED with a REPEATED statement and R `mmrm` fit it: fixed effects treatment (the output's columns),
    visit, treatment x visit, `factors`, `covariates`, and `factors_by_visit` / `covariates_by_visit` x visit;
    the subject is the repeated unit, its visits' residuals correlated as `covariance` says; missing visits
    are left out (missing at random), never imputed. REML (or ML); LS means per visit and column
    (covariates at their mean over the observations, factor levels weighted `weights`) with SE and CI;
    differences vs the `reference` column (or the `comparisons`) with SE, CI and p-value on the `df` method's
    degrees of freedom (Kenward-Roger by default, as SAS DDFM=KR). A model that cannot be estimated (a column
    without data at a visit, a design not of full rank) or whose optimiser does not reach a proper optimum
    (gradient zero and Hessian positive definite) prints NE with the reason in a footnote; `fallback` names
    the structures tried next, e.g. the SAP's Toeplitz when the unstructured fit fails."""

    type: Literal["mmrm"]
    """`mmrm`."""
    response: str = "CHG"
    """Variable analysed, e.g. CHG; default CHG. With a name starting PCHG, records whose baseline
    (`base_var`) is 0 are left out, with a footnote."""
    covariates: list[str] = ["BASE"]
    """Continuous covariates (main effects), variables of the dataset or else of the subject-level dataset;
    default [BASE]; [] for none. LS means take each at its mean over the observations in the model."""
    factors: list[str] = []
    """Classification factors besides treatment and visit (main effects), e.g. [SITEGR1]; LS means average
    over their levels as `weights` says."""
    covariates_by_visit: list[str] = []
    """Covariates that also enter by visit (covariate x visit: a slope per visit), e.g. [BASE]; each is a
    main effect too (listed in `covariates` or not)."""
    factors_by_visit: list[str] = []
    """Factors that also enter by visit (factor x visit); each is a main effect too."""
    covariance: Covariance = "us"
    """Covariance of a subject's visits: `us` unstructured (SAS TYPE=UN, default), `cs` compound symmetry,
    `ar1` first-order autoregressive, `toep` Toeplitz, `csh` / `ar1h` their heterogeneous-variance forms
    (SAS CSH, ARH(1)). `ar1` and `toep` take the visits' order in `visits` as equally spaced."""
    fallback: list[Covariance] = []
    """Structures tried in this order when the fit with `covariance` does not converge, e.g. [toep] (the
    CDISC pilot SAP: "If there is any computational singularity, a Toeplitz covariance matrix will be
    used"); a footnote says which structure gave the numbers and why. Default none: NE."""
    method: Literal["reml", "ml"] = "reml"
    """`reml` (restricted maximum likelihood, default, SAS METHOD=REML) or `ml`."""
    df: Literal["kenward-roger", "satterthwaite", "residual"] = "kenward-roger"
    """Denominator degrees of freedom of the t tests and CIs: `kenward-roger` (default; SAS DDFM=KR, with
    the Kenward-Roger adjusted SEs), `satterthwaite` (SAS DDFM=SATTERTHWAITE) or `residual` (observations
    minus parameters)."""
    reference: str
    """Id of the output column the differences are taken against (column minus reference), e.g. pbo."""
    comparisons: list[Annotated[list[str], Field(min_length=2, max_length=2)]] | None = None
    """The differences reported, as [column, comparator] pairs of column ids, e.g. [[low, pbo], [high, pbo],
    [high, low]]; not set: every other column vs `reference`."""
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    """CIs are two-sided (1 - alpha); "95%" in the row labels follows it."""
    weights: Literal["equal", "proportional", "om"] = "equal"
    """How LS means weight the levels of `factors`: `equal` (SAS LSMEANS default), `proportional` (their
    frequency among the observations in the model) or `om` (SAS LSMEANS /OM: among all records with the
    model's independent variables)."""
    show_visits: list[str] | None = None
    """Visits printed, a subset of `visits` in their order, e.g. [Week 24] for a table of the last visit
    of a model fitted over all of them; not set: every visit."""
    rows: list[MmrmRow] = ["n", "lsmean_se", "diff_se", "diff_ci", "diff_pvalue"]
    """Rows under each visit, in order: `n` (observations at the visit), `lsmean_se`, `lsmean_ci`,
    `lsmean_and_ci`, `diff_se`, `diff_ci`, `diff_and_ci`, `diff_pvalue`. The diff rows print together, at the
    place of the first, as one block per comparator."""
    labels: dict[str, str] = {}
    """Row label by row name, replacing the default; `{ref}` becomes the comparator column's label, "95%"
    the CI level from `alpha`."""
    precision: Annotated[int, Field(ge=0, le=6)] | None = None
    """Decimals the response is collected with: LS means and differences one more, SEs two more, p-values
    3. Not set: found from the data, at most 2."""
    decimals: dict[Literal["lsmean", "se", "diff", "pvalue"], Annotated[int, Field(ge=0, le=8)]] = {}
    """Printed decimals overriding `precision`'s: `lsmean`, `se`, `diff`, `pvalue`."""
    visit_labels: bool = True
    """A row naming the visit above each visit's rows; false leaves it out (e.g. one visit shown)."""

    @model_validator(mode="after")
    def _shown_among_visits(self):
        for v in self.show_visits or []:
            if v not in self.visits:
                raise ValueError(f"show_visits: '{v}' is not among `visits` ({', '.join(self.visits)})")
        return self

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(column, comparator) of every difference in `comparisons` ([] when not set)."""
        return [(x[0], x[1]) for x in self.comparisons] if self.comparisons else []

    @property
    def shown(self) -> list[str]:
        """The visits printed."""
        return list(self.show_visits) if self.show_visits else list(self.visits)


MODELS = {"mmrm": MmrmAnalysis}

EXAMPLES = {"mmrm": """id: adas_mmrm
type: mmrm
dataset: adqsadas
where: "EFFFL == 'Y' and ANL01FL == 'Y' and missing(DTYPE)"
param: ACTOT
visits: [Week 8, Week 16, Week 24]
show_visits: [Week 24]
response: CHG
covariates: [BASE]
factors: [SITEGR1]
covariates_by_visit: [BASE]
covariance: us
fallback: [toep]
df: kenward-roger
reference: pbo
comparisons: [[low, pbo], [high, pbo], [high, low]]
"""}
