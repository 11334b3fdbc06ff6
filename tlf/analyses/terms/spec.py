"""The `terms` family's spec model: subjects with at least one record per term (AE preferred term), optionally nested in a system organ class."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tlf.spec.base import (
    AnalysisBase,
    CountDisplay,
    Denominator,
    Strict,
    TestName,
)


class Threshold(Strict):
    """Keep a term when its subject count, summed over the `over` columns (default: all), relative to
    the sum of their N, is > pct_gt (or >= pct_ge), and/or when that count is >= n_ge: every condition
    given must hold."""

    pct_gt: float | None = None
    """Keep a term whose pooled percentage (subjects with the term in the `over` columns x 100 / the sum of
    their N) is greater than this, e.g. `5` for "in > 5% of patients"; compared exactly (3/59 = 5.08% > 5)."""
    pct_ge: float | None = None
    """Keep a term whose pooled percentage (as for `pct_gt`) is at least this, e.g. `10` for ">= 10%"."""
    n_ge: int | None = None
    """Keep a term with at least this many subjects pooled over the `over` columns, e.g. `2`. When more than
    one of `pct_gt`, `pct_ge` and `n_ge` is given, a term must meet all of them."""
    over: list[str] | None = None
    """Ids of the treatment columns whose counts and N are pooled for the threshold (and for `frequency`
    sorting), e.g. `[low, high]` for active treatment only. Not set: every column the analysis uses."""


class TermsAnalysis(AnalysisBase):
    """Subjects with >= 1 record per term (e.g. AE preferred term), optionally nested in `soc`."""

    type: Literal["terms"]
    """`terms`."""
    term: str
    """Variable holding the term, one row per distinct non-missing value, e.g. `AEDECOD` (preferred term);
    `{pp}`/`{p}` become the column's period. A subject counts once per term, whatever the number of
    records."""
    soc: str | None = None
    """Variable grouping the terms, e.g. `AEBODSYS` (system organ class): each group prints a row (subjects
    with any record in it) followed by its terms, indented one level. Records with a missing `soc` value
    are then not counted. Not set: a flat list of terms."""
    threshold: Threshold | None = None
    """Keep only the terms meeting a frequency threshold, e.g. `{pct_gt: 5}`; a `soc` group prints only
    when some of its terms are kept. Not set: every term."""
    sort: Literal["frequency", "alphabetical"] = "frequency"
    """Order of the terms: `frequency` (descending subject count pooled over the threshold's `over`
    columns, default all; ties alphabetical) or `alphabetical` (ignoring case)."""
    soc_sort: Literal["frequency", "alphabetical"] | None = None
    """Order of the `soc` groups, e.g. `alphabetical` with terms by `frequency`. Not set: as `sort`."""
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    """Decimals of the percentages (0-4); not set: the output's `pct_decimals`, else the study's."""
    per_subject: Literal["any"] = "any"
    """What a subject with several records counts as: `any`, counted once when it has at least one of the
    records of a term (the only choice: n is subjects, `events` adds the records)."""
    events: bool = False
    """true: also print the number of records (events) per term and group, as "n (%) [events]"; a
    count of 0 prints "0" alone."""
    denominator: Denominator = "N"
    """What the percentages divide by: `N` the column's big N; `records` the column's subjects with any
    analysis record (after `where`); `assessed` those with a non-missing `term`; `group` the subjects of the
    enclosing row group: a term's row divides by its `soc` row's count (the N for a `soc` row and for terms
    without `soc`). A `threshold` still compares percentages of N. Not `N`: the ARD carries each cell's
    denominator as statistic `denom`."""
    display: CountDisplay = "n (%)"
    """How a cell prints: `n (%)`, or `n/m (%)` with its denominator m (e.g. "3/45 (6.7)")."""
    test: TestName | None = None
    """Test this analysis runs in the output's `stat_columns` (one p-value per term and group row),
    overriding each stat column's `test`: `auto` or `chisq` (Pearson chi-square of subjects with / without
    the term), `fisher` (Fisher's exact), `none` (cells left blank). Not set: the stat column's test."""


MODELS = {"terms": TermsAnalysis}


EXAMPLES = {"terms": """\
id: pt
type: terms
dataset: adae
label: "TEAEs in > 5% of patients, by preferred term"
where: "TRTEMFL == 'Y'"
term: AEDECOD
threshold: {pct_gt: 5}
sort: frequency
"""}
