"""The spec model: what a study.yaml and an output YAML may say. Frozen pydantic models, no pandas.

Loading (spec/load.py) keeps the location of every key; validation (spec/validate.py) turns
pydantic's errors and the cross-checks into compiler-like SpecErrors.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, field_validator, model_validator

from tlf.analyses.registry import TYPES, spec_models
from tlf.spec.base import (
    ID_PATTERN,
    OutputId,
    PageSpec,
    Panel,
    Part,
    Strict,
    TestName,
)
from tlf.spec.derived import NcaSpec, PivotSpec, SubjectsSpec

# ---------------------------------------------------------------- study level

class StudyInfo(Strict):
    id: str
    title: str = ""
    cutoff: str = ""


class DatasetSpec(Strict):
    """A dataset: read from `file`, or computed from another dataset by `nca` (PK parameters),
    `subjects` (one record per subject) or `pivot` (long to wide); see tlf/spec/derived.py. `keep` reads only the variables
    listed (SAS KEEP=): a large file the study needs few variables of is read several times faster."""

    file: str | None = None
    nca: NcaSpec | None = None
    subjects: SubjectsSpec | None = None
    pivot: PivotSpec | None = None
    period_var: str | None = None
    encoding: str | None = None
    keep: list[str] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> DatasetSpec:
        given = [k for k in ("file", "nca", "subjects", "pivot") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a dataset needs exactly one of 'file', 'nca', 'subjects' or 'pivot'"
                             + (f" (got {' and '.join(given)})" if given else ""))
        return self


class DataSpec(Strict):
    dir: str = "data"
    subject_id: str = "USUBJID"
    subject_dataset: str = "adsl"
    datasets: dict[str, DatasetSpec]


class HasRecords(Strict):
    dataset: str
    where: str | None = None


class PopulationSpec(Strict):
    """A population derived from the data: ADSL rows meeting `where`, with >= 1 record in
    `has_records`, and inside population `within`. `flag` names an ADSL flag to reconcile with."""

    label: str
    where: str | None = None
    has_records: HasRecords | None = None
    within: str | None = None
    flag: str | None = None


class ColumnSpec(Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    label: str
    var: str
    value: str | int | float | list[str | int | float]
    period: int | None = None
    population: str | None = None
    spanner: str = ""
    width: float | None = None
    color: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] | None = None  # figures; default: the palette
    marker: str | None = None  # figures: a matplotlib marker ("o", "s", "^", ...); default: the palette

    @property
    def values(self) -> tuple:
        return tuple(self.value) if isinstance(self.value, list) else (self.value,)


class Case(Strict):
    where: str
    value: str | int | float


class Derivation(Strict):
    """A new variable computed on a dataset when it is read: `expr` (arithmetic or a variable), or
    `cases` (the first whose `where` holds gives the value) with `otherwise` for the rest
    (missing when absent)."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")]
    label: str = ""
    expr: str | None = None
    cases: list[Case] | None = None
    otherwise: str | int | float | None = None


class StudySpec(Strict):
    study: StudyInfo
    data: DataSpec
    derive: dict[str, list[Derivation]] = {}
    populations: dict[str, PopulationSpec]
    columns: dict[str, list[ColumnSpec]]
    page: PageSpec = PageSpec()
    footnotes: list[str] = []
    pct_decimals: Annotated[int, Field(ge=0, le=4)] = 1
    not_estimable: str = "NE"


# ---------------------------------------------------------------- analyses


# Every analysis type, from its family's home (tlf/analyses/registry.py).
Analysis = Annotated[Union[spec_models()], Field(discriminator="type")]  # noqa: UP007 (a union of a tuple)
ANALYSIS_TYPES = TYPES


# ---------------------------------------------------------------- outputs

class PCutoff(Strict):
    """Print `text` instead of the p-value beyond `at` (below it for `low`, above it for `high`)."""

    at: Annotated[float, Field(gt=0, lt=1)]
    text: str


class PFlag(Strict):
    """Append `text` (e.g. "*") to p-values below `below`."""

    below: Annotated[float, Field(gt=0, le=1)]
    text: str = "*"


class PValueFormat(Strict):
    """How a stat column prints p-values: `decimals` (default 3); below 10^-decimals "<0.001" and
    above 1 - 10^-decimals ">0.999" unless `low` / `high` say otherwise; `flag` marks small ones;
    `missing` is printed where no test was computed (e.g. "" where no subject had the event)."""

    decimals: Annotated[int, Field(ge=1, le=6)] = 3
    low: PCutoff | None = None
    high: PCutoff | None = None
    flag: PFlag | None = None
    missing: str | None = None  # text of a p-value that is not computed; default: the study's not_estimable


