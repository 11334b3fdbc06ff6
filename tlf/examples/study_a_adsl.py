"""Study A's subjects and their subject-level dataset (ADSL): the design rows made subjects, their ids,
sites and dates (randomisation, both periods, ATEP gaps), and the ADSL frame once the baselines
(study_a_baselines) are filled in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tlf.examples.study_a_design import (
    ATEP_GAPS,
    ATEP_LABEL,
    ATEP_PROFILES,
    COHORT_WINDOW,
    DATA_CUTOFF,
    DE_DURATION_ARMS,
    DE_LABEL,
    DE_MAX_DAYS,
    DE_NUM,
    DESIGN,
    GAP_ANCHORS,
    RACES,
    REASONS,
    STUDYID,
)
from tlf.examples.study_a_durations import fit_days
from tlf.examples.study_a_facts import ATEP_DURATION, DE_DURATION_RANGE

# Variable labels (<= 40 characters).
ADSL_LABELS: dict[str, str] = {
    "STUDYID": "Study Identifier",
    "USUBJID": "Unique Subject Identifier",
    "SUBJID": "Subject Identifier for the Study",
    "SITEID": "Study Site Identifier",
    "ARMCD": "Planned Arm Code",
    "ARM": "Description of Planned Arm",
    "TRT01P": "Planned Treatment for Period 01",
    "TRT01PN": "Planned Treatment for Period 01 (N)",
    "TRT01A": "Actual Treatment for Period 01",
    "TRT01AN": "Actual Treatment for Period 01 (N)",
    "TRT02P": "Planned Treatment for Period 02",
    "TRT02PN": "Planned Treatment for Period 02 (N)",
    "TRT02A": "Actual Treatment for Period 02",
    "TRT02AN": "Actual Treatment for Period 02 (N)",
    "RANDFL": "Randomized Population Flag",
    "SAFFL": "Safety Population Flag",
    "ITTFL": "Intent-To-Treat Population Flag",
    "ATEPFL": "Continued to ATEP (Part 2) Flag",
    "RANDDT": "Date of Randomization",
    "TRTSDT": "Date of First Exposure to Treatment",
    "TRTEDT": "Date of Last Exposure to Treatment",
    "TR01SDT": "Date of First Exposure in Period 01",
    "TR01EDT": "Date of Last Exposure in Period 01",
    "TR02SDT": "Date of First Exposure in Period 02",
    "TR02EDT": "Date of Last Exposure in Period 02",
    "EOP01STT": "End of Period 01 Status",
    "EOP02STT": "End of Period 02 Status",
    "DCP01RS": "Reason for Discontinuation in Period 01",
    "DCP02RS": "Reason for Discontinuation in Period 02",
    "AGE": "Age",
    "AGEU": "Age Units",
    "SEX": "Sex",
    "RACE": "Race",
    "ETHNIC": "Ethnicity",
    "HCQFL": "Hydroxychloroquine at Baseline Flag",
    "PREDFL": "Prednisone <=10 mg/day at Baseline Flag",
}
for _pp, _when in (("01", "Period 01"), ("02", "Period 02")):
    ADSL_LABELS.update({
        f"AGEP{_pp}": f"Age at {_when} Baseline (years)",
        f"WTBLP{_pp}": f"Weight at {_when} Baseline (kg)",
        f"DURP{_pp}": f"SLE Duration at {_when} BL (years)",
        f"CLASP{_pp}": f"CLASI Activity Score at {_when} BL",
        f"TJCP{_pp}": f"Tender Joint Count at {_when} BL",
        f"SJCP{_pp}": f"Swollen Joint Count at {_when} BL",
        f"HSSP{_pp}": f"Hybrid SELENA-SLEDAI at {_when} BL",
        f"PGAP{_pp}": f"Physician Global Assessment {_when} BL",
    })


@dataclass
class Subject:
    arm: str
    profile: str
    sex: str
    race: str
    cohort: int
    status1: str  # "C" or reason key
    atep: int  # 0, 1, 2
    disc_day: int
    site: str = ""
    subjid: str = ""
    usubjid: str = ""
    ethnic: str = ""
    randdt: dt.date | None = None
    tr01sdt: dt.date | None = None
    tr01edt: dt.date | None = None
    tr02sdt: dt.date | None = None
    tr02edt: dt.date | None = None
    atep_profile: str = ""
    status2: str = ""
    base: dict[str, float | None] = field(default_factory=dict)

    @property
    def de_col(self) -> int:
        return DE_NUM[self.arm] - 1

    @property
    def atep_col(self) -> int:
        return 4 + self.atep if self.atep else -1


def design_subjects() -> list[Subject]:
    subs = []
    for line in DESIGN.strip().splitlines():
        arm, prof, sex, race, cohort, st, atep, day = line.split()
        subs.append(Subject(arm, prof, sex, race, int(cohort), st, int(atep), int(day)))
    return subs


def assign_ids_and_dates(subs: list[Subject], rng) -> None:
    # Randomisation dates within the cohort windows.
    for s in subs:
        lo, hi = COHORT_WINDOW[s.cohort]
        s.randdt = lo + dt.timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))
        s.tr01sdt = s.randdt + dt.timedelta(days=int(rng.integers(0, 3)))
        if s.status1 == "C":
            dur = int(rng.integers(80, 86))
        else:
            dur = max(3, s.disc_day + int(rng.integers(-2, 3)))
        s.tr01edt = s.tr01sdt + dt.timedelta(days=dur - 1)
        s.ethnic = "HISPANIC OR LATINO" if rng.random() < 0.2 else "NOT HISPANIC OR LATINO"
    _fit_de_durations(subs)
    # Sites: 8 sites, each used; subject numbers by site in order of randomisation.
    sites = ["101", "102", "103", "104", "201", "202", "301", "302"]
    site_of = [sites[i % len(sites)] for i in range(len(subs))]
    order = rng.permutation(len(subs))
    for i, k in enumerate(order):
        subs[int(k)].site = site_of[i]
    seq: dict[str, int] = {}
    for s in sorted(subs, key=lambda s: (s.randdt, s.arm, s.profile)):
        seq[s.site] = seq.get(s.site, 0) + 1
        s.subjid = f"{s.site}-{seq[s.site]:03d}"
        s.usubjid = f"{STUDYID}-{s.subjid}"
    # ATEP: profiles shuffled over each ATEP arm's entrants; gaps per cohort.
    for arm, profiles in ATEP_PROFILES.items():
        members = [s for s in subs if s.atep == arm]
        letters = list(profiles)
        assert len(members) == len(letters)
        perm = rng.permutation(len(letters))
        for s, k in zip(members, perm, strict=True):
            s.atep_profile = letters[int(k)]
            s.status2 = profiles[s.atep_profile][0]
    for cohort, gaps in ATEP_GAPS.items():
        members = [s for s in subs if s.atep and s.cohort == cohort]
        assert len(members) == len(gaps)
        jittered = [g if g in GAP_ANCHORS else g + int(rng.integers(-6, 7)) for g in gaps]
        perm = rng.permutation(len(gaps))
        for s, k in zip(members, perm, strict=True):
            s.tr02sdt = s.tr01edt + dt.timedelta(days=jittered[int(k)])
            weeks = ATEP_PROFILES[s.atep][s.atep_profile][1]
            dur = weeks * 7 + int(rng.integers(-4, 5))
            s.tr02edt = s.tr02sdt + dt.timedelta(days=dur - 1)
    _fit_atep_durations(subs)


def _set_days(members: list[Subject], days: list[int], period: int) -> None:
    for s, d in zip(members, days, strict=True):
        if period == 1:
            s.tr01edt = s.tr01sdt + dt.timedelta(days=d - 1)
        else:
            s.tr02edt = s.tr02sdt + dt.timedelta(days=d - 1)


def _fit_de_durations(subs: list[Subject]) -> None:
    """Dose escalation: at most DE_MAX_DAYS (12 weeks) of dosing; completers keep 80 days or more, a
    patient who discontinued stays within 8 days of the design's nominal last day. The two arms of
    DE_DURATION_ARMS get the published lowest and highest mean (SD) duration (study_a_durations)."""
    targets = dict(zip(DE_DURATION_ARMS, DE_DURATION_RANGE, strict=True))
    for arm in DE_LABEL:
        members = [s for s in subs if s.arm == arm]
        days = [(s.tr01edt - s.tr01sdt).days + 1 for s in members]
        bounds = [(80, DE_MAX_DAYS) if s.status1 == "C" else (max(3, s.disc_day - 8), min(s.disc_day + 8, 79))
                  for s in members]
        if arm in targets:
            days = fit_days(days, bounds, *targets[arm])
        else:
            days = [min(max(d, lo), hi) for d, (lo, hi) in zip(days, bounds, strict=True)]
        _set_days(members, days, 1)


def _fit_atep_durations(subs: list[Subject]) -> None:
    """ATEP: within 10 days of the profile's nominal weeks (completers 96 weeks +/- 4 days), the last
    dose at least 4 weeks before the data cut-off; each arm prints the published mean (SD)."""
    for arm, target in zip(ATEP_PROFILES, ATEP_DURATION, strict=True):
        members = [s for s in subs if s.atep == arm]
        days = [(s.tr02edt - s.tr02sdt).days + 1 for s in members]
        bounds = []
        for s in members:
            nominal = ATEP_PROFILES[arm][s.atep_profile][1] * 7
            slack = 4 if s.status2 == "C" else 10
            last = (DATA_CUTOFF - s.tr02sdt).days + 1 - 28
            bounds.append((nominal - slack, min(nominal + slack, last)))
        _set_days(members, fit_days(days, bounds, *target), 2)


def period_dates(s: Subject, period: int) -> tuple[dt.date, dt.date]:
    return (s.tr01sdt, s.tr01edt) if period == 1 else (s.tr02sdt, s.tr02edt)


def adsl_frame(subs: list[Subject], rng):
    """The ADSL frame, one row per subject in USUBJID order (draws the concomitant medication flags)."""
    import numpy as np
    import pandas as pd

    # Concomitant medication flags: 26/42 (62%) hydroxychloroquine, 20/42 (48%) prednisone.
    hcq = set(int(k) for k in rng.permutation(len(subs))[:26])
    pred = set(int(k) for k in rng.permutation(len(subs))[:20])
    rows = []
    subs_sorted = sorted(subs, key=lambda s: s.usubjid)
    index = {id(s): i for i, s in enumerate(subs)}
    for s in subs_sorted:
        lab1 = DE_LABEL[s.arm]
        lab2 = ATEP_LABEL[s.atep] if s.atep else ""
        r = {
            "STUDYID": STUDYID, "USUBJID": s.usubjid, "SUBJID": s.subjid, "SITEID": s.site,
            "ARMCD": s.arm, "ARM": lab1,
            "TRT01P": lab1, "TRT01PN": float(DE_NUM[s.arm]), "TRT01A": lab1, "TRT01AN": float(DE_NUM[s.arm]),
            "TRT02P": lab2, "TRT02PN": float(s.atep) if s.atep else np.nan,
            "TRT02A": lab2, "TRT02AN": float(s.atep) if s.atep else np.nan,
            "RANDFL": "Y", "SAFFL": "Y", "ITTFL": "Y", "ATEPFL": "Y" if s.atep else "N",
            "RANDDT": s.randdt, "TRTSDT": s.tr01sdt, "TRTEDT": s.tr02edt if s.atep else s.tr01edt,
            "TR01SDT": s.tr01sdt, "TR01EDT": s.tr01edt, "TR02SDT": s.tr02sdt, "TR02EDT": s.tr02edt,
            "EOP01STT": "COMPLETED" if s.status1 == "C" else "DISCONTINUED",
            "EOP02STT": "" if not s.atep else ("COMPLETED" if s.status2 == "C" else "DISCONTINUED"),
            "DCP01RS": "" if s.status1 == "C" else REASONS[s.status1],
            "DCP02RS": "" if not s.atep or s.status2 == "C" else REASONS[s.status2],
            "AGE": s.base["AGEP01"], "AGEU": "YEARS", "SEX": s.sex, "RACE": RACES[s.race], "ETHNIC": s.ethnic,
            "HCQFL": "Y" if index[id(s)] in hcq else "N", "PREDFL": "Y" if index[id(s)] in pred else "N",
        }
        for pp in ("01", "02"):
            for name in ("AGE", "WTBL", "DUR", "CLAS", "TJC", "SJC", "HSS", "PGA"):
                x = s.base[f"{name}P{pp}"]
                r[f"{name}P{pp}"] = np.nan if x is None else x
        rows.append(r)
    adsl = pd.DataFrame(rows, columns=list(ADSL_LABELS))
    return adsl
