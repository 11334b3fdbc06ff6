"""Study A's baseline characteristics (ADSL AGEPpp, WTBLPpp, DURPpp, CLASPpp, TJCPpp, SJCPpp, HSSPpp,
PGAPpp): an exact integer local search that makes every Table 1 column round to the published mean and
SD, with the ATEP-entry values tied to the dose-escalation ones where the study's dates require it.
See study_a's docstring for the method."""

from __future__ import annotations

import math
from fractions import Fraction

from tlf.examples.study_a_adsl import Subject
from tlf.examples.study_a_day85 import clasi_baselines
from tlf.examples.study_a_design import DEFAULT_SEED, HSS2_SUBJECT
from tlf.examples.study_a_facts import CLASI_D85, T1_CONT, T1_SWOLLEN, T1_TENDER


class _Col:
    """One table column of one characteristic: the sums that round to the printed mean and SD."""

    def __init__(self, members: list[int], mean: str, sd: str, dp: int, data_dp: int):
        n = len(members)
        self.members = members
        self.n = n
        scale = Fraction(10) ** data_dp
        half = Fraction(1, 2) / Fraction(10) ** dp
        m, s = Fraction(mean), Fraction(sd)
        lo_sum, hi_sum = n * (m - half) * scale, n * (m + half) * scale
        self.smin = math.ceil(lo_sum)
        # A mean exactly on the boundary is exact in floating point only for integer data and n = 8.
        self.tie_sum = int(lo_sum) if lo_sum.denominator == 1 else None
        if self.tie_sum is not None and (data_dp > 0 or n & (n - 1)):
            self.smin += 1
            self.tie_sum = None
        self.smax = math.ceil(hi_sum) - 1
        k = n * (n - 1)
        # D = n*Q - S^2 must lie strictly between k*lo^2 and k*hi^2 (no SD exactly on a boundary).
        dlo, dhi = k * ((s - half) * scale) ** 2, k * ((s + half) * scale) ** 2
        self.mult = math.lcm(dlo.denominator, dhi.denominator)
        self.dlom, self.dhim = int(dlo * self.mult), int(dhi * self.mult)
        self.lo, self.hi = float((s - half) * scale), float((s + half) * scale)
        if self.smin > self.smax:
            raise ValueError(f"no sum of {n} values rounds to mean {mean}")

    def ok(self, S: int, Q: int) -> bool:
        Dm = self.mult * (self.n * Q - S * S)
        return self.smin <= S <= self.smax and self.dlom < Dm < self.dhim

    def loss(self, S: int, Q: int) -> float:
        n = self.n
        h = 0.0
        if S < self.smin:
            h += (self.smin - S) / n
        elif S > self.smax:
            h += (S - self.smax) / n
        D = n * Q - S * S
        if not (self.dlom < self.mult * D < self.dhim):
            sd = math.sqrt(max(D, 0) / (n * (n - 1)))
            h += max(self.lo - sd, sd - self.hi, 0.0) + 1e-3
        if S == self.tie_sum:
            h += 1e-6  # prefer a mean off the rounding boundary when there is one
        return h


