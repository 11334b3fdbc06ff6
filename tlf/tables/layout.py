"""ARD (formatted) + output spec -> Table: row order, nesting, "n (%)" cells, "(N=xx)" headers.

Reads only the spec and the ARD, so a mock ARD (no data) gives the shell through the same code.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from tlf.analyses.estimates import estimate_text, is_estimate
from tlf.analyses.registry import part
from tlf.tables.cells import Cells
from tlf.tables.model import Column, Row, Table, lead_rows, page_setup
from tlf.tables.stats_as_columns import stat_column_layout

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
    sparse: list[tuple] = []  # (stat column, row label) of each p-value of a sparse chi-square
    stats_as_columns = bool(getattr(spec, "stats_as_columns", None))
    wide = next((a for a in spec.analyses if getattr(a, "wide", False)), None)  # its family's WIDE makes the table
    whole = part(spec.analyses[0].type, "layout", "TABLE") if spec.analyses else None
    if stats_as_columns:  # statistics as columns, treatment columns as row groups (vital signs, PK)
        columns, rows = stat_column_layout(spec, cols, cells, big_n, shell)
    elif wide is not None:  # each treatment spans columns: parts by statistic, or levels (validated)
        columns, rows = part(wide.type, "layout", "WIDE")(spec, cols, cells, big_n, shell)
    elif whole:  # a family with columns of its own (shift: categories under each treatment; validated alone)
        columns, rows = whole(spec, cols, cells, big_n, shell)
    align = getattr(spec, "align", None) or study.spec.align
    columns = tuple(dataclasses.replace(c, align=align) for c in columns)
    width = len(columns)
    section = None
    for a in spec.analyses:
        if not stats_as_columns and wide is None and not whole:
            rows += lead_rows(a, bool(rows), section, width)  # a section heading: kept with the row after it
            section = a.section
            block = part(a.type, "layout", "ROWS")(a, cells, col_ids, periods, shell, col_labels)
            rows += with_stat_cells(block, a.id, spec.stat_columns, cells, sparse)
        notes = part(a.type, "layout", "NOTES")
        if notes:
            auto += [n for n in notes(a, cells) if n not in auto]
    auto += [n for n in sparse_footnotes(spec.stat_columns, sparse) if n not in auto]
    ctx = dict(context or {})
    titles = tuple(render_text(t, ctx, where=f"{entry.id}.title",
                    location=entry.source.locate(("title",))) for t in spec.titles)
    foot = [render_text(f, ctx, where=f"{entry.id}.footnotes",
                    location=entry.source.locate(("footnotes",))) for f in spec.footnotes] + auto + \
        [render_text(f, ctx, where=f"{entry.id}.footnotes", location=study.source.locate(("footnotes",))) for f in study.spec.footnotes]
    page = spec.page or study.spec.page
    pop = study.spec.populations[spec.population].label
    return Table(
        output_id=spec.id, number=spec.number, titles=titles, columns=columns, rows=tuple(rows),
        population=pop, subtitle=render_text(spec.subtitle, ctx, where=f"{entry.id}.subtitle",
                    location=entry.source.locate(("subtitle",))),
        stub_header=spec.stub_header, stub_width=spec.stub_width, footnotes=tuple(foot),
        provenance=provenance,
        page=page_setup(page),
        keep_together=getattr(spec, "keep_together", True),
        notes=sparse_warnings(spec.stat_columns, sparse),
    )


def with_stat_cells(rows: list[Row], analysis: str, stat_columns, cells: Cells,
                    sparse: list | None = None) -> list[Row]:
    """The analysis's rows with one more cell per stat column: a p-value computed for a level goes
    on the row whose key is that level; one computed for the whole analysis on its first row.
    `sparse` collects (stat column, row label) of the printed p-values of sparse chi-squares."""
    if not stat_columns:
        return rows
    from dataclasses import replace

    from tlf.stats.compare import SPARSE_NOTE

    out = []
    for i, row in enumerate(rows):
        extra = []
        for sc in stat_columns:
            text, key = "", None
            if is_estimate(sc):  # "est (lower, upper)" on the row's own key (the first row: the analysis's)
                extra.append(estimate_text(cells, analysis, sc.id, ([row.key] if row.key is not None else [])
                                           + ([("", "")] if i == 0 else [])))
                continue
            if row.key is not None:
                key = (analysis, sc.id, row.key[0], row.key[1], "pvalue")
                text = cells.text(key)
            if i == 0 and not text:
                key = (analysis, sc.id, "", "", "pvalue")
                text = cells.text(key)
            extra.append(text)
            if (text and sparse is not None and sc.sparse != "none" and cells.val.get(key) == cells.val.get(key)
                    and cells.warn.get(key, "").startswith(SPARSE_NOTE)):
                sparse.append((sc, row.label))
        out.append(replace(row, cells=(*row.cells, *extra)))
    return out


def sparse_footnotes(stat_columns, sparse: list[tuple]) -> list[str]:
    """The footnote of each stat column with a p-value of a sparse chi-square: flagged, or Fisher's
    exact test instead (its `sparse`)."""
    out = []
    for sc in stat_columns:
        if not any(s is sc for s, _ in sparse):
            continue
        if sc.sparse == "fisher":
            out.append(f"{sc.sparse_mark} Fisher's exact test: more than 20% of the expected cell counts of the "
                       "chi-square test are below 5.")
        else:
            out.append(f"{sc.sparse_mark} Chi-square test; more than 20% of expected cell counts are below 5: the "
                       "p-value may be inaccurate.")
    return out


def sparse_warnings(stat_columns, sparse: list[tuple], most: int = 10) -> tuple[str, ...]:
    """One build warning per stat column with p-values of sparse chi-squares, naming its rows (the first
    `most` of them)."""
    out = []
    for sc in stat_columns:
        labels = [label for s, label in sparse if s is sc]
        if not labels:
            continue
        named = ", ".join(f"'{label}'" for label in labels[:most])
        more = f" and {len(labels) - most} more (the ARD's warning column lists them)" if len(labels) > most else ""
        what = ("Fisher's exact test printed instead" if sc.sparse == "fisher"
                else f"printed with '{sc.sparse_mark}' and a footnote")
        several = len(labels) > 1
        out.append(f"stat column '{sc.id}': the chi-square{'s' if several else ''} of row{'s' if several else ''} "
                   f"{named}{more} ha{'ve' if several else 's'} more than 20% of expected cell counts below 5 "
                   f"(sparse: {sc.sparse}): {what}")
    return tuple(out)
