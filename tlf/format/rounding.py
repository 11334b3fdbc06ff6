"""The only rounding in tlf: half away from zero, as SAS ROUND does.

A value that is a half within binary representation error rounds as the half it stands for:
round_half_away(2.675, 2) == 2.68 although the float 2.675 is 2.67499999..., and a mean computed as
44.849999999999994 prints 44.9 at 1 decimal (SAS's ROUND fuzzes the same way, about 1e-12 relative).
Only such near-halves are moved: every other value rounds exactly as its shortest decimal text
(repr) does in decimal arithmetic, so 10000 prints 10000.00000000 at 8 decimals, never
10000.00000001.
"""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

# A value counts as a half at the rounding digit when it is within this much of one, relative to the
# value (a few thousand ulps of a double: the representation and summation error of a decimal half)...
_FUZZ = Decimal("1e-12")
# ... and never further than this fraction of the rounding unit: at digits beyond a double's precision
# the relative fuzz would reach whole units (10000 at 8 decimals: 1e-8), and a value that is exact
# there must print exactly.
_HALF_BAND = Decimal("1e-9")
_HALF = Decimal("0.5")
_PREC = 800  # decimal digits: enough for any double at any number of decimals a table prints


def round_half_away(x: float, digits: int = 0) -> float:
    """Round x to `digits` decimals, halves away from zero. NaN and inf pass through."""
    if x is None or not math.isfinite(x):
        return x
    with localcontext() as ctx:
        ctx.prec = _PREC
        d = Decimal(repr(float(x)))
        scaled = abs(d).scaleb(digits)  # in rounding units
        whole = scaled.to_integral_value(rounding=ROUND_FLOOR)
        off = abs(scaled - whole - _HALF)
        if off and off <= min(scaled * _FUZZ, _HALF_BAND):  # a half but for floating noise: away from zero
            out = float((whole + 1).scaleb(-digits).copy_sign(d))
        else:
            out = float(d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    return 0.0 if out == 0 else out  # never -0.0


def format_fixed(x: float, digits: int) -> str:
    """x rounded half away from zero and printed with exactly `digits` decimals ("-0.0" never)."""
    r = round_half_away(x, digits)
    with localcontext() as ctx:
        ctx.prec = _PREC
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
