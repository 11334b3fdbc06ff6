"""What study A's efficacy (ADEFF) and PD (ADPD) generators share: the subjects as ADSL has them (arm,
dates, completion, baselines), the efficacy parameters with their ADSL baseline variables, and one
BDS record with its labels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tlf.examples.study_a_design import ATEP_ARMS, DE_ARMS, STUDYID

ARMS = tuple(code for code, _, _ in DE_ARMS)  # dose-escalation arm codes, in table order
ATEP_LABELS = tuple(label for _, label, _ in ATEP_ARMS)

# PARAMCD, PARAM, PARAMN, decimals, maximum, ADSL baseline prefix
EFF_PARAMS = (
    ("CLASI", "CLASI Activity Score", 1, 0, 70, "CLASP"),
    ("HSS", "Hybrid SELENA-SLEDAI Score", 2, 0, 105, "HSSP"),
    ("PGA", "Physician Global Assessment (0-3)", 3, 2, 3, "PGAP"),
    ("TJC", "Tender Joint Count (0-28)", 4, 0, 28, "TJCP"),
    ("SJC", "Swollen Joint Count (0-28)", 5, 0, 28, "SJCP"),
)

BDS_LABELS = {
    "STUDYID": "Study Identifier",
    "USUBJID": "Unique Subject Identifier",
    "APERIOD": "Period",
    "TRTA": "Actual Treatment",
    "PARAMCD": "Parameter Code",
    "PARAM": "Parameter",
    "PARAMN": "Parameter (N)",
    "AVISIT": "Analysis Visit",
    "AVISITN": "Analysis Visit (N)",
    "ADT": "Analysis Date",
    "ADY": "Analysis Relative Day",
    "AVAL": "Analysis Value",
    "BASE": "Baseline Value",
    "CHG": "Change from Baseline",
    "PCHG": "Percent Change from Baseline",
    "ABLFL": "Baseline Record Flag",
    "ANL01FL": "Analysis Flag 01",
}


@dataclass
class Subj:
    usubjid: str
    arm: str
    label1: str
    trtsdt: dt.date
    tr01sdt: dt.date
    tr01edt: dt.date
    completed1: bool
    base1: dict[str, float]
    atep: int = 0  # 0 none, 1 ATEP 0.3 QD, 2 ATEP ALTN
    label2: str = ""
    tr02sdt: dt.date | None = None
    tr02edt: dt.date | None = None
    completed2: bool = False
    base2: dict[str, float] = field(default_factory=dict)
    d85: dict[str, float] = field(default_factory=dict)  # day-85 change per parameter (or would-be)
    missed: set[tuple[str, str]] = field(default_factory=set)  # (PARAMCD, AVISIT) not assessed

    @property
    def last_day1(self) -> int:
        return (self.tr01edt - self.tr01sdt).days + 1


def _date(v) -> dt.date | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    import pandas as pd

    return None if pd.isna(v) else pd.Timestamp(v).date()


def subjects_from_adsl(adsl) -> list[Subj]:
    out = []
    for r in adsl.sort_values("USUBJID").itertuples(index=False):
        r = r._asdict()
        s = Subj(r["USUBJID"], r["ARMCD"], r["TRT01A"], _date(r["TRTSDT"]), _date(r["TR01SDT"]),
                 _date(r["TR01EDT"]), r["EOP01STT"] == "COMPLETED",
                 {p[0]: float(r[p[5] + "01"]) for p in EFF_PARAMS})
        if r["TRT02A"]:
            s.atep = ATEP_LABELS.index(r["TRT02A"]) + 1
            s.label2 = r["TRT02A"]
            s.tr02sdt, s.tr02edt = _date(r["TR02SDT"]), _date(r["TR02EDT"])
            s.completed2 = r["EOP02STT"] == "COMPLETED"
            s.base2 = {p[0]: float(r[p[5] + "02"]) for p in EFF_PARAMS}
        out.append(s)
    return out


def bds_row(s: Subj, period: int, code: str, name: str, paramn: int, visit: str, visitn: int, adt: dt.date,
            aval: float, base: float, dec: int, ablfl: str = "", anl: str = "Y") -> dict:
    nan = float("nan")
    if aval != aval or base != base:
        chg = pchg = nan
    else:
        chg = round(aval - base, dec)
        pchg = 100.0 * chg / base if base != 0 else nan
    return {"STUDYID": STUDYID, "USUBJID": s.usubjid, "APERIOD": float(period),
            "TRTA": s.label1 if period == 1 else s.label2, "PARAMCD": code, "PARAM": name,
            "PARAMN": float(paramn), "AVISIT": visit, "AVISITN": float(visitn), "ADT": adt,
            "ADY": float((adt - s.trtsdt).days + 1), "AVAL": aval, "BASE": base,
            "CHG": nan if ablfl else chg, "PCHG": nan if ablfl else pchg, "ABLFL": ablfl, "ANL01FL": anl}
