"""`keep_together: false`: pages are filled, a group that does not fit the rest of a page continues
on the next under its "(continued)" label (the default moves a group that fits a page to the next)."""

from __future__ import annotations

from dataclasses import replace

from tlf.render.paginate import body_budget, paginate
from tlf.tables.model import Column, Row, Table


def _table(rows: list[Row], keep_together: bool) -> Table:
    cols = (Column("a", "Arm A", "(N=10)"), Column("b", "Arm B", "(N=10)"))
    return Table(output_id="t", number="Table 1", titles=("Title",), columns=cols, rows=tuple(rows),
                 keep_together=keep_together)


def _group(name: str, size: int) -> list[Row]:
    return [Row(name, ("", ""), 0, "group", name)] + [Row(f"{name} {k}", ("1", "2"), 1, "data", name)
                                                      for k in range(size)]


def test_fill_pages_continues_groups_instead_of_moving_them():
    budget = body_budget(_table([], True))
    rows = [*_group("A", budget // 2), *_group("B", budget // 2 + 5), *_group("C", 3)]
    kept = paginate(_table(rows, True))
    filled = paginate(_table(rows, False))
    # kept together: B (fits a page) starts a new page, leaving page 1 half empty
    assert kept[1].rows[0].label == "B"
    # filled: B starts on page 1 and continues on page 2 under its label
    assert any(r.label == "B" for r in filled[0].rows)
    assert filled[1].rows[0].label == "B (continued)"
    assert len(filled) <= len(kept)
    printed = [r for p in filled for r in p.rows if not r.label.endswith("(continued)")]
    assert printed == rows
    assert all(sum(1 for _ in p.rows) <= budget for p in filled)


def test_a_label_is_still_not_left_alone_at_the_foot_of_a_page():
    budget = body_budget(_table([], False))
    rows = [*_group("A", budget - 2), *_group("B", 10)]
    pages = paginate(replace(_table(rows, False)))
    assert pages[0].rows[-1].label != "B"
