"""The spec model: what a study.yaml and an output YAML may say. Frozen pydantic models, no pandas.

Loading (spec/load.py) keeps the location of every key; validation (spec/validate.py) turns
pydantic's errors and the cross-checks into compiler-like SpecErrors.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from tlf.spec.base import (
    CONTINUOUS_STATS,
    DISPLAY_ROWS,
    ID_PATTERN,
    AnalysisBase,
    Level,
    OutputId,
    ParamVisitsBase,
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


class PageSpec(Strict):
    paper: Literal["letter", "a4"] = "letter"
    orientation: Literal["landscape", "portrait"] = "landscape"
    margin: Annotated[float, Field(gt=0, le=3)] = 1.0
    font: str = "Courier New"
    font_size: Annotated[float, Field(ge=5, le=16)] = 9.0


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

class CountAnalysis(AnalysisBase):
    """Subjects meeting `where` (one row): n (%) of the column's N."""

    type: Literal["count"]
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    events: bool = False  # also print the number of records: "n (%) [events]"
    test: TestName | None = None


class CategoricalAnalysis(AnalysisBase):
    """Subjects by the levels of `var`: n (%) per level; a 'Missing' row when any value is missing."""

    type: Literal["categorical"]
    var: str
    levels: list[Level] | None = None
    missing_row: bool = True
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    test: TestName | None = None


class ContinuousAnalysis(AnalysisBase):
    """Descriptive statistics of `var` (one value per subject)."""

    type: Literal["continuous"]
    var: str
    rows: list[str] = ["n", "mean_sd", "median", "q1_q3", "min_max"]
    precision: Annotated[int, Field(ge=0, le=6)] | None = None  # decimals collected; default: from data
    decimals: dict[str, Annotated[int, Field(ge=0, le=8)]] = {}
    sig: Annotated[int, Field(ge=1, le=8)] | None = None  # significant figures instead (not n, CV%)
    test: TestName | None = None

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v: list[str]) -> list[str]:
        from tlf.errors import did_you_mean

        for r in v:
            if r not in DISPLAY_ROWS:
                raise ValueError(f"unknown statistic row '{r}'{did_you_mean(r, DISPLAY_ROWS)}; "
                                 f"expected one of {', '.join(DISPLAY_ROWS)}")
        return v

    @field_validator("decimals")
    @classmethod
    def _known_stats(cls, v: dict[str, int]) -> dict[str, int]:
        from tlf.errors import did_you_mean

        for k in v:
            if k not in CONTINUOUS_STATS:
                raise ValueError(f"unknown statistic '{k}'{did_you_mean(k, CONTINUOUS_STATS)}")
        return v


class Threshold(Strict):
    """Keep a term when its subject count, summed over the `over` columns (default: all), relative to
    the sum of their N, is > pct_gt (or >= pct_ge), or when that count is >= n_ge."""

    pct_gt: float | None = None
    pct_ge: float | None = None
    n_ge: int | None = None
    over: list[str] | None = None


class TermsAnalysis(AnalysisBase):
    """Subjects with >= 1 record per term (e.g. AE preferred term), optionally nested in `soc`."""

    type: Literal["terms"]
    term: str
    soc: str | None = None
    threshold: Threshold | None = None
    sort: Literal["frequency", "alphabetical"] = "frequency"
    soc_sort: Literal["frequency", "alphabetical"] | None = None  # order of the `soc` groups; default: `sort`
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    events: bool = False  # also print the number of records: "n (%) [events]"
    test: TestName | None = None


TTE_STATS = ("n", "median", "median_ci_low", "median_ci_high", "q1", "q3", "min", "max")
TTE_ROWS = {
    # name: (default label, template; "events"/"censored" are n (%) of the subjects analysed)
    "n": ("Subjects", "{n}"),
    "events": ("Events", ""),
    "censored": ("Censored", ""),
    "median_ci": ("Median (95% CI)", "{median} ({median_ci_low}, {median_ci_high})"),
    "median": ("Median", "{median}"),
    "q1_q3": ("25th, 75th percentile", "{q1}, {q3}"),
    "min_max": ("Min, Max", "{min}, {max}"),
}


