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
        adlbmax:                            # each subject's maximum post-baseline value per parameter
          select: {from: adlb, where: "AVISITN > 0", record: max, by: AVAL, then: ADT, per: [PARAMCD]}

The NCA dataset has the subject id, the profile and `keep` variables, and one row per parameter:
PPTESTCD, PPTEST, PPSTRESN, PPSTRESU, PPSTAT, PPREASND and the reliability flags (see tlf.stats.pk).
Options not given take the engine's defaults (tlf.stats.nca_model.NcaOptions), which are declared
there only; the choices listed here are checked against the engine's by a test.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tlf.spec.base import RecordSelect, Strict

VarName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")]
Scalar = str | int | float


class NcaOptionsSpec(Strict):
    """NCA options (see tlf.stats.nca_model.NcaOptions for their meaning). Unset = engine default."""

    auc_method: Literal["linear", "linlog"] | None = None
    """AUC by the linear trapezoidal rule, or `linlog`: linear up, log down. Engine default: `linear`."""
    blq_before: Literal["zero", "missing", "half_lloq"] | None = None
    """BLQ samples before the first measurable concentration: 0, left out, or half the LLOQ (`lloq`
    variable). Engine default: `zero`."""
    blq_between: Literal["zero", "missing", "half_lloq"] | None = None
    """BLQ samples between measurable concentrations. Engine default: `missing`."""
    blq_after: Literal["zero", "missing", "half_lloq"] | None = None
    """BLQ samples after the last measurable concentration. Engine default: `missing`."""
    impute_start: Literal["zero", "predose", "cmin", "none"] | None = None
    """Concentration at the dose when no sample is at time 0: 0, the pre-dose sample, the profile's
    minimum (Cmin), or none imputed. Engine default: `zero`."""
    lambda_z_times: list[float] | None = None
    """Fit lambda_z on exactly the samples at these times (manual selection); not set: the best fit is searched."""
    lambda_z_exclude: list[float] | None = None
    """Times of samples never used for lambda_z. Engine default: none."""
    lambda_z_min_points: Annotated[int, Field(ge=2)] | None = None
    """Fewest points of a lambda_z fit. Engine default: `3`."""
    lambda_z_tolerance: Annotated[float, Field(ge=0)] | None = None
    """An adjusted R² within this of the best counts as a tie, won by the fit with more points. Engine
    default: `0.0001`."""
    lambda_z_include_cmax: bool | None = None
    """Let the best fit use the Cmax sample itself (IV bolus). Engine default: `false`."""
    tau: Annotated[float, Field(gt=0)] | None = None
    """Dosing interval (time units) for AUCTAU, CAVG, CTROUGH, CL/F and Vz/F over tau; not set: those are
    not computed."""
    ctrough_from: Literal["tau", "predose"] | None = None
    """Ctrough from the sample at tau or from the pre-dose sample (time 0). Engine default: `tau`."""
    min_r2adj: float | None = None
    """Adjusted R² of lambda_z below this flags lambda_z as unreliable. Engine default: `0.8`."""
    max_aucpeo: float | None = None
    """Percent of AUCinf extrapolated above this flags AUCinf as unreliable. Engine default: `20.0`."""
    min_span: float | None = None
    """lambda_z fitted over fewer half-lives than this is flagged as unreliable. Engine default: `2.0`."""
    time_tolerance: Annotated[float, Field(ge=0)] | None = None
    """Two times closer than this are the same time when matching given times (`tau`, `lambda_z_times`,
    `lambda_z_exclude`). Engine default: `1e-06`."""

    def given(self) -> dict:
        """The options the spec sets (everything else keeps the engine's default)."""
        return {k: (tuple(v) if isinstance(v, list) else v) for k, v in self.model_dump(exclude_none=True).items()}


class NcaUnitsSpec(Strict):
    """Units of the concentration dataset's time, concentration and dose: the parameters' units (PPSTRESU)
    are built from them; a unit left empty leaves the units that need it empty."""

    time: str = ""
    """Unit of time, e.g. `h`; AUC is reported in time*conc, lambda_z in 1/time."""
    conc: str = ""
    """Unit of concentration, e.g. `ng/mL`."""
    dose: str = ""
    """Unit of dose, e.g. `mg`; with a mass per volume concentration CL/F is converted to L/time and Vz/F
    to L."""


class NcaOverride(Strict):
    """Options for the profiles whose subject, profile or `keep` variables have these values."""

    match: Annotated[dict[str, Scalar], Field(min_length=1)]
    """Variable -> value a profile must have (the subject, a `profile` or a `keep` variable), e.g.
    `{AVISITN: 29}`."""
    options: NcaOptionsSpec
    """Options for the matching profiles, over the dataset's `options` (later overrides win)."""


