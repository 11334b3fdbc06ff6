"""Inputs of the Emax reference (run once; the CSVs are committed): 36 subjects (6 placebo, 30 on 0.3 to
10 mg), responses at 2, 8 and 24 h in adpd.csv and concentrations at 0, 2, 8 and 24 h in adpc.csv, from a
sigmoid Emax model (E0 3, Emax 80, EC50 1.5 ng/mL, h 1.3) plus normal noise (SD 6). Placebo and
24 h samples of the lowest dose are BLQ (BLQFL Y, AVAL missing: taken as 0); one response is missing;
one subject has no 24 h concentration (its 24 h response has no pair). make_reference.R joins and fits
them with R's nls.

    python tests/reference/emax/make_data.py tests/reference/emax
"""

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

out = Path(sys.argv[1])
rng = np.random.default_rng(20240611)
doses = [0.0] * 6 + [0.3] * 6 + [1.0] * 6 + [3.0] * 6 + [10.0] * 6 + [30.0] * 6
adsl, adpd, adpc = [], [], []
for i, dose in enumerate(doses):
    u = f"S-{i + 1:03d}"
    adsl.append({"USUBJID": u, "TRT01A": "Placebo" if dose == 0 else f"Drug {dose:g} mg", "DOSE": dose,
                 "SAFFL": "Y"})
    cl = math.exp(rng.normal(0, 0.3))
    for t in (0.0, 2.0, 8.0, 24.0):
        c = dose * 0.9 / cl * math.exp(-0.1 * t) * (1 - math.exp(-2 * t)) if dose > 0 else 0.0
        c = round(c * math.exp(rng.normal(0, 0.1)), 4)
        blq = c < 0.05
        if not (u == "S-020" and t == 24.0):
            adpc.append({"USUBJID": u, "NTIME": t, "AVAL": None if blq else c, "BLQFL": "Y" if blq else "N"})
        if t > 0:
            e = 3 + 80 * c ** 1.3 / (1.5 ** 1.3 + c ** 1.3) + rng.normal(0, 6)
            adpd.append({"USUBJID": u, "PARAMCD": "RESP", "ATPTN": t,
                         "AVAL": None if (u == "S-011" and t == 8.0) else round(e, 3)})
pd.DataFrame(adsl).to_csv(out / "adsl.csv", index=False)
pd.DataFrame(adpd).to_csv(out / "adpd.csv", index=False)
pd.DataFrame(adpc).to_csv(out / "adpc.csv", index=False)
