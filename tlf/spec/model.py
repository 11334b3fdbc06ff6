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
from tlf.spec.derived import NcaSpec, PivotSpec, SelectSpec, SubjectsSpec

# ---------------------------------------------------------------- study level

class StudyInfo(Strict):
    """The study's identity, printed on the review bundle's cover and available to titles and footnotes
    as `{{ study.id }}`, `{{ study.title }}` and `{{ cutoff }}`."""

    id: str
    """Study identifier, e.g. the protocol number (`{{ study.id }}` in titles and footnotes)."""
    title: str = ""
    """Full study title (`{{ study.title }}`; the cover of the review bundle)."""
    cutoff: str = ""
    """Data cut-off date as text, printed as "Data cut-off: ..." in the review bundle and the build log
    (`{{ cutoff }}` in titles and footnotes); empty: not printed. Quote a date (`"2019-06-30"`)."""


class DatasetSpec(Strict):
    """A dataset: read from `file`, or computed from another dataset by `nca` (PK parameters),
    `subjects` (one record per subject), `pivot` (long to wide) or `select` (one record per subject and group
    by a record selection); see tlf/spec/derived.py. `keep` reads only the variables
    listed (SAS KEEP=): a large file the study needs few variables of is read several times faster."""

    file: str | None = None
    """File to read, relative to `data.dir` (or absolute): `.xpt` (SAS transport), `.sas7bdat`, `.csv` or
    `.parquet`. Variable names are read in upper case. Give exactly one of `file`, `nca`, `subjects`, `pivot`,
    `select`."""
    nca: NcaSpec | None = None
    """Compute this dataset (PK parameters, ADPP-like) by non-compartmental analysis of a concentration dataset."""
    subjects: SubjectsSpec | None = None
    """Compute this dataset as one record per subject of another dataset (a subject-level dataset when there is no ADSL)."""
    pivot: PivotSpec | None = None
    """Compute this dataset by turning another from long to wide (one column per parameter)."""
    select: SelectSpec | None = None
    """Compute this dataset as the records of another that a record selection keeps, e.g. `{from: adlb, where:
    "AVISITN > 0", record: max, by: AVAL, then: ADT, per: [PARAMCD]}`."""
    period_var: str | None = None
    """Variable holding the period of each record (e.g. APERIOD): a treatment column with a `period` then
    takes only the records of that period. Not set: the dataset is not split by period."""
    encoding: str | None = None
    """Text encoding of the file (e.g. `latin-1`, `cp1252`) for `.xpt`, `.sas7bdat` and `.csv`. Not set:
    UTF-8, falling back to Windows-1252 with a note when the file is not UTF-8."""
    keep: list[str] | None = None
    """Read only these variables (as SAS KEEP=); the subject id and `period_var` are always read. Not
    set: every variable."""

    @model_validator(mode="after")
    def _one_source(self) -> DatasetSpec:
        given = [k for k in ("file", "nca", "subjects", "pivot", "select") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a dataset needs exactly one of 'file', 'nca', 'subjects', 'pivot' or 'select'"
                             + (f" (got {' and '.join(given)})" if given else ""))
        return self


class DataSpec(Strict):
    """Where the data are and what each dataset is."""

    dir: str = "data"
    """Folder of the data files, relative to the spec folder (or absolute); `--data DIR` on the command
    line overrides it."""
    subject_id: str = "USUBJID"
    """Variable identifying a subject in every dataset (each dataset must have it)."""
    subject_dataset: str = "adsl"
    """Name (in `datasets`) of the subject-level dataset, one record per subject: treatment columns and
    populations are selected on it, and analyses without a `dataset` read it."""
    datasets: dict[str, DatasetSpec]
    """The datasets by the name outputs use for them (e.g. `adsl`, `adae`)."""
    missing_values: list[str] | None = None
    """Values of `.csv` files read as missing, in every column (text or numeric), e.g. `[NA, "."]`; an
    empty field is always missing. Not set: R's `NA` is missing in a column whose other values are all
    numbers (which is then numeric) and stays text in any other column (`NA` may be a country or region
    code). `[]`: only empty fields are missing. `.xpt`, `.sas7bdat` and `.parquet` files record their
    missing values themselves."""


