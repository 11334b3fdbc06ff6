"""Rounding the example generators share: half away from zero (SAS ROUND) at a number of decimals or
significant figures, and a concentration's text.

The package's own rounding is tlf.format.rounding; the generators may import only tlf.errors (see
tests/unit/test_architecture.py), and they round without its relative fuzz, so they keep these.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(x: float, decimals: int) -> Decimal:
    """x rounded half away from zero (SAS ROUND) at `decimals`, from the shortest repr of the float."""
    q = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP)


def round_sig(x: float, sig: int = 3) -> float:
    """x to `sig` significant figures, halves away from zero (as a laboratory reports)."""
    if x == 0:
        return 0.0
    digits = sig - 1 - math.floor(math.log10(abs(x)))
    return float(round_half_up(x, digits))


def sig_text(c: float) -> str:
    """A concentration already at 3 significant figures, as text ("1.23", "12.0", "0.0510")."""
    digits = 2 - math.floor(math.log10(abs(c)))
    return f"{Decimal(repr(c)).quantize(Decimal(1).scaleb(-max(digits, 0)))}"
