"""Synthetic ADaM data for example study A (CC-220-SLE-001, iberdomide in SLE, NCT02185040).

There is no public patient-level data for this trial, so this module builds a deterministic synthetic
ADSL, ADAE and ADEX (and, in study_a_efficacy.py, ADEFF and ADPD) whose summaries reproduce the
publication's Table 1 (disposition and baseline characteristics) and Table 2 (TEAE overview and TEAEs in > 5% of patients) exactly, cell by cell, in
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
* Treatment durations, (last dose - first dose + 1) / 7 weeks per period, print the published mean (SD):
  after the date draws, study_a_durations moves whole days (no random draws) within windows around the
  drawn values (DE at most 84 days; ATEP within 10 days of the profile's weeks) until the lowest and
  highest DE arm and both ATEP arms print 9.5 (4.4), 11.8 (0.5), 75.6 (32.9) and 49.5 (37.4).
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

Where things are:

* study_a_design: the hand-written design (arms, regimens, cohorts, one row per subject, AE profiles);
* study_a_facts: the published Table 1 and Table 2 targets and efficacy text facts, and the check;
* study_a_adsl: subjects, ids and dates, and the ADSL frame; study_a_baselines: the baseline search;
* study_a_adae: adverse events and ADAE; study_a_adex: exposure and ADEX;
* study_a_efficacy (with study_a_bds, study_a_day85, study_a_adeff, study_a_adpd): ADEFF and ADPD;
* study_a_pk: concentrations (ADPC).

Usage: ``python -m tlf.examples.study_a OUT_DIR`` or ``generate(Path(OUT_DIR))``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from tlf.examples import study_a_pk
from tlf.examples.study_a_adae import ADAE_LABELS, adae_frame, adverse_events
from tlf.examples.study_a_adex import ADEX_LABELS, adex_frame, exposure_rows
from tlf.examples.study_a_adsl import ADSL_LABELS, adsl_frame, assign_ids_and_dates, design_subjects
from tlf.examples.study_a_baselines import baselines
from tlf.examples.study_a_design import DATA_CUTOFF, DEFAULT_SEED, STUDYID
from tlf.examples.study_a_efficacy import ADEFF_LABELS, ADPD_LABELS, check_efficacy, efficacy_frames
from tlf.examples.study_a_facts import check_tables
from tlf.examples.xpt import check_names, generator_main, write_xpt

# the created/modified date-time in every file's header: the data cut-off, midnight (tlf.examples.xpt)
FILE_STAMP = dt.datetime.combine(DATA_CUTOFF, dt.time())
_DATE_VARS = {"RANDDT", "TRTSDT", "TRTEDT", "TR01SDT", "TR01EDT", "TR02SDT", "TR02EDT", "ASTDT", "AENDT", "ADT"}


def _frames(seed: int):
    """ADSL, ADAE and ADEX from one random stream (the order of the steps is the order of the draws)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    subs = design_subjects()
    assign_ids_and_dates(subs, rng)
    baselines(subs, rng, seed)
    aes = adverse_events(subs, rng)
    ex_rows = exposure_rows(subs, aes, rng)
    adsl = adsl_frame(subs, rng)
    return {"adsl": adsl, "adae": adae_frame(aes), "adex": adex_frame(ex_rows)}


def generate(out_dir: Path, seed: int = DEFAULT_SEED, *, force: bool = False) -> dict[str, Path]:
    """Write adsl.xpt, adae.xpt, adex.xpt, the efficacy and PD datasets adeff.xpt and adpd.xpt
    (tlf.examples.study_a_efficacy) and the concentrations adpc.xpt (tlf.examples.study_a_pk) as SAS
    transport v5 to out_dir; return name -> path. Files already there with other contents stop the run
    (tlf.errors.OutputError) unless `force`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = _frames(seed)
    check_tables(frames)
    frames.update(efficacy_frames(frames["adsl"], seed))
    check_efficacy(frames, facts=seed == DEFAULT_SEED)
    frames["adpc"] = study_a_pk.adpc(frames["adsl"], frames["adex"], seed)
    labels = {"adsl": ADSL_LABELS, "adae": ADAE_LABELS, "adex": ADEX_LABELS, "adeff": ADEFF_LABELS,
              "adpd": ADPD_LABELS, "adpc": study_a_pk.ADPC_LABELS}
    check_names(frames, labels)
    return write_xpt(frames, labels, out_dir, STUDYID, date_vars=_DATE_VARS, datetime_vars=("ADTM",),
                     stamp=FILE_STAMP, force=force)


def main(argv: list[str] | None = None) -> int:
    return generator_main("tlf.examples.study_a", generate, DEFAULT_SEED, argv)


if __name__ == "__main__":
    sys.exit(main())
