"""Study A's day-85 changes: exact integer searches for the published statistics (CLASI change mean,
SD and mean % change per arm; hSS >= 4-point responders; ALT0603 hSS change) and plausible changes for
the other parameters and for the patients who left. `clasi_baselines` is used by study_a_baselines to
choose the dose-escalation CLASI baselines that admit the published CLASI changes."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from tlf.examples.study_a_bds import ARMS, Subj
from tlf.examples.study_a_facts import CLASI_D85, HSS_ALT0603_D85, HSS_RESPONDERS_D85

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


def clasi_d85(subs: list[Subj], rng) -> None:
    """Day-85 CLASI changes per arm: the published mean, SD and mean % change exactly (study_a_baselines chose
    the baselines with clasi_baselines so that the completers' baselines allow it; another seed's baselines
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


def hss_d85(subs: list[Subj], rng) -> None:
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


def other_d85(subs: list[Subj], rng) -> None:
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
