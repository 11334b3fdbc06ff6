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

STAT_LABELS = {"n": "n", "n_blq": "n BLQ", "mean": "Mean", "sd": "SD", "se": "SE", "cv": "CV%",
               "geomean": "Geom.\nmean", "geocv": "Geom.\nCV%", "median": "Median", "q1": "Q1",
               "q3": "Q3", "min": "Min", "max": "Max"}


def _shown(a, order: int) -> set[str] | None:
    """The statistics a level shows (from its display rows), or None for all."""
    params = getattr(a, "parameters", None)
    names = (params[order % len(params)].rows if params else None) or None
    if names is None:
        return None
    return {stat for name in names for stat in FIELD.findall(PK_DISPLAY_ROWS[name][1])}


def stat_column_layout(spec, cols, cells, big_n: dict[str, str], shell: bool):
    """(columns, rows) of a table whose columns are statistics (`stats_as_columns`) and whose treatment
    columns are row groups, each headed "<label> (N=xx)" and kept on one page where it fits:

        Iberdomide 0.3 mg QD (N=8)       n    Mean     SD   ...
          Day 1
            Cmax (ng/mL)                 4    3.45   1.26   ...
    """
    from tlf.tables.model import Column

    stats = list(spec.stats_as_columns)
    columns = tuple(Column(id=s, label=STAT_LABELS.get(s, s), width=1.0) for s in stats)  # stub keeps its width
    blank = ("",) * len(stats)
    rows: list[Row] = []
    for c in cols:
        n = big_n[c.id]
        rows.append(Row(f"{c.label} (N={n})", blank, kind="group", group=c.id))
        for a in spec.analyses:
            if a.periods is not None and c.period not in a.periods:
                continue
            indent = 1
            if a.label:
                rows.append(Row(a.label, blank, indent=indent, kind="group", group=c.id))
                indent += 1
            last_parent = None
            for parent, level, order in ordered_levels(cells, a.id):
                if cells.val.get((a.id, c.id, parent, level, "n")) is None:
                    continue
                if parent and parent != last_parent:
                    rows.append(Row(parent, blank, indent=indent, kind="group", group=c.id))
                last_parent = parent
                shown = _shown(a, order)
                n_val = cells.val.get((a.id, c.id, parent, level, "n"))
                vals = tuple("" if (shown is not None and s not in shown) or (n_val == 0 and s not in COUNT_ROWS)
                             else cells.text((a.id, c.id, parent, level, s)) for s in stats)
                rows.append(Row(level, vals, indent=indent + (1 if parent else 0), group=c.id))
    return columns, rows


# ---------------------------------------------------------------- dose proportionality


ROWS = {"pk_parameters": pk_rows, "pk_concentrations": pk_rows}
STATS_AS_COLUMNS = {"pk_parameters": stat_column_layout, "pk_concentrations": stat_column_layout}
