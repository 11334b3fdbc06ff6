"""The `responders` family's spec model: subjects meeting a criterion at each parameter and visit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tlf.spec.base import (
    ParamVisitsBase,
    Strict,
)


class LogisticModel(Strict):
    """A logistic regression of the responder indicator at each parameter and visit on the treatment
    columns and `covariates`, fitted to the subjects with a record there (and no missing covariate):
    per treatment column the odds ratio against `reference` with its Wald CI and p-value (as R
    glm(family = binomial) and SAS PROC LOGISTIC give them; tlf/stats/logistic.py). NE with the reason on
    complete or quasi-complete separation, a design of deficient rank or no convergence."""

    type: Literal["logistic"]
    """`logistic`."""
    reference: str
    """Id of the reference treatment column (e.g. placebo): the odds ratios are against it."""
    covariates: list[str] = []
    """Variables of the analysis dataset's records adjusted for: a numeric one as a slope (e.g. AGE,
    BASE), a text one as a factor with one coefficient per level after the first in sorted order (e.g.
    SITEGR1)."""
    columns: list[str] | None = None
    """Treatment columns in the model (with `reference`); not set: every column of the output active in
    this analysis. Columns must not share subjects (leave a Total column out)."""
    conf_level: Annotated[float, Field(gt=0, lt=1)] = 0.95
    """Confidence level of the odds ratios' Wald CIs."""


class RespondersAnalysis(ParamVisitsBase):
    """Subjects meeting `criterion` (an expression on the visit's record, e.g. "CHG <= -4") at each
    visit: n (%). Denominator: the column's N (a subject without a record counts as a non-responder)
    the subjects with a record at the visit, or those whose criterion can be evaluated there."""

    type: Literal["responders"]
    """`responders`."""
    criterion: str
    """Condition a subject's record at the visit must meet to count as a responder (the where: language on
    the variables of `dataset`), e.g. `"CHG <= -4"`. A record whose criterion depends on a missing value
    does not meet it (three-valued logic, as SQL): with CHG missing neither `CHG <= -4` nor `not (CHG > -4)`
    is met, while `CHG <= -4 or AVALC == 'Y'` is met when AVALC is 'Y'."""
    denominator: Literal["N", "records", "assessed"] = "N"
    """Denominator of the percentage: `N` (the column's N; a subject without a record at the visit counts
    as a non-responder), `records` (the subjects with a record at the visit, whether or not the
    criterion's variables are missing) or `assessed` (the subjects whose criterion can be evaluated at the
    visit: true or false, not unknown for a missing value -- with `CHG <= -4`, those with a CHG), as
    `assessed` means in `categorical` and `terms`."""
    show_assessed: bool = False
    """true: a "Patients assessed" row under each visit gives the number of subjects with a record there
    (with `denominator: assessed`, of those whose criterion can be evaluated: the denominator)."""
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    """Decimals of the percentages (0-4); not set: the output's `pct_decimals`, else the study's."""
    ci: Literal["clopper-pearson", "wilson", "wald"] | None = None
    """A "95% CI" row under each visit's n (%): the confidence interval of the responder proportion (of
    the same denominator), in percent: `clopper-pearson` (exact; R binom.test, SAS BINOMIAL(CL=EXACT)),
    `wilson` (score, no continuity correction; R prop.test(correct = FALSE)) or `wald` (truncated to
    0-100). Not set: no CI row."""
    conf_level: Annotated[float, Field(gt=0, lt=1)] = 0.95
    """Confidence level of the `ci` row (its label says it: "95% CI")."""
    model: LogisticModel | None = None
    """A logistic regression at each parameter and visit: rows "Odds ratio vs <reference> (95% CI)" and
    "p-value" under the visit's n (%), in each treatment column but the reference. Not set: none."""


MODELS = {"responders": RespondersAnalysis}


EXAMPLES = {"responders": """\
id: hss4
type: responders
dataset: adeff
param: HSS
label: "hSS reduction >= 4 points"
where: "ANL01FL == 'Y'"
visits: [Day 15, Day 29, Day 57, Day 85, Follow-up Week 4, Follow-up Week 12]
criterion: "CHG <= -4"
denominator: N
show_assessed: true
ci: clopper-pearson
model: {type: logistic, reference: pbo, covariates: [AGE, SITEGR1]}
"""}
