"""Study A's hand-written design (CC-220-SLE-001): identifiers and dates, the arms and their regimens,
the dose cohorts, one row per dose-escalation subject (sex, race, cohort, disposition, ATEP arm), the
ATEP profiles, and which adverse events each subject has in each period.

The random generator never changes what is fixed here; it only fills in dates, sites, verbatim terms,
severities and a few filler events (study_a_adsl, study_a_adae). Every count of the publication's
Table 1 and Table 2 follows from these tables (study_a_facts checks them).
"""

from __future__ import annotations

import datetime as dt

STUDYID = "CC-220-SLE-001"
DEFAULT_SEED = 20141201
DATA_CUTOFF = dt.date(2018, 9, 30)  # last visit September 2018

# Dose escalation lasts 12 weeks: at most 84 days of dosing (the day-85 visit follows the last dose).
DE_MAX_DAYS = 84
# The arms whose mean treatment duration is the published lowest and highest (study_a_facts).
DE_DURATION_ARMS = ("QD06", "QD03")

# Dose-escalation (period 1) arms, in table order: code, label, N.
DE_ARMS: list[tuple[str, str, int]] = [
    ("PBO", "Placebo", 8),
    ("QOD03", "Iberdomide 0.3 mg QOD", 8),
    ("QD03", "Iberdomide 0.3 mg QD", 8),
    ("ALT0603", "Iberdomide 0.6/0.3 mg ALTN", 9),
    ("QD06", "Iberdomide 0.6 mg QD", 9),
]
# ATEP (period 2) arms: TRT02AN, label, N.
ATEP_ARMS: list[tuple[int, str, int]] = [
    (1, "Iberdomide 0.3 mg QD", 9),
    (2, "Iberdomide 0.6/0.3 mg ALTN", 8),
]
DE_LABEL = {c: lab for c, lab, _ in DE_ARMS}
DE_NUM = {c: i + 1 for i, (c, _, _) in enumerate(DE_ARMS)}
ATEP_LABEL = {k: lab for k, lab, _ in ATEP_ARMS}
# Dose per administration (mg), frequency; placebo subjects follow their cohort's schedule.
DE_DOSE = {"PBO": (0.0, None), "QOD03": (0.3, "QOD"), "QD03": (0.3, "QD"), "ALT0603": (0.6, "ALTN"),
            "QD06": (0.6, "QD")}
COHORT_FREQ = {1: "QOD", 2: "QD", 3: "ALTN", 4: "QD"}
ATEP_DOSE = {1: (0.3, "QD"), 2: (0.6, "ALTN")}

RACES = {"W": "WHITE", "B": "BLACK OR AFRICAN AMERICAN", "A": "ASIAN", "I": "AMERICAN INDIAN OR ALASKA NATIVE"}
REASONS = {"AE": "ADVERSE EVENT", "WBS": "WITHDRAWAL BY SUBJECT", "LOE": "LACK OF EFFICACY",
            "LTFU": "LOST TO FOLLOW-UP", "OTH": "OTHER"}

# Dose cohorts (4:1 iberdomide:placebo within each cohort): randomisation windows.
COHORT_WINDOW = {
    1: (dt.date(2014, 12, 8), dt.date(2015, 2, 15)),
    2: (dt.date(2015, 3, 1), dt.date(2015, 5, 15)),
    3: (dt.date(2015, 6, 15), dt.date(2015, 9, 30)),
    4: (dt.date(2015, 11, 1), dt.date(2016, 2, 29)),
}
# Gap (days) from the end of dose escalation to the ATEP start, per cohort of the ATEP entrants.
# Sorted over all 17: minimum 3, median (9th) 311, maximum 527 (the published figures); the three
# anchors are fixed, the other values get a small random jitter that keeps the order.
ATEP_GAPS = {4: [3, 28, 56, 97, 142], 3: [188, 246, 290], 2: [311, 329, 348, 365, 384, 402],
              1: [446, 489, 527]}
GAP_ANCHORS = (3, 311, 527)

# One row per dose-escalation subject:
#   arm, profile (key into the AE design), sex, race, cohort, period-1 end status, ATEP arm (0 = none)
# Status: C = completed, otherwise the discontinuation reason key. Day = nominal last DE dosing day
# for the discontinued (completers get 80-84 days); study_a_adsl fits the days to the published durations.
DESIGN = """
PBO     A F W 3 AE   0 50
PBO     B F B 4 C    0 0
PBO     C F W 1 C    1 0
PBO     D F B 2 C    1 0
PBO     E F W 4 C    2 0
PBO     F M W 1 C    0 0
PBO     G F A 2 C    0 0
PBO     H F W 3 C    0 0
QOD03   A F W 1 C    1 0
QOD03   B F B 1 C    1 0
QOD03   C F W 1 C    0 0
QOD03   D F W 1 WBS  0 43
QOD03   E F W 1 C    0 0
QOD03   F F B 1 C    0 0
QOD03   G F W 1 LTFU 0 29
QOD03   H F W 1 C    0 0
QD03    A M W 2 C    1 0
QD03    B F B 2 C    1 0
QD03    C F B 2 C    1 0
QD03    D F B 2 C    1 0
QD03    E F W 2 C    1 0
QD03    F F W 2 OTH  0 71
QD03    G F B 2 C    0 0
QD03    H F W 2 C    0 0
ALT0603 A F W 3 AE   0 45
ALT0603 B F W 3 AE   0 22
ALT0603 C F W 3 C    2 0
ALT0603 D M W 3 C    0 0
ALT0603 E F I 3 C    2 0
ALT0603 F F B 3 C    0 0
ALT0603 G F W 3 C    2 0
ALT0603 H F W 3 C    0 0
ALT0603 I F W 3 C    0 0
QD06    A F B 4 AE   0 62
QD06    B F W 4 AE   0 10
QD06    C F B 4 AE   0 29
QD06    D F W 4 C    2 0
QD06    E F W 4 C    2 0
QD06    F F B 4 C    2 0
QD06    G F W 4 C    2 0
QD06    H F B 4 C    0 0
QD06    I F W 4 C    0 0
"""
# The subject with the one baseline hSS below 4 (hSS 2); everyone else has hSS >= 4 at DE entry.
HSS2_SUBJECT = ("QD03", "H")

