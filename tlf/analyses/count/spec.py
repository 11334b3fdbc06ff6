"""The `count` family's spec model: subjects meeting a condition, n (%) of the column's N, in one row."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tlf.spec.base import (
    AnalysisBase,
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
    ci: Literal["clopper-pearson", "wilson", "wald"] | None = None
    """A "95% CI" row under the count: the confidence interval of the percentage of the column's N,
    `clopper-pearson` (exact), `wilson` (score, no continuity correction) or `wald` (truncated to 0-100),
    as `responders`' `ci`. Not set: no CI row."""
    conf_level: Annotated[float, Field(gt=0, lt=1)] = 0.95
    """Confidence level of the `ci` row."""
    test: TestName | None = None
    """Test this analysis runs in the output's `stat_columns`, overriding each stat column's `test`:
    `auto` or `chisq` (Pearson chi-square of subjects with / without the condition), `fisher` (Fisher's
    exact), `none` (cells left blank). Not set: the stat column's test. No effect without stat columns."""


MODELS = {"count": CountAnalysis}


EXAMPLES = {"count": """\
id: serious
type: count
dataset: adae
label: "Serious TEAE"
where: "TRTEMFL == 'Y' and AESER == 'Y'"
"""}
