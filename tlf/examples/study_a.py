"""Synthetic ADaM data for example study A (CC-220-SLE-001, iberdomide in SLE, NCT02185040).

There is no public patient-level data for this trial, so this module builds a deterministic synthetic
ADSL, ADAE and ADEX (and, in study_a_efficacy.py, ADEFF and ADPD) whose summaries reproduce the publication's Table 1 (disposition and baseline
characteristics) and Table 2 (TEAE overview and TEAEs in > 5% of patients) exactly, cell by cell, in
all seven columns (five dose-escalation arms, two extension (ATEP) arms). The facts come from the
study description (cc220-sle-001.md); the tables are specs/t-14-1-1.yaml and specs/t-14-3-1.yaml.

How the exact targets are hit:

* Counts (disposition, sex, race, joints >= 1, every Table 2 cell) come from a hand-written design:
  one row per dose-escalation subject (sex, race, cohort, end-of-period status, ATEP arm) and one
  adverse-event profile per subject and period (which preferred terms, which are related, serious,
  severe, led to withdrawal). The random generator only chooses dates, verbatim terms, severities
  of the unremarkable events, sites, and a few "filler" events with preferred terms that stay
  <= 2 patients overall (so they never reach the > 5% of N = 59 threshold).
* Means and SDs (age, weight, SLE duration, CLASI, hSS, PGA) are hit by an exact integer local
  search: values are stored in integer units of the data precision (1 year, 0.1 kg, 0.01 PGA point),
  initialised from plausible random draws standardised to the target, then moved by +/- one unit
  (single values, pairs that keep the sum, swaps) until the exact rational mean and SD (ddof=1) lie
  strictly inside the interval that rounds half away from zero to the printed value. A mean exactly
  on a rounding boundary is allowed only for integer data with n = 8, where it is exact in binary
  floating point, and is avoided where another sum would do; some printed means force it (placebo
  age 44.75 -> 44.8, placebo CLASI 4.25 -> 4.3, placebo hSS 6.75 -> 6.8, ATEP ALTN hSS 6.25 -> 6.3:
  Python's round(), half to even, gets 4.25 and 6.25 wrong). SDs never sit on a boundary.
* Age and SLE duration at ATEP entry are tied to the values at dose-escalation entry through the
  dates: AGEP02 - AGEP01 is floor(T) or floor(T) + 1 and DURP02 - DURP01 is T rounded to 0.1 y,
  +/- 0.1, where T is the time between the two period starts in years. Weight at ATEP entry stays
  within 8 kg of the DE value. The other ATEP-entry baselines are chosen freely.
* Before writing, `generate` recomputes every Table 1 and Table 2 cell from the frames it built and
  raises if one differs from the published table.

Conventions worth knowing when analysing the data:

* Dose-escalation columns: TRT01A, period-01 variables (AGEP01, ...), ADAE/ADEX APERIOD = 1.
  ATEP columns: TRT02A, period-02 variables, APERIOD = 2. "Iberdomide 0.3 mg QD" is a label in both
  periods, so a column is always period + treatment.
* Four ADAE records started (and ended) before the first dose: TRTEMFL = "N", APERIOD = 1 and TRTA =
  the DE treatment; they must be excluded by TRTEMFL (they would otherwise change Table 2).
* ADEX: one record per constant-dose stretch; placebo EXDOSE = 0 with the cohort's schedule in
  EXDOSFRQ; for the alternating schedule (EXDOSFRQ = "ALTN") EXDOSE is the higher dose, 0.6 mg
  (0.6 mg and 0.3 mg on alternate days). A dose reduction or interruption splits the records.
* Dates are SAS numeric dates (DATE9.); missing dates and numbers are missing, missing text is "".

Usage: ``python -m tlf.examples.study_a OUT_DIR`` or ``generate(Path(OUT_DIR))``.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

STUDYID = "CC-220-SLE-001"
DEFAULT_SEED = 20141201
DATA_CUTOFF = dt.date(2018, 9, 30)  # last visit September 2018

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
_DE_LABEL = {c: lab for c, lab, _ in DE_ARMS}
_DE_NUM = {c: i + 1 for i, (c, _, _) in enumerate(DE_ARMS)}
_ATEP_LABEL = {k: lab for k, lab, _ in ATEP_ARMS}
# Dose per administration (mg), frequency; placebo subjects follow their cohort's schedule.
_DE_DOSE = {"PBO": (0.0, None), "QOD03": (0.3, "QOD"), "QD03": (0.3, "QD"), "ALT0603": (0.6, "ALTN"),
            "QD06": (0.6, "QD")}
_COHORT_FREQ = {1: "QOD", 2: "QD", 3: "ALTN", 4: "QD"}
_ATEP_DOSE = {1: (0.3, "QD"), 2: (0.6, "ALTN")}

_RACES = {"W": "WHITE", "B": "BLACK OR AFRICAN AMERICAN", "A": "ASIAN", "I": "AMERICAN INDIAN OR ALASKA NATIVE"}
_REASONS = {"AE": "ADVERSE EVENT", "WBS": "WITHDRAWAL BY SUBJECT", "LOE": "LACK OF EFFICACY",
            "LTFU": "LOST TO FOLLOW-UP", "OTH": "OTHER"}

# Dose cohorts (4:1 iberdomide:placebo within each cohort): randomisation windows.
_COHORT_WINDOW = {
    1: (dt.date(2014, 12, 8), dt.date(2015, 2, 15)),
    2: (dt.date(2015, 3, 1), dt.date(2015, 5, 15)),
    3: (dt.date(2015, 6, 15), dt.date(2015, 9, 30)),
    4: (dt.date(2015, 11, 1), dt.date(2016, 2, 29)),
}
# Gap (days) from the end of dose escalation to the ATEP start, per cohort of the ATEP entrants.
# Sorted over all 17: minimum 3, median (9th) 311, maximum 527 (the published figures); the three
# anchors are fixed, the other values get a small random jitter that keeps the order.
_ATEP_GAPS = {4: [3, 28, 56, 97, 142], 3: [188, 246, 290], 2: [311, 329, 348, 365, 384, 402],
              1: [446, 489, 527]}
_GAP_ANCHORS = (3, 311, 527)

# One row per dose-escalation subject:
#   arm, profile (key into the AE design), sex, race, cohort, period-1 end status, ATEP arm (0 = none)
# Status: C = completed, otherwise the discontinuation reason key. Day = nominal last DE dosing day
# for the discontinued (completers get 80-85 days).
_DESIGN = """
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
_HSS2_SUBJECT = ("QD03", "H")

