"""Data of the MMRM checks (tests/unit/test_stats_mmrm*.py): the seeded simulation saved in
tests/reference/mmrm/sim_data.csv and the CDISC pilot's ADAS-Cog observed cases, in the layout the R
programs of tests/reference/mmrm read (USUBJID, TRT, TRTN, AVISIT, VI, CHG, BASE and the site factor)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
REF = REPO / "tests" / "reference" / "mmrm"
ADQSADAS = REPO.parent / "shared" / "data" / "cdiscpilot01" / "adqsadas.xpt"
PILOT_ARMS = ("Placebo", "Xanomeline Low Dose", "Xanomeline High Dose")
PILOT_VISITS = ("Week 8", "Week 16", "Week 24")


def sim_data() -> pd.DataFrame:
    """60 subjects in 3 arms (pbo, low, high), 4 visits W1-W4, dropout and intermittent missing visits,
    a 2-level SITE and a baseline BASE (seeded simulation, numpy default_rng(1))."""
    return pd.read_csv(REF / "sim_data.csv")


def pilot_data() -> pd.DataFrame:
    """ADAS-Cog(11) total (ACTOT), efficacy population, observed cases (DTYPE blank, ANL01FL Y) at weeks
    8, 16 and 24: the records of the SAP's MMRM (section 10.1.1)."""
    import pyreadstat

    df, _ = pyreadstat.read_xport(str(ADQSADAS))
    keep = ((df.PARAMCD == "ACTOT") & (df.EFFFL == "Y") & (df.DTYPE == "") & (df.ANL01FL == "Y")
            & df.AVISIT.isin(PILOT_VISITS))
    d = df.loc[keep, ["USUBJID", "TRTP", "TRTPN", "AVISIT", "AVISITN", "SITEGR1", "BASE", "CHG"]].copy()
    d = d.rename(columns={"TRTP": "TRT", "TRTPN": "TRTN"})
    d["VI"] = d.AVISIT.map({v: i + 1 for i, v in enumerate(PILOT_VISITS)})
    return d.reset_index(drop=True)


STUDY_A = REPO / "tlf" / "examples" / "data" / "study_a"
STUDY_A_ARMS = ("Placebo", "Iberdomide 0.3 mg QOD", "Iberdomide 0.3 mg QD", "Iberdomide 0.6/0.3 mg ALTN",
                "Iberdomide 0.6 mg QD")
STUDY_A_VISITS = ("Day 15", "Day 29", "Day 57", "Day 85")


def study_a_data() -> pd.DataFrame:
    """Study A (bundled synthetic data): CLASI percent change from baseline (as CHG), ITT, dose-escalation
    period (APERIOD 1), ANL01FL Y, days 15-85, treatment TRT01A: the records of specs/t-14-2-7.yaml."""
    import pyreadstat

    e, _ = pyreadstat.read_xport(str(STUDY_A / "adeff.xpt"))
    s, _ = pyreadstat.read_xport(str(STUDY_A / "adsl.xpt"), usecols=["USUBJID", "TRT01A", "ITTFL"])
    d = e[(e.PARAMCD == "CLASI") & (e.APERIOD == 1) & (e.ANL01FL == "Y") & e.AVISIT.isin(STUDY_A_VISITS)]
    d = d.merge(s[s.ITTFL == "Y"], on="USUBJID")
    d = d[d.PCHG.notna() & d.BASE.notna()]
    d = d.assign(TRT=d.TRT01A, TRTN=d.TRT01A.map({a: i for i, a in enumerate(STUDY_A_ARMS)}), CHG=d.PCHG,
                 VI=d.AVISIT.map({v: i + 1 for i, v in enumerate(STUDY_A_VISITS)}))
    return d[["USUBJID", "TRT", "TRTN", "AVISIT", "VI", "BASE", "CHG"]].reset_index(drop=True)
