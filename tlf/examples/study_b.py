"""Synthetic ADaM data for example study B (CC-220-CP-001, iberdomide single ascending dose in
healthy volunteers, NCT01733875).

Study B exists to show that a different design needs new YAML, not new Python: seven ascending-dose
cohorts of 8 (6 iberdomide + 2 placebo), placebo pooled over cohorts, time points in hours, results
as percent of baseline, a Wilcoxon signed-rank test against baseline, a cohort whose flow cytometry
samples were lost. The facts come from the study description (cc220-cp-001.md, after Schafer et al.,
Ann Rheum Dis 2018); the specs are in examples/study_b/specs/.

Datasets (SAS transport v5, labels on every variable):

* ADSL: 56 subjects, one record each. TRT01A is the dose ("Iberdomide 0.3 mg") or the cohort's
  placebo ("Placebo (cohort C)"): a spec pools the seven placebo values into one column. DOSE01A is
  the dose in mg (0 for placebo). All subjects completed; none discontinued.
* ADAE: hand-written TEAEs (all mild except one moderate urticaria at 4 mg, none serious or severe,
  none leading to discontinuation) plus one event before dosing (TRTEMFL = "N").
* ADPD: biomarkers in BDS structure, one record per subject, parameter and time point:
  Aiolos in B and T cells (MEFL) and ex vivo IL-2 (anti-CD3) and IL-1beta (LPS) (pg/mL) at pre-dose,
  3, 12 and 24 h; CD19+ B and CD3+ T cell counts (cells/uL) on day -1, day 1 pre-dose and days 2, 3
  and 5 (cohorts F and G also days 7 and 9). ATPT/ATPTN (nominal hours after the dose; day -1 is
  -24), AVISIT/AVISITN, ADY (no day 0), ADT, AVAL, BASE (the day 1 pre-dose value, ABLFL = "Y"), CHG,
  PCHG. A sample that was not analysed has AVAL missing, PDSTAT = "NOT DONE" and the reason in
  PDREASND. Percent of baseline is 100 * AVAL / BASE (= 100 + PCHG); the data do not store it.
* ADPC: plasma iberdomide after the single dose (pre-dose to 96 h) from a one-compartment model
  (t1/2 about 11 h, dose-proportional), 3 significant figures, BLQ below 0.01 ng/mL (AVAL missing,
  BLQFL = "Y"); placebo samples are all BLQ.

How the published facts are kept (see `PD_TARGETS`): every cell (parameter, dose group, time point)
has a target mean percent of baseline, printed to 1 decimal, and a target for the Wilcoxon
signed-rank test against baseline (p < 0.05 or not), for both the percent of baseline (against 100)
and the raw values (AVAL against BASE). Published cells carry the published mean; the others carry
plausible values. With 6 subjects the exact two-sided p is below 0.05 only when all 6 move the same
way (p = 2/64), so a cell that must not be significant either has one subject on the other side of
baseline or fewer than 6 analysable values; the design says which (non-responders in the 1 and 6 mg
Aiolos cohorts, single missed samples, see `NOT_DONE`). Values are drawn from log-normal ratios and
moved one unit of the data's precision at a time until the exact mean rounds (half up) to the target
with a margin; no two subjects of a cell share an absolute difference, so R's exact wilcox.test
applies. `generate` recomputes every cell before writing and raises if one is off.

Usage: ``python -m tlf.examples.study_b OUT_DIR`` or ``generate(Path(OUT_DIR))``.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

STUDYID = "CC-220-CP-001"
DEFAULT_SEED = 20130122
FIRST_DOSE = dt.date(2013, 1, 22)  # cohort A; each later cohort 3 weeks after the previous one
COHORT_GAP = 21

# cohort, dose (mg); 6 active + 2 placebo per cohort
COHORTS: tuple[tuple[str, float], ...] = (
    ("A", 0.03), ("B", 0.1), ("C", 0.3), ("D", 1.0), ("E", 2.0), ("F", 4.0), ("G", 6.0))
GROUPS = ("PBO", "0.03", "0.1", "0.3", "1", "2", "4", "6")  # analysis groups; placebo pooled
EXTENDED_COHORTS = ("F", "G")  # lymphocyte counts also on days 7 and 9


def dose_text(dose: float) -> str:
    return f"{dose:g}"


def treatment_label(cohort: str, dose: float, placebo: bool) -> str:
    return f"Placebo (cohort {cohort})" if placebo else f"Iberdomide {dose_text(dose)} mg"


# ---------------------------------------------------------------- PD design

# Post-baseline time points: (ATPT, ATPTN hours, study day). Pre-dose (ATPTN 0, day 1) is baseline.
HOURS = (("3 h", 3.0, 1), ("12 h", 12.0, 1), ("24 h", 24.0, 2))
DAYS = (("Day 2 (24 h)", 24.0, 2), ("Day 3 (48 h)", 48.0, 3), ("Day 5 (96 h)", 96.0, 5),
        ("Day 7 (144 h)", 144.0, 7), ("Day 9 (192 h)", 192.0, 9))
PREDOSE = {"hours": ("Predose", 0.0, 1), "days": ("Day 1 predose", 0.0, 1)}
DAY_MINUS_1 = ("Day -1", -24.0, -1)  # lymphocyte counts only; before baseline


@dataclass(frozen=True)
class PdParam:
    code: str
    name: str
    category: str
    schedule: str  # "hours" or "days"
    base_mean: float  # typical baseline
    base_cv: float
    decimals: int  # precision collected
    spread: float  # log-SD of the ratio to baseline in active cells
    placebo_spread: float


PD_PARAMS: tuple[PdParam, ...] = (
    PdParam("AIOLOSB", "Aiolos in CD19+ B cells (MEFL)", "FLOW CYTOMETRY", "hours", 24000, 0.25, 0, 0.35, 0.07),
    PdParam("AIOLOST", "Aiolos in CD3+ T cells (MEFL)", "FLOW CYTOMETRY", "hours", 11000, 0.25, 0, 0.35, 0.07),
    PdParam("CD19", "CD19+ B cells (cells/uL)", "FLOW CYTOMETRY", "days", 230, 0.30, 0, 0.12, 0.07),
    PdParam("CD3", "CD3+ T cells (cells/uL)", "FLOW CYTOMETRY", "days", 1450, 0.25, 0, 0.10, 0.06),
    PdParam("IL2", "IL-2, anti-CD3 stimulated (pg/mL)", "EX VIVO CYTOKINE", "hours", 210, 0.45, 1, 0.55, 0.15),
    PdParam("IL1B", "IL-1beta, LPS stimulated (pg/mL)", "EX VIVO CYTOKINE", "hours", 3200, 0.35, 1, 0.35, 0.12),
)
FLOW = ("AIOLOSB", "AIOLOST", "CD19", "CD3")

# Mean percent of baseline and Wilcoxon target per group and post-baseline time point (in the order
# of HOURS / DAYS; days 7 and 9 exist for placebo and 4 and 6 mg only). "Y": p < 0.05 for both tests,
# "N": p >= 0.05 for both. "*" marks the published numbers (cc220-cp-001.md); "-": no data (0.1 mg
# flow cytometry).
PD_TARGETS = """
AIOLOSB PBO   99.1 N  | 101.8 N  | 97.6 N
AIOLOSB 0.03  93.4 N  | 78.9 N   | 84.6 N
AIOLOSB 0.1   -       | -        | -
AIOLOSB 0.3   71.2 N  | 38.6 Y   | 24.8* Y
AIOLOSB 1     47.5 N  | 28.2* N  | 31.4 N
AIOLOSB 2     30.2 Y  | 25.0* N  | 19.6 Y
AIOLOSB 4     22.8 N  | 14.1 N   | 11.5* N
AIOLOSB 6     35.3 N  | 26.9 N   | 27.7* N
AIOLOST PBO   100.8 N | 98.7 N   | 102.3 N
AIOLOST 0.03  95.1 N  | 83.0 N   | 88.2 N
AIOLOST 0.1   -       | -        | -
AIOLOST 0.3   68.4 N  | 31.7 Y   | 0.0* Y
AIOLOST 1     41.9 N  | 22.3* N  | 27.6 N
AIOLOST 2     26.5 Y  | 26.1* N  | 15.2 Y
AIOLOST 4     19.7 N  | 12.6 N   | 13.8* N
AIOLOST 6     33.4 N  | 30.2 N   | 33.1* N
CD19    PBO   101.2 N | 98.4 N   | 99.7 N   | 103.5 N | 97.1 N
CD19    0.03  96.8 N  | 94.5 N   | 99.3 N
CD19    0.1   -       | -        | -
CD19    0.3   84.6 N  | 73.5* Y  | 88.9 N
CD19    1     67.3* Y | 71.9 Y   | 90.4 N
CD19    2     62.4 Y  | 51.3* Y  | 78.8 N
CD19    4     61.7 Y  | 53.3* N  | 66.2 Y   | 81.5 N  | 92.7 N
CD19    6     55.9 Y  | 40.8* Y  | 47.6 Y   | 68.3 Y  | 84.9 N
CD3     PBO   99.4 N  | 101.6 N  | 98.2 N   | 102.9 N | 100.4 N
CD3     0.03  97.3 N  | 95.8 N   | 101.1 N
CD3     0.1   -       | -        | -
CD3     0.3   84.1* N | 87.5 N   | 94.2 N
CD3     1     79.4* N | 83.6 N   | 96.1 N
CD3     2     85.3 N  | 80.2 Y   | 73.8* Y
CD3     4     80.6 Y  | 74.0* Y  | 82.3 Y   | 90.8 N  | 97.5 N
CD3     6     72.4 Y  | 65.7* Y  | 75.1 Y   | 86.2 N  | 95.6 N
IL2     PBO   104.6 N | 97.3 N   | 108.9 N
IL2     0.03  118.4 N | 142.7 N  | 126.5 N
IL2     0.1   135.2 N | 188.6 N  | 161.3 N
IL2     0.3   162.8 N | 315.0* N | 248.7 N
IL2     1     241.5 N | 973.0* N | 684.2 N
IL2     2     286.9 N | 915.0* N | 702.6 N
IL2     4     355.1 N | 846.3 N  | 779.0* N
IL2     6     402.8 N | 1254.7 N | 1896.0* N
IL1B    PBO   98.2 N  | 102.7 N  | 96.4 N
IL1B    0.03  91.6 N  | 84.3 N   | 88.7 N
IL1B    0.1   82.5 N  | 70.8 N   | 76.9 N
IL1B    0.3   71.4 N  | 49.5* Y  | 58.2 Y
IL1B    1     52.6 Y  | 21.8* N  | 30.4 Y
IL1B    2     38.9 Y  | 16.3* Y  | 20.5 Y
IL1B    4     33.7 Y  | 12.9 Y   | 24.1* Y
IL1B    6     28.1 Y  | 8.6 Y    | 10.7* N
"""

# Samples not analysed: (parameters, group, subject indices within the group (None: all), time
# points (None: all, pre-dose included), reason). Subject k of a group is its k-th subject by USUBJID;
# placebo subjects are numbered over the pooled group (2 per cohort: k 2-3 are cohort B's).
NOT_DONE: tuple[tuple[tuple[str, ...], str, tuple[int, ...] | None, tuple[str, ...] | None, str], ...] = (
    (FLOW, "0.1", None, None, "SAMPLE OUTSIDE STABILITY WINDOW"),
    (FLOW, "PBO", (2, 3), None, "SAMPLE OUTSIDE STABILITY WINDOW"),
    (("IL2", "IL1B"), "PBO", (0, 5, 8, 12), None, "INSUFFICIENT SAMPLE VOLUME"),
    (("AIOLOSB", "AIOLOST"), "4", (2,), ("Predose",), "SAMPLE NOT EVALUABLE"),
    (("AIOLOSB", "AIOLOST"), "2", (4,), ("12 h",), "SAMPLE NOT COLLECTED"),
    (("IL1B",), "1", (3,), ("12 h",), "ASSAY FAILURE"),
    (("IL1B",), "6", (1,), ("24 h",), "ASSAY FAILURE"),
)
# Aiolos non-responders: percent of baseline 101-115 at every time point (both cell types).
NON_RESPONDERS = {("AIOLOSB", "1", 5), ("AIOLOST", "1", 5), ("AIOLOSB", "6", 0), ("AIOLOST", "6", 0)}


@dataclass(frozen=True)
class Target:
    mean: float
    significant: bool
    published: bool


def pd_targets() -> dict[tuple[str, str, str], Target | None]:
    """(PARAMCD, group, ATPT) -> target, or None where the group has no data."""
    out: dict[tuple[str, str, str], Target | None] = {}
    params = {p.code: p for p in PD_PARAMS}
    for line in PD_TARGETS.strip().splitlines():
        head, *rest = line.split("|")
        code, group, first = head.split(None, 2)
        times = HOURS if params[code].schedule == "hours" else DAYS
        for (atpt, _, _), cell in zip(times, [first, *rest], strict=False):
            cell = cell.strip()
            if cell == "-":
                out[(code, group, atpt)] = None
                continue
            mean, sig = cell.split()
            out[(code, group, atpt)] = Target(float(mean.rstrip("*")), sig == "Y", mean.endswith("*"))
    return out


# ---------------------------------------------------------------- PK design

PK_PARAMCD = "IBER"
PK_PARAM = "Iberdomide (ng/mL)"
LLOQ = 0.01  # ng/mL
PK_TIMES: tuple[tuple[float, str, tuple[float, float]], ...] = (  # nominal h, label, actual window (h)
    (0.0, "Pre-dose", (-0.75, -0.1)), (0.5, "0.5 h", (0.5, 0.55)), (1.0, "1 h", (1.0, 1.08)),
    (2.0, "2 h", (2.0, 2.1)), (3.0, "3 h", (3.0, 3.1)), (4.0, "4 h", (4.0, 4.1)), (6.0, "6 h", (6.0, 6.15)),
    (8.0, "8 h", (8.0, 8.15)), (12.0, "12 h", (12.0, 12.25)), (24.0, "24 h", (23.75, 24.25)),
    (36.0, "36 h", (35.75, 36.25)), (48.0, "48 h", (47.5, 48.5)), (72.0, "72 h", (71.5, 72.5)),
    (96.0, "96 h", (95.5, 96.5)),
)
# One-compartment oral model, typical values for 75 kg: t1/2 = ln 2 * V / CL = 10.6 h.
CL_TV, V_TV, KA_TV, TLAG = 7.5, 115.0, 1.2, 0.25
OMEGA = {"cl": 0.20, "v": 0.15, "ka": 0.40}
RHO_CL_V = 0.9
SIGMA_PROP = 0.06
DOSE_HOUR = 8.0

# ---------------------------------------------------------------- AE design

SOC = {
    "Headache": "Nervous system disorders", "Dizziness": "Nervous system disorders",
    "Somnolence": "Nervous system disorders", "Nausea": "Gastrointestinal disorders",
    "Constipation": "Gastrointestinal disorders", "Fatigue": "General disorders and administration site conditions",
    "Back pain": "Musculoskeletal and connective tissue disorders",
    "Contact dermatitis": "Skin and subcutaneous tissue disorders",
    "Urticaria": "Skin and subcutaneous tissue disorders", "Pruritus": "Skin and subcutaneous tissue disorders",
    "Rash": "Skin and subcutaneous tissue disorders", "Nasopharyngitis": "Infections and infestations",
    "Oropharyngeal pain": "Respiratory, thoracic and mediastinal disorders",
}
VERBATIM = {"Headache": "HEADACHE", "Dizziness": "LIGHT-HEADEDNESS", "Somnolence": "DROWSINESS",
            "Nausea": "NAUSEA", "Constipation": "CONSTIPATION", "Fatigue": "TIREDNESS", "Back pain": "LOWER BACK PAIN",
            "Contact dermatitis": "SKIN IRRITATION FROM ECG ELECTRODES", "Urticaria": "HIVES ON TRUNK AND ARMS",
            "Pruritus": "ITCHING", "Rash": "RASH ON CHEST", "Nasopharyngitis": "COMMON COLD",
            "Oropharyngeal pain": "SORE THROAT"}
# group, subject index in group, preferred term, study day of onset, duration (days), severity, related
AE_DESIGN = """
PBO  0  Headache            1  1  MILD      N
PBO  6  Contact dermatitis  2  3  MILD      N
PBO  9  Nasopharyngitis     4  5  MILD      N
0.03 1  Headache            1  1  MILD      Y
0.03 4  Back pain           3  2  MILD      N
0.1  2  Dizziness           1  1  MILD      Y
0.1  5  Contact dermatitis  2  2  MILD      N
0.3  0  Headache            1  1  MILD      Y
0.3  3  Nausea              1  1  MILD      Y
0.3  3  Fatigue             2  2  MILD      Y
1    1  Headache            2  1  MILD      Y
1    4  Constipation        3  3  MILD      Y
1    5  Oropharyngeal pain  4  4  MILD      N
2    0  Somnolence          1  1  MILD      Y
2    2  Headache            1  1  MILD      Y
2    2  Dizziness           1  1  MILD      Y
2    5  Contact dermatitis  3  2  MILD      N
4    1  Urticaria           2  6  MODERATE  Y
4    1  Pruritus            2  4  MILD      Y
4    3  Headache            1  1  MILD      Y
4    4  Nausea              1  1  MILD      Y
4    5  Back pain           6  2  MILD      N
6    0  Headache            1  1  MILD      Y
6    2  Fatigue             2  2  MILD      Y
6    3  Rash                3  4  MILD      Y
6    4  Constipation        2  2  MILD      Y
6    5  Nasopharyngitis     7  5  MILD      N
"""
# An event that started the day before dosing (not treatment-emergent).
PRE_TREATMENT_AE = ("PBO", 11, "Oropharyngeal pain", -1, 3, "MILD", "N")

# ---------------------------------------------------------------- labels

ADSL_LABELS: dict[str, str] = {
    "STUDYID": "Study Identifier", "USUBJID": "Unique Subject Identifier",
    "SUBJID": "Subject Identifier for the Study", "SITEID": "Study Site Identifier",
    "COHORT": "Dose Cohort", "ARMCD": "Planned Arm Code", "ARM": "Description of Planned Arm",
    "TRT01P": "Planned Treatment for Period 01", "TRT01PN": "Planned Treatment for Period 01 (N)",
    "TRT01A": "Actual Treatment for Period 01", "TRT01AN": "Actual Treatment for Period 01 (N)",
    "DOSE01A": "Actual Dose for Period 01 (mg)", "RANDFL": "Randomized Population Flag",
    "SAFFL": "Safety Population Flag", "PDFL": "Pharmacodynamic Population Flag",
    "PKFL": "Pharmacokinetic Population Flag", "RANDDT": "Date of Randomization",
    "TRTSDT": "Date of First Exposure to Treatment", "TRTEDT": "Date of Last Exposure to Treatment",
    "EOSDT": "End of Study Date", "EOSSTT": "End of Study Status", "DCSREAS": "Reason for Discontinuation from Study",
    "AGE": "Age", "AGEU": "Age Units", "SEX": "Sex", "RACE": "Race", "ETHNIC": "Ethnicity",
    "HEIGHTBL": "Baseline Height (cm)", "WEIGHTBL": "Baseline Weight (kg)", "BMIBL": "Baseline BMI (kg/m2)",
}
ADAE_LABELS: dict[str, str] = {
    "STUDYID": "Study Identifier", "USUBJID": "Unique Subject Identifier", "AESEQ": "Sequence Number",
    "AETERM": "Reported Term for the Adverse Event", "AEDECOD": "Dictionary-Derived Term",
    "AEBODSYS": "Body System or Organ Class", "AESEV": "Severity/Intensity", "AESER": "Serious Event",
    "AEREL": "Causality", "AEACN": "Action Taken with Study Treatment", "AEOUT": "Outcome of Adverse Event",
    "ASTDT": "Analysis Start Date", "AENDT": "Analysis End Date", "ASTDY": "Analysis Start Relative Day",
    "AENDY": "Analysis End Relative Day", "TRTEMFL": "Treatment Emergent Analysis Flag",
    "TRTA": "Actual Treatment", "SAFFL": "Safety Population Flag",
}
ADPD_LABELS: dict[str, str] = {
    "STUDYID": "Study Identifier", "USUBJID": "Unique Subject Identifier", "TRTA": "Actual Treatment",
    "PARAMCD": "Parameter Code", "PARAM": "Parameter", "PARCAT1": "Parameter Category 1",
    "AVISIT": "Analysis Visit", "AVISITN": "Analysis Visit (N)", "ATPT": "Analysis Timepoint",
    "ATPTN": "Analysis Timepoint (N) (h post-dose)", "ADT": "Analysis Date", "ADY": "Analysis Relative Day",
    "AVAL": "Analysis Value", "BASE": "Baseline Value", "ABLFL": "Baseline Record Flag", "CHG": "Change from Baseline",
    "PCHG": "Percent Change from Baseline", "ANL01FL": "Analysis Flag 01", "PDSTAT": "Completion Status",
    "PDREASND": "Reason Not Done",
}
ADPC_LABELS: dict[str, str] = {
    "STUDYID": "Study Identifier", "USUBJID": "Unique Subject Identifier", "TRTA": "Actual Treatment",
    "PARAMCD": "Parameter Code", "PARAM": "Parameter", "AVISIT": "Analysis Visit", "AVISITN": "Analysis Visit (N)",
    "ADY": "Analysis Relative Day", "ADTM": "Analysis Date/Time", "ATPT": "Analysis Timepoint",
    "ATPTN": "Analysis Timepoint (N)", "NRRLT": "Nominal Rel Time from Ref Dose (h)",
    "ARRLT": "Actual Rel Time from Ref Dose (h)", "AVAL": "Analysis Value (ng/mL)", "AVALC": "Analysis Value (C)",
    "BLQFL": "Below Lower Limit of Quant Flag", "PCLLOQ": "Lower Limit of Quantitation (ng/mL)",
    "DOSEA": "Actual Dose (mg)", "DOSEU": "Dose Units",
}
_DATE_VARS = {"RANDDT", "TRTSDT", "TRTEDT", "EOSDT", "ASTDT", "AENDT", "ADT"}
_DATETIME_VARS = {"ADTM"}


def round_half_up(x: float, decimals: int) -> Decimal:
    """x rounded half away from zero at `decimals`, from its shortest decimal representation."""
    q = Decimal(1).scaleb(-decimals)
    return Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP) if x >= 0 else \
        -Decimal(repr(-x)).quantize(q, rounding=ROUND_HALF_UP)


def round_sig(x: float, sig: int = 3) -> float:
    """x to `sig` significant figures, halves away from zero (as a laboratory reports)."""
    if x == 0:
        return 0.0
    digits = sig - 1 - math.floor(math.log10(abs(x)))
    return float(round_half_up(x, digits))


def signed_rank_p(diffs) -> float:
    """Exact two-sided p of the Wilcoxon signed-rank test for differences without zeros or ties in
    absolute value (the distribution of W+ by counting the subsets of ranks 1..n)."""
    d = [float(x) for x in diffs]
    n = len(d)
    assert n and all(x != 0 for x in d) and len({abs(x) for x in d}) == n, d
    order = sorted(range(n), key=lambda i: abs(d[i]))
    w = sum(r + 1 for r, i in enumerate(order) if d[i] > 0)
    top = n * (n + 1) // 2
    counts = [1] + [0] * top
    for r in range(1, n + 1):
        for s in range(top, r - 1, -1):
            counts[s] += counts[s - r]
    total = 2 ** n
    lower = sum(counts[: w + 1]) / total
    upper = sum(counts[w:]) / total
    return min(1.0, 2 * min(lower, upper))


# ---------------------------------------------------------------- subjects

@dataclass
class _Subject:
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


def _subjects(rng) -> list[_Subject]:
    subs = []
    for ci, (cohort, dose) in enumerate(COHORTS):
        placebo_slots = set(int(i) for i in rng.permutation(8)[:2])
        start = FIRST_DOSE + dt.timedelta(days=COHORT_GAP * ci)
        for j in range(8):
            pbo = j in placebo_slots
            subjid = f"{ci + 1}{j + 1:03d}"
            subs.append(_Subject(f"{STUDYID}-{subjid}", subjid, cohort, 0.0 if pbo else dose, pbo,
                                 "PBO" if pbo else dose_text(dose), trtsdt=start))
    by_group: dict[str, list[_Subject]] = {}
    for s in sorted(subs, key=lambda s: s.usubjid):
        by_group.setdefault(s.group, []).append(s)
    for members in by_group.values():
        for k, s in enumerate(members):
            s.k = k
    _demographics(subs, rng)
    return subs


_RACES = (("WHITE", 0.55), ("BLACK OR AFRICAN AMERICAN", 0.37), ("ASIAN", 0.05),
          ("AMERICAN INDIAN OR ALASKA NATIVE", 0.03))


def _demographics(subs: list[_Subject], rng) -> None:
    """Healthy male volunteers, 18-55 years, BMI 18-32 kg/m2."""
    races = [r for r, _ in _RACES]
    probs = [p for _, p in _RACES]
    for s in subs:
        age = int(min(55, max(18, round(rng.normal(34, 9)))))
        height = float(round_half_up(float(rng.normal(177, 7)), 1))
        while True:
            bmi = float(rng.normal(25.5, 3.0))
            if 18.5 <= bmi <= 31.5:
                break
        weight = float(round_half_up(bmi * (height / 100) ** 2, 1))
        s.demo = {
            "AGE": float(age), "SEX": "M", "RACE": races[int(rng.choice(len(races), p=probs))],
            "ETHNIC": "HISPANIC OR LATINO" if rng.random() < 0.12 else "NOT HISPANIC OR LATINO",
            "HEIGHTBL": height, "WEIGHTBL": weight,
            "BMIBL": float(round_half_up(weight / (height / 100) ** 2, 1)),
            "RANDDT": s.trtsdt - dt.timedelta(days=1),
        }


def _group_members(subs: list[_Subject]) -> dict[str, list[_Subject]]:
    out: dict[str, list[_Subject]] = {g: [] for g in GROUPS}
    for s in sorted(subs, key=lambda s: s.usubjid):
        out[s.group].append(s)
    return out


def _end_of_study(s: _Subject) -> dt.date:
    return s.trtsdt + dt.timedelta(days=8 if s.cohort in EXTENDED_COHORTS else 4)


def _date(s: _Subject, study_day: int) -> dt.date:
    return s.trtsdt + dt.timedelta(days=study_day - 1 if study_day > 0 else study_day)


# ---------------------------------------------------------------- PD values

def _not_done(subs_by_group) -> dict[tuple[str, str, str], str]:
    """(USUBJID, PARAMCD, ATPT) -> reason, for every sample not analysed. ATPT "*" = all time points."""
    out = {}
    for params, group, ks, times, reason in NOT_DONE:
        members = subs_by_group[group]
        for s in members if ks is None else [members[k] for k in ks]:
            for p in params:
                for t in times or ("*",):
                    out[(s.usubjid, p, t)] = reason
    return out


def _timepoints(param: PdParam, cohort: str) -> list[tuple[str, float, int]]:
    """All time points of a subject for a parameter (pre-baseline, baseline, post-baseline)."""
    if param.schedule == "hours":
        return [PREDOSE["hours"], *HOURS]
    days = [d for d in DAYS if d[2] <= 5 or cohort in EXTENDED_COHORTS]
    return [DAY_MINUS_1, PREDOSE["days"], *days]


def _draw_baselines(rng, param: PdParam, n: int) -> list[float]:
    sigma = math.sqrt(math.log(1 + param.base_cv**2))
    out: list[float] = []
    while len(out) < n:
        x = param.base_mean * math.exp(float(rng.normal(-sigma**2 / 2, sigma)))
        v = float(round_half_up(x, param.decimals))
        if v > 0 and v not in out:
            out.append(v)
    return out


class _CellFailed(Exception):
    pass


def _cell_values(rng, param: PdParam, bases: list[float], target: Target, nonresponder: list[bool],
                 placebo: bool, latent: list[float]) -> list[float]:
    """Post-baseline values of one cell whose mean percent of baseline rounds to the target and
    whose Wilcoxon tests (percent vs 100, value vs baseline) are significant as the target says."""
    n = len(bases)
    unit = 10.0 ** -param.decimals
    down = target.mean < 100
    spread = param.placebo_spread if placebo else param.spread
    if not placebo and abs(target.mean - 100) < 25:  # little effect: between placebo and active spread
        spread = (param.spread + param.placebo_spread) / 2
    for attempt in range(400):
        s = spread * (0.85 ** (attempt // 40))
        m_gen = max(target.mean, 0.02)
        ratios = [0.0] * n
        fixed = [False] * n
        # subjects on the "wrong" side of baseline: non-responders, or one crosser for an N target
        for i in range(n):
            if nonresponder[i]:
                ratios[i], fixed[i] = float(rng.uniform(101, 115)), True
        needs_crosser = (not target.significant and n >= 6 and not any(fixed)
                         and abs(target.mean - 100) >= 8)
        if needs_crosser:
            j = int(rng.integers(n))
            ratios[j] = float(rng.uniform(102, 115)) if down else float(rng.uniform(55, 95))
            fixed[j] = True
        free = [i for i in range(n) if not fixed[i]]
        rest = (n * m_gen - sum(ratios[i] for i in range(n) if fixed[i])) / len(free)
        if rest <= 0:
            raise _CellFailed(f"{param.code}: target {target.mean} unreachable")
        # a subject's own level (latent) persists over time points; the rest is noise of the sample
        z = [0.7 * latent[i] + 0.71 * float(x) for i, x in zip(free, rng.standard_normal(len(free)), strict=True)]
        e = [math.exp(s * x) for x in z]
        scale = rest / (sum(e) / len(e))
        for i, ei in zip(free, e, strict=True):
            ratios[i] = ei * scale
        one_sided = target.significant or any(fixed) or (abs(target.mean - 100) >= 8)
        if one_sided and any((r >= 99.0) == down for i, r in enumerate(ratios) if not fixed[i]):
            continue
        values = [max(unit, float(round_half_up(b * r / 100, param.decimals))) for b, r in zip(bases, ratios,
                                                                                           strict=True)]
        sides = [v > b for v, b in zip(values, bases, strict=True)]
        if any(abs(v - b) < unit / 2 for v, b in zip(values, bases, strict=True)):
            continue
        values = _adjust(rng, values, bases, param.decimals, target.mean, sides)
        if values is not None and _cell_ok(values, bases, target):
            return values
    raise _CellFailed(f"{param.code}: no values found for target {target}")


def _adjust(rng, values: list[float], bases: list[float], decimals: int, target: float,
            sides: list[bool]) -> list[float] | None:
    """Move values one unit at a time (each staying on its side of baseline and > 0) until the mean
    percent of baseline is within 0.03 of the target."""
    unit = 10.0 ** -decimals
    v = list(values)
    n = len(v)

    def allowed(x: float, b: float, up: bool) -> bool:
        return x >= unit - 1e-12 and ((x >= b + unit - 1e-9) if up else (x <= b - unit + 1e-9))

    def mean(vals) -> float:
        return sum(100 * x / b for x, b in zip(vals, bases, strict=True)) / n

    for _ in range(5000):
        m = mean(v)
        gap = abs(m - target)
        if gap <= 0.03:
            return v
        step = unit if target > m else -unit
        best = None
        for j in range(n):
            x = round(v[j] + step, decimals)
            if allowed(x, bases[j], sides[j]):
                g = abs(m + 100 * (x - v[j]) / bases[j] / n - target)
                if best is None or g < best[0]:
                    best = (g, ((j, x),))
            for k in range(n):
                if k == j:
                    continue
                y = round(v[k] - step, decimals)
                if allowed(x, bases[j], sides[j]) and allowed(y, bases[k], sides[k]):
                    g = abs(m + 100 * ((x - v[j]) / bases[j] + (y - v[k]) / bases[k]) / n - target)
                    if best is None or g < best[0]:
                        best = (g, ((j, x), (k, y)))
        if best is None or best[0] >= gap:
            j = int(rng.integers(n))
            x = round(v[j] + (unit if rng.random() < 0.5 else -unit), decimals)
            if allowed(x, bases[j], sides[j]):
                v[j] = x
            continue
        for j, x in best[1]:
            v[j] = x
    return None


def _cell_ok(values: list[float], bases: list[float], target: Target) -> bool:
    pct = [100 * v / b for v, b in zip(values, bases, strict=True)]
    raw = [v - b for v, b in zip(values, bases, strict=True)]
    rel = [p - 100 for p in pct]
    if any(x == 0 for x in raw):
        return False
    if len({round(abs(x), 9) for x in raw}) < len(raw) or len({round(abs(x), 9) for x in rel}) < len(rel):
        return False
    mean = sum(pct) / len(pct)
    if round_half_up(mean, 1) != round_half_up(target.mean, 1) or abs(mean - target.mean) > 0.04:
        return False
    sig = [signed_rank_p(raw) < 0.05, signed_rank_p(rel) < 0.05]
    return sig == [target.significant] * 2


def _pd_records(subs: list[_Subject], rng) -> list[dict]:
    import numpy as np

    groups = _group_members(subs)
    not_done = _not_done(groups)
    targets = pd_targets()
    records = []
    for param in PD_PARAMS:
        # baselines of every subject (drawn for all, so a lost sample does not shift the others)
        bases = dict(zip([s.usubjid for s in sorted(subs, key=lambda s: s.usubjid)],
                         _draw_baselines(rng, param, len(subs)), strict=True))
        values: dict[tuple[str, str], float] = {}
        latent = {s.usubjid: float(rng.standard_normal()) for s in sorted(subs, key=lambda s: s.usubjid)}
        for s in subs:
            pre = _timepoints(param, s.cohort)[0]
            if pre[0] == DAY_MINUS_1[0]:
                values[(s.usubjid, pre[0])] = float(round_half_up(bases[s.usubjid] * math.exp(
                    float(rng.normal(0, 0.07))), param.decimals))
        times = HOURS if param.schedule == "hours" else DAYS
        for group in GROUPS:
            for atpt, _, _ in times:
                target = targets.get((param.code, group, atpt), "absent")
                if target == "absent":
                    continue
                members = [s for s in groups[group] if atpt in {t[0] for t in _timepoints(param, s.cohort)}]
                if target is None:
                    assert all(_missing(not_done, s, param.code, atpt) for s in members), (param.code, group)
                    continue
                usable = [s for s in members if not _missing(not_done, s, param.code, atpt)
                          and not _missing(not_done, s, param.code, PREDOSE[param.schedule][0])]
                nr = [(param.code, group, s.k) in NON_RESPONDERS for s in usable]
                cell = _cell_values(rng, param, [bases[s.usubjid] for s in usable], target, nr, group == "PBO",
                                    [latent[s.usubjid] for s in usable])
                for s, v in zip(usable, cell, strict=True):
                    values[(s.usubjid, atpt)] = v
                # a subject without baseline still has post-dose values (not analysable as % of baseline)
                for s in members:
                    if s not in usable and not _missing(not_done, s, param.code, atpt):
                        values[(s.usubjid, atpt)] = float(round_half_up(
                            bases[s.usubjid] * target.mean / 100 * math.exp(float(rng.normal(0, 0.2))),
                            param.decimals))
        for s in sorted(subs, key=lambda s: s.usubjid):
            base_atpt = PREDOSE[param.schedule][0]
            has_base = not _missing(not_done, s, param.code, base_atpt)
            base = bases[s.usubjid] if has_base else np.nan
            for atpt, hours, day in _timepoints(param, s.cohort):
                missing = _missing(not_done, s, param.code, atpt)
                is_base = atpt == base_atpt
                aval = np.nan if missing else (base if is_base else values[(s.usubjid, atpt)])
                post = hours > 0
                chg = aval - base if post else np.nan
                reason = not_done.get((s.usubjid, param.code, atpt)) or not_done.get((s.usubjid, param.code, "*"), "")
                records.append({
                    "STUDYID": STUDYID, "USUBJID": s.usubjid, "TRTA": s.label, "PARAMCD": param.code,
                    "PARAM": param.name, "PARCAT1": param.category, "AVISIT": f"Day {day}",
                    "AVISITN": float(day), "ATPT": atpt, "ATPTN": hours, "ADT": _date(s, day), "ADY": float(day),
                    "AVAL": aval, "BASE": base, "ABLFL": "Y" if is_base and has_base else "",
                    "CHG": chg, "PCHG": 100 * chg / base if post and base == base and base != 0 else np.nan,
                    "ANL01FL": "Y" if hours >= 0 else "", "PDSTAT": "NOT DONE" if missing else "",
                    "PDREASND": reason if missing else "",
                })
    return records


def _missing(not_done: dict, s: _Subject, code: str, atpt: str) -> bool:
    return (s.usubjid, code, "*") in not_done or (s.usubjid, code, atpt) in not_done


# ---------------------------------------------------------------- PK

def _conc(t: float, dose_mg: float, cl: float, v: float, ka: float) -> float:
    """ng/mL at t hours after a single oral dose (one compartment, first-order absorption, lag)."""
    s = t - TLAG
    if s <= 0 or dose_mg <= 0:
        return 0.0
    k = cl / v
    return dose_mg * ka / (v * (ka - k)) * (math.exp(-k * s) - math.exp(-ka * s)) * 1000.0


def _pk_records(subs: list[_Subject], rng) -> tuple[list[dict], dict[str, float]]:
    """ADPC records and the true half-life (h) of every active subject."""
    import numpy as np

    records = []
    half_lives = {}
    for s in sorted(subs, key=lambda s: s.usubjid):
        z = rng.standard_normal(3)
        wt = s.demo["WEIGHTBL"]
        cl = CL_TV * (wt / 75.0) ** 0.75 * math.exp(OMEGA["cl"] * float(z[0]))
        v = V_TV * (wt / 75.0) * math.exp(OMEGA["v"] * (RHO_CL_V * float(z[0]) + math.sqrt(1 - RHO_CL_V**2)
                                                          * float(z[1])))
        ka = KA_TV * math.exp(OMEGA["ka"] * float(z[2]))
        if ka <= 1.5 * cl / v:  # keep absorption faster than elimination (no flip-flop)
            ka = 1.5 * cl / v
        if not s.placebo:
            half_lives[s.usubjid] = math.log(2) * v / cl
        clock = DOSE_HOUR + float(rng.uniform(-0.25, 0.25))
        day1 = dt.datetime.combine(s.trtsdt, dt.time())
        for nominal, label, (lo, hi) in PK_TIMES:
            rel = math.floor(float(rng.uniform(lo, hi)) * 60 + 0.5) / 60
            c = _conc(rel, s.dose, cl, v, ka) * math.exp(float(rng.normal(0, SIGMA_PROP)))
            c = round_sig(c, 3) if c > 0 else 0.0
            blq = c < LLOQ
            when = day1 + dt.timedelta(minutes=round((clock + rel) * 60))
            records.append({
                "STUDYID": STUDYID, "USUBJID": s.usubjid, "TRTA": s.label, "PARAMCD": PK_PARAMCD, "PARAM": PK_PARAM,
                "AVISIT": "Day 1", "AVISITN": 1.0, "ADY": float((when.date() - s.trtsdt).days + 1), "ADTM": when,
                "ATPT": label, "ATPTN": nominal, "NRRLT": nominal, "ARRLT": rel,
                "AVAL": np.nan if blq else c, "AVALC": "BLQ" if blq else _sig_text(c), "BLQFL": "Y" if blq else "N",
                "PCLLOQ": LLOQ, "DOSEA": s.dose, "DOSEU": "mg",
            })
    return records, half_lives


def _exposure(records: list[dict]) -> dict[str, tuple[float, float, float, float]]:
    """(dose, Cmax, AUClast, AUCinf) per active subject, computed here the way an NCA would: observed
    Cmax; linear-up / log-down trapezoids from (0, 0) to the last measurable concentration; lambda_z
    from the last 3 measurable concentrations."""
    by_subject: dict[str, list[dict]] = {}
    for r in records:
        if r["DOSEA"] > 0:
            by_subject.setdefault(r["USUBJID"], []).append(r)
    out = {}
    for u, recs in by_subject.items():
        pts = [(0.0, 0.0)] + [(r["ARRLT"], r["AVAL"]) for r in recs if r["ARRLT"] > 0 and r["AVAL"] == r["AVAL"]]
        auc = 0.0
        for (t0, c0), (t1, c1) in zip(pts, pts[1:], strict=False):
            if c1 < c0 and c1 > 0:
                auc += (c0 - c1) * (t1 - t0) / math.log(c0 / c1)
            else:
                auc += (c0 + c1) * (t1 - t0) / 2
        tail = pts[-3:]
        tm = sum(t for t, _ in tail) / 3
        lm = sum(math.log(c) for _, c in tail) / 3
        lam = -sum((t - tm) * (math.log(c) - lm) for t, c in tail) / sum((t - tm) ** 2 for t, _ in tail)
        out[u] = (recs[0]["DOSEA"], max(c for _, c in pts), auc, auc + pts[-1][1] / lam)
    return out


def power_model_within_smith(exposure: dict[str, tuple[float, ...]], index: int, margin: float = 0.0) -> bool:
    """Is the 90% CI of the power-model slope of exposure measure `index` (1 Cmax, 2 AUClast, 3 AUCinf)
    inside the acceptance range of Smith et al. (theta 0.8-1.25, r = highest / lowest dose), narrowed by
    `margin` on each side?"""
    from scipy import stats

    x = [math.log(v[0]) for v in exposure.values()]
    y = [math.log(v[index]) for v in exposure.values()]
    n = len(x)
    xm, ym = sum(x) / n, sum(y) / n
    sxx = sum((a - xm) ** 2 for a in x)
    b = sum((a - xm) * (c - ym) for a, c in zip(x, y, strict=True)) / sxx
    resid = [c - ym - b * (a - xm) for a, c in zip(x, y, strict=True)]
    se = math.sqrt(sum(e * e for e in resid) / (n - 2) / sxx)
    q = float(stats.t.ppf(0.95, n - 2))
    r = math.exp(max(x) - min(x))
    lo, hi = 1 + math.log(0.8) / math.log(r), 1 + math.log(1.25) / math.log(r)
    return lo + margin <= b - q * se and b + q * se <= hi - margin


def _dose_proportional_pk(subs: list[_Subject], seed: int) -> tuple[list[dict], dict[str, float]]:
    """PK records whose exposure (Cmax, AUClast, AUCinf) is dose proportional by the power model with
    the acceptance range of Smith et al. (with a margin for how NCA software may differ): the
    publication reports dose-proportional exposure, which a finite sample need not show."""
    import numpy as np

    for attempt in range(100):
        records, half_lives = _pk_records(subs, np.random.default_rng([seed, 3, attempt]))
        exposure = _exposure(records)
        if all(power_model_within_smith(exposure, k, margin=0.004) for k in (1, 2, 3)):
            return records, half_lives
    raise AssertionError("no dose-proportional PK sample found")


def _sig_text(c: float) -> str:
    digits = 2 - math.floor(math.log10(abs(c)))
    return f"{Decimal(repr(c)).quantize(Decimal(1).scaleb(-max(digits, 0)))}"


# ---------------------------------------------------------------- AEs

def _ae_records(subs: list[_Subject]) -> list[dict]:
    groups = _group_members(subs)
    rows = []
    lines = [ln.split() for ln in AE_DESIGN.strip().splitlines()]
    design = [(g, int(k), " ".join(rest[:-4]), int(rest[-4]), int(rest[-3]), rest[-2], rest[-1])
              for g, k, *rest in lines]
    for group, k, pt, day, dur, sev, rel in [*design, PRE_TREATMENT_AE]:
        s = groups[group][k]
        start = _date(s, day)
        end = start + dt.timedelta(days=dur - 1)
        end_day = day + dur - 1 if day > 0 else (day + dur if day + dur - 1 >= 0 else day + dur - 1)
        rows.append({
            "STUDYID": STUDYID, "USUBJID": s.usubjid, "AESEQ": 0.0, "AETERM": VERBATIM[pt], "AEDECOD": pt,
            "AEBODSYS": SOC[pt], "AESEV": sev, "AESER": "N", "AEREL": "RELATED" if rel == "Y" else "NOT RELATED",
            "AEACN": "NOT APPLICABLE", "AEOUT": "RECOVERED/RESOLVED", "ASTDT": start, "AENDT": end,
            "ASTDY": float(day), "AENDY": float(end_day), "TRTEMFL": "Y" if day >= 1 else "N", "TRTA": s.label,
            "SAFFL": "Y",
        })
    rows.sort(key=lambda r: (r["USUBJID"], r["ASTDT"], r["AEDECOD"]))
    return rows


# ---------------------------------------------------------------- frames, checks, files

def _frames(seed: int):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    subs = _subjects(rng)
    pd_rng = np.random.default_rng([seed, 2])
    rows = []
    for s in sorted(subs, key=lambda s: s.usubjid):
        label = s.label
        code = "PBO" if s.placebo else f"D{dose_text(s.dose).replace('.', 'P')}"
        rows.append({
            "STUDYID": STUDYID, "USUBJID": s.usubjid, "SUBJID": s.subjid, "SITEID": "001", "COHORT": s.cohort,
            "ARMCD": code, "ARM": label, "TRT01P": label, "TRT01PN": s.dose, "TRT01A": label, "TRT01AN": s.dose,
            "DOSE01A": s.dose, "RANDFL": "Y", "SAFFL": "Y", "PDFL": "Y", "PKFL": "N" if s.placebo else "Y",
            "RANDDT": s.demo["RANDDT"], "TRTSDT": s.trtsdt, "TRTEDT": s.trtsdt, "EOSDT": _end_of_study(s),
            "EOSSTT": "COMPLETED", "DCSREAS": "", "AGE": s.demo["AGE"], "AGEU": "YEARS", "SEX": s.demo["SEX"],
            "RACE": s.demo["RACE"], "ETHNIC": s.demo["ETHNIC"], "HEIGHTBL": s.demo["HEIGHTBL"],
            "WEIGHTBL": s.demo["WEIGHTBL"], "BMIBL": s.demo["BMIBL"],
        })
    adsl = pd.DataFrame(rows, columns=list(ADSL_LABELS))
    adae = pd.DataFrame(_ae_records(subs), columns=list(ADAE_LABELS))
    adae["AESEQ"] = (adae.groupby("USUBJID").cumcount() + 1).astype(float)
    adpd = pd.DataFrame(_pd_records(subs, pd_rng), columns=list(ADPD_LABELS))
    pc_rows, half_lives = _dose_proportional_pk(subs, seed)
    adpc = pd.DataFrame(pc_rows, columns=list(ADPC_LABELS))
    return {"adsl": adsl, "adae": adae, "adpd": adpd, "adpc": adpc}, half_lives


def _check(frames, half_lives: dict[str, float]) -> None:
    """Recompute every design fact from the frames; raise AssertionError on any difference."""
    adsl, adae, adpd, adpc = frames["adsl"], frames["adae"], frames["adpd"], frames["adpc"]
    assert len(adsl) == 56 and adsl.USUBJID.is_unique
    pbo = adsl.TRT01A.str.startswith("Placebo")
    assert pbo.sum() == 14 and (adsl[~pbo].groupby("TRT01A").size() == 6).all()
    assert (adsl.groupby("COHORT").size() == 8).all() and (adsl[pbo].groupby("COHORT").size() == 2).all()
    # safety facts
    te = adae[adae.TRTEMFL == "Y"]
    assert (te.AESER == "N").all() and (te.AESEV != "SEVERE").all()
    moderate = te[te.AESEV == "MODERATE"]
    assert len(moderate) == 1 and moderate.AEDECOD.iloc[0] == "Urticaria" and moderate.TRTA.iloc[0] == "Iberdomide 4 mg"
    assert (te.AEACN != "DRUG WITHDRAWN").all() and (adsl.EOSSTT == "COMPLETED").all()
    # PD cells
    targets = pd_targets()
    group_of = dict(zip(adsl.USUBJID, ["PBO" if p else dose_text(d) for p, d in zip(pbo, adsl.DOSE01A,
                                                                                     strict=True)], strict=True))
    post = adpd[adpd.ATPTN > 0].assign(GROUP=lambda d: d.USUBJID.map(group_of))
    for (code, group, atpt), target in targets.items():
        cell = post[(post.PARAMCD == code) & (post.GROUP == group) & (post.ATPT == atpt)]
        ok = cell[cell.AVAL.notna() & cell.BASE.notna()]
        if target is None:
            assert len(cell) and ok.empty, (code, group, atpt)
            continue
        pct = 100 * ok.AVAL / ok.BASE
        assert round_half_up(float(pct.mean()), 1) == round_half_up(target.mean, 1), (code, group, atpt, pct.mean())
        for diffs in (ok.AVAL - ok.BASE, pct - 100):
            assert (signed_rank_p(diffs) < 0.05) == target.significant, (code, group, atpt)
    assert (adpd.PCHG.isna() | ((100 + adpd.PCHG) - 100 * adpd.AVAL / adpd.BASE).abs().lt(1e-9)).all()
    # PK: dose-proportional, half-life 9-13 h on average per dose, placebo all BLQ
    doses = dict(zip(adsl.USUBJID, adsl.DOSE01A, strict=True))
    for dose in {d for d in doses.values() if d > 0}:
        hl = [h for u, h in half_lives.items() if doses[u] == dose]
        assert 9 <= sum(hl) / len(hl) <= 13, (dose, hl)
    assert adpc[adpc.DOSEA == 0].AVAL.isna().all()
    exposure = _exposure(adpc.to_dict("records"))
    assert all(power_model_within_smith(exposure, k) for k in (1, 2, 3))


def _check_names(frames) -> None:
    labels = _labels()
    for name, df in frames.items():
        for col in df.columns:
            assert len(col) <= 8 and col in labels[name] and len(labels[name][col]) <= 40, (name, col)


def _labels() -> dict[str, dict[str, str]]:
    return {"adsl": ADSL_LABELS, "adae": ADAE_LABELS, "adpd": ADPD_LABELS, "adpc": ADPC_LABELS}


def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Write adsl.xpt, adae.xpt, adpd.xpt and adpc.xpt (SAS transport v5) to out_dir; return name -> path."""
    import pyreadstat

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames, half_lives = _frames(seed)
    _check(frames, half_lives)
    _check_names(frames)
    labels = _labels()
    paths: dict[str, Path] = {}
    for name, df in frames.items():
        path = out_dir / f"{name}.xpt"
        fmts = {c: "DATE9." for c in df.columns if c in _DATE_VARS}
        fmts.update({c: "DATETIME20." for c in df.columns if c in _DATETIME_VARS})
        pyreadstat.write_xport(df, str(path), file_format_version=5, table_name=name.upper(),
                               file_label=f"{STUDYID} {name.upper()} (synthetic)",
                               column_labels={c: labels[name][c] for c in df.columns}, variable_format=fmts)
        paths[name] = path
    return paths


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) not in (1, 2) or argv[0].startswith("-"):
        print("usage: python -m tlf.examples.study_b OUT_DIR [SEED]", file=sys.stderr)
        return 2
    seed = int(argv[1]) if len(argv) == 2 else DEFAULT_SEED
    for name, path in generate(Path(argv[0]), seed).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
