"""PK summary analyses an output spec may ask for (`type: pk_parameters`, `type: pk_concentrations`).

    - id: params                              # NCA parameters by arm (columns) and day (row groups)
      type: pk_parameters
      dataset: adpp                           # an ADPP-like dataset: one row per subject, profile, parameter
      by: [{var: AVISITN, label_var: AVISIT}] # row groups, in order of the values (or `values:`)
      parameters:
        - {code: CMAX, label: "Cmax (ng/mL)"}
        - {code: TMAX, label: "Tmax (h)", rows: [n, median_min_max]}
        - {code: AUCTAU}                      # label: PPTEST and the unit from the data
      rows: [n, mean_sd, cv, geomean, geocv, median, min_max]
      sig: 3                                  # significant figures (n: integer, CV%: 1 decimal)

    - id: conc                                # concentrations by nominal time, with n BLQ
      type: pk_concentrations
      dataset: adpc
      var: AVAL
      blq: BLQFL
      by: [{var: AVISITN, label_var: AVISIT}]
      time: {var: NRRLT, label_var: ATPT}

Statistics are over the non-missing values of a cell (an NE parameter is not counted in n);
concentrations flagged BLQ are counted in `n_blq` and left out of the statistics (`blq_as: missing`)
or taken as 0 (`blq_as: zero`). Each subject has at most one value per cell.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from tlf.spec.base import CONTINUOUS_STATS, DISPLAY_ROWS, AnalysisBase, Strict, known_decimals, known_names

PK_DISPLAY_ROWS = {
    **DISPLAY_ROWS,
    "n_blq": ("n BLQ", "{n_blq}"),
    "geomean_geocv": ("Geom. mean (CV%)", "{geomean} ({geocv})"),
}
PARAMETER_ROWS = {k: v for k, v in PK_DISPLAY_ROWS.items() if k != "n_blq"}
PK_STATS = (*CONTINUOUS_STATS, "n_blq")
COUNT_STATS = ("n", "n_blq")
Scalar = str | int | float


def _check_rows(v: list[str] | None, allowed: dict) -> list[str] | None:
    return known_names(v, allowed, "statistic row", listed=True)


def _check_decimals(v: dict[str, int]) -> dict[str, int]:
    return known_decimals(v)


def check_stat_columns(v: list[str] | None) -> list[str] | None:

    if v is not None and not v:
        raise ValueError("stats_as_columns needs at least one statistic")
    return known_names(v, PK_STATS, listed=True)


def check_pk_output(entry) -> list:
    """A table with `stats_as_columns` holds only analyses whose cells are rows of statistics (continuous,
    by_visit, PK summaries)."""
    from tlf.analyses.registry import STATS_AS_COLUMNS_TYPES

    spec = entry.spec
    if not getattr(spec, "stats_as_columns", None):
        return []
    return [entry.error(("analyses", i, "type"), f"a table with stats_as_columns holds "
                        f"{', '.join(STATS_AS_COLUMNS_TYPES)} analyses only, not '{a.type}'", "SPEC044")
            for i, a in enumerate(spec.analyses) if a.type not in STATS_AS_COLUMNS_TYPES]


class ByVar(Strict):
    """A grouping variable: one group per value (in order of `values`, else sorted), labelled by the
    `label` template ("Day {value}"), else by `label_var` (the variable holding its text, e.g. AVISIT
    for AVISITN), else the value itself."""

    var: str
    """Variable whose values make the groups, e.g. AVISITN or NRRLT (numeric or text)."""
    label: str | None = None
    """Label template, `{value}` replaced by the value (whole numbers without ".0"), e.g. "Day {value}";
    takes precedence over `label_var`. Not set: `label_var`, else the value itself."""
    label_var: str | None = None
    """Variable holding each value's printed text, e.g. AVISIT for AVISITN or ATPT for NRRLT (the text of
    the first record with the value)."""
    values: list[Scalar] | None = None
    """The values shown, in this order (others left out), e.g. [1, 29]; numbers match numerically
    (1 and 1.0). A value no column has records for is left out of the table (a shell still shows it).
    Not set: every value in the data, sorted (numbers before text)."""


class PkParameter(Strict):
    """One PK parameter summarised: its code, row label and, optionally, its own statistic rows."""

    code: str
    """The parameter's code, a value of `param_var` (PPTESTCD), e.g. CMAX; it must occur in the dataset."""
    label: str | None = None
    """Row label, e.g. "Cmax (ng/mL)"; not set: the parameter's name (`name_var`, else the code) with its
    unit (`unit_var`) in parentheses when the parameter has one unit in the data."""
    rows: list[str] | None = None
    """This parameter's statistic rows, replacing the analysis' `rows`, e.g. [n, median_min_max] for Tmax;
    with `stats_as_columns`, the statistics these rows do not show are left blank. Not set: the
    analysis' rows."""

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v):
        return _check_rows(v, PARAMETER_ROWS)


