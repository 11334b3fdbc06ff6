"""Synthetic plasma concentrations (ADPC) for example study A (CC-220-SLE-001, iberdomide).

Called by `tlf.examples.study_a.generate()` with the ADSL and ADEX frames it built; uses its own
random stream (seeded from the study seed), so ADSL, ADAE and ADEX do not change.

Schedule (cc220-sle-001.md): sparse pre-dose samples on days 15, 29, 57 and 85 for every patient
(placebo patients too: their samples are all BLQ), and intensive profiles on days 1 and 29 (pre-dose,
1, 2, 3, 4, 6-8 and 24 h after the dose) for 4 patients per active arm. A patient is sampled only on
days they took a dose, up to their last dose: discontinued patients stop, and a patient who stopped
before day 15 has no sample at all (and so is not in the PK population). Sparse visits have windows
(+/- 2 days, the day-85 sample is taken on the last dosing day from day 78 on); intensive days are exact.
The intensive subset is chosen at random among the patients of each active arm who took every
scheduled dose up to day 30 at their starting dose.

Concentrations come from a one-compartment model with first-order absorption and a lag time,
superposing every dose of the patient's ADEX history (QD: every day; QOD: days 1, 3, 5, ...;
ALTN: 0.6 mg on days 1, 3, ... and 0.3 mg on days 2, 4, ...; interruptions and dose reductions as
ADEX records them), taken each morning at about 08:00:

* typical values for a 75 kg patient: CL/F 4.5 L/h, V/F 65 L (t1/2 10 h), ka 1.4 /h, lag 0.25 h;
  CL/F scales with (weight/75)^0.75 and V/F with weight/75 (ADSL WTBLP01);
* between-subject variability (log-normal): CL/F 25%, V/F 15% (correlation 0.7 with CL/F), ka 40%;
* residual error: proportional, 8% (log-normal); values reported to 3 significant figures;
* LLOQ 0.05 ng/mL: a lower value is reported as BLQ (AVAL missing, AVALC "BLQ", BLQFL "Y").

The publication reports about 1.6-fold accumulation of AUC and Cmax at steady state in the
non-alternating arms, which a linear one-compartment model with an 8-12 h half-life cannot give
(superposition alone gives about 1.25 for QD and 1.05 for QOD dosing). The generator therefore raises
the relative bioavailability of every dose after the first by a regimen factor, `_F_SS`, chosen so
that the expected accumulation ratio is 1.6 for the typical patient (QD, QOD; ALTN takes the QD
factor). This leaves the half-life, Tmax and dose proportionality untouched.

Times: NRRLT (nominal) and ARRLT (actual) are hours relative to the dose of the day (pre-dose samples
have ARRLT < 0 and NRRLT 0); AFRLT is hours from the first dose. The 24-h sample of an intensive day
belongs to that day's profile (AVISIT "Day 1" / "Day 29") although it is drawn the next morning,
before that day's dose. DOSEA is the dose (mg) taken at the profile's dose time.
"""

from __future__ import annotations

import datetime as dt
import math

from tlf.examples.pk_model import concentration
from tlf.examples.rounding import round_sig, sig_text

PARAMCD = "IBER"
PARAM = "Iberdomide (ng/mL)"
LLOQ = 0.05  # ng/mL
SPARSE_DAYS = (15, 29, 57, 85)
INTENSIVE_DAYS = (1, 29)
INTENSIVE_PER_ARM = 4
# nominal hours after the dose, label, actual-time window (hours)
INTENSIVE_TIMES: tuple[tuple[float, str, tuple[float, float]], ...] = (
    (0.0, "Pre-dose", (-0.75, -0.1)),
    (1.0, "1 h", (1.0, 1.2)),
    (2.0, "2 h", (2.0, 2.25)),
    (3.0, "3 h", (3.0, 3.25)),
    (4.0, "4 h", (4.0, 4.3)),
    (6.0, "6-8 h", (6.0, 8.0)),
    (24.0, "24 h", (23.5, 24.5)),
)
DOSE_HOUR = 8.0  # dosing clock time (h); jittered +/- 0.25 h

# Typical values (75 kg), variability (log-normal SD) and the regimen bioavailability factors.
CL_TV, V_TV, KA_TV, TLAG = 4.5, 65.0, 1.4, 0.25
OMEGA = {"cl": 0.25, "v": 0.15, "ka": 0.40}
RHO_CL_V = 0.7  # correlation of the CL/F and V/F effects (keeps the half-life less variable)
SIGMA_PROP = 0.08


