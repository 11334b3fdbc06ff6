"""Non-compartmental analysis (NCA) of one concentration-time profile: numbers only, never text.

`nca_profile(time, conc, ...)` returns an `NcaResult` (defined with the options and the parameter
terminology in `tlf.stats.nca_model`); `tlf.stats.pk` runs it over a dataset.

Conventions (each a default that `NcaOptions` can change):

* Times are relative to the profile's dose. Samples before the dose (time < 0) are set aside: they
  never enter Cmax or an AUC, but the last of them can stand in for the concentration at the dose
  (`impute_start="predose"`).
* Input checks: a missing time, two samples at one time, or a negative concentration is a
  `DataError` (never guessed around). Times out of order are sorted, with a note. A missing
  concentration that is not flagged BLQ is a sample not analysed: it is dropped, with a note.
* BLQ (below the limit of quantification; a BLQ flag or a concentration of exactly 0): before the first
  measurable concentration -> 0; between measurable ones -> missing (dropped); after the last -> missing.
  Each of the three positions takes "zero", "missing" or "half_lloq" (LLOQ / 2, needs the LLOQ).
* No measurable concentration at or after the dose: every parameter is NE with that reason.
* AUC from the dose: when no sample is at time 0, a point (0, C0) is added, C0 = 0 (`impute_start=
  "zero"`, WinNonlin's rule for a first dose), the last pre-dose concentration ("predose"), the
  smallest concentration in the profile ("cmin", WinNonlin's rule at steady state), or nothing ("none").
* AUC method: "linear" (linear trapezoidal) or "linlog" (linear up / log down: the log trapezoid
  (C1 - C2)(t2 - t1) / ln(C1/C2) on every segment where the concentration falls and both are > 0).
  Interpolation inside a segment (for AUCTAU) follows the same rule.
* Cmax/Tmax: the largest observed concentration at or after the dose, the first time it occurs.
  Clast/Tlast: the last positive concentration. AUClast: from the dose to Tlast.
* lambda_z: see `tlf.stats.lambda_z`; the candidates are the positive concentrations after Tmax
  (Tmax itself with `lambda_z_include_cmax`, as for an IV bolus), less the excluded times.
  AUCIFO = AUClast + Clast/lambda_z; AUCPEO = 100 (Clast/lambda_z) / AUCIFO; LAMZHL = ln 2 / lambda_z;
  CLFO = Dose / AUCIFO; VZFO = Dose / (lambda_z AUCIFO) (x a unit factor, see `NcaUnits`).
* With a dosing interval tau: AUCTAU = AUC from 0 to tau (interpolated inside the data, extrapolated
  with lambda_z from Tlast beyond it, as WinNonlin does); CAVG = AUCTAU / tau; CLFTAU = Dose / AUCTAU;
  VZFTAU = Dose / (lambda_z AUCTAU); CTROUGH = the concentration observed at tau ("tau", default), or
  the pre-dose concentration at time 0 ("predose"), after the BLQ rules; NE when there is no such
  sample, or it is BLQ and its BLQ rule is "missing" (the reason says so).
* Flags for unreliable estimates: adjusted R^2 < 0.8, AUCPEO > 20 %, lambda_z span < 2 half-lives.

Plain Python floats and lists, no numpy: a profile has a dozen samples, where numpy's per-call cost
outweighs its speed (see benchmarks/bench_nca.py).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from types import MappingProxyType

from tlf.errors import DataError
from tlf.stats.lambda_z import LambdaZFit, best_fit, fit_points, not_estimable
from tlf.stats.nca_model import (
    ADPP_COLUMNS,
    DEFAULT_OPTIONS,
    NAN,
    PARAMETERS,
    RATIOS,
    AccumulationRatios,
    NcaOptions,
    NcaResult,
    NcaUnits,
    accumulation_ratios,
    not_estimable_result,
)

__all__ = ["ADPP_COLUMNS", "DEFAULT_OPTIONS", "PARAMETERS", "RATIOS", "AccumulationRatios", "NcaOptions",
           "NcaResult", "NcaUnits", "accumulation_ratios", "auc_to", "nca_profile", "not_estimable_result",
           "segment_areas"]

# ----------------------------------------------------------------------------- AUC
def segment_areas(t: list[float], c: list[float], method: str) -> list[float]:
    """Area of each segment [t_i, t_i+1] by the linear or the linear-up/log-down trapezoid."""
    log_down = method == "linlog"
    out = []
    for i in range(len(t) - 1):
        c1, c2, dt = c[i], c[i + 1], t[i + 1] - t[i]
        if log_down and 0 < c2 < c1:
            out.append((c1 - c2) * dt / math.log(c1 / c2))
        else:
            out.append(0.5 * (c1 + c2) * dt)
    return out


def _partial(t1: float, c1: float, t2: float, c2: float, t: float, method: str) -> tuple[float, float]:
    """(concentration at t, area from t1 to t) inside the segment [t1, t2], by the method's rule."""
    f = (t - t1) / (t2 - t1)
    if method == "linlog" and 0 < c2 < c1:
        ct = c1 * math.exp(math.log(c2 / c1) * f)
        return ct, ((c1 - ct) * (t - t1) / math.log(c1 / ct) if ct < c1 else 0.0)
    ct = c1 + (c2 - c1) * f
    return ct, 0.5 * (c1 + ct) * (t - t1)