class TimeToEventAnalysis(AnalysisBase):
    """Kaplan-Meier summary of a time to event (one record per subject, e.g. an ADTTE parameter):
    subjects, events and censored n (%), median with CI (Brookmeyer-Crowley, `ci_transform`),
    quartiles. A record is an event when `censor` equals `event_value` (ADaM: CNSR = 0)."""

    type: Literal["time_to_event"]
    time: str = "AVAL"
    censor: str = "CNSR"
    event_value: str | int | float = 0
    rows: list[str] = ["n", "events", "censored", "median_ci"]
    ci_transform: Literal["log-log", "log", "linear"] = "log-log"
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    precision: Annotated[int, Field(ge=0, le=6)] | None = None  # decimals of `time`; default: from data
    decimals: dict[str, Annotated[int, Field(ge=0, le=8)]] = {}
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    test: TestName | None = None

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v: list[str]) -> list[str]:
        from tlf.errors import did_you_mean

        for r in v:
            if r not in TTE_ROWS:
                raise ValueError(f"unknown row '{r}'{did_you_mean(r, TTE_ROWS)}; expected one of {', '.join(TTE_ROWS)}")
        return v

    @field_validator("decimals")
    @classmethod
    def _known_stats(cls, v: dict[str, int]) -> dict[str, int]:
        from tlf.errors import did_you_mean

        for k in v:
            if k not in ("median", "q1", "q3", "min", "max"):
                raise ValueError(f"unknown statistic '{k}'{did_you_mean(k, ('median', 'q1', 'q3', 'min', 'max'))}")
        return v


class BaselineTest(Strict):
    """A test of the post-baseline values against baseline within each column and visit (one row of
    p-values under the visit's statistics): the Wilcoxon signed-rank test of the differences between
    `quantity` and its baseline counterpart (value - baseline value; percent of baseline - 100; change and
    percent change - 0), two-sided, exact for up to 20 non-zero differences as SAS PROC UNIVARIATE
    (`method: auto`). A p-value below `alpha` prints with `flag` appended, explained in a footnote."""

    test: Literal["signed_rank"] = "signed_rank"
    quantity: Part = "value"
    method: Literal["auto", "exact", "t"] = "auto"
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    flag: str = "*"
    label: str | None = None  # default: "p-value (value vs baseline)", "p-value (% of baseline vs 100)", ...


class ByVisitAnalysis(ParamVisitsBase):
    """Summary of the value, the change, the percent change and the percent of baseline (100 x value /
    baseline) at each visit. `baseline_visit` prints the value only. Percent change and percent of
    baseline leave out records with baseline 0 (not defined) and say so in a footnote. `tests` add
    p-values against baseline. A column with records at a visit but no analysable value prints
    `no_data_text` (e.g. "Data not available") instead of n = 0; one without any record there prints
    `no_records_text` (e.g. "Not sampled"); unset, the statistics print as they are (n 0, NE)."""

    type: Literal["by_visit"]
    baseline_visit: str | None = None
    value_var: str = "AVAL"
    change_var: str = "CHG"
    pchg_var: str = "PCHG"
    show: list[Part] = ["value", "change"]
    rows: list[str] = ["n", "mean_sd", "median", "min_max"]
    precision: Annotated[int, Field(ge=0, le=6)] | None = None  # decimals collected; default: from data
    pchg_precision: Annotated[int, Field(ge=0, le=6)] = 0  # percent change: mean 1 decimal, SD 2
    pbase_precision: Annotated[int, Field(ge=0, le=6)] = 0  # percent of baseline: mean 1 decimal, SD 2
    decimals: dict[str, Annotated[int, Field(ge=0, le=8)]] = {}
    labels: dict[Part, str] = {}
    tests: list[BaselineTest] = []
    no_data_text: str | None = None
    no_records_text: str | None = None

    _known_rows = field_validator("rows")(ContinuousAnalysis._known_rows.__func__)
    _known_stats = field_validator("decimals")(ContinuousAnalysis._known_stats.__func__)

    @field_validator("tests")
    @classmethod
    def _one_test_per_part(cls, v: list[BaselineTest]) -> list[BaselineTest]:
        ons = [t.quantity for t in v]
        if len(set(ons)) != len(ons):
            raise ValueError("two tests on the same quantity; list each `quantity` once")
        return v


class RespondersAnalysis(ParamVisitsBase):
    """Subjects meeting `criterion` (an expression on the visit's record, e.g. "CHG <= -4") at each
    visit: n (%). Denominator: the column's N (a subject without a record counts as a non-responder)
    or the subjects assessed at the visit."""

    type: Literal["responders"]
    criterion: str
    denominator: Literal["N", "assessed"] = "N"
    show_assessed: bool = False
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None


ANCOVA_ROWS = {
    # name: (default label; {ref} is the comparator column's label)
    "n": "n",
    "lsmean_se": "LS mean (SE)",
    "lsmean_ci": "LS mean 95% CI",
    "lsmean_and_ci": "LS mean (95% CI)",
    "diff_se": "Difference vs {ref} (SE)",
    "diff_ci": "95% CI of the difference",
    "diff_and_ci": "Difference vs {ref} (95% CI)",
    "diff_pvalue": "p-value",
    "dose_pvalue": "p-value (dose response)",
    "rmse": "Root mean squared error",
}
ANCOVA_DECIMALS = ("lsmean", "se", "diff", "pvalue", "rmse")
AncovaRow = Literal["n", "lsmean_se", "lsmean_ci", "lsmean_and_ci", "diff_se", "diff_ci", "diff_and_ci",
                    "diff_pvalue", "dose_pvalue", "rmse"]


