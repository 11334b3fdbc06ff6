"""Simulated responder data for tests/unit/test_stats_logistic.py: 3 arms, a 3-level categorical
covariate (REGION) and a continuous one (BASE); fixed seed. Run: python make_data.py > simulated.csv"""

import numpy as np

rng = np.random.default_rng(20261207)
n = 300
arm = rng.choice(["Placebo", "Low", "High"], size=n)
region = rng.choice(["EU", "US", "ROW"], size=n, p=[0.5, 0.3, 0.2])
base = np.round(rng.normal(30, 6, size=n), 1)
eta = -0.4 + 0.5 * (arm == "Low") + 1.0 * (arm == "High") - 0.04 * (base - 30) + 0.6 * (region == "US") \
    - 0.5 * (region == "ROW")
resp = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
print("USUBJID,ARM,REGION,BASE,RESP")
for i in range(n):
    print(f"S-{i + 1:03d},{arm[i]},{region[i]},{base[i]},{resp[i]}")
