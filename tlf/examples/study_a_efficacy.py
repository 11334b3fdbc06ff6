"""Synthetic efficacy (ADEFF) and pharmacodynamic (ADPD) data for example study A (CC-220-SLE-001).

Built from the ADSL that `tlf.examples.study_a` made (called from its `generate`), with its own random
stream, so ADSL, ADAE and ADEX do not change.

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
Table 1 in study_a.py):
* CLASI change from baseline at day 85, mean (SD; mean % change) per arm; % change over patients with a
  baseline CLASI > 0 (percent change is missing when the baseline is 0);
* hSS reduction >= 4 points at day 85: 1/8 placebo, 22%-50% of each iberdomide arm (4/8, 3/8, 2/9, 3/9);
* ALT0603 mean (SD) hSS reduction at day 85: 2.9 (3.4).
`check_efficacy` recomputes them from the frames before anything is written.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

DATA_CUTOFF = dt.date(2018, 9, 30)
ARMS = ("PBO", "QOD03", "QD03", "ALT0603", "QD06")
ATEP_LABELS = ("Iberdomide 0.3 mg QD", "Iberdomide 0.6/0.3 mg ALTN")

# PARAMCD, PARAM, PARAMN, decimals, maximum, ADSL baseline prefix
EFF_PARAMS = (
    ("CLASI", "CLASI Activity Score", 1, 0, 70, "CLASP"),
    ("HSS", "Hybrid SELENA-SLEDAI Score", 2, 0, 105, "HSSP"),
    ("PGA", "Physician Global Assessment (0-3)", 3, 2, 3, "PGAP"),
    ("TJC", "Tender Joint Count (0-28)", 4, 0, 28, "TJCP"),
    ("SJC", "Swollen Joint Count (0-28)", 5, 0, 28, "SJCP"),
)
# AVISIT, AVISITN (= nominal study day in period 1), fraction of the day-85 change reached
DE_VISITS = (("Baseline", 1, 0.0), ("Day 15", 15, 0.35), ("Day 29", 29, 0.6), ("Day 57", 57, 0.85),
             ("Day 85", 85, 1.0), ("Follow-up Week 4", 113, 0.75), ("Follow-up Week 12", 169, 0.45))
ATEP_WEEKS = (0, 1, 4, 12, 24, 36, 48, 60, 72, 84, 96)

# Publication text facts (study file): day-85 CLASI change mean, SD, mean % change.
CLASI_D85 = {"PBO": ("0.4", "1.8", "9.5"), "QOD03": ("-7.8", "10.2", "-35.3"), "QD03": ("-5.0", "9.6", "-63.4"),
             "ALT0603": ("-4.3", "6.3", "-25.3"), "QD06": ("-6.0", "9.7", "-39.8")}
HSS_RESPONDERS_D85 = {"PBO": 1, "QOD03": 4, "QD03": 3, "ALT0603": 2, "QD06": 3}  # hSS CHG <= -4, of N
HSS_ALT0603_D85 = ("-2.9", "3.4")  # mean (SD) change: a reduction of 2.9 (3.4)

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
PD_VISITS = (("Baseline", 1), ("Day 29", 29), ("Day 57", 57), ("Final Visit", 99))

_BDS = {
    "STUDYID": "Study Identifier",
    "USUBJID": "Unique Subject Identifier",
    "APERIOD": "Period",
    "TRTA": "Actual Treatment",
    "PARAMCD": "Parameter Code",
    "PARAM": "Parameter",
    "PARAMN": "Parameter (N)",
    "AVISIT": "Analysis Visit",
    "AVISITN": "Analysis Visit (N)",
    "ADT": "Analysis Date",
    "ADY": "Analysis Relative Day",
    "AVAL": "Analysis Value",
    "BASE": "Baseline Value",
    "CHG": "Change from Baseline",
    "PCHG": "Percent Change from Baseline",
    "ABLFL": "Baseline Record Flag",
    "ANL01FL": "Analysis Flag 01",
}
ADEFF_LABELS = dict(_BDS)
ADPD_LABELS = dict(_BDS)
DATE_VARS = {"ADT"}


# ----------------------------------------------------------------------------------------------
# Exact rounding helpers
# ----------------------------------------------------------------------------------------------

def rounds_to(x: Fraction, text: str, margin: Fraction = Fraction(1, 10**7)) -> bool:
    """True when the exact value x rounds half away from zero to `text`, at least `margin` inside the
    interval (so that float computations of x round the same way)."""
    t = Fraction(Decimal(text))
    d = -Decimal(text).as_tuple().exponent
    h = Fraction(1, 2 * 10**d)
    return t - h + margin < x < t + h - margin


def half_up(x: float, decimals: int) -> str:
    return str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _sd(values: list[Fraction]) -> Fraction:
    """Sample variance (ddof=1) as an exact fraction (the SD is its square root)."""
    n = len(values)
    m = sum(values) / n
    return sum((v - m) ** 2 for v in values) / (n - 1)


def _sd_ok(var: Fraction, text: str, margin: Fraction = Fraction(1, 10**7)) -> bool:
    t = Fraction(Decimal(text))
    d = -Decimal(text).as_tuple().exponent
    h = Fraction(1, 2 * 10**d)
    lo, hi = t - h + margin, t + h - margin
    return lo * lo < var < hi * hi


# ----------------------------------------------------------------------------------------------
# Subjects
# ----------------------------------------------------------------------------------------------

@dataclass
class _Subj:
    usubjid: str
    arm: str
    label1: str
    trtsdt: dt.date
    tr01sdt: dt.date
    tr01edt: dt.date
    completed1: bool
    base1: dict[str, float]
    atep: int = 0  # 0 none, 1 ATEP 0.3 QD, 2 ATEP ALTN
    label2: str = ""
    tr02sdt: dt.date | None = None
    tr02edt: dt.date | None = None
    completed2: bool = False
    base2: dict[str, float] = field(default_factory=dict)
    d85: dict[str, float] = field(default_factory=dict)  # day-85 change per parameter (or would-be)
    missed: set[tuple[str, str]] = field(default_factory=set)  # (PARAMCD, AVISIT) not assessed

    @property
    def last_day1(self) -> int:
        return (self.tr01edt - self.tr01sdt).days + 1


def _date(v) -> dt.date | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    import pandas as pd

    return None if pd.isna(v) else pd.Timestamp(v).date()


def _subjects(adsl) -> list[_Subj]:
    out = []
    for r in adsl.sort_values("USUBJID").itertuples(index=False):
        r = r._asdict()
        s = _Subj(r["USUBJID"], r["ARMCD"], r["TRT01A"], _date(r["TRTSDT"]), _date(r["TR01SDT"]),
                  _date(r["TR01EDT"]), r["EOP01STT"] == "COMPLETED",
                  {p[0]: float(r[p[5] + "01"]) for p in EFF_PARAMS})
        if r["TRT02A"]:
            s.atep = ATEP_LABELS.index(r["TRT02A"]) + 1
            s.label2 = r["TRT02A"]
            s.tr02sdt, s.tr02edt = _date(r["TR02SDT"]), _date(r["TR02EDT"])
            s.completed2 = r["EOP02STT"] == "COMPLETED"
            s.base2 = {p[0]: float(r[p[5] + "02"]) for p in EFF_PARAMS}
        out.append(s)
    return out


# ----------------------------------------------------------------------------------------------
# Day-85 changes: exact integer search for the published statistics
# ----------------------------------------------------------------------------------------------

def _search(init: list[int], lo: list[int], hi: list[int], loss, ok, rng, step: int = 1,
            max_iter: int = 300_000) -> list[int] | None:
    """Move integers by +/- step (singly or in sum-keeping pairs) until ok(values); None if not found."""
    v = [min(max(x, a), b) for x, a, b in zip(init, lo, hi, strict=True)]
    cur = loss(v)
    n = len(v)
    for it in range(max_iter):
        if cur == 0 and ok(v):
            return v
        i = int(rng.integers(n))
        d = step if rng.random() < 0.5 else -step
        moves = {i: d}
        if rng.random() < 0.5:
            j = int(rng.integers(n))
            if j != i:
                moves[j] = -d
        if any(not lo[k] <= v[k] + dk <= hi[k] for k, dk in moves.items()):
            continue
        w = list(v)
        for k, dk in moves.items():
            w[k] += dk
        new = loss(w)
        if new <= cur or (it % 1000 > 950 and rng.random() < 0.1):
            v, cur = w, new
    return None


def _dist(x: float, target: str) -> float:
    t = float(target)
    h = 0.5 * 10.0 ** Decimal(target).as_tuple().exponent
    return max(0.0, abs(x - t) - 0.999 * h)


def _clasi_d85(subs: list[_Subj], rng) -> None:
    """Day-85 CLASI changes per arm: the published mean, SD and mean % change exactly (study_a chose the
    baselines with clasi_baselines so that the completers' baselines allow it; another seed's baselines
    may not: then the closest mean % change they allow)."""
    for arm in ARMS:
        done = [s for s in subs if s.arm == arm and s.completed1]
        sol = _clasi_arm([int(s.base1["CLASI"]) for s in done], CLASI_D85[arm], rng)
        for s, c in zip(done, sol, strict=True):
            s.d85["CLASI"] = float(c)


def _clasi_arm(b: list[int], targets: tuple[str, str, str], rng, wide: bool = False) -> list[int]:
    """Integer changes c (-b <= c <= max(4, b)) whose mean and SD round to the targets and whose mean %
    change over b > 0 rounds to its target: one drawn at random among all such vectors; when there is
    none, the vector with the mean % change closest to the target (ties: the first found).

    Exhaustive and exact: a meet-in-the-middle enumeration (_clasi_enum), candidates confirmed in
    rational arithmetic."""
    import numpy as np

    ca, cb, exact, best, _gap = _clasi_enum(b, targets, wide)
    n = len(b)
    pos = [i for i in range(n) if b[i] > 0]
    goal = float(targets[2])
    for pick in ([exact[int(i)] for i in rng.permutation(len(exact))] if exact else []) + [best]:
        if pick is None:
            break
        v = [int(x) for x in (*ca[pick[0]], *cb[pick[1]])]
        if _clasi_ok(v, b, pos, targets, pct=bool(exact)):
            return v
    if not wide:  # small baselines: let a few patients worsen more
        return _clasi_arm(b, targets, rng, wide=True)
    # No vector has the published mean and SD (baselines of another seed): plausible values instead.
    return [int(round(x * float(np.clip(goal + rng.normal(0, 25), -100, 60)) / 100)) for x in b]


def _clasi_enum(b: list[int], targets: tuple[str, str, str], wide: bool = False, first: bool = False):
    """All integer change vectors c (-b <= c <= max(4, b), or wider) whose mean and SD round to the
    targets, as a meet-in-the-middle enumeration: each half of the patients enumerated with numpy,
    halves joined on the sum. Returns (ca, cb, exact, best, best_gap): the halves, the index pairs (into
    ca, cb) whose mean % change over b > 0 also rounds to its target (float screen, confirm with
    _clasi_ok), the pair with the mean % change closest to the target and that distance (None and inf
    when no vector has the mean and SD). `first`: stop at the first sum with an exact pair."""
    import numpy as np

    mean_t, sd_t, pct_t = targets
    n = len(b)
    lo = np.array([-x for x in b])
    hi = np.array([min(70 - x, max(12, 2 * x) if wide else max(4, x)) for x in b])
    pos = [i for i in range(n) if b[i] > 0]
    w = np.array([100.0 / (b[i] * len(pos)) if b[i] > 0 else 0.0 for i in range(n)])
    goal = float(pct_t)
    h_pct = 0.5 * 10.0 ** Decimal(pct_t).as_tuple().exponent
    sd, h_sd = float(sd_t), 0.5 * 10.0 ** Decimal(sd_t).as_tuple().exponent
    tm, hm = Fraction(Decimal(mean_t)), Fraction(1, 2 * 10 ** -Decimal(mean_t).as_tuple().exponent)
    near = range(max(int(lo.sum()), math.floor(n * (tm - hm))), min(int(hi.sum()), math.ceil(n * (tm + hm))) + 1)
    sums = [t for t in near if rounds_to(Fraction(t, n), mean_t)]
    if not sums:
        return None, None, [], None, math.inf
    q_top = max(((sd + h_sd) ** 2 * n * (n - 1) + t * t) / n for t in sums)
    k = (n + 1) // 2

    def half(idx: range):
        grids = np.meshgrid(*[np.arange(lo[i], hi[i] + 1) for i in idx], indexing="ij")
        c = np.stack([g.ravel() for g in grids], axis=1)
        q = (c * c).sum(axis=1)
        c = c[q <= q_top]
        return c, c.sum(axis=1), (c * c).sum(axis=1), c @ w[list(idx)]

    ca, sa, qa, pa = half(range(k))
    cb, sb, qb, pb = half(range(k, n))
    order = np.argsort(sb, kind="stable")
    cb, sb, qb, pb = cb[order], sb[order], qb[order], pb[order]
    exact: list[tuple[int, int]] = []
    best, best_gap = None, math.inf
    for total in sums:
        q_lo = ((sd - h_sd) ** 2 * n * (n - 1) + total * total) / n
        q_hi = ((sd + h_sd) ** 2 * n * (n - 1) + total * total) / n
        for s in np.unique(sa):
            ia = np.nonzero(sa == s)[0]
            j0, j1 = np.searchsorted(sb, [total - s, total - s + 1])
            if j0 == j1:
                continue
            q = qa[ia][:, None] + qb[None, j0:j1]
            gap = np.abs(pa[ia][:, None] + pb[None, j0:j1] - goal)
            ok = (q > q_lo + 1e-9) & (q < q_hi - 1e-9)
            if not ok.any():
                continue
            ii, jj = np.nonzero(ok & (gap < h_pct - 1e-6))
            exact += [(int(ia[x]), int(j0 + y)) for x, y in zip(ii, jj, strict=True)]
            g = np.where(ok, gap, np.inf)
            x, y = np.unravel_index(int(np.argmin(g)), g.shape)
            if g[x, y] < best_gap:
                best, best_gap = (int(ia[x]), int(j0 + y)), float(g[x, y])
        if first and exact:
            break
    return ca, cb, exact, best, best_gap


def _clasi_hi(b: int) -> int:
    """Largest day-85 CLASI change _clasi_arm allows for baseline b (before widening)."""
    return min(70 - b, max(4, b))


def clasi_baselines(b: list[int], done: list[bool], col_ok, targets: tuple[str, str, str], rng,
                    max_evals: int = 3000) -> list[int] | None:
    """Baseline CLASI scores of one dose-escalation arm (all its patients), near `b`, that keep the arm's
    Table 1 column (col_ok(S, Q) on the sum and sum of squares; b must satisfy it) and whose completers
    (`done`) admit day-85 changes with the published mean, SD and mean % change (`targets`; % change
    over baselines > 0) within the bounds `_clasi_arm` searches; None when none is found. Baselines
    that already admit such changes are returned as they are.

    An integer local search that stays inside the Table 1 column: baselines move by +/- 1 singly or in
    sum-keeping pairs (one or two such moves at a time); a move is kept when the smallest distance of a mean % change to the target among
    the change vectors with the published mean and SD (exhaustive, _clasi_enum) does not grow. Zero
    baselines stay zero and no new ones appear, so the patients whose percent change is missing stay
    the same. The change vector is confirmed in rational arithmetic."""
    n = len(b)
    idx = [i for i in range(n) if done[i]]
    lb = [0 if x == 0 else 1 for x in b]
    ub = [0 if x == 0 else 70 for x in b]
    if len(idx) < 2 or not any(b[i] for i in idx) or not col_ok(sum(b), sum(x * x for x in b)):
        return None

    seen: dict[tuple[int, ...], float] = {}

    def gap(bv: list[int]) -> float:
        bd = sorted(bv[i] for i in idx)  # the answer does not depend on the order
        key = tuple(bd)
        if key not in seen:
            pos = [k for k in range(len(bd)) if bd[k] > 0]
            ca, cb, exact, _best, g = _clasi_enum(bd, targets, first=True)
            seen[key] = max(g, 0.0)
            for x, y in exact:
                if _clasi_ok([int(v) for v in (*ca[x], *cb[y])], bd, pos, targets, pct=True):
                    seen[key] = -1.0
                    break
        return seen[key]

    bv = list(b)
    cur = gap(bv)
    evals = 1
    while cur >= 0 and evals < max_evals:
        nb = list(bv)
        for _ in range(1 + int(rng.random() < 0.3)):  # one move or two
            i, j = (int(x) for x in rng.integers(n, size=2))
            d = 1 if rng.random() < 0.5 else -1
            nb[i] += d
            if rng.random() < 0.8:
                nb[j] -= d
        if any(not lo <= x <= hi for x, lo, hi in zip(nb, lb, ub, strict=True)) or \
                not col_ok(sum(nb), sum(x * x for x in nb)):
            continue
        new = gap(nb)
        evals += 1
        if new <= cur or rng.random() < 0.05:
            bv, cur = nb, new
    return bv if cur < 0 else None


def _clasi_ok(v: list[int], b: list[int], pos: list[int], targets: tuple[str, str, str], pct: bool) -> bool:
    mean_t, sd_t, pct_t = targets
    fv = [Fraction(a) for a in v]
    if not (rounds_to(sum(fv) / len(v), mean_t) and _sd_ok(_sd(fv), sd_t)):
        return False
    return not pct or rounds_to(sum(Fraction(100 * v[i], b[i]) for i in pos) / len(pos), pct_t)


def _hss_d85(subs: list[_Subj], rng) -> None:
    """Even changes; exactly the published number of >= 4-point reductions per arm; ALT0603 exact."""
    for arm in ARMS:
        done = [s for s in subs if s.arm == arm and s.completed1]
        b = [int(s.base1["HSS"]) for s in done]
        n = len(b)
        k = HSS_RESPONDERS_D85[arm]
        eligible = [i for i in range(n) if b[i] >= 4]
        order = [eligible[int(j)] for j in rng.permutation(len(eligible))]
        resp = set(order[:k])
        lo = [-(x - x % 2) if i in resp else -2 for i, x in enumerate(b)]
        hi = [-4 if i in resp else (2 if arm == "PBO" else 0) for i in range(n)]
        lo = [min(a, h) for a, h in zip(lo, hi, strict=True)]
        init = []
        for i, x in enumerate(b):
            if i in resp:
                init.append(-4 - 2 * int(rng.integers(0, max(1, (x - 4) // 2 + 1))))
            else:
                init.append(int(rng.choice([-2, 0, 0, 2])) if arm == "PBO" else int(rng.choice([-2, -2, 0])))
        init = [min(max(a, lw), h) for a, lw, h in zip(init, lo, hi, strict=True)]
        if arm == "ALT0603":  # exact mean and SD, with the responders free to be any patients
            mean_t, sd_t = HSS_ALT0603_D85
            lo = [-(x - x % 2) for x in b]
            hi = [0] * n

            def loss(v, mean_t=mean_t, sd_t=sd_t, k=k, n=n):
                m = sum(v) / n
                sd = math.sqrt(sum((a - m) ** 2 for a in v) / (n - 1))
                return _dist(m, mean_t) + _dist(sd, sd_t) + abs(sum(a <= -4 for a in v) - k)

            def ok(v, mean_t=mean_t, sd_t=sd_t, k=k, n=n):
                fv = [Fraction(a) for a in v]
                return (rounds_to(sum(fv) / n, mean_t) and _sd_ok(_sd(fv), sd_t)
                        and sum(a <= -4 for a in v) == k)

            init = _search(init, lo, hi, loss, ok, rng, step=2) or init  # none: another seed's baselines
        for s, c in zip(done, init, strict=True):
            s.d85["HSS"] = float(c)


def _other_d85(subs: list[_Subj], rng) -> None:
    """Day-85 changes (or would-be changes for patients who left) for the other parameters."""
    import numpy as np

    effect = {"PBO": 0.1, "QOD03": 0.35, "QD03": 0.4, "ALT0603": 0.4, "QD06": 0.45}  # fraction improved
    for s in subs:
        e = effect[s.arm]
        b = s.base1
        if "CLASI" not in s.d85:
            s.d85["CLASI"] = float(round(-b["CLASI"] * float(np.clip(e + rng.normal(0, 0.25), -0.3, 1))))
        if "HSS" not in s.d85:
            s.d85["HSS"] = float(-2 * int(rng.integers(0, 2)))
        pga = -b["PGA"] * float(np.clip(e + rng.normal(0, 0.25), -0.5, 1))
        s.d85["PGA"] = round(float(np.clip(pga, -b["PGA"], 3 - b["PGA"])), 2)
        tjc = round(-b["TJC"] * float(np.clip(e + 0.1 + rng.normal(0, 0.3), -0.5, 1)))
        s.d85["TJC"] = float(min(max(tjc, -b["TJC"]), 28 - b["TJC"]))
        sjc = round(-b["SJC"] * float(np.clip(e + 0.1 + rng.normal(0, 0.3), -0.5, 1)))
        s.d85["SJC"] = float(min(max(sjc, -b["SJC"]), 28 - b["SJC"]))


# ----------------------------------------------------------------------------------------------
# Records
# ----------------------------------------------------------------------------------------------

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


def _bds_row(s: _Subj, period: int, code: str, name: str, paramn: int, visit: str, visitn: int, adt: dt.date,
             aval: float, base: float, dec: int, ablfl: str = "", anl: str = "Y") -> dict:
    nan = float("nan")
    if aval != aval or base != base:
        chg = pchg = nan
    else:
        chg = round(aval - base, dec)
        pchg = 100.0 * chg / base if base != 0 else nan
    return {"STUDYID": "CC-220-SLE-001", "USUBJID": s.usubjid, "APERIOD": float(period),
            "TRTA": s.label1 if period == 1 else s.label2, "PARAMCD": code, "PARAM": name,
            "PARAMN": float(paramn), "AVISIT": visit, "AVISITN": float(visitn), "ADT": adt,
            "ADY": float((adt - s.trtsdt).days + 1), "AVAL": aval, "BASE": base,
            "CHG": nan if ablfl else chg, "PCHG": nan if ablfl else pchg, "ABLFL": ablfl, "ANL01FL": anl}


def _de_dates(s: _Subj, rng) -> dict[str, dt.date]:
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


def _adeff(subs: list[_Subj], rng) -> list[dict]:
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
                    rows.append(_bds_row(s, 1, code, name, paramn, visit, 1, adt, b, b, dec, ablfl="Y"))
                    continue
                exact = visit == "Day 85" and code in ("CLASI", "HSS")
                aval = b + s.d85[code] if exact else _value(code, b, frac[visit] * s.d85[code], rng, True)
                rows.append(_bds_row(s, 1, code, name, paramn, visit, visitn[visit], adt, aval, b, dec))
        if s.atep:
            rows += _atep_rows(s, rng)
    return rows


def _atep_rows(s: _Subj, rng) -> list[dict]:
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
                rows.append(_bds_row(s, 2, code, name, paramn, visit, 200, adt, b, b, dec, ablfl="Y"))
                continue
            delta = -b * improve[code] * min(1.0, w / 24)
            rows.append(_bds_row(s, 2, code, name, paramn, visit, 200 + w, adt,
                                 _value(code, b, delta, rng, True), b, dec))
    return rows


def _irregular(rows: list[dict], rng) -> list[dict]:
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


def _adpd(subs: list[_Subj], rng) -> list[dict]:
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
                rows.append(_bds_row(s, 1, code, name, paramn, visit, vn, adt, aval, bv, 1,
                                     ablfl="Y" if visit == "Baseline" else ""))
    return rows


# ----------------------------------------------------------------------------------------------
# Frames and checks
# ----------------------------------------------------------------------------------------------

def efficacy_frames(adsl, seed: int) -> dict:
    """ADEFF and ADPD frames built from `adsl` (the generator's ADSL frame) with its own random stream."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng([seed, 85])
    subs = _subjects(adsl)
    _clasi_d85(subs, rng)
    _hss_d85(subs, rng)
    _other_d85(subs, rng)
    eff = _irregular(_adeff(subs, rng), rng)
    adeff = pd.DataFrame(eff, columns=list(ADEFF_LABELS))
    adeff = adeff.sort_values(["USUBJID", "PARAMN", "APERIOD", "ADT", "AVISITN"], na_position="last",
                              kind="stable").reset_index(drop=True)
    adpd = pd.DataFrame(_adpd(subs, rng), columns=list(ADPD_LABELS))
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
            got = (half_up(x.CHG.mean(), 1), half_up(x.CHG.std(), 1), half_up(x.PCHG.mean(), 1))
            assert got == (mean, sd, pct), (arm, got)
        x = d85[(d85.PARAMCD == "HSS") & (d85.ARMCD == "ALT0603")]
        assert (half_up(x.CHG.mean(), 1), half_up(x.CHG.std(), 1)) == HSS_ALT0603_D85
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