class HasRecords(Strict):
    """Subjects with at least one record in `dataset` meeting `where`."""

    dataset: str
    """Name of the dataset (in `data.datasets`) whose records count."""
    where: str | None = None
    """Filter on that dataset's records (the where: language, e.g. `"EXDURD > 0"`); not set: any record."""


class PopulationSpec(Strict):
    """A population derived from the data: ADSL rows meeting `where`, with >= 1 record in
    `has_records`, and inside population `within`. `flag` names an ADSL flag to reconcile with."""

    label: str
    """Name printed under the titles, e.g. "Safety Population" (`{{ population }}` in titles and footnotes)."""
    where: str | None = None
    """Filter on the subject-level dataset, e.g. `"RANDFL == 'Y'"`; not set: every subject."""
    has_records: HasRecords | None = None
    """Keep only subjects with at least one record meeting a condition in another dataset (e.g. a dose)."""
    within: str | None = None
    """Name of another population this one is a subset of (its subjects only)."""
    flag: str | None = None
    """ADSL flag variable (e.g. SAFFL) to reconcile with: subjects on which the flag (`Y`) and the
    derivation disagree are listed as a finding; the derivation is what is used."""


class ColumnSpec(Strict):
    """A treatment column: the subjects of the subject-level dataset whose `var` is `value` (or one of
    several values: a pooled or total column), within the output's population."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    """Identifier of the column (in the ARD, stat columns' `over`, an ANCOVA's `reference`)."""
    label: str
    """Column header (the "(N=xx)" line is added below it); `\\n` breaks the line."""
    var: str
    """Variable of the subject-level dataset that selects the column's subjects, e.g. TRT01A."""
    value: str | int | float | list[str | int | float]
    """Value of `var` of the column's subjects, or a list of values pooled into one column (e.g. a Total)."""
    period: int | None = None
    """Period of the column: records of datasets with a `period_var` are restricted to this period, and
    analyses with `periods` print only in columns of those periods. Not set: all records."""
    population: str | None = None
    """Population of this column's subjects instead of the output's `population`."""
    spanner: str = ""
    """Header spanning adjacent columns that share it (e.g. "Dose escalation"); empty: none."""
    width: float | None = None
    """Relative width of the column (a table's widths, the stub's `stub_width` included, are scaled to
    the page's text width); not set: weight 1, widened to fit the contents where the stub has room."""
    color: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] | None = None
    """Figures: colour of the column's lines and points as `#RRGGBB`; not set: the palette's colour for
    the column's place in the study."""
    marker: str | None = None
    """Figures: a matplotlib marker ("o", "s", "^", ...); not set: the palette's marker for the column's
    place in the study."""

    @property
    def values(self) -> tuple:
        return tuple(self.value) if isinstance(self.value, list) else (self.value,)


class Case(Strict):
    """One case of a derivation: where `where` holds (and no earlier case did), the variable is `value`."""

    where: str
    """Condition on the dataset's records (the where: language), e.g. `"AGE < 65"`."""
    value: str | int | float
    """Value of the derived variable for the records meeting `where` (text or number)."""


class Derivation(Strict):
    """A new variable computed on a dataset when it is read: `expr` (arithmetic or a variable), or
    `cases` (the first whose `where` holds gives the value) with `otherwise` for the rest
    (missing when absent)."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")]
    """Name of the new variable (a variable of the same name is replaced); later derivations may use it."""
    label: str = ""
    """Variable label (as a SAS variable label), e.g. the heading of a listing's page-by groups."""
    expr: str | None = None
    """Expression giving the value (the where: language: variables, literals, arithmetic, functions such
    as `text()` and `strip()`), e.g. `"(TR01EDT - TR01SDT + 1) / 7"`; give `expr` or `cases`."""
    cases: list[Case] | None = None
    """Conditions in order: each record takes the `value` of the first case whose `where` it meets."""
    otherwise: str | int | float | None = None
    """With `cases`: value of records meeting no case; not set: missing."""


