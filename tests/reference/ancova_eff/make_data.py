"""Writes the inputs of make_reference.R (run from the repository root:
`.venv/bin/python tests/reference/ancova_eff/make_data.py`).

study_a_pd.csv: study A's flow-cytometry records as the PD ANCOVA of specs/t-14-4-1.yaml uses them,
  selected here with plain pandas from the committed .xpt files (PD population: >= 1 non-missing
  assessment; dose-escalation arms; ANL01FL = 'Y'; visits Day 29, Day 57, Final Visit).
unbalanced_adsl.csv, unbalanced_bds.csv: a small synthetic BDS study (seeded) with three arms of
  unequal size in a non-alphabetical order, a region factor from the subject-level dataset whose levels
  occur with arm-dependent frequencies, age and baseline covariates, two visits, and missing values
  (responses, baselines, one region). Numbers have at most one decimal, so R and Python read the same
  doubles.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2] / "tlf" / "examples" / "data" / "study_a"
ARMS = {"Placebo": "pbo", "Iberdomide 0.3 mg QOD": "qod03", "Iberdomide 0.3 mg QD": "qd03",
        "Iberdomide 0.6/0.3 mg ALTN": "alt0603", "Iberdomide 0.6 mg QD": "qd06"}


def study_a_pd() -> pd.DataFrame:
    adsl = pyreadstat.read_xport(str(DATA / "adsl.xpt"))[0]
    adpd = pyreadstat.read_xport(str(DATA / "adpd.xpt"))[0]
    pd_pop = set(adpd.loc[adpd.AVAL.notna(), "USUBJID"])
    recs = adpd[(adpd.ANL01FL == "Y") & (adpd.APERIOD == 1) & adpd.USUBJID.isin(pd_pop)
                & adpd.AVISIT.isin(["Day 29", "Day 57", "Final Visit"])]
    recs = recs.merge(adsl[["USUBJID", "TRT01A"]], on="USUBJID")
    recs["ARM"] = recs.TRT01A.map(ARMS)
    out = recs[["USUBJID", "ARM", "PARAMCD", "AVISIT", "BASE", "PCHG"]].sort_values(["PARAMCD", "AVISIT", "USUBJID"])
    out["PCHG"] = out.PCHG.map(lambda v: "" if v != v else repr(float(v)))  # full precision
    return out


def unbalanced(seed: int = 20240917) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    arms = [("Placebo", 0.0, 14), ("Drug High", -4.0, 9), ("Drug Low", -2.0, 11)]  # column order, not alphabetical
    region_p = {"Placebo": [0.5, 0.3, 0.2], "Drug High": [0.2, 0.2, 0.6], "Drug Low": [0.34, 0.33, 0.33]}
    regions = ["EU", "NAM", "ROW"]
    sl, bds = [], []
    k = 0
    for arm, effect, n in arms:
        for i in range(n):
            k += 1
            usubjid = f"U-{k:03d}"
            region = regions[i] if i < 3 else regions[int(rng.choice(3, p=region_p[arm]))]
            age = int(rng.integers(22, 70))
            sl.append({"USUBJID": usubjid, "TRT01A": arm, "REGION": region, "AGE": age, "SAFFL": "Y"})
            base = round(float(rng.normal(20, 5)), 1)
            reg = {"EU": 0.0, "NAM": 1.5, "ROW": -1.0}[region]
            for visit, frac in (("Week 4", 0.5), ("Week 8", 1.0)):
                chg = round(frac * effect - 0.2 * (base - 20) + reg + 0.05 * (age - 45) + float(rng.normal(0, 2.5)), 1)
                bds.append({"USUBJID": usubjid, "PARAMCD": "SCORE", "AVISIT": visit, "BASE": base,
                            "AVAL": round(base + chg, 1), "CHG": chg})
    sl, bds = pd.DataFrame(sl), pd.DataFrame(bds)
    sl.loc[5, "REGION"] = ""  # a missing factor value: that subject leaves the model
    bds.loc[[3, 20, 41], "CHG"] = np.nan  # missed assessments
    bds.loc[[3, 20, 41], "AVAL"] = np.nan
    bds.loc[bds.USUBJID == "U-020", "BASE"] = np.nan  # no baseline
    return sl, bds


if __name__ == "__main__":
    study_a_pd().to_csv(HERE / "study_a_pd.csv", index=False)
    sl, bds = unbalanced()
    sl.to_csv(HERE / "unbalanced_adsl.csv", index=False)
    bds.to_csv(HERE / "unbalanced_bds.csv", index=False)
