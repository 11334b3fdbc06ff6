"""NCA of a concentration dataset: one `NcaResult` per profile, and an ADPP-like DataFrame of them.

    results = nca_results(adpc, subject="USUBJID", profile=("DAY",), time="ARRLT", conc="AVAL",
                          blq="BLQFL", dose="DOSEA", options=NcaOptions(auc_method="linlog"),
                          overrides=[({"DAY": 29}, {"tau": 24, "impute_start": "cmin"})],
                          reference={"DAY": 1})
    adpp = adpp_frame(results)          # or nca_dataset(...) for both steps

A profile is one subject and one combination of the `profile` key values (e.g. day, period, analyte).
Times must be relative to the profile's dose, or `dose_time` names a column holding the dose time on
the same scale (it is subtracted). `overrides` changes options for the profiles whose subject/key
values match a selector (later entries win): that is how a spec sets tau for day 29, or picks lambda_z
points by hand for one subject. `reference` names the reference profile of each subject (e.g. day 1);
every other profile of that subject gets the accumulation ratios ARAUC, ARCMAX and ARCTROUG.

Bad data: a missing subject or time, duplicate times in a profile, a negative concentration, a dose
that differs within a profile, or text that is neither a number nor a BLQ marker, is a DataError naming
the dataset, the variable and the subject; with strict=True (default) all of them are collected and
raised together, with strict=False the profile is reported with every parameter NE and the message as
its reason. Everything else (all BLQ, one sample, missing dose, Cmax at the end) is NE with a reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tlf.errors import DataError, SpecError, TlfError, did_you_mean, raise_all
from tlf.stats.nca import (
    DEFAULT_OPTIONS,
    PARAMETERS,
    RATIOS,
    AccumulationRatios,
    NcaOptions,
    NcaResult,
    accumulation_ratios,
    nca_profile,
    not_estimable_result,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ProfileResult", "nca_results", "adpp_frame", "nca_dataset", "NcaOptions", "NcaResult"]

BLQ_TEXT = re.compile(r"^\s*(BLQ|BQL|BLOQ|<\s*LLOQ|<\s*LOQ)\s*$", re.IGNORECASE)
_TRUE = {"Y", "YES", "TRUE", "T", "1"}


@dataclass(frozen=True)
class ProfileResult:
    """One profile's NCA: who and which profile, the result, and its accumulation ratios (if any)."""

    usubjid: str
    keys: tuple[tuple[str, Any], ...]
    result: NcaResult
    ratios: AccumulationRatios | None = None

    def to_adpp(self) -> list[dict[str, Any]]:
        k = dict(self.keys)
        rows = self.result.to_adpp(self.usubjid, k)
        if self.ratios is not None:
            rows += self.ratios.to_adpp(self.usubjid, k)
        return rows


Override = tuple[Mapping[str, Any], Mapping[str, Any]]