def _solve(values: list[int], lb: list[int], ub: list[int], cols: list[_Col],
           couplings: list[tuple[int, int, int, int]], rng, odd_penalty: float = 0.0,
           max_iter: int = 400_000) -> list[int]:
    """Move integer values by +/-1 until every column's mean and SD round to the target.

    couplings: (de_var, atep_var, lo, hi) meaning lo <= v[atep_var] - v[de_var] <= hi.
    odd_penalty: soft preference for even values (hSS item weights are mostly even).
    """
    v = [min(max(x, a), b) for x, a, b in zip(values, lb, ub, strict=True)]
    col_of = [-1] * len(v)
    for ci, c in enumerate(cols):
        for k in c.members:
            col_of[k] = ci
    coup_of: dict[int, tuple[int, int, int, int]] = {}
    for cp in couplings:
        coup_of[cp[0]] = cp
        coup_of[cp[1]] = cp
        de, at, lo, hi = cp
        d = v[at] - v[de]
        if d < lo:
            v[at] = min(v[de] + lo, ub[at])
        elif d > hi:
            v[at] = max(v[de] + hi, lb[at])
    S = [sum(v[k] for k in c.members) for c in cols]
    Q = [sum(v[k] * v[k] for k in c.members) for c in cols]
    closs = [c.loss(S[i], Q[i]) for i, c in enumerate(cols)]

    def soft(x: int) -> float:
        return odd_penalty if x & 1 else 0.0

    for it in range(max_iter):
        bad = [i for i, c in enumerate(cols) if not c.ok(S[i], Q[i])]
        if not bad:
            if odd_penalty:
                _even_out(v, lb, ub, cols)
            return v
        ci = bad[int(rng.integers(len(bad)))] if rng.random() < 0.85 else int(rng.integers(len(cols)))
        mem = cols[ci].members
        step = 1 if odd_penalty == 0.0 or rng.random() < 0.3 else 2
        d = step if rng.random() < 0.5 else -step
        i = mem[int(rng.integers(len(mem)))]
        moves = {i: d}
        r = rng.random()
        if r < 0.6:
            j = mem[int(rng.integers(len(mem)))]
            if j != i:
                # A pair keeps the sum; a swap (r < 0.15) keeps the column and moves coupled partners.
                moves = {i: v[j] - v[i], j: v[i] - v[j]} if r < 0.15 else {i: d, j: -d}
                if not moves[i]:
                    continue
        # Keep couplings: a value whose partner would leave the allowed difference drags it along.
        for k in list(moves):
            cp = coup_of.get(k)
            if cp is None:
                continue
            de, at, lo, hi = cp
            other = at if k == de else de
            if other in moves:
                continue
            nd = (v[at] + moves.get(at, 0)) - (v[de] + moves.get(de, 0))
            if not lo <= nd <= hi:
                moves[other] = moves[k]
        if any(not lb[k] <= v[k] + dk <= ub[k] for k, dk in moves.items()):
            continue
        if any(not cp[2] <= (v[cp[1]] + moves.get(cp[1], 0)) - (v[cp[0]] + moves.get(cp[0], 0)) <= cp[3]
               for cp in {coup_of[k] for k in moves if k in coup_of}):
            continue
        touched = sorted({col_of[k] for k in moves})
        newS = {c: S[c] + sum(dk for k, dk in moves.items() if col_of[k] == c) for c in touched}
        newQ = {c: Q[c] + sum((v[k] + dk) ** 2 - v[k] ** 2 for k, dk in moves.items() if col_of[k] == c)
                for c in touched}
        newL = {c: cols[c].loss(newS[c], newQ[c]) for c in touched}
        delta = sum(newL[c] - closs[c] for c in touched)
        delta += sum(soft(v[k] + dk) - soft(v[k]) for k, dk in moves.items())
        if delta <= 0 or (it % 2000 > 1900 and rng.random() < 0.05):
            for k, dk in moves.items():
                v[k] += dk
            for c in touched:
                S[c], Q[c], closs[c] = newS[c], newQ[c], newL[c]
    raise RuntimeError("baseline characteristics: no exact solution found")


def _even_out(v: list[int], lb: list[int], ub: list[int], cols: list[_Col]) -> None:
    """Turn pairs of odd values in a column into even ones (+1/-1) while the column stays exact."""
    changed = True
    while changed:
        changed = False
        for c in cols:
            odd = [k for k in c.members if v[k] & 1]
            for a in range(len(odd)):
                for b in range(a + 1, len(odd)):
                    i, j = odd[a], odd[b]
                    if not (v[i] & 1 and v[j] & 1):
                        continue
                    for di in (1, -1):
                        if not (lb[i] <= v[i] + di <= ub[i] and lb[j] <= v[j] - di <= ub[j]):
                            continue
                        S = sum(v[k] for k in c.members)
                        Q = sum(v[k] ** 2 for k in c.members) + (v[i] + di) ** 2 - v[i] ** 2 \
                            + (v[j] - di) ** 2 - v[j] ** 2
                        if c.ok(S, Q):
                            v[i] += di
                            v[j] -= di
                            changed = True
                            break


