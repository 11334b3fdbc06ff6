"""Time of `tlf check` against `tlf build all` for study A (cold processes, as a user runs them),
measured in the same run, and the ratio; plus `tlf list` (loading the specs only) as the floor. Wall
time and CPU time (user + system of the child process, steadier on a busy machine) are both printed.

    python benchmarks/bench_check.py [--repeat 3] [--baseline DIR]

`tlf check` validates the specs against the data without computing statistics or rendering; it should
take a small fraction of a build. A second floor is the import floor of a check: a process that imports
the libraries a check needs (pandas, pyreadstat, jinja2) and loads the specs (`--no-build` leaves the
build out). `--baseline DIR` also times the check of another revision's tlf (DIR holds its `tlf` package, e.g.
from `git archive main tlf | tar -x -C DIR`), interleaved. Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "specs"
# as a user runs tlf: with its modules' bytecode cached (PYTHONDONTWRITEBYTECODE=1 would compile tlf's own
# modules at every start, about 0.5 s of CPU)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


FLOOR = ("import pandas, pyreadstat, jinja2; from tlf.spec.validate import load_study; "
         f"load_study({str(SPECS)!r})")


def _time(args: list[str], repeat: int, tlf_dir: Path = REPO) -> tuple[list[float], list[float]]:
    """(wall times, CPU times) of `repeat` runs of `tlf ARGS --specs specs` (args ["floor"]: the import floor)
    with the tlf of `tlf_dir` (run outside the repository: `python -m` puts the working folder first)."""
    wall, cpu = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "tlf", *args, "--specs", str(SPECS)]
            if args[0] == "floor":
                cmd = [sys.executable, "-c", FLOOR]
            if args[0] == "build":
                cmd += ["--out", tmp]
            t0, c0 = time.perf_counter(), _cpu()
            subprocess.run(cmd, check=False, capture_output=True, cwd=tmp, env={**ENV, "PYTHONPATH": str(tlf_dir)})
            wall.append(time.perf_counter() - t0)
            cpu.append(_cpu() - c0)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-build", action="store_true", help="time list, the import floor and check only")
    ap.add_argument("--baseline", type=Path, help="a folder holding another revision's tlf package, timed too")
    args = ap.parse_args()
    names = [("list", ["list"], REPO), ("floor", ["floor"], REPO), ("check", ["check"], REPO)]
    if args.baseline:
        names.append(("baseline check", ["check"], args.baseline.resolve()))
    runs: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name, _, _ in names}
    for _ in range(args.repeat):  # interleaved: a busy machine slows all alike
        for name, cmd, tlf_dir in names:
            w, c = _time(cmd, 1, tlf_dir)
            runs[name][0].extend(w)
            runs[name][1].extend(c)
    n = len(list(SPECS.glob("[tfl]-*.yaml")))
    print(f"study A, {n} outputs, cold processes, median of {args.repeat} interleaved (wall / CPU):")
    for k, kind in enumerate(("wall", "CPU")):
        f, i, c = (statistics.median(runs[name][k]) for name in ("list", "floor", "check"))
        print(f"  {kind}: tlf list {f:.2f} s; import floor (pandas, pyreadstat, jinja2, specs) {i:.2f} s; "
              f"tlf check {c:.2f} s = {c / f:.1f} x tlf list, {c / i:.2f} x the import floor")
        if args.baseline:
            b = statistics.median(runs["baseline check"][k])
            print(f"    baseline tlf check {b:.2f} s = {b / i:.2f} x the import floor; check / baseline {c / b:.2f}")
    if args.no_build:
        return
    runs["build"] = _time(["build", "all"], args.repeat)
    for k, kind in enumerate(("wall", "CPU")):
        f, c, b = (statistics.median(runs[name][k]) for name in ("list", "check", "build"))
        print(f"  {kind}: tlf list (the floor: start-up, specs) {f:.2f} s; tlf check {c:.2f} s "
              f"({c / f:.1f} x the floor); tlf build all (DOCX+XLSX+ARD) {b:.2f} s ({b / f:.1f} x the floor); "
              f"check / build {c / b:.0%}, above the floor {(c - f) / (b - f):.0%}")


if __name__ == "__main__":
    main()
