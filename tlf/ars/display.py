"""An ARS output -> tlf's table model (tlf/tables), rendered like any tlf table (DOCX, XLSX).

What the table shows comes from the reporting event: the analyses are those the main list of contents
files under the output, in its order; each level-2 entry of that list is a block of rows under its name.
The columns are the groups of the first grouping of the output's summaries (treatment), their N line the
formatted result of the count-only analysis by that grouping, and each comparison across those groups
adds a p-value column. Titles, footnotes and the row-label header are the display's sections (global
sub-sections resolved). Text is the results' formattedValue: nothing is formatted here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tlf.ars.run import Result, Run


def _sections(raw: dict, display: dict) -> dict[str, list[str]]:
    """sectionType -> its texts in order, global sub-sections resolved by id."""
    glob = {s.get("id"): s.get("text", "") for g in raw.get("globalDisplaySections") or []
            for s in g.get("subSections") or []}
    out: dict[str, list[str]] = {}
    for sec in display.get("displaySections") or []:
        texts = []
        for sub in sorted(sec.get("orderedSubSections") or [], key=lambda s: s.get("order", 0)):
            text = sub["subSection"].get("text", "") if "subSection" in sub else glob.get(sub.get("subSectionId"), "")
            texts.append(text)
        out[sec.get("sectionType", "")] = texts
    return out


def _blocks(raw: dict, output_id: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(entry name, [(analysis id, its entry name)]) per level-2 entry of the output in the main list."""
    def analyses(item) -> list[tuple[str, str]]:
        found = [(item["analysisId"], item.get("name", ""))] if item.get("analysisId") else []
        for sub in sorted((item.get("sublist") or {}).get("listItems") or [], key=lambda i: i.get("order", 0)):
            found += analyses(sub)
        return found

    def find(items):
        for it in items:
            if it.get("outputId") == output_id:
                return it
            hit = find((it.get("sublist") or {}).get("listItems") or [])
            if hit:
                return hit
        return None

    top = find(((raw.get("mainListOfContents") or {}).get("contentsList") or {}).get("listItems") or [])
    if top is None:
        return []
    items = sorted((top.get("sublist") or {}).get("listItems") or [], key=lambda i: i.get("order", 0))
    return [(it.get("name", ""), analyses(it)) for it in items]


def output_tables(event: Any, raw: dict, run: Run) -> list[tuple[Any, list[str]]]:
    """(tlf Table, the ids of the analyses it shows) per output the main list of contents gives analyses."""
    tables = []
    for out in raw.get("outputs") or []:
        blocks = _blocks(raw, out.get("id", ""))
        if not blocks:
            continue
        display = ((out.get("displays") or [{}])[0]).get("display") or {}
        ids = [aid for _n, items in blocks for aid, _l in items]
        tables.append((_table(event, raw, run, out, display, blocks), ids))
    return tables


def _table(event, raw, run: Run, out: dict, display: dict, blocks) -> Any:
    from tlf.tables.model import Column, Row, Table, group_row

    analyses = {a.id: a for a in event.analyses}
    groupings = {g.id: g for g in event.analysisGroupings}
    kinds = {a.id: {r.kind for r in run.results.get(a.id, [])} for a in event.analyses}
    tests = {"chisq", "fisher", "anova"}
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
                rows.insert(at + 1, replace(row, indent=rows[parent].indent + 1, group=rows[parent].group))
                keys.insert(at + 1, key)
            continue
        start = len(rows)
        rows.append(group_row(name, width, 0, name))
        keys.append(None)
        for row, key in block:
            rows.append(row)
            keys.append(key)
        if pvalues.get(()) and len(rows) > start + 1:  # a comparison of the whole block: on its first row
            target = start + 1
            cells = list(rows[target].cells)
            for i, text in pvalues[()].items():
                cells[len(col_groups) + i] = text
            rows[target] = replace(rows[target], cells=tuple(cells))
        rows.append(Row("", ("",) * width, kind="blank", group=name))
        keys.append(None)
    sections = _sections(raw, display)
    titles = [t for t in sections.get("Title", []) if t]
    return Table(output_id=out.get("id", ""), number=titles[0] if titles else out.get("name", ""),
                 titles=tuple(titles[1:]), columns=tuple(columns), rows=tuple(rows[:-1] if rows else rows),
                 stub_header=" ".join(sections.get("Rowlabel Header", [])),
                 footnotes=tuple(t for t in sections.get("Footer", []) if t))


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
