"""The `by_visit` family's spec model: value, change and percent change from baseline by parameter and visit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from tlf.analyses.continuous.spec import ContinuousAnalysis
from tlf.spec.base import (
    DISPLAY_ROWS,
    ParamVisitsBase,
    Part,
    Strict,
    known_names,
)


class BaselineTest(Strict):
    """A test of the post-baseline values against baseline within each column and visit (one row of
    p-values under the visit's statistics): the Wilcoxon signed-rank test of the differences between
    `quantity` and its baseline counterpart (value - baseline value; percent of baseline - 100; change and
    percent change - 0), two-sided, exact for up to 20 non-zero differences as SAS PROC UNIVARIATE
    (`method: auto`). A p-value below `alpha` prints with `flag` appended, explained in a footnote."""

    test: Literal["signed_rank"] = "signed_rank"
    """The test: `signed_rank` (Wilcoxon signed-rank, two-sided), the only one."""
    quantity: Part = "value"
    """What is tested: `value` (value - baseline value), `change` (change vs 0), `pchg` (percent change vs
    0) or `pbase` (percent of baseline vs 100); each quantity at most once per analysis. Percent change and
    percent of baseline leave out records with baseline 0."""
    method: Literal["auto", "exact", "t"] = "auto"
    """How the p-value is computed: `auto` (exact distribution up to 20 non-zero differences, else the t
    approximation, as SAS PROC UNIVARIATE), `exact` or `t`. Zero differences are discarded."""
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    """A p-value below this (unrounded) prints with `flag` appended, explained in a footnote; the test
    itself does not depend on it."""
    flag: str = "*"
    """Text appended to a p-value below `alpha`, e.g. `"*"`; `""`: no flag."""
    label: str | None = None
    """Label of the p-value row (and of the test in the footnote). Not set: "p-value (value vs baseline)",
    "p-value (change vs 0)", "p-value (percent change vs 0)" or "p-value (% of baseline vs 100)"."""


class ByVisitAnalysis(ParamVisitsBase):
    """Summary of the value, the change, the percent change and the percent of baseline (100 x value /
    baseline) at each visit. `baseline_visit` prints the value only. Percent change and percent of
    baseline leave out records with baseline 0 (not defined) and say so in a footnote. `tests` add
    p-values against baseline. A column with records at a visit but no analysable value prints
    `no_data_text` (e.g. "Data not available") instead of n = 0; one without any record there prints
    `no_records_text` (e.g. "Not sampled"); unset, the statistics print as they are (n 0, NE)."""

    type: Literal["by_visit"]
    """`by_visit`."""
    baseline_visit: str | None = None
    """The visit (one of `visits`) that is baseline, e.g. `Baseline`: it prints the value only (no change,
    percent change or percent of baseline, no tests); a `by_visit` figure of a change draws it at 0 (100
    for percent of baseline). Not set: every visit prints every part in `show`."""
    value_var: str = "AVAL"
    """Variable holding the analysis value (part `value`); the percent of baseline is 100 x it / `base_var`,
    and its decimals give the default `precision`."""
    change_var: str = "CHG"
    """Variable holding the change from baseline (part `change`), read only when `show` or `tests` has
    `change`."""
    pchg_var: str = "PCHG"
    """Variable holding the percent change from baseline (part `pchg`), read only when `show` or `tests` has
    `pchg`; records with baseline 0 (`base_var`) are left out whatever it holds."""
    show: list[Part] = ["value", "change"]
    """Parts summarised at each visit, in this order: `value`, `change` (change from baseline), `pchg`
    (percent change from baseline), `pbase` (percent of baseline, 100 x value / baseline). With more than
    one, each prints under its own header row (see `labels`)."""
    rows: list[str] = ["n", "mean_sd", "median", "min_max"]
    """Statistic rows of each part, in order, as a `continuous` analysis's `rows` (`n`, `mean_sd`, `median`,
    `q1_q3`, `min_max`, ...)."""
    precision: Annotated[int, Field(ge=0, le=6)] | None = None
    """Decimals the values were collected with (d), for the value and the change: mean, median and
    quartiles print d+1 decimals, SD and SE d+2, min and max d. Not set: per parameter, the most decimals of
    `value_var` at the listed visits; shells then print d = 0."""
    pchg_precision: Annotated[int, Field(ge=0, le=6)] = 0
    """d for the percent change, as `precision`: the default 0 prints mean and median with 1 decimal, SD
    with 2, min and max with none."""
    pbase_precision: Annotated[int, Field(ge=0, le=6)] = 0
    """d for the percent of baseline, as `pchg_precision`."""
    decimals: dict[str, Annotated[int, Field(ge=0, le=8)]] = {}
    """Decimals of single statistics in every part, overriding the precisions, e.g. `{mean: 1, sd: 1}`
    (keys as a `continuous` analysis's `decimals`; n always prints as a whole number)."""
    labels: dict[Part, str] = {}
    """Header rows of the parts by part name, e.g. `{pchg: "% change"}`; printed only when `show` has more
    than one part. Not set: "Value", "Change from baseline", "Percent change from baseline",
    "Percent of baseline"."""
    tests: list[BaselineTest] = []
    """Tests against baseline, at most one per quantity, e.g. `[{quantity: change}]`: each adds a row of
    p-values under the statistics of every visit but `baseline_visit`."""
    no_data_text: str | None = None
    """Text a column prints (once, in place of its statistics) at a visit where it has records but no
    analysable value, e.g. "Data not available"; a `by_visit` figure adds it to the legend of a column
    with nothing to draw. Not set: the statistics print as they are (n 0, NE)."""
    no_records_text: str | None = None
    """Text a column prints (once, in place of its statistics) at a visit where it has no record at all,
    e.g. "Not sampled". Not set: the statistics print as they are (n 0, NE)."""
    side_by_side: dict[Part, Annotated[list[str], Field(min_length=1)]] | None = None
    """The parts side by side under each treatment (CDISC pilot Table 14-6.01): per part of `show` its
    statistic rows as columns, e.g. `{value: [n, mean_sd], change: [mean_sd]}` gives each treatment the
    columns "n", "Mean (SD)" and "Change from baseline / Mean (SD)" under a spanner "<treatment> (N=xx)",
    one row per visit (`baseline_visit` prints its value only). Every analysis of the table is then a
    `by_visit` with the same `side_by_side`; no `stat_columns`, `stats_as_columns` or `tests`. Not set:
    the parts one under another."""

    _known_rows = field_validator("rows")(ContinuousAnalysis._known_rows.__func__)
    _known_stats = field_validator("decimals")(ContinuousAnalysis._known_stats.__func__)

    @field_validator("side_by_side")
    @classmethod
    def _side_rows(cls, v):
        for rows in (v or {}).values():
            known_names(rows, DISPLAY_ROWS, "statistic row", listed=True)
        return v

    @model_validator(mode="after")
    def _side_parts_shown(self):
        if self.side_by_side:
            missing = [p for p in self.side_by_side if p not in self.show]
            if missing:
                raise ValueError(f"side_by_side part '{missing[0]}' is not in `show` ({', '.join(self.show)})")
            if self.tests:
                raise ValueError("side_by_side prints no p-value rows: leave out `tests`")
        return self

    @field_validator("tests")
    @classmethod
    def _one_test_per_part(cls, v: list[BaselineTest]) -> list[BaselineTest]:
        ons = [t.quantity for t in v]
        if len(set(ons)) != len(ons):
            raise ValueError("two tests on the same quantity; list each `quantity` once")
        return v

    @property
    def wide(self) -> bool:
        """Whether the table's columns are this analysis's parts under each treatment (tables/layout.py)."""
        return bool(self.side_by_side)


def check_side_by_side(entry) -> list:
    """A table with a `side_by_side` by_visit holds only by_visit analyses with the same `side_by_side`
    [SPEC120], and no `stat_columns` or `stats_as_columns` [SPEC121]."""
    spec = entry.spec
    analyses = getattr(spec, "analyses", None) or []
    first = next((a for a in analyses if getattr(a, "side_by_side", None)), None)
    if first is None:
        return []
    out = [entry.error(("analyses", i, "side_by_side" if a.type == "by_visit" else "type"),
                       f"analysis '{a.id}' must be a by_visit with the side_by_side of '{first.id}': the table's "
                       f"columns are its parts under each treatment", "SPEC120")
           for i, a in enumerate(analyses) if getattr(a, "side_by_side", None) != first.side_by_side]
    for key in ("stat_columns", "stats_as_columns"):
        if getattr(spec, key, None):
            out.append(entry.error((key,), f"a table with a side_by_side by_visit ('{first.id}') has no {key}",
                                   "SPEC121"))
    return out


MODELS = {"by_visit": ByVisitAnalysis}


EXAMPLES = {"by_visit": """\
id: clasi
type: by_visit
dataset: adeff
param: CLASI
where: "ANL01FL == 'Y'"
visits: [Baseline, Day 15, Day 29, Day 57, Day 85, Follow-up Week 4, Follow-up Week 12]
baseline_visit: Baseline
show: [value, change, pchg]
rows: [n, mean_sd, median, min_max]
decimals: {mean: 1, sd: 1}
"""}
