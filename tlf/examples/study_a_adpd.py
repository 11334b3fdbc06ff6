"""Study A's pharmacodynamic dataset (ADPD): 8 flow-cytometry markers at baseline, days 29 and 57 and
the final visit of the dose-escalation period, falling with dose (see study_a_efficacy's docstring)."""

from __future__ import annotations

import datetime as dt
import math

from tlf.examples.study_a_bds import ARMS, BDS_LABELS, Subj, bds_row

# Flow-cytometry markers: PARAMCD, PARAM, PARAMN, baseline median (cells/uL), baseline log-SD,
# within-arm log-SD of the change, fraction change at the final visit per arm (PBO, QOD03, QD03, ALT0603, QD06).
PD_MARKERS = (
    ("BCD20", "CD20+ B cells (cells/uL)", 1, 180.0, 0.45, 0.22, (0.0, -0.30, -0.45, -0.50, -0.62)),
    ("BIMM", "Immature B cells (cells/uL)", 2, 12.0, 0.5, 0.25, (0.0, -0.35, -0.55, -0.60, -0.75)),
    ("BSWM", "Switched memory B cells (cells/uL)", 3, 25.0, 0.5, 0.22, (0.0, -0.15, -0.30, -0.35, -0.45)),
    ("BBAFFR", "BAFFR+ (CD268+) B cells (cells/uL)", 4, 150.0, 0.45, 0.22, (0.0, -0.25, -0.40, -0.45, -0.55)),
    ("MDC", "Myeloid dendritic cells (cells/uL)", 5, 14.0, 0.35, 0.20, (0.0, -0.10, -0.20, -0.22, -0.30)),
    ("PDC", "Plasmacytoid dendritic cells (cells/uL)", 6, 6.0, 0.5, 0.25, (0.0, -0.35, -0.50, -0.55, -0.70)),
    ("CD4T", "CD4+ T cells (cells/uL)", 7, 650.0, 0.35, 0.12, (0.0, 0.0, 0.0, 0.0, 0.0)),
    ("CD8T", "CD8+ T cells (cells/uL)", 8, 380.0, 0.35, 0.25, (0.0, 0.0, 0.03, 0.05, 0.15)),
)

ADPD_LABELS = dict(BDS_LABELS)


def adpd_records(subs: list[Subj], rng) -> list[dict]:
    import numpy as np

    ibe = [s for s in subs if s.arm != "PBO" and s.completed1]
    # The patient who left first has no sample; one completer's samples could not be analysed.
    no_sample = min((s for s in subs if not s.completed1), key=lambda s: (s.last_day1, s.usubjid))
    unevaluable = min((s for s in subs if s.arm == "QOD03" and s.completed1), key=lambda s: s.usubjid)
    clasi = np.array([s.d85["CLASI"] for s in ibe])
    z_clasi = {s.usubjid: float(z) for s, z in zip(ibe, (clasi - clasi.mean()) / clasi.std(), strict=True)}
    rows = []
    visits: dict[str, list[tuple[str, int, dt.date, float]]] = {}
    for s in subs:
        if s is no_sample:
            continue
        vs = [("Baseline", 1, s.tr01sdt, 0.0)]
        for visit, day in (("Day 29", 29), ("Day 57", 57)):
            if day <= s.last_day1 - 3:
                vs.append((visit, day, s.tr01sdt + dt.timedelta(days=day - 1 + int(rng.integers(-2, 3))),
                           (day / 85) ** 0.4))
        final = s.tr01edt + dt.timedelta(days=1) if s.completed1 else s.tr01edt
        vs.append(("Final Visit", 99, final, min(1.0, ((final - s.tr01sdt).days + 1) / 85) ** 0.4))
        visits[s.usubjid] = vs
    for code, name, paramn, median, sd_base, sd_chg, effects in PD_MARKERS:
        link = {"PDC": 0.85, "BCD20": 0.5}.get(code, 0.0)
        base = {s.usubjid: max(0.5, round(median * math.exp(rng.normal(0, sd_base)), 1)) for s in subs}
        noise: dict[tuple[str, str], float] = {}
        for arm_i, arm in enumerate(ARMS):
            members = [s for s in subs if s.arm == arm and s.usubjid in visits]
            for visit in ("Day 29", "Day 57", "Final Visit"):
                who = [s for s in members if any(v[0] == visit for v in visits[s.usubjid])]
                if len(who) < 2:
                    continue
                e = rng.standard_normal(len(who))
                if visit == "Final Visit" and link:
                    z = np.array([z_clasi.get(s.usubjid, 0.0) for s in who])
                    e = link * z + math.sqrt(1 - link * link) * e
                # centred within the arm (the arm's mean log change is the design's), plus a small
                # arm-level wobble so that arms with no effect do not print identical means
                e = e - e.mean() + rng.normal(0, 0.15)
                for s, x in zip(who, e, strict=True):
                    noise[(s.usubjid, visit)] = float(x) * sd_chg
            del arm_i
        for s in subs:
            if s.usubjid not in visits:
                continue
            arm_effect = math.log1p(effects[ARMS.index(s.arm)])
            b = base[s.usubjid]
            for visit, vn, adt, f in visits[s.usubjid]:
                if s is unevaluable:
                    aval = float("nan")
                elif visit == "Baseline":
                    aval = b
                else:
                    aval = max(0.1, round(b * math.exp(f * arm_effect + noise.get((s.usubjid, visit), 0.0)), 1))
                bv = float("nan") if s is unevaluable else b
                rows.append(bds_row(s, 1, code, name, paramn, visit, vn, adt, aval, bv, 1,
                                    ablfl="Y" if visit == "Baseline" else ""))
    return rows