# ATEP profiles: end status and nominal ATEP duration in weeks (completers: 96 weeks).
_ATEP_PROFILES: dict[int, dict[str, tuple[str, int]]] = {
    1: {"A": ("AE", 30), "B": ("C", 96), "C": ("C", 96), "D": ("C", 96), "E": ("WBS", 18),
        "F": ("C", 96), "G": ("C", 96), "H": ("C", 96), "I": ("OTH", 44)},
    2: {"A": ("AE", 35), "B": ("WBS", 76), "C": ("LTFU", 88), "D": ("C", 96), "E": ("AE", 58),
        "F": ("AE", 14), "G": ("AE", 22), "H": ("LTFU", 6)},
}

# Adverse-event design. "PT:flags": R related, S serious, V severe, W drug withdrawn, D dose reduced,
# I drug interrupted, 2 = two episodes. Unflagged events are mild or moderate, not related, not
# serious, dose not changed.
_URTI = "Upper respiratory tract infection"
_UTI = "Urinary tract infection"
_DE_AES: dict[str, dict[str, list[str]]] = {
    "PBO": {
        "A": ["Deep vein thrombosis:SVW"],
        "B": ["Schizoaffective disorder:S", "Systemic lupus erythematosus:S"],
        "C": ["Nausea:R", "Vomiting:R"],
        "D": [_URTI, "Diarrhoea"],
        "E": ["Nasopharyngitis"],
        "F": [], "G": [], "H": [],
    },
    "QOD03": {
        "A": [_URTI],
        "B": ["Diarrhoea:R", "Nausea:R"],
        "C": ["Maculopapular rash:R"],
        "D": [_UTI],
        "E": ["Pain in extremity"],
        "F": ["Headache"],
        "G": ["Fatigue"],
        "H": [],
    },
    "QD03": {
        "A": ["Nausea:R2", "Vomiting:R"],
        "B": ["Nausea:R", "Diarrhoea:R"],
        "C": ["Nausea"],
        "D": ["Bronchitis", _URTI],
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
        "F": ["Nausea", _URTI],
        "G": [_UTI, "Vitamin D deficiency"],
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
        "G": [_URTI, "Cough", "Nasopharyngitis"],
        "H": ["Vitamin D deficiency"],
        "I": [],
    },
}
_ATEP_AES: dict[int, dict[str, list[str]]] = {
    1: {
        "A": ["Small fibre neuropathy:RW"],
        "B": ["Neutropenia:RI", _URTI],
        "C": [_URTI + ":2", "Bronchitis", "Sinusitis"],
        "D": [_URTI, "Bronchitis", "Nasopharyngitis"],
        "E": [_URTI, _UTI, "Pain in extremity"],
        "F": ["Bronchitis", "Diarrhoea", "Nausea"],
        "G": ["Nausea", _UTI, "Osteoarthritis"],
        "H": ["Pneumonia", "Nasopharyngitis", "Sinusitis"],
        "I": ["Pain in extremity", "Musculoskeletal pain", "Osteoarthritis"],
    },
    2: {
        "A": ["Pulmonary embolism:SVW", _URTI, "Musculoskeletal pain", "Bronchitis"],
        "B": ["Seizure:SV", "Diarrhoea:R", _URTI],
        "C": ["Systemic lupus erythematosus:SV", "Bronchitis:R", _UTI],
        "D": ["Vitreous detachment:SV", "Cough", "Pneumonia"],
        "E": ["Gastroenteritis:RVW", "Diarrhoea", "Cough"],
        "F": ["Neutrophil count decreased:RW", "Oral candidiasis:RW", _UTI, "Sinusitis"],
        "G": ["Bronchitis:RW", _URTI, "Diarrhoea:2", "Musculoskeletal pain", "Neutropenia:R"],
        "H": [],
    },
}
# Adverse events that started and resolved before the first dose (TRTEMFL = "N"), DE subjects
# without any TEAE: if counted by mistake they change Table 2 (Headache would reach 3 patients).
_PRE_AES: dict[tuple[str, str], str] = {
    ("PBO", "F"): "Headache",
    ("QD03", "H"): "Headache",
    ("ALT0603", "I"): _URTI,
    ("QD06", "I"): "Nasopharyngitis",
}
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
    _URTI: _INF, "Diarrhoea": _GI, "Nausea": _GI, "Bronchitis": _INF, _UTI: _INF,
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
    _URTI: ["upper respiratory infection", "upper resp infection", "URI", "upper respiratory tract infection"],
    "Diarrhoea": ["diarrhea", "loose stools", "diarrhoea"],
    "Nausea": ["nausea", "intermittent nausea", "nauseous"],
    "Bronchitis": ["bronchitis", "acute bronchitis"],
    _UTI: ["urinary tract infection", "UTI"],
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

