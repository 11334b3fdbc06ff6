"""NCA of a concentration dataset: one `NcaResult` per profile, and an ADPP-like DataFrame of them.

    results = nca_results(adpc, subject="USUBJID", profile=("DAY",), time="ARRLT", conc="AVAL",
                          blq="BLQFL", dose="DOSEA", options=NcaOptions(auc_method="linlog"),
                          overrides=[({"DAY": 29}, {"tau": 24, "impute_start": "cmin"})],
                          reference={"DAY": 1})
    adpp = adpp_frame(results)          # or nca_dataset(...) for both steps

Columns: `subject`, `time`, `conc` (numbers; "BLQ", "<LLOQ" and similar text counts as BLQ) are needed;
`blq` (Y/N, 1/0 or booleans), `lloq` (for the half-LLOQ rule), `dose`, `dose_time` and `lz_exclude`
(Y = never use this sample for lambda_z) are optional. The output always names the subject USUBJID.

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
    ADPP_COLUMNS,
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
from tlf.stats.values import same_value

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
    c_all, b_all = _concentrations(data[conc], dataset, conc, subj, errors)
    if blq:
        b_all |= _flags(data[blq])
    q_all = _numbers(data[lloq], dataset, lloq, subj, errors) if lloq else None
    d_all = _numbers(data[dose], dataset, dose, subj, errors) if dose else None
    dt_all = _numbers(data[dose_time], dataset, dose_time, subj, errors) if dose_time else None
    x_all = _flags(data[lz_exclude]) if lz_exclude else None
    raise_all(errors)

    order, starts, first_rows = _groups(data, [subject, *profile])
    doses = _per_profile(d_all, order, starts)
    dose_times = _per_profile(dt_all, order, starts)
    key_values = data[[subject, *profile]].iloc[first_rows].itertuples(index=False, name=None)
    cache: dict[tuple[int, ...], NcaOptions] = {}
    out: list[ProfileResult] = []
    for g, key in enumerate(key_values):
        idx = order[starts[g]:starts[g + 1]]
        sid = str(key[0])
        keys = tuple(zip(profile, key[1:], strict=True))
        opts = _options_for({subject: key[0], **dict(keys)}, options, overrides, cache) if overrides else options
        try:
            d = _value_of(doses, g, "dose", dataset, dose, sid)
            t = t_all[idx]
            if dt_all is not None:
                t = t - _value_of(dose_times, g, "dose time", dataset, dose_time, sid)
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
    names = ["USUBJID", *profile, *ADPP_COLUMNS[1:], "NCANOTE"]
    cols: dict[str, list] = {n: [] for n in names}
    for r in results:
        res = r.result
        units = res.options.units.table()
        codes = res.codes
        rows = [(code, PARAMETERS[code][1], res.value(code), res.reasons.get(code, ""), units[code],
                 res.flags(code)) for code in codes]
        if r.ratios is not None:
            rows += [(code, spec[1], r.ratios.value(code), r.ratios.reasons.get(code, ""), "", ("", "", "", ""))
                     for code, spec in RATIOS.items()]
        m = len(rows)
        cols["USUBJID"] += [r.usubjid] * m
        for k, v in r.keys:
            cols[k] += [v] * m
        cols["NCANOTE"] += ["; ".join(res.notes)] * m
        for code, name, value, reason, unit, flags in rows:
            ne = not math.isfinite(value)
            cols["PPTESTCD"].append(code)
            cols["PPTEST"].append(name)
            cols["PPSTRESN"].append(value)
            cols["PPSTRESU"].append(unit)
            cols["PPSTAT"].append("NOT DONE" if ne else "")
            cols["PPREASND"].append((reason or "not estimable") if ne else "")
            cols["R2ADJFL"].append(flags[0])
            cols["AUCPEOFL"].append(flags[1])
            cols["SPANFL"].append(flags[2])
            cols["UNRELFL"].append(flags[3])
    frame = pd.DataFrame(cols, columns=names)
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
    return all(same_value(record[k], v) for k, v in selector.items())




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
    cand = num.isna() & series.notna()
    if cand.any():
        bad = cand & (series[cand].astype(str).str.strip() != "").reindex(series.index, fill_value=False)
        if bad.any():
            errors.append(DataError(f"{int(bad.sum())} value(s) are not numbers (e.g. '{series[bad].iloc[0]}')",
                                    dataset=dataset, variable=var, usubjid=str(subj[bad].iloc[0]), code="NCA022"))
    return num.to_numpy(dtype=float)


def _concentrations(series, dataset, var, subj, errors):
    """(numbers, BLQ flags): BLQ markers ("BLQ", "<LLOQ", ...) are BLQ; other text is an error."""
    import numpy as np
    import pandas as pd

    num = pd.to_numeric(series, errors="coerce")
    blq = np.zeros(len(series), dtype=bool)
    text = (num.isna() & series.notna()).to_numpy()
    if text.any():
        s = series[text].astype(str)
        blank = s.str.strip() == ""
        is_blq = s.str.match(BLQ_TEXT).to_numpy()
        blq[np.flatnonzero(text)[is_blq]] = True
        bad = ~is_blq & ~blank.to_numpy()
        if bad.any():
            errors.append(DataError(f"{int(bad.sum())} value(s) are neither numbers nor BLQ (e.g. "
                                    f"'{s[bad].iloc[0]}')", dataset=dataset, variable=var,
                                    usubjid=str(subj[text][bad].iloc[0]), code="NCA023"))
    return num.to_numpy(dtype=float), blq


def _flags(series):
    """Y/N, yes/no, true/false, 1/0 or booleans -> bool array (missing = False). Each distinct value is
    read once."""
    import numpy as np
    import pandas as pd

    if series.dtype == bool:
        return series.to_numpy()
    codes, uniques = pd.factorize(series)
    truth = np.array([str(u).strip().upper() in _TRUE or (not isinstance(u, str) and u == 1) for u in uniques]
                     + [False], dtype=bool)
    return truth[codes]  # code -1 (missing) reads the trailing False


def _groups(data, keys):
    """(row order, group starts, first row of each group): rows grouped by the key columns (sorted by
    them, missing keys last), keeping the data's order inside a group."""
    import numpy as np

    gid = data.groupby(keys, sort=True, dropna=False).ngroup().to_numpy()
    order = np.argsort(gid, kind="stable")
    starts = np.searchsorted(gid[order], np.arange(gid.max() + 2 if len(gid) else 1))
    return order, starts, order[starts[:-1]]


def _per_profile(values, order, starts):
    """(min, max) of a per-profile column in each group, ignoring missing values (NaN when all are)."""
    import numpy as np

    if values is None:
        return None
    v = values[order]
    if v.size == 0:
        return np.empty(0), np.empty(0)
    with np.errstate(invalid="ignore"):
        lo = np.fmin.reduceat(v, starts[:-1])
        hi = np.fmax.reduceat(v, starts[:-1])
    return lo, hi


def _value_of(minmax, g, what, dataset, var, sid) -> float | None:
    """The single value of a per-profile column in group g (NaN when missing); two values are an error."""
    if minmax is None:
        return None
    lo, hi = float(minmax[0][g]), float(minmax[1][g])
    if lo != hi and lo == lo:
        raise DataError(f"the {what} differs within one profile (from {lo:g} to {hi:g})", dataset=dataset,
                        variable=var, usubjid=sid, code="NCA024")
    return lo


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
