"""Writes km_arms.csv: the arms tests/unit/test_stats_survival.py compares tlf.stats.survival's
Kaplan-Meier quantiles and their confidence intervals on with R's survfit (km_quantiles.R writes R's
numbers to km_quantiles.csv).

Hand-built arms (named; their hand calculations are in the test) and 200 seeded simulated arms
("sim001".."sim200"): 5 to 60 subjects, whole-number times (ties, and plateaus of S(t) exactly at
0.75, 0.5 or 0.25 whenever the events before a quartile are an even split with no censoring in
between), every fifth arm with floor()ed times (events and censorings at time 0), a quarter of the
arms with no censoring, one in ten with heavy censoring (quantiles not reached), and some with an
administrative cut-off (censorings tied at one time, events tied with them).

    python tests/reference/survival/make_km_arms.py
    Rscript tests/reference/survival/km_quantiles.R
"""

from pathlib import Path

import numpy as np

HAND = {
    # every subject has an event at 1..6: S = 5/6, 4/6, 3/6, 2/6, 1/6, 0
    "plateau_50": ([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 1]),
    # events at 1..8: S(2) = 6/8 = 0.75, S(4) = 4/8 = 0.5, S(6) = 2/8 = 0.25
    "plateau_25_50_75": ([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 1, 1, 1, 1, 1, 1]),
    # events at 1 and 2, a censoring at 3 inside the 0.5 plateau, the last subject's event at 5 (S = 0)
    "plateau_censored_inside": ([1, 2, 3, 5], [1, 1, 0, 1]),
    "all_censored": ([2, 5, 5, 9], [0, 0, 0, 0]),
    # two events at time 0 (S(0) = 4/6), then S(1) = 3/6 = 0.5 over a censoring at 2, to the event at 3
    "time_zero": ([0, 0, 1, 2, 3, 4], [1, 1, 1, 0, 1, 1]),
    # all events: S reaches 0 at 4
    "reaches_zero": ([1, 2, 3, 4], [1, 1, 1, 1]),
    # events and censorings tied at 2 and 4: S(2) = 4/6, S(4) = 4/6 * 2/3 = 4/9, S(6) = 0
    "ties_event_censor": ([2, 2, 2, 4, 4, 6], [1, 1, 0, 1, 0, 1]),
    # 20 events at 1..20: the float product (19/20)(18/19)...(10/11) is 0.49999999999999994, 1 ulp below 0.5
    "ulp_below_50": (list(range(1, 21)), [1] * 20),
    # 24 events at 1..24: the float product (23/24)...(12/13) is 0.5000000000000001, 1 ulp above 0.5
    "ulp_above_50": (list(range(1, 25)), [1] * 24),
    # S = 0.5 from 3 to the end (censored at 20), no later event: SAS LIFETEST's rule gives no median,
    # R survfit prints (3 + 20) / 2
    "flat_to_end": ([3, 20], [1, 0]),
}


def simulated(rng: np.random.Generator, i: int) -> tuple[list[float], list[int]]:
    n = int(rng.integers(5, 61))
    scale = float(rng.uniform(2, 25))
    raw = rng.exponential(scale, n)
    t = np.floor(raw) if i % 5 == 0 else np.ceil(raw)
    if i % 4 == 0:  # no censoring: plateaus exactly on a quartile
        return [float(x) for x in t], [1] * n
    rate = 3.0 if i % 10 == 1 else float(rng.uniform(0.1, 1.0))
    c = np.floor(rng.exponential(scale / rate, n)) if i % 5 == 0 else np.ceil(rng.exponential(scale / rate, n))
    if i % 3 == 0:  # administrative cut-off
        c = np.minimum(c, np.ceil(np.quantile(t, 0.8)))
    time = np.minimum(t, c)
    return [float(x) for x in time], [int(x) for x in (t <= c)]


rng = np.random.default_rng(20250614)
arms = dict(HAND)
for i in range(1, 201):
    arms[f"sim{i:03d}"] = simulated(rng, i)
out = Path(__file__).with_name("km_arms.csv")
out.write_text("arm,time,event\n" + "".join(f"{a},{x:g},{e}\n" for a, (ts, es) in arms.items()
                                            for x, e in zip(ts, es, strict=True)))
