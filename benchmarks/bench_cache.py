"""The Parquet cache of SAS inputs (tlf/data/cache.py): reading a large .xpt the first time (read and
converted: the file itself, then the Parquet entry written and checked) and the second time (from the
cache, after hashing the file), against reading the file without a cache, in the same run.

    python benchmarks/bench_cache.py [--records 1000000] [--repeat 3]

A lab-like BDS dataset (USUBJID, PARAMCD, PARAM, AVISIT, AVISITN, AVAL, BASE, CHG, ANRIND, ANL01FL) is
generated with a fixed seed. CPU time of this process; the runs are interleaved and the medians printed
with their ratios, since the machine may be busy. Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def make_xpt(path: Path, records: int, seed: int = 20) -> None:
    import numpy as np
    import pandas as pd
    import pyreadstat

    rng = np.random.default_rng(seed)
    params = np.array(["ALT", "AST", "BILI", "CREAT", "GLUC", "HGB", "K", "NA", "PLAT", "WBC"])
    visits = np.array(["Baseline", "Week 2", "Week 4", "Week 8", "Week 12", "Week 16", "Week 24", "Week 26"])
    i = np.arange(records)
    p = i % len(params)
    v = (i // len(params)) % len(visits)
    aval = np.round(rng.normal(50, 15, records), 2)
    base = np.round(rng.normal(50, 15, records), 2)
    frame = pd.DataFrame({
        "USUBJID": np.char.add("STUDY-", (i // (len(params) * len(visits))).astype(str)),
        "PARAMCD": params[p], "PARAM": np.char.add(params[p], " (units)"), "AVISIT": visits[v],
        "AVISITN": v.astype(float), "AVAL": aval, "BASE": base, "CHG": np.round(aval - base, 2),
        "ANRIND": np.where(aval > 70, "HIGH", np.where(aval < 30, "LOW", "NORMAL")),
        "ANL01FL": np.where(rng.random(records) < 0.95, "Y", "")})
    pyreadstat.write_xport(frame, str(path), file_format_version=5, table_name="ADLB")


def _cpu() -> float:
    return time.process_time()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from tlf.data.cache import ParquetCache
    from tlf.data.read import read_dataset

    with tempfile.TemporaryDirectory() as tmp:
        xpt = Path(tmp) / "adlb.xpt"
        t0 = time.perf_counter()
        make_xpt(xpt, args.records)
        print(f"adlb.xpt: {args.records:,} records, {xpt.stat().st_size / 2**20:,.0f} MiB "
              f"(written in {time.perf_counter() - t0:.1f} s)")
        runs: dict[str, list[float]] = {"no cache": [], "first (convert)": [], "second (cached)": []}
        for _ in range(args.repeat):
            folder = Path(tmp) / "cache"
            shutil.rmtree(folder, ignore_errors=True)
            c = _cpu()
            read_dataset(xpt, "adlb")
            runs["no cache"].append(_cpu() - c)
            cache = ParquetCache(folder)
            for key in ("first (convert)", "second (cached)"):
                c = _cpu()
                cache.read(xpt, "adlb", None, None, lambda: read_dataset(xpt, "adlb"))
                runs[key].append(_cpu() - c)
            assert cache.hits == 1 and cache.misses == 1
        plain = statistics.median(runs["no cache"])
        print(f"CPU, median of {args.repeat} interleaved runs:")
        for key, values in runs.items():
            m = statistics.median(values)
            print(f"  {key:<16} {m:6.2f} s  ({m / plain:.2f} x reading without the cache)")


if __name__ == "__main__":
    main()
