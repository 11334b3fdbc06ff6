"""Table rows of the PK summaries (`pk_parameters`, `pk_concentrations`), from the formatted ARD.

    Day 1                                  group row (one per `by` group)
      Cmax (ng/mL)                         parameter or time point (kept together on a page)
        n                    4      4
        Mean (SD)       3.21 (1.05) ...
        CV%                 32.7
        ...

A cell whose n is 0 prints its n (and n BLQ) and leaves the other statistics blank.
"""

from __future__ import annotations

from tlf.analyses.pk.spec import PK_DISPLAY_ROWS
from tlf.tables.cells import FIELD, inactive, ordered_levels
from tlf.tables.model import Row
from tlf.tables.stats_as_columns import StatLine

COUNT_ROWS = ("n", "n_blq")


def _fill(cells, a_id: str, col: str, parent: str, level: str, name: str) -> str:
    template = PK_DISPLAY_ROWS[name][1]
    n = cells.val.get((a_id, col, parent, level, "n"))
    if n is None:
        return ""
    if n == 0 and name not in COUNT_ROWS:
        return ""
    return cells.fill(a_id, col, template, parent, level)


def pk_rows(a, cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    """Rows of one PK summary analysis."""
    params = getattr(a, "parameters", None)
    rows: list[Row] = []
    indent = a.indent
    blank = ("",) * len(cols)
    if a.label:
        rows.append(Row(a.label, blank, indent=indent, kind="group", group=""))
        indent += 1
    last_parent = None
    for parent, level, order in ordered_levels(cells, a.id):
        if parent and parent != last_parent:
            rows.append(Row(parent, blank, indent=indent, kind="group"))
        last_parent = parent
        li = indent + (1 if parent else 0)
        names = a.rows
        if params:
            own = params[order % len(params)].rows
            names = own or names
        key = f"{a.id}:{parent}:{level}"
        rows.append(Row(level, blank, indent=li, kind="group", group=key))
        for name in names:
            vals = tuple(a.na_text if inactive(a, c, periods)
                         else _fill(cells, a.id, c, parent, level, name) for c in cols)
            rows.append(Row(PK_DISPLAY_ROWS[name][0], vals, indent=li + 1, group=key))
    return rows


# ---------------------------------------------------------------- statistics as columns


def _shown(a, order: int) -> frozenset[str] | None:
    """The statistics a level shows (from its display rows), or None for all."""
    params = getattr(a, "parameters", None)
    names = (params[order % len(params)].rows if params else None) or None
    if names is None:
        return None
    return frozenset(stat for name in names for stat in FIELD.findall(PK_DISPLAY_ROWS[name][1]))


def pk_stat_lines(a, cells, col: str) -> list[StatLine]:
    """The lines of a PK summary in one treatment column of a table with `stats_as_columns`
    (tlf/tables/stats_as_columns.py): its label, each `by` group and its parameters (or time points)
    that the column has."""
    lines: list[StatLine] = []
    indent = 0
    if a.label:
        lines.append(StatLine(a.label, indent))
        indent += 1
    last_parent = None
    for parent, level, order in ordered_levels(cells, a.id):
        if cells.val.get((a.id, col, parent, level, "n")) is None:
            continue
        if parent and parent != last_parent:
            lines.append(StatLine(parent, indent))
        last_parent = parent
        lines.append(StatLine(level, indent + (1 if parent else 0), (parent, level), shown=_shown(a, order)))
    return lines


# ---------------------------------------------------------------- dose proportionality


ROWS = {"pk_parameters": pk_rows, "pk_concentrations": pk_rows}
STAT_LINES = {"pk_parameters": pk_stat_lines, "pk_concentrations": pk_stat_lines}
