"""A study.yaml `nca:` dataset: the NCA engine (tlf.stats.pk) run on the concentration dataset a spec
names, giving an ADPP-like Dataset that any output reads like a file dataset.

StudyData (tlf.data.datasets) calls `nca_dataset_from_spec` the first time the dataset is read and
keeps the result; the orchestrator hands this function in, so the data stage never imports statistics.
Spec problems (a variable the concentration dataset does not have, a `keep` variable that varies
within a profile) are errors located in study.yaml; data problems are DataErrors naming the dataset,
variable and subject (or, with `bad_data: not_estimable`, every parameter of that profile is NE with
the problem as its reason).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tlf.data.read import Dataset
from tlf.errors import DataError, SpecError, did_you_mean, raise_all
from tlf.stats.nca_model import NcaOptions, NcaUnits
from tlf.stats.pk import adpp_frame, nca_results
from tlf.stats.values import value_text

if TYPE_CHECKING:
    from tlf.spec.derived import NcaSpec

ADPP_LABELS = {
    "PPTESTCD": "Parameter Short Name",
    "PPTEST": "Parameter Name",
    "PPSTRESN": "Numeric Result/Finding in Std Units",
    "PPSTRESU": "Standard Units",
    "PPSTAT": "Completion Status",
    "PPREASND": "Reason Parameter Not Calculated",
    "R2ADJFL": "Adjusted R-squared Below Limit Flag",
    "AUCPEOFL": "AUC %Extrapolated Above Limit Flag",
    "SPANFL": "Lambda z Span Below Limit Flag",
    "UNRELFL": "Unreliable Estimate Flag",
    "NCANOTE": "NCA Notes",
}


def nca_dataset_from_spec(src: Dataset, spec: NcaSpec, *, name: str, subject_id: str,
                          error: Callable[[tuple, str, str], Exception]) -> Dataset:
    """The NCA parameters of every profile in `src` (already filtered by the spec's `where`).
    `error(key, message, code)` builds an error located at `data.datasets.<name>.nca.<key>`."""
    frame = src.frame
    single = spec.variables
    subject = single.get("subject", subject_id.upper())
    profile = [p.upper() for p in spec.profile]
    keep = [k.upper() for k in spec.keep if k.upper() not in profile and k.upper() != subject]
    wanted = [((key,), var) for key, var in single.items()]
    wanted += [(("profile", i), v) for i, v in enumerate(profile)]
    wanted += [(("keep", i), k.upper()) for i, k in enumerate(spec.keep)]
    if "subject" not in single:
        wanted.insert(0, (("from",), subject))
    raise_all([error(key, f"variable '{var}' not found in dataset {src.name}{did_you_mean(var, frame.columns)}",
                     "SPEC041") for key, var in wanted if var not in frame.columns])
    _check_constant(frame, [subject, *profile], keep, src.name, name)

    try:
        options = NcaOptions(units=NcaUnits(**spec.units.model_dump()), **spec.options.given())
    except SpecError as e:
        raise error(("options", e.key), e.message, e.code) from None
    overrides = [({k.upper(): v for k, v in o.match.items()}, o.options.given()) for o in spec.overrides]
    reference = {k.upper(): v for k, v in spec.reference.items()} if spec.reference else None
    results = nca_results(frame, subject=subject, profile=[*profile, *keep], time=single["time"],
                          conc=single["conc"], blq=single.get("blq"), lloq=single.get("lloq"),
                          dose=single.get("dose"), dose_time=single.get("dose_time"),
                          lz_exclude=single.get("lz_exclude"), options=options, overrides=overrides,
                          reference=reference, dataset=src.name, strict=spec.bad_data == "error")
    out = adpp_frame(results, [*profile, *keep])
    # the subject column keeps the source's values and the study's subject id name
    original = {str(v): v for v in frame[subject].unique()}
    out["USUBJID"] = [original.get(s, s) for s in out["USUBJID"]]
    if subject_id != "USUBJID":
        out = out.rename(columns={"USUBJID": subject_id})
    labels = {**{k: v for k, v in src.labels.items() if k in (subject, *profile, *keep)}, **ADPP_LABELS}
    return Dataset(name, out, labels, None, ())


def _check_constant(frame, keys: list[str], keep: list[str], source: str, name: str) -> None:
    """A `keep` variable must have one value per profile (else it would split profiles)."""
    if not keep or frame.empty:
        return
    counts = frame.groupby(keys, dropna=False)[keep].nunique(dropna=False)
    for k in keep:
        bad = counts[k] > 1
        if bad.any():
            first = counts.index[bad][0]
            first = first if isinstance(first, tuple) else (first,)
            where = ", ".join(f"{c}={value_text(v)}" for c, v in zip(keys[1:], first[1:], strict=True))
            raise DataError(f"has more than one value within a profile{f' ({where})' if where else ''}; "
                            f"`keep` variables of the NCA dataset '{name}' need one value per profile",
                            dataset=source, variable=k, usubjid=str(first[0]), code="NCA040")