# Table 1 continuous targets, (mean, SD) as printed, columns in order
# PBO, QOD03, QD03, ALT0603, QD06, ATEP 0.3 QD, ATEP ALTN.
_T1_CONT: dict[str, tuple[int, list[tuple[str, str]]]] = {  # name -> (display decimals, targets)
    "AGE": (1, [("44.8", "6.6"), ("46.0", "8.6"), ("48.0", "10.9"), ("49.8", "13.1"), ("47.2", "13.6"),
                ("51.2", "10.2"), ("47.1", "13.7")]),
    "WTBL": (1, [("82.0", "13.2"), ("78.5", "13.7"), ("96.3", "26.1"), ("74.3", "14.8"), ("76.5", "21.5"),
                 ("87.5", "9.4"), ("67.5", "11.8")]),
    "DUR": (1, [("13.3", "10.0"), ("7.9", "9.7"), ("9.8", "9.2"), ("8.2", "4.3"), ("10.5", "8.3"),
                ("8.9", "9.0"), ("12.2", "8.3")]),
    "CLAS": (1, [("4.3", "5.9"), ("17.6", "12.9"), ("6.3", "9.1"), ("8.4", "8.6"), ("12.4", "16.5"),
                 ("7.2", "9.0"), ("12.3", "10.1")]),
    "HSS": (1, [("6.8", "1.8"), ("8.4", "4.1"), ("5.5", "2.1"), ("6.7", "3.2"), ("5.7", "1.9"),
                ("4.9", "2.9"), ("6.3", "2.1")]),
    "PGA": (2, [("0.95", "0.52"), ("1.50", "0.65"), ("1.50", "0.61"), ("1.22", "0.35"), ("1.40", "0.60"),
                ("1.17", "0.78"), ("1.08", "0.62")]),
}
# Joint counts: patients with >= 1 tender / swollen joint, per column.
_T1_TENDER = [6, 6, 7, 8, 6, 7, 3]
_T1_SWOLLEN = [5, 5, 6, 8, 4, 6, 2]
# Table 1 count targets, per column (DE arms then ATEP arms).
_T1_COUNTS: dict[str, list[int]] = {
    "N": [8, 8, 8, 9, 9, 9, 8],
    "COMPLETED": [7, 6, 7, 7, 6, 6, 1],
    "DISCONTINUED": [1, 2, 1, 2, 3, 3, 7],
    "ADVERSE EVENT": [1, 0, 0, 2, 3, 1, 4],
    "WITHDRAWAL BY SUBJECT": [0, 1, 0, 0, 0, 1, 1],
    "LACK OF EFFICACY": [0, 0, 0, 0, 0, 0, 0],
    "LOST TO FOLLOW-UP": [0, 1, 0, 0, 0, 0, 2],
    "OTHER": [0, 0, 1, 0, 0, 1, 0],
    "FEMALE": [7, 8, 7, 8, 9, 8, 8],
    "WHITE": [5, 6, 4, 7, 5, 4, 6],
    "BLACK": [2, 2, 4, 1, 4, 5, 1],
    "RACE OTHER": [1, 0, 0, 1, 0, 0, 1],
}
_T1_PART2 = [3, 2, 5, 3, 4]
# Table 2 targets (patients), per column.
_T2_OVERVIEW: dict[str, list[int]] = {
    "ANY": [5, 7, 7, 8, 8, 9, 7],
    "RELATED": [1, 2, 2, 4, 6, 2, 5],
    "SEVERE": [1, 0, 0, 1, 2, 0, 5],
    "SERIOUS": [2, 0, 0, 1, 1, 0, 4],
    "SERIOUS RELATED": [0, 0, 0, 0, 1, 0, 0],
    "WITHDRAWN": [1, 0, 0, 2, 3, 1, 4],
    "DEATH": [0, 0, 0, 0, 0, 0, 0],
}
_T2_PT: dict[str, list[int]] = {
    _URTI: [1, 1, 1, 1, 1, 4, 3],
    "Diarrhoea": [1, 1, 1, 2, 2, 1, 3],
    "Nausea": [1, 1, 3, 3, 0, 2, 0],
    "Bronchitis": [0, 0, 2, 0, 0, 3, 3],
    _UTI: [0, 1, 0, 1, 0, 2, 2],
    "Neutropenia": [0, 0, 0, 1, 2, 1, 1],
    "Pneumonia": [0, 0, 0, 2, 1, 1, 1],
    "Cough": [0, 0, 0, 1, 1, 0, 2],
    "Nasopharyngitis": [1, 0, 0, 0, 1, 2, 0],
    "Pain in extremity": [0, 1, 0, 0, 1, 2, 0],
    "Vitamin D deficiency": [0, 0, 1, 2, 1, 0, 0],
    "Vomiting": [1, 0, 1, 1, 1, 0, 0],
    "Maculopapular rash": [0, 1, 0, 1, 1, 0, 0],
    "Musculoskeletal pain": [0, 0, 0, 0, 0, 1, 2],
    "Osteoarthritis": [0, 0, 0, 1, 0, 2, 0],
    "Sinusitis": [0, 0, 0, 0, 0, 2, 1],
}

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
_DATE_VARS = {"RANDDT", "TRTSDT", "TRTEDT", "TR01SDT", "TR01EDT", "TR02SDT", "TR02EDT", "ASTDT", "AENDT", "ADT"}


def round_half_up(x: float, decimals: int) -> Decimal:
    """Round half away from zero (SAS ROUND), on the shortest repr of the float."""
    q = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP)


# ----------------------------------------------------------------------------------------------
# Subjects, disposition and dates
# ----------------------------------------------------------------------------------------------


@dataclass
class _Subject:
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
        return _DE_NUM[self.arm] - 1

    @property
    def atep_col(self) -> int:
        return 4 + self.atep if self.atep else -1


def _design() -> list[_Subject]:
    subs = []
    for line in _DESIGN.strip().splitlines():
        arm, prof, sex, race, cohort, st, atep, day = line.split()
        subs.append(_Subject(arm, prof, sex, race, int(cohort), st, int(atep), int(day)))
    return subs


def _assign_ids_and_dates(subs: list[_Subject], rng) -> None:
    # Randomisation dates within the cohort windows.
    for s in subs:
        lo, hi = _COHORT_WINDOW[s.cohort]
        s.randdt = lo + dt.timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))
        s.tr01sdt = s.randdt + dt.timedelta(days=int(rng.integers(0, 3)))
        if s.status1 == "C":
            dur = int(rng.integers(80, 86))
        else:
            dur = max(3, s.disc_day + int(rng.integers(-2, 3)))
        s.tr01edt = s.tr01sdt + dt.timedelta(days=dur - 1)
        s.ethnic = "HISPANIC OR LATINO" if rng.random() < 0.2 else "NOT HISPANIC OR LATINO"
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
    for arm, profiles in _ATEP_PROFILES.items():
        members = [s for s in subs if s.atep == arm]
        letters = list(profiles)
        assert len(members) == len(letters)
        perm = rng.permutation(len(letters))
        for s, k in zip(members, perm, strict=True):
            s.atep_profile = letters[int(k)]
            s.status2 = profiles[s.atep_profile][0]
    for cohort, gaps in _ATEP_GAPS.items():
        members = [s for s in subs if s.atep and s.cohort == cohort]
        assert len(members) == len(gaps)
        jittered = [g if g in _GAP_ANCHORS else g + int(rng.integers(-6, 7)) for g in gaps]
        perm = rng.permutation(len(gaps))
        for s, k in zip(members, perm, strict=True):
            s.tr02sdt = s.tr01edt + dt.timedelta(days=jittered[int(k)])
            weeks = _ATEP_PROFILES[s.atep][s.atep_profile][1]
            dur = weeks * 7 + int(rng.integers(-4, 5))
            s.tr02edt = s.tr02sdt + dt.timedelta(days=dur - 1)


