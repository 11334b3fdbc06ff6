"""Wall time of `tlf build all` for study A (cold process, as a user runs it), and of each stage.

    python benchmarks/bench_build.py [--repeat 3]

Prints figures; never asserts. The DOCX render benchmark (10,000 rows vs python-docx cell by cell)
is benchmarks/bench_render.py.
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
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
