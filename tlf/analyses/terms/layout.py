"""The `terms` table rows: per SOC its row and its terms' rows (indented), n (%) per column."""

from __future__ import annotations

from tlf.format.numbers import fmt_count_pct
from tlf.tables.cells import Cells, inactive, levels_in_order
from tlf.tables.model import Row, labelled


def terms_rows(a, cells: Cells, cols, periods, shell, col_labels: dict[str, str] | None = None) -> list[Row]:
    if getattr(a, "by_grade", None):
        return grade_terms_rows(a, cells, cols, periods, shell)
    rows = []
    heading, indent = labelled(a, len(cols))
    rows += heading
    for parent, level in levels_in_order(cells, a.id):
        nested = bool(parent)  # a group's row is ("", group), its terms' (group, term): tlf/analyses/terms/run.py
        vals = tuple(a.na_text if inactive(a, c, periods)
                     else cells.n_pct(a.id, c, parent, level, shell, a.display == "n/m (%)") for c in cols)
        group = f"{a.id}:{parent or level}" if a.soc else a.id
        rows.append(Row(level, vals, indent=indent + (1 if nested else 0), group=group, key=(parent, level)))
    return rows


# ---------------------------------------------------------------- by_grade

# The rows of a `terms` analysis with `by_grade` (chevron AET03/AET04 layout):
#
#     Any adverse event                      the `overall` block, when set
#       Any severity           n (%)
#       MILD                   n (%)
#       ...
#     Gastrointestinal disorders             a SOC (its subjects at their worst grade within it)
#       Any severity           n (%)
#       ...
#       Nausea                               a term, one level deeper
#         Any severity         n (%)
#         MILD                 n (%)
#         ...
#
# With `any: ""` the any-grade count prints on the SOC's or term's own row. Each block is kept together
# on a page where it fits.


def grade_cell(cells: Cells, a_id: str, c: str, parent: str, level: str, stat: str, shell: bool,
               denom: bool = False) -> str:
    """"n (%)" of one grade row's statistics (stat "grade1", "missing" ...), "" when there are none; `denom`:
    "n/m (%)" with the term's denominator m (statistic `denom`, shared by its grade rows)."""
    key = (a_id, c, parent, level)
    n = cells.text((*key, f"{stat}_n"), None)
    if n is None:
        return ""
    if denom and (*key, "denom") in cells.fmt:
        n = f"{n}/{cells.text((*key, 'denom'))}"
    p = cells.fmt.get((*key, f"{stat}_p"), "")
    text = fmt_count_pct(n, p, cells.val.get((*key, f"{stat}_n")), shell=shell)
    if text != n:
        cells.shown.add((*key, f"{stat}_p"))
    return text


def grade_terms_rows(a, cells: Cells, cols, periods, shell) -> list[Row]:
    g = a.by_grade
    heading, indent = labelled(a, len(cols))
    rows = list(heading)
    grades = [(f"grade{k + 1}", label) for k, (label, _) in enumerate(g.rows())]
    levels = levels_in_order(cells, a.id)
    if any((a.id, c, p, lv, "missing_n") in cells.fmt for c in cols for p, lv in levels):
        grades.append(("missing", g.missing_label))
    blank = ("",) * len(cols)
    slash = a.display == "n/m (%)"

    def values(parent: str, level: str, stat: str | None) -> tuple[str, ...]:
        return tuple(a.na_text if inactive(a, c, periods)
                     else cells.n_pct(a.id, c, parent, level, shell, slash) if stat is None
                     else grade_cell(cells, a.id, c, parent, level, stat, shell, slash) for c in cols)

    for parent, level in levels:
        overall = not parent and not level
        label = g.overall if overall else level
        own = indent + (1 if parent else 0)
        group = f"{a.id}:{parent}:{level}"
        if g.any:
            rows.append(Row(label, blank, indent=own, kind="group", group=group, key=(parent, level)))
            rows.append(Row(g.any, values(parent, level, None), indent=own + 1, group=group))
        else:
            rows.append(Row(label, values(parent, level, None), indent=own, group=group, key=(parent, level)))
        rows += [Row(text, values(parent, level, stat), indent=own + 1, group=group) for stat, text in grades]
    return rows


ROWS = {"terms": terms_rows}
