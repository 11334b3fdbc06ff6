"""Time DOCX rendering of long tables against their size (a script, not a test).

    python benchmarks/bench_paginate.py [--sizes 1000 10000 50000] [--shift 2300]

For tables of 1,000, 10,000 and 50,000 body rows (benchmarks/bench_render.py's synthetic table: groups
of a label row and 11 indented rows, 10 columns under two spanners) and a 2,300-row lab shift table
(parameter > visit > baseline category, 6 columns; a parameter's 41 rows are one group, so many pages
resume a group under "(continued)" labels), prints the wall time of ``paginate`` and of ``render_docx``
(which paginates again), seconds per 1,000 rows, and, as a peer measured in the same run, ``render_xlsx``
of the same table (no pagination). Linear time shows as a flat per-1,000-row figure and a steady
DOCX/XLSX ratio across sizes; the goal is 10,000 rows in under 10 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_render import synthetic_table  # noqa: E402
from tlf.render.docx import render_docx  # noqa: E402
from tlf.render.paginate import paginate  # noqa: E402
from tlf.render.xlsx import render_xlsx  # noqa: E402
from tlf.tables.model import Column, Row, Table  # noqa: E402

SHIFT_COLS = 6
CATEGORIES = ("Low", "Normal", "High", "Missing", "Total")


def shift_table(n_rows: int) -> Table:
    """A lab shift table of n_rows body rows: per parameter (a group) a label row, then 8 visits, each a
    label row over the 5 baseline categories; columns are post-baseline categories within 2 arms."""
    cols = tuple(
        Column(id=f"c{j}", label=f"Arm {j // 3 + 1} {('Low', 'Normal', 'High')[j % 3]}", n_label=f"(N={100 + j})",
               spanner=f"Treatment {j // 3 + 1}")
        for j in range(SHIFT_COLS)
    )
    rows: list[Row] = []
    p = 0
    while len(rows) < n_rows:
        group = f"p{p}"
        rows.append(Row(f"Laboratory parameter {p} (units)", ("",) * SHIFT_COLS, 0, "group", group))
        for v in range(8):
            rows.append(Row(f"Week {v * 4}", ("",) * SHIFT_COLS, 1, "group", group))
            for k, cat in enumerate(CATEGORIES):
                cells = tuple(f"{(p + v + k + j) % 50} ({(p * v + k + j) % 100}.{j})" for j in range(SHIFT_COLS))
                rows.append(Row(cat, cells, 2, "data", group))
        p += 1
    return Table(
        output_id="t-shift",
        number="Table 14.3.4.1",
        titles=("Shift from Baseline in Laboratory Categories (benchmark)",),
        population="Safety Population",
        columns=cols,
        rows=tuple(rows[:n_rows]),
        footnotes=("Synthetic data.",),
        provenance="benchmarks/bench_paginate.py",
    )


def timed(func, *args) -> float:
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def measure(label: str, make, n: int, out: Path) -> tuple[float, float]:
    """Print one line of figures for the table ``make(n)``; return (DOCX seconds, per 1,000 rows). Each
    renderer gets a table of its own, so none reuses the column widths another measured (paginate.py
    keeps them per table)."""
    table = make(n)
    plan = timed(paginate, table)
    pages = len(paginate(table))
    docx = timed(render_docx, make(n), out / "t.docx")
    xlsx = timed(render_xlsx, make(n), out / "t.xlsx")
    per_k = docx / n * 1000
    print(f"{label:<22} {n:>7} {pages:>6} {plan:>10.2f} {docx:>9.2f} {per_k:>9.3f} {xlsx:>9.2f} {docx / xlsx:>9.1f}",
          flush=True)
    return docx, per_k


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000], help="body rows of the tables")
    parser.add_argument("--shift", type=int, nargs="*", default=[2300], help="body rows of the shift tables (none: skip)")
    args = parser.parse_args(argv)

    print(f"{'table':<22} {'rows':>7} {'pages':>6} {'paginate s':>10} {'DOCX s':>9} {'s/1k rows':>9} "
          f"{'XLSX s':>9} {'DOCX/XLSX':>9}")
    per_k: dict[int, float] = {}
    docx_s: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        render_docx(synthetic_table(50), out / "warm.docx")  # imports (python-docx, openpyxl) not timed
        render_xlsx(synthetic_table(50), out / "warm.xlsx")
        for n in args.sizes:
            docx_s[n], per_k[n] = measure("grouped (bench_render)", synthetic_table, n, out)
        for n in args.shift:
            measure("lab shift", shift_table, n, out)
    if len(per_k) > 1:
        small, large = min(per_k), max(per_k)
        print(f"per-1,000-row DOCX time at {large:,} rows / at {small:,} rows: {per_k[large] / per_k[small]:.2f} "
              "(1.0: linear)")
    if 10000 in docx_s:
        print(f"10,000 rows: {docx_s[10000]:.2f} s (goal: under 10 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
