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

from tlf.spec.base import CONTINUOUS_STATS, DISPLAY_ROWS, AnalysisBase, Strict

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
    from tlf.errors import did_you_mean

    for r in v or []:
        if r not in allowed:
            raise ValueError(f"unknown statistic row '{r}'{did_you_mean(r, allowed)}; expected one of "
                             f"{', '.join(allowed)}")
    return v


def _check_decimals(v: dict[str, int]) -> dict[str, int]:
    from tlf.errors import did_you_mean

    for k in v:
        if k not in CONTINUOUS_STATS:
            raise ValueError(f"unknown statistic '{k}'{did_you_mean(k, CONTINUOUS_STATS)}")
    return v


def check_stat_columns(v: list[str] | None) -> list[str] | None:
    from tlf.errors import did_you_mean

    if v is not None and not v:
        raise ValueError("stats_as_columns needs at least one statistic")
    for k in v or []:
        if k not in PK_STATS:
            raise ValueError(f"unknown statistic '{k}'{did_you_mean(k, PK_STATS)}; expected one of {', '.join(PK_STATS)}")
    return v


def check_pk_output(entry) -> list:
    """A table with `stats_as_columns` holds only PK summaries (their cells are rows of statistics)."""
    spec = entry.spec
    if not getattr(spec, "stats_as_columns", None):
        return []
    return [entry.error(("analyses", i, "type"), f"a table with stats_as_columns holds pk_parameters and "
                        f"pk_concentrations analyses only, not '{a.type}'", "SPEC044")
            for i, a in enumerate(spec.analyses) if a.type not in ("pk_parameters", "pk_concentrations")]


class ByVar(Strict):
    """A grouping variable: one group per value (in order of `values`, else sorted), labelled by
    `label_var` (the variable holding its text, e.g. AVISIT for AVISITN) or the `label` template
    ("Day {value}"), else the value itself."""

    var: str
    label: str | None = None
    label_var: str | None = None
    values: list[Scalar] | None = None


class PkParameter(Strict):
    code: str
    label: str | None = None  # default: the parameter name (PPTEST) and unit from the data
    rows: list[str] | None = None  # default: the analysis' rows

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v):
        return _check_rows(v, PARAMETER_ROWS)


class _PkSummary(AnalysisBase):
    dataset: str  # required: never the subject-level dataset
    by: list[ByVar] = []
    sig: Annotated[int, Field(ge=1, le=8)] | None = 3
    decimals: dict[str, Annotated[int, Field(ge=0, le=8)]] = {}

    @field_validator("decimals")
    @classmethod
    def _known_stats(cls, v):
        return _check_decimals(v)


class PkParametersAnalysis(_PkSummary):
    """Descriptive statistics of PK parameters (one row per subject, profile and parameter)."""

    type: Literal["pk_parameters"]
    parameters: Annotated[list[PkParameter], Field(min_length=1)]
    rows: list[str] = ["n", "mean_sd", "cv", "geomean", "geocv", "median", "min_max"]
    param_var: str = "PPTESTCD"
    value_var: str = "PPSTRESN"
    unit_var: str | None = "PPSTRESU"
    name_var: str | None = "PPTEST"

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v):
        return _check_rows(v, PARAMETER_ROWS)


class PkConcentrationsAnalysis(_PkSummary):
    """Descriptive statistics of concentrations by (group and) time point, with the number BLQ."""

    type: Literal["pk_concentrations"]
    var: str
    time: ByVar
    blq: str | None = None  # BLQ flag (Y/N, 1/0); without one, n BLQ is 0
    blq_as: Literal["missing", "zero"] = "missing"
    rows: list[str] = ["n", "n_blq", "mean_sd", "cv", "geomean_geocv", "median", "min_max"]

    @field_validator("rows")
    @classmethod
    def _known_rows(cls, v):
        return _check_rows(v, PK_DISPLAY_ROWS)




MODELS = {"pk_parameters": PkParametersAnalysis, "pk_concentrations": PkConcentrationsAnalysis}
