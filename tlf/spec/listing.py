"""What a listing spec (`type: listing`) may say, and the checks that need no data.

    id: l-16-2-7-2
    type: listing
    number: "Listing 16.2.7.2"
    title: "Serious Adverse Events"
    population: SAF                    # records of subjects in this population only
    dataset: adae
    where: "AESER == 'Y'"              # the filter (the where: language)
    subject_vars: [AGE, SEX, TRTSDT]   # taken from the subject-level dataset by subject id
    columns:
      - {var: TRTA, label: "Treatment", width: 1.6, key: true}
      - {var: SUBJID, label: "Subject", width: 0.8, key: true}
      - {vars: [AGE, SEX], sep: "/", label: "Age/Sex", width: 0.6}
      - {var: ASTDT, label: "Start date", format: date, width: 0.9}
      - {var: ASTDT, label: "Study day", format: studyday, ref: TRTSDT, width: 0.5, align: right}
      - {var: AESEV, label: "Severity", map: {MILD: Mild, MODERATE: Moderate, SEVERE: Severe}}
    sort: [TRTA, SUBJID, ASTDT, AESEQ]  # or {var: TRTA, order: [Placebo, ...]} to fix an order
    page_by: {var: TRTA, label: "Treatment"}   # a new page (and heading) for each value

Key columns come first; they print on a subject's first row on each page. Widths are in inches
and are scaled to the page's text width; a column without one is sized from its contents.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from tlf.spec.base import OutputId, PageSpec, Strict

VAR_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,31}$"
Var = Annotated[str, Field(pattern=VAR_PATTERN)]
FORMATS = ("text", "date", "datetime", "studyday", "integer", "number")


class ListingColumn(Strict):
    """One printed column: the value of `var` (or of several `vars` joined with `sep`)."""

    label: str
    """Column header; `\n` breaks the line."""
    var: Var | None = None
    """The variable printed (of the listing's dataset or its `subject_vars`); give `var` or `vars`."""
    vars: list[Var] | None = None
    """Several variables printed in one column, joined with `sep` (empty values left out)."""
    sep: str = "/"
    """Text between the values of `vars` (`"\n"`: one value per line)."""
    format: Literal["text", "date", "datetime", "studyday", "integer", "number"] = "text"
    """How values print: `text` as stored (numbers without trailing zeros), `date` as 2015-05-24 (a
    partial date as written), `datetime` as 2015-05-24T10:30, `studyday` the day relative to `ref`,
    `integer` without decimals, `number` with `decimals` or `sig`."""
    decimals: Annotated[int, Field(ge=0, le=8)] | None = None
    """format: number: decimals printed (rounded half away from zero); not set: 0."""
    sig: Annotated[int, Field(ge=1, le=8)] | None = None
    """format: number: significant figures instead of `decimals` (not both)."""
    missing: str = ""
    """format: number: the text of a missing value (e.g. "NE"); default: blank."""
    ref: Var | None = None
    """format: studyday: the reference date variable (day 1), e.g. TRTSDT; the day before it is -1 (no day 0)."""
    map: dict[str | int | float, str] = {}
    """format: text: printed text of raw values (`{Y: "Yes", N: "No"}`); values not listed print as stored."""
    width: Annotated[float, Field(gt=0, le=20)] | None = None
    """Width in inches, scaled with the others to the page's text width; not set: sized from the contents."""
    align: Literal["left", "center", "right"] = "left"
    """Alignment of the values."""
    key: bool = False
    """A key column (e.g. the subject): printed only on a subject's first row on each page. Key columns
    come first."""

    @model_validator(mode="after")
    def _one_source(self) -> ListingColumn:
        if (self.var is None) == (self.vars is None):
            raise ValueError("a listing column needs exactly one of 'var' or 'vars'")
        if self.vars is not None and not self.vars:
            raise ValueError("'vars' needs at least one variable")
        if self.format == "studyday" and not self.ref:
            raise ValueError("format 'studyday' needs 'ref', the reference date variable (e.g. TRTSDT)")
        if self.ref and self.format != "studyday":
            raise ValueError("'ref' is only used with format 'studyday'")
        if self.decimals is not None and self.format != "number":
            raise ValueError("'decimals' is only used with format 'number'")
        if (self.sig is not None or self.missing) and self.format != "number":
            raise ValueError("'sig' and 'missing' are only used with format 'number'")
        if self.sig is not None and self.decimals is not None:
            raise ValueError("give 'decimals' or 'sig' (significant figures), not both")
        return self

    @property
    def variables(self) -> tuple[str, ...]:
        """The variables printed in this column (upper case, as datasets are read)."""
        names = [self.var] if self.var is not None else list(self.vars or [])
        return tuple(v.upper() for v in names)


class SortKey(Strict):
    """A sort variable; `order` lists values that come first, in that order (others follow, sorted);
    `descending: true` reverses the variable's order."""

    var: Var
    """Variable sorted on (numbers as numbers, dates as dates, text as text; missing values last)."""
    order: list[str | int | float] | None = None
    """Values that come first, in this order; the other values follow, sorted. Not set: sorted."""
    descending: bool = False
    """Sort in descending order."""


class PageBy(Strict):
    """Each value of `var` starts a new page, headed "<label>: <value>"."""

    var: Var
    """Variable whose values start a new page (the records are sorted on it first)."""
    label: str = ""
    """Text before the value in the heading; empty: the variable's label, else its name."""
    order: list[str | int | float] | None = None
    """Values that come first, in this order; the other values follow, sorted. Not set: sorted."""


class ListingOutput(Strict):
    """A listing: one row per record of `dataset` (of the population's subjects, meeting `where`), in
    `sort` order, with the printed `columns`; key columns first."""

    id: OutputId
    """Identifier of the output, also its file name (`<id>.docx`, `<id>.xlsx`) and the name `tlf build ID`
    takes; letters, digits, `_`, `.`, `-`."""
    type: Literal["listing"]
    """`listing`."""
    number: str
    """Output number printed first in the title block, e.g. "Listing 16.2.7.1"."""
    title: str | list[str]
    """Title, or several title lines (templates such as `{{ study.id }}` are filled in)."""
    population: str
    """Name of the analysis population (in study.yaml `populations`): only its subjects' records are listed."""
    dataset: str
    """Dataset whose records are listed (in study.yaml `data.datasets`)."""
    columns: Annotated[list[ListingColumn], Field(min_length=1)]
    """The printed columns, in order."""
    where: str | None = None
    """Filter on the records (the where: language), e.g. `"AESER == 'Y'"`; not set: all records."""
    subject_vars: list[Var] = []
    """Variables of the subject-level dataset added to each record by subject id (e.g. AGE, SEX, TRTSDT)."""
    sort: list[Var | SortKey] = []
    """Sort keys in order: a variable, or a mapping with `order` or `descending`; the sort is stable."""
    page_by: Var | PageBy | None = None
    """Start a new page, headed "<label>: <value>", for each value of a variable (a name, or a mapping)."""
    subtitle: str = ""
    """Extra line of the title block, under the population (a template); empty: none."""
    footnotes: list[str] = []
    """Footnotes of this output (templates), printed before the study's footnotes."""
    no_data_text: str = "No data to report"
    """Text printed in place of the rows when no record is listed."""
    page: PageSpec | None = None
    """Page geometry and font of this output; not set: the study's `page`."""

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title,) if isinstance(self.title, str) else tuple(self.title)

    @property
    def sort_keys(self) -> tuple[SortKey, ...]:
        return tuple(SortKey(var=k) if isinstance(k, str) else k for k in self.sort)

    @property
    def page_by_spec(self) -> PageBy | None:
        return PageBy(var=self.page_by) if isinstance(self.page_by, str) else self.page_by

    @property
    def n_keys(self) -> int:
        """Number of leading key columns."""
        n = 0
        for c in self.columns:
            if not c.key:
                break
            n += 1
        return n


def check_listing(study, entry) -> list:
    """Cross-checks of a listing spec that need no data (the dataset, key columns first).
    Variables are checked against the data when the listing is built."""
    from tlf.errors import did_you_mean

    spec: ListingOutput = entry.spec
    errors = []
    datasets = study.spec.data.datasets
    if spec.dataset not in datasets:
        errors.append(entry.error(("dataset",), f"unknown dataset '{spec.dataset}'{did_you_mean(spec.dataset, datasets)}"
                                  f"; defined in study.yaml: {', '.join(datasets)}", "SPEC032"))
    n_keys = spec.n_keys
    for i, c in enumerate(spec.columns):
        if c.key and i >= n_keys:
            errors.append(entry.error(("columns", i, "key"), "key columns must come first (before every "
                                      "column that is not a key)", "SPEC075"))
    if spec.subject_vars and spec.dataset == study.spec.data.subject_dataset:
        errors.append(entry.error(("subject_vars",), f"the listing's dataset is the subject-level dataset "
                                  f"'{spec.dataset}': its variables are there already", "SPEC076"))
    return errors
