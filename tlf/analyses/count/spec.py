"""The `count` family's spec model: subjects meeting a condition, n (%) of the column's N, in one row."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from tlf.spec.base import (
    AnalysisBase,
    CountDisplay,
    Denominator,
    TestName,
)


class CountAnalysis(AnalysisBase):
    """Subjects meeting `where` (one row): n (%) of the column's N."""

    type: Literal["count"]
    """`count`."""
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    """Decimals of the percentage (0-4); not set: the output's `pct_decimals`, else the study's."""
    per_subject: Literal["any"] = "any"
    """What a subject with several records counts as: `any`, counted once when it has at least one of the
    records meeting `where` (the only choice: n is subjects, `events` adds the records)."""
    events: bool = False
    """true: also print the number of records meeting `where` among the column's subjects (e.g. AE
    events), as "n (%) [events]"; a count of 0 prints "0" alone."""
    denominator: Denominator = "N"
    """What the percentage divides by: `N` the column's big N; `records` the column's subjects with a
    record in the dataset (before `where`, which is the condition counted), narrowed by
    `denominator_where` when given (e.g. "% of subjects with a post-baseline ALT"). `assessed` and
    `group` do not apply to a count (it has no variable and no row group; use `records` with
    `denominator_where: "present(VAR)"`). Not `N`: the ARD carries the denominator as statistic `denom`."""
    denominator_where: str | None = None
    """With `denominator: records`: which records make a subject part of the denominator (the where:
    language), e.g. `"PARAMCD == 'ALT' and AVISITN > 0"`. Not set: any record of the dataset."""
    display: CountDisplay = "n (%)"
    """How a cell prints: `n (%)`, or `n/m (%)` with its denominator m (e.g. "3/45 (6.7)")."""
    ci: Literal["clopper-pearson", "wilson", "wald"] | None = None
    """A "95% CI" row under the count: the confidence interval of the percentage printed (of its
    denominator), `clopper-pearson` (exact), `wilson` (score, no continuity correction) or `wald`
    (truncated to 0-100), as `responders`' `ci`. Not set: no CI row."""
    conf_level: Annotated[float, Field(gt=0, lt=1)] = 0.95
    """Confidence level of the `ci` row."""
    test: TestName | None = None
    """Test this analysis runs in the output's `stat_columns`, overriding each stat column's `test`:
    `auto` or `chisq` (Pearson chi-square of subjects with / without the condition), `fisher` (Fisher's
    exact), `cmh` (Cochran-Mantel-Haenszel, the stat column's `strata`), `none` (cells left blank). Not set: the stat column's test. No effect without stat columns."""


    @model_validator(mode="after")
    def _denominator_fits(self) -> CountAnalysis:
        if self.denominator in ("assessed", "group"):
            raise ValueError(f"`denominator: {self.denominator}` does not apply to a count (no variable, no row "
                             "group): use `records`, with `denominator_where:` naming the records that count")
        if self.denominator_where and self.denominator != "records":
            raise ValueError("`denominator_where:` goes with `denominator: records`")
        return self


MODELS = {"count": CountAnalysis}


EXAMPLES = {"count": """\
id: serious
type: count
dataset: adae
label: "Serious TEAE"
where: "TRTEMFL == 'Y' and AESER == 'Y'"
"""}