def auc_to(t: list[float], c: list[float], areas: list[float], i_last: int, end: float, method: str,
           fit: LambdaZFit) -> tuple[float, str]:
    """AUC from t[0] to `end`: interpolated inside [t0, Tlast], extrapolated with lambda_z beyond
    Tlast. Returns (value, reason); t, c are the AUC arrays, areas their segments, i_last Tlast's index."""
    tl = t[i_last]
    if end <= tl:
        j = bisect_right(t, end) - 1  # t[j] <= end < t[j+1]
        base = sum(areas[:j])
        if t[j] == end:
            return base, ""
        return base + _partial(t[j], c[j], t[j + 1], c[j + 1], end, method)[1], ""
    if not fit.estimable:
        return NAN, f"tau is after Tlast and lambda_z is not estimable ({fit.reason})"
    lz = fit.lambda_z
    return sum(areas[:i_last]) + c[i_last] / lz * -math.expm1(-lz * (end - tl)), ""


# ----------------------------------------------------------------------------- one profile
def _floats(values) -> list[float]:
    if hasattr(values, "tolist"):
        values = values.tolist()
    return [float(v) for v in values]


def _bools(values, n: int) -> list[bool]:
    if values is None:
        return [False] * n
    if hasattr(values, "tolist"):
        values = values.tolist()
    return [bool(v) for v in values]


