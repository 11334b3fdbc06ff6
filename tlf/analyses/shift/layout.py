"""The `shift` table: its own columns (post-baseline categories under a spanner per treatment column,
"Placebo (N=86)"), rows by parameter, visit (or period) and baseline category:

                                 Placebo (N=86)                  Xanomeline High Dose (N=84)
    Baseline                     Low     Normal    High   Total   Low ...
    Alanine Aminotransferase (U/L)
      Week 24
        Normal                   0       56 (98.2)  1 (1.8) 57 (100) ...
"""

from __future__ import annotations

from tlf.analyses.shift.run import PARAM, POST, block_key
from tlf.analyses.shift.spec import MISSING, TOTAL
from tlf.tables.cells import Cells, levels_in_order
from tlf.tables.model import Column, Row, group_row, labelled


def post_categories(cells: Cells, a_id: str) -> list[str]:
    return [lv for p, lv in levels_in_order(cells, a_id) if p == POST]


def base_categories(cells: Cells, a) -> list[str]:
    """The baseline categories (rows of the ARD's first block), without Total."""
    p, v = a.params[0], (a.visits or [None])[0]
    return [lv for p_, lv in levels_in_order(cells, a.id) if p_ == block_key(p, v) and lv != TOTAL]


def shift_table(spec, cols, cells: Cells, big_n: dict[str, str], shell: bool):
    """(columns, rows) of a table of shift analyses (all with the same categories: validated)."""
    first = spec.analyses[0]
    # the categories of every analysis (one may have a Missing category the others lack)
    cats = list(dict.fromkeys(q for a in spec.analyses for q in post_categories(cells, a.id)))
    if first.transpose:  # baseline categories as columns, post-baseline categories as rows
        bases = dict.fromkeys(b for a in spec.analyses for b in base_categories(cells, a))
        heads = [*bases, *([TOTAL] if first.total_row else [])]
        labels = {b: b if b == TOTAL else f"{b} at baseline" for b in heads}
    else:
        heads = [*cats, *([TOTAL] if first.total_column else [])]
        labels = {q: q for q in heads}
    columns = [Column(id=f"{c.id}|{h}", label=labels[h], spanner=f"{c.label} (N={big_n[c.id]})")
               for c in cols for h in heads]
    if first.test != "none":
        columns.append(Column(id="pvalue", label="p-value"))
    width = len(columns)
    rows: list[Row] = []
    for a in spec.analyses:
        if a.blank_before and rows:
            rows.append(Row("", ("",) * width, kind="blank"))
        heading, indent = labelled(a, width)
        rows += heading
        for p in a.params:
            label = cells.var.get((a.id, "", PARAM, p, "param")) or a.param_labels.get(p, p)
            rows.append(group_row(label, width, indent, f"{a.id}:{p}"))
            for v in a.visits or [None]:
                key = block_key(p, v)
                sub = indent + 1
                head = v if v is not None else a.period_label
                if head:
                    rows.append(group_row(head, width, sub, f"{a.id}:{key}"))
                    sub += 1
                block = _transposed if a.transpose else _rows
                rows += block(a, cells, cols, cats, heads, key, sub, shell)
    return tuple(columns), rows


def _off(a, c) -> bool:
    return a.periods is not None and c.period not in a.periods


def _cell(a, cells: Cells, c, post: str, base: str, key: str, shell: bool) -> str:
    """One count: n (%) of the denominator; the Total column of a baseline category with `denominator:
    group` prints the count alone (its percentage is 100)."""
    if _off(a, c):
        return a.na_text
    column = f"{c.id}|{post}"
    if post == TOTAL and a.denominator == "group" and base != TOTAL:
        return cells.text((a.id, column, key, base, "n"))
    return cells.n_pct(a.id, column, key, base, shell, a.display == "n/m (%)")


def _rows(a, cells: Cells, cols, cats, heads, key, indent, shell) -> list[Row]:
    """Baseline categories as rows (and the Total row), post-baseline categories as columns."""
    rows = []
    for base in [*base_categories(cells, a), *([TOTAL] if a.total_row else [])]:
        vals = [_cell(a, cells, c, q, base, key, shell) for c in cols for q in heads]
        if a.test != "none":
            vals.append(cells.text((a.id, "pvalue", key, base, "pvalue")) if base != TOTAL else "")
        rows.append(Row(base, tuple(vals), indent=indent, group=f"{a.id}:{key}", key=(key, base)))
    return rows


def _transposed(a, cells: Cells, cols, cats, heads, key, indent, shell) -> list[Row]:
    """An "n" row (the subjects of each baseline category), then the post-baseline categories as rows."""
    n = [a.na_text if _off(a, c) else cells.text((a.id, f"{c.id}|{TOTAL}", key, b, "n")) for c in cols for b in heads]
    rows = [Row("n", tuple(n), indent=indent, group=f"{a.id}:{key}")]
    for q in post_categories(cells, a.id):
        vals = [_cell(a, cells, c, q, b, key, shell) for c in cols for b in heads]
        rows.append(Row(q, tuple(vals), indent=indent, group=f"{a.id}:{key}", key=(key, q)))
    return rows


DENOMINATOR_NOTE = {
    "group": "Percentages are of the subjects in the baseline category (the row) in each treatment group.",
    "N": "Percentages are of the subjects in the treatment group (N).",
    "records": "Percentages are of the subjects of the treatment group with a record at the visit.",
    "assessed": "Percentages are of the subjects of the treatment group with a post-baseline category.",
}


def notes(a, cells: Cells) -> list[str]:
    """What the rows and columns are, and what the percentages divide by; the test when there is one."""
    where = (f"Columns: baseline category ({a.baseline}); rows: post-baseline category ({a.post}), under n, the "
             "subjects of the baseline category. " if a.transpose else
             f"Rows: baseline category ({a.baseline}); columns: post-baseline category ({a.post}). ")
    note = DENOMINATOR_NOTE[a.denominator]
    if a.transpose and a.denominator == "group":
        note = "Percentages are of the subjects in the baseline category (the column) in each treatment group."
    out = [where + note]
    if MISSING in post_categories(cells, a.id) or MISSING in base_categories(cells, a):
        out.append("Missing: no category recorded.")
    if a.test == "fisher":
        out.append("p-value: Fisher's exact test of the post-baseline category by treatment group, within each "
                   "baseline category (missing categories left out).")
    return out


def rows_alone(*_args):
    """Never called: a table of shift analyses is laid out whole by TABLE (its columns are its own), and a
    shift among other analyses is a spec error (check_shift_output)."""
    raise RuntimeError("a shift analysis is laid out by its TABLE entry, not as a row block")


ROWS = {"shift": rows_alone}
TABLE = {"shift": shift_table}
NOTES = {"shift": notes}
