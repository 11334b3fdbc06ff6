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
    var: Var | None = None
    vars: list[Var] | None = None
    sep: str = "/"
    format: Literal["text", "date", "datetime", "studyday", "integer", "number"] = "text"
    decimals: Annotated[int, Field(ge=0, le=8)] | None = None  # format: number
    sig: Annotated[int, Field(ge=1, le=8)] | None = None  # format: number, significant figures (not with decimals)
    missing: str = ""  # format: number -- the text of a missing value (e.g. "NE")
    ref: Var | None = None  # format: studyday -- the reference date (day 1), e.g. TRTSDT
    map: dict[str | int | float, str] = {}  # printed text of raw values ("Y": "Yes")
    width: Annotated[float, Field(gt=0, le=20)] | None = None
    align: Literal["left", "center", "right"] = "left"
    key: bool = False

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
    order: list[str | int | float] | None = None
    descending: bool = False


class PageBy(Strict):
    """Each value of `var` starts a new page, headed "<label>: <value>"."""

    var: Var
    label: str = ""
    order: list[str | int | float] | None = None


class ListingOutput(Strict):
    id: OutputId
    type: Literal["listing"]
    number: str
    title: str | list[str]
    population: str
    dataset: str
    columns: Annotated[list[ListingColumn], Field(min_length=1)]
    where: str | None = None
    subject_vars: list[Var] = []
    sort: list[Var | SortKey] = []
    page_by: Var | PageBy | None = None
    subtitle: str = ""
    footnotes: list[str] = []
    no_data_text: str = "No data to report"
    page: PageSpec | None = None

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
