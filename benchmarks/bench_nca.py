"""Wall time of NCA on 10,000 profiles of 12 samples each (one-compartment oral absorption, log-normal
between-subject variability and residual error, samples below an LLOQ flagged BLQ).

    python benchmarks/bench_nca.py [--profiles 10000] [--repeat 3] [--method linlog]

Times the whole dataset path (`nca_dataset`: long DataFrame in, ADPP-like DataFrame out) and the
per-profile engine alone (`nca_profile` in a loop over prepared arrays). Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TIMES = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0)


def concentrations(n: int, seed: int = 1):
    """A long DataFrame: USUBJID, DAY, TIME, CONC, BLQFL, DOSE (n profiles x 12 samples)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    t = np.asarray(TIMES)
    ka = 1.2 * np.exp(rng.normal(0, 0.3, n))[:, None]
    cl = 3.0 * np.exp(rng.normal(0, 0.3, n))[:, None]
    v = 35.0 * np.exp(rng.normal(0, 0.2, n))[:, None]
    dose = 320.0
    k = cl / v
    c = dose * ka / (v * (ka - k)) * (np.exp(-k * t) - np.exp(-ka * t))
    c = c * np.exp(rng.normal(0, 0.1, c.shape))
    lloq = 0.5
    blq = c < lloq
    c = np.where(blq, np.nan, c)
    return pd.DataFrame({
        "USUBJID": np.repeat([f"S-{i:05d}" for i in range(n)], t.size),
        "DAY": 1,
        "TIME": np.tile(t, n),
        "CONC": c.ravel(),
        "BLQFL": np.where(blq.ravel(), "Y", "N"),
        "DOSE": dose,
    })


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profiles", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--method", default="linlog", choices=["linear", "linlog"])
    args = ap.parse_args()

    from tlf.stats.nca import NcaOptions, NcaUnits, nca_profile
    from tlf.stats.pk import nca_dataset

    data = concentrations(args.profiles)
    options = NcaOptions(auc_method=args.method, units=NcaUnits("h", "mg/L", "mg"))
    n = args.profiles

    walls = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        adpp = nca_dataset(data, profile=["DAY"], time="TIME", conc="CONC", blq="BLQFL", dose="DOSE",
                           options=options)
        walls.append(time.perf_counter() - t0)
    w = statistics.median(walls)
    print(f"nca_dataset: {n:,} profiles x {len(TIMES)} samples -> {len(adpp):,} ADPP rows: "
          f"median {w:.2f} s, min {min(walls):.2f} s over {args.repeat} runs ({n / w:,.0f} profiles/s)")

    t = data.TIME.to_numpy().reshape(n, -1)
    c = data.CONC.to_numpy().reshape(n, -1)
    b = (data.BLQFL == "Y").to_numpy().reshape(n, -1)
    engine = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for i in range(n):
            nca_profile(t[i], c[i], blq=b[i], dose=320.0, options=options)
        engine.append(time.perf_counter() - t0)
    e = statistics.median(engine)
    print(f"nca_profile alone: median {e:.2f} s ({n / e:,.0f} profiles/s, {e / n * 1e6:.0f} us/profile)")

    ne = adpp[adpp.PPTESTCD == "LAMZ"].PPSTRESN.isna().sum()
    print(f"lambda_z not estimable in {ne:,} of {n:,} profiles; "
          f"{(adpp[adpp.PPTESTCD == 'AUCIFO'].UNRELFL == 'Y').sum():,} AUCIFO flagged unreliable")


if __name__ == "__main__":
    main()
