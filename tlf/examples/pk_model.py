"""The pharmacokinetic model both example studies draw concentrations from: one compartment, first-order
absorption and elimination after a lag time, doses superposed (each study has its own parameters)."""

from __future__ import annotations

import math


def concentration(t: float, doses: list[tuple[float, float, float]], cl: float, v: float, ka: float,
                  tlag: float) -> float:
    """Concentration (ng/mL) at time t (h) after superposing doses (time h, amount mg, relative F)."""
    k = cl / v
    total = 0.0
    for td, amt, f in doses:
        s = t - td - tlag
        if s <= 0 or amt <= 0:
            continue
        total += f * amt * ka / (v * (ka - k)) * (math.exp(-k * s) - math.exp(-ka * s))
    return total * 1000.0  # mg/L -> ng/mL