# ATEP profiles: end status and nominal ATEP duration in weeks (completers: 96 weeks).
ATEP_PROFILES: dict[int, dict[str, tuple[str, int]]] = {
    1: {"A": ("AE", 29), "B": ("C", 96), "C": ("C", 96), "D": ("C", 96), "E": ("WBS", 14),
        "F": ("C", 96), "G": ("C", 96), "H": ("C", 96), "I": ("OTH", 61)},
    2: {"A": ("AE", 35), "B": ("WBS", 79), "C": ("LTFU", 94), "D": ("C", 96), "E": ("AE", 58),
        "F": ("AE", 10), "G": ("AE", 20), "H": ("LTFU", 4)},
}

# Adverse-event design. "PT:flags": R related, S serious, V severe, W drug withdrawn, D dose reduced,
# I drug interrupted, 2 = two episodes. Unflagged events are mild or moderate, not related, not
# serious, dose not changed.
URTI = "Upper respiratory tract infection"
UTI = "Urinary tract infection"
DE_AES: dict[str, dict[str, list[str]]] = {
    "PBO": {
        "A": ["Deep vein thrombosis:SVW"],
        "B": ["Schizoaffective disorder:S", "Systemic lupus erythematosus:S"],
        "C": ["Nausea:R", "Vomiting:R"],
        "D": [URTI, "Diarrhoea"],
        "E": ["Nasopharyngitis"],
        "F": [], "G": [], "H": [],
    },
    "QOD03": {
        "A": [URTI],
        "B": ["Diarrhoea:R", "Nausea:R"],
        "C": ["Maculopapular rash:R"],
        "D": [UTI],
        "E": ["Pain in extremity"],
        "F": ["Headache"],
        "G": ["Fatigue"],
        "H": [],
    },
    "QD03": {
        "A": ["Nausea:R2", "Vomiting:R"],
        "B": ["Nausea:R", "Diarrhoea:R"],
        "C": ["Nausea"],
        "D": ["Bronchitis", URTI],
        "E": ["Bronchitis"],
        "F": ["Vitamin D deficiency"],
        "G": ["Arthralgia"],
        "H": [],
    },
    "ALT0603": {
        "A": ["Diarrhoea:RW", "Pneumonia:SVW"],
        "B": ["Ecchymosis:RW", "Maculopapular rash:RW"],
        "C": ["Pneumonia", "Cough"],
        "D": ["Nausea:R", "Vomiting:R", "Diarrhoea:R"],
        "E": ["Nausea:R", "Neutropenia:RI"],
        "F": ["Nausea", URTI],
        "G": [UTI, "Vitamin D deficiency"],
        "H": ["Vitamin D deficiency", "Osteoarthritis"],
        "I": [],
    },
    "QD06": {
        "A": ["Pneumonia:RSVW"],
        "B": ["Dermatitis:RW"],
        "C": ["Neutropenia:RVW"],
        "D": ["Neutropenia:RD", "Diarrhoea:R"],
        "E": ["Maculopapular rash:R", "Pain in extremity"],
        "F": ["Diarrhoea:R", "Vomiting:R"],
        "G": [URTI, "Cough", "Nasopharyngitis"],
        "H": ["Vitamin D deficiency"],
        "I": [],
    },
}
ATEP_AES: dict[int, dict[str, list[str]]] = {
    1: {
        "A": ["Small fibre neuropathy:RW"],
        "B": ["Neutropenia:RI", URTI],
        "C": [URTI + ":2", "Bronchitis", "Sinusitis"],
        "D": [URTI, "Bronchitis", "Nasopharyngitis"],
        "E": [URTI, UTI, "Pain in extremity"],
        "F": ["Bronchitis", "Diarrhoea", "Nausea"],
        "G": ["Nausea", UTI, "Osteoarthritis"],
        "H": ["Pneumonia", "Nasopharyngitis", "Sinusitis"],
        "I": ["Pain in extremity", "Musculoskeletal pain", "Osteoarthritis"],
    },
    2: {
        "A": ["Pulmonary embolism:SVW", URTI, "Musculoskeletal pain", "Bronchitis"],
        "B": ["Seizure:SV", "Diarrhoea:R", URTI],
        "C": ["Systemic lupus erythematosus:SV", "Bronchitis:R", UTI],
        "D": ["Vitreous detachment:SV", "Cough", "Pneumonia"],
        "E": ["Gastroenteritis:RVW", "Diarrhoea", "Cough"],
        "F": ["Neutrophil count decreased:RW", "Oral candidiasis:RW", UTI, "Sinusitis"],
        "G": ["Bronchitis:RW", URTI, "Diarrhoea:2", "Musculoskeletal pain", "Neutropenia:R"],
        "H": [],
    },
}
# Adverse events that started and resolved before the first dose (TRTEMFL = "N"), DE subjects
# without any TEAE: if counted by mistake they change Table 2 (Headache would reach 3 patients).
PRE_AES: dict[tuple[str, str], str] = {
    ("PBO", "F"): "Headache",
    ("QD03", "H"): "Headache",
    ("ALT0603", "I"): URTI,
    ("QD06", "I"): "Nasopharyngitis",
}
