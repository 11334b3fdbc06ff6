"""Study B's design as every generator of it shares it (ADSL in study_b, ADPD in study_b_pd, ADPC in
study_b_pk): the study id, the analysis groups, the subjects and their study dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

STUDYID = "CC-220-CP-001"


FIRST_DOSE = dt.date(2013, 1, 22)  # cohort A; each later cohort 3 weeks after the previous one


GROUPS = ("PBO", "0.03", "0.1", "0.3", "1", "2", "4", "6")  # analysis groups; placebo pooled


EXTENDED_COHORTS = ("F", "G")  # lymphocyte counts also on days 7 and 9


def dose_text(dose: float) -> str:
    return f"{dose:g}"


def treatment_label(cohort: str, dose: float, placebo: bool) -> str:
    return f"Placebo (cohort {cohort})" if placebo else f"Iberdomide {dose_text(dose)} mg"


@dataclass
class Subject:
    """One subject as the generators (ADSL here, ADPD in study_b_pd, ADPC in study_b_pk) share it."""

    usubjid: str
    subjid: str
    cohort: str
    dose: float  # mg; 0 for placebo
    placebo: bool
    group: str
    k: int = 0  # index within the analysis group
    trtsdt: dt.date = FIRST_DOSE
    demo: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return treatment_label(self.cohort, self.dose, self.placebo)


def group_members(subs: list[Subject]) -> dict[str, list[Subject]]:
    """Analysis group (GROUPS) -> its subjects by USUBJID; a design's "subject k of a group" indexes this."""
    out: dict[str, list[Subject]] = {g: [] for g in GROUPS}
    for s in sorted(subs, key=lambda s: s.usubjid):
        out[s.group].append(s)
    return out


def study_date(s: Subject, study_day: int) -> dt.date:
    """The date of a subject's study day (day 1 the dose day, no day 0)."""
    return s.trtsdt + dt.timedelta(days=study_day - 1 if study_day > 0 else study_day)
