"""Study A's exposure (ADEX): one record per constant-dose stretch of each period, split where an
adverse event made the investigator interrupt the drug or reduce the dose."""

from __future__ import annotations

import datetime as dt

from tlf.examples.study_a_adae import AE
from tlf.examples.study_a_adsl import Subject, period_dates
from tlf.examples.study_a_design import ATEP_DOSE, ATEP_LABEL, COHORT_FREQ, DE_DOSE, DE_LABEL, STUDYID

ADEX_LABELS: dict[str, str] = {
    "STUDYID": "Study Identifier",
    "USUBJID": "Unique Subject Identifier",
    "APERIOD": "Period",
    "TRTA": "Actual Treatment",
    "EXTRT": "Name of Treatment",
    "EXDOSE": "Dose per Administration",
    "EXDOSU": "Dose Units",
    "EXDOSFRQ": "Dosing Frequency per Interval",
    "ASTDT": "Analysis Start Date",
    "AENDT": "Analysis End Date",
    "EXDURD": "Exposure Duration (days)",
}


def exposure_rows(subs: list[Subject], aes: list[AE], rng) -> list[dict]:
    rows = []
    for s in subs:
        periods = [1] + ([2] if s.atep else [])
        for period in periods:
            start, end = period_dates(s, period)
            if period == 1:
                dose, freq = DE_DOSE[s.arm]
                freq = freq or COHORT_FREQ[s.cohort]
                label, extrt = DE_LABEL[s.arm], "PLACEBO" if s.arm == "PBO" else "IBERDOMIDE"
            else:
                dose, freq = ATEP_DOSE[s.atep]
                label, extrt = ATEP_LABEL[s.atep], "IBERDOMIDE"
            segs = [(start, end, dose, freq)]
            for a in aes:
                if a.subj is s and a.period == period and a.teae and ("I" in a.flags or "D" in a.flags):
                    a0, a1, d0, f0 = segs.pop()
                    if "D" in a.flags:  # next lower level: 0.3 mg QD
                        segs += [(a0, a.start, d0, f0), (a.start + dt.timedelta(days=1), a1, 0.3, "QD")]
                    else:
                        pause = int(rng.integers(5, 15))
                        segs += [(a0, a.start, d0, f0), (a.start + dt.timedelta(days=pause + 1), a1, d0, f0)]
            for a0, a1, d0, f0 in segs:
                assert a1 >= a0
                rows.append({"STUDYID": STUDYID, "USUBJID": s.usubjid, "APERIOD": float(period), "TRTA": label,
                             "EXTRT": extrt, "EXDOSE": float(d0), "EXDOSU": "mg", "EXDOSFRQ": f0,
                             "ASTDT": a0, "AENDT": a1, "EXDURD": float((a1 - a0).days + 1)})
    return rows


def adex_frame(ex_rows: list[dict]):
    """The ADEX frame, by subject, period and start date."""
    import pandas as pd

    ex_rows.sort(key=lambda r: (r["USUBJID"], r["APERIOD"], r["ASTDT"]))
    adex = pd.DataFrame(ex_rows, columns=list(ADEX_LABELS))
    return adex