def _accumulation(tau: float) -> float:
    """Expected AUC0-tau(steady state) / AUC0-tau(day 1) of the typical patient without `_F_SS`."""
    k = CL_TV / V_TV
    return 1.0 / (1.0 - math.exp(-k * tau))


_F_SS = {"QD": 1.6 / _accumulation(24.0), "QOD": 1.6 / _accumulation(48.0), "ALTN": 1.6 / _accumulation(24.0)}

ADPC_LABELS: dict[str, str] = {
    "STUDYID": "Study Identifier",
    "USUBJID": "Unique Subject Identifier",
    "TRTA": "Actual Treatment",
    "TRTAN": "Actual Treatment (N)",
    "APERIOD": "Period",
    "PARAMCD": "Parameter Code",
    "PARAM": "Parameter",
    "AVISIT": "Analysis Visit",
    "AVISITN": "Analysis Visit (N)",
    "ADY": "Analysis Relative Day",
    "ADTM": "Analysis Date/Time",
    "ATPT": "Analysis Timepoint",
    "ATPTN": "Analysis Timepoint (N)",
    "NRRLT": "Nominal Rel Time from Ref Dose (h)",
    "ARRLT": "Actual Rel Time from Ref Dose (h)",
    "AFRLT": "Actual Rel Time from First Dose (h)",
    "AVAL": "Analysis Value (ng/mL)",
    "AVALC": "Analysis Value (C)",
    "BLQFL": "Below Lower Limit of Quant Flag",
    "PCLLOQ": "Lower Limit of Quantitation (ng/mL)",
    "DOSEA": "Actual Dose of Reference Dose (mg)",
    "DOSEU": "Dose Units",
    "PKINTFL": "Intensive PK Subset Flag",
}


def _doses(ex_rows, start: dt.date) -> list[tuple[int, float, str]]:
    """(study day, dose in mg, frequency) of every dose a patient took in period 1 (ADEX records).
    Placebo doses are there too, with 0 mg."""
    out = []
    for r in ex_rows:
        d0 = (r["ASTDT"] - start).days + 1
        d1 = (r["AENDT"] - start).days + 1
        dose, freq = float(r["EXDOSE"]), r["EXDOSFRQ"]
        for day in range(d0, d1 + 1):
            if freq == "QOD" and (day - 1) % 2:
                continue
            mg = dose if freq != "ALTN" or (day - 1) % 2 == 0 else dose / 2.0
            out.append((day, mg, freq))
    return out


def _minute(t: float) -> float:
    """Hours rounded to the whole minute (clock times are recorded to the minute)."""
    return math.floor(t * 60.0 + 0.5) / 60.0


def _intensive_subset(subjects, history, rng) -> set[str]:
    """4 patients per active arm among those who took every scheduled dose through day 30 at their
    starting dose."""
    chosen: set[str] = set()
    for arm in ("QOD03", "QD03", "ALT0603", "QD06"):
        ok = []
        for s in subjects[subjects.ARMCD == arm].itertuples(index=False):
            doses = history[s.USUBJID]
            days = {d: mg for d, mg, _ in doses}
            first, freq = doses[0][1], doses[0][2]
            want = [d for d in range(1, 31) if freq != "QOD" or d % 2]
            if all(d in days for d in want) and all(days[d] in (first, first / 2) for d in want):
                ok.append(s.USUBJID)
        assert len(ok) >= INTENSIVE_PER_ARM, arm
        chosen |= {ok[int(k)] for k in rng.permutation(len(ok))[:INTENSIVE_PER_ARM]}
    return chosen


