"""The `by_visit` table rows: per parameter and visit, the parts shown (value, change, ...) with their
statistics, and the p-values of the tests against baseline."""

from __future__ import annotations

from tlf.analyses.bds_layout import PART_LABELS, PART_PREFIX, TEST_ON, ne_once, notes, param_label
from tlf.spec.base import DISPLAY_ROWS
from tlf.tables.cells import Cells, inactive
from tlf.tables.model import Row, group_row, labelled, lead_rows
from tlf.tables.stats_as_columns import StatLine


def by_visit_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    rows: list[Row] = []
    heading, indent = labelled(a, len(cols))
    rows += heading
    many = len(a.params) > 1
    for p in a.params:
        pind = indent
        if many:  # kept on a page with its first visit
            rows.append(group_row(param_label(a, cells, p), len(cols), pind, f"{a.id}:{p}:{a.visits[0]}"))
            pind += 1
        for visit in a.visits:
            group = f"{a.id}:{p}:{visit}"
            rows.append(group_row(visit, len(cols), pind, group))
            parts = [x for x in a.show if x == "value" or visit != a.baseline_visit]
            empty = {c: _empty_text(a, cells, c, p, visit) for c in cols}
            for part in parts:
                sind = pind + 1
                if len(parts) > 1:
                    rows.append(group_row(a.labels.get(part, PART_LABELS[part]), len(cols), sind, group))
                    sind += 1
                for k, r in enumerate(a.rows):
                    label, template = DISPLAY_ROWS[r]
                    vals = tuple(a.na_text if inactive(a, c, periods) else
                                 (empty[c] if k == 0 else "") if empty[c] is not None else
                                 ne_once(cells.template(a.id, c, template, p, visit, PART_PREFIX[part]))
                                 for c in cols)
                    rows.append(Row(label, vals, indent=sind, group=group))
            if visit != a.baseline_visit:
                tind = pind + (2 if len(parts) > 1 else 1)
                for t in a.tests:
                    vals = tuple(a.na_text if inactive(a, c, periods) else "" if empty[c] is not None else
                                 _flagged(cells, (a.id, c, p, visit, f"{t.quantity}_wsr_pvalue"), t) for c in cols)
                    rows.append(Row(t.label or f"p-value ({TEST_ON[t.quantity]})", vals, indent=tind, group=group))
    return rows


def _empty_text(a, cells: Cells, col: str, param: str, visit: str) -> str | None:
    """What a column prints instead of its statistics at a visit where it has no analysable value:
    `no_data_text` when it has records there, `no_records_text` when it has none (None: print the
    statistics)."""
    parts = [x for x in a.show if x == "value" or visit != a.baseline_visit]
    ns = [cells.val.get((a.id, col, param, visit, PART_PREFIX[x] + "n")) for x in parts]
    if not ns or any(n is None or n != 0 for n in ns):
        return None
    records = cells.val.get((a.id, col, param, visit, "records"))
    return a.no_records_text if records == 0 else a.no_data_text


def _flagged(cells: Cells, key: tuple, test) -> str:
    """A p-value's text with the test's flag when the unrounded p is below alpha."""
    text = cells.text(key)
    value = cells.val.get(key)
    if text and value is not None and value == value and value < test.alpha:
        text += test.flag
    return text


def by_visit_stat_lines(a, cells: Cells, col: str) -> list[StatLine]:
    """`stats_as_columns`: per parameter (a heading when there are several) each visit the column has, one
    line per `show` part (under the visit as a heading when it shows several: Value, Change from baseline)."""
    lines: list[StatLine] = []
    indent = 0
    if a.label:
        lines.append(StatLine(a.label, indent))
        indent += 1
    for p in a.params:
        pind = indent
        if len(a.params) > 1:
            lines.append(StatLine(param_label(a, cells, p), pind))
            pind += 1
        for visit in a.visits:
            parts = [x for x in a.show if x == "value" or visit != a.baseline_visit]
            if not any((a.id, col, p, visit, PART_PREFIX[x] + "n") in cells.val for x in parts):
                continue
            if len(parts) == 1:
                lines.append(StatLine(visit, pind, (p, visit), PART_PREFIX[parts[0]]))
                continue
            lines.append(StatLine(visit, pind))
            lines += [StatLine(a.labels.get(x, PART_LABELS[x]), pind + 1, (p, visit), PART_PREFIX[x]) for x in parts]
    return lines


def side_by_side_layout(spec, cols, cells: Cells, big_n: dict[str, str], shell: bool):
    """(columns, rows) of a table of `side_by_side` by_visit analyses (CDISC pilot Table 14-6.01): under
    each treatment spanner "<label> (N=xx)" a column per part and statistic row, one row per visit.

                       ------Placebo (N=86)------
                                        Change from
                                        baseline
        Week            n   Mean (SD)   Mean (SD)
        Baseline       86   ...
        Week 2         84   ...         ...
    """
    from tlf.tables.model import Column

    first = next(a for a in spec.analyses if a.wide)
    spots = [(part, r) for part, names in first.side_by_side.items() for r in names]
    columns = tuple(Column(id=f"{c.id}:{part}:{r}", spanner=f"{c.label} (N={big_n[c.id]})", width=_width(r),
                           label=DISPLAY_ROWS[r][0] if part == "value" else
                           f"{first.labels.get(part, PART_LABELS[part])}\n{DISPLAY_ROWS[r][0]}")
                    for c in cols for part, r in spots)
    periods = {c.id: c.period for c in cols}
    rows: list[Row] = []
    section = None
    for a in spec.analyses:
        rows += lead_rows(a, bool(rows), section, len(columns))
        section = a.section
        heading, indent = labelled(a, len(columns))
        rows += heading
        for p in a.params:
            pind = indent
            if len(a.params) > 1:
                rows.append(group_row(param_label(a, cells, p), len(columns), pind, f"{a.id}:{p}"))
                pind += 1
            for visit in a.visits:
                vals = tuple(a.na_text if inactive(a, c.id, periods) else
                             "" if part != "value" and visit == a.baseline_visit else
                             ne_once(cells.template(a.id, c.id, DISPLAY_ROWS[r][1], p, visit, PART_PREFIX[part]))
                             for c in cols for part, r in spots)
                rows.append(Row(visit, vals, indent=pind, group=f"{a.id}:{p}"))
    return columns, rows


def _width(row: str) -> float:
    """Relative width of a side-by-side column: a count narrow, a pair ("Mean (SD)") wide."""
    template = DISPLAY_ROWS[row][1]
    return 0.5 if row == "n" else 1.8 if template.count("{") > 1 else 1.0


ROWS = {"by_visit": by_visit_rows}
WIDE = {"by_visit": side_by_side_layout}
STAT_LINES = {"by_visit": by_visit_stat_lines}
NOTES = {"by_visit": notes}
