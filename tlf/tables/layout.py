"""ARD (formatted) + output spec -> Table: row order, nesting, "n (%)" cells, "(N=xx)" headers.

Reads only the spec and the ARD, so a mock ARD (no data) gives the shell through the same code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.analyses.registry import part
from tlf.tables.cells import Cells
from tlf.tables.model import Column, Row, Table, page_setup

if TYPE_CHECKING:
    from tlf.spec.validate import OutputEntry, Study


def layout_table(study: Study, entry: OutputEntry, cells: Cells, *, provenance: str = "",
                 context: dict | None = None, shell: bool = False) -> Table:
    """The formatted Table of one output from its (formatted) ARD, read through `cells` (which records
    the statistics the table prints: the build marks them `displayed`)."""
    from tlf.format.text import render_text

    spec = entry.spec
    cols = study.columns_for(entry)
    big_n = {c.id: cells.big_n(c.id, "xx" if shell else "0") for c in cols}  # every column's header prints it
    columns = tuple(
        Column(id=c.id, label=c.label, n_label=f"(N={big_n[c.id]})",
               spanner=c.spanner, width=c.width)
        for c in cols
    ) + tuple(Column(id=sc.id, label=sc.label, spanner=sc.spanner, width=sc.width) for sc in spec.stat_columns)
    rows: list[Row] = []
    col_ids = [c.id for c in cols]
    periods = {c.id: c.period for c in cols}
    col_labels = {c.id: c.label for c in cols}
    auto: list[str] = []
    stats_as_columns = bool(getattr(spec, "stats_as_columns", None))
    if stats_as_columns:  # statistics as columns, treatment columns as row groups (PK tables)
        by_columns = part(spec.analyses[0].type, "layout", "STATS_AS_COLUMNS")  # PK summaries only (validated)
        columns, rows = by_columns(spec, cols, cells, big_n, shell)
    width = len(columns)
    for a in spec.analyses:
        if not stats_as_columns:
            if a.blank_before and rows:
                rows.append(Row("", ("",) * width, kind="blank"))
            block = part(a.type, "layout", "ROWS")(a, cells, col_ids, periods, shell, col_labels)
            rows += with_stat_cells(block, a.id, spec.stat_columns, cells)
        notes = part(a.type, "layout", "NOTES")
        if notes:
            auto += [n for n in notes(a, cells) if n not in auto]
    ctx = dict(context or {})
    titles = tuple(render_text(t, ctx, where=f"{entry.id}.title") for t in spec.titles)
    foot = [render_text(f, ctx, where=f"{entry.id}.footnotes") for f in spec.footnotes] + auto + \
        [render_text(f, ctx, where=f"{entry.id}.footnotes") for f in study.spec.footnotes]
    page = spec.page or study.spec.page
    pop = study.spec.populations[spec.population].label
    return Table(
        output_id=spec.id, number=spec.number, titles=titles, columns=columns, rows=tuple(rows),
        population=pop, subtitle=render_text(spec.subtitle, ctx, where=f"{entry.id}.subtitle"),
        stub_header=spec.stub_header, stub_width=spec.stub_width, footnotes=tuple(foot),
        provenance=provenance,
        page=page_setup(page),
        keep_together=getattr(spec, "keep_together", True),
    )


def with_stat_cells(rows: list[Row], analysis: str, stat_columns, cells: Cells) -> list[Row]:
    """The analysis's rows with one more cell per stat column: a p-value computed for a level goes
    on the row whose key is that level; one computed for the whole analysis on its first row."""
    if not stat_columns:
        return rows
    from dataclasses import replace

    out = []
    for i, row in enumerate(rows):
        extra = []
        for sc in stat_columns:
            text = ""
            if row.key is not None:
                text = cells.text((analysis, sc.id, row.key[0], row.key[1], "pvalue"))
            if i == 0 and not text:
                text = cells.text((analysis, sc.id, "", "", "pvalue"))
            extra.append(text)
        out.append(replace(row, cells=(*row.cells, *extra)))
    return out
