"""An ARS output of measures summarised by the same groupings (observed value and change from baseline
by treatment, parameter and visit): the two layouts of a by-visit summary table.

An output is such an output when every analysis it lists (but its count of subjects by treatment, the
`(N=x)` line) is a summary without a percentage, all of one method and of the same groupings, the first
the columns' (treatment) and at least one more (parameter, visit), each of another variable (AVAL, CHG;
analyses of one variable by parameter subsets, as `tlf ars export` writes, stay blocks of rows): each entry
of the list under the output is then one measure (its name "Summary of Observed Value by Treatment, Parameter and Visit" gives the label
"Observed Value"), and each combination of the other groupings' groups, in their order, a row key.

ARS v1 states no layout: CDISC's example has two vital-signs outputs of the very same analyses, display
sections and list of contents, which differ only in their names, "... Horizontal" and "... Vertical" (the
vertical one's display title ends "<Vertical Layout>"). So the word decides:

- **vertical** (the default): statistics as rows. Rows: the row groupings nested (parameter, then visit
  under it), and under each key a row per operation (n, Mean, SD ...); columns: per treatment (its name and
  `(N=x)` as a spanning header) a column per measure (Observed Value, Change from Baseline) side by side;
  one measure: the treatments alone, their `(N=x)` under the name.
- **horizontal** (the output's name, its display's name or title, or its entry in the main list of
  contents says "horizontal"): statistics as columns, as the pilot's Table 14-7.01. Columns: per measure
  (a spanning header) a column per operation; rows: the row groupings nested, and under each key a row per
  treatment, labelled "Placebo (N=86)".

A cell is the result's formattedValue; a measure without a result at a key (change from baseline at
Baseline) leaves its cells blank.
"""

from __future__ import annotations

import re
from typing import Any

from tlf.ars.run import Result

_SUMMARY_NAME = re.compile(r"^\s*summary\s+of\s+(.+?)\s+by\s+.+$", re.IGNORECASE)


def measure_label(name: str) -> str:
    """'Summary of Observed Value by Treatment, Parameter and Visit' -> 'Observed Value'; else the name."""
    m = _SUMMARY_NAME.match(name)
    return m.group(1) if m else name


def is_horizontal(out: dict, display: dict, entry_name: str) -> bool:
    texts = (out.get("name"), out.get("label"), display.get("name"), display.get("label"),
             display.get("displayTitle"), entry_name)
    return any("horizontal" in str(t or "").lower() for t in texts)


def measures_of(blocks, summaries: list[str], tests: list[str], n_analysis: str | None, analyses: dict,
                kinds: dict) -> list[tuple[str, str]] | None:
    """[(measure label, analysis id)] when the output is one of measures by the same groupings, else None."""
    if tests:
        return None
    shown = [aid for aid in summaries if aid != n_analysis]
    per_block = [[aid for aid, _l in items if aid in shown] for _name, items in blocks]
    if not shown or any(len(b) > 1 for b in per_block):
        return None
    first = analyses[shown[0]]

    def shape(a) -> tuple:
        return tuple((g.groupingId, g.resultsByGroup) for g in sorted(a.orderedGroupings, key=lambda g: g.order))

    if len(shape(first)) < 2 or not all(r for _g, r in shape(first)):
        return None
    if any(shape(analyses[aid]) != shape(first) or analyses[aid].methodId != first.methodId
           or kinds[aid] & {"pct", "subjects"} for aid in shown):
        return None
    variables = [f"{analyses[aid].dataset}.{analyses[aid].variable}".upper() for aid in shown]
    if len(set(variables)) != len(variables):  # measures are variables (AVAL, CHG), not parameters or subsets
        return None
    return [(measure_label(name), b[0]) for (name, _items), b in zip(blocks, per_block, strict=True) if b]