# ----------------------------------------------------------------------------------------------
# Baseline characteristics: exact integer local search on mean and SD
# ----------------------------------------------------------------------------------------------


class _Col:
    """One table column of one characteristic: the sums that round to the printed mean and SD."""

    def __init__(self, members: list[int], mean: str, sd: str, dp: int, data_dp: int):
        n = len(members)
        self.members = members
        self.n = n
        scale = Fraction(10) ** data_dp
        half = Fraction(1, 2) / Fraction(10) ** dp
        m, s = Fraction(mean), Fraction(sd)
        lo_sum, hi_sum = n * (m - half) * scale, n * (m + half) * scale
        self.smin = math.ceil(lo_sum)
        # A mean exactly on the boundary is exact in floating point only for integer data and n = 8.
        self.tie_sum = int(lo_sum) if lo_sum.denominator == 1 else None
        if self.tie_sum is not None and (data_dp > 0 or n & (n - 1)):
            self.smin += 1
            self.tie_sum = None
        self.smax = math.ceil(hi_sum) - 1
        k = n * (n - 1)
        # D = n*Q - S^2 must lie strictly between k*lo^2 and k*hi^2 (no SD exactly on a boundary).
        dlo, dhi = k * ((s - half) * scale) ** 2, k * ((s + half) * scale) ** 2
        self.mult = math.lcm(dlo.denominator, dhi.denominator)
        self.dlom, self.dhim = int(dlo * self.mult), int(dhi * self.mult)
        self.lo, self.hi = float((s - half) * scale), float((s + half) * scale)
        if self.smin > self.smax:
            raise ValueError(f"no sum of {n} values rounds to mean {mean}")

    def ok(self, S: int, Q: int) -> bool:
        Dm = self.mult * (self.n * Q - S * S)
        return self.smin <= S <= self.smax and self.dlom < Dm < self.dhim

    def loss(self, S: int, Q: int) -> float:
        n = self.n
        h = 0.0
        if S < self.smin:
            h += (self.smin - S) / n
        elif S > self.smax:
            h += (S - self.smax) / n
        D = n * Q - S * S
        if not (self.dlom < self.mult * D < self.dhim):
            sd = math.sqrt(max(D, 0) / (n * (n - 1)))
            h += max(self.lo - sd, sd - self.hi, 0.0) + 1e-3
        if S == self.tie_sum:
            h += 1e-6  # prefer a mean off the rounding boundary when there is one
        return h


def _solve(values: list[int], lb: list[int], ub: list[int], cols: list[_Col],
           couplings: list[tuple[int, int, int, int]], rng, odd_penalty: float = 0.0,
           max_iter: int = 400_000) -> list[int]:
    """Move integer values by +/-1 until every column's mean and SD round to the target.

    couplings: (de_var, atep_var, lo, hi) meaning lo <= v[atep_var] - v[de_var] <= hi.
    odd_penalty: soft preference for even values (hSS item weights are mostly even).
    """
    v = [min(max(x, a), b) for x, a, b in zip(values, lb, ub, strict=True)]
    col_of = [-1] * len(v)
    for ci, c in enumerate(cols):
        for k in c.members:
            col_of[k] = ci
    coup_of: dict[int, tuple[int, int, int, int]] = {}
    for cp in couplings:
        coup_of[cp[0]] = cp
        coup_of[cp[1]] = cp
        de, at, lo, hi = cp
        d = v[at] - v[de]
        if d < lo:
            v[at] = min(v[de] + lo, ub[at])
        elif d > hi:
            v[at] = max(v[de] + hi, lb[at])
    S = [sum(v[k] for k in c.members) for c in cols]
    Q = [sum(v[k] * v[k] for k in c.members) for c in cols]
    closs = [c.loss(S[i], Q[i]) for i, c in enumerate(cols)]

    def soft(x: int) -> float:
        return odd_penalty if x & 1 else 0.0

    for it in range(max_iter):
        bad = [i for i, c in enumerate(cols) if not c.ok(S[i], Q[i])]
        if not bad:
            if odd_penalty:
                _even_out(v, lb, ub, cols)
            return v
        ci = bad[int(rng.integers(len(bad)))] if rng.random() < 0.85 else int(rng.integers(len(cols)))
        mem = cols[ci].members
        step = 1 if odd_penalty == 0.0 or rng.random() < 0.3 else 2
        d = step if rng.random() < 0.5 else -step
        i = mem[int(rng.integers(len(mem)))]
        moves = {i: d}
        r = rng.random()
        if r < 0.6:
            j = mem[int(rng.integers(len(mem)))]
            if j != i:
                # A pair keeps the sum; a swap (r < 0.15) keeps the column and moves coupled partners.
                moves = {i: v[j] - v[i], j: v[i] - v[j]} if r < 0.15 else {i: d, j: -d}
                if not moves[i]:
                    continue
        # Keep couplings: a value whose partner would leave the allowed difference drags it along.
        for k in list(moves):
            cp = coup_of.get(k)
            if cp is None:
                continue
            de, at, lo, hi = cp
            other = at if k == de else de
            if other in moves:
                continue
            nd = (v[at] + moves.get(at, 0)) - (v[de] + moves.get(de, 0))
            if not lo <= nd <= hi:
                moves[other] = moves[k]
        if any(not lb[k] <= v[k] + dk <= ub[k] for k, dk in moves.items()):
            continue
        if any(not cp[2] <= (v[cp[1]] + moves.get(cp[1], 0)) - (v[cp[0]] + moves.get(cp[0], 0)) <= cp[3]
               for cp in {coup_of[k] for k in moves if k in coup_of}):
            continue
        touched = sorted({col_of[k] for k in moves})
        newS = {c: S[c] + sum(dk for k, dk in moves.items() if col_of[k] == c) for c in touched}
        newQ = {c: Q[c] + sum((v[k] + dk) ** 2 - v[k] ** 2 for k, dk in moves.items() if col_of[k] == c)
                for c in touched}
        newL = {c: cols[c].loss(newS[c], newQ[c]) for c in touched}
        delta = sum(newL[c] - closs[c] for c in touched)
        delta += sum(soft(v[k] + dk) - soft(v[k]) for k, dk in moves.items())
        if delta <= 0 or (it % 2000 > 1900 and rng.random() < 0.05):
            for k, dk in moves.items():
                v[k] += dk
            for c in touched:
                S[c], Q[c], closs[c] = newS[c], newQ[c], newL[c]
    raise RuntimeError("baseline characteristics: no exact solution found")