def nca_results(data: pd.DataFrame, *, subject: str = "USUBJID", profile: Sequence[str] = (),
                time: str = "TIME", conc: str = "CONC", blq: str | None = None, lloq: str | None = None,
                dose: str | None = None, dose_time: str | None = None, lz_exclude: str | None = None,
                options: NcaOptions = DEFAULT_OPTIONS, overrides: Iterable[Override] = (),
                reference: Mapping[str, Any] | None = None, dataset: str = "ADPC",
                strict: bool = True) -> list[ProfileResult]:
    """NCA of every profile of a long concentration dataset (one row per sample), in the order of
    subject then profile keys. Column arguments name columns of `data`; see the module docstring."""
    profile = tuple(profile)
    cols = {"subject": subject, "time": time, "conc": conc, "blq": blq, "lloq": lloq, "dose": dose,
            "dose_time": dose_time, "lz_exclude": lz_exclude}
    wanted = [c for c in (*cols.values(), *profile) if c]
    absent = [c for c in wanted if c not in data.columns]
    if absent:
        raise_all([DataError(f"column not found{did_you_mean(c, data.columns)}", dataset=dataset,
                             variable=c, code="NCA020") for c in absent])
    overrides = tuple(overrides)
    _check_selectors(overrides, reference, (subject, *profile))

    errors: list[TlfError] = []
    subj = data[subject]
    if subj.isna().any():
        errors.append(DataError(f"{int(subj.isna().sum())} row(s) without a subject", dataset=dataset,
                                variable=subject, code="NCA021"))
    t_all = _numbers(data[time], dataset, time, subj, errors)
    c_all, blq_text = _concentrations(data[conc], dataset, conc, subj, errors)
    b_all = blq_text | (_flags(data[blq]) if blq else False)
    q_all = _numbers(data[lloq], dataset, lloq, subj, errors) if lloq else None
    d_all = _numbers(data[dose], dataset, dose, subj, errors) if dose else None
    dt_all = _numbers(data[dose_time], dataset, dose_time, subj, errors) if dose_time else None
    x_all = _flags(data[lz_exclude]) if lz_exclude else None
    raise_all(errors)

    groups = data.groupby([subject, *profile], sort=True, dropna=False).indices
    cache: dict[tuple[int, ...], NcaOptions] = {}
    out: list[ProfileResult] = []
    for key, idx in groups.items():
        key = key if isinstance(key, tuple) else (key,)
        sid = str(key[0])
        keys = tuple(zip(profile, key[1:], strict=True))
        record = {subject: key[0], **dict(keys)}
        opts = _options_for(record, options, overrides, cache)
        try:
            d = _one_value(d_all, idx, "dose", dataset, dose, sid)
            t = t_all[idx]
            if dt_all is not None:
                t = t - _one_value(dt_all, idx, "dose time", dataset, dose_time, sid)
            res = nca_profile(t, c_all[idx], blq=b_all[idx], lloq=None if q_all is None else q_all[idx],
                              dose=d, options=opts, lz_exclude=None if x_all is None else x_all[idx],
                              dataset=dataset, usubjid=sid, time_var=time, conc_var=conc)
        except DataError as e:
            errors.append(e)
            res = not_estimable_result(f"bad data: {e.message}", opts)
        out.append(ProfileResult(sid, keys, res))
    if strict:
        raise_all(errors)
    if reference:
        out = _with_ratios(out, reference)
    return out


