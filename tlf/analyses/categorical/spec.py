"""The `categorical` family's spec model: subjects by the levels of a variable, n (%) per level."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from tlf.spec.base import (
    AnalysisBase,
    CountDisplay,
    Denominator,
    Level,
    TestName,
)


class CategoricalAnalysis(AnalysisBase):
    """Subjects by the levels of `var`: n (%) per level; a 'Missing' row when any value is missing."""

    type: Literal["categorical"]
    """`categorical`."""
    var: str
    """Variable whose values are counted, e.g. `RACE`; `{pp}`/`{p}` become the column's period
    (`DCP{pp}RS`). A subject is counted once per level, whatever the number of records."""
    per_subject: Literal["any", "worst", "best", "first", "last"] | None = None
    """What a subject with several records (ADAE, ADLB) counts as: `any` under every value it has a
    record of (a column may then add up to more than 100%), `worst` or `last` the value of its record with
    the highest `order` (e.g. the most severe AE by AESEVN, the last by ADT), `best` or `first` the
    lowest -- a short form of `select:`: `per_subject: worst, order: [AESEVN, ASTDT]` is `select: {record:
    worst, by: AESEVN, then: ASTDT, ties: highest, missing: error}` (`best`/`first`: `ties: lowest`). Not
    set (and no `select`): a subject whose records have different values is an error [SPEC047]."""
    order: str | list[str] | None = None
    """Variable(s) ordering a subject's records for `per_subject` worst, best, first or last (numbers or
    dates; a list is compared variable by variable, later ones breaking ties of earlier ones), e.g.
    AESEVN or [AESEVN, ASTDT]: the `by` (the first) and `then` (the others) of the `select:` it is short
    for. A record missing the first is not chosen, a subject with no record with it is an error [DATA044];
    a record missing a later one loses the tie; top records that tie on all of them but differ in `var`
    are an error naming the subject [DATA045]."""
    levels: list[Level] | None = None
    """The rows, in this order, with their labels; a value no level lists (and no `other: true` level
    takes) is not shown. Not set: one row per value present, labelled with the value, numbers first in
    ascending order, then text in sorted order."""
    missing_row: bool = True
    """true: a "Missing" row (last) counts subjects whose value is missing (blank text or numeric
    missing), printed only when some column's records have one; false: no such row. The Missing row is
    left out of stat-column tests."""
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    """Decimals of the percentages (0-4); not set: the output's `pct_decimals`, else the study's."""
    levels_as_columns: bool = False
    """true: the levels are columns under each treatment (spanner "<treatment> (N=xx)"), e.g. Low / Normal
    / High, and this analysis is one row labelled `label` (e.g. one lab parameter); a "Missing" column
    follows when some subject is counted there. Every analysis of the table is then a `categorical` with
    `levels_as_columns` and the same level labels (`levels` required) [SPEC122], in a table without
    `stat_columns` or `stats_as_columns` [SPEC123]. false: one row per level."""
    n_row: str | None = None
    """Label of a first row giving the number of subjects with a non-missing value (e.g. `N` at a visit);
    the output's stat-column p-values then print on this row instead of the label's. Not set: no such row."""
    denominator: Denominator = "N"
    """What the percentages divide by: `N` the column's big N; `assessed` the column's subjects with a
    non-missing value of `var` in the analysis records (after `where` and `select`; e.g. "% of subjects
    assessed" in a lab abnormality table, or the `n_row` count at a visit: the Missing row then prints its
    count without a percentage); `records` the column's subjects with any analysis record (missing values
    too). `group` is for analyses with row groups (terms, shift): an error here. Not `N`: the ARD carries
    each cell's denominator as statistic `denom`."""
    display: CountDisplay = "n (%)"
    """How a cell prints: `n (%)`, or `n/m (%)` with its denominator m (e.g. "3/45 (6.7)")."""
    test: TestName | None = None
    """Test this analysis runs in the output's `stat_columns`, overriding each stat column's `test`:
    `auto` or `chisq` (Pearson chi-square of levels by columns, the Missing row left out), `fisher`
    (Fisher's exact), `cmh` (Cochran-Mantel-Haenszel, the stat column's `strata`), `none` (cells left blank). Not set: the stat column's test. No effect without stat
    columns."""

    @model_validator(mode="after")
    def _order_goes_with_a_choice(self) -> CategoricalAnalysis:
        chooses = self.per_subject not in (None, "any")
        if chooses and not self.order:
            raise ValueError(f"`per_subject: {self.per_subject}` needs `order:`, the variable(s) the records are "
                             "ranked by (e.g. AESEVN, ADT)")
        if self.order and not chooses:
            raise ValueError("`order:` ranks records for `per_subject: worst, best, first or last`; set one")
        if self.levels_as_columns and self.n_row:
            raise ValueError("`levels_as_columns` makes the analysis one row: leave out `n_row` (or use "
                             "`display: n/m (%)` with `denominator: assessed`)")
        if self.denominator == "group":
            raise ValueError("`denominator: group` needs an enclosing row group (terms, shift); a categorical "
                             "has none: use N, assessed or records")
        return self

    @property
    def wide(self) -> bool:
        """Whether the table's columns are this analysis's levels under each treatment (tables/layout.py)."""
        return self.levels_as_columns


def check_levels_as_columns(entry) -> list:
    """A table with `levels_as_columns` holds only categorical analyses with it and the same level
    labels (listed: the columns exist before the data) [SPEC122], and no `stat_columns` or
    `stats_as_columns` [SPEC123]."""
    spec = entry.spec
    analyses = getattr(spec, "analyses", None) or []
    first = next((a for a in analyses if getattr(a, "levels_as_columns", False)), None)
    if first is None:
        return []
    labels = [lv.label for lv in first.levels or []]
    out = []
    for i, a in enumerate(analyses):
        if not getattr(a, "levels_as_columns", False) or not a.levels:
            out.append(entry.error(("analyses", i, "levels_as_columns" if a.type == "categorical" else "type"),
                                   f"analysis '{a.id}' must be a categorical with levels_as_columns and `levels` "
                                   f"listed: the table's columns are the levels of '{first.id}'", "SPEC122"))
        elif [lv.label for lv in a.levels] != labels:
            out.append(entry.error(("analyses", i, "levels"), f"analysis '{a.id}' has other level labels than "
                                   f"'{first.id}' ({', '.join(labels)}): they are the table's columns", "SPEC122"))
    for key in ("stat_columns", "stats_as_columns"):
        if getattr(spec, key, None):
            out.append(entry.error((key,), f"a table with levels_as_columns ('{first.id}') has no {key}", "SPEC123"))
    return out


MODELS = {"categorical": CategoricalAnalysis}


EXAMPLES = {"categorical": """\
id: race
type: categorical
var: RACE
label: "Race"
levels:
  - {value: "WHITE", label: "White"}
  - {value: "BLACK OR AFRICAN AMERICAN", label: "Black or African American"}
  - {other: true, label: "Other"}
"""}
