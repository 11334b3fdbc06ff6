"""What every spec model builds on: the strict frozen base (unknown keys are errors; every field's
docstring is its description in the spec reference and the JSON schema), identifiers, the base of
every analysis, and the names shared by several analysis families (descriptive statistics, tests).

Imports nothing of tlf but errors: the analysis families' spec models (tlf/analyses/<family>/spec.py)
build on this module, and tlf/spec/model.py gathers them through the registry.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, use_attribute_docstrings=True)


# Tests a stat column can run across treatment columns (tlf/stats/compare.py); `none` leaves it blank.
TEST_NAMES = ("auto", "anova", "wilcoxon", "chisq", "fisher", "logrank", "none")
TestName = Literal["auto", "anova", "wilcoxon", "chisq", "fisher", "logrank", "none"]
TEST_KINDS = {"anova": "values", "wilcoxon": "values", "chisq": "counts", "fisher": "counts", "logrank": "times"}
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
    value: str | int | float | None = None
    values: list[str | int | float] | None = None
    other: bool = False


class AnalysisBase(Strict):
    """What every analysis has: an id, a label, the records it reads and where it prints."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    label: str = ""
    dataset: str | None = None  # default: the subject-level dataset
    where: str | None = None
    indent: Annotated[int, Field(ge=0, le=4)] = 0
    periods: list[int] | None = None  # only columns of these periods; others print `na_text`
    na_text: str = "NA"
    blank_before: bool = False


class ParamVisitsBase(AnalysisBase):
    """Records of a BDS dataset (one record per subject, parameter and visit) selected by parameter
    (`param`: PARAMCD value or values, in display order) and visit (`visits`: AVISIT values, in
    display order). Each must occur in the data (else a located error)."""

    dataset: str
    param: str | list[str]
    visits: list[str]
    param_var: str = "PARAMCD"
    param_label_var: str | None = "PARAM"  # label rows with this variable's text (None: the code)
    param_labels: dict[str, str] = {}  # labels by code: override the data's (and name them in shells)
    visit_var: str = "AVISIT"
    visit_num_var: str | None = "AVISITN"  # plotted x position of a visit (None: the visit's order)
    base_var: str = "BASE"

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


BY_VISIT_PARTS = ("value", "change", "pchg", "pbase")
Part = Literal["value", "change", "pchg", "pbase"]
