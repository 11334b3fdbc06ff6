"""The stratum of each subject for a stat column's `strata:` (a stratified CMH or log-rank test): read
from the subject-level dataset when it holds the variable, else from the analysis's dataset (one value
per subject there). A variable in neither is a located spec error (SPEC105); a subject with two values
in the analysis records is one too (SPEC106). A missing value is None: the test leaves the subject out."""

from __future__ import annotations

from typing import Any

from tlf.errors import did_you_mean
from tlf.stats.values import norm_value


def subject_strata(ctx, k: int, var: str, subjects) -> dict[Any, Any]:
    """{subject: stratum value or None} of `subjects` for stat column k's `strata` variable `var`."""
    return subject_values_of(ctx, ("stat_columns", k, "strata"), var, subjects)


def subject_values_of(ctx, key: tuple, var: str, subjects) -> dict[Any, Any]:
    """{subject: value or None} of `subjects` for variable `var` named at spec key `key` (a stratum, a
    covariate): one value per subject, from the subject-level dataset, else the analysis's dataset."""
    sid = ctx.data.subject_id
    names = [ctx.data.subject_dataset]
    if ctx.dataset_name not in names:
        names.append(ctx.dataset_name)
    for name in names:
        frame = ctx.data.dataset(name).frame
        if var not in frame.columns:
            continue
        recs = frame.loc[frame[sid].isin(set(subjects)), [sid, var]]
        seen: dict[Any, Any] = {}
        for s, v in zip(recs[sid], recs[var], strict=True):
            v = norm_value(v)
            if s in seen and seen[s] is not None and v is not None and seen[s] != v:
                raise ctx.entry.error(key, f"subject {s} has records with different "
                                      f"values of {var} in dataset {name} ('{seen[s]}', '{v}'): it must be one "
                                      "value per subject", "SPEC106")
            if seen.get(s) is None:
                seen[s] = v
        return {s: seen.get(s) for s in subjects}
    cols = ctx.data.dataset(ctx.data.subject_dataset).frame.columns
    raise ctx.entry.error(key, f"variable '{var}' not found in dataset "
                          f"{' or '.join(names)}{did_you_mean(var, cols)}", "SPEC105")


def missing_note(var: str, strata: dict) -> tuple[str, ...]:
    n = sum(v is None for v in strata.values())
    return (f"{n} subject(s) with a missing {var} left out of the stratified test",) if n else ()


def check_variables(ctx, columns) -> None:
    """For `tlf check`: every `strata` of the output's stat columns, and the `hazard_ratio` strata,
    covariates and reference of a time_to_event analysis, name a variable of ADSL or of the analysis's
    dataset (SPEC105) and an active column (SPEC109)."""
    names = {ctx.data.subject_dataset, ctx.dataset_name}
    have = set().union(*(set(ctx.data.dataset(n).frame.columns) for n in names))
    keys = [(("stat_columns", k, "strata"), sc.strata) for k, sc in enumerate(getattr(ctx.entry.spec, "stat_columns", ())) if sc.strata]
    hr = getattr(ctx.analysis, "hazard_ratio", None)
    if hr is not None:
        keys += [(("analyses", ctx.index, "hazard_ratio", part, j), v) for part in ("strata", "covariates")
                 for j, v in enumerate(getattr(hr, part))]
        ids = [c.id for c in columns if ctx.active(c)]
        if hr.reference not in ids:
            raise ctx.error(("hazard_ratio", "reference"), f"'{hr.reference}' is not an active treatment column of "
                            f"this analysis{did_you_mean(hr.reference, ids)}", "SPEC109")
    for key, var in keys:
        if var not in have:
            raise ctx.entry.error(key, f"variable '{var}' not found in dataset {' or '.join(sorted(names))}"
                                  f"{did_you_mean(var, have)}", "SPEC105")
