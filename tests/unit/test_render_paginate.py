"""Pagination: row budget, groups kept together, "(continued)" labels, geometry."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from tlf.render.paginate import (
    CONTINUED,
    Page,
    body_budget,
    column_widths,
    header_row_lines,
    lines_used,
    paginate,
    row_lines,
)
from tlf.render.text_metrics import chars_per_line, text_lines
from tlf.tables.model import Column, PageSetup, Row, Table

NCOL = 4


def _columns(spanners: bool = True) -> tuple[Column, ...]:
    return tuple(
        Column(
            id=f"c{j}",
            label=f"Arm {j}",
            n_label="(N=10)",
            spanner=("Part A" if j < 2 else "Part B") if spanners else "",
        )
        for j in range(NCOL)
    )


def _cells(i: int) -> tuple[str, ...]:
    return tuple(f"{i + j} ({j}.5)" for j in range(NCOL))


def _group(name: str, size: int, start: int = 0) -> list[Row]:
    """A group: its label row (kind "group"), ``size`` indented data rows, a blank spacer."""
    rows = [Row(name, ("",) * NCOL, 0, "group", name)]
    rows += [Row(f"{name} item {k}", _cells(start + k), 1, "data", name) for k in range(size)]
    rows.append(Row("", ("",) * NCOL, 0, "blank", name))
    return rows


def _table(rows: list[Row], **kw) -> Table:
    base = dict(
        output_id="t-1",
        number="Table 14.1.1",
        titles=("Title",),
        columns=_columns(),
        rows=tuple(rows),
        population="Safety Population",
        footnotes=("Note 1.",),
        provenance="Source: ADSL",
    )
    base.update(kw)
    return Table(**base)


def _big_table() -> Table:
    """About 300 rows in groups of 3 to 24 rows."""
    rows: list[Row] = []
    g = 0
    while len(rows) < 300:
        rows += _group(f"Group {g}", 3 + (g * 7) % 22, len(rows))
        g += 1
    return _table(rows)


def _data_rows(pages: list[Page]) -> list[Row]:
    return [r for p in pages for r in p.rows if not r.label.endswith(CONTINUED)]


def test_small_table_is_one_page() -> None:
    t = _table(_group("Age", 4))
    pages = paginate(t)
    assert len(pages) == 1
    assert pages[0] == Page(t.rows[:-1], 0, 1)  # the trailing spacer row is not printed
    assert pages[0].number == 1


def test_300_rows_give_several_pages_within_budget() -> None:
    t = _big_table()
    pages = paginate(t)
    budget = body_budget(t)
    assert 5 < len(pages) < 30
    assert [p.index for p in pages] == list(range(len(pages)))
    assert {p.count for p in pages} == {len(pages)}
    for p in pages:
        assert 0 < lines_used(t, p.rows) <= budget


def test_every_data_row_printed_once_in_order() -> None:
    t = _big_table()
    printed = [r for r in _data_rows(paginate(t)) if r.kind != "blank"]
    assert printed == [r for r in t.rows if r.kind != "blank"]


def test_groups_that_fit_stay_on_one_page() -> None:
    t = _big_table()
    pages = paginate(t)
    budget = body_budget(t)
    for name in {r.group for r in t.rows}:
        size = lines_used(t, [r for r in t.rows if r.group == name and r.kind != "blank"])
        on = {p.index for p in pages for r in p.rows if r.group == name}
        if size <= budget:
            assert len(on) == 1, name


def test_broken_group_repeats_label_with_continued() -> None:
    t = _table([*_group("Intro", 2), *_group("Long", 100), *_group("Tail", 2)])
    budget = body_budget(t)
    pages = paginate(t)
    assert len(pages) >= 3
    long_pages = [p for p in pages if any(r.group == "Long" for r in p.rows)]
    assert len(long_pages) >= 2
    assert long_pages[0].rows[0].label in ("Intro", "Long")
    for p in long_pages[1:]:
        first = p.rows[0]
        assert first.label == "Long (continued)"
        assert first.cells == ("",) * NCOL and first.kind == "group"
        assert lines_used(t, p.rows) <= budget
    # no "(continued)" once a group has been started on its own page
    assert not any(r.label == "Tail (continued)" for p in pages for r in p.rows)


def test_continued_label_uses_group_row_or_first_row() -> None:
    no_label_row = [Row(f"PT {k}", _cells(k), 1, "data", "soc") for k in range(80)]
    pages = paginate(_table(no_label_row))
    assert pages[1].rows[0].label == "PT 0 (continued)"
    labelled = [
        Row("first", _cells(0), 1, "data", "soc"),
        Row("SOC", ("",) * NCOL, 0, "group", "soc"),
        *no_label_row,
    ]
    pages = paginate(_table(labelled))
    assert pages[1].rows[0].label == "SOC (continued)"


def test_group_that_would_fit_moves_to_next_page() -> None:
    budget = body_budget(_table([]))
    first = _group("A", budget - 4)
    second = _group("B", 6)
    pages = paginate(_table([*first, *second]))
    assert len(pages) == 2
    assert pages[1].rows[0].label == "B"
    assert all(r.group == "A" for r in pages[0].rows)


def test_blank_rows_never_start_or_end_a_page() -> None:
    for p in paginate(_big_table()):
        assert p.rows[0].kind != "blank"
        assert p.rows[-1].kind != "blank"


def test_group_label_not_orphaned_without_groups() -> None:
    budget = body_budget(_table([]))
    rows = [Row(f"r{k}", _cells(k)) for k in range(budget - 1)]
    rows += [Row("Heading", ("",) * NCOL, 0, "group"), Row("child", _cells(0), 1)]
    pages = paginate(_table(rows))
    assert pages[0].rows[-1].label != "Heading"
    assert [r.label for r in pages[1].rows] == ["Heading", "child"]


def test_budget_reacts_to_titles_footnotes_spanners_and_paper() -> None:
    t = _table([])
    assert body_budget(replace(t, footnotes=("a", "b", "c"))) == body_budget(t) - 2
    assert body_budget(replace(t, titles=("one", "two"))) == body_budget(t) - 1
    no_span = replace(t, columns=_columns(spanners=False))
    assert header_row_lines(t) == header_row_lines(no_span) + 1 == 3
    assert body_budget(no_span) == body_budget(t) + 1
    portrait = replace(t, page=PageSetup(orientation="portrait"))
    assert body_budget(portrait) > body_budget(t)
    small = replace(t, page=PageSetup(font_size=8.0))
    assert body_budget(small) > body_budget(t)
    # 6.5 in = 468 pt of text at 9 pt x 1.15 = 10.35 pt lines = 45 lines, less 3 title, 1 gap, 3 header, 4 footer
    assert body_budget(t) == 45 - 4 - 3 - 4


def test_long_labels_count_as_several_lines() -> None:
    t = _table([Row("word " * 60, _cells(0)), Row("short", _cells(0))])
    assert row_lines(t, t.rows[0]) > 3
    assert row_lines(t, t.rows[1]) == 1
    newline = Row("two\nlines", _cells(0))
    assert row_lines(t, newline) == 2


def test_text_lines_wraps_words() -> None:
    assert text_lines("", 10) == 1
    assert text_lines("aaaa bbbb", 10) == 1
    assert text_lines("aaaa bbbb cccc", 10) == 2
    assert text_lines("a" * 25, 10) == 3
    assert text_lines("one\ntwo", 10) == 2


def test_column_widths_fill_text_width_by_weight() -> None:
    t = _table([])
    widths = column_widths(t)
    assert len(widths) == NCOL + 1
    assert sum(widths) == pytest.approx(t.page.text_width)
    assert widths[0] == pytest.approx(3 * widths[1])
    cols = tuple(replace(c, width=2.0) if j == 0 else c for j, c in enumerate(_columns()))
    widths = column_widths(replace(t, columns=cols))
    assert widths[1] == pytest.approx(2 * widths[2])


def test_auto_columns_widen_for_long_values_from_the_stub() -> None:
    cols = tuple(Column(id=f"c{j}", label="A") for j in range(7))
    wide = ("45.3 (12.14)",) * 7
    t = Table(output_id="t", number="T", titles=(), columns=cols, rows=(Row("Median", wide),))
    # by weight (stub 3, columns 1) a column is 0.9 in: 12 characters do not fit
    assert chars_per_line(0.9, t.page) < 12
    widths = column_widths(t)
    assert sum(widths) == pytest.approx(t.page.text_width)
    assert row_lines(t, t.rows[0]) == 1
    # 12 Courier New characters (1229/2048 em at 9 pt) + cell margins + 0.02 in slack, inches
    need = len(wide[0]) * 1229 / 2048 * 9 / 72 + 2 * 0.05 + 0.02
    assert all(need <= w < need + 0.075 for w in widths[1:])  # within one character
    assert len(set(widths[1:])) == 1


def test_stub_keeps_room_when_labels_would_wrap_more_than_values() -> None:
    cols = tuple(Column(id=f"c{j}", label="A") for j in range(7))
    labels = [f"A fairly long row label number {k}" for k in range(10)]
    rows = [Row(x, ("4 (10.0)",) * 7) for x in labels] + [Row("Max", ("123456789 (12.3456)",) * 7)]
    t = Table(output_id="t", number="T", titles=(), columns=cols, rows=tuple(rows))
    # one wrapped value row costs less than ten wrapped labels
    assert all(row_lines(t, r) == 1 for r in t.rows[:-1])
    assert row_lines(t, t.rows[-1]) == 2


def test_table_without_labels_has_no_stub() -> None:
    t = Table(
        output_id="l",
        number="Listing 16.1",
        titles=(),
        columns=_columns(False),
        rows=tuple(Row("", _cells(i)) for i in range(3)),
        kind="listing",
    )
    assert len(column_widths(t)) == NCOL
    assert len(paginate(t)) == 1


def test_empty_table_has_one_empty_page() -> None:
    assert paginate(_table([])) == [Page((), 0, 1)]


@dataclass(frozen=True)
class _Listing(Table):
    """Stand-in until the model carries repeat_keys."""

    repeat_keys: int = 0


def test_listing_repeats_key_columns_on_each_page() -> None:
    rows = []
    for s in range(3):
        for k in range(40):
            keys = ("Drug", f"S-{s}") if k == 0 else ("", "")
            rows.append(Row("", (*keys, f"2024-01-{k + 1:02d}", f"S-{s} value {k}")))
    t = _Listing(
        output_id="l",
        number="Listing 16.2",
        titles=(),
        columns=_columns(False),
        rows=tuple(rows),
        kind="listing",
        repeat_keys=2,
    )
    pages = paginate(t)
    assert len(pages) > 2
    for p in pages:
        first = p.rows[0]
        assert first.cells[0] == "Drug"
        assert first.cells[1] == first.cells[3].split(" ")[0]
        assert all(r.cells[:2] == ("", "") for r in p.rows[1:] if not r.cells[3].endswith(" value 0"))
    # tables (and listings without repeat_keys) are left alone
    plain = paginate(replace(t, repeat_keys=0))
    assert plain[1].rows[0].cells[:2] == ("", "")


def test_continuation_page_repeats_the_enclosing_labels() -> None:
    """Parameter > visit > statistics: a page that starts at a visit repeats the parameter's label, and
    one that breaks inside a visit repeats both, outermost first."""
    rows = [Row("Parameter A", ("",) * NCOL, 0, "group", "A:v0")]
    for v in range(12):
        rows.append(Row(f"Visit {v}", ("",) * NCOL, 1, "group", f"A:v{v}"))
        rows += [Row(f"Stat {k}", _cells(k), 2, "data", f"A:v{v}") for k in range(v == 11 and 60 or 6)]
    pages = paginate(_table(rows))
    assert len(pages) >= 3
    for p in pages[1:]:
        assert p.rows[0].label == "Parameter A (continued)" and p.rows[0].indent == 0
    broken = next(p for p in pages[1:] if p.rows[1].label == "Visit 11 (continued)")
    assert broken.rows[2].label.startswith("Stat")
    assert _data_rows(pages) == list(rows)


def test_parameter_label_never_ends_a_page() -> None:
    """A label whose next rows are nested labels of other groups (parameter, then visit) goes to the
    next page with them rather than ending a page alone."""
    rows: list[Row] = []
    for p in range(8):
        rows.append(Row(f"Parameter {p}", ("",) * NCOL, 0, "group", f"P{p}"))
        for v in range(2):
            rows.append(Row(f"Visit {v}", ("",) * NCOL, 1, "group", f"P{p}:v{v}"))
            rows += [Row(f"Stat {k}", _cells(k), 2, "data", f"P{p}:v{v}") for k in range(5)]
    for p in paginate(_table(rows)):
        assert p.rows[-1].kind != "group", p.rows[-1].label


def test_headings_move_with_the_block_they_head():
    """A measure heading (and a section heading above it) above a treatment block that goes to the next
    page goes with it, never left alone at the foot of a page (the vital-sign layout)."""
    budget = body_budget(_table([]))
    filler = [Row(f"filler {k}", _cells(k), 0, "data", "") for k in range(budget - 4)]
    section = Row("VITAL SIGNS", ("",) * NCOL, 0, "group", "", span=True)
    measure = Row("Diastolic BP (mmHg)", ("",) * NCOL, 0, "group", "dbp")
    arm = [Row("Placebo (N=86)", ("",) * NCOL, 1, "group", "dbp:p")]
    arm += [Row(f"Week {k}", _cells(k), 2, "data", "dbp:p") for k in range(6)]
    pages = paginate(_table([*filler, section, measure, *arm]))
    assert len(pages) == 2
    assert [r.label for r in pages[0].rows] == [r.label for r in filler]  # no heading left at the foot
    assert [r.label for r in pages[1].rows][:3] == ["VITAL SIGNS", "Diastolic BP (mmHg)", "Placebo (N=86)"]
    assert all(CONTINUED not in r.label for r in pages[1].rows)  # the headings themselves, not copies
