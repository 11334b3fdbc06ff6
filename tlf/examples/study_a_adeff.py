"""Study A's efficacy dataset (ADEFF): CLASI, hSS, PGA, TJC and SJC at the dose-escalation visits and
follow-up, and in the ATEP; values move from the baseline towards the day-85 change (study_a_day85),
and a few missed and unscheduled assessments make the data realistic."""

from __future__ import annotations

import datetime as dt

from tlf.examples.study_a_bds import BDS_LABELS, EFF_PARAMS, Subj, bds_row
from tlf.examples.study_a_design import DATA_CUTOFF

# AVISIT, AVISITN (= nominal study day in period 1), fraction of the day-85 change reached
DE_VISITS = (("Baseline", 1, 0.0), ("Day 15", 15, 0.35), ("Day 29", 29, 0.6), ("Day 57", 57, 0.85),
             ("Day 85", 85, 1.0), ("Follow-up Week 4", 113, 0.75), ("Follow-up Week 12", 169, 0.45))
ATEP_WEEKS = (0, 1, 4, 12, 24, 36, 48, 60, 72, 84, 96)

ADEFF_LABELS = dict(BDS_LABELS)


def _value(code: str, base: float, delta: float, rng, noise: bool) -> float:
    """A visit value near base + delta, on the instrument's scale."""
    spec = {p[0]: p for p in EFF_PARAMS}[code]
    dec, top = spec[3], spec[4]
    if noise:
        scale = {"CLASI": 0.06 * base + 0.6, "HSS": 1.0, "PGA": 0.12, "TJC": 0.8, "SJC": 0.6}[code]
        delta += float(rng.normal(0, scale))
    if code == "HSS":
        x = base + 2 * round(delta / 2)
    else:
        x = round(base + delta, dec)
    return float(min(max(x, 0.0), top))


def _de_dates(s: Subj, rng) -> dict[str, dt.date]:
    """Visit dates in period 1 of the visits the patient attended."""
    out = {"Baseline": s.tr01sdt}
    last = s.last_day1
    for visit, day, _ in DE_VISITS[1:5]:
        if visit == "Day 85":
            if s.completed1:
                out[visit] = s.tr01edt + dt.timedelta(days=1)
            continue
        ady = day + int(rng.integers(-2, 3))
        if ady <= last and (s.completed1 or ady <= last - 1):
            out[visit] = s.tr01sdt + dt.timedelta(days=ady - 1)
    if s.completed1:
        for visit, weeks in (("Follow-up Week 4", 4), ("Follow-up Week 12", 12)):
            d = s.tr01edt + dt.timedelta(days=7 * weeks + int(rng.integers(-3, 4)))
            if d <= DATA_CUTOFF and (s.tr02sdt is None or d < s.tr02sdt):
                out[visit] = d
    return out


def adeff_records(subs: list[Subj], rng) -> list[dict]:
    rows = []
    frac = {v: f for v, _, f in DE_VISITS}
    visitn = {v: n for v, n, _ in DE_VISITS}
    for s in subs:
        dates = _de_dates(s, rng)
        for code, name, paramn, dec, _top, _ in EFF_PARAMS:
            b = s.base1[code]
            for visit, adt in dates.items():
                if (code, visit) in s.missed:
                    continue
                if visit == "Baseline":
                    rows.append(bds_row(s, 1, code, name, paramn, visit, 1, adt, b, b, dec, ablfl="Y"))
                    continue
                exact = visit == "Day 85" and code in ("CLASI", "HSS")
                aval = b + s.d85[code] if exact else _value(code, b, frac[visit] * s.d85[code], rng, True)
                rows.append(bds_row(s, 1, code, name, paramn, visit, visitn[visit], adt, aval, b, dec))
        if s.atep:
            rows += _atep_rows(s, rng)
    return rows


def _atep_rows(s: Subj, rng) -> list[dict]:
    import numpy as np

    rows = []
    improve = {code: float(np.clip(rng.normal(0.4, 0.25), -0.2, 1.0)) for code, *_ in EFF_PARAMS}
    for w in ATEP_WEEKS:
        if w == 0:
            adt = s.tr02sdt
        elif w == ATEP_WEEKS[-1] and s.completed2:
            adt = s.tr02edt + dt.timedelta(days=1)
        else:
            adt = s.tr02sdt + dt.timedelta(days=7 * w + (int(rng.integers(-3, 4)) if w >= 4 else 0))
            if adt > s.tr02edt:
                break
        if adt > DATA_CUTOFF:
            break
        visit = "ATEP Baseline" if w == 0 else f"ATEP Week {w}"
        for code, name, paramn, dec, _top, _ in EFF_PARAMS:
            b = s.base2[code]
            if w == 0:
                rows.append(bds_row(s, 2, code, name, paramn, visit, 200, adt, b, b, dec, ablfl="Y"))
                continue
            delta = -b * improve[code] * min(1.0, w / 24)
            rows.append(bds_row(s, 2, code, name, paramn, visit, 200 + w, adt,
                                _value(code, b, delta, rng, True), b, dec))
    return rows


def irregular(rows: list[dict], rng) -> list[dict]:
    """A few missed assessments (never at day 85 or a baseline) and unscheduled ones (ANL01FL blank)."""
    cand = [i for i, r in enumerate(rows) if r["AVISIT"] in ("Day 15", "Day 29", "Day 57")
            and r["PARAMCD"] in ("PGA", "TJC", "SJC")]
    drop = {cand[int(k)] for k in rng.permutation(len(cand))[:4]}
    out = [r for i, r in enumerate(rows) if i not in drop]
    cand = [r for r in out if r["AVISIT"] == "Day 29" and r["PARAMCD"] in ("CLASI", "HSS")]
    for k in rng.permutation(len(cand))[:3]:
        r = dict(cand[int(k)])
        r.update({"AVISIT": "Unscheduled", "AVISITN": float("nan"), "ANL01FL": ""})
        r["ADT"] = r["ADT"] + dt.timedelta(days=6)
        r["ADY"] += 6
        out.append(r)
    return out