def nca_profile(time, conc, *, blq=None, lloq=None, dose: float | None = None,
                options: NcaOptions = DEFAULT_OPTIONS, lz_exclude=None,
                dataset: str = "", usubjid: str = "", time_var: str = "", conc_var: str = "") -> NcaResult:
    """NCA of one profile. time/conc are sequences of equal length (times relative to the dose);
    blq: BLQ flags (True = below LLOQ; a concentration of 0 counts as BLQ too); lloq: per-sample LLOQ
    (for the "half_lloq" rule); dose: the dose of this profile (None/NaN: CL/F and Vz/F are NE);
    lz_exclude: per-sample flags, True = never use for lambda_z. dataset, usubjid and the variable names
    only label error messages. Raises DataError for a missing time, duplicate times or a negative
    concentration."""
    t, c = _floats(time), _floats(conc)
    n = len(t)
    where = {"dataset": dataset, "usubjid": usubjid}
    if len(c) != n:
        raise DataError(f"{n} times but {len(c)} concentrations", **where, code="NCA010")
    b, x = _bools(blq, n), _bools(lz_exclude, n)
    q = None if lloq is None else _floats(lloq)
    notes: list[str] = []

    no_time = sum(1 for v in t if v != v)
    if no_time:
        raise DataError(f"{no_time} sample(s) without a time", variable=time_var, **where, code="NCA011")
    if any(math.isinf(v) for v in t) or any(math.isinf(v) for v in c):
        var = time_var if any(math.isinf(v) for v in t) else conc_var
        raise DataError("infinite time or concentration", variable=var, **where, code="NCA015")
    neg = [(v, w) for v, w in zip(c, t, strict=True) if v < 0]
    if neg:
        bad = ", ".join(f"{v:g} at time {w:g}" for v, w in neg)
        raise DataError(f"negative concentration(s): {bad}", variable=conc_var, **where, code="NCA012")
    if any(t[i + 1] < t[i] for i in range(n - 1)):
        o = sorted(range(n), key=t.__getitem__)
        t, c, b, x = [t[i] for i in o], [c[i] for i in o], [b[i] for i in o], [x[i] for i in o]
        q = [q[i] for i in o] if q is not None else None
        notes.append("times were not in increasing order and were sorted")
    dup = sorted({t[i] for i in range(n - 1) if t[i + 1] == t[i]})
    if dup:
        raise DataError(f"more than one sample at time {', '.join(f'{v:g}' for v in dup)}", variable=time_var,
                        **where, code="NCA013")

    # BLQ rules, then drop what is missing
    nonmeas = [bi or ci == 0 for bi, ci in zip(b, c, strict=True)]
    meas = [i for i in range(n) if not nonmeas[i] and c[i] == c[i]]
    n_missing = sum(1 for i in range(n) if not nonmeas[i] and c[i] != c[i])
    if n_missing:
        notes.append(f"{n_missing} sample(s) without a concentration and not BLQ were dropped")
    if not meas:
        why = "no samples" if n == 0 else "no measurable concentration (all samples BLQ or missing)"
        return not_estimable_result(why, options, tuple(notes))
    first, last = meas[0], meas[-1]
    rules = (options.blq_before, options.blq_between, options.blq_after)
    tk, ck, xk, blq_dropped = [], [], [], []
    for i in range(n):
        ci = c[i]
        if nonmeas[i]:
            rule = rules[0] if i < first else rules[2] if i > last else rules[1]
            if rule == "missing":
                blq_dropped.append(t[i])
                continue
            if rule == "zero":
                ci = 0.0
            else:
                lq = q[i] if q is not None else NAN
                if lq != lq:
                    raise DataError("a BLQ sample has no LLOQ for the half-LLOQ rule", **where, code="NCA014")
                ci = lq / 2.0
        elif ci != ci:
            continue
        tk.append(t[i])
        ck.append(ci)
        xk.append(x[i])

    # pre-dose samples are set aside
    predose = NAN
    if tk[0] < 0:
        k = bisect_left(tk, 0.0)
        predose = ck[k - 1]
        notes.append(f"{k} pre-dose sample(s) (time < 0) not used in Cmax or AUC")
        tk, ck, xk = tk[k:], ck[k:], xk[k:]
    if not tk or not any(v > 0 for v in ck):
        return not_estimable_result("no measurable concentration at or after the dose", options, tuple(notes))
    return _parameters(tk, ck, xk, predose, dose, options, notes, blq_dropped)


