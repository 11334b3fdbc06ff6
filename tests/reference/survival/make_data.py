"""Writes data.csv: a seeded time-to-event sample for tests/unit/test_stats_survival.py, with tied
event times, censorings tied with events, and one group whose median is not reached.

    python tests/reference/survival/make_data.py
"""

from pathlib import Path

import numpy as np

rng = np.random.default_rng(20240607)
rows = []
for group, scale, cens_rate in (("A", 30.0, 0.2), ("B", 60.0, 0.3), ("C", 400.0, 0.5)):
    n = 25
    t = np.ceil(rng.exponential(scale, n))  # whole days: ties
    c = np.ceil(rng.exponential(scale / cens_rate, n))
    time = np.minimum(np.minimum(t, c), 150)
    event = ((t <= c) & (t <= 150)).astype(int)
    rows += [(group, int(x), int(e)) for x, e in zip(time, event, strict=True)]
out = Path(__file__).with_name("data.csv")
out.write_text("group,time,event\n" + "".join(f"{g},{x},{e}\n" for g, x, e in rows))
