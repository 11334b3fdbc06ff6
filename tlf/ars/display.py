"""An ARS output -> tlf's table model (tlf/tables), rendered like any tlf table (DOCX, XLSX).

What the table shows comes from the reporting event: the analyses are those the main list of contents
files under the output, in its order; each entry under the output in that list is a block of rows under
its name (an entry of one line is that line). The columns are the groups of the first grouping of the
output's summaries (treatment), their N line the formatted result of the count-only analysis by that
grouping, and each comparison across those groups adds a p-value column. An output of measures by the
same groupings (observed value and change from baseline by parameter and visit) is laid out by
display_measures (statistics as rows, or as columns for a "horizontal" output). Titles, footnotes, the
row-label header and the running header are the display's sections (display_sections). Text is the
results' formattedValue: nothing is formatted here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tlf.ars.run import Result, Run


def _entry(raw: dict, output_id: str) -> dict | None:
    """The entry of the main list of contents that names the output (any level)."""
    def find(items):
        for it in items:
            if it.get("outputId") == output_id:
                return it
            hit = find((it.get("sublist") or {}).get("listItems") or [])
            if hit:
                return hit
        return None

    return find(((raw.get("mainListOfContents") or {}).get("contentsList") or {}).get("listItems") or [])


def _blocks(top: dict | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """(entry name, [(analysis id, its entry name)]) per entry under the output's entry in the main list."""
    def analyses(item) -> list[tuple[str, str]]:
        found = [(item["analysisId"], item.get("name", ""))] if item.get("analysisId") else []
        for sub in sorted((item.get("sublist") or {}).get("listItems") or [], key=lambda i: i.get("order", 0)):
            found += analyses(sub)
        return found

    if top is None:
        return []
    items = sorted((top.get("sublist") or {}).get("listItems") or [], key=lambda i: i.get("order", 0))
    return [(it.get("name", ""), analyses(it)) for it in items]


def output_tables(event: Any, raw: dict, run: Run) -> list[tuple[Any, list[str]]]:
    """(tlf Table, the ids of the analyses it shows) per output the main list of contents gives analyses."""
    tables = []
    for out in raw.get("outputs") or []:
        top = _entry(raw, out.get("id", ""))
        blocks = _blocks(top)
        if not blocks:
            continue
        display = ((out.get("displays") or [{}])[0]).get("display") or {}
        ids = [aid for _n, items in blocks for aid, _l in items]
        tables.append((_table(event, raw, run, out, display, blocks, (top or {}).get("name", "")), ids))
    return tables


def _table(event, raw, run: Run, out: dict, display: dict, blocks, entry_name: str) -> Any:
    from tlf.ars.display_measures import fit, is_horizontal, measure_table, measures_of
    from tlf.ars.display_sections import display_text
    from tlf.tables.model import Column, PageSetup, Row, Table, group_row

    analyses = {a.id: a for a in event.analyses}
    groupings = {g.id: g for g in event.analysisGroupings}
    kinds = {a.id: {r.kind for r in run.results.get(a.id, [])} for a in event.analyses}
    tests = {"chisq", "fisher", "anova", "wilcoxon", "cmh"}  # the p-values (compare.py TESTS)
    ids = [aid for _n, items in blocks for aid, _l in items if aid in analyses]
    summaries = [aid for aid in ids if not kinds[aid] & tests]
    col = next((g.groupingId for aid in summaries for g in sorted(analyses[aid].orderedGroupings,
                                                                  key=lambda g: g.order) if g.resultsByGroup), None)
    col_groups = list(groupings[col].groups) if col else []
    if col and groupings[col].dataDriven:  # columns by the values the results have
        from types import SimpleNamespace

        values = dict.fromkeys(v for aid in summaries for r in run.results.get(aid, []) for g, _i, v in r.groups
                               if g == col and v is not None)
        col_groups = [SimpleNamespace(id=v, name=v) for v in values]
    n_analysis = next((aid for aid in summaries if kinds[aid] == {"subjects"} and not analyses[aid].dataSubsetId
                       and [g.groupingId for g in analyses[aid].orderedGroupings] == [col]), None)
    n_text = ({r.groups[0][1] or r.groups[0][2]: r.formatted for r in run.results.get(n_analysis, [])}
              if n_analysis else {})
    p_cols: list[str] = []
    for aid in ids:
        if kinds[aid] & tests:
            label = _p_label(analyses[aid].name)
            if label not in p_cols:
                p_cols.append(label)
    shown = display_text(raw, display, out.get("name", ""))

    def table(columns, rows, stub_width=None, page=None) -> Any:
        return Table(output_id=out.get("id", ""), number=shown.number, titles=shown.titles, columns=tuple(columns),
                     rows=tuple(rows), stub_header=shown.stub_header, footnotes=shown.footnotes,
                     page=page or PageSetup(running_header=shown.running_header),
                     **({"stub_width": stub_width} if stub_width else {}))

    measures = measures_of(blocks, summaries, [aid for aid in ids if kinds[aid] & tests], n_analysis, analyses,
                           kinds)
    if measures and col:
        columns, rows = measure_table(event, run, measures, col, col_groups, n_text,
                                      is_horizontal(out, display, entry_name))
        columns, stub_width, page = fit(columns, rows, PageSetup(running_header=shown.running_header))
        return table(columns, rows, stub_width, page)
    columns = [Column(g.id, g.name, n_label=n_text.get(g.id, "")) for g in col_groups]
    columns += [Column(f"p{i}", label) for i, label in enumerate(p_cols)]
    width = len(columns)
    rows: list[Row] = []
    keys: list[tuple | None] = []  # the row key of each one-line summary row (its groups but the column's)
    for name, items in blocks:
        items = [(aid, label) for aid, label in items if aid in analyses and aid != n_analysis]
        if not items:
            continue
        pvalues: dict[tuple, dict[int, str]] = {}
        for aid, _label in items:
            if kinds[aid] & tests:
                for r in run.results.get(aid, []):
                    pvalues.setdefault(_extra(r, col), {})[p_cols.index(_p_label(analyses[aid].name))] = r.formatted
        several = sum(1 for aid, _l in items if not kinds[aid] & tests) > 1
        block: list[tuple[Row, tuple | None]] = []
        for aid, label in items:
            if kinds[aid] & tests:
                continue
            block += _rows(run.results.get(aid, []), col, col_groups, groupings, label if several else "",
                           name, width, len(col_groups), pvalues)
        if _nests(block, keys):  # preferred terms under their SOC rows, not a block of their own
            for row, key in block:
                if key is None:
                    continue
                parent = keys.index(key[:-1])
                at = max(i for i, k in enumerate(keys) if k and k[:len(key) - 1] == key[:-1])
                # the SOC row and its terms: a group of their own, kept on a page where they fit, the SOC
                # repeated "(continued)" on the next page where they do not
                nest = f"{name}:{'/'.join(str(v) for _g, v in key[:-1])}"
                rows[parent] = replace(rows[parent], group=nest)
                rows.insert(at + 1, replace(row, indent=rows[parent].indent + 1, group=nest))
                keys.insert(at + 1, key)
            continue
        start = len(rows)
        single = len(block) == 1 and block[0][0].kind == "data" and block[0][1] is None
        if single:  # one line ("Number of subjects with at least one event"): the entry's name is its label
            rows.append(replace(block[0][0], label=name, indent=0))
            keys.append(None)
        else:
            rows.append(group_row(name, width, 0, name))
            keys.append(None)
            for row, key in block:
                rows.append(row)
                keys.append(key)
        target = start if single else start + 1
        if pvalues.get(()) and len(rows) > target:  # a comparison of the whole block: on its first row
            cells = list(rows[target].cells)
            for i, text in pvalues[()].items():
                cells[len(col_groups) + i] = text
            rows[target] = replace(rows[target], cells=tuple(cells))
        rows.append(Row("", ("",) * width, kind="blank", group=name))
        keys.append(None)
    return table(columns, rows[:-1] if rows else rows)