def _standardised(rng, n: int, mean: float, sd: float, shape: str, lb: float | None = None) -> list[float]:
    """n plausible values with exactly the given sample mean and SD (ddof=1), as floats.

    "skewed" draws from a gamma whose natural minimum is lb. Up to 50 draws are tried for one that
    stays above lb (fewer values get clipped to the bound); the least clipped one is used.
    """
    import numpy as np

    best, best_min = None, -math.inf
    floor = 0.0 if lb is None else lb
    for _ in range(50):
        if shape == "skewed":
            k = max(0.3, min(4.0, ((mean - floor) / sd) ** 2))
            z = rng.gamma(k, size=n)
        else:
            z = rng.standard_normal(n)
        z = (z - z.mean()) / z.std(ddof=1)
        x = mean + sd * z
        if lb is None or x.min() >= lb:
            return list(np.asarray(x, dtype=float))
        if x.min() > best_min:
            best, best_min = x, x.min()
    return list(np.asarray(best, dtype=float))


def _clasi_for_day85(subs: list[Subject], de_cols: list[list[int]], clas: list[int], seed: int) -> None:
    """Adjust the dose-escalation CLASI baselines (in place, per arm) so that the arm's completers admit
    day-85 changes with the published mean, SD and mean % change (study_a_facts.CLASI_D85) while the
    Table 1 column still rounds to its mean and SD. Own random stream: nothing else in ADSL, ADAE or
    ADEX changes. An arm whose baselines already allow it, or for which nothing is found (another seed),
    keeps its values."""
    import numpy as np

    rng = np.random.default_rng([seed, 1, 85])
    dp, targets = T1_CONT["CLAS"]
    for c, mem in enumerate(de_cols):
        col = _Col(list(range(len(mem))), *targets[c], dp, 0)
        arm = subs[mem[0]].arm
        new = clasi_baselines([clas[i] for i in mem], [subs[i].status1 == "C" for i in mem], col.ok,
                              CLASI_D85[arm], rng)
        if new is not None:
            for i, x in zip(mem, new, strict=True):
                clas[i] = x