class AncovaAnalysis(ParamVisitsBase):
    """ANCOVA at each parameter and visit: `response` ~ treatment (the output's columns) + `factors`
    + `covariates` (variables of the dataset, or of the subject-level dataset). LS means as SAS
    LSMEANS / R emmeans (covariates at their mean, factor levels weighted `weights`: `equal`,
    `proportional`, or `om` as SAS LSMEANS /OM); differences vs the `reference` column, or the
    `comparisons` listed as [column, comparator] pairs, with SE, two-sided (1 - alpha) CI (`ci: t`
    on the residual df, or `normal`: estimate +/- z SE) and p-value, no multiplicity adjustment; n in
    the model. `dose` (a numeric variable, e.g. TRTPN) adds the dose-response test: the Type III test
    of `dose` in `response` ~ dose + factors + covariates. `rmse` picks the root mean squared error
    printed: `residual` (sqrt(RSS / residual df), SAS's Root MSE) or `ml` (sqrt(RSS / n)). One-value
    rows (dose_pvalue, rmse) print in `model_column` (default: the last column)."""

    type: Literal["ancova"]
    response: str = "CHG"
    covariates: list[str] = ["BASE"]
    factors: list[str] = []
    reference: str
    comparisons: list[Annotated[list[str], Field(min_length=2, max_length=2)]] | None = None
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    weights: Literal["equal", "proportional", "om"] = "equal"
    ci: Literal["t", "normal"] = "t"
    rmse: Literal["residual", "ml"] = "residual"
    dose: str | None = None
    model_column: str | None = None
    rows: list[AncovaRow] = ["n", "lsmean_se", "diff_se", "diff_ci", "diff_pvalue"]
    labels: dict[str, str] = {}
    precision: Annotated[int, Field(ge=0, le=6)] | None = None  # of the response; default: from data (<= 2)
    decimals: dict[Literal["lsmean", "se", "diff", "pvalue", "rmse"], Annotated[int, Field(ge=0, le=8)]] = {}
    visit_labels: bool = True  # a row per visit (turn off with a single visit)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(column, comparator) of every difference reported: `comparisons`, or each column vs the
        reference (filled in by the caller, which knows the columns: None here)."""
        return [(x[0], x[1]) for x in self.comparisons] if self.comparisons else []


class Quantity(Strict):
    """One value per subject: `var` of the records of `dataset` meeting `where` (and `param` /
    `visit` when given). More than one record for a subject is an error."""

    dataset: str
    var: str
    param: str | None = None
    visit: str | None = None
    where: str | None = None
    label: str = ""
    param_var: str = "PARAMCD"
    visit_var: str = "AVISIT"


class CorrelationAnalysis(AnalysisBase):
    """Pearson and/or Spearman correlation of two per-subject quantities, with n and p: per column,
    or (`pool: true`) over the subjects of all columns together."""

    type: Literal["correlation"]
    x: Quantity
    y: Quantity
    methods: list[Literal["pearson", "spearman"]] = ["pearson", "spearman"]
    pool: bool = False
    decimals: Annotated[int, Field(ge=0, le=6)] = 2


# Analysis types defined in their own modules, on the base classes above.
from tlf.spec.exposure_response import EmaxAnalysis  # noqa: E402
from tlf.spec.pk import PkConcentrationsAnalysis, PkParametersAnalysis, PowerModelAnalysis  # noqa: E402

Analysis = Annotated[
    CountAnalysis | CategoricalAnalysis | ContinuousAnalysis | TermsAnalysis | ByVisitAnalysis
    | RespondersAnalysis | AncovaAnalysis | CorrelationAnalysis | TimeToEventAnalysis | PkParametersAnalysis
    | PkConcentrationsAnalysis | PowerModelAnalysis | EmaxAnalysis,
    Field(discriminator="type"),
]
ANALYSIS_TYPES = ("count", "categorical", "continuous", "terms", "by_visit", "responders", "ancova", "correlation",
                  "time_to_event", "pk_parameters", "pk_concentrations", "power_model", "emax")


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
        from tlf.spec.pk import check_stat_columns

        return check_stat_columns(v)

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title,) if isinstance(self.title, str) else tuple(self.title)


class Panel(Strict):
    """One panel of a figure: records meeting `where` (on top of the plot's own filter); `log_y`
    overrides the plot's y axis scale for this panel (e.g. linear and semi-log side by side)."""

    label: str
    where: str | None = None
    log_y: bool | None = None


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