class StudySpec(Strict):
    """study.yaml: the study-level spec of a spec folder."""

    study: StudyInfo
    """The study's identity (id, title, data cut-off)."""
    data: DataSpec
    """Where the data are, the subject id and the datasets."""
    derive: dict[str, list[Derivation]] = {}
    """Variables computed when a dataset is read, by dataset name, in order."""
    populations: dict[str, PopulationSpec]
    """Analysis populations by name (the name outputs give as `population`)."""
    columns: dict[str, list[ColumnSpec]]
    """Sets of treatment columns by name (the name outputs give as `columns`)."""
    page: PageSpec = PageSpec()
    """Page geometry and font of every output (an output's own `page` replaces it)."""
    footnotes: list[str] = []
    """Footnotes printed under every output, after the output's own footnotes."""
    pct_decimals: Annotated[int, Field(ge=0, le=4)] = 1
    """Decimals of percentages; an output's or an analysis's `pct_decimals` overrides it."""
    not_estimable: str = "NE"
    """Text printed for a statistic that cannot be estimated (and for a p-value not computed, unless a
    stat column's `format.missing` says otherwise)."""


# ---------------------------------------------------------------- analyses


# Every analysis type, from its family's home (tlf/analyses/registry.py).
Analysis = Annotated[Union[spec_models()], Field(discriminator="type")]  # noqa: UP007 (a union of a tuple)
ANALYSIS_TYPES = TYPES


# ---------------------------------------------------------------- outputs

class PCutoff(Strict):
    """Print `text` instead of the p-value beyond `at` (below it for `low`, above it for `high`)."""

    at: Annotated[float, Field(gt=0, lt=1)]
    """The cut-off: a p-value below it (`low`) or above it (`high`) prints as `text`."""
    text: str
    """Text printed instead of the p-value, e.g. "<.001" or ">.99"."""


class PFlag(Strict):
    """Append `text` (e.g. "*") to p-values below `below`."""

    below: Annotated[float, Field(gt=0, le=1)]
    """p-values below this (unrounded) get the mark."""
    text: str = "*"
    """Mark appended to the printed p-value."""


class PValueFormat(Strict):
    """How a stat column prints p-values: `decimals` (default 3); below 10^-decimals "<0.001" and
    above 1 - 10^-decimals ">0.999" unless `low` / `high` say otherwise; `flag` marks small ones;
    `missing` is printed where no test was computed (e.g. "" where no subject had the event)."""

    decimals: Annotated[int, Field(ge=1, le=6)] = 3
    """Decimals of the p-values."""
    low: PCutoff | None = None
    """Text for small p-values instead of the default "<0.001" below 10^-decimals."""
    high: PCutoff | None = None
    """Text for large p-values instead of the default ">0.999" above 1 - 10^-decimals."""
    flag: PFlag | None = None
    """Mark appended to p-values below a cut-off (e.g. "*" below 0.05); not set: none."""
    missing: str | None = None
    """Text of a p-value that is not computed; not set: the study's `not_estimable`."""