class _PkSummary(AnalysisBase):
    dataset: str
    """The dataset summarised (required: never the subject-level dataset): an ADPP-like parameter dataset
    for pk_parameters, an ADPC-like concentration dataset for pk_concentrations; a dataset study.yaml
    derives (e.g. by `nca:`) is read the same way."""
    by: list[ByVar] = []
    """Row groups, outermost first, e.g. [{var: AVISITN, label: "Day {value}"}]; several variables give
    every combination, labels joined by " / ". A subject with more than one record in a group for
    a parameter (or time point) is an error. Default: no groups."""
    sig: Annotated[int, Field(ge=1, le=8)] | None = 3
    """Significant figures of every statistic but n and n BLQ (integers) and CV% and geometric CV% (1
    decimal); default 3. null: decimals by the precision the values were collected with, d (the most
    decimals a value of the parameter, or of the concentrations, has): mean, median, quartiles and geometric
    mean d+1, SD and SE d+2, min and max d, as a continuous summary prints."""
    decimals: dict[str, Annotated[int, Field(ge=0, le=8)]] = {}
    """Decimals by statistic (mean, sd, se, median, q1, q3, min, max, cv, geomean, geocv; n and n BLQ are
    whole numbers, so `n` is an error), overriding
    `sig` for that statistic in every row of the analysis, e.g. {min: 2, max: 2}."""

    @field_validator("decimals")
    @classmethod
    def _known_stats(cls, v):
        return _check_decimals(v)


class PkParametersAnalysis(_PkSummary):
    """Descriptive statistics of PK parameters (one row per subject, profile and parameter)."""

    type: Literal["pk_parameters"]
    """`pk_parameters`."""
    parameters: Annotated[list[PkParameter], Field(min_length=1)]
    """The parameters summarised (at least one), in print order, under each `by` group. A parameter no
    column has records for in a group (e.g. accumulation ratios on the reference day) is left out there."""
    rows: list[str] = ["n", "mean_sd", "cv", "geomean", "geocv", "median", "min_max"]
    """Statistic rows under each parameter, in order, from: n, mean, sd, se, mean_sd, mean_se, median,
    q1_q3, min, max, min_max, median_min_max, cv, geomean, geocv, geomean_geocv. Not used with
    `stats_as_columns` (the table's `stats_as_columns` lists the statistics)."""
    param_var: str = "PPTESTCD"
    """Variable holding the parameter code that `parameters[].code` names; default PPTESTCD."""
    value_var: str = "PPSTRESN"
    """Numeric variable holding the parameter's value; default PPSTRESN. A missing value (NE) is not
    counted in n; text that is not a number is an error."""
    unit_var: str | None = "PPSTRESU"
    """Variable holding the unit, for default labels ("Cmax (ng/mL)"); default PPSTRESU; null, or a
    variable the dataset does not have: no unit."""
    name_var: str | None = "PPTEST"
    """Variable holding the parameter's name, for default labels; default PPTEST; null, or a variable
    the dataset does not have: the code."""

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v):
        return _check_rows(v, PARAMETER_ROWS)


class PkConcentrationsAnalysis(_PkSummary):
    """Descriptive statistics of concentrations by (group and) time point, with the number BLQ."""

    type: Literal["pk_concentrations"]
    """`pk_concentrations`."""
    var: str
    """Numeric concentration variable, e.g. AVAL."""
    time: ByVar
    """The time points, a row group each under each `by` group, e.g. {var: NRRLT, label_var: ATPT}
    (nominal time, labelled by the time point's text); a time point no column has records for in a
    group (e.g. 2 h on a trough-only day) is left out there."""
    blq: str | None = None
    """Flag of concentrations below the lower limit of quantification, e.g. BLQFL (Y, YES, TRUE, T or 1,
    any case, is BLQ; anything else is not): counted in n BLQ, their value handled as `blq_as` says.
    Not set: n BLQ is 0 and every non-missing value enters the statistics."""
    blq_as: Literal["missing", "zero"] = "missing"
    """BLQ concentrations: `missing` (default) leaves them out of n and the statistics; `zero` counts
    them as 0 in n and the statistics (the geometric mean and CV% of a cell with one are then NE)."""
    rows: list[str] = ["n", "n_blq", "mean_sd", "cv", "geomean_geocv", "median", "min_max"]
    """Statistic rows under each time point, in order: those of pk_parameters' `rows` and n_blq (the
    number BLQ). Not used with `stats_as_columns`."""

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v):
        return _check_rows(v, PK_DISPLAY_ROWS)




MODELS = {"pk_parameters": PkParametersAnalysis, "pk_concentrations": PkConcentrationsAnalysis}

EXAMPLES = {
    "pk_parameters": """id: params
type: pk_parameters
dataset: adpp
by: [{var: AVISITN, label: "Day {value}", values: [1, 29]}]
sig: 3
parameters:
  - {code: CMAX,   label: "Cmax (ng/mL)"}
  - {code: TMAX,   label: "Tmax (h)", rows: [n, median_min_max]}
  - {code: AUCTAU, label: "AUCtau (h*ng/mL)"}
  - {code: LAMZHL, label: "t1/2 (h)"}
  - {code: ARAUC,  label: "AR AUCtau"}
""",
    "pk_concentrations": """id: conc
type: pk_concentrations
dataset: adpc
var: AVAL
blq: BLQFL
blq_as: missing
by: [{var: AVISITN, label: "Day {value}", values: [1, 15, 29, 57, 85]}]
time: {var: NRRLT, label_var: ATPT}
sig: 3
""",
}
