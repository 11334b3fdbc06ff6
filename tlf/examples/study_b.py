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

How the published facts are kept (tlf/examples/study_b_pd.py, `PD_TARGETS`): every cell (parameter,
dose group, time point) has a target mean percent of baseline, printed to 1 decimal, and a target for the Wilcoxon
signed-rank test against baseline (p < 0.05 or not), for both the percent of baseline (against 100)
and the raw values (AVAL against BASE). Published cells carry the published mean; the others carry
plausible values. With 6 subjects the exact two-sided p is below 0.05 only when all 6 move the same
way (p = 2/64), so a cell that must not be significant either has one subject on the other side of
baseline or fewer than 6 analysable values; the design says which (non-responders in the 1 and 6 mg
Aiolos cohorts, single missed samples: `NOT_DONE`). Values are drawn from log-normal ratios and
moved one unit of the data's precision at a time until the exact mean rounds (half up) to the target
with a margin; no two subjects of a cell share an absolute difference, so R's exact wilcox.test
applies. `generate` recomputes every cell before writing and raises if one is off.

The PK model and its dose-proportionality check are in tlf/examples/study_b_pk.py.

Usage: ``python -m tlf.examples.study_b OUT_DIR`` or ``generate(Path(OUT_DIR))``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from tlf.examples.rounding import round_half_up
from tlf.examples.study_b_design import (
    EXTENDED_COHORTS,
    FIRST_DOSE,
    STUDYID,
    Subject,
    dose_text,
    group_members,
    study_date,
)
from tlf.examples.xpt import check_names, generator_main, write_xpt

DEFAULT_SEED = 20130122
COHORT_GAP = 21
# The data cut-off: after the last date in the data (an AE of cohort G ending 2013-06-07); `_check`
# asserts that none is later. The created/modified date-time of every file's header is this, midnight.
DATA_CUTOFF = dt.date(2013, 6, 30)
FILE_STAMP = dt.datetime.combine(DATA_CUTOFF, dt.time())

# cohort, dose (mg); 6 active + 2 placebo per cohort
COHORTS: tuple[tuple[str, float], ...] = (
    ("A", 0.03), ("B", 0.1), ("C", 0.3), ("D", 1.0), ("E", 2.0), ("F", 4.0), ("G", 6.0))


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


# ---------------------------------------------------------------- subjects


def _subjects(rng) -> list[Subject]:
    subs = []
    for ci, (cohort, dose) in enumerate(COHORTS):
        placebo_slots = set(int(i) for i in rng.permutation(8)[:2])
        start = FIRST_DOSE + dt.timedelta(days=COHORT_GAP * ci)
        for j in range(8):
            pbo = j in placebo_slots
            subjid = f"{ci + 1}{j + 1:03d}"
            subs.append(Subject(f"{STUDYID}-{subjid}", subjid, cohort, 0.0 if pbo else dose, pbo,
                                "PBO" if pbo else dose_text(dose), trtsdt=start))
    by_group: dict[str, list[Subject]] = {}
    for s in sorted(subs, key=lambda s: s.usubjid):
        by_group.setdefault(s.group, []).append(s)
    for members in by_group.values():
        for k, s in enumerate(members):
            s.k = k
    _demographics(subs, rng)
    return subs


_RACES = (("WHITE", 0.55), ("BLACK OR AFRICAN AMERICAN", 0.37), ("ASIAN", 0.05),
          ("AMERICAN INDIAN OR ALASKA NATIVE", 0.03))


def _demographics(subs: list[Subject], rng) -> None:
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


def _end_of_study(s: Subject) -> dt.date:
    return s.trtsdt + dt.timedelta(days=8 if s.cohort in EXTENDED_COHORTS else 4)


# ---------------------------------------------------------------- AEs

def _ae_records(subs: list[Subject]) -> list[dict]:
    groups = group_members(subs)
    rows = []
    lines = [ln.split() for ln in AE_DESIGN.strip().splitlines()]
    design = [(g, int(k), " ".join(rest[:-4]), int(rest[-4]), int(rest[-3]), rest[-2], rest[-1])
              for g, k, *rest in lines]
    for group, k, pt, day, dur, sev, rel in [*design, PRE_TREATMENT_AE]:
        s = groups[group][k]
        start = study_date(s, day)
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

    from tlf.examples.study_b_pd import pd_records
    from tlf.examples.study_b_pk import dose_proportional_pk

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
    adpd = pd.DataFrame(pd_records(subs, pd_rng), columns=list(ADPD_LABELS))
    pc_rows, half_lives = dose_proportional_pk(subs, seed)
    adpc = pd.DataFrame(pc_rows, columns=list(ADPC_LABELS))
    return {"adsl": adsl, "adae": adae, "adpd": adpd, "adpc": adpc}, half_lives


def _check(frames, half_lives: dict[str, float]) -> None:
    """Recompute every design fact from the frames; raise AssertionError on any difference."""
    import pandas as pd

    from tlf.examples.study_b_pd import pd_targets, signed_rank_p
    from tlf.examples.study_b_pk import exposure, power_model_within_smith

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
    day_after_cutoff = dt.datetime.combine(DATA_CUTOFF + dt.timedelta(days=1), dt.time())
    for name, frame in frames.items():  # nothing after the data cut-off
        for col in sorted((_DATE_VARS | _DATETIME_VARS) & set(frame.columns)):
            assert pd.to_datetime(frame[col]).max() < day_after_cutoff, (name, col)
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
    found = exposure(adpc.to_dict("records"))
    assert all(power_model_within_smith(found, k) for k in (1, 2, 3))


def _labels() -> dict[str, dict[str, str]]:
    return {"adsl": ADSL_LABELS, "adae": ADAE_LABELS, "adpd": ADPD_LABELS, "adpc": ADPC_LABELS}


def generate(out_dir: Path, seed: int = DEFAULT_SEED, *, force: bool = False) -> dict[str, Path]:
    """Write adsl.xpt, adae.xpt, adpd.xpt and adpc.xpt (SAS transport v5) to out_dir; return name -> path.
    Files already there with other contents stop the run (tlf.errors.OutputError) unless `force`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames, half_lives = _frames(seed)
    _check(frames, half_lives)
    labels = _labels()
    check_names(frames, labels)
    return write_xpt(frames, labels, out_dir, STUDYID, date_vars=_DATE_VARS, datetime_vars=_DATETIME_VARS,
                     stamp=FILE_STAMP, force=force)


def main(argv: list[str] | None = None) -> int:
    return generator_main("tlf.examples.study_b", generate, DEFAULT_SEED, argv)


if __name__ == "__main__":
    sys.exit(main())