def _schedule(usubjid: str, doses, intensive: set[str], rng) -> list[tuple[int, int, float, str, float]]:
    """(visit, study day, nominal h, time-point label, actual h relative to the day's dose) of every sample."""
    dose_days = sorted({d for d, _, _ in doses})
    last = dose_days[-1] if dose_days else 0
    out = []
    for visit in SPARSE_DAYS:
        if usubjid in intensive and visit in INTENSIVE_DAYS:
            continue
        lo, hi = (visit - 2, visit + 2) if visit != 85 else (78, 88)
        cands = [d for d in dose_days if lo <= d <= min(hi, last)]
        if not cands:
            continue  # stopped before the visit (or not dosed in its window)
        day = cands[-1] if visit == 85 else (visit if visit in cands else cands[int(rng.integers(len(cands)))])
        out.append((visit, day, 0.0, "Pre-dose", -float(rng.uniform(0.1, 0.75))))
    if usubjid in intensive:
        for visit in INTENSIVE_DAYS:
            for nominal, label, (lo, hi) in INTENSIVE_TIMES:
                out.append((visit, visit, nominal, label, float(rng.uniform(lo, hi))))
    return sorted(out, key=lambda r: (r[1], r[2]))


def adpc(adsl, adex, seed: int):
    """The ADPC frame of study A (see the module docstring) from its ADSL and ADEX frames."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng([seed, 4])  # own stream: ADSL/ADAE/ADEX are unaffected
    ex1 = adex[adex.APERIOD == 1]
    subjects = adsl.sort_values("USUBJID")
    history = {s.USUBJID: _doses(ex1[ex1.USUBJID == s.USUBJID].sort_values("ASTDT").to_dict("records"), s.TR01SDT)
               for s in subjects.itertuples(index=False)}
    intensive = _intensive_subset(subjects, history, rng)

    records = []
    for s in subjects.itertuples(index=False):
        z = rng.standard_normal(3)
        eta = {"cl": OMEGA["cl"] * z[0],
               "v": OMEGA["v"] * (RHO_CL_V * z[0] + math.sqrt(1.0 - RHO_CL_V**2) * z[1]),
               "ka": OMEGA["ka"] * z[2]}
        wt = float(s.WTBLP01)
        cl = CL_TV * (wt / 75.0) ** 0.75 * math.exp(eta["cl"])
        v = V_TV * (wt / 75.0) * math.exp(eta["v"])
        ka = KA_TV * math.exp(eta["ka"])
        doses = history[s.USUBJID]
        dose_mg = {d: mg for d, mg, _ in doses}
        # dose times: hours from midnight of day 1, to the minute; relative bioavailability after day 1
        clock = {d: _minute((d - 1) * 24.0 + DOSE_HOUR + float(rng.uniform(-0.25, 0.25))) for d in dose_mg}
        schedule = _schedule(s.USUBJID, doses, intensive, rng)
        for _, day, nominal, _, rel in schedule:  # the 24-h sample is drawn before the next dose
            if nominal == 24.0 and day + 1 in clock:
                clock[day + 1] = max(clock[day + 1], _minute(clock[day] + rel) + 5 / 60)
        fss = _F_SS[doses[0][2]]
        timeline = [(clock[d], mg, 1.0 if d == 1 else fss) for d, mg, _ in doses]
        first_dose = clock[doses[0][0]]
        day1 = dt.datetime.combine(s.TR01SDT, dt.time())
        for visit, day, nominal, label, rel in schedule:
            t = _minute(clock[day] + rel)
            c = concentration(t, timeline, cl, v, ka, TLAG) * math.exp(rng.normal(0.0, SIGMA_PROP))
            c = round_sig(c, 3) if c > 0 else 0.0
            blq = c < LLOQ
            when = day1 + dt.timedelta(minutes=round(t * 60.0))
            records.append({
                "STUDYID": s.STUDYID, "USUBJID": s.USUBJID, "TRTA": s.TRT01A, "TRTAN": float(s.TRT01AN),
                "APERIOD": 1.0, "PARAMCD": PARAMCD, "PARAM": PARAM, "AVISIT": f"Day {visit}",
                "AVISITN": float(visit), "ADY": float((when.date() - s.TR01SDT).days + 1), "ADTM": when,
                "ATPT": label, "ATPTN": nominal, "NRRLT": nominal, "ARRLT": t - clock[day],
                "AFRLT": t - first_dose, "AVAL": np.nan if blq else c, "AVALC": "BLQ" if blq else sig_text(c),
                "BLQFL": "Y" if blq else "N", "PCLLOQ": LLOQ, "DOSEA": dose_mg[day], "DOSEU": "mg",
                "PKINTFL": "Y" if s.USUBJID in intensive else "N",
            })
    frame = pd.DataFrame(records, columns=list(ADPC_LABELS))
    return frame.sort_values(["USUBJID", "AFRLT"], kind="stable").reset_index(drop=True)
