"""The `shift` family's spec model: subjects by baseline category (rows) and post-baseline category
(columns within each treatment column), by parameter and visit or over a period (with `select:`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from tlf.spec.base import AnalysisBase, CountDisplay, Denominator, Level, check_select_per

MISSING = "Missing"
TOTAL = "Total"


class ShiftAnalysis(AnalysisBase):
    """A shift table: per parameter (and visit), the subjects of each treatment column by baseline
    category (`baseline`, the rows) and post-baseline category (`post`, one column per category under a
    spanner per treatment column); n (%) of the baseline category by default. Over the treatment period,
    `select:` picks each subject's record (e.g. the worst post-baseline), `per` naming the parameter."""

    type: Literal["shift"]
    """`shift`."""
    dataset: str
    """Name (in `data.datasets`) of the BDS dataset read, e.g. `adlbc`."""
    param: str | list[str]
    """The parameter code (value of `param_var`), or a list of codes shown in this order, e.g. `ALT` or
    `[ALT, AST]`: each prints one block under its label row."""
    visits: list[str] | None = None
    """Values of `visit_var` shown, in this order, one block each, e.g. `[Week 2, Week 24]`; each must occur.
    Not set: one block per parameter over all the records left by `where` (then `select:` with `per:
    [PARAMCD]` keeps one record per subject, e.g. the worst post-baseline)."""
    period_label: str = ""
    """Without `visits`: the label of each parameter's block row, e.g. "Worst post-baseline"; empty:
    none."""
    param_var: str = "PARAMCD"
    """Variable holding the parameter code that `param` selects on."""
    param_label_var: str | None = "PARAM"
    """Variable whose text (on the parameter's first record) labels the parameter's block; not set, or
    absent from the dataset: the code."""
    param_labels: dict[str, str] = {}
    """Labels by parameter code, overriding the data's, e.g. `{ALT: "ALT (U/L)"}` (shells print them too)."""
    visit_var: str = "AVISIT"
    """Variable holding the visit name that `visits` selects on."""
    baseline: str = "BNRIND"
    """Variable holding the baseline category (the rows), e.g. `BNRIND`."""
    post: str = "ANRIND"
    """Variable holding the post-baseline category (the columns), e.g. `ANRIND`."""
    levels: list[Level] | None = None
    """The categories, in order, with their labels, for rows and columns alike, e.g. `[{value: L, label:
    Low}, {value: N, label: Normal}, {value: H, label: High}]`; a value present in the data that no level
    takes is an error [DATA062]. Not set: the values present, sorted."""
    missing: bool = True
    """true: a "Missing" row and column for a missing baseline or post-baseline category, printed only
    when some record of the analysis has one; false: such records are an error [DATA062]."""
    total_row: bool = False
    """true: a "Total" row per block (the subjects of every baseline category)."""
    total_column: bool = True
    """true: a "Total" column per treatment column (the subjects of the baseline category; with
    `denominator: group` it prints the count alone, the percentage being 100)."""
    transpose: bool = False
    """false: baseline categories as rows, post-baseline categories as the columns under each treatment
    column. true (the CDISC pilot SAP's template 18/19 layout): baseline categories as the columns ("Low at
    baseline", ...) under each treatment column, and per block an "n" row (the subjects of each baseline
    category) followed by one row per post-baseline category ("shift to"); `total_row` then adds a Total
    column per treatment column, and `total_column` has no effect."""
    denominator: Denominator = "group"
    """What the percentages divide by: `group` (default) the subjects of the row's baseline category in the
    treatment column (the Total row: every subject of the block); `N` the treatment column's big N;
    `records` the column's subjects with a record in the block; `assessed` those with a non-missing
    post-baseline category. The ARD carries each cell's denominator as statistic `denom`."""
    display: CountDisplay = "n (%)"
    """How a cell prints: `n (%)`, or `n/m (%)` with its denominator m."""
    test: Literal["none", "fisher"] = "none"
    """`fisher`: per baseline category, Fisher's exact test of the post-baseline category by treatment
    column (the Missing category left out), in a "p-value" column at the right. (A CMH test stratified by
    the baseline category is not available yet.)"""
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    """Decimals of the percentages (0-4); not set: the output's `pct_decimals`, else the study's."""

    @property
    def params(self) -> tuple[str, ...]:
        return (self.param,) if isinstance(self.param, str) else tuple(self.param)

    @field_validator("visits")
    @classmethod
    def _some_visits(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and not v:
            raise ValueError("list at least one visit, or leave `visits` out for a block over the period")
        if v is not None and len(set(v)) != len(v):
            raise ValueError("a visit is listed twice")
        return v

    @model_validator(mode="after")
    def _one_record_per_block(self) -> ShiftAnalysis:
        """A selection that would mix parameters (or visits) is refused: it keeps one record across them."""
        if self.transpose and self.test != "none":
            raise ValueError("`test:` prints one p-value per baseline category, a row of the untransposed layout: "
                             "leave `transpose` out to print it")
        check_select_per(self.select, self.param_var, len(self.params), self.visit_var, len(self.visits or ()))
        return self


def check_shift_output(entry) -> list:
    """A table holding a shift analysis holds shift analyses only and no stat columns (its columns are
    the post-baseline categories); all of them have the same categories."""
    spec = entry.spec
    kinds = [a.type for a in getattr(spec, "analyses", [])]
    if "shift" not in kinds or getattr(spec, "type", "") != "table":
        return []
    errors = [entry.error(("analyses", i, "type"), f"a table with a shift analysis holds shift analyses only "
                          f"(its columns are post-baseline categories), not '{k}'", "SPEC117")
              for i, k in enumerate(kinds) if k != "shift"]
    if spec.stat_columns:
        errors.append(entry.error(("stat_columns",), "a shift table takes no stat_columns (use the analysis' "
                                  "`test:`)", "SPEC117"))
    shifts = [a for a in spec.analyses if a.type == "shift"]
    first = shifts[0]
    for i, a in enumerate(spec.analyses):
        same = ("levels", "missing", "total_column", "total_row", "test", "transpose")
        if a.type == "shift" and any(getattr(a, k) != getattr(first, k) for k in same):
            errors.append(entry.error(("analyses", i), "the shift analyses of one table share their columns: "
                                      f"give them the same {', '.join(f'`{k}`' for k in same)}", "SPEC117"))
    return errors


MODELS = {"shift": ShiftAnalysis}


EXAMPLES = {"shift": """\
id: alt_worst
type: shift
dataset: adlbc
label: "Shift from baseline to the worst post-baseline value"
param: [ALT, AST]
where: "AVISITN > 0 and AVISITN < 99"
select: {record: worst, by: ANRIND, order: [N, L, H], then: ADT, per: [PARAMCD]}
period_label: "Worst post-baseline"
baseline: BNRIND
post: ANRIND
levels: [{value: L, label: Low}, {value: N, label: Normal}, {value: H, label: High}]
total_row: true
"""}
