"""Study B pharmacokinetics (ADPC): plasma iberdomide after the single dose from a one-compartment oral
model (first-order absorption with a lag, weight-scaled CL/F and V/F with correlated between-subject
variability, proportional residual error), reported to 3 significant figures with BLQ below the LLOQ.
Called by `tlf.examples.study_b`; see its docstring for the whole study.

The publication reports dose-proportional exposure and a terminal half-life of 9-13 h: the model is
linear with t1/2 about 10.6 h, and `dose_proportional_pk` draws until the sample shows dose
proportionality by the power model with the acceptance range of Smith et al. (checked the way an NCA
computes Cmax and AUC, with a margin for how NCA software may differ).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from tlf.examples.pk_model import concentration
from tlf.examples.rounding import round_sig, sig_text
from tlf.examples.study_b_design import STUDYID

if TYPE_CHECKING:
    from tlf.examples.study_b_design import Subject

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


def _pk_records(subs: list[Subject], rng) -> tuple[list[dict], dict[str, float]]:
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
            c = concentration(rel, [(0.0, s.dose, 1.0)], cl, v, ka, TLAG)  # one dose at time 0
            c *= math.exp(float(rng.normal(0, SIGMA_PROP)))
            c = round_sig(c, 3) if c > 0 else 0.0
            blq = c < LLOQ
            when = day1 + dt.timedelta(minutes=round((clock + rel) * 60))
            records.append({
                "STUDYID": STUDYID, "USUBJID": s.usubjid, "TRTA": s.label, "PARAMCD": PK_PARAMCD, "PARAM": PK_PARAM,
                "AVISIT": "Day 1", "AVISITN": 1.0, "ADY": float((when.date() - s.trtsdt).days + 1), "ADTM": when,
                "ATPT": label, "ATPTN": nominal, "NRRLT": nominal, "ARRLT": rel,
                "AVAL": np.nan if blq else c, "AVALC": "BLQ" if blq else sig_text(c), "BLQFL": "Y" if blq else "N",
                "PCLLOQ": LLOQ, "DOSEA": s.dose, "DOSEU": "mg",
            })
    return records, half_lives


def exposure(records: list[dict]) -> dict[str, tuple[float, float, float, float]]:
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


def dose_proportional_pk(subs: list[Subject], seed: int) -> tuple[list[dict], dict[str, float]]:
    """PK records whose exposure (Cmax, AUClast, AUCinf) is dose proportional by the power model with
    the acceptance range of Smith et al. (with a margin for how NCA software may differ): the
    publication reports dose-proportional exposure, which a finite sample need not show."""
    import numpy as np

    for attempt in range(100):
        records, half_lives = _pk_records(subs, np.random.default_rng([seed, 3, attempt]))
        found = exposure(records)
        if all(power_model_within_smith(found, k, margin=0.004) for k in (1, 2, 3)):
            return records, half_lives
    raise AssertionError("no dose-proportional PK sample found")
