"""The `categorical` table rows: a group row (the label), then n (%) per level."""

from __future__ import annotations

from tlf.tables.cells import Cells, inactive, levels_in_order
from tlf.tables.model import Row, labelled, lead_rows


def categorical_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    rows = []
    heading, indent = labelled(a, len(cols))
    rows += heading
    for parent, level in levels_in_order(cells, a.id):
        n_row = bool(a.n_row) and level == a.n_row and not parent  # a count alone, and the p-values go on it
        vals = tuple(a.na_text if inactive(a, c, periods) else
                     cells.text((a.id, c, parent, level, "n")) if n_row else
                     cells.n_pct(a.id, c, parent, level, shell, a.display == "n/m (%)") for c in cols)
        rows.append(Row(level, vals, indent=indent, group=a.id, key=(parent, level)))
    return rows


def levels_as_columns_layout(spec, cols, cells: Cells, big_n: dict[str, str], shell: bool):
    """(columns, rows) of a table of `levels_as_columns` categorical analyses: under each treatment
    spanner "<label> (N=xx)" a column per level (and "Missing" when some subject is counted there), one
    row per analysis.

                        -------Placebo (N=86)-------
                         Low      Normal     High
        ALT              0      50 (58.1)   2 (2.3)
    """
    from tlf.tables.model import Column

    first = spec.analyses[0]
    labels = [lv.label for lv in first.levels]
    extra = [lv for a in spec.analyses for (_, lv) in levels_in_order(cells, a.id) if lv not in labels]
    labels += list(dict.fromkeys(extra))  # the Missing column
    columns = tuple(Column(id=f"{c.id}:{lv}", label=lv, spanner=f"{c.label} (N={big_n[c.id]})")
                    for c in cols for lv in labels)
    periods = {c.id: c.period for c in cols}
    rows: list[Row] = []
    section = None
    for a in spec.analyses:
        rows += lead_rows(a, bool(rows), section, len(columns))
        section = a.section
        vals = tuple(a.na_text if inactive(a, c.id, periods) else
                     cells.n_pct(a.id, c.id, "", lv, shell, a.display == "n/m (%)") or ("" if shell else "0")
                     for c in cols for lv in labels)
        rows.append(Row(a.label or a.var, vals, indent=a.indent, group=a.id))
    return columns, rows


ROWS = {"categorical": categorical_rows}
WIDE = {"categorical": levels_as_columns_layout}