def adpp_frame(results: Sequence[ProfileResult], profile: Sequence[str] | None = None) -> pd.DataFrame:
    """The ADPP-like DataFrame of profile results: USUBJID, the profile keys, PPTESTCD, PPTEST,
    PPSTRESN, PPSTRESU, PPSTAT, PPREASND, R2ADJFL, AUCPEOFL, SPANFL, UNRELFL, NCANOTE."""
    import pandas as pd

    if profile is None:
        profile = [k for k, _ in results[0].keys] if results else []
    rows = []
    for r in results:
        note = "; ".join(r.result.notes)
        for row in r.to_adpp():
            row["NCANOTE"] = note
            rows.append(row)
    from tlf.stats.nca import ADPP_COLUMNS

    columns = [ADPP_COLUMNS[0], *profile, *ADPP_COLUMNS[1:], "NCANOTE"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["PPSTRESN"] = frame["PPSTRESN"].astype("float64")
    return frame


def nca_dataset(data: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """`adpp_frame(nca_results(data, **kwargs))`: the ADPP-like DataFrame of a concentration dataset."""
    return adpp_frame(nca_results(data, **kwargs), list(kwargs.get("profile", ())))


def parameter_names() -> dict[str, str]:
    """PPTESTCD -> PPTEST of every parameter tlf reports."""
    return {code: spec[1] for code, spec in {**PARAMETERS, **RATIOS}.items()}


# ----------------------------------------------------------------------------- helpers
def _check_selectors(overrides, reference, allowed) -> None:
    errors: list[TlfError] = []
    fields = set(NcaOptions.__dataclass_fields__)
    for i, item in enumerate(overrides):
        if not (isinstance(item, tuple | list) and len(item) == 2):
            errors.append(SpecError("an override is a pair (selector, changes)", key=f"overrides[{i}]",
                                    code="NCA030"))
            continue
        sel, changes = item
        errors += [SpecError(f"'{k}' is not a subject or profile column{did_you_mean(k, allowed)}",
                             key=f"overrides[{i}].{k}", code="NCA031") for k in sel if k not in allowed]
        errors += [SpecError(f"unknown NCA option '{k}'{did_you_mean(k, fields)}", key=f"overrides[{i}].{k}",
                             code="NCA032") for k in changes if k not in fields]
    if reference:
        errors += [SpecError(f"'{k}' is not a profile column{did_you_mean(k, allowed[1:])}",
                             key=f"reference.{k}", code="NCA033") for k in reference if k not in allowed[1:]]
    raise_all(errors)


def _matches(record: Mapping[str, Any], selector: Mapping[str, Any]) -> bool:
    return all(_same(record[k], v) for k, v in selector.items())


def _same(a: Any, b: Any) -> bool:
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _options_for(record, options, overrides, cache) -> NcaOptions:
    hits = tuple(i for i, (sel, _) in enumerate(overrides) if _matches(record, sel))
    if hits not in cache:
        opts = options
        for i in hits:
            opts = replace(opts, **dict(overrides[i][1]))
        cache[hits] = opts
    return cache[hits]


def _numbers(series, dataset, var, subj, errors):
    import pandas as pd

    num = pd.to_numeric(series, errors="coerce")
    bad = num.isna() & series.notna() & (series.astype(str).str.strip() != "")
    if bad.any():
        first = series[bad].iloc[0]
        errors.append(DataError(f"{int(bad.sum())} value(s) are not numbers (e.g. '{first}')", dataset=dataset,
                                variable=var, usubjid=str(subj[bad].iloc[0]), code="NCA022"))
    return num.to_numpy(dtype=float)


def _concentrations(series, dataset, var, subj, errors):
    """Numbers, with BLQ markers ("BLQ", "<LLOQ", ...) read as BLQ; other text is an error."""
    import numpy as np
    import pandas as pd

    num = pd.to_numeric(series, errors="coerce")
    text = num.isna() & series.notna()
    blq = np.zeros(len(series), dtype=bool)
    if text.any():
        s = series[text].astype(str)
        is_blq = s.str.match(BLQ_TEXT) | (s.str.strip() == "")
        blq[np.flatnonzero(text.to_numpy())[is_blq.to_numpy()]] = True
        bad = ~is_blq
        if bad.any():
            errors.append(DataError(f"{int(bad.sum())} value(s) are neither numbers nor BLQ (e.g. "
                                    f"'{s[bad].iloc[0]}')", dataset=dataset, variable=var,
                                    usubjid=str(subj[text][bad.to_numpy()].iloc[0]), code="NCA023"))
        blq &= series.notna().to_numpy() & (series.astype(str).str.strip() != "").to_numpy()
    return num.to_numpy(dtype=float), blq


def _flags(series):
    """Y/N, yes/no, true/false, 1/0 or booleans -> bool array (missing = False)."""
    import pandas as pd

    if series.dtype == bool:
        return series.to_numpy()
    if pd.api.types.is_numeric_dtype(series):
        return (series.fillna(0).to_numpy(dtype=float) != 0)
    return (series.notna() & series.astype(str).str.strip().str.upper().isin(_TRUE)).to_numpy()


def _one_value(values, idx, what, dataset, var, sid) -> float | None:
    """The single value of a per-profile column (NaN when all missing); differing values are an error."""
    if values is None:
        return None
    v = values[idx]
    v = v[v == v]
    if v.size == 0:
        return math.nan
    if (v != v[0]).any():
        shown = ", ".join(f"{u:g}" for u in sorted(set(v.tolist())))
        raise DataError(f"the {what} differs within one profile ({shown})", dataset=dataset, variable=var,
                        usubjid=sid, code="NCA024")
    return float(v[0])


def _with_ratios(out: list[ProfileResult], reference: Mapping[str, Any]) -> list[ProfileResult]:
    refs: dict[str, ProfileResult] = {}
    for r in out:
        if _matches(dict(r.keys), reference):
            refs.setdefault(r.usubjid, r)
    shown = ", ".join(f"{k}={v}" for k, v in reference.items())
    res = []
    for r in out:
        ref = refs.get(r.usubjid)
        if ref is r:
            res.append(r)
            continue
        if ref is None:
            why = f"no reference profile ({shown}) for this subject"
            ratios = AccumulationRatios(reasons=dict.fromkeys(RATIOS, why))
        else:
            ratios = accumulation_ratios(r.result, ref.result)
        res.append(replace(r, ratios=ratios))
    return res
