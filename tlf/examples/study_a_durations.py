"""Treatment durations of study A that print the published mean (SD) in weeks.

Duration of a period = (last dose date - first dose date + 1) / 7 weeks (TRxxEDT - TRxxSDT + 1 in ADSL,
the same dates as the first ADEX ASTDT and last AENDT of the period). The random draws give each
subject a duration in days within a window (study_a_adsl); `fit_days` then moves those whole days, one
at a time and deterministically (no random draws, so every later draw of the generator is unchanged),
until the exact rational mean and SD (ddof=1) in weeks lie strictly inside the interval that rounds
half away from zero to the printed value, changing the drawn durations as little as the greedy search
finds.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def _interval(printed: str) -> tuple[Fraction, Fraction]:
    """The open interval of values that round half away from zero to `printed` (a positive number)."""
    x = Fraction(Decimal(printed))
    half = Fraction(1, 2 * 10 ** -Decimal(printed).as_tuple().exponent)
    return x - half, x + half


def _miss(days: list[int], mean: str, sd: str) -> Fraction:
    """How far (in weeks) the mean and SD of `days`/7 are from their open intervals; 0 when inside."""
    n = len(days)
    m = Fraction(sum(days), 7 * n)
    var = sum((Fraction(d, 7) - m) ** 2 for d in days) / (n - 1)
    out = Fraction(0)
    lo, hi = _interval(mean)
    if not lo < m < hi:
        out += (lo - m if m <= lo else m - hi) + Fraction(1, 10 ** 6)
    lo, hi = _interval(sd)
    if not lo * lo < var < hi * hi:  # compare variances, exactly
        s = float(var) ** 0.5
        out += Fraction(abs(s - (float(lo) if var <= lo * lo else float(hi)))) + Fraction(1, 10 ** 6)
    return out


def fit_days(days: list[int], bounds: list[tuple[int, int]], mean: str, sd: str) -> list[int]:
    """`days` (each within its bounds) moved by whole days until mean and SD of days/7 print as given."""
    cur = [min(max(d, lo), hi) for d, (lo, hi) in zip(days, bounds, strict=True)]
    n = len(cur)
    moves = [((i, s),) for i in range(n) for s in (-1, 1)]
    moves += [((i, s), (j, t)) for i in range(n) for j in range(i + 1, n) for s in (-1, 1) for t in (-1, 1)]
    for _ in range(10_000):
        miss = _miss(cur, mean, sd)
        if miss == 0:
            return cur
        best = None
        for move in moves:
            new = list(cur)
            for i, s in move:
                new[i] += s
            if any(not lo <= v <= hi for v, (lo, hi) in zip(new, bounds, strict=True)):
                continue
            key = (_miss(new, mean, sd), sum(abs(a - b) for a, b in zip(new, days, strict=True)))
            if best is None or key < best[0]:
                best = (key, new)
        if best is None or best[0][0] >= miss:
            break
        cur = best[1]
    raise ValueError(f"no durations within the bounds print {mean} ({sd}) weeks: {cur}")


def weeks_text(days) -> tuple[str, str]:
    """Mean and SD (ddof=1) of `days`/7 as printed at 1 decimal, half away from zero (the check)."""
    from tlf.examples.rounding import round_half_up

    w = [d / 7 for d in days]
    n = len(w)
    m = sum(w) / n
    sd = (sum((x - m) ** 2 for x in w) / (n - 1)) ** 0.5
    return str(round_half_up(m, 1)), str(round_half_up(sd, 1))
