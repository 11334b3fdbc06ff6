"""The `continuous` family's spec model: descriptive statistics of a variable, one value per subject."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from tlf.spec.base import (
    DISPLAY_ROWS,
    AnalysisBase,
    TestName,
    known_decimals,
    known_names,
)


class ContinuousAnalysis(AnalysisBase):
    """Descriptive statistics of `var` (one value per subject)."""

    type: Literal["continuous"]
    """`continuous`."""
    var: str
    """Numeric variable summarised, one value per subject (more than one record per subject in a column is
    an error: select one with `where`), e.g. `AGE`; `{pp}`/`{p}` become the column's period (`AGEP{pp}`).
    Missing values are left out (n counts the others)."""
    rows: list[str] = ["n", "mean_sd", "median", "q1_q3", "min_max"]
    """Display rows in order: `n`, `mean`, `sd`, `se`, `mean_sd` "Mean (SD)", `mean_se`, `median`,
    `q1_q3` (quartiles, SAS PCTLDEF=5), `min`, `max`, `min_max`, `median_min_max`, `cv` (CV%), `geomean`,
    `geocv` (geometric CV%). With a single row and a `label`, the statistic prints on the label's line."""
    precision: Annotated[int, Field(ge=0, le=6)] | None = None
    """Decimals the values were collected with (d): mean, median and quartiles print d+1 decimals, SD and
    SE d+2, min and max d, CV% 1. Not set: the most decimals any value of the analysed columns has (at most
    6); shells then print d = 0."""
    decimals: dict[str, Annotated[int, Field(ge=0, le=8)]] = {}
    """Decimals of single statistics, overriding `precision` and `sig`, e.g. `{mean: 1, sd: 2}` (keys: `mean`,
    `sd`, `se`, `median`, `q1`, `q3`, `min`, `max`, `cv`, `geomean`, `geocv`; n always prints as a whole
    number, so `n` is an error)."""
    sig: Annotated[int, Field(ge=1, le=8)] | None = None
    """Print every statistic with this many significant figures instead of by `precision`, e.g. `3` (PK
    summaries); n stays whole, CV% and geometric CV% keep 1 decimal, and `decimals` still wins. Not set:
    decimals by `precision`."""
    test: TestName | None = None
    """Test this analysis runs in the output's `stat_columns`, overriding each stat column's `test`:
    `auto` or `anova` (one-way ANOVA), `wilcoxon` (Wilcoxon rank-sum, two columns), `none` (cells left
    blank). Not set: the stat column's test. No effect without stat columns."""

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v: list[str]) -> list[str]:
        return known_names(v, DISPLAY_ROWS, "statistic row", listed=True)

    @field_validator("decimals")
    @classmethod
    def _known_stats(cls, v: dict[str, int]) -> dict[str, int]:
        return known_decimals(v)


MODELS = {"continuous": ContinuousAnalysis}


EXAMPLES = {"continuous": """\
id: age
type: continuous
var: AGE
label: "Age (y)"
rows: [n, mean, sd, median, min, max]
decimals: {mean: 1, sd: 2, median: 1, min: 1, max: 1}
"""}
