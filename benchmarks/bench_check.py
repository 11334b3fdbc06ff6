"""Time of `tlf check` against `tlf build all` for study A (cold processes, as a user runs them),
measured in the same run, and the ratio; plus `tlf list` (loading the specs only) as the floor. Wall
time and CPU time (user + system of the child process, steadier on a busy machine) are both printed.

    python benchmarks/bench_check.py [--repeat 3]

`tlf check` validates the specs against the data without computing statistics or rendering; it should
take a small fraction of a build. Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "specs"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _time(args: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """(wall times, CPU times) of `repeat` runs of `tlf ARGS --specs specs`."""
    wall, cpu = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "tlf", *args, "--specs", str(SPECS)]
            if args[0] == "build":
                cmd += ["--out", tmp]
            t0, c0 = time.perf_counter(), _cpu()
            subprocess.run(cmd, check=False, capture_output=True, cwd=REPO)
            wall.append(time.perf_counter() - t0)
            cpu.append(_cpu() - c0)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    runs = {name: _time(cmd, args.repeat) for name, cmd in
            (("list", ["list"]), ("check", ["check"]), ("build", ["build", "all"]))}
    n = len(list(SPECS.glob("[tfl]-*.yaml")))
    print(f"study A, {n} outputs, cold processes, median of {args.repeat} (wall / CPU):")
    for k, kind in enumerate(("wall", "CPU")):
        f, c, b = (statistics.median(runs[name][k]) for name in ("list", "check", "build"))
        print(f"  {kind}: tlf list (the floor: start-up, specs) {f:.2f} s; tlf check {c:.2f} s "
              f"({c / f:.1f} x the floor); tlf build all (DOCX+XLSX+ARD) {b:.2f} s ({b / f:.1f} x the floor); "
              f"check / build {c / b:.0%}, above the floor {(c - f) / (b - f):.0%}")


if __name__ == "__main__":
    main()
