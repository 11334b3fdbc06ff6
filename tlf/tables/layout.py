"""ARD (formatted) + output spec -> Table: row order, nesting, "n (%)" cells, "(N=xx)" headers.

Reads only the spec and the ARD, so a mock ARD (no data) gives the shell through the same code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.spec.base import DISPLAY_ROWS
from tlf.tables import layout_bds
from tlf.tables.cells import Cells as Cells
from tlf.tables.cells import inactive as _inactive
from tlf.tables.layout_er import emax_notes, emax_rows
from tlf.tables.layout_pk import pk_rows, power_model_rows, stat_column_layout
from tlf.tables.model import Column, Row, Table, page_setup

if TYPE_CHECKING:
    import pandas as pd

    from tlf.spec.validate import OutputEntry, Study


def layout_table(study: Study, entry: OutputEntry, ard: pd.DataFrame, *, provenance: str = "",
                 context: dict | None = None, shell: bool = False) -> Table:
    """The formatted Table of one output from its (formatted) ARD."""
    from tlf.format.text import render_text

    spec = entry.spec
    cols = study.columns_for(entry)
    cells = Cells(ard)
    big_n = {c: f for (a, c, _p, _lv, s), f in cells.fmt.items() if a == "_N" and s == "N"}
    columns = tuple(
        Column(id=c.id, label=c.label, n_label=f"(N={big_n.get(c.id, 'xx' if shell else '0')})",
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
        columns, rows = stat_column_layout(spec, cols, cells, big_n, shell)
    width = len(columns)
    for a in spec.analyses:
        if not stats_as_columns:
            if a.blank_before and rows:
                rows.append(Row("", ("",) * width, kind="blank"))
            if a.type == "ancova":
                block = layout_bds.ancova_rows(a, cells, col_ids, periods, shell, col_labels)
            else:
                block = _ROWS[a.type](a, cells, col_ids, periods, shell)
            rows += with_stat_cells(block, a.id, spec.stat_columns, cells)
        auto += [n for n in layout_bds.notes(a, cells) if n not in auto]
        if a.type == "emax":
            auto += [n for n in emax_notes(a, cells) if n not in auto]
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
                text = cells.fmt.get((analysis, sc.id, row.key[0], row.key[1], "pvalue"), "")
            if i == 0 and not text:
                text = cells.fmt.get((analysis, sc.id, "", "", "pvalue"), "")
            extra.append(text)
        out.append(replace(row, cells=(*row.cells, *extra)))
    return out


def _count_rows(a, cells: Cells, cols, periods, shell) -> list[Row]:
    vals = tuple(a.na_text if _inactive(a, c, periods) else cells.n_pct(a.id, c, shell=shell) for c in cols)
    return [Row(a.label, vals, indent=a.indent, group=a.id)]


def _levels_in_order(cells: Cells, a_id: str) -> list[tuple[str, str]]:
    levels = cells.levels.get(a_id, {})
    return sorted(levels, key=lambda k: levels[k])


def _categorical_rows(a, cells: Cells, cols, periods, shell) -> list[Row]:
    rows = []
    indent = a.indent
    if a.label:
        rows.append(Row(a.label, ("",) * len(cols), indent=indent, kind="group", group=a.id))
        indent += 1
    for parent, level in _levels_in_order(cells, a.id):
        vals = tuple(a.na_text if _inactive(a, c, periods) else cells.n_pct(a.id, c, parent, level, shell)
                     for c in cols)
        rows.append(Row(level, vals, indent=indent, group=a.id))
    return rows


def _continuous_rows(a, cells: Cells, cols, periods, shell) -> list[Row]:
    def line(name: str) -> tuple[str, ...]:
        template = DISPLAY_ROWS[name][1]
        return tuple(a.na_text if _inactive(a, c, periods) else
                     (cells.template(a.id, c, template) if cells.has(a.id, c) else "") for c in cols)

    if len(a.rows) == 1 and a.label:
        return [Row(a.label, line(a.rows[0]), indent=a.indent, group=a.id)]
    rows = []
    indent = a.indent
    if a.label:
        rows.append(Row(a.label, ("",) * len(cols), indent=indent, kind="group", group=a.id))
        indent += 1
    rows += [Row(DISPLAY_ROWS[r][0], line(r), indent=indent, group=a.id) for r in a.rows]
    return rows


def _terms_rows(a, cells: Cells, cols, periods, shell) -> list[Row]:
    rows = []
    indent = a.indent
    if a.label:
        rows.append(Row(a.label, ("",) * len(cols), indent=indent, kind="group", group=a.id))
        indent += 1
    for parent, level in _levels_in_order(cells, a.id):
        nested = bool(parent) and parent != level
        vals = tuple(a.na_text if _inactive(a, c, periods) else cells.n_pct(a.id, c, parent, level, shell)
                     for c in cols)
        group = f"{a.id}:{parent}" if parent else a.id
        rows.append(Row(level, vals, indent=indent + (1 if nested else 0), group=group, key=(parent, level)))
    return rows


def _time_to_event_rows(a, cells: Cells, cols, periods, shell) -> list[Row]:
    from tlf.spec.model import TTE_ROWS

    def line(name: str) -> tuple[str, ...]:
        if name in ("events", "censored"):
            level = "Events" if name == "events" else "Censored"
            return tuple(a.na_text if _inactive(a, c, periods) else cells.n_pct(a.id, c, "", level, shell)
                         for c in cols)
        return tuple(a.na_text if _inactive(a, c, periods) else
                     (cells.template(a.id, c, TTE_ROWS[name][1]) if cells.has(a.id, c) else "") for c in cols)

    rows = []
    indent = a.indent
    if a.label:
        rows.append(Row(a.label, ("",) * len(cols), indent=indent, kind="group", group=a.id))
        indent += 1
    label = {"median_ci": f"Median ({100 * (1 - a.alpha):g}% CI)"}
    rows += [Row(label.get(r, TTE_ROWS[r][0]), line(r), indent=indent, group=a.id) for r in a.rows]
    return rows


# one dispatch: rows of the analyses by parameter and visit, and of correlations, are in layout_bds.py
_ROWS = {"count": _count_rows, "categorical": _categorical_rows, "continuous": _continuous_rows,
         "terms": _terms_rows, "by_visit": layout_bds.by_visit_rows, "responders": layout_bds.responders_rows,
         "ancova": layout_bds.ancova_rows, "correlation": layout_bds.correlation_rows,
         "time_to_event": _time_to_event_rows, "pk_parameters": pk_rows, "pk_concentrations": pk_rows,
         "power_model": power_model_rows, "emax": emax_rows}