class StatColumn(Strict):
    """A column of p-values comparing treatment columns: each analysis runs `test` across the
    columns listed in `over` (`auto`: ANOVA for continuous, chi-square for counts, log-rank for time
    to event; an analysis's own `test` wins). Per-term analyses get one p-value per term row; the
    others one per analysis, on its first row."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    """Identifier of the column (in the ARD); must differ from the treatment columns' ids."""
    label: str
    """Column header, e.g. "p-value [1]"."""
    over: Annotated[list[str], Field(min_length=2)]
    """Ids of the treatment columns compared (two or more)."""
    test: TestName = "auto"
    """Test run across those columns: `auto` picks by the analysis (ANOVA for continuous, chi-square for
    counts, log-rank for time to event); `cmh` the Cochran-Mantel-Haenszel test of a count analysis
    (stratified by `strata`); `none` leaves the column blank. An analysis's own `test` wins."""
    strata: str | None = None
    """Variable whose values stratify the test, e.g. `SITEGR1`: `test: cmh` (the CMH statistic chosen by
    `cmh`) or a log-rank test (`logrank`, or `auto` on a time to event: the stratified log-rank test, as
    SAS LIFETEST STRATA / TEST or R `survdiff(... + strata(...))`). Read from the subject-level dataset
    (ADSL) when it holds the variable, else from the analysis's records (one value per subject). Subjects
    with a missing value are left out of the test, as SAS does, with a note in the ARD. Not set: one
    stratum."""
    cmh: Literal["general", "row_mean", "correlation"] = "general"
    """Which CMH statistic `test: cmh` prints (SAS PROC FREQ CMH): `general` association (any response,
    (r-1)(c-1) df), `row_mean` scores differ (an ordinal response, r-1 df), nonzero `correlation` (ordinal
    response and ordered columns, 1 df)."""
    scores: Literal["table", "modridit"] = "table"
    """Scores of `cmh: row_mean` and `correlation`: `table` (the response's numeric values, else the
    levels' order 1, 2, ...; the treatment columns in `over` order), or `modridit` (SAS SCORES=MODRIDIT,
    per stratum; row mean scores with modified ridit scores is van Elteren's test)."""
    spanner: str = ""
    """Header spanning adjacent columns that share it; empty: none."""
    width: float | None = None
    """Relative width of the column, as a treatment column's `width`; not set: automatic."""
    format: PValueFormat = PValueFormat()
    """How the p-values print (decimals, cut-offs, flag, missing text); of an estimate column only
    `decimals` counts, the decimals of the estimate and its limits (not set: 1 for a risk difference in
    percentage points, 2 for a ratio)."""
    sparse: Literal["flag", "fisher", "none"] = "flag"
    """What a chi-square p-value does when its table is sparse: more than 20% of the cells have expected
    counts below 5, the rule of SAS PROC FREQ's warning "Chi-Square may not be a valid test" (Cochran; R's
    chisq.test warns when any cell does). `flag`: printed with `sparse_mark` (e.g. "0.043^") and a footnote
    "^ Chi-square test; more than 20% of expected cell counts are below 5: the p-value may be inaccurate.";
    `fisher`: Fisher's exact test printed instead, marked, with a footnote saying so (as many SAPs ask);
    `none`: printed as any other. With `flag` and `fisher` the build warns, naming the output and the rows.
    Other tests are not affected."""
    sparse_mark: str = "^"
    """Mark after a p-value of a sparse chi-square (or the Fisher's test that replaced it), and at the start
    of its footnote; not empty."""
    stat: Literal["pvalue", "risk_difference", "relative_risk", "odds_ratio"] = "pvalue"
    """What the column prints: `pvalue` (the `test` across `over`), or an estimate with its CI comparing
    exactly two columns of `over`, the treatment first and the reference second, on each row of subjects
    counted (`count`, `categorical` levels, `terms` SOC and term rows, `responders` visits): `risk_difference`
    (in percentage points, as FDA's Standard Safety Tables print it), `relative_risk` or `odds_ratio`,
    printed "est (lower, upper)" (tlf/analyses/estimates.py). Other analysis types leave it blank."""
    ci: Literal["wald", "newcombe", "mn", "woolf"] | None = None
    """CI method of an estimate column: risk difference `newcombe` (Newcombe's hybrid score interval,
    the default; SAS RISKDIFF(CL=NEWCOMBE)), `mn` (Miettinen-Nurminen score; CL=MN) or `wald`; relative
    risk `wald` (on the log scale, the only one); odds ratio `woolf` (Wald on the log scale, the only one).
    Not set: the statistic's default. Not allowed with `stat: pvalue`."""
    conf_level: Annotated[float, Field(gt=0, lt=1)] = 0.95
    """Confidence level of an estimate column's CI."""
    exact: bool | Literal["auto"] = False
    """Wilcoxon rank-sum p-values: `false`, the normal approximation with continuity correction (SAS PROC
    NPAR1WAY's default); `true`, the exact test: the permutation distribution of the rank sum given the
    (mid)ranks (SAS `EXACT WILCOXON`; R `wilcox.test(exact = TRUE)` without ties, `coin::wilcox_test(distribution
    = "exact")` with them; not computed, with a note, when too large to count: two samples of more than about
    250 values each); `auto`, R `wilcox.test`'s default: exact when both samples have fewer than 50 values and
    no value ties, else the approximation. Other tests are not affected."""

    @model_validator(mode="after")
    def _marks_differ(self):
        if not self.sparse_mark.strip():
            raise ValueError("sparse_mark must not be empty: it tells the flagged p-values apart")
        if self.format.flag is not None and self.format.flag.text == self.sparse_mark and self.sparse != "none":
            raise ValueError(f"sparse_mark '{self.sparse_mark}' is also the mark of format.flag: the two could not "
                             "be told apart; choose another")
        return self


