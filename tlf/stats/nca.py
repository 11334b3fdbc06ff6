"""Non-compartmental analysis (NCA) of one concentration-time profile: numbers only, never text.

`nca_profile(time, conc, ...)` returns an `NcaResult`; `tlf.stats.pk` runs it over a dataset.

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
  the pre-dose concentration at time 0 ("predose"); NE when there is no such sample.
* Flags for unreliable estimates: adjusted R^2 < 0.8, AUCPEO > 20 %, lambda_z span < 2 half-lives.

Plain Python floats and lists, no numpy: a profile has a dozen samples, where numpy's per-call cost
outweighs its speed (see benchmarks/bench_nca.py).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from tlf.errors import DataError, SpecError
from tlf.stats.lambda_z import LambdaZFit, best_fit, fit_points, not_estimable

NAN = float("nan")
AUC_METHODS = ("linear", "linlog")
BLQ_RULES = ("zero", "missing", "half_lloq")
START_RULES = ("zero", "predose", "cmin", "none")
CTROUGH_RULES = ("tau", "predose")

# ----------------------------------------------------------------------------- parameters
# PPTESTCD -> (NcaResult attribute, PPTEST, unit kind). Codes and names are CDISC SDTM controlled
# terminology (codelists PKPARMCD / PKPARM) as found in PKNCA's and NonCompart's CDISC tables and in
# pharmaverse aNCA's metadata_nca_parameters.csv (rows marked as official CDISC terms). The names of
# CLFTAU, VZFTAU, ARAUC, ARCMAX and ARCTROUG were not found spelled out in those sources; their codes
# were (PKNCA parameter table), and their names here follow the CDISC pattern.
PARAMETERS: dict[str, tuple[str, str, str]] = {
    "CMAX": ("cmax", "Max Conc", "conc"),
    "TMAX": ("tmax", "Time of CMAX", "time"),
    "CLST": ("clast", "Last Nonzero Conc", "conc"),
    "TLST": ("tlast", "Time of Last Nonzero Conc", "time"),
    "AUCLST": ("auclast", "AUC to Last Nonzero Conc", "auc"),
    "AUCIFO": ("aucifo", "AUC Infinity Obs", "auc"),
    "AUCPEO": ("aucpeo", "AUC %Extrapolation Obs", "percent"),
    "LAMZ": ("lamz", "Lambda z", "rate"),
    "LAMZHL": ("lamzhl", "Half-Life Lambda z", "time"),
    "LAMZNPT": ("lamznpt", "Number of Points for Lambda z", "count"),
    "LAMZLL": ("lamzll", "Lambda z Lower Limit", "time"),
    "LAMZUL": ("lamzul", "Lambda z Upper Limit", "time"),
    "LAMZSPN": ("lamzspn", "Lambda z Span", "ratio"),
    "R2": ("r2", "R Squared", "ratio"),
    "R2ADJ": ("r2adj", "R Squared Adjusted", "ratio"),
    "CLFO": ("clfo", "Total CL Obs by F", "clearance"),
    "VZFO": ("vzfo", "Vz Obs by F", "volume"),
    "AUCTAU": ("auctau", "AUC Over Dosing Interval", "auc"),
    "CAVG": ("cavg", "Average Conc", "conc"),
    "CTROUGH": ("ctrough", "Conc Trough", "conc"),
    "CLFTAU": ("clftau", "Total CL by F for Dose Int", "clearance"),
    "VZFTAU": ("vzftau", "Vz for Dose Int by F", "volume"),
}
TAU_CODES = ("AUCTAU", "CAVG", "CTROUGH", "CLFTAU", "VZFTAU")
SINGLE_CODES = tuple(c for c in PARAMETERS if c not in TAU_CODES)
RATIOS: dict[str, tuple[str, str, str]] = {
    "ARAUC": ("arauc", "Accumulation Ratio AUCTAU", "ratio"),
    "ARCMAX": ("arcmax", "Accumulation Ratio Cmax", "ratio"),
    "ARCTROUG": ("arctroug", "Accumulation Ratio Ctrough", "ratio"),
}
# parameters resting on lambda_z (flagged with an unreliable regression) and on AUCIFO (flagged with
# a large extrapolated part)
LAMZ_BASED = frozenset({"LAMZ", "LAMZHL", "AUCIFO", "AUCPEO", "CLFO", "VZFO", "VZFTAU"})
AUCIFO_BASED = frozenset({"AUCIFO", "AUCPEO", "CLFO", "VZFO"})

# ----------------------------------------------------------------------------- units
_MASS = {"pg": 1e-12, "ng": 1e-9, "ug": 1e-6, "µg": 1e-6, "μg": 1e-6, "mcg": 1e-6, "mg": 1e-3, "g": 1.0}
_VOLUME = {"ml": 1e-3, "dl": 1e-1, "l": 1.0}


@dataclass(frozen=True)
class NcaUnits:
    """Units of the input: time (e.g. "h"), concentration ("ng/mL") and dose ("mg").

    AUC is reported in time*conc ("h*ng/mL"), lambda_z in 1/time. When the concentration is a mass per
    volume and the dose a mass from the known lists (pg ng ug mg g; mL dL L), CL/F is converted to
    L/time and Vz/F to L; otherwise they keep the compound unit dose/(time*conc) and are not scaled.
    A unit left empty leaves the units that need it empty.
    """

    time: str = ""
    conc: str = ""
    dose: str = ""

    def volume_factor(self) -> float:
        """What dose/AUC is multiplied by to give L/time (1.0 when the units are not convertible)."""
        return _volume_factor(self.conc, self.dose) or 1.0

    def table(self) -> Mapping[str, str]:
        """PPTESTCD -> unit, for every parameter and ratio (cached per NcaUnits)."""
        return _unit_table(self)

    def of(self, kind: str) -> str:
        """The unit of a parameter kind (see PARAMETERS)."""
        t, c, d = self.time, self.conc, self.dose
        convertible = _volume_factor(c, d) is not None
        if kind == "conc":
            return c
        if kind == "time":
            return t
        if kind == "auc":
            return f"{t}*{c}" if t and c else ""
        if kind == "rate":
            return f"1/{t}" if t else ""
        if kind == "percent":
            return "%"
        if kind == "clearance":
            if convertible:
                return f"L/{t}" if t else ""
            return f"{d}/({t}*{c})" if t and c and d else ""
        if kind == "volume":
            if convertible:
                return "L"
            return f"{d}/{c}" if c and d else ""
        return ""


@lru_cache(maxsize=64)
def _unit_table(units: NcaUnits) -> Mapping[str, str]:
    return MappingProxyType({code: units.of(spec[2]) for code, spec in {**PARAMETERS, **RATIOS}.items()})


@lru_cache(maxsize=64)
def _volume_factor(conc: str, dose: str) -> float | None:
    parts = conc.replace(" ", "").split("/")
    if len(parts) != 2:
        return None
    m, v = _MASS.get(parts[0]), _VOLUME.get(parts[1].lower())
    dm = _MASS.get(dose.replace(" ", ""))
    if m is None or v is None or dm is None:
        return None
    return dm / m * v


# ----------------------------------------------------------------------------- options
@dataclass(frozen=True)
class NcaOptions:
    """How a profile is analysed. Every field has the default a spec gets when it says nothing.

    auc_method            "linear" (linear trapezoidal) or "linlog" (linear up / log down)
    blq_before            BLQ before the first measurable concentration: "zero" | "missing" | "half_lloq"
    blq_between           BLQ between measurable concentrations (default "missing")
    blq_after             BLQ after the last measurable concentration (default "missing")
    impute_start          concentration at the dose when no sample is at time 0:
                          "zero" | "predose" | "cmin" | "none"
    lambda_z_times        manual lambda_z: exactly the samples at these times (None: best fit)
    lambda_z_exclude      times never used for lambda_z
    lambda_z_min_points   fewest points for lambda_z (3)
    lambda_z_tolerance    adjusted R^2 within this of the best counts as a tie, won by more points (1e-4)
    lambda_z_include_cmax let the best fit use the Cmax sample itself (IV bolus); default False
    tau                   dosing interval for AUCTAU, CAVG, CTROUGH, CLFTAU, VZFTAU (None: not computed)
    ctrough_from          "tau" (sample at tau) or "predose" (sample at time 0)
    min_r2adj             adjusted R^2 below this flags lambda_z as unreliable (0.8)
    max_aucpeo            AUCPEO above this (percent) flags AUCinf as unreliable (20)
    min_span              lambda_z span below this many half-lives flags lambda_z as unreliable (2)
    time_tolerance        two times closer than this are the same time when matching given times
    units                 NcaUnits (time, concentration, dose)
    """

    auc_method: str = "linear"
    blq_before: str = "zero"
    blq_between: str = "missing"
    blq_after: str = "missing"
    impute_start: str = "zero"
    lambda_z_times: tuple[float, ...] | None = None
    lambda_z_exclude: tuple[float, ...] = ()
    lambda_z_min_points: int = 3
    lambda_z_tolerance: float = 1e-4
    lambda_z_include_cmax: bool = False
    tau: float | None = None
    ctrough_from: str = "tau"
    min_r2adj: float = 0.8
    max_aucpeo: float = 20.0
    min_span: float = 2.0
    time_tolerance: float = 1e-6
    units: NcaUnits = field(default_factory=NcaUnits)

    def __post_init__(self) -> None:
        choices = {"auc_method": AUC_METHODS, "blq_before": BLQ_RULES, "blq_between": BLQ_RULES,
                   "blq_after": BLQ_RULES, "impute_start": START_RULES, "ctrough_from": CTROUGH_RULES}
        for name, allowed in choices.items():
            value = getattr(self, name)
            if value not in allowed:
                raise SpecError(f"'{value}' is not one of {', '.join(allowed)}", key=name, code="NCA001")
        if self.lambda_z_times is not None:
            object.__setattr__(self, "lambda_z_times", tuple(float(v) for v in self.lambda_z_times))
        object.__setattr__(self, "lambda_z_exclude", tuple(float(v) for v in self.lambda_z_exclude))
        if self.lambda_z_min_points < 2:
            raise SpecError("lambda_z needs at least 2 points", key="lambda_z_min_points", code="NCA002")
        if self.tau is not None and not (math.isfinite(self.tau) and self.tau > 0):
            raise SpecError(f"tau must be a positive number, not {self.tau}", key="tau", code="NCA003")


DEFAULT_OPTIONS = NcaOptions()

# ----------------------------------------------------------------------------- result


@dataclass(frozen=True)
class NcaResult:
    """The NCA parameters of one profile. A parameter that is not estimable (NE) is NaN and has its
    reason in `reasons` (keyed by PPTESTCD). See PARAMETERS for the CDISC code of each field.

    lambda_z_fit  the terminal-phase regression (its points, or why there is none)
    r2adj_flag    adjusted R^2 < options.min_r2adj
    aucpeo_flag   AUCPEO > options.max_aucpeo
    span_flag     lambda_z span < options.min_span half-lives
    notes         what was done to the data (sorted, samples dropped, C0 imputed)
    """

    cmax: float = NAN
    tmax: float = NAN
    clast: float = NAN
    tlast: float = NAN
    auclast: float = NAN
    aucifo: float = NAN
    aucpeo: float = NAN
    lamz: float = NAN
    lamzhl: float = NAN
    lamznpt: float = NAN
    lamzll: float = NAN
    lamzul: float = NAN
    lamzspn: float = NAN
    r2: float = NAN
    r2adj: float = NAN
    clfo: float = NAN
    vzfo: float = NAN
    auctau: float = NAN
    cavg: float = NAN
    ctrough: float = NAN
    clftau: float = NAN
    vzftau: float = NAN
    reasons: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    lambda_z_fit: LambdaZFit = field(default_factory=lambda: not_estimable("not computed"))
    r2adj_flag: bool = False
    aucpeo_flag: bool = False
    span_flag: bool = False
    notes: tuple[str, ...] = ()
    options: NcaOptions = DEFAULT_OPTIONS

    @property
    def codes(self) -> tuple[str, ...]:
        """The PPTESTCDs this result reports (the tau parameters only when a tau was given)."""
        return tuple(PARAMETERS) if self.options.tau is not None else SINGLE_CODES

    def value(self, code: str) -> float:
        return getattr(self, PARAMETERS[code][0])

    def reason(self, code: str) -> str:
        return self.reasons.get(code, "")

    def unreliable(self, code: str) -> bool:
        """True when the parameter rests on an estimate flagged as unreliable."""
        return ((code in LAMZ_BASED and (self.r2adj_flag or self.span_flag))
                or (code in AUCIFO_BASED and self.aucpeo_flag))

    def to_adpp(self, usubjid: str = "", keys: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """ADPP-like rows: USUBJID, the profile keys, PPTESTCD, PPTEST, PPSTRESN, PPSTRESU, PPSTAT,
        PPREASND, the profile's flags (R2ADJFL, AUCPEOFL, SPANFL: "Y" or "") and UNRELFL ("Y" when this
        parameter rests on a flagged estimate)."""
        units = self.options.units.table()
        return [_row(usubjid, keys or {}, code, PARAMETERS[code][1], self.value(code), self.reason(code),
                     units[code], self.flags(code)) for code in self.codes]

    def flags(self, code: str) -> tuple[str, str, str, str]:
        """("Y" or "") for R2ADJFL, AUCPEOFL, SPANFL and UNRELFL of this parameter's row."""
        y = ("", "Y")
        return y[self.r2adj_flag], y[self.aucpeo_flag], y[self.span_flag], y[self.unreliable(code)]


