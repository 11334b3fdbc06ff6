"""Wall time of building the CDISC pilot folder (examples/cdiscpilot01/specs) on the pilot's ADaM data,
as a user runs it, and where the time goes: reading each dataset (ADLBC: 74,264 records x 46
variables, with and without `keep:`), computing each output, rendering.

    python benchmarks/bench_cdiscpilot.py [--data ../shared/data/cdiscpilot01] [--repeat 3]

Prints figures; never asserts.
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
SPECS = REPO / "examples" / "cdiscpilot01" / "specs"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "cdiscpilot01")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not (args.data / "adsl.xpt").is_file():
        sys.exit(f"no CDISC pilot data in {args.data} (see ../shared/data/cdiscpilot01/README.md)")
    times = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tlf", "build", "all", "--specs", str(SPECS), "--data",
                            str(args.data), "--out", out], check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    print(f"tlf build all --specs examples/cdiscpilot01/specs (DOCX+XLSX+ARD), cold process: "
          f"median {statistics.median(times):.2f} s, min {min(times):.2f} s over {args.repeat} runs")
    stages(args.data)


def stages(data_dir: Path) -> None:
    """In-process timings of each stage (imports already paid)."""
    from tlf.build import compute_output, prepare
    from tlf.data.read import read_dataset
    from tlf.spec.validate import load_study

    study = load_study(SPECS)
    for name, ds in study.spec.data.datasets.items():
        path = data_dir / ds.file
        t0 = time.perf_counter()
        frame = read_dataset(path, name).frame
        full = time.perf_counter() - t0
        line = f"read {name:9s} {frame.shape[0]:6d} x {frame.shape[1]:2d}: {full:5.2f} s"
        if ds.keep:
            t0 = time.perf_counter()
            kept = read_dataset(path, name, keep=["USUBJID", *ds.keep]).frame
            line += f"; with keep ({kept.shape[1]} variables): {time.perf_counter() - t0:5.2f} s"
        print(line)
    t0 = time.perf_counter()
    data, pops, _ = prepare(study, data_dir)
    print(f"populations: {time.perf_counter() - t0:.2f} s")
    for entry in study.outputs:
        t0 = time.perf_counter()
        _, model = compute_output(study, entry, data, pops)
        t1 = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            if entry.spec.type == "figure":
                from tlf.render.docx_figure import render_figure_docx

                render_figure_docx(model, Path(out) / "x.docx")
            else:
                from tlf.render.docx import render_docx

                render_docx(model, Path(out) / "x.docx")
        print(f"{entry.id:10s} compute (incl. first read of its datasets) {t1 - t0:5.2f} s, "
              f"DOCX {time.perf_counter() - t1:5.2f} s")


if __name__ == "__main__":
    main()