class TableOutput(Strict):
    """A table: the `analyses` stacked as row blocks, one column per treatment column (plus any stat
    columns), under the title block: number, titles, population, subtitle."""

    id: OutputId
    """Identifier of the output, also its file name (`<id>.docx`, `<id>.xlsx`) and the name `tlf build ID`
    takes; letters, digits, `_`, `.`, `-`."""
    type: Literal["table"]
    """`table`."""
    number: str
    """Output number printed first in the title block, e.g. "Table 14.2.1"."""
    title: str | list[str]
    """Title, or several title lines (templates such as `{{ study.id }}` are filled in)."""
    population: str
    """Name of the analysis population (in study.yaml `populations`); its label prints under the titles."""
    columns: str | list[ColumnSpec]
    """Name of a column set in study.yaml `columns`, or the treatment columns themselves."""
    analyses: list[Analysis]
    """The analyses, in order: each adds its block of rows."""
    subtitle: str = ""
    """Extra line of the title block, under the population (a template); empty: none."""
    stub_header: str = ""
    """Header over the row-label (stub) column, e.g. "Visit"; empty: none."""
    stub_width: Annotated[float, Field(gt=0)] = 3.0
    """Relative width of the row-label column (same scale as the columns' `width`, 1 each by default)."""
    footnotes: list[str] = []
    """Footnotes of this output (templates), printed before notes the analyses add and the study's footnotes."""
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    """Decimals of percentages in this output; not set: the study's `pct_decimals` (an analysis's own wins)."""
    page: PageSpec | None = None
    """Page geometry and font of this output; not set: the study's `page`."""
    stats_as_columns: list[str] | None = None
    """These statistics as the columns and the treatment columns as row groups, e.g. `[n, mean, sd, median,
    min, max]` (vital signs, weight, PK tables): under each treatment "<label> (N=xx)", each analysis's
    lines (a `continuous` one line, a `by_visit` one per parameter and visit, with a line per `show` part
    when it shows several). From: n, mean, sd, se, median, q1, q3, min, max, cv, geomean, geocv, n_blq.
    Only `continuous`, `by_visit`, `pk_parameters` and `pk_concentrations` analyses. Not set: treatment
    columns as columns."""
    stats_as_columns_groups: Literal["treatment", "analysis"] = "treatment"
    """With `stats_as_columns`, the outer row groups: `treatment` (each treatment, every analysis under it)
    or `analysis` (each analysis, every treatment under it: the CDISC pilot SAP's vital-sign template 21,
    measure, then treatment, then visit; a `continuous` analysis then prints a line per treatment)."""
    stat_columns: list[StatColumn] = []
    """Columns of p-values beside the treatment columns, one per test."""
    keep_together: bool = True
    """Rows of a group (an analysis block, a SOC with its terms) stay on one page where they fit; false
    fills every page and continues a group on the next under its label "(continued)" (long AE tables)."""

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
    """`mean_by_visit`."""
    dataset: str
    """Dataset of the plotted records (records of each column's subjects, and period when it has a
    `period_var`)."""
    var: str
    """Variable whose mean is plotted, e.g. AVAL or CHG."""
    x: str
    """Numeric variable giving the x position (AVISITN, ADY, nominal hours); one point per value."""
    x_label: str | None = None
    """Variable whose text labels the x ticks (e.g. AVISIT); not set: the numbers of `x`."""
    where: str | None = None
    """Filter on the dataset's records (the where: language); not set: all records."""
    panels: list[Panel] = [Panel(label="")]
    """The panels, each with its own filter; default: one panel without a title."""
    error: Literal["se", "sd", "ci95", "none"] = "se"
    """Error bars: standard error, standard deviation, 95% CI of the mean (t distribution), or none."""
    x_title: str = "Visit"
    """Title of the x axis."""
    y_title: str
    """Title of the y axis."""
    reference_line: float | None = 0.0
    """y value of a thin horizontal reference line (not drawn on log-scale panels); null: no line."""
    log_y: bool = False
    """Log scale on the y axis (a panel's `log_y` overrides it)."""


