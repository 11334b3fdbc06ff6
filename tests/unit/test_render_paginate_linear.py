"""Pagination in linear time (issue 19): column widths measured once per table, row lines once per row,
continuation labels found without scanning back; and the page plans exactly as before."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from tests.unit._plan_tables import TABLES, ragged, shift
from tlf.render import paginate as pg
from tlf.render.docx import render_docx

# (pages, digest of the plan) as the per-row pagination planned them (tlf 0e12d91, the commit before it was
# made linear); the digest is of (page index, label, kind, indent, group, cells) of every printed row.
PLANS = {
    "grouped-1000": (42, "5406c2f8d2d0c780"),
    "grouped-3000": (125, "cdf41e911e19be19"),
    "shift-500": (17, "0475a3330e31c5c2"),
    "shift-2300": (75, "bf2f0854f66acb51"),
    "shift-2300-fill": (75, "bf2f0854f66acb51"),
    "ragged-1500": (94, "e944745be6d5c629"),
    "listing-3000": (177, "9cd5eeaff17ce676"),
    "long-notes-1200": (39, "4365c4bc2403b318"),
    "small-font-2000": (44, "dabce4752bec9218"),
}


def _digest(pages) -> str:
    h = hashlib.sha256()
    for p in pages:
        for r in p.rows:
            h.update(repr((p.index, r.label, r.kind, r.indent, r.group, r.cells)).encode())
    return h.hexdigest()[:16]


@pytest.mark.parametrize("name", sorted(PLANS))
def test_page_plan_is_the_one_the_per_row_pagination_made(name):
    table = pg.printed_footer(TABLES[name]())
    pages = pg.paginate(table)
    assert (len(pages), _digest(pages)) == PLANS[name]


def _enclosing_by_scanning_back(rows, i):
    """The former ``_enclosing``: walk up from row i (quadratic over a table's pages)."""
    out, indent = [], rows[i].indent
    for j in range(i - 1, -1, -1):
        if indent <= 0:
            break
        if rows[j].kind == "group" and rows[j].indent < indent:
            out.append(j)
            indent = rows[j].indent
    return out[::-1]


def test_enclosing_labels_are_those_found_by_scanning_back():
    rows = ragged(3000).rows
    parent = pg._parents(rows)
    for i in range(len(rows)):
        assert pg._enclosing(rows, parent, i) == _enclosing_by_scanning_back(rows, i)


def test_column_widths_are_measured_once_per_table(monkeypatch, tmp_path):
    calls = []
    measure = pg._column_widths
    monkeypatch.setattr(pg, "_column_widths", lambda t: calls.append(1) or measure(t))
    table = shift(2300)
    render_docx(table, tmp_path / "t.docx")
    assert len(calls) == 1  # not per page nor per "(continued)" row; printed_footer's copy shares it
    render_docx(replace(table, footnotes=("Other note.",)), tmp_path / "u.docx")
    assert len(calls) == 1
    render_docx(replace(table, stub_width=2.0), tmp_path / "v.docx")  # other widths: measured anew
    assert len(calls) == 2


def test_measurements_follow_the_table_not_a_recycled_identity():
    a = shift(200)
    widths = pg.column_widths(a)
    for k in range(10):  # more tables than the cache keeps
        pg.column_widths(shift(100 + k))
    b = replace(a, page=replace(a.page, font_size=7.0))
    assert pg.column_widths(a) == widths
    assert pg.column_widths(b) == pg._column_widths(b)
    assert pg.lines_used(b, b.rows) == sum(pg._row_cost(r, pg._column_widths(b), True, b.page) for r in b.rows)
