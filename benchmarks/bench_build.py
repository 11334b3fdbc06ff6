"""Wall time of `tlf build all` for study A (cold process, as a user runs it), and of each stage; and the
serial build (`-j 1`) against the parallel one (`-j 2`), wall and CPU time (user + system of the process
and its workers), each against the import floor (a process that only imports the libraries tlf needs),
measured interleaved in the same run (median of --repeat): ratios, since the machine may be busy.

    python benchmarks/bench_build.py [--repeat 3] [--jobs-only] [--baseline DIR]

--baseline DIR: also time `-j 1` with another revision's tlf (DIR holds its `tlf` package, e.g. made by
`git archive main tlf | tar -x -C DIR`), interleaved in the same runs: a before/after on a busy machine.

Prints figures; never asserts. The DOCX render benchmark (10,000 rows vs python-docx cell by cell)
is benchmarks/bench_render.py.
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
FLOOR = "import pandas, numpy, scipy.stats, statsmodels.api, matplotlib.pyplot, docx, openpyxl"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(cmd: list[str], tlf_dir: Path = REPO) -> tuple[float, float]:
    """(wall, CPU) of one process (CPU includes the workers it waited for), with the tlf of `tlf_dir`."""
    # bytecode cached, as a user runs tlf (PYTHONDONTWRITEBYTECODE=1 compiles tlf's modules at every start)
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "SOURCE_DATE_EPOCH": "1700000000",
           "PYTHONPATH": str(tlf_dir)}
    t0, c0 = time.perf_counter(), _cpu()
    # run outside the repository: `python -m` puts the working folder first on sys.path
    subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=tempfile.gettempdir())
    return time.perf_counter() - t0, _cpu() - c0


def jobs_benchmark(repeat: int, baseline: Path | None = None) -> None:
    """Serial against -j 2 (and the baseline's -j 1), interleaved with the import floor."""
    runs: dict[str, list[tuple[float, float]]] = {"floor": [], "-j 1": [], "-j 2": []}
    if baseline:
        runs["baseline -j 1"] = []
    for _ in range(repeat):
        runs["floor"].append(_run([sys.executable, "-c", FLOOR]))
        for name, j, tlf_dir in (("-j 1", "1", REPO), ("-j 2", "2", REPO), ("baseline -j 1", "1", baseline)):
            if name not in runs:
                continue
            with tempfile.TemporaryDirectory() as out:
                runs[name].append(_run([sys.executable, "-m", "tlf", "build", "all", "--specs",
                                        str(REPO / "specs"), "--out", out, "-j", j], tlf_dir))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
    fw, fc = med["floor"]
    print(f"study A, tlf build all, median of {repeat} interleaved runs, {os.cpu_count()} cores "
          f"(import floor: {fw:.2f} s wall, {fc:.2f} s CPU):")
    for k in [k for k in runs if k != "floor"]:
        w, c = med[k]
        print(f"  {k}: wall {w:.2f} s ({w / fw:.1f} x the floor), CPU {c:.2f} s ({c / fc:.1f} x the floor)")
    print(f"  -j 2 / -j 1: wall {med['-j 2'][0] / med['-j 1'][0]:.2f}, CPU {med['-j 2'][1] / med['-j 1'][1]:.2f}")
    if baseline:
        print(f"  -j 1 / baseline -j 1: wall {med['-j 1'][0] / med['baseline -j 1'][0]:.2f}, "
              f"CPU {med['-j 1'][1] / med['baseline -j 1'][1]:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs-only", action="store_true", help="only the serial vs -j 2 comparison")
    ap.add_argument("--baseline", type=Path, help="a folder holding another revision's tlf package, timed too")
    args = ap.parse_args()
    jobs_benchmark(args.repeat, args.baseline.resolve() if args.baseline else None)
    if args.jobs_only:
        return
    times = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tlf", "build", "all", "--specs", str(REPO / "specs"),
                            "--out", out], check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    print(f"tlf build all (study A, {len(list((REPO / 'specs').glob('[tfl]-*.yaml')))} outputs, DOCX+XLSX+ARD), cold process: "
          f"median {statistics.median(times):.2f} s, min {min(times):.2f} s over {args.repeat} runs")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tlf", "--help"], check=True, capture_output=True)
    print(f"tlf --help: {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tlf", "list", "--specs", str(REPO / "specs")], check=True,
                   capture_output=True)
    print(f"tlf list: {time.perf_counter() - t0:.2f} s")

    # in-process stages
    from tlf.build import compute_output, prepare
    from tlf.spec.validate import load_study

    t0 = time.perf_counter()
    study = load_study(REPO / "specs")
    t1 = time.perf_counter()
    data, pops, _ = prepare(study)
    t2 = time.perf_counter()
    tables = [compute_output(study, e, data, pops) for e in study.outputs]
    t3 = time.perf_counter()
    from tlf.build import _renderer

    with tempfile.TemporaryDirectory() as out:
        for (_ard, model), e in zip(tables, study.outputs, strict=True):
            _renderer("docx", e.spec.type == "listing")(model, Path(out) / f"{e.id}.docx")
        t4 = time.perf_counter()
        for (ard, model), e in zip(tables, study.outputs, strict=True):
            _renderer("xlsx", e.spec.type == "listing")(model, Path(out) / f"{e.id}.xlsx", ard)
        t5 = time.perf_counter()
    print(f"stages (in process, warm imports after first): load specs {t1 - t0:.3f} s, read data + populations "
          f"{t2 - t1:.3f} s, statistics + layout {t3 - t2:.3f} s, DOCX {t4 - t3:.3f} s, XLSX {t5 - t4:.3f} s")


if __name__ == "__main__":
    main()
