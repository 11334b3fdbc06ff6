"""Datasets computed from other datasets, declared in study.yaml instead of a file.

    data:
      datasets:
        adpc: {file: adpc.xpt}
        adpp:                               # PK parameters by NCA, computed when first read
          period_var: APERIOD
          nca:
            from: adpc                      # the concentration dataset
            where: "PKINTFL == 'Y'"         # which samples (the where: language)
            profile: [AVISITN]              # one profile per subject and value(s) of these
            time: ARRLT                     # time since the profile's dose
            conc: AVAL
            blq: BLQFL                      # optional: Y = below the limit of quantification
            lloq: PCLLOQ                    # optional: for blq rule half_lloq
            dose: DOSEA                     # optional: CL/F and Vz/F need it
            keep: [TRTA, APERIOD]           # profile-level variables carried to the result
            units: {time: h, conc: ng/mL, dose: mg}
            options: {auc_method: linlog, tau: 24}
            overrides:                      # options for the profiles that match (later entries win)
              - {match: {AVISITN: 29}, options: {impute_start: predose}}
            reference: {AVISITN: 1}         # accumulation ratios of other profiles against this one
        adsl:                               # a subject-level dataset from a long one (no ADSL file)
          subjects: {from: pc, keep: [WT]}
        adppw:                              # long to wide: one record per subject and day, a column per parameter
          pivot: {from: adpp, id: [USUBJID, AVISITN], names: PPTESTCD, values: PPSTRESN, label: PPTEST}

The NCA dataset has the subject id, the profile and `keep` variables, and one row per parameter:
PPTESTCD, PPTEST, PPSTRESN, PPSTRESU, PPSTAT, PPREASND and the reliability flags (see tlf.stats.pk).
Options not given take the engine's defaults (tlf.stats.nca_model.NcaOptions), which are declared
there only; the choices listed here are checked against the engine's by a test.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

VarName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")]
Scalar = str | int | float


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NcaOptionsSpec(_Strict):
    """NCA options (see tlf.stats.nca_model.NcaOptions for their meaning). Unset = engine default."""

    auc_method: Literal["linear", "linlog"] | None = None
    blq_before: Literal["zero", "missing", "half_lloq"] | None = None
    blq_between: Literal["zero", "missing", "half_lloq"] | None = None
    blq_after: Literal["zero", "missing", "half_lloq"] | None = None
    impute_start: Literal["zero", "predose", "cmin", "none"] | None = None
    lambda_z_times: list[float] | None = None
    lambda_z_exclude: list[float] | None = None
    lambda_z_min_points: Annotated[int, Field(ge=2)] | None = None
    lambda_z_tolerance: Annotated[float, Field(ge=0)] | None = None
    lambda_z_include_cmax: bool | None = None
    tau: Annotated[float, Field(gt=0)] | None = None
    ctrough_from: Literal["tau", "predose"] | None = None
    min_r2adj: float | None = None
    max_aucpeo: float | None = None
    min_span: float | None = None
    time_tolerance: Annotated[float, Field(ge=0)] | None = None

    def given(self) -> dict:
        """The options the spec sets (everything else keeps the engine's default)."""
        return {k: (tuple(v) if isinstance(v, list) else v) for k, v in self.model_dump(exclude_none=True).items()}


class NcaUnitsSpec(_Strict):
    time: str = ""
    conc: str = ""
    dose: str = ""


class NcaOverride(_Strict):
    """Options for the profiles whose subject, profile or `keep` variables have these values."""

    match: Annotated[dict[str, Scalar], Field(min_length=1)]
    options: NcaOptionsSpec


class NcaSpec(_Strict):
    """A PK parameter dataset computed by NCA from the concentration dataset `from`."""

    source: str = Field(alias="from")
    where: str | None = None
    subject: VarName | None = None  # default: data.subject_id
    profile: list[VarName] = []
    time: VarName
    conc: VarName
    blq: VarName | None = None
    lloq: VarName | None = None
    dose: VarName | None = None
    dose_time: VarName | None = None
    lz_exclude: VarName | None = None
    keep: list[VarName] = []
    units: NcaUnitsSpec = NcaUnitsSpec()
    options: NcaOptionsSpec = NcaOptionsSpec()
    overrides: list[NcaOverride] = []
    reference: Annotated[dict[str, Scalar], Field(min_length=1)] | None = None
    bad_data: Literal["error", "not_estimable"] = "error"  # a profile with bad data: stop, or NE + reason

    @property
    def variables(self) -> dict[str, str]:
        """key in the spec -> variable (upper case, as datasets are read), for the single-variable keys."""
        keys = ("subject", "time", "conc", "blq", "lloq", "dose", "dose_time", "lz_exclude")
        return {k: getattr(self, k).upper() for k in keys if getattr(self, k)}


class SubjectsSpec(_Strict):
    """A subject-level dataset: one record per subject of dataset `from`, with the `keep` variables
    (each must have one value per subject)."""

    source: str = Field(alias="from")
    where: str | None = None
    keep: list[VarName] = []


class PivotSpec(_Strict):
    """Long to wide: one record per combination of the `id` variables, one column per value of `names`
    (e.g. PPTESTCD: CMAX, TMAX, ...) holding `values` (e.g. PPSTRESN); `label` names a variable whose
    text labels the new columns (e.g. PPTEST). A second value for one record and name is an error."""

    source: str = Field(alias="from")
    where: str | None = None
    id: Annotated[list[VarName], Field(min_length=1)]
    names: VarName
    values: VarName
    label: VarName | None = None


def derived_sources(ds) -> tuple[str, str] | None:
    """(kind, source dataset) of a derived DatasetSpec, or None for a file."""
    for kind in ("nca", "subjects", "pivot"):
        spec = getattr(ds, kind, None)
        if spec is not None:
            return kind, spec.source
    return None


def nca_origin(datasets, name: str) -> str | None:
    """The NCA dataset `name` is, or is derived from (e.g. a pivot of one), or None."""
    seen = set()
    while name in datasets and name not in seen:
        seen.add(name)
        src = derived_sources(datasets[name])
        if src is None:
            return None
        if src[0] == "nca":
            return name
        name = src[1]
    return None


def check_derived(study) -> list:
    """Cross-checks of derived datasets: the source exists and no dataset is derived from itself."""
    from tlf.errors import did_you_mean

    errors = []
    datasets = study.spec.data.datasets
    for name, ds in datasets.items():
        src = derived_sources(ds)
        if src is None:
            continue
        kind, source = src
        if source not in datasets:
            errors.append(study.error(("data", "datasets", name, kind, "from"), f"unknown dataset '{source}'"
                                      f"{did_you_mean(source, [d for d in datasets if d != name])}", "SPEC032"))
            continue
        chain, cur = [name], source
        while cur is not None:
            if cur in chain:
                errors.append(study.error(("data", "datasets", name, kind, "from"), "datasets are derived from "
                                          f"each other in a circle: {' -> '.join([*chain, cur])}", "SPEC035"))
                break
            chain.append(cur)
            nxt = derived_sources(datasets[cur]) if cur in datasets else None
            cur = nxt[1] if nxt else None
        if kind == "nca":
            errors += _check_nca(study, name, ds.nca)
    return errors


def _check_nca(study, name: str, spec: NcaSpec) -> list:
    from tlf.errors import did_you_mean

    errors = []
    base = ("data", "datasets", name, "nca")
    profile = [p.upper() for p in spec.profile]
    subject = (spec.subject or study.spec.data.subject_id).upper()
    selectable = [subject, *profile, *(k.upper() for k in spec.keep)]
    for i, o in enumerate(spec.overrides):
        for k in o.match:
            if k.upper() not in selectable:
                errors.append(study.error((*base, "overrides", i, "match", k), f"'{k}' is not the subject, a "
                                          f"profile or a keep variable{did_you_mean(k.upper(), selectable)}; "
                                          f"expected one of: {', '.join(selectable)}", "SPEC061"))
    for k in spec.reference or {}:
        if k.upper() not in profile:
            errors.append(study.error((*base, "reference", k), f"'{k}' is not a profile variable"
                                      f"{did_you_mean(k.upper(), profile)}; the reference profile is chosen by "
                                      f"profile variables ({', '.join(profile) or 'none declared'})", "SPEC062"))
    if spec.reference and not profile:
        errors.append(study.error((*base, "reference"), "a reference profile needs profile variables", "SPEC062"))
    return errors