@dataclass(frozen=True)
class AccumulationRatios:
    """Test profile over reference profile (e.g. day 29 over day 1) of AUCTAU, Cmax and Ctrough."""

    arauc: float = NAN
    arcmax: float = NAN
    arctroug: float = NAN
    reasons: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def value(self, code: str) -> float:
        return getattr(self, RATIOS[code][0])

    def to_adpp(self, usubjid: str = "", keys: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return [_row(usubjid, keys or {}, code, RATIOS[code][1], self.value(code), self.reasons.get(code, ""),
                     "", ("", "", "", "")) for code in RATIOS]


ADPP_COLUMNS = ("USUBJID", "PPTESTCD", "PPTEST", "PPSTRESN", "PPSTRESU", "PPSTAT", "PPREASND",
                "R2ADJFL", "AUCPEOFL", "SPANFL", "UNRELFL")


def _row(usubjid, keys, code, name, value, reason, unit, flags) -> dict[str, Any]:
    ne = not math.isfinite(value)
    return {"USUBJID": usubjid, **keys, "PPTESTCD": code, "PPTEST": name, "PPSTRESN": value,
            "PPSTRESU": unit, "PPSTAT": "NOT DONE" if ne else "", "PPREASND": (reason or "not estimable") if ne else "",
            "R2ADJFL": flags[0], "AUCPEOFL": flags[1], "SPANFL": flags[2], "UNRELFL": flags[3]}


def accumulation_ratios(test: NcaResult, ref: NcaResult) -> AccumulationRatios:
    """ARAUC = AUCTAU(test)/AUCTAU(ref), ARCMAX = Cmax ratio, ARCTROUG = Ctrough ratio."""
    values, reasons = {}, {}
    for code, (attr, num, name) in {"ARAUC": ("arauc", "AUCTAU", "AUCTAU"), "ARCMAX": ("arcmax", "CMAX", "Cmax"),
                                    "ARCTROUG": ("arctroug", "CTROUGH", "Ctrough")}.items():
        a, b = test.value(num), ref.value(num)
        if not math.isfinite(a):
            reasons[code] = f"{name} not estimable: {test.reason(num) or 'missing'}"
        elif not math.isfinite(b):
            reasons[code] = f"reference {name} not estimable: {ref.reason(num) or 'missing'}"
        elif b == 0:
            reasons[code] = f"reference {name} is 0"
        else:
            values[attr] = a / b
    return AccumulationRatios(**values, reasons=MappingProxyType(reasons))


def not_estimable_result(reason: str, options: NcaOptions = DEFAULT_OPTIONS,
                         notes: tuple[str, ...] = ()) -> NcaResult:
    """Every parameter NE for one reason (no measurable concentration, bad data under strict=False)."""
    return NcaResult(reasons=MappingProxyType(dict.fromkeys(PARAMETERS, reason)),
                     lambda_z_fit=not_estimable(reason), notes=notes, options=options)


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
    tk, ck, xk = [], [], []
    for i in range(n):
        ci = c[i]
        if nonmeas[i]:
            rule = rules[0] if i < first else rules[2] if i > last else rules[1]
            if rule == "missing":
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
    return _parameters(tk, ck, xk, predose, dose, options, notes)


def _parameters(t: list[float], c: list[float], x: list[bool], predose: float, dose: float | None,
                o: NcaOptions, notes: list[str]) -> NcaResult:
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
        v["ctrough"], why = _ctrough(t, c, o)
        if why:
            reasons["CTROUGH"] = why

    if dose is not None and math.isfinite(dose) and dose > 0:
        f = o.units.volume_factor()
        if "aucifo" in v:
            v["clfo"] = dose / v["aucifo"] * f
            v["vzfo"] = v["clfo"] / v["lamz"]
        if math.isfinite(v.get("auctau", NAN)):
            v["clftau"] = dose / v["auctau"] * f
            if fit.estimable:
                v["vzftau"] = v["clftau"] / fit.lambda_z
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


def _ctrough(t: list[float], c: list[float], o: NcaOptions) -> tuple[float, str]:
    at = 0.0 if o.ctrough_from == "predose" else float(o.tau)
    for ti, ci in zip(t, c, strict=True):
        if abs(ti - at) <= o.time_tolerance:
            return ci, ""
    return NAN, f"no sample at time {at:g}"


def result_fields() -> tuple[str, ...]:
    """Names of the NcaResult fields (for documentation and tests)."""
    return tuple(f.name for f in fields(NcaResult))