def baselines(subs: list[Subject], rng, seed: int = DEFAULT_SEED) -> None:
    """Fill s.base with AGEPpp, WTBLPpp, DURPpp, CLASPpp, TJCPpp, SJCPpp, HSSPpp, PGAPpp."""
    n_de = len(subs)
    atep_subs = [s for s in subs if s.atep]
    atep_var = {id(s): n_de + i for i, s in enumerate(atep_subs)}
    nv = n_de + len(atep_subs)
    de_cols = [[i for i, s in enumerate(subs) if s.de_col == c] for c in range(5)]
    at_cols = [[atep_var[id(s)] for s in atep_subs if s.atep == a] for a in (1, 2)]
    members = de_cols + at_cols
    years = {id(s): (s.tr02sdt - s.tr01sdt).days / 365.25 for s in atep_subs}

    def solve(name: str, data_dp: int, shape: str, lb_de, ub_de, lb_at, ub_at, coupling=None,
              odd_penalty=0.0) -> list[int]:
        dp, targets = T1_CONT[name]
        unit = 10 ** data_dp
        cols = [_Col(members[c], m, sd, dp, data_dp) for c, (m, sd) in enumerate(targets)]
        lb = [lb_de(s) for s in subs] + [lb_at(s) for s in atep_subs]
        ub = [ub_de(s) for s in subs] + [ub_at(s) for s in atep_subs]
        init = [0.0] * nv
        couplings = []
        for a in (0, 1):
            m, sd = (float(x) for x in targets[5 + a])
            low = min(lb[k] for k in at_cols[a]) / unit
            for k, x in zip(at_cols[a], _standardised(rng, len(at_cols[a]), m, sd, shape, low), strict=True):
                init[k] = x
        for c in range(5):
            m, sd = (float(x) for x in targets[c])
            low = min(lb[i] for i in de_cols[c]) / unit
            for i, x in zip(de_cols[c], _standardised(rng, len(de_cols[c]), m, sd, shape, low), strict=True):
                init[i] = x
        if coupling is not None:
            # Coupled ATEP values start from the DE value; swaps inside the DE arms then pick which
            # DE values the ATEP entrants carry, without changing the DE column.
            for s in atep_subs:
                i, k = subs.index(s), atep_var[id(s)]
                lo, hi = coupling(s)
                couplings.append((i, k, lo, hi))
                init[k] = init[i] + (lo + (hi - lo) * rng.random()) / unit
        ivals = [int(math.floor(x * unit + 0.5)) for x in init]
        if odd_penalty:
            ivals = [2 * int(math.floor(x / 2 + 0.5)) for x in ivals]
        out = _solve(ivals, lb, ub, cols, couplings, rng, odd_penalty=odd_penalty)
        for c in cols:  # belt and braces: exact re-check
            S = sum(out[k] for k in c.members)
            assert c.ok(S, sum(out[k] ** 2 for k in c.members)), name
        return out

    def atep_of(i: int) -> int:
        return atep_var[id(subs[i])]

    def put(name: str, vals: list[int], data_dp: int) -> None:
        for i, s in enumerate(subs):
            x = vals[i] if data_dp == 0 else vals[i] / 10 ** data_dp
            s.base[f"{name}P01"] = float(x)
            s.base[f"{name}P02"] = float(vals[atep_var[id(s)]] / 10 ** data_dp) if s.atep else None

    # Age (years): AGEP02 - AGEP01 is floor(T) or floor(T) + 1.
    age = solve("AGE", 0, "normal", lambda s: 19, lambda s: 74, lambda s: 19, lambda s: 76,
                coupling=lambda s: (math.floor(years[id(s)]), math.floor(years[id(s)]) + 1))
    put("AGE", age, 0)
    # Weight (kg, 0.1): within 8 kg of the DE value at ATEP entry.
    wt = solve("WTBL", 1, "normal", lambda s: 450, lambda s: 1600, lambda s: 450, lambda s: 1600,
               coupling=lambda s: (-80, 80))
    put("WTBL", wt, 1)
    # SLE duration (years, 0.1): diagnosed at >= 12 years of age; DURP02 - DURP01 within 0.1 y of T.
    age_of = {id(s): (age[i], age[atep_of(i)] if s.atep else None) for i, s in enumerate(subs)}
    dur = solve("DUR", 1, "skewed", lambda s: 5, lambda s: (age_of[id(s)][0] - 12) * 10,
                lambda s: 5, lambda s: (age_of[id(s)][1] - 12) * 10,
                coupling=lambda s: (round(years[id(s)] * 10) - 1, round(years[id(s)] * 10) + 1))
    put("DUR", dur, 1)
    # CLASI activity (0-70), free at ATEP entry.
    clas = solve("CLAS", 0, "skewed", lambda s: 0, lambda s: 70, lambda s: 0, lambda s: 70)
    _clasi_for_day85(subs, de_cols, clas, seed)
    put("CLAS", clas, 0)
    # hSS: >= 4 at DE entry except one patient with 2; mostly even scores.
    hss2 = {(s.arm, s.profile) == HSS2_SUBJECT for s in subs}
    assert hss2 == {True, False}
    hss = solve("HSS", 0, "normal",
                lambda s: 2 if (s.arm, s.profile) == HSS2_SUBJECT else 4,
                lambda s: 2 if (s.arm, s.profile) == HSS2_SUBJECT else 24,
                lambda s: 2, lambda s: 24, odd_penalty=0.01)
    put("HSS", hss, 0)
    # PGA (0-3, 0.01).
    pga = solve("PGA", 2, "normal", lambda s: 25, lambda s: 300, lambda s: 0, lambda s: 300)
    put("PGA", pga, 2)
    # Joint counts (0-28): exact numbers with >= 1; swollen joints are tender joints too.
    for c, mem in enumerate(members):
        idx = list(mem)
        order = [idx[int(k)] for k in rng.permutation(len(idx))]
        tender = set(order[:T1_TENDER[c]])
        swollen = set(order[:T1_SWOLLEN[c]])
        for k in idx:
            tj = min(28, 1 + int(rng.poisson(5))) if k in tender else 0
            sj = min(tj, 1 + int(rng.poisson(2))) if k in swollen else 0
            s = subs[k] if k < n_de else atep_subs[k - n_de]
            pp = "01" if k < n_de else "02"
            s.base[f"TJCP{pp}"] = float(tj)
            s.base[f"SJCP{pp}"] = float(sj)
    for s in subs:
        if not s.atep:
            s.base["TJCP02"] = s.base["SJCP02"] = None