def _nests(block: list, keys: list) -> bool:
    """Whether every data row of a block is one level below a one-line row already in the table (the
    SOC/PT summary under the SOC summary)."""
    data = [(row, key) for row, key in block if row.kind == "data"]
    present = {k for k in keys if k}
    return bool(data) and all(key is not None and len(key) > 1 and key[:-1] in present for _row, key in data)


def _p_label(name: str) -> str:
    """'... - Placebo vs Low Dose' -> 'p-value Placebo vs Low Dose'; else 'p-value'."""
    return f"p-value\n{name.rsplit(' - ', 1)[1]}" if " - " in name else "p-value"


def _extra(r: Result, col: str | None) -> tuple:
    """The groups of a result other than the column grouping and the factors: its row key."""
    return tuple((g, i or v) for g, i, v in r.groups if g != col and (i or v) is not None)


def _rows(results: list[Result], col, col_groups, groupings, label: str, block: str, width: int, ncol: int,
          pvalues: dict) -> list:
    """The rows of one summary analysis: per row key (its other groups, nested as group rows), one row of
    the operations' formatted values joined ("14 ( 16.3)") when the method has a percentage, else a row
    per operation labelled by the operation. Each row with its key (one-line rows) or None."""
    from tlf.tables.model import Row, group_row

    names = {grp.id: grp.name for g in groupings.values() for grp in g.groups}
    cells: dict[tuple, dict[str, dict[str, str]]] = {}  # row key -> operation -> column group -> text
    ops: list[str] = []
    op_label: dict[str, str] = {}
    for r in results:
        colgroup = next((i or v for g, i, v in r.groups if g == col), None)
        cells.setdefault(_extra(r, col), {}).setdefault(r.operation_id, {})[colgroup] = r.formatted
        if r.operation_id not in ops:
            ops.append(r.operation_id)
            op_label[r.operation_id] = r.kind
    joined = any(r.kind == "pct" for r in results)
    rows: list = []
    base = 1
    if label and not (joined and all(not k for k in cells)):  # a one-line analysis carries its label itself
        rows.append((group_row(label, width, 1, block), None))
        base = 2
    previous: tuple = ()
    for key, by_op in cells.items():
        shown = [names.get(v, v) for _g, v in key]
        for depth in range(max(len(shown) - (1 if joined else 0), 0)):
            if tuple(key[:depth + 1]) != tuple(previous[:depth + 1]):
                rows.append((group_row(shown[depth], width, base + depth, block), None))
        previous = key
        indent = base + max(len(shown) - (1 if joined else 0), 0)
        p = pvalues.get(key, {})
        if joined:
            text = [" ".join(by_op[o].get(g.id, "") for o in ops) for g in col_groups]
            row_label = shown[-1] if shown else (label or "n (%)")
            extra = [p.get(i, "") for i in range(width - ncol)]
            rows.append((Row(row_label, tuple(text + extra), indent=indent if shown else base, group=block),
                         key if key else None))
        else:
            for n, o in enumerate(ops):
                extra = [p.get(i, "") if n == 0 else "" for i in range(width - ncol)]
                rows.append((Row(_OP_LABELS.get(op_label[o], op_label[o]),
                                 tuple([by_op[o].get(g.id, "") for g in col_groups] + extra), indent=indent,
                                 group=block), None))
    return rows


_OP_LABELS = {"n": "n", "mean": "Mean", "sd": "SD", "median": "Median", "q1": "Q1", "q3": "Q3", "min": "Min",
              "max": "Max", "subjects": "n"}
