"""What every spec model builds on: the strict frozen base (unknown keys are errors; every field's
docstring is its description in the spec reference and the JSON schema), identifiers, the base of
every analysis, and the names shared by several analysis families (descriptive statistics, tests).

Imports nothing of tlf but errors: the analysis families' spec models (tlf/analyses/<family>/spec.py)
build on this module, and tlf/spec/model.py gathers them through the registry.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
# Names Windows reserves for devices: a file "con.docx" cannot be created there.
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def _file_safe(v: str) -> str:
    """An output id becomes a file name: no path separators (ID_PATTERN), no '..', no trailing dot, no
    Windows device name."""
    if ".." in v or v.endswith("."):
        raise ValueError(f"'{v}' cannot be a file name ('..' and a trailing '.' are not allowed)")
    if v.split(".")[0].lower() in WINDOWS_RESERVED:
        raise ValueError(f"'{v}' is a device name reserved by Windows and cannot be a file name")
    return v


OutputId = Annotated[str, Field(pattern=ID_PATTERN), AfterValidator(_file_safe)]

# Statistic and display-row names a continuous analysis may ask for.
CONTINUOUS_STATS = ("n", "mean", "sd", "se", "median", "q1", "q3", "min", "max", "cv", "geomean", "geocv")
DISPLAY_ROWS = {
    # name: (default label, template over statistic names)
    "n": ("n", "{n}"),
    "mean": ("Mean", "{mean}"),
    "sd": ("SD", "{sd}"),
    "se": ("SE", "{se}"),
    "mean_sd": ("Mean (SD)", "{mean} ({sd})"),
    "mean_se": ("Mean (SE)", "{mean} ({se})"),
    "median": ("Median", "{median}"),
    "q1_q3": ("Q1, Q3", "{q1}, {q3}"),
    "min": ("Min", "{min}"),
    "max": ("Max", "{max}"),
    "min_max": ("Min, Max", "{min}, {max}"),
    "median_min_max": ("Median (Min, Max)", "{median} ({min}, {max})"),
    "cv": ("CV%", "{cv}"),
    "geomean": ("Geometric mean", "{geomean}"),
    "geocv": ("Geometric CV%", "{geocv}"),
}


def known_names(names, allowed, what: str = "statistic", *, listed: bool = False):
    """`names` (a list, or a mapping's keys) when each is one of `allowed`; else a ValueError naming the
    first unknown one with the closest allowed name (and, `listed`, all of them). The check behind every
    `rows:`, `decimals:` and `labels:` of the analysis models."""
    from tlf.errors import did_you_mean

    for k in names or []:
        if k not in allowed:
            raise ValueError(f"unknown {what} '{k}'{did_you_mean(k, allowed)}"
                             + (f"; expected one of {', '.join(allowed)}" if listed else ""))
    return names


def known_decimals(decimals):
    """The keys of a continuous summary's `decimals:` when each is a statistic printed with decimals; `n`
    (always a whole number) is an error rather than a key that would do nothing."""
    if "n" in (decimals or {}):
        raise ValueError("n always prints as a whole number: leave `n` out of decimals")
    return known_names(decimals, tuple(s for s in CONTINUOUS_STATS if s != "n"))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, use_attribute_docstrings=True,
                              allow_inf_nan=False)  # numbers in specs are finite: .inf and .nan are errors


# Tests a stat column can run across treatment columns (tlf/stats/compare.py); `none` leaves it blank.
TEST_NAMES = ("auto", "anova", "wilcoxon", "chisq", "fisher", "cmh", "breslow_day", "logrank", "none")
TestName = Literal["auto", "anova", "wilcoxon", "chisq", "fisher", "cmh", "breslow_day", "logrank", "none"]
TEST_KINDS = {"anova": "values", "wilcoxon": "values", "chisq": "counts", "fisher": "counts", "cmh": "counts", "breslow_day": "counts",
              "logrank": "times"}
AUTO_TESTS = {"values": "anova", "counts": "chisq", "times": "logrank"}

def resolve_test(test: str | None, kind: str) -> str:
    """The test to run on data of `kind` ("values", "counts", "times"): `test`, or the kind's default
    for "auto"/None; "none" for no test. Raises ValueError when the test does not fit the data."""
    if test in (None, "auto"):
        return AUTO_TESTS[kind]
    if test == "none":
        return "none"
    if TEST_KINDS.get(test) != kind:
        fits = ", ".join(t for t, k in TEST_KINDS.items() if k == kind)
        raise ValueError(f"test '{test}' does not apply to {kind} (use one of: {fits}, auto, none)")
    return test




# ---------------------------------------------------------------- shared by outputs

class PageSpec(Strict):
    """Page geometry and font of the rendered outputs."""

    paper: Literal["letter", "a4"] = "letter"
    """Paper size."""
    orientation: Literal["landscape", "portrait"] = "landscape"
    """Page orientation."""
    margin: Annotated[float, Field(gt=0, le=3)] = 1.0
    """Margin on all four sides, in inches."""
    font: str = "Courier New"
    """Font of the whole output (titles, body and footnotes)."""
    font_size: Annotated[float, Field(ge=5, le=16)] = 9.0
    """Font size in points."""


class RunningHeader(Strict):
    """One line at the top of every page of every output, above the title block: a left, a centred and
    a right-aligned text, each a template (`{{ study.id }}`, `{{ study.sponsor }}`, `{{ cutoff }}`,
    `{{ output_id }}`); an empty text prints nothing there."""

    left: str = "Protocol: {{ study.id }}"
    """Text at the left margin."""
    center: str = "{{ study.sponsor }}"
    """Text centred on the page."""
    right: str = "{% if cutoff %}Data cut-off: {{ cutoff }}{% endif %}"
    """Text at the right margin."""


class Panel(Strict):
    """One panel of a figure: records meeting `where` (on top of the plot's own filter); `log_y`
    overrides the plot's y axis scale for this panel (e.g. linear and semi-log side by side)."""

    label: str
    """Panel title (empty: no title, for a single panel)."""
    where: str | None = None
    """Filter on the plotted records for this panel (the where: language); not set: all of them."""
    log_y: bool | None = None
    """mean_by_visit: log scale on this panel's y axis; not set: the plot's `log_y`."""


# ---------------------------------------------------------------- analyses

class Level(Strict):
    """One category row: `value` (or several `values`) of the variable, printed as `label`.
    `other: true` takes every value not listed elsewhere."""

    label: str
    """Row label printed in the table (and the `level` of its ARD rows), e.g. "White"."""
    value: str | int | float | None = None
    """The data value this row counts, e.g. `WHITE` or `1` (a number matches a whole-number float of the
    data: `1` matches 1.0). Ignored when `values` or `other` is given."""
    values: list[str | int | float] | None = None
    """Several data values counted in one row (a pooled category), e.g. `[ASIAN, OTHER]`; a subject with
    any of them counts once. When given, `value` is ignored."""
    other: bool = False
    """true: this row counts every non-missing value present in the data that no other level lists (its own
    `value`/`values` are ignored); e.g. `{other: true, label: Other}` last."""


class RecordSelect(Strict):
    """One record per subject (and per the `per` variables), chosen by `record` among the records left by
    `where`: e.g. `{record: max, by: AVAL, then: ADT, per: [PARAMCD]}`, the maximum post-baseline value
    per subject and parameter (with `where: "AVISITN > 0"`). Ties on `by` go to the lowest `then` value
    (the earliest date; for `last` the highest; see `ties`), then to the first record in dataset order (for
    `last` the last) -- except that records of an analysis tied on `by` and every `then` with different
    values of the analysed variable (`var`; a shift's `baseline` and `post`) are an error naming the
    subject [DATA045]. A missing `by` is never chosen while the group has a record with a value."""

    record: Literal["worst", "best", "first", "last", "min", "max"]
    """Which record: `max`/`min` the highest/lowest `by`; `worst`/`best` the highest/lowest `by` (the
    other way round with `worst_is: low`; a text `by` ranked by `order`); `last`/`first` the highest/lowest
    `by` (a date, a visit number; text such as an ISO 8601 date sorts as text)."""
    by: str
    """Variable ranking the records, e.g. `AVAL`, `ADT`, `AVISITN`, or a text category with `order`
    (e.g. `ANRIND`)."""
    then: str | list[str] | None = None
    """Variable(s) breaking ties on `by`, compared in turn, e.g. `ADT`: the lowest value wins (the earliest
    date), for `record: last` the highest; a missing value loses. Records still tied: the first in the
    dataset's order (for `last` the last). Not set: dataset order only."""
    ties: Literal["lowest", "highest"] | None = None
    """Which `then` value wins a tie on `by`: `lowest` (the earliest date) or `highest` (the latest: e.g.
    `{record: worst, by: AESEVN, then: ASTDT, ties: highest}`, the latest of the most severe events);
    records still tied then go to the first in dataset order (`highest`: the last). Not set: `lowest`,
    for `record: last` `highest`."""
    per: list[str] = []
    """Variables (besides the subject) each selecting its own record, e.g. `[PARAMCD]` for one record per
    subject and parameter, `[PARAMCD, AVISIT]` per parameter and visit. Empty: one record per subject."""
    order: list[str | int | float] | None = None
    """Levels of `by` from best to worst (ranked by position), e.g. `[NORMAL, LOW, HIGH]` for ANRIND: a
    text `by` needs it for `worst`, `best`, `min` and `max`. A value present in the data and not listed is
    an error [DATA060], never ranked by guess. Not set: `by` is ranked by its numbers."""
    worst_is: Literal["high", "low"] = "high"
    """For `record: worst`/`best`: whether the worst is the highest rank of `by` (`high`, the default: the
    highest value, or the last level of `order`) or the lowest (`low`, e.g. the lowest haemoglobin)."""
    missing: Literal["drop", "keep", "error"] = "drop"
    """A subject (and `per` group) whose records all miss `by`: `drop` leaves it without a record (it is
    not counted in what follows); `keep` keeps one of its records, chosen by `then` and dataset order (e.g.
    to count it under a "Missing" category); `error` stops with an error naming it [DATA044]."""


class AnalysisBase(Strict):
    """What every analysis has: an id, a label, the records it reads and where it prints."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    """Identifier of the analysis, unique within the output (letters, digits, `_`, `.`, `-`; at most 64
    characters), e.g. `age`: the `analysis` column of its ARD rows, and how a figure's `plot.panels` and
    `plot.panel_titles` name it."""
    label: str = ""
    """Text of the analysis's first row: the row label of a `count`; for the other types a header row
    above the analysis's rows, which are indented one level under it (a `continuous` with a single `rows`
    entry prints its statistic on this line). Empty: no header row (`correlation` then makes one from `x`
    and `y`). In a figure drawing analyses, the panel title unless `plot.panel_titles` gives one."""
    dataset: str | None = None
    """Name (in `data.datasets`) of the dataset whose records the analysis reads, e.g. `adae`. Only the
    records of each column's subjects are read (and of the column's period when the dataset has a
    `period_var`). Not set: the subject-level dataset (`data.subject_dataset`, usually adsl). An error in
    `correlation`, whose `x` and `y` name their own."""
    where: str | None = None
    """Filter on the dataset's records before the analysis (the where: language), e.g. `"TRTEMFL == 'Y'"`;
    `{pp}` and `{p}` become the column's period (`"EOP{pp}STT == 'COMPLETED'"` reads EOP01STT in a
    period-1 column). For `count` it is the condition whose subjects are counted. Not set: every record.
    An error in `correlation` (its `x` and `y` have their own `where`)."""
    indent: Annotated[int, Field(ge=0, le=4)] = 0
    """Indentation level (0-4) of the analysis's first row; the rows under a header row go one level deeper.
    Each level indents the row label by 0.15 inch, e.g. `1` to nest reasons under a "Discontinued" row."""
    periods: list[int] | None = None
    """Only the treatment columns whose `period` is one of these take part, e.g. `[1]`; the cells of the
    other columns (a column without a period too) print `na_text`, and those columns are left out of
    stat-column tests and figures. Not set: every column."""
    na_text: str = "NA"
    """Text printed in the cells of the columns `periods` leaves out (explain it in a footnote, e.g.
    "NA = not applicable")."""
    blank_before: bool = False
    """true: an empty row before the analysis's rows (none when it is the table's first row), to separate
    blocks (in a table with `stats_as_columns`, under each treatment). No effect in a figure."""
    section: str | None = None
    """Heading of the section this analysis opens, e.g. `CHEMISTRY`: a row spanning the table (label and
    treatment columns) before the analysis's rows, printed when it differs from the previous analysis's
    `section` (so analyses in a row with the same one share one heading). No effect in a figure, nor in a
    table with `stats_as_columns` grouped by treatment."""
    select: RecordSelect | None = None
    """One record per subject (and per `per` group) among the records left by `where`, e.g. the maximum
    post-baseline ALT: `where: "PARAMCD == 'ALT' and AVISITN > 0"` with `select: {record: max, by: AVAL,
    then: ADT}`. Not set: every record. Not used by `correlation`."""


class ParamVisitsBase(AnalysisBase):
    """Records of a BDS dataset (one record per subject, parameter and visit) selected by parameter
    (`param`: PARAMCD value or values, in display order) and visit (`visits`: AVISIT values, in
    display order). Each must occur in the data (else a located error)."""

    dataset: str
    """Name (in `data.datasets`) of the BDS dataset read, e.g. `adlb` or `adeff`: one record per subject,
    parameter and visit (more than one in a column at a visit is an error; keep one with `where`, e.g.
    `"ANL01FL == 'Y'"`)."""
    param: str | list[str]
    """The parameter code (value of `param_var`), or a list of codes shown in this order, e.g. `CLASI` or
    `[ALT, AST]`. Several parameters print one block each under the parameter's label row."""
    visits: list[str]
    """Values of `visit_var` shown, in this order, e.g. `[Baseline, Week 4, Week 12]`; each must occur for
    every parameter (records of any subject), none twice."""
    param_var: str = "PARAMCD"
    """Variable holding the parameter code that `param` selects on."""
    param_label_var: str | None = "PARAM"
    """Variable whose text (on the parameter's first selected record) labels the parameter's rows, e.g.
    "Alanine Aminotransferase (U/L)": the label row of each parameter when there are several (always in
    an `ancova`), ANCOVA figure ticks and NE footnotes. Not set, or absent from the dataset: the code."""
    param_labels: dict[str, str] = {}
    """Labels by parameter code, overriding the data's, e.g. `{ALT: "ALT (U/L)"}`; shells (no data) use
    them too, else they print the code."""
    visit_var: str = "AVISIT"
    """Variable holding the visit name that `visits` selects on."""
    visit_num_var: str | None = "AVISITN"
    """Numeric variable giving a visit's x position in a `by_visit` figure (e.g. study day or week). Not
    set, absent from the dataset or missing: the visit's position in `visits` (0, 1, 2, ...)."""
    base_var: str = "BASE"
    """Variable holding the baseline value: `by_visit` computes the percent of baseline from it, leaves out
    records with baseline 0 from percent change and percent of baseline, and tests the value against it;
    an `ancova` of a percent change (`response: PCHG...`) leaves out records with baseline 0. (An
    ANCOVA's baseline covariate is named in `covariates`, not here.)"""

    @property
    def params(self) -> tuple[str, ...]:
        return (self.param,) if isinstance(self.param, str) else tuple(self.param)

    @field_validator("visits")
    @classmethod
    def _some_visits(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("list at least one visit")
        if len(set(v)) != len(v):
            raise ValueError("a visit is listed twice")
        return v

    @model_validator(mode="after")
    def _select_per_parameter_and_visit(self) -> ParamVisitsBase:
        """A record selection across several parameters or visits would keep one record among all of them."""
        check_select_per(self.select, self.param_var, len(self.params), self.visit_var, len(self.visits))
        return self


def check_select_per(select: RecordSelect | None, param_var: str, n_params: int, visit_var: str,
                     n_visits: int) -> None:
    """`select.per` must name the parameter (visit) variable when an analysis shows several parameters
    (visits): else one record per subject is kept across all of them. Raises ValueError."""
    if select is None:
        return
    per = {p.upper() for p in select.per}
    if n_params > 1 and param_var.upper() not in per:
        raise ValueError(f"`select.per` must list {param_var} when `param` lists several parameters (else one "
                         "record is kept across all of them)")
    if n_visits > 1 and visit_var.upper() not in per:
        raise ValueError(f"`select.per` must list {visit_var} when `visits` lists several visits (else one record "
                         "is kept across all of them)")


# What a subject count's percentage divides by (`denominator:` of categorical, count, terms, shift).
Denominator = Literal["N", "assessed", "records", "group"]
# How a subject count prints: "n (%)" or with its denominator, "n/m (%)".
CountDisplay = Literal["n (%)", "n/m (%)"]


BY_VISIT_PARTS = ("value", "change", "pchg", "pbase")
Part = Literal["value", "change", "pchg", "pbase"]
