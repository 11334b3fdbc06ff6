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
from tlf.tables.model import Column, Row

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
    "<label> (N=xx)" kept on one page with its rows where they fit, then each analysis's lines."""
    stats = list(spec.stats_as_columns)
    columns = tuple(Column(id=s, label=STAT_LABELS.get(s, s), width=1.0) for s in stats)  # stub keeps its width
    blank = ("",) * len(stats)
    rows: list[Row] = []
    for c in cols:
        rows.append(Row(f"{c.label} (N={big_n[c.id]})", blank, kind="group", group=c.id))
        for a in spec.analyses:
            if a.periods is not None and c.period not in a.periods:
                continue
            for line in part(a.type, "layout", "STAT_LINES")(a, cells, c.id):
                indent = 1 + line.indent
                if line.key is None:
                    rows.append(Row(line.label, blank, indent=indent, kind="group", group=c.id))
                    continue
                key = (a.id, c.id, *line.key)
                n = cells.val.get((*key, line.prefix + "n"))
                vals = tuple("" if (line.shown is not None and s not in line.shown)
                             or (n == 0 and s not in COUNT_STATS) else cells.text((*key, line.prefix + s))
                             for s in stats)
                rows.append(Row(line.label, vals, indent=indent, group=c.id))
    return columns, rows
