"""Study A's adverse events (ADAE): the MedDRA coding and verbatim terms, the events of the design
(study_a_design) made records with dates, severity and outcome, a few filler events, the events before
the first dose, and the ADAE frame."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tlf.examples.study_a_adsl import Subject, period_dates
from tlf.examples.study_a_design import (
    ATEP_AES,
    ATEP_LABEL,
    DATA_CUTOFF,
    DE_AES,
    DE_LABEL,
    PRE_AES,
    STUDYID,
    URTI,
    UTI,
)

# Unremarkable extra TEAEs: preferred terms outside Table 2, each on <= 2 patients in all.
_FILLER_PTS = [
    "Arthralgia", "Fatigue", "Back pain", "Insomnia", "Dizziness", "Constipation", "Abdominal pain upper",
    "Oropharyngeal pain", "Influenza", "Herpes zoster", "Alopecia", "Pruritus", "Hypertension",
    "Oedema peripheral", "Dyspepsia", "Muscle spasms", "Contusion", "Anxiety", "Pyrexia", "Hypokalaemia",
    "Epistaxis", "Conjunctivitis", "Rash", "Myalgia", "Paraesthesia",
]
_N_FILLERS = 24

# MedDRA v21.0 primary SOC of every preferred term used.
_INF = "Infections and infestations"
_GI = "Gastrointestinal disorders"
_MSK = "Musculoskeletal and connective tissue disorders"
_SKIN = "Skin and subcutaneous tissue disorders"
_NERV = "Nervous system disorders"
_RESP = "Respiratory, thoracic and mediastinal disorders"
_GEN = "General disorders and administration site conditions"
_PSY = "Psychiatric disorders"
_META = "Metabolism and nutrition disorders"
SOC: dict[str, str] = {
    URTI: _INF, "Diarrhoea": _GI, "Nausea": _GI, "Bronchitis": _INF, UTI: _INF,
    "Neutropenia": "Blood and lymphatic system disorders", "Pneumonia": _INF, "Cough": _RESP,
    "Nasopharyngitis": _INF, "Pain in extremity": _MSK, "Vitamin D deficiency": _META, "Vomiting": _GI,
    "Maculopapular rash": _SKIN, "Musculoskeletal pain": _MSK, "Osteoarthritis": _MSK, "Sinusitis": _INF,
    "Deep vein thrombosis": "Vascular disorders", "Schizoaffective disorder": _PSY,
    "Systemic lupus erythematosus": _MSK, "Ecchymosis": _SKIN, "Dermatitis": _SKIN,
    "Small fibre neuropathy": _NERV, "Gastroenteritis": _INF, "Neutrophil count decreased": "Investigations",
    "Oral candidiasis": _INF, "Pulmonary embolism": _RESP, "Seizure": _NERV, "Vitreous detachment": "Eye disorders",
    "Headache": _NERV, "Fatigue": _GEN, "Arthralgia": _MSK, "Back pain": _MSK, "Insomnia": _PSY,
    "Dizziness": _NERV, "Constipation": _GI, "Abdominal pain upper": _GI, "Oropharyngeal pain": _RESP,
    "Influenza": _INF, "Herpes zoster": _INF, "Alopecia": _SKIN, "Pruritus": _SKIN,
    "Hypertension": "Vascular disorders", "Oedema peripheral": _GEN, "Dyspepsia": _GI, "Muscle spasms": _MSK,
    "Contusion": "Injury, poisoning and procedural complications", "Anxiety": _PSY, "Pyrexia": _GEN,
    "Hypokalaemia": _META, "Epistaxis": _RESP, "Conjunctivitis": _INF, "Rash": _SKIN, "Myalgia": _MSK,
    "Paraesthesia": _NERV,
}
# Investigator verbatim terms.
_VERBATIM: dict[str, list[str]] = {
    URTI: ["upper respiratory infection", "upper resp infection", "URI", "upper respiratory tract infection"],
    "Diarrhoea": ["diarrhea", "loose stools", "diarrhoea"],
    "Nausea": ["nausea", "intermittent nausea", "nauseous"],
    "Bronchitis": ["bronchitis", "acute bronchitis"],
    UTI: ["urinary tract infection", "UTI"],
    "Neutropenia": ["neutropenia", "low neutrophils (neutropenia)"],
    "Pneumonia": ["pneumonia", "community acquired pneumonia", "right lower lobe pneumonia"],
    "Cough": ["cough", "dry cough"],
    "Nasopharyngitis": ["nasopharyngitis", "common cold", "cold symptoms"],
    "Pain in extremity": ["leg pain", "pain in right arm", "left foot pain"],
    "Vitamin D deficiency": ["vitamin D deficiency", "low vitamin D"],
    "Vomiting": ["vomiting", "emesis"],
    "Maculopapular rash": ["maculopapular rash", "maculo-papular rash on trunk"],
    "Musculoskeletal pain": ["musculoskeletal pain", "muscle and bone pain"],
    "Osteoarthritis": ["osteoarthritis of knee", "osteoarthritis"],
    "Sinusitis": ["sinusitis", "sinus infection"],
    "Deep vein thrombosis": ["deep vein thrombosis left leg"],
    "Schizoaffective disorder": ["schizoaffective disorder"],
    "Systemic lupus erythematosus": ["lupus flare", "SLE flare"],
    "Ecchymosis": ["ecchymosis", "bruising on arms"],
    "Dermatitis": ["dermatitis"],
    "Small fibre neuropathy": ["small fiber neuropathy"],
    "Gastroenteritis": ["gastroenteritis"],
    "Neutrophil count decreased": ["decreased neutrophil count"],
    "Oral candidiasis": ["oral thrush", "oral candidiasis"],
    "Pulmonary embolism": ["pulmonary embolism"],
    "Seizure": ["seizure"],
    "Vitreous detachment": ["posterior vitreous detachment"],
    "Headache": ["headache"],
    "Fatigue": ["fatigue", "tiredness"],
    "Arthralgia": ["joint pain", "arthralgia"],
    "Back pain": ["back pain", "lower back pain"],
    "Insomnia": ["insomnia", "difficulty sleeping"],
    "Dizziness": ["dizziness"],
    "Constipation": ["constipation"],
    "Abdominal pain upper": ["upper abdominal pain", "epigastric pain"],
    "Oropharyngeal pain": ["sore throat"],
    "Influenza": ["influenza", "flu"],
    "Herpes zoster": ["shingles"],
    "Alopecia": ["hair loss", "alopecia"],
    "Pruritus": ["itching", "pruritus"],
    "Hypertension": ["hypertension", "elevated blood pressure"],
    "Oedema peripheral": ["ankle swelling", "peripheral edema"],
    "Dyspepsia": ["indigestion", "dyspepsia"],
    "Muscle spasms": ["muscle cramps", "muscle spasm"],
    "Contusion": ["bruise right knee", "contusion"],
    "Anxiety": ["anxiety"],
    "Pyrexia": ["fever"],
    "Hypokalaemia": ["low potassium", "hypokalemia"],
    "Epistaxis": ["nosebleed", "epistaxis"],
    "Conjunctivitis": ["pink eye", "conjunctivitis"],
    "Rash": ["rash", "skin rash"],
    "Myalgia": ["muscle aches", "myalgia"],
    "Paraesthesia": ["tingling in fingers", "paresthesia"],
}
_CHRONIC_PTS = {"Vitamin D deficiency", "Osteoarthritis", "Small fibre neuropathy"}

ADAE_LABELS: dict[str, str] = {
    "STUDYID": "Study Identifier",
    "USUBJID": "Unique Subject Identifier",
    "AESEQ": "Sequence Number",
    "AETERM": "Reported Term for the Adverse Event",
    "AEDECOD": "Dictionary-Derived Term",
    "AEBODSYS": "Body System or Organ Class",
    "AESEV": "Severity/Intensity",
    "AESER": "Serious Event",
    "AEREL": "Causality",
    "AEACN": "Action Taken with Study Treatment",
    "AEOUT": "Outcome of Adverse Event",
    "AESDTH": "Results in Death",
    "ASTDT": "Analysis Start Date",
    "AENDT": "Analysis End Date",
    "ASTDY": "Analysis Start Relative Day",
    "TRTEMFL": "Treatment Emergent Analysis Flag",
    "APERIOD": "Period",
    "TRTA": "Actual Treatment",
    "SAFFL": "Safety Population Flag",
}


@dataclass
class AE:
    subj: Subject
    period: int
    pt: str
    flags: str
    start: dt.date | None = None
    end: dt.date | None = None
    term: str = ""
    sev: str = ""
    out: str = ""
    teae: bool = True


def adverse_events(subs: list[Subject], rng) -> list[AE]:
    aes: list[AE] = []
    for s in subs:
        plans = [(1, x) for x in DE_AES[s.arm][s.profile]]
        if s.atep:
            plans += [(2, x) for x in ATEP_AES[s.atep][s.atep_profile]]
        for period, item in plans:
            pt, _, flags = item.partition(":")
            reps = 2 if "2" in flags else 1
            for _ in range(reps):
                aes.append(AE(s, period, pt, flags.replace("2", "")))
    # Fillers: subjects with >= 1 TEAE in the period, terms with room left (<= 2 patients overall).
    used: dict[str, set[str]] = {}
    for a in aes:
        used.setdefault(a.pt, set()).add(a.subj.usubjid)
    slots = sorted({(a.subj.usubjid, a.period) for a in aes})
    by_id = {s.usubjid: s for s in subs}
    for _ in range(_N_FILLERS):
        usub, period = slots[int(rng.integers(len(slots)))]
        room = [p for p in _FILLER_PTS if len(used.get(p, set()) | {usub}) <= 2
                and not any(a.pt == p and a.subj.usubjid == usub for a in aes)]
        pt = room[int(rng.integers(len(room)))]
        used.setdefault(pt, set()).add(usub)
        aes.append(AE(by_id[usub], period, pt, ""))
    # Dates, severity, outcome.
    for (usub, period) in sorted({(a.subj.usubjid, a.period) for a in aes}):
        group = [a for a in aes if a.subj.usubjid == usub and a.period == period]
        s = group[0].subj
        start, end = period_dates(s, period)
        ndays = (end - start).days + 1
        wd = [a for a in group if "W" in a.flags]
        last_ok = ndays
        for j, a in enumerate(wd):
            day = max(1, ndays - int(rng.integers(0, 3)) - 4 * j)
            a.start = start + dt.timedelta(days=day - 1)
            last_ok = min(last_ok, day)
        seen: dict[str, dt.date] = {}
        for a in group:
            if a.start is not None:
                continue
            if "I" in a.flags or "D" in a.flags:
                day = int(rng.integers(10, max(11, min(last_ok, ndays - 30))))
            else:
                day = int(rng.integers(1, max(2, last_ok)))
            if a.pt in seen:  # second episode: later than the first
                first = (seen[a.pt] - start).days + 1
                day = min(max(day, first + 21), max(first + 1, last_ok))
            a.start = start + dt.timedelta(days=day - 1)
            seen.setdefault(a.pt, a.start)
    for a in aes:
        a.term = _VERBATIM[a.pt][int(rng.integers(len(_VERBATIM[a.pt])))]
        a.sev = "SEVERE" if "V" in a.flags else ("MILD" if rng.random() < 0.6 else "MODERATE")
        if a.pt in _CHRONIC_PTS:
            a.end, a.out = None, "NOT RECOVERED/NOT RESOLVED"
        else:
            length = int(rng.integers(7, 31)) if "S" in a.flags else int(rng.integers(2, 15))
            a.end = a.start + dt.timedelta(days=length - 1)
            a.out = "RECOVERED/RESOLVED"
            if a.end > DATA_CUTOFF:
                a.end, a.out = None, "RECOVERING/RESOLVING"
    # Adverse events before the first dose (not treatment-emergent).
    for s in subs:
        pt = PRE_AES.get((s.arm, s.profile))
        if pt is None:
            continue
        a = AE(s, 1, pt, "", teae=False)
        a.start = s.tr01sdt - dt.timedelta(days=int(rng.integers(8, 21)))
        a.end = a.start + dt.timedelta(days=int(rng.integers(1, 6)))
        a.term = _VERBATIM[pt][0]
        a.sev, a.out = "MILD", "RECOVERED/RESOLVED"
        aes.append(a)
    return aes


def _action(a: AE) -> str:
    if "W" in a.flags:
        return "DRUG WITHDRAWN"
    if "D" in a.flags:
        return "DOSE REDUCED"
    if "I" in a.flags:
        return "DRUG INTERRUPTED"
    return "DOSE NOT CHANGED"


def adae_frame(aes: list[AE]):
    """The ADAE frame, by subject and start date, with AESEQ numbered within each subject."""
    import pandas as pd

    ae_rows = []
    for a in sorted(aes, key=lambda a: (a.subj.usubjid, a.start, a.period, a.pt)):
        s = a.subj
        pstart = period_dates(s, a.period)[0]
        dy = (a.start - pstart).days
        ae_rows.append({
            "STUDYID": STUDYID, "USUBJID": s.usubjid, "AESEQ": 0.0, "AETERM": a.term, "AEDECOD": a.pt,
            "AEBODSYS": SOC[a.pt], "AESEV": a.sev, "AESER": "Y" if "S" in a.flags else "N",
            "AEREL": "RELATED" if "R" in a.flags else "NOT RELATED", "AEACN": _action(a), "AEOUT": a.out,
            "AESDTH": "N", "ASTDT": a.start, "AENDT": a.end, "ASTDY": float(dy + 1 if dy >= 0 else dy),
            "TRTEMFL": "Y" if a.teae else "N", "APERIOD": float(a.period),
            "TRTA": DE_LABEL[s.arm] if a.period == 1 else ATEP_LABEL[s.atep], "SAFFL": "Y",
        })
    adae = pd.DataFrame(ae_rows, columns=list(ADAE_LABELS))
    adae["AESEQ"] = (adae.groupby("USUBJID").cumcount() + 1).astype(float)
    return adae
