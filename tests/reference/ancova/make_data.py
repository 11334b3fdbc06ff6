"""Writes data.csv, the input of make_reference.R: a small unbalanced ANCOVA data set (seeded, deterministic).

Run from the repository root: `.venv/bin/python tests/reference/ancova/make_data.py`.
Three arms in a non-alphabetical order (Placebo, Low, High; TRTPN 0/54/81), four site groups with
arm-dependent, unequal frequencies, sex, baseline and age covariates, a change from baseline with a
dose effect; some responses, baselines and one site missing. Values are written with at most one
decimal so that R and Python read the same doubles.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ARMS = {"Placebo": 0, "Xanomeline Low Dose": 54, "Xanomeline High Dose": 81}
SITE_P = {"Placebo": [0.4, 0.3, 0.2, 0.1], "Xanomeline Low Dose": [0.2, 0.2, 0.3, 0.3],
          "Xanomeline High Dose": [0.25, 0.45, 0.15, 0.15]}
SITES = ["701", "703", "709", "Other"]


def make(seed: int = 20240611) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for arm, n in (("Placebo", 34), ("Xanomeline Low Dose", 27), ("Xanomeline High Dose", 31)):
        for i in range(n):
            site = SITES[rng.choice(4, p=SITE_P[arm])] if i >= 4 else SITES[i]  # every cell occupied
            sex = "F" if rng.random() < 0.55 else "M"
            base = np.round(rng.normal(24.0, 7.0), 1)
            age = int(rng.integers(55, 89))
            site_eff = {"701": -1.0, "703": 0.5, "709": 1.5, "Other": 0.0}[site]
            chg = (3.0 - 0.03 * ARMS[arm] - 0.25 * (base - 24.0) + site_eff + 0.04 * (age - 70)
                   + (0.8 if sex == "F" else 0.0) + rng.normal(0, 4.0))
            rows.append({"USUBJID": f"{arm[:1]}{ARMS[arm]:02d}-{i + 1:03d}", "TRTP": arm, "TRTPN": ARMS[arm],
                         "SITEGR1": site, "SEX": sex, "AGE": age, "BASE": base, "CHG": np.round(chg, 1)})
    frame = pd.DataFrame(rows)
    frame.loc[[3, 17, 40, 66, 80], "CHG"] = np.nan
    frame.loc[[9, 55], "BASE"] = np.nan
    frame.loc[[71], "SITEGR1"] = ""
    return frame


if __name__ == "__main__":
    make().to_csv(HERE / "data.csv", index=False)
