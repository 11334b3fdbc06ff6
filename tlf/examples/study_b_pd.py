"""Study B pharmacodynamics (ADPD): the design of every cell (parameter, dose group, time point) and
the values that keep it. Called by `tlf.examples.study_b`; see its docstring for the whole study.

A cell has a target mean percent of baseline (100 x value / baseline), printed to 1 decimal, and a
target for the Wilcoxon signed-rank tests against baseline (p < 0.05 or not), for the percent of
baseline (against 100) and for the raw values (AVAL against BASE). Values are drawn as log-normal
ratios to baseline around the target (a subject's own level persists over time points), converted to
the data's precision, then moved one unit at a time until the exact mean is within 0.03 of the target
(so it rounds half up to it with a margin) while every subject stays on its side of baseline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tlf.examples.rounding import round_half_up
from tlf.examples.study_b_design import EXTENDED_COHORTS, GROUPS, STUDYID, group_members, study_date

if TYPE_CHECKING:
    from tlf.examples.study_b_design import Subject

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


def pd_records(subs: list[Subject], rng) -> list[dict]:
    import numpy as np

    groups = group_members(subs)
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
                    "AVISITN": float(day), "ATPT": atpt, "ATPTN": hours, "ADT": study_date(s, day), "ADY": float(day),
                    "AVAL": aval, "BASE": base, "ABLFL": "Y" if is_base and has_base else "",
                    "CHG": chg, "PCHG": 100 * chg / base if post and base == base and base != 0 else np.nan,
                    "ANL01FL": "Y" if hours >= 0 else "", "PDSTAT": "NOT DONE" if missing else "",
                    "PDREASND": reason if missing else "",
                })
    return records


def _missing(not_done: dict, s: Subject, code: str, atpt: str) -> bool:
    return (s.usubjid, code, "*") in not_done or (s.usubjid, code, atpt) in not_done
