"""Wall time of `tlf check` against `tlf build all` for study A (cold processes, as a user runs them),
measured in the same run, and the ratio; plus `tlf list` (loading the specs only) as the floor.

    python benchmarks/bench_check.py [--repeat 3]

`tlf check` validates the specs against the data without computing statistics or rendering; it should
take a small fraction of a build. Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "specs"


def _time(args: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "tlf", *args, "--specs", str(SPECS)]
            if args[0] == "build":
                cmd += ["--out", tmp]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=False, capture_output=True, cwd=REPO)
            out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    floor = _time(["list"], args.repeat)
    check = _time(["check"], args.repeat)
    build = _time(["build", "all"], args.repeat)
    f, c, b = (statistics.median(x) for x in (floor, check, build))
    n = len(list(SPECS.glob("[tfl]-*.yaml")))
    print(f"study A, {n} outputs, cold processes, median of {args.repeat}:")
    print(f"  tlf list (floor: start-up and specs)  {f:6.2f} s")
    print(f"  tlf check                             {c:6.2f} s  ({c / f:.1f} x the floor)")
    print(f"  tlf build all (DOCX+XLSX+ARD)         {b:6.2f} s  ({b / f:.1f} x the floor)")
    print(f"  check / build: {c / b:.0%}; check above the floor / build above the floor: {(c - f) / (b - f):.0%}")


if __name__ == "__main__":
    main()