def _even_out(v: list[int], lb: list[int], ub: list[int], cols: list[_Col]) -> None:
    """Turn pairs of odd values in a column into even ones (+1/-1) while the column stays exact."""
    changed = True
    while changed:
        changed = False
        for c in cols:
            odd = [k for k in c.members if v[k] & 1]
            for a in range(len(odd)):
                for b in range(a + 1, len(odd)):
                    i, j = odd[a], odd[b]
                    if not (v[i] & 1 and v[j] & 1):
                        continue
                    for di in (1, -1):
                        if not (lb[i] <= v[i] + di <= ub[i] and lb[j] <= v[j] - di <= ub[j]):
                            continue
                        S = sum(v[k] for k in c.members)
                        Q = sum(v[k] ** 2 for k in c.members) + (v[i] + di) ** 2 - v[i] ** 2 \
                            + (v[j] - di) ** 2 - v[j] ** 2
                        if c.ok(S, Q):
                            v[i] += di
                            v[j] -= di
                            changed = True
                            break


def _standardised(rng, n: int, mean: float, sd: float, shape: str, lb: float | None = None) -> list[float]:
    """n plausible values with exactly the given sample mean and SD (ddof=1), as floats.

    "skewed" draws from a gamma whose natural minimum is lb. Up to 50 draws are tried for one that
    stays above lb (fewer values get clipped to the bound); the least clipped one is used.
    """
    import numpy as np

    best, best_min = None, -math.inf
    floor = 0.0 if lb is None else lb
    for _ in range(50):
        if shape == "skewed":
            k = max(0.3, min(4.0, ((mean - floor) / sd) ** 2))
            z = rng.gamma(k, size=n)
        else:
            z = rng.standard_normal(n)
        z = (z - z.mean()) / z.std(ddof=1)
        x = mean + sd * z
        if lb is None or x.min() >= lb:
            return list(np.asarray(x, dtype=float))
        if x.min() > best_min:
            best, best_min = x, x.min()
    return list(np.asarray(best, dtype=float))


def _clasi_for_day85(subs: list[_Subject], de_cols: list[list[int]], clas: list[int], seed: int) -> None:
    """Adjust the dose-escalation CLASI baselines (in place, per arm) so that the arm's completers admit
    day-85 changes with the published mean, SD and mean % change (study_a_efficacy.CLASI_D85) while the
    Table 1 column still rounds to its mean and SD. Own random stream: nothing else in ADSL, ADAE or
    ADEX changes. An arm whose baselines already allow it, or for which nothing is found (another seed),
    keeps its values."""
    import numpy as np

    from tlf.examples.study_a_efficacy import CLASI_D85, clasi_baselines

    rng = np.random.default_rng([seed, 1, 85])
    dp, targets = _T1_CONT["CLAS"]
    for c, mem in enumerate(de_cols):
        col = _Col(list(range(len(mem))), *targets[c], dp, 0)
        arm = subs[mem[0]].arm
        new = clasi_baselines([clas[i] for i in mem], [subs[i].status1 == "C" for i in mem], col.ok,
                              CLASI_D85[arm], rng)
        if new is not None:
            for i, x in zip(mem, new, strict=True):
                clas[i] = x