class KaplanMeierPlot(Strict):
    """Kaplan-Meier curves of a time to event, one per treatment column (one record per subject of
    `dataset` after `where`; an event when `censor` equals `event_value`), censored times marked,
    and the numbers at risk under the plot at `risk_times` or every `risk_every` time units.
    `y: failure` draws 1 - S(t) (cumulative incidence) instead of S(t); `ci: true` adds pointwise
    95% bands (log-log); `median_line` a dashed line at 0.5."""

    kind: Literal["km"]
    """`km`."""
    dataset: str
    """Time-to-event dataset, one record per subject after `where` (e.g. ADTTE)."""
    where: str | None = None
    """Filter on the dataset's records, e.g. `"PARAMCD == 'TTDE'"`; not set: all records."""
    time: str = "AVAL"
    """Variable holding the time to event or censoring."""
    censor: str = "CNSR"
    """Variable telling events from censored times."""
    event_value: str | int | float = 0
    """Value of `censor` that marks an event (ADaM: CNSR = 0); any other value is censored."""
    y: Literal["survival", "failure"] = "survival"
    """`survival` draws S(t); `failure` draws 1 - S(t) (cumulative incidence)."""
    x_title: str = "Time"
    """Title of the x axis."""
    y_title: str = "Probability of no event"
    """Title of the y axis."""
    x_max: Annotated[float, Field(gt=0)] | None = None
    """End of the x axis, in time units; not set: the longest time."""
    risk_every: Annotated[float, Field(gt=0)] | None = None
    """Print the numbers at risk at 0 and every this many time units up to the axis' end."""
    risk_times: list[Annotated[float, Field(ge=0)]] | None = None
    """Print the numbers at risk at these times instead; neither this nor `risk_every`: no numbers at risk."""
    censor_marks: bool = True
    """Mark censored times on the curves with vertical ticks."""
    ci: bool = False
    """Add pointwise 95% confidence bands (log-log)."""
    median_line: bool = False
    """Draw a dashed line at probability 0.5 (the median)."""


class AnalysesPlot(Strict):
    """A figure that draws the output's `analyses` (one panel per analysis listed in `panels`, default
    all); the ARD holds the plotted numbers, computed as for a table.

    kind: `by_visit` (by_visit analyses: mean of `quantity` per column over the visits, with `error`
    bars), `lsmean_bars` (ancova analyses: LS mean per parameter and column at `visit`, with SE bars and
    '*' where the CI of the difference from the reference excludes 0), `lsmean_by_visit` (mmrm analyses:
    LS mean per column over the visits with (1 - alpha) CI bars), `scatter` (correlation analyses:
    the subjects' x and y, coloured by column, with the correlations printed; or emax analyses: the
    observations with the fitted curve and the estimates; `group` colours the points by a variable),
    `forest` (time_to_event analyses with `hazard_ratio`: one row per analysis, e.g. per subgroup, with
    the hazard ratio and CI of each column vs the reference on a log scale)."""

    kind: Literal["by_visit", "lsmean_bars", "lsmean_by_visit", "scatter", "forest"]
    """`by_visit` (by_visit analyses), `lsmean_bars` (ancova analyses), `lsmean_by_visit` (mmrm analyses),
    `scatter` (correlation and emax analyses) or `forest` (time_to_event analyses with a `hazard_ratio`)."""
    panels: list[str] | None = None
    """Ids of the analyses drawn, one panel each, in this order; not set: every analysis."""
    panel_titles: dict[str, str] = {}
    """Panel title by analysis id; default: the analysis's label (or id). With several panels the titles
    are lettered A., B., ..."""
    quantity: Part = "change"
    """by_visit: what is plotted: `value`, `change`, `pchg` (percent change) or `pbase` (percent of baseline)."""
    error: Literal["se", "sd", "none"] = "se"
    """by_visit: error bars of +/- 1 SE or SD, or none."""
    visit: str | None = None
    """lsmean_bars: the visit whose LS means are drawn; not set: each analysis's last visit."""
    tick_labels: dict[str, str] = {}
    """x tick label by visit (by_visit, lsmean_by_visit; default: the visit without "Day ") or by parameter (lsmean_bars;
    default: the parameter's label)."""
    dodge: Annotated[float, Field(ge=0)] | None = None
    """by_visit, lsmean_by_visit: x shift between the columns' points so their error bars do not overlap, in x units;
    not set: 1.2% of the x range."""
    ncols: Annotated[int, Field(ge=1, le=6)] | None = None
    """Panels per row; not set: all in one row up to 3 panels, 2 per row for 4, 3 per row beyond."""
    x_label: str = ""
    """Title of the x axis; empty: none (scatter: the x quantity's label; emax: "Concentration")."""
    panel_x_labels: dict[str, str] = {}
    """x axis title by analysis id, for panels on different scales (each panel then shows its own)."""
    y_label: str = ""
    """Title of the y axis; empty: from the quantity and error (e.g. "Mean change from baseline (SE)",
    "LS mean (SE)")."""
    share_y: bool = False
    """One y scale for all panels."""
    log_x: bool = False
    """scatter: x on a log scale (emax: observations at 0 drawn at "0", left of an axis break)."""
    group: str | None = None
    """scatter: colour and mark the points by this variable (of the plotted records, else of the
    subject-level dataset), e.g. TRT01A; a group takes the label, order, colour and marker of the study's
    treatment column that lists the value. An emax model stays one fit over all points."""


