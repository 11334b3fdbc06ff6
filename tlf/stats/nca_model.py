"""The NCA result model: parameter terminology (CDISC PP codes and names), units, options, the
per-profile result `NcaResult`, accumulation ratios, and their ADPP-like rows. No computation here
beyond unit arithmetic; the engine is `tlf.stats.nca`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from tlf.errors import SpecError
from tlf.stats.lambda_z import LambdaZFit, not_estimable

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
