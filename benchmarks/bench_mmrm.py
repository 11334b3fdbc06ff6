"""Fit time of an MMRM of 1,000 subjects x 6 visits (seeded simulation: 3 arms, a 4-level site factor,
baseline and baseline x visit, unstructured covariance with 21 parameters, REML, Kenward-Roger), against a
floor measured in the same run: numpy's least squares of the same design (what any fit of it costs at least).

    python benchmarks/bench_mmrm.py [--repeat 3] [--covariance us]

Prints figures; never asserts. Goal: the MMRM fit under 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd


def simulate(n: int = 1000, t: int = 6, seed: int = 2026) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lag = np.abs(np.subtract.outer(np.arange(t), np.arange(t)))
    sd = np.linspace(3.0, 5.0, t)
    chol = np.linalg.cholesky(np.outer(sd, sd) * 0.6 ** lag)
    rows = []
    for i in range(n):
        arm = ("pbo", "low", "high")[i % 3]
        site = f"S{rng.integers(4)}"
        base = rng.normal(20, 5)
        e = chol @ rng.normal(size=t)
        last = t if rng.random() > 0.3 else int(rng.integers(1, t))  # 30% drop out
        for v in range(last):
            eff = {"pbo": 0.0, "low": -0.3, "high": -0.6}[arm] * (v + 1)
            rows.append((f"P{i:04d}", arm, site, f"V{v + 1}", base, 0.5 * v + eff + 0.2 * (base - 20) + e[v]))
    return pd.DataFrame(rows, columns=["USUBJID", "TRT", "SITE", "AVISIT", "BASE", "CHG"])


def main() -> None:
    from tlf.stats.linear import Term, design
    from tlf.stats.mmrm import fit_mmrm

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--covariance", default="us")
    args = ap.parse_args()
    d = simulate()
    visits = [f"V{v + 1}" for v in range(6)]
    kw = dict(subject="USUBJID", visit="AVISIT", treatment="TRT", covariates=["BASE"], factors=["SITE"],
              covariates_by_visit=["BASE"], covariance=args.covariance, levels=["pbo", "low", "high"], visits=visits)
    fit_mmrm(d, "CHG", **kw)  # imports (scipy, pandas paths) out of the timing
    times, res = [], None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = fit_mmrm(d, "CHG", **kw)
        times.append(time.perf_counter() - t0)
    levels = {"TRT": ("pbo", "low", "high"), "AVISIT": tuple(visits), "SITE": tuple(sorted(d.SITE.unique()))}
    terms = [Term(v, (v,)) for v in ("TRT", "AVISIT", "SITE", "BASE")] + [Term("TRT:AVISIT", ("TRT", "AVISIT")),
                                                                          Term("BASE:AVISIT", ("BASE", "AVISIT"))]
    floor = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        x, _ = design(terms, d, levels, len(d))
        np.linalg.lstsq(x, d.CHG.to_numpy(float), rcond=None)
        floor.append(time.perf_counter() - t0)
    print(f"MMRM {res.n_subjects} subjects x 6 visits ({res.n_obs} observations, {res.n_params} fixed effects, "
          f"{len(res.theta)} covariance parameters, {args.covariance}, REML, Kenward-Roger): "
          f"median {statistics.median(times):.2f} s, min {min(times):.2f} s over {args.repeat} runs "
          f"({'converged' if res.converged else 'NOT converged: ' + res.reason}, {res.iterations} iterations)")
    print(f"floor, numpy least squares of the same design (design matrix + lstsq): "
          f"median {statistics.median(floor):.3f} s")
    print(f"goal under 2 s: {'met' if statistics.median(times) < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
