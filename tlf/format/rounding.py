"""The only rounding in tlf: half away from zero, as SAS ROUND does.

A value that is a half within binary representation error rounds as the half it stands for:
round_half_away(2.675, 2) == 2.68 although the float 2.675 is 2.67499999... (cards' round5 and SAS
do the same by adding a relative fuzz before rounding).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

# Relative fuzz: a few ulps of a double, enough to absorb representation error of decimal halves
# but far below any difference a table could show.
_FUZZ = 1e-12


def round_half_away(x: float, digits: int = 0) -> float:
    """Round x to `digits` decimals, halves away from zero. NaN and inf pass through."""
    if x is None or not math.isfinite(x):
        return x
    d = Decimal(repr(float(x)))
    # Nudge by a relative epsilon so that 2.67499999999 (i.e. 2.675) rounds up, as SAS does.
    nudge = Decimal(repr(abs(float(x)) * _FUZZ))
    d = d + nudge if d >= 0 else d - nudge
    q = Decimal(1).scaleb(-digits)
    out = float(d.quantize(q, rounding=ROUND_HALF_UP))
    return 0.0 if out == 0 else out  # never -0.0


def format_fixed(x: float, digits: int) -> str:
    """x rounded half away from zero and printed with exactly `digits` decimals ("-0.0" never)."""
    r = round_half_away(x, digits)
    d = Decimal(repr(r)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    s = f"{d:f}"
    if s.startswith("-") and Decimal(s) == 0:
        s = s[1:]
    return s


def round_sig(x: float, sig: int = 3) -> float:
    """Round to `sig` significant figures, halves away from zero (PK conventions)."""
    if x is None or not math.isfinite(x) or x == 0:
        return x
    digits = sig - 1 - math.floor(math.log10(abs(x)))
    return round_half_away(x, digits)


def format_sig(x: float, sig: int = 3) -> str:
    """x to `sig` significant figures as text: 1234.5 -> '1230', 0.012345 -> '0.0123'."""
    if x == 0:
        return "0" if sig <= 1 else "0." + "0" * (sig - 1)
    digits = sig - 1 - math.floor(math.log10(abs(round_sig(x, sig))))
    return format_fixed(round_sig(x, sig), max(digits, 0))