def measure_table(event: Any, run, measures: list[tuple[str, str]], col: str, col_groups: list,
                  n_text: dict[str, str], horizontal: bool) -> tuple[tuple, tuple]:
    """(columns, rows) of the table (the module's docstring)."""
    from tlf.tables.model import Column, Row, group_row

    groupings = {g.id: g for g in event.analysisGroupings}
    analyses = {a.id: a for a in event.analyses}
    method = next(m for m in event.methods if m.id == analyses[measures[0][1]].methodId)
    row_gids = [g.groupingId for g in sorted(analyses[measures[0][1]].orderedGroupings, key=lambda g: g.order)
                if g.groupingId != col]
    cells: dict[tuple, str] = {}  # (analysis, column group, row key, operation) -> formattedValue
    seen_ops: set[str] = set()
    values: dict[str, list] = {g: [] for g in row_gids}  # a data-driven grouping's values, as they come
    for _label, aid in measures:
        for r in run.results.get(aid, []):
            key = _key(r, row_gids)
            cells[(aid, _group(r, col), key, r.operation_id)] = r.formatted
            seen_ops.add(r.operation_id)
            for (gid, ident), vals in zip(key, (values[g] for g in row_gids), strict=True):
                if groupings[gid].dataDriven and ident not in vals:
                    vals.append(ident)
    ops = [(o.id, o.label or o.name) for o in sorted(method.operations, key=lambda o: o.order or 0)
           if o.id in seen_ops]
    n_op = next((o.id for o in method.operations if any(r.kind == "n" and r.operation_id == o.id
                                                        for _m, aid in measures for r in run.results.get(aid, []))), None)
    for _m, aid in measures:  # a measure not observed at a key (change from baseline at Baseline): blank
        for key in {k for (a, _c, k, _o) in cells if a == aid}:
            if n_op and all(cells.get((aid, g.id, key, n_op), "0").strip() == "0" for g in col_groups):
                for g in col_groups:
                    for op in seen_ops:
                        cells.pop((aid, g.id, key, op), None)
            elif n_op:  # a column with no value there prints its n and leaves the statistics blank
                for g in col_groups:
                    if cells.get((aid, g.id, key, n_op), "").strip() == "0":
                        for op in seen_ops - {n_op}:
                            cells.pop((aid, g.id, key, op), None)
    present = {k for (_a, _c, k, _o) in cells}
    order = {gid: ({v: i for i, v in enumerate(values[gid])} if groupings[gid].dataDriven
                   else {grp.id: i for i, grp in enumerate(groupings[gid].groups)}) for gid in row_gids}
    names = {gid: {grp.id: grp.name or grp.id for grp in groupings[gid].groups} for gid in row_gids}
    keys = sorted(present, key=lambda k: tuple(order[g].get(i, len(order[g])) for g, i in k))
    heads = {g.id: f"{g.name} {n_text.get(g.id, '')}".strip() for g in col_groups}
    several = len(measures) > 1
    if horizontal:
        columns = tuple(Column(f"{aid}|{op}", label, spanner=m if several else "")
                        for m, aid in measures for op, label in ops)
    elif several:
        columns = tuple(Column(f"{g.id}|{aid}", m, spanner=heads[g.id]) for g in col_groups for m, aid in measures)
    else:
        columns = tuple(Column(g.id, g.name, n_label=n_text.get(g.id, "")) for g in col_groups)
    width = len(columns)
    rows: list = []
    previous: tuple = ()
    for key in keys:
        group = "/".join(i for _g, i in key)
        for depth in range(len(key)):
            if key[:depth + 1] != previous[:depth + 1]:
                gid, ident = key[depth]
                rows.append(group_row(names[gid].get(ident, ident), width, depth,
                                      "/".join(i for _g, i in key[:depth + 1])))
        previous = key
        if horizontal:
            for g in col_groups:
                rows.append(Row(heads[g.id], tuple(cells.get((aid, g.id, key, op), "") for _m, aid in measures
                                                    for op, _l in ops), indent=len(key), group=group))
        else:
            for op, label in ops:
                rows.append(Row(label, tuple(cells.get((aid, g.id, key, op), "") for g in col_groups
                                             for _m, aid in measures), indent=len(key), group=group))
    return columns, tuple(rows)


def _group(r: Result, gid: str | None):
    return next((i or v for g, i, v in r.groups if g == gid), None)


def _key(r: Result, row_gids: list[str]) -> tuple:
    found = {g: i or v for g, i, v in r.groups}
    return tuple((g, found.get(g)) for g in row_gids)


SMALLEST = 6.0  # points: the smallest font a wide table is printed in to keep its values on one line


def fit(columns: tuple, rows: tuple, page) -> tuple[tuple, float | None, Any]:
    """(columns, stub width, page): unchanged when every value fits on one line of its column at the page's
    font; else the largest font (half points down to SMALLEST) at which it does, the columns as wide as
    their widest value (or header word) and the stub the rest, so that numbers never wrap. A stub label
    may wrap (after 20 characters)."""
    from dataclasses import replace

    from tlf.render.text_metrics import CELL_PAD, FIT_SLACK, INDENT_STEP, char_width
    from tlf.tables.model import INCH

    need = [max([len(w) for w in c.label.replace("\n", " ").split(" ")]
                + [len(w) for w in c.n_label.split(" ")] + [len(r.cells[i]) for r in rows]) for i, c in enumerate(columns)]
    stub_chars = max([min(len(r.label), 20) for r in rows] or [0])
    stub_indent = max([r.indent for r in rows if r.label] or [0]) * INDENT_STEP
    size = page.font_size
    while True:
        cw = char_width(replace(page, font_size=size)) / INCH
        widths = [n * cw + 2 * CELL_PAD + FIT_SLACK + 0.002 for n in need]
        stub = stub_chars * cw + stub_indent + 2 * CELL_PAD + FIT_SLACK
        if sum(widths) + stub <= page.text_width or size - 0.5 < SMALLEST:
            break
        size -= 0.5
    if size == page.font_size:
        return columns, None, page
    columns = tuple(replace(c, width=w) for c, w in zip(columns, widths, strict=True))
    return columns, max(page.text_width - sum(widths), stub), replace(page, font_size=size)
