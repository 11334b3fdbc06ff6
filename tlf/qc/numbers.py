"""How QC reports print numbers: values in full (shortest round-trip text, never rounded), differences
in scientific notation rounded half away from zero through tlf.format.rounding."""

from __future__ import annotations

import math
from typing import Any

from tlf.format.rounding import format_fixed

MISSING = "."  # a missing value, as SAS prints it


def fmt_e(x: float | None, decimals: int = 3) -> str:
    """1.234E-03 style: `decimals` mantissa decimals, rounded half away from zero; None -> ""."""
    if x is None:
        return ""
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    exp = math.floor(math.log10(abs(x)))
    mant = format_fixed(x / 10.0**exp, decimals)
    if abs(float(mant)) >= 10:  # 9.9996 -> 10.000: carry into the exponent
        exp += 1
        mant = format_fixed(x / 10.0**exp, decimals)
    return f"{mant}E{exp:+03d}"


def fmt_value(v: Any) -> str:
    """A compared value in full: whole numbers without ".0", other floats as their shortest exact
    text (repr), missing as "."."""
    if v is None:
        return MISSING
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return MISSING
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    return str(v)


def fmt_number(x: float) -> str:
    """A criterion or other option value as typed: shortest exact text."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))