def _parameters(t: list[float], c: list[float], x: list[bool], predose: float, dose: float | None,
                o: NcaOptions, notes: list[str], blq_dropped: list[float]) -> NcaResult:
    reasons: dict[str, str] = {}
    v: dict[str, float] = {}
    cmax = max(c)
    i_max = c.index(cmax)
    v["cmax"], v["tmax"] = cmax, t[i_max]
    i_last = max(i for i in range(len(c)) if c[i] > 0)
    v["clast"], v["tlast"] = c[i_last], t[i_last]

    # AUC arrays start at the dose
    ta, ca, shift = t, c, 0
    if t[0] > 0 and o.impute_start != "none":
        if o.impute_start == "predose" and predose == predose:
            c0 = predose
        elif o.impute_start == "cmin":
            within = [ci for ti, ci in zip(t, c, strict=True) if o.tau is None or ti <= o.tau]
            c0 = min(within) if within else min(c)
        else:
            c0 = 0.0
        ta, ca, shift = [0.0, *t], [c0, *c], 1
        notes.append(f"no sample at the dose: concentration {c0:g} used at time 0")
    areas = segment_areas(ta, ca, o.auc_method)
    v["auclast"] = sum(areas[:i_last + shift])

    fit = _lambda_z(t, c, x, i_max, o)
    if fit.estimable:
        lz = fit.lambda_z
        extra = v["clast"] / lz
        v.update(lamz=lz, lamzhl=fit.half_life, lamznpt=float(fit.n_points), lamzll=fit.t_first,
                 lamzul=fit.t_last, lamzspn=fit.span, r2=fit.r2, r2adj=fit.r2adj,
                 aucifo=v["auclast"] + extra)
        v["aucpeo"] = 100.0 * extra / v["aucifo"]
        if fit.r2adj != fit.r2adj:
            reasons["R2ADJ"] = "adjusted R^2 needs 3 or more points"
    else:
        why = f"lambda_z not estimable: {fit.reason}"
        for code in ("LAMZ", "LAMZHL", "LAMZNPT", "LAMZLL", "LAMZUL", "LAMZSPN", "R2", "R2ADJ", "AUCIFO",
                     "AUCPEO", "CLFO", "VZFO"):
            reasons[code] = why

    if o.tau is not None:
        v["auctau"], why = auc_to(ta, ca, areas, i_last + shift, o.tau, o.auc_method, fit)
        if why:
            reasons["AUCTAU"] = reasons["CAVG"] = reasons["CLFTAU"] = reasons["VZFTAU"] = why
        else:
            v["cavg"] = v["auctau"] / o.tau
            if not fit.estimable:
                reasons["VZFTAU"] = reasons["LAMZ"]
        v["ctrough"], why = _ctrough(t, c, o, blq_dropped)
        if why:
            reasons["CTROUGH"] = why

    if dose is not None and math.isfinite(dose) and dose > 0:
        f = o.units.volume_factor()
        if "aucifo" in v:
            if v["aucifo"] > 0:
                v["clfo"] = dose / v["aucifo"] * f
                v["vzfo"] = v["clfo"] / v["lamz"]
            else:
                reasons.setdefault("CLFO", "AUCIFO is 0")
                reasons.setdefault("VZFO", "AUCIFO is 0")
        if math.isfinite(v.get("auctau", NAN)):
            if v["auctau"] > 0:
                v["clftau"] = dose / v["auctau"] * f
                if fit.estimable:
                    v["vzftau"] = v["clftau"] / fit.lambda_z
            else:
                reasons.setdefault("CLFTAU", "AUCTAU is 0")
                reasons.setdefault("VZFTAU", "AUCTAU is 0")
    else:
        why = "dose missing" if dose is None or not math.isfinite(dose) else f"dose is {dose:g}"
        for code in ("CLFO", "VZFO", "CLFTAU", "VZFTAU"):
            reasons.setdefault(code, why)

    return NcaResult(**v, reasons=MappingProxyType(reasons), lambda_z_fit=fit,
                     r2adj_flag=fit.estimable and fit.r2adj < o.min_r2adj,
                     aucpeo_flag=v.get("aucpeo", NAN) > o.max_aucpeo,
                     span_flag=fit.estimable and fit.span < o.min_span, notes=tuple(notes), options=o)


def _near(a: float, times: tuple[float, ...], tol: float) -> bool:
    return any(abs(a - w) <= tol for w in times)


def _lambda_z(t: list[float], c: list[float], x: list[bool], i_max: int, o: NcaOptions) -> LambdaZFit:
    tol = o.time_tolerance
    if o.lambda_z_times is not None:
        absent = [w for w in o.lambda_z_times if not _near(w, tuple(t), tol)]
        if absent:
            return not_estimable("manual lambda_z time(s) not among the samples: "
                                 + ", ".join(f"{w:g}" for w in absent), "manual")
        sel = [i for i in range(len(t)) if _near(t[i], o.lambda_z_times, tol)]
        return fit_points([t[i] for i in sel], [c[i] for i in sel], min_points=o.lambda_z_min_points)
    if i_max == len(t) - 1:
        return not_estimable("Cmax is at the last sample: no points after Cmax")
    start = i_max if o.lambda_z_include_cmax else i_max + 1
    ex = o.lambda_z_exclude
    sel = [i for i in range(start, len(t)) if c[i] > 0 and not x[i] and not (ex and _near(t[i], ex, tol))]
    return best_fit([t[i] for i in sel], [c[i] for i in sel], min_points=o.lambda_z_min_points,
                    tolerance=o.lambda_z_tolerance)


def _ctrough(t: list[float], c: list[float], o: NcaOptions, blq_dropped: list[float]) -> tuple[float, str]:
    at = 0.0 if o.ctrough_from == "predose" else float(o.tau)
    for ti, ci in zip(t, c, strict=True):
        if abs(ti - at) <= o.time_tolerance:
            return ci, ""
    if any(abs(ti - at) <= o.time_tolerance for ti in blq_dropped):
        return NAN, f"the sample at time {at:g} is BLQ (BLQ rule: missing)"
    return NAN, f"no sample at time {at:g}"