class StatColumn(Strict):
    """A column of p-values comparing treatment columns: each analysis runs `test` across the
    columns listed in `over` (`auto`: ANOVA for continuous, chi-square for counts, log-rank for time
    to event; an analysis's own `test` wins). Per-term analyses get one p-value per term row; the
    others one per analysis, on its first row."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    label: str
    over: Annotated[list[str], Field(min_length=2)]
    test: TestName = "auto"
    spanner: str = ""
    width: float | None = None
    format: PValueFormat = PValueFormat()


class TableOutput(Strict):
    id: OutputId
    type: Literal["table"]
    number: str
    title: str | list[str]
    population: str
    columns: str | list[ColumnSpec]
    analyses: list[Analysis]
    subtitle: str = ""
    stub_header: str = ""
    stub_width: Annotated[float, Field(gt=0)] = 3.0
    footnotes: list[str] = []
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    page: PageSpec | None = None
    # statistics as columns, treatment columns as row groups (PK tables)
    stats_as_columns: list[str] | None = None
    # p-value (test) columns beside the treatment columns
    stat_columns: list[StatColumn] = []
    # Rows of a group (an analysis block, a SOC with its terms) stay on one page where they fit; false
    # fills every page and continues a group on the next under its label "(continued)" (long AE tables).
    keep_together: bool = True

    @field_validator("stats_as_columns")
    @classmethod
    def _known_stats_as_columns(cls, v):
        from tlf.analyses.pk.spec import check_stat_columns

        return check_stat_columns(v)

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title,) if isinstance(self.title, str) else tuple(self.title)


class MeanByVisitPlot(Strict):
    """Mean of `var` over time, one line per treatment column, with error bars (SE, SD or 95% CI),
    one panel per entry of `panels` (e.g. per PARAMCD). `x` is numeric (AVISITN, ADY, hours); the
    tick labels come from `x_label` (AVISIT) when given."""

    kind: Literal["mean_by_visit"]
    dataset: str
    var: str
    x: str
    x_label: str | None = None
    where: str | None = None
    panels: list[Panel] = [Panel(label="")]
    error: Literal["se", "sd", "ci95", "none"] = "se"
    x_title: str = "Visit"
    y_title: str
    reference_line: float | None = 0.0
    log_y: bool = False


class KaplanMeierPlot(Strict):
    """Kaplan-Meier curves of a time to event, one per treatment column (one record per subject of
    `dataset` after `where`; an event when `censor` equals `event_value`), censored times marked,
    and the numbers at risk under the plot at `risk_times` or every `risk_every` time units.
    `y: failure` draws 1 - S(t) (cumulative incidence) instead of S(t); `ci: true` adds pointwise
    95% bands (log-log); `median_line` a dashed line at 0.5."""

    kind: Literal["km"]
    dataset: str
    where: str | None = None
    time: str = "AVAL"
    censor: str = "CNSR"
    event_value: str | int | float = 0
    y: Literal["survival", "failure"] = "survival"
    x_title: str = "Time"
    y_title: str = "Probability of no event"
    x_max: Annotated[float, Field(gt=0)] | None = None
    risk_every: Annotated[float, Field(gt=0)] | None = None
    risk_times: list[Annotated[float, Field(ge=0)]] | None = None
    censor_marks: bool = True
    ci: bool = False
    median_line: bool = False


class AnalysesPlot(Strict):
    """A figure that draws the output's `analyses` (one panel per analysis listed in `panels`, default
    all); the ARD holds the plotted numbers, computed as for a table.

    kind: `by_visit` (by_visit analyses: mean of `quantity` per column over the visits, with `error`
    bars), `lsmean_bars` (ancova analyses: LS mean per parameter and column at `visit`, with SE bars and
    '*' where the CI of the difference from the reference excludes 0), `scatter` (correlation analyses:
    the subjects' x and y, coloured by column, with the correlations printed; or emax analyses: the
    observations with the fitted curve and the estimates; `group` colours the points by a variable)."""

    kind: Literal["by_visit", "lsmean_bars", "scatter"]
    panels: list[str] | None = None
    panel_titles: dict[str, str] = {}
    quantity: Part = "change"
    error: Literal["se", "sd", "none"] = "se"
    visit: str | None = None
    tick_labels: dict[str, str] = {}  # x tick label by visit (by_visit) or parameter (lsmean_bars)
    dodge: Annotated[float, Field(ge=0)] | None = None  # by_visit: x shift between columns (default 1.2% of x)
    ncols: Annotated[int, Field(ge=1, le=6)] | None = None
    x_label: str = ""
    panel_x_labels: dict[str, str] = {}  # x axis label by analysis id (panels on different time scales)
    y_label: str = ""
    share_y: bool = False
    log_x: bool = False  # scatter: x on a log scale (emax: observations at 0 drawn at "0", left of an axis break)
    # scatter: colour and mark the points by this variable (of the plotted records, else of the subject-level
    # dataset), e.g. TRT01A; groups take the label, order, colour and marker of the study's treatment column
    # that lists the value (tlf/spec/groups.py); an emax model stays one fit over all points
    group: str | None = None


from tlf.spec.pk_figures import IndividualPlot  # noqa: E402  (plot kinds in their own modules)

Plot = Annotated[MeanByVisitPlot | AnalysesPlot | KaplanMeierPlot | IndividualPlot, Field(discriminator="kind")]
PLOT_KINDS = ("mean_by_visit", "by_visit", "lsmean_bars", "scatter", "km", "individual")
ANALYSES_PLOT_KINDS = ("by_visit", "lsmean_bars", "scatter")


class FigureOutput(Strict):
    id: OutputId
    type: Literal["figure"]
    number: str
    title: str | list[str]
    population: str
    columns: str | list[ColumnSpec]
    plot: Plot
    analyses: list[Analysis] = []  # what `by_visit`, `lsmean_bars` and `scatter` plots draw
    subtitle: str = ""
    footnotes: list[str] = []
    page: PageSpec | None = None
    width: Annotated[float, Field(gt=1, le=20)] = 9.0  # inches, as placed
    height: Annotated[float, Field(gt=1, le=20)] = 4.6
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title,) if isinstance(self.title, str) else tuple(self.title)


# Other output types live in their own modules, built on the models above.
from tlf.spec.listing import ListingOutput  # noqa: E402

OutputSpecTypes = TableOutput | FigureOutput | ListingOutput
Output = Annotated[TableOutput | FigureOutput | ListingOutput, Field(discriminator="type")]
OUTPUT_TYPES = ("table", "figure", "listing")