def _baselines(subs: list[_Subject], rng, seed: int = DEFAULT_SEED) -> None:
    """Fill s.base with AGEPpp, WTBLPpp, DURPpp, CLASPpp, TJCPpp, SJCPpp, HSSPpp, PGAPpp."""
    n_de = len(subs)
    atep_subs = [s for s in subs if s.atep]
    atep_var = {id(s): n_de + i for i, s in enumerate(atep_subs)}
    nv = n_de + len(atep_subs)
    de_cols = [[i for i, s in enumerate(subs) if s.de_col == c] for c in range(5)]
    at_cols = [[atep_var[id(s)] for s in atep_subs if s.atep == a] for a in (1, 2)]
    members = de_cols + at_cols
    years = {id(s): (s.tr02sdt - s.tr01sdt).days / 365.25 for s in atep_subs}

    def solve(name: str, data_dp: int, shape: str, lb_de, ub_de, lb_at, ub_at, coupling=None,
              odd_penalty=0.0) -> list[int]:
        dp, targets = _T1_CONT[name]
        unit = 10 ** data_dp
        cols = [_Col(members[c], m, sd, dp, data_dp) for c, (m, sd) in enumerate(targets)]
        lb = [lb_de(s) for s in subs] + [lb_at(s) for s in atep_subs]
        ub = [ub_de(s) for s in subs] + [ub_at(s) for s in atep_subs]
        init = [0.0] * nv
        couplings = []
        for a in (0, 1):
            m, sd = (float(x) for x in targets[5 + a])
            low = min(lb[k] for k in at_cols[a]) / unit
            for k, x in zip(at_cols[a], _standardised(rng, len(at_cols[a]), m, sd, shape, low), strict=True):
                init[k] = x
        for c in range(5):
            m, sd = (float(x) for x in targets[c])
            low = min(lb[i] for i in de_cols[c]) / unit
            for i, x in zip(de_cols[c], _standardised(rng, len(de_cols[c]), m, sd, shape, low), strict=True):
                init[i] = x
        if coupling is not None:
            # Coupled ATEP values start from the DE value; swaps inside the DE arms then pick which
            # DE values the ATEP entrants carry, without changing the DE column.
            for s in atep_subs:
                i, k = subs.index(s), atep_var[id(s)]
                lo, hi = coupling(s)
                couplings.append((i, k, lo, hi))
                init[k] = init[i] + (lo + (hi - lo) * rng.random()) / unit
        ivals = [int(math.floor(x * unit + 0.5)) for x in init]
        if odd_penalty:
            ivals = [2 * int(math.floor(x / 2 + 0.5)) for x in ivals]
        out = _solve(ivals, lb, ub, cols, couplings, rng, odd_penalty=odd_penalty)
        for c in cols:  # belt and braces: exact re-check
            S = sum(out[k] for k in c.members)
            assert c.ok(S, sum(out[k] ** 2 for k in c.members)), name
        return out

    def atep_of(i: int) -> int:
        return atep_var[id(subs[i])]

    def put(name: str, vals: list[int], data_dp: int) -> None:
        for i, s in enumerate(subs):
            x = vals[i] if data_dp == 0 else vals[i] / 10 ** data_dp
            s.base[f"{name}P01"] = float(x)
            s.base[f"{name}P02"] = float(vals[atep_var[id(s)]] / 10 ** data_dp) if s.atep else None

    # Age (years): AGEP02 - AGEP01 is floor(T) or floor(T) + 1.
    age = solve("AGE", 0, "normal", lambda s: 19, lambda s: 74, lambda s: 19, lambda s: 76,
                coupling=lambda s: (math.floor(years[id(s)]), math.floor(years[id(s)]) + 1))
    put("AGE", age, 0)
    # Weight (kg, 0.1): within 8 kg of the DE value at ATEP entry.
    wt = solve("WTBL", 1, "normal", lambda s: 450, lambda s: 1600, lambda s: 450, lambda s: 1600,
               coupling=lambda s: (-80, 80))
    put("WTBL", wt, 1)
    # SLE duration (years, 0.1): diagnosed at >= 12 years of age; DURP02 - DURP01 within 0.1 y of T.
    age_of = {id(s): (age[i], age[atep_of(i)] if s.atep else None) for i, s in enumerate(subs)}
    dur = solve("DUR", 1, "skewed", lambda s: 5, lambda s: (age_of[id(s)][0] - 12) * 10,
                lambda s: 5, lambda s: (age_of[id(s)][1] - 12) * 10,
                coupling=lambda s: (round(years[id(s)] * 10) - 1, round(years[id(s)] * 10) + 1))
    put("DUR", dur, 1)
    # CLASI activity (0-70), free at ATEP entry.
    clas = solve("CLAS", 0, "skewed", lambda s: 0, lambda s: 70, lambda s: 0, lambda s: 70)
    _clasi_for_day85(subs, de_cols, clas, seed)
    put("CLAS", clas, 0)
    # hSS: >= 4 at DE entry except one patient with 2; mostly even scores.
    hss2 = {(s.arm, s.profile) == _HSS2_SUBJECT for s in subs}
    assert hss2 == {True, False}
    hss = solve("HSS", 0, "normal",
                lambda s: 2 if (s.arm, s.profile) == _HSS2_SUBJECT else 4,
                lambda s: 2 if (s.arm, s.profile) == _HSS2_SUBJECT else 24,
                lambda s: 2, lambda s: 24, odd_penalty=0.01)
    put("HSS", hss, 0)
    # PGA (0-3, 0.01).
    pga = solve("PGA", 2, "normal", lambda s: 25, lambda s: 300, lambda s: 0, lambda s: 300)
    put("PGA", pga, 2)
    # Joint counts (0-28): exact numbers with >= 1; swollen joints are tender joints too.
    for c, mem in enumerate(members):
        idx = list(mem)
        order = [idx[int(k)] for k in rng.permutation(len(idx))]
        tender = set(order[:_T1_TENDER[c]])
        swollen = set(order[:_T1_SWOLLEN[c]])
        for k in idx:
            tj = min(28, 1 + int(rng.poisson(5))) if k in tender else 0
            sj = min(tj, 1 + int(rng.poisson(2))) if k in swollen else 0
            s = subs[k] if k < n_de else atep_subs[k - n_de]
            pp = "01" if k < n_de else "02"
            s.base[f"TJCP{pp}"] = float(tj)
            s.base[f"SJCP{pp}"] = float(sj)
    for s in subs:
        if not s.atep:
            s.base["TJCP02"] = s.base["SJCP02"] = None


# ----------------------------------------------------------------------------------------------
# Adverse events and exposure
# ----------------------------------------------------------------------------------------------


@dataclass
class _AE:
    subj: _Subject
    period: int
    pt: str
    flags: str
    start: dt.date | None = None
    end: dt.date | None = None
    term: str = ""
    sev: str = ""
    out: str = ""
    teae: bool = True


def _period_dates(s: _Subject, period: int) -> tuple[dt.date, dt.date]:
    return (s.tr01sdt, s.tr01edt) if period == 1 else (s.tr02sdt, s.tr02edt)


def _adverse_events(subs: list[_Subject], rng) -> list[_AE]:
    aes: list[_AE] = []
    for s in subs:
        plans = [(1, x) for x in _DE_AES[s.arm][s.profile]]
        if s.atep:
            plans += [(2, x) for x in _ATEP_AES[s.atep][s.atep_profile]]
        for period, item in plans:
            pt, _, flags = item.partition(":")
            reps = 2 if "2" in flags else 1
            for _ in range(reps):
                aes.append(_AE(s, period, pt, flags.replace("2", "")))
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
        aes.append(_AE(by_id[usub], period, pt, ""))
    # Dates, severity, outcome.
    for (usub, period) in sorted({(a.subj.usubjid, a.period) for a in aes}):
        group = [a for a in aes if a.subj.usubjid == usub and a.period == period]
        s = group[0].subj
        start, end = _period_dates(s, period)
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
        pt = _PRE_AES.get((s.arm, s.profile))
        if pt is None:
            continue
        a = _AE(s, 1, pt, "", teae=False)
        a.start = s.tr01sdt - dt.timedelta(days=int(rng.integers(8, 21)))
        a.end = a.start + dt.timedelta(days=int(rng.integers(1, 6)))
        a.term = _VERBATIM[pt][0]
        a.sev, a.out = "MILD", "RECOVERED/RESOLVED"
        aes.append(a)
    return aes


def _action(a: _AE) -> str:
    if "W" in a.flags:
        return "DRUG WITHDRAWN"
    if "D" in a.flags:
        return "DOSE REDUCED"
    if "I" in a.flags:
        return "DRUG INTERRUPTED"
    return "DOSE NOT CHANGED"


