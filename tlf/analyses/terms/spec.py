"""The `terms` family's spec model: subjects with at least one record per term (AE preferred term), optionally nested in a system organ class."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from tlf.spec.base import (
    AnalysisBase,
    CountDisplay,
    Denominator,
    Level,
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


class ByGrade(Strict):
    """Subjects by their worst grade (maximum severity, toxicity grade) per term: under each term (and
    SOC, and the `overall` block) a row "Any grade", one row per grade level and one per group of levels,
    a subject counted once per term, in the row of its worst record of the term."""

    variable: str
    """Variable holding the grade of a record, e.g. `AESEV` or `ATOXGR`; `{pp}`/`{p}` become the column's
    period."""
    levels: Annotated[list[str | int | float | Level], Field(min_length=1)]
    """The grades from the mildest to the worst, printed in this order, e.g. `[MILD, MODERATE, SEVERE]`
    or `[1, 2, 3, 4, 5]` (a number matches a whole-number float or text of the data: `3` matches 3.0 and
    "3"); an entry `{value: 3, label: "Grade 3"}` (or `values:` for several data values of one grade)
    prints its label. A record whose grade is none of them is an error naming it [DATA065]."""
    groups: dict[str, list[str | int | float]] = {}
    """Rows counting subjects whose worst grade is one of several levels, by their label, after the
    levels, e.g. `{"Grade 3-4": [3, 4]}` or `{"Severe or worse": [SEVERE]}`; each value is a `levels`
    value (or label)."""
    any: str = "Any grade"
    """Label of the row counting subjects with any grade (the term's own count), first under the term,
    e.g. "Any severity"; `""`: no such row, the count prints on the term's own row."""
    missing: Literal["row", "worst", "error"] = "row"
    """A record whose grade is missing: `row` ranks below every level, so a subject counts at its worst
    non-missing grade of the term, and in a row `missing_label` (last) when all its records of the term
    lack a grade (printed in every block when some subject is counted there); `worst` counts it as the
    last level (the worst: the convention "a missing severity counts as severe"); `error` stops the build
    naming the records [DATA066]. A subject is never dropped: the grade rows add up to "Any grade"."""
    missing_label: str = "Missing"
    """Label of the row of subjects whose records of a term all lack a grade (`missing: row`)."""
    overall: str | None = None
    """Label of a first block counting subjects by their worst grade over all their records (of all
    terms), e.g. "Any adverse event" (chevron AET03 / AET04, FDA STF-IG); not set: no such block."""

    def ranks(self) -> dict:
        """Data value (normalised: 3.0 -> 3, blanks stripped) -> its rank, 0 the mildest level."""
        from tlf.stats.values import norm_value

        out: dict = {}
        for rank, lv in enumerate(self.levels):
            values = [lv] if not isinstance(lv, Level) else (lv.values or ([] if lv.value is None else [lv.value]))
            for v in values:
                v = norm_value(v.strip() if isinstance(v, str) else v)
                if v in out:
                    raise ValueError(f"grade value '{v}' listed twice in `levels`")
                out[v] = rank
        return out

    def level_labels(self) -> list[str]:
        from tlf.stats.values import value_text

        return [lv.label if isinstance(lv, Level) else value_text(lv) for lv in self.levels]

    def rows(self) -> list[tuple[str, frozenset[int]]]:
        """(label, ranks) of the grade rows after "Any grade": each level, then each group."""
        from tlf.stats.values import norm_value

        ranks, labels = self.ranks(), self.level_labels()
        out = [(label, frozenset({r})) for r, label in enumerate(labels)]
        for name, members in self.groups.items():
            got = set()
            for m in members:
                key = norm_value(m.strip() if isinstance(m, str) else m)
                if key in ranks:
                    got.add(ranks[key])
                elif m in labels:
                    got.add(labels.index(m))
                else:
                    raise ValueError(f"group '{name}': '{m}' is not one of `levels` ({', '.join(labels)})")
            out.append((name, frozenset(got)))
        seen = [label for label, _ in out] + [self.any] + ([self.missing_label] if self.missing == "row" else [])
        dup = next((x for x in seen if x and seen.count(x) > 1), None)
        if dup is not None:
            raise ValueError(f"two grade rows are labelled '{dup}' (levels, groups, `any`, `missing_label`)")
        return out

    @model_validator(mode="after")
    def _rows_are_well_defined(self) -> ByGrade:
        self.rows()  # a group naming no level, a level listed twice, two rows of one label
        return self


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
    by_grade: ByGrade | None = None
    """Count each subject once per term at its worst grade, e.g. `{variable: AESEV, levels: [MILD,
    MODERATE, SEVERE], any: "Any severity"}`: under every SOC and term, rows "Any grade", one per level and
    per `groups` entry (see its keys). The threshold and the sort read the any-grade counts. Not set: one
    row per term."""
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
