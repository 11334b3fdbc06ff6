"""Long tables of several shapes whose page plans test_render_paginate_linear.py pins (the plans the
per-row pagination made before it was made linear)."""

from __future__ import annotations

import random
from dataclasses import replace

from tlf.tables.model import Column, Row, Table


def _table(columns, rows, **kw) -> Table:
    base = dict(output_id="t-plan", number="Table 14.9.9", titles=("Plan",), columns=tuple(columns),
                rows=tuple(rows), population="Safety Population", footnotes=("Note 1.",), provenance="Source: x")
    return Table(**{**base, **kw})


def grouped(n: int) -> Table:
    """Groups of a label row and 11 indented rows, 10 columns under 2 spanners (bench_render's shape)."""
    cols = [Column(id=f"c{j}", label=f"Arm {j}", n_label=f"(N={100 + j})", spanner="Part A" if j < 5 else "Part B")
            for j in range(10)]
    rows = []
    for i in range(n):
        group = f"g{i // 12}"
        if i % 12 == 0:
            rows.append(Row(f"Parameter {i // 12}", ("",) * 10, 0, "group", group))
        else:
            rows.append(Row(f"Statistic {i}", tuple(f"{(i * 7 + j) % 10} ({(i + j) % 100}.{j})" for j in range(10)),
                            1, "data", group))
    return _table(cols, rows)


def shift(n: int, **kw) -> Table:
    """A lab shift table: per parameter (one group of 41 rows) 8 visits of 5 baseline categories."""
    cols = [Column(id=f"c{j}", label=f"Arm {j // 3 + 1} {('Low', 'Normal', 'High')[j % 3]}", n_label="(N=50)",
                   spanner=f"Treatment {j // 3 + 1}") for j in range(6)]
    rows, p = [], 0
    while len(rows) < n:
        g = f"p{p}"
        rows.append(Row(f"Laboratory parameter {p} (units)", ("",) * 6, 0, "group", g))
        for v in range(8):
            rows.append(Row(f"Week {v * 4}", ("",) * 6, 1, "group", g))
            for k, cat in enumerate(("Low", "Normal", "High", "Missing", "Total")):
                rows.append(Row(cat, tuple(f"{(p + v + k + j) % 50} ({(p * v + k + j) % 100}.{j})" for j in range(6)),
                                2, "data", g))
        rows.append(Row("", ("",) * 6, 0, "blank", g))
        p += 1
    return _table(cols, rows[:n], **kw)


def ragged(n: int) -> Table:
    """Seeded random rows: indents 0-3, labels and values that wrap, group labels, spacers and
    ungrouped indented runs (a continuation page looks far back for its enclosing labels)."""
    rng = random.Random(19)
    cols = [Column(id=f"c{j}", label=f"Column {j}", width=1.0 if j == 0 else None) for j in range(4)]
    words = ("alanine", "aminotransferase", "increased", "grade", "3", "or", "worse", "(n)", "x" * 40)
    rows, group, gk = [], "", 0
    for i in range(n):
        roll = rng.random()
        if roll < 0.05:
            group, gk = (f"r{gk}" if rng.random() < 0.7 else ""), gk + 1
        if roll < 0.1:
            rows.append(Row(" ".join(rng.choices(words, k=rng.randint(1, 6))), ("",) * 4, rng.randint(0, 2), "group",
                            group))
        elif roll < 0.14:
            rows.append(Row("", ("",) * 4, 0, "blank", group))
        else:
            cells = tuple(" ".join(rng.choices(words[:8], k=rng.randint(1, 4))) if rng.random() < 0.3 else str(i + j)
                          for j in range(4))
            rows.append(Row(" ".join(rng.choices(words, k=rng.randint(1, 5))), cells, rng.randint(1, 3), "data",
                            group))
    return _table(cols, rows)


def listing(n: int) -> Table:
    """A listing with 2 key columns refilled on every page's first record."""
    cols = [Column(id=f"c{j}", label=f"Var {j}", width=w) for j, w in enumerate((1.0, 0.8, 0.4, 2.0, 1.0))]
    rows = []
    for i in range(n):
        first = i % 17 == 0
        cells = (f"Arm {i // 400}" if first else "", f"S-{i // 17:04d}" if first else "", str(i % 17 + 1),
                 "Some adverse event term " * (1 + i % 3), f"2024-01-{i % 28 + 1:02d}")
        rows.append(Row("", cells, 0, "data", f"S-{i // 17:04d}"))
    return _table(cols, rows, kind="listing", repeat_keys=2)


def long_notes(n: int) -> Table:
    """Footnotes too long for the foot of the page (they print after the last row)."""
    return shift(n, footnotes=tuple(f"Footnote {k}: " + "long text " * 30 for k in range(12)))


TABLES = {
    "grouped-1000": lambda: grouped(1000),
    "grouped-3000": lambda: grouped(3000),
    "shift-500": lambda: shift(500),
    "shift-2300": lambda: shift(2300),
    "shift-2300-fill": lambda: shift(2300, keep_together=False),
    "ragged-1500": lambda: ragged(1500),
    "listing-3000": lambda: listing(3000),
    "long-notes-1200": lambda: long_notes(1200),
    "small-font-2000": lambda: replace(shift(2000), page=replace(shift(1).page, font_size=7.0)),
}
