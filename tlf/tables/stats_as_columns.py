"""Tables whose columns are statistics (`stats_as_columns`) and whose treatment columns are row groups:
the usual vital-sign, weight and PK summary tables.

    Placebo (N=86)                     n    Mean     SD   Median    Min    Max
      Systolic blood pressure (mmHg)
        Baseline                      86   136.2  17.42  135.0     98    190
        Week 24                       57   135.4  16.99  ...

Each family that can be shown so gives, in its home's layout.py, STAT_LINES: type -> lines(a, cells, col)
-> the StatLines of one analysis in one treatment column (its headings and the (parent, level, prefix)
of the statistics of each line). This module adds the treatment headings and reads the cells: the
statistic `prefix + name` of each column's name at the line's key; a line whose n is 0 prints its
counts and leaves the rest blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from tlf.analyses.registry import part
from tlf.tables.cells import Cells
from tlf.tables.model import Column, Row, lead_rows

COUNT_STATS = ("n", "n_blq")
STAT_LABELS = {"n": "n", "n_blq": "n BLQ", "mean": "Mean", "sd": "SD", "se": "SE", "cv": "CV%",
               "geomean": "Geom.\nmean", "geocv": "Geom.\nCV%", "median": "Median", "q1": "Q1",
               "q3": "Q3", "min": "Min", "max": "Max"}


@dataclass(frozen=True)
class StatLine:
    """One row of an analysis in a treatment column: a heading (key None) or the statistics at `key`
    ((parent, level) of the ARD) named `prefix + stat` ("chg_" + "mean"); `shown`: the statistics the
    line prints (None: all), the others blank. `indent` is relative to the analysis."""

    label: str
    indent: int = 0
    key: tuple[str, str] | None = None
    prefix: str = ""
    shown: frozenset[str] | None = None
    group: str = ""


def stat_column_layout(spec, cols, cells: Cells, big_n: dict[str, str], shell: bool):
    """(columns, rows) of a table with `stats_as_columns`: per treatment column a heading
    "<label> (N=xx)" kept on one page with its rows where they fit, then each analysis's lines; or, with
    `stats_as_columns_groups: analysis`, per analysis its heading, then per treatment its heading (or, for
    an analysis of one line, that line labelled by the treatment) and its lines."""
    stats = list(spec.stats_as_columns)
    columns = tuple(Column(id=s, label=STAT_LABELS.get(s, s), width=1.0) for s in stats)  # stub keeps its width
    blank = ("",) * len(stats)
    rows: list[Row] = []

    def add(a, c, lines: list[StatLine], indent: int, group: str) -> None:
        for line in lines:
            if line.key is None:
                rows.append(Row(line.label, blank, indent=indent + line.indent, kind="group", group=group))
                continue
            key = (a.id, c.id, *line.key)
            n = cells.val.get((*key, line.prefix + "n"))
            vals = tuple("" if (line.shown is not None and s not in line.shown)
                         or (n == 0 and s not in COUNT_STATS) else cells.text((*key, line.prefix + s))
                         for s in stats)
            rows.append(Row(line.label, vals, indent=indent + line.indent, group=group))

    def active(a, c) -> bool:
        return a.periods is None or c.period in a.periods

    if getattr(spec, "stats_as_columns_groups", "treatment") == "analysis":
        section = None
        for a in spec.analyses:
            lines_of = part(a.type, "layout", "STAT_LINES")
            rows += lead_rows(a, bool(rows), section, len(blank))
            section = a.section
            if a.label:
                rows.append(Row(a.label, blank, kind="group", group=a.id))
            for c in cols:
                if not active(a, c):
                    continue
                head = f"{c.label} (N={big_n[c.id]})"
                lines = [x for x in lines_of(a, cells, c.id) if not (x.key is None and x.indent == 0 and x.label == a.label)]
                if len(lines) == 1 and lines[0].key is not None:  # one line (a continuous): the treatment's
                    add(a, c, [StatLine(head, 0, lines[0].key, lines[0].prefix, lines[0].shown)], 1, a.id)
                    continue
                rows.append(Row(head, blank, indent=1, kind="group", group=f"{a.id}:{c.id}"))
                add(a, c, [StatLine(x.label, max(x.indent - 1, 0) if a.label else x.indent, x.key, x.prefix,
                                    x.shown) for x in lines], 2, f"{a.id}:{c.id}")
        return columns, rows
    for c in cols:
        rows.append(Row(f"{c.label} (N={big_n[c.id]})", blank, kind="group", group=c.id))
        for k, a in enumerate(spec.analyses):
            if active(a, c):
                if a.blank_before and k:
                    rows.append(Row("", blank, kind="blank"))
                add(a, c, part(a.type, "layout", "STAT_LINES")(a, cells, c.id), 1, c.id)
    return columns, rows