from tlf.spec.pk_figures import IndividualPlot  # noqa: E402  (plot kinds in their own modules)

Plot = Annotated[MeanByVisitPlot | AnalysesPlot | KaplanMeierPlot | IndividualPlot, Field(discriminator="kind")]
PLOT_KINDS = ("mean_by_visit", "by_visit", "lsmean_bars", "lsmean_by_visit", "scatter", "forest", "km", "individual")
ANALYSES_PLOT_KINDS = ("by_visit", "lsmean_bars", "lsmean_by_visit", "scatter", "forest")


class FigureOutput(Strict):
    """A figure: the `plot` (drawn from its own dataset, or from the output's `analyses`) under the title
    block, one line or bar per treatment column, with its footnotes; the plotted numbers go to the ARD and
    to the XLSX's data sheet."""

    id: OutputId
    """Identifier of the output, also its file name (`<id>.docx`, `<id>.xlsx`) and the name `tlf build ID`
    takes; letters, digits, `_`, `.`, `-`."""
    type: Literal["figure"]
    """`figure`."""
    number: str
    """Output number printed first in the title block, e.g. "Figure 14.2.1"."""
    title: str | list[str]
    """Title, or several title lines (templates such as `{{ study.id }}` are filled in)."""
    population: str
    """Name of the analysis population (in study.yaml `populations`); its label prints under the titles."""
    columns: str | list[ColumnSpec]
    """Name of a column set in study.yaml `columns`, or the treatment columns themselves."""
    plot: Plot
    """What is drawn; `kind` says which plot."""
    analyses: list[Analysis] = []
    """The analyses `by_visit`, `lsmean_bars`, `lsmean_by_visit` and `scatter` plots draw (computed as for
    a table)."""
    subtitle: str = ""
    """Extra line of the title block, under the population (a template); empty: none."""
    footnotes: list[str] = []
    """Footnotes of this output (templates), printed before notes the plot adds and the study's footnotes."""
    page: PageSpec | None = None
    """Page geometry and font of this output; not set: the study's `page`."""
    width: Annotated[float, Field(gt=1, le=20)] = 9.0
    """Width of the picture as placed on the page, in inches."""
    height: Annotated[float, Field(gt=1, le=20)] = 4.6
    """Height of the picture as placed on the page, in inches."""
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    """Decimals of percentages in this output; not set: the study's `pct_decimals`."""

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title,) if isinstance(self.title, str) else tuple(self.title)

    @model_validator(mode="after")
    def _forest_needs_hazard_ratios(self):
        if self.plot.kind == "forest":
            drawn = self.plot.panels or [a.id for a in self.analyses]
            bare = [a.id for a in self.analyses if a.id in drawn and getattr(a, "hazard_ratio", None) is None]
            if bare:
                raise ValueError(f"a forest plot draws hazard ratios: analysis '{bare[0]}' has no `hazard_ratio`")
        return self


# Other output types live in their own modules, built on the models above.
from tlf.spec.listing import ListingOutput  # noqa: E402

OutputSpecTypes = TableOutput | FigureOutput | ListingOutput
Output = Annotated[TableOutput | FigureOutput | ListingOutput, Field(discriminator="type")]
OUTPUT_TYPES = ("table", "figure", "listing")
