"""Synthetic efficacy (ADEFF) and pharmacodynamic (ADPD) data for example study A (CC-220-SLE-001).

Built from the ADSL that `tlf.examples.study_a` made (called from its `generate`), with its own random
stream, so ADSL, ADAE and ADEX do not change. This module assembles and checks the two frames; the
parts are study_a_bds (the subjects as ADSL has them, one BDS record), study_a_day85 (the day-85
changes), study_a_adeff and study_a_adpd (the records), and study_a_facts (the published numbers).

ADEFF (BDS, one record per subject, parameter and visit): CLASI activity, hybrid SELENA-SLEDAI (hSS),
PGA, tender and swollen joint counts (TJC, SJC) at days 1 (baseline), 15, 29, 57, 85 and the follow-up
visits 4 and 12 weeks after the last dose (period 1), and in the extension (ATEP, period 2) at ATEP entry
(the ATEP baseline) and weeks 1, 4, 12, 24, ..., 96. Baselines are ADSL's (CLASP01, HSSP01, ... at
dose-escalation entry; CLASP02, ... at ATEP entry). A patient contributes only while in the study: a
patient who discontinued has no visit after the last dose of the period (TR01EDT / TR02EDT), and a
follow-up visit after the ATEP start is not done. A few unscheduled assessments (AVISIT "Unscheduled",
ANL01FL blank) and a few missed ones make the data realistic.

ADPD: the 8 flow-cytometry markers (cells/uL) at baseline, day 29, day 57 and the final visit (day 85
for completers, the day of the last dose for patients who discontinued) in the dose-escalation period.
Markers fall with dose: B cells and plasmacytoid DCs strongly, myeloid DCs less, CD4+ T cells not at
all; CD8+ T cells trend up at 0.6 mg QD. One patient left before any sample was taken (no ADPD record)
and one patient's samples could not be analysed (AVAL missing): the PD population (>= 1 non-missing
assessment) is 40 of 42.

Text facts of the publication held exactly (integer search on exact rational statistics, as for
Table 1 in study_a_baselines.py):
* CLASI change from baseline at day 85, mean (SD; mean % change) per arm; % change over patients with a
  baseline CLASI > 0 (percent change is missing when the baseline is 0);
* hSS reduction >= 4 points at day 85: 1/8 placebo, 22%-50% of each iberdomide arm (4/8, 3/8, 2/9, 3/9);
* ALT0603 mean (SD) hSS reduction at day 85: 2.9 (3.4).
`check_efficacy` recomputes them from the frames before anything is written.
"""

from __future__ import annotations

from tlf.examples.rounding import round_half_up
from tlf.examples.study_a_adeff import ADEFF_LABELS, adeff_records, irregular
from tlf.examples.study_a_adpd import ADPD_LABELS, adpd_records
from tlf.examples.study_a_bds import EFF_PARAMS, subjects_from_adsl
from tlf.examples.study_a_day85 import clasi_d85, hss_d85, other_d85
from tlf.examples.study_a_design import DATA_CUTOFF
from tlf.examples.study_a_facts import CLASI_D85, HSS_ALT0603_D85, HSS_RESPONDERS_D85


def _half_up(x: float) -> str:
    """x at one decimal, as the publication prints it."""
    return str(round_half_up(x, 1))


def efficacy_frames(adsl, seed: int) -> dict:
    """ADEFF and ADPD frames built from `adsl` (the generator's ADSL frame), each with its own random
    stream (ADPD's does not depend on how many extension visits ADEFF drew, i.e. on ATEP durations)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng([seed, 85])
    subs = subjects_from_adsl(adsl)
    clasi_d85(subs, rng)
    hss_d85(subs, rng)
    other_d85(subs, rng)
    eff = irregular(adeff_records(subs, rng), rng)
    adeff = pd.DataFrame(eff, columns=list(ADEFF_LABELS))
    adeff = adeff.sort_values(["USUBJID", "PARAMN", "APERIOD", "ADT", "AVISITN"], na_position="last",
                              kind="stable").reset_index(drop=True)
    adpd = pd.DataFrame(adpd_records(subs, np.random.default_rng([seed, 29])), columns=list(ADPD_LABELS))
    adpd = adpd.sort_values(["USUBJID", "PARAMN", "AVISITN"], kind="stable").reset_index(drop=True)
    return {"adeff": adeff, "adpd": adpd}


def check_efficacy(frames: dict, facts: bool = True) -> None:
    """Recompute the publication's efficacy text facts (`facts`: the default seed's data) and the data
    rules; raise AssertionError."""
    adsl, adeff, adpd = frames["adsl"], frames["adeff"], frames["adpd"]
    n_arm = adsl.groupby("ARMCD").size().to_dict()
    m = adeff.merge(adsl[["USUBJID", "ARMCD"]], on="USUBJID")
    d85 = m[(m.AVISIT == "Day 85") & (m.ANL01FL == "Y")]
    for arm, k in HSS_RESPONDERS_D85.items():
        x = d85[(d85.PARAMCD == "HSS") & (d85.ARMCD == arm)]
        assert int((x.CHG <= -4).sum()) == k, arm
        assert n_arm[arm] == (8 if arm in ("PBO", "QOD03", "QD03") else 9)
    if facts:
        for arm, (mean, sd, pct) in CLASI_D85.items():
            x = d85[(d85.PARAMCD == "CLASI") & (d85.ARMCD == arm)]
            got = (_half_up(x.CHG.mean()), _half_up(x.CHG.std()), _half_up(x.PCHG.mean()))
            assert got == (mean, sd, pct), (arm, got)
        x = d85[(d85.PARAMCD == "HSS") & (d85.ARMCD == "ALT0603")]
        assert (_half_up(x.CHG.mean()), _half_up(x.CHG.std())) == HSS_ALT0603_D85
    # One analysed record per subject, parameter and visit; baselines as in ADSL.
    for df in (adeff, adpd):
        anl = df[df.ANL01FL == "Y"]
        assert not anl.duplicated(["USUBJID", "PARAMCD", "APERIOD", "AVISIT"]).any()
    for code, *_rest, prefix in EFF_PARAMS:
        for period, pp in ((1, "01"), (2, "02")):
            bl = adeff[(adeff.PARAMCD == code) & (adeff.ABLFL == "Y") & (adeff.APERIOD == period)]
            want = adsl.set_index("USUBJID")[f"{prefix}{pp}"]
            assert (bl.set_index("USUBJID").AVAL == want.loc[bl.USUBJID]).all(), (code, pp)
            assert len(bl) == want.notna().sum(), (code, pp)
    # Nobody contributes after leaving: no record after the last dose of a discontinued period.
    last = adsl.set_index("USUBJID")
    for df in (adeff, adpd):
        for period, pp in ((1, "01"), (2, "02")):
            recs = df[df.APERIOD == period]
            st = last.loc[recs.USUBJID, f"EOP{pp}STT"].to_numpy()
            end = last.loc[recs.USUBJID, f"TR{pp}EDT"].to_numpy()
            late = [(a > e) for a, e, s in zip(recs.ADT, end, st, strict=True) if s == "DISCONTINUED"]
            assert not any(late), (period, "records after discontinuation")
    assert adeff.ADT.max() <= DATA_CUTOFF and adpd.ADT.max() <= DATA_CUTOFF
    assert adpd[adpd.AVAL.notna()].USUBJID.nunique() == len(adsl) - 2
