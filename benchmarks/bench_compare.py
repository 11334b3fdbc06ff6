"""Benchmark: `tlf compare` on two 1,000,000-row x 20-column data sets, against datacompy on the same data.

    .venv/bin/python benchmarks/bench_compare.py [--rows N] [--repeat K] [--strings python|pyarrow]

Each tool runs in its own child process (so one's memory does not count against the other) on the
same seeded data: an ID (USUBJID text + AVISITN), 12 float, 3 integer and 3 text columns; COMPARE
has 1e-12 relative noise on one float column (must pass), 1,000 changed values in each of three
columns (float, integer, text), 100 rows dropped and 100 rows added. Two cases:

    same order   COMPARE in BASE's row order (the common QC case: both sorted by the ID)
    shuffled     COMPARE's rows in random order (rows must be matched by key)

Printed per tool and case: wall time of the comparison (best of --repeat untraced runs), peak memory
allocated during one more, traced run (tracemalloc, which sees numpy and pandas buffers, not Arrow's),
the child process's peak RSS, and the size of the two input frames themselves (data).
datacompy is optional (`pip install datacompy`); without it only tlf is timed. The numbers of
differences both tools find are printed side by side as a cross-check.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_data(rows: int, shuffle: bool, seed: int = 20241122):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_subj = rows // 10
    base = {"USUBJID": np.repeat([f"S-{i:07d}" for i in range(n_subj)], 10)[:rows],
            "AVISITN": np.tile(np.arange(1, 11), n_subj + 1)[:rows].astype("int64")}
    for j in range(12):
        base[f"F{j:02d}"] = rng.normal(50, 10, rows).round(3)
    for j in range(3):
        base[f"I{j}"] = rng.integers(0, 100, rows)
    for j in range(3):
        base[f"T{j}"] = rng.choice(np.array(["MILD", "MODERATE", "SEVERE", "NOT DONE", ""], dtype=object), rows)
    b = pd.DataFrame(base)
    c = b.copy()
    c["F01"] = c["F01"] * (1 + 1e-12)  # float noise: not a difference
    pos = rng.choice(rows, 3000, replace=False)
    c.loc[pos[:1000], "F05"] += 0.5
    c.loc[pos[1000:2000], "I1"] += 1
    c.loc[pos[2000:], "T2"] = "CHANGED"
    c = c.drop(index=rng.choice(rows, 100, replace=False))
    extra = b.iloc[:100].copy()
    extra["USUBJID"] = [f"X-{i:07d}" for i in range(100)]
    c = pd.concat([c, extra], ignore_index=True)
    if shuffle:
        c = c.iloc[rng.permutation(len(c))].reset_index(drop=True)
    return b, c


def run_one(tool: str, rows: int, shuffle: bool, repeat: int) -> dict:
    """Time `repeat` comparisons untraced (best kept), then one more under tracemalloc for the peak."""
    import resource
    import tracemalloc

    b, c = make_data(rows, shuffle)
    keys = ["USUBJID", "AVISITN"]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    times = []
    for k in range(repeat + 1):
        traced = k == repeat
        if traced:
            tracemalloc.start()
        t0 = time.perf_counter()
        found = _compare(tool, b, c, keys)
        if not traced:
            times.append(time.perf_counter() - t0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    data = int(b.memory_usage(deep=True).sum() + c.memory_usage(deep=True).sum())
    return {"seconds": min(times), "peak_alloc": peak, "peak_rss": rss, "rss_before": rss_before,
            "data_bytes": data, "found": found}


def _compare(tool: str, b, c, keys) -> dict:
    if tool == "tlf":
        from tlf.qc.compare import compare_frames

        res = compare_frames(b, c, keys=keys, method="relative", criterion=1e-9)
        return {"unequal values": res.values_unequal, "rows only in base": res.rows_only_in_base,
                "rows only in compare": res.rows_only_in_compare}
    import datacompy

    cmp = datacompy.PandasCompare(b, c, join_columns=keys, rel_tol=1e-9, cast_column_names_lower=False)
    cmp.matches()
    return {"unequal values": int(sum(s["unequal_cnt"] for s in cmp.column_stats)),
            "rows only in base": len(cmp.df1_unq_rows), "rows only in compare": len(cmp.df2_unq_rows)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--strings", choices=("python", "pyarrow"), default=None,
                    help="pandas string storage (default: pandas' own, pyarrow when installed)")
    ap.add_argument("--child", nargs=2, metavar=("TOOL", "CASE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.strings:
        import pandas as pd

        pd.set_option("mode.string_storage", args.strings)
    if args.child:
        tool, case = args.child
        print(json.dumps(run_one(tool, args.rows, case == "shuffled", args.repeat)))
        return 0
    try:
        import datacompy

        tools = [("tlf", "tlf"), ("datacompy", f"datacompy {datacompy.__version__}")]
    except ImportError:
        tools = [("tlf", "tlf")]
        print("datacompy not installed (pip install datacompy): timing tlf only\n")
    import numpy
    import pandas

    print(f"compare {args.rows:,} rows x 20 columns (ID: USUBJID, AVISITN); best of {args.repeat}; "
          f"pandas {pandas.__version__} ({pandas.get_option('mode.string_storage')} strings), "
          f"numpy {numpy.__version__}, Python {sys.version.split()[0]}")
    print(f"{'case':<11} {'tool':<16} {'time':>8} {'peak alloc':>11} {'peak RSS':>9} {'(data)':>8}  differences found")
    for case in ("same order", "shuffled"):
        for tool, label in tools:
            strings = ["--strings", args.strings] if args.strings else []
            proc = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--repeat", str(args.repeat),
                                   *strings, "--child", tool, "shuffled" if case == "shuffled" else "same"],
                                  capture_output=True, text=True, cwd=ROOT)
            if proc.returncode:
                print(f"{case:<11} {label:<16} failed: {proc.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            found = ", ".join(f"{k} {v}" for k, v in r["found"].items())
            print(f"{case:<11} {label:<16} {r['seconds']:>7.2f}s {r['peak_alloc'] / 2**20:>7.0f} MiB "
                  f"{r['peak_rss'] / 2**20:>5.0f} MiB {r['data_bytes'] / 2**20:>4.0f} MiB  {found}")
    print("\nexpected: unequal values 3000 (minus those in dropped rows), rows only in base 100, "
          "rows only in compare 100")
    return 0


if __name__ == "__main__":
    sys.exit(main())
