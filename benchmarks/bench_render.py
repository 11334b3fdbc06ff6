"""Time the renderers on a synthetic table (a script, not a test).

    python benchmarks/bench_render.py [--rows 10000] [--no-naive]

Prints wall times for: paginate, render_docx (lxml-built w:tbl), the same size filled cell by
cell with python-docx (add_table + add_row + cell.text), and render_xlsx.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tlf.render.docx import render_docx  # noqa: E402
from tlf.render.paginate import paginate  # noqa: E402
from tlf.render.xlsx import render_xlsx  # noqa: E402
from tlf.tables.model import Column, Row, Table  # noqa: E402

NCOL = 10


def synthetic_table(n_rows: int) -> Table:
    """n_rows body rows x 10 columns in groups of 12 (a label row and 11 indented rows)."""
    cols = tuple(
        Column(
            id=f"c{j}", label=f"Arm {j}", n_label=f"(N={100 + j})", spanner="Part A" if j < 5 else "Part B"
        )
        for j in range(NCOL)
    )
    rows = []
    for i in range(n_rows):
        group = f"g{i // 12}"
        if i % 12 == 0:
            rows.append(Row(f"Parameter {i // 12}", ("",) * NCOL, 0, "group", group))
        else:
            cells = tuple(f"{(i * 7 + j) % 10} ({(i + j) % 100}.{j})" for j in range(NCOL))
            rows.append(Row(f"Statistic {i}", cells, 1, "data", group))
    return Table(
        output_id="t-bench",
        number="Table 99.1",
        titles=("Benchmark table",),
        population="Safety Population",
        columns=cols,
        rows=tuple(rows),
        footnotes=("Synthetic data.",),
        provenance="benchmarks/bench_render.py",
    )


def naive_docx(table: Table, path: Path) -> None:
    """The slow way: python-docx's table API, one cell at a time."""
    import docx

    doc = docx.Document()
    tbl = doc.add_table(rows=1, cols=NCOL + 1)
    for j, col in enumerate(table.columns, start=1):
        tbl.rows[0].cells[j].text = col.label
    for row in table.rows:
        cells = tbl.add_row().cells
        cells[0].text = row.label
        for j, text in enumerate(row.cells, start=1):
            cells[j].text = text
    doc.save(str(path))


def timed(label: str, func, *args) -> float:
    start = time.perf_counter()
    func(*args)
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:8.2f} s", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000, help="body rows (default 10000)")
    parser.add_argument("--no-naive", action="store_true", help="skip the cell-by-cell python-docx run")
    args = parser.parse_args(argv)

    table = synthetic_table(args.rows)
    print(f"{args.rows} rows x {NCOL} columns (+ stub)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        timed("paginate", paginate, table)
        print(f"  -> {len(paginate(table))} pages")
        fast = timed("render_docx (lxml w:tbl per page)", render_docx, table, out / "fast.docx")
        print(f"  -> {(out / 'fast.docx').stat().st_size / 1e6:.1f} MB")
        if not args.no_naive:
            slow = timed("python-docx cell by cell (add_row + .text)", naive_docx, table, out / "slow.docx")
            print(f"  -> {slow / fast:.0f}x slower")
        timed("render_xlsx (XlsxWriter constant_memory)", render_xlsx, table, out / "fast.xlsx")
        print(f"  -> {(out / 'fast.xlsx').stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