def _exposure(subs: list[_Subject], aes: list[_AE], rng) -> list[dict]:
    rows = []
    for s in subs:
        periods = [1] + ([2] if s.atep else [])
        for period in periods:
            start, end = _period_dates(s, period)
            if period == 1:
                dose, freq = _DE_DOSE[s.arm]
                freq = freq or _COHORT_FREQ[s.cohort]
                label, extrt = _DE_LABEL[s.arm], "PLACEBO" if s.arm == "PBO" else "IBERDOMIDE"
            else:
                dose, freq = _ATEP_DOSE[s.atep]
                label, extrt = _ATEP_LABEL[s.atep], "IBERDOMIDE"
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


# ----------------------------------------------------------------------------------------------
# Frames, checks, files
# ----------------------------------------------------------------------------------------------


def _frames(seed: int):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    subs = _design()
    _assign_ids_and_dates(subs, rng)
    _baselines(subs, rng, seed)
    aes = _adverse_events(subs, rng)
    ex_rows = _exposure(subs, aes, rng)

    # Concomitant medication flags: 26/42 (62%) hydroxychloroquine, 20/42 (48%) prednisone.
    hcq = set(int(k) for k in rng.permutation(len(subs))[:26])
    pred = set(int(k) for k in rng.permutation(len(subs))[:20])
    rows = []
    subs_sorted = sorted(subs, key=lambda s: s.usubjid)
    index = {id(s): i for i, s in enumerate(subs)}
    for s in subs_sorted:
        lab1 = _DE_LABEL[s.arm]
        lab2 = _ATEP_LABEL[s.atep] if s.atep else ""
        r = {
            "STUDYID": STUDYID, "USUBJID": s.usubjid, "SUBJID": s.subjid, "SITEID": s.site,
            "ARMCD": s.arm, "ARM": lab1,
            "TRT01P": lab1, "TRT01PN": float(_DE_NUM[s.arm]), "TRT01A": lab1, "TRT01AN": float(_DE_NUM[s.arm]),
            "TRT02P": lab2, "TRT02PN": float(s.atep) if s.atep else np.nan,
            "TRT02A": lab2, "TRT02AN": float(s.atep) if s.atep else np.nan,
            "RANDFL": "Y", "SAFFL": "Y", "ITTFL": "Y", "ATEPFL": "Y" if s.atep else "N",
            "RANDDT": s.randdt, "TRTSDT": s.tr01sdt, "TRTEDT": s.tr02edt if s.atep else s.tr01edt,
            "TR01SDT": s.tr01sdt, "TR01EDT": s.tr01edt, "TR02SDT": s.tr02sdt, "TR02EDT": s.tr02edt,
            "EOP01STT": "COMPLETED" if s.status1 == "C" else "DISCONTINUED",
            "EOP02STT": "" if not s.atep else ("COMPLETED" if s.status2 == "C" else "DISCONTINUED"),
            "DCP01RS": "" if s.status1 == "C" else _REASONS[s.status1],
            "DCP02RS": "" if not s.atep or s.status2 == "C" else _REASONS[s.status2],
            "AGE": s.base["AGEP01"], "AGEU": "YEARS", "SEX": s.sex, "RACE": _RACES[s.race], "ETHNIC": s.ethnic,
            "HCQFL": "Y" if index[id(s)] in hcq else "N", "PREDFL": "Y" if index[id(s)] in pred else "N",
        }
        for pp in ("01", "02"):
            for name in ("AGE", "WTBL", "DUR", "CLAS", "TJC", "SJC", "HSS", "PGA"):
                x = s.base[f"{name}P{pp}"]
                r[f"{name}P{pp}"] = np.nan if x is None else x
        rows.append(r)
    adsl = pd.DataFrame(rows, columns=list(ADSL_LABELS))

    ae_rows = []
    for a in sorted(aes, key=lambda a: (a.subj.usubjid, a.start, a.period, a.pt)):
        s = a.subj
        pstart = _period_dates(s, a.period)[0]
        dy = (a.start - pstart).days
        ae_rows.append({
            "STUDYID": STUDYID, "USUBJID": s.usubjid, "AESEQ": 0.0, "AETERM": a.term, "AEDECOD": a.pt,
            "AEBODSYS": SOC[a.pt], "AESEV": a.sev, "AESER": "Y" if "S" in a.flags else "N",
            "AEREL": "RELATED" if "R" in a.flags else "NOT RELATED", "AEACN": _action(a), "AEOUT": a.out,
            "AESDTH": "N", "ASTDT": a.start, "AENDT": a.end, "ASTDY": float(dy + 1 if dy >= 0 else dy),
            "TRTEMFL": "Y" if a.teae else "N", "APERIOD": float(a.period),
            "TRTA": _DE_LABEL[s.arm] if a.period == 1 else _ATEP_LABEL[s.atep], "SAFFL": "Y",
        })
    adae = pd.DataFrame(ae_rows, columns=list(ADAE_LABELS))
    adae["AESEQ"] = (adae.groupby("USUBJID").cumcount() + 1).astype(float)
    ex_rows.sort(key=lambda r: (r["USUBJID"], r["APERIOD"], r["ASTDT"]))
    adex = pd.DataFrame(ex_rows, columns=list(ADEX_LABELS))
    return {"adsl": adsl, "adae": adae, "adex": adex}


def _pct(n: int, d: int, decimals: int) -> str:
    return str(round_half_up(100 * n / d, decimals)) if n else "0"


