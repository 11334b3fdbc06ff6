"""Writes sim.csv for tests/unit/test_stats_cox.py (reference: make_reference.R): 240 subjects in 3 groups,
whole-day times (many ties), a numeric covariate (AGE, 1 decimal), a text covariate (SEX) and 4 strata.
Run from this folder: python make_data.py"""

import csv

import numpy as np

rng = np.random.default_rng(17)
n = 240
grp = rng.choice(["A", "B", "C"], n)
age = np.round(rng.normal(70, 8, n), 1)
sex = rng.choice(["F", "M"], n)
stratum = rng.choice(["s1", "s2", "s3", "s4"], n)
lin = np.where(grp == "B", -0.4, np.where(grp == "C", -0.8, 0.0)) + 0.03 * (age - 70) + 0.3 * (sex == "M")
base = {"s1": 30.0, "s2": 45.0, "s3": 60.0, "s4": 90.0}
t = np.ceil(rng.exponential(np.array([base[s] for s in stratum]) * np.exp(-lin)) / 7) * 7  # weekly: ties
c = np.ceil(rng.uniform(14, 200, n) / 7) * 7
event = (t <= c).astype(int)
time = np.minimum(t, c)
with open("sim.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "group", "time", "event", "age", "sex", "stratum"])
    for i in range(n):
        w.writerow([i + 1, grp[i], int(time[i]), event[i], age[i], sex[i], stratum[i]])