class NcaSpec(Strict):
    """A PK parameter dataset computed by NCA from the concentration dataset `from`."""

    source: str = Field(alias="from")
    """The concentration dataset (in `data.datasets`), one record per sample."""
    where: str | None = None
    """Filter on its records (the where: language), e.g. `"PKINTFL == 'Y'"`; not set: every record."""
    subject: VarName | None = None
    """Subject variable; not set: `data.subject_id`."""
    profile: list[VarName] = []
    """Variables that, with the subject, identify a profile (e.g. AVISITN); none: one profile per subject."""
    time: VarName
    """Time since the profile's dose (or since the first dose, with `dose_time`)."""
    conc: VarName
    """Concentration."""
    blq: VarName | None = None
    """Flag variable (Y/N, yes/no, true/false or 1/0) marking samples below the limit of quantification;
    also BLQ: a concentration given as text such as "BLQ" or "<LLOQ"."""
    lloq: VarName | None = None
    """Lower limit of quantification, for the BLQ rule `half_lloq`."""
    dose: VarName | None = None
    """Dose of the profile; CL/F and Vz/F need it."""
    dose_time: VarName | None = None
    """Time of the profile's dose on the `time` scale, subtracted from `time` (times since a first dose)."""
    lz_exclude: VarName | None = None
    """Flag variable (Y/N, yes/no, true/false or 1/0) marking samples never used for lambda_z."""
    keep: list[VarName] = []
    """Profile-level variables carried to the result (each must have one value per profile)."""
    units: NcaUnitsSpec = NcaUnitsSpec()
    """Units of time, concentration and dose, for the parameters' units (PPSTRESU)."""
    options: NcaOptionsSpec = NcaOptionsSpec()
    """NCA options for every profile; options not given take the engine's defaults."""
    overrides: list[NcaOverride] = []
    """Options for the profiles that match (later entries win)."""
    reference: Annotated[dict[str, Scalar], Field(min_length=1)] | None = None
    """Profile variable -> value of the reference profile, e.g. `{AVISITN: 1}`: accumulation ratios of the
    other profiles are computed against it. Not set: no accumulation ratios."""
    bad_data: Literal["error", "not_estimable"] = "error"
    """A profile with bad data (e.g. duplicate times, a negative concentration): `error` stops with every
    problem named (dataset, variable, subject); `not_estimable` reports the profile with every parameter NE
    and the problem as the reason."""

    @property
    def variables(self) -> dict[str, str]:
        """key in the spec -> variable (upper case, as datasets are read), for the single-variable keys."""
        keys = ("subject", "time", "conc", "blq", "lloq", "dose", "dose_time", "lz_exclude")
        return {k: getattr(self, k).upper() for k in keys if getattr(self, k)}


class SubjectsSpec(Strict):
    """A subject-level dataset: one record per subject of dataset `from`, with the `keep` variables
    (each must have one value per subject)."""

    source: str = Field(alias="from")
    """The dataset the subjects are taken from (in `data.datasets`)."""
    where: str | None = None
    """Filter on its records (the where: language); not set: every record."""
    keep: list[VarName] = []
    """Variables carried to the subject record (each must have one value per subject)."""


class PivotSpec(Strict):
    """Long to wide: one record per combination of the `id` variables, one column per value of `names`
    (e.g. PPTESTCD: CMAX, TMAX, ...) holding `values` (e.g. PPSTRESN); `label` names a variable whose
    text labels the new columns (e.g. PPTEST). A second value for one record and name is an error."""

    source: str = Field(alias="from")
    """The long dataset (in `data.datasets`)."""
    where: str | None = None
    """Filter on its records (the where: language); not set: every record."""
    id: Annotated[list[VarName], Field(min_length=1)]
    """Variables identifying a record of the result, e.g. [USUBJID, AVISITN]."""
    names: VarName
    """Variable whose values name the new columns, e.g. PPTESTCD."""
    values: VarName
    """Variable holding the values of the new columns, e.g. PPSTRESN."""
    label: VarName | None = None
    """Variable whose text labels the new columns, e.g. PPTEST; not set: no labels."""


class SelectSpec(RecordSelect):
    """The records of dataset `from` (meeting `where`) that a record selection keeps: one per subject and
    `per` group, e.g. each subject's maximum post-baseline value per parameter, all variables kept."""

    source: str = Field(alias="from")
    """The dataset the records are selected from (in `data.datasets`), e.g. `adlb`."""
    where: str | None = None
    """Filter on its records before the selection (the where: language), e.g. `"AVISITN > 0"`."""


def derived_sources(ds) -> tuple[str, str] | None:
    """(kind, source dataset) of a derived DatasetSpec, or None for a file."""
    for kind in ("nca", "subjects", "pivot", "select"):
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