def _check(frames) -> None:
    """Recompute Table 1 and Table 2 from the frames; raise AssertionError on any difference."""
    adsl, adae, adex = frames["adsl"], frames["adae"], frames["adex"]
    cols = [adsl[adsl.TRT01A == lab] for _, lab, _ in DE_ARMS] + \
           [adsl[adsl.TRT02A == lab] for _, lab, _ in ATEP_ARMS]
    pps = ["01"] * 5 + ["02"] * 2
    assert [len(c) for c in cols] == _T1_COUNTS["N"]
    got: dict[str, list[int]] = {k: [] for k in _T1_COUNTS}
    for c, pp in zip(cols, pps, strict=True):
        got["N"].append(len(c))
        got["COMPLETED"].append(int((c[f"EOP{pp}STT"] == "COMPLETED").sum()))
        got["DISCONTINUED"].append(int((c[f"EOP{pp}STT"] == "DISCONTINUED").sum()))
        for r in _REASONS.values():
            got[r].append(int((c[f"DCP{pp}RS"] == r).sum()))
        got["FEMALE"].append(int((c.SEX == "F").sum()))
        got["WHITE"].append(int((c.RACE == "WHITE").sum()))
        got["BLACK"].append(int((c.RACE == "BLACK OR AFRICAN AMERICAN").sum()))
        got["RACE OTHER"].append(int((~c.RACE.isin(["WHITE", "BLACK OR AFRICAN AMERICAN"])).sum()))
    assert got == _T1_COUNTS, got
    assert [int((c.ATEPFL == "Y").sum()) for c in cols[:5]] == _T1_PART2
    for name, (dp, targets) in _T1_CONT.items():
        for c, pp, (m, sd) in zip(cols, pps, targets, strict=True):
            x = c[f"{name}P{pp}"]
            assert (str(round_half_up(x.mean(), dp)), str(round_half_up(x.std(ddof=1), dp))) == (m, sd), \
                (name, pp, m, sd, x.mean(), x.std(ddof=1))
    assert [int((c[f"TJCP{pp}"] >= 1).sum()) for c, pp in zip(cols, pps, strict=True)] == _T1_TENDER
    assert [int((c[f"SJCP{pp}"] >= 1).sum()) for c, pp in zip(cols, pps, strict=True)] == _T1_SWOLLEN
    assert (adsl.AGEP02.dropna() >= adsl.AGEP01[adsl.AGEP02.notna()]).all()
    assert (adsl.HSSP01 >= 4).sum() == len(adsl) - 1 and (adsl.HSSP01 == 2).sum() == 1

    te = adae[adae.TRTEMFL == "Y"]
    keys = [(1.0, lab) for _, lab, _ in DE_ARMS] + [(2.0, lab) for _, lab, _ in ATEP_ARMS]
    per = [te[(te.APERIOD == p) & (te.TRTA == lab)] for p, lab in keys]
    conds = {
        "ANY": lambda d: d, "RELATED": lambda d: d[d.AEREL == "RELATED"],
        "SEVERE": lambda d: d[d.AESEV == "SEVERE"], "SERIOUS": lambda d: d[d.AESER == "Y"],
        "SERIOUS RELATED": lambda d: d[(d.AESER == "Y") & (d.AEREL == "RELATED")],
        "WITHDRAWN": lambda d: d[d.AEACN == "DRUG WITHDRAWN"], "DEATH": lambda d: d[d.AESDTH == "Y"],
    }
    for row, f in conds.items():
        assert [f(d).USUBJID.nunique() for d in per] == _T2_OVERVIEW[row], row
    totals: dict[str, int] = {}
    for d in per:
        for pt, n in d.groupby("AEDECOD").USUBJID.nunique().items():
            totals[pt] = totals.get(pt, 0) + int(n)
    frequent = {pt for pt, n in totals.items() if 100 * n / 59 > 5}
    assert frequent == set(_T2_PT), sorted(frequent ^ set(_T2_PT))
    for pt, want in _T2_PT.items():
        assert [int(d[d.AEDECOD == pt].USUBJID.nunique()) for d in per] == want, pt
    # Discontinued for an AE in a period <=> an AE leading to withdrawal in that period.
    for p, pp in ((1.0, "01"), (2.0, "02")):
        wd = set(te[(te.APERIOD == p) & (te.AEACN == "DRUG WITHDRAWN")].USUBJID)
        assert wd == set(adsl[adsl[f"DCP{pp}RS"] == "ADVERSE EVENT"].USUBJID), pp
    # Exposure: every DE subject in period 1, every ATEP subject in period 2.
    assert set(adex[adex.APERIOD == 1].USUBJID) == set(adsl.USUBJID)
    assert set(adex[adex.APERIOD == 2].USUBJID) == set(adsl[adsl.ATEPFL == "Y"].USUBJID)
    assert (adex.EXDURD > 0).all()
    last = max(max(adae.AENDT.dropna()), max(adsl.TRTEDT), max(adae.ASTDT))
    assert last <= DATA_CUTOFF, last


def _check_names(frames, labels) -> None:
    for name, df in frames.items():
        for col in df.columns:
            assert len(col) <= 8, col
            assert col in labels[name] and len(labels[name][col]) <= 40, (name, col)


def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Write adsl.xpt, adae.xpt, adex.xpt, the efficacy and PD datasets adeff.xpt and adpd.xpt
    (tlf.examples.study_a_efficacy) and the concentrations adpc.xpt (tlf.examples.study_a_pk) as SAS
    transport v5 to out_dir; return name -> path."""
    import pyreadstat

    from tlf.examples.study_a_efficacy import ADEFF_LABELS, ADPD_LABELS, check_efficacy, efficacy_frames

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = _frames(seed)
    _check(frames)
    frames.update(efficacy_frames(frames["adsl"], seed))
    check_efficacy(frames, facts=seed == DEFAULT_SEED)
    from tlf.examples import study_a_pk

    frames["adpc"] = study_a_pk.adpc(frames["adsl"], frames["adex"], seed)
    labels = {"adsl": ADSL_LABELS, "adae": ADAE_LABELS, "adex": ADEX_LABELS, "adeff": ADEFF_LABELS,
              "adpd": ADPD_LABELS, "adpc": study_a_pk.ADPC_LABELS}
    _check_names(frames, labels)
    paths: dict[str, Path] = {}
    for name, df in frames.items():
        path = out_dir / f"{name}.xpt"
        fmts = {c: "DATE9." for c in df.columns if c in _DATE_VARS}
        fmts.update({c: "DATETIME20." for c in df.columns if c == "ADTM"})
        pyreadstat.write_xport(df, str(path), file_format_version=5, table_name=name.upper(),
                               file_label=f"{STUDYID} {name.upper()} (synthetic)",
                               column_labels={c: labels[name][c] for c in df.columns}, variable_format=fmts)
        paths[name] = path
    return paths


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) not in (1, 2) or argv[0].startswith("-"):
        print("usage: python -m tlf.examples.study_a OUT_DIR [SEED]", file=sys.stderr)
        return 2
    seed = int(argv[1]) if len(argv) == 2 else DEFAULT_SEED
    for name, path in generate(Path(argv[0]), seed).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
