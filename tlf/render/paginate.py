"""Split a Table into pages: the row budget, keeping groups together, "(continued)" labels.

Pure functions over the frozen table model; no I/O. The geometry here (column widths,
line height, characters per line) is shared with the DOCX renderer so that what the
paginator plans is what Word and LibreOffice lay out.

Page layout assumed (and produced by ``render_docx``), all inside the page margins:

    title block lines (header_lines), one blank line          -> page header
    header rows (spanner row, column labels + n_label)        -> repeated table header
    body rows                                                 -> the budget computed here
    one blank line, footnotes, provenance, "Page x of y"      -> page footer

Footnotes the page cannot hold (``footnotes_fit``) are not dropped: the page footer says where they
are (``FOOTNOTES_AFTER``) and keeps the provenance line and "Page x of y"; the footnotes print once,
after the last row (or the picture), on as many further pages as they need (``end_note_pages``).

Line height and character width are the font's, read from the font file that prints it here
(render/text_metrics.py, tlf/tables/fonts.py: Courier New or Liberation Mono, 1.13 em counted as 1.15 em
for borders and rounding, characters 0.6 em wide).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tlf.render.text_metrics import (
    CELL_PAD,
    INDENT_STEP,
    chars_per_line,
    line_height,
    text_lines,
    widen_auto_columns,
)
from tlf.tables.model import INCH, PageSetup, Row, Table

TITLE_GAP_LINES = 1  # blank line between the title block and the table
FOOTER_GAP_LINES = 1  # blank line between the page body and the footnotes
PAGE_NUMBER_LINES = 1  # the "Page x of y" line
CONTINUED = " (continued)"
FOOTNOTES_AFTER = "Footnotes: after the last row of the table (too long for the foot of the page)."
FOOTNOTES_AFTER_FIGURE = "Footnotes: after the figure (too long for the foot of the page)."
MIN_PICTURE = 0.5  # inches: the smallest picture height printed (picture_size)
SMALLEST_FONT = 5.0  # points: the smallest page.font_size a spec may set


@dataclass(frozen=True)
class Page:
    """The body rows printed on one page.

    rows: the rows in print order; a page that resumes a broken group starts with a copy of
          the group's label row whose label ends in " (continued)".
    index: 0-based page index; count: number of pages of the output.
    """

    rows: tuple[Row, ...]
    index: int
    count: int

    @property
    def number(self) -> int:
        """1-based page number, as printed in "Page x of y"."""
        return self.index + 1


# --- geometry -------------------------------------------------------------------------------


def has_stub(table: Table) -> bool:
    """True when the output has a row-label (stub) column: always for tables; for listings
    when they have a stub header or any row label."""
    return table.kind != "listing" or bool(table.stub_header) or any(r.label for r in table.rows)


def column_widths(table: Table) -> tuple[float, ...]:
    """Widths in inches of the printed columns (stub first when present), summing to the text width.

    ``table.stub_width`` and ``Column.width`` are relative weights; a column without a width
    weighs 1.0, so columns left at None share equally what the explicit weights leave. The
    stub then gives room to the auto columns where that makes the table shorter, above all
    where values would otherwise wrap (see ``_widen_auto_columns``).

    Measured once per table (``_measure``): sizing the stub judges up to ``SAMPLE_ROWS`` rows at
    every candidate width, far too slow to repeat per page or per row.
    """
    return _measure(table).widths


# --- measuring a table once -----------------------------------------------------------------------


class _Measured:
    """A table's column widths and, computed on first use, the lines of each of its body rows."""

    def __init__(self, table: Table) -> None:
        self.rows = table.rows
        self.widths = _column_widths(table)
        self.stub = has_stub(table)
        self.page = table.page
        self._costs: list[int] | None = None

    def cost(self, row: Row) -> int:
        """Lines a body row (of this table or made from one, e.g. a "(continued)" label) takes."""
        return _row_cost(row, self.widths, self.stub, self.page)

    @property
    def costs(self) -> list[int]:
        """Lines of each body row, in order."""
        if self._costs is None:
            self._costs = [self.cost(r) for r in self.rows]
        return self._costs


_MEASURED: list[tuple[tuple, _Measured]] = []  # most recently used first
_MEASURED_KEEP = 4
_MEASURED_LOCK = threading.Lock()


def _measure(table: Table) -> _Measured:
    """The measurements of ``table``, shared by every table with the same rows and columns (the very
    same tuples: ``dataclasses.replace`` keeps them, e.g. ``printed_footer``) and the same page, stub
    and kind: what column widths and row lines depend on. Rows and columns are compared by identity
    (comparing their contents would cost as much as measuring); the few entries kept hold them, so an
    identity is never reused while it is a key."""
    key = (table.rows, table.columns, table.stub_header, table.stub_width, table.page, table.kind)
    with _MEASURED_LOCK:
        for n, (k, m) in enumerate(_MEASURED):
            if k[0] is key[0] and k[1] is key[1] and k[2:] == key[2:]:
                _MEASURED.insert(0, _MEASURED.pop(n))
                return m
    m = _Measured(table)
    with _MEASURED_LOCK:
        _MEASURED.insert(0, (key, m))
        del _MEASURED[_MEASURED_KEEP:]
    return m


def _column_widths(table: Table) -> tuple[float, ...]:
    weights = [c.width if c.width and c.width > 0 else 1.0 for c in table.columns]
    stub = has_stub(table)
    if stub:
        weights.insert(0, table.stub_width if table.stub_width > 0 else 1.0)
    if not weights:
        return ()
    total = sum(weights)
    widths = [table.page.text_width * w / total for w in weights]
    if not stub:
        return tuple(widths)
    return tuple(widen_auto_columns(table, widths))


def _page_text_lines(texts: Sequence[str], page: PageSetup) -> int:
    chars = chars_per_line(page.text_width + 2 * CELL_PAD, page)
    return sum(text_lines(t, chars) for t in texts)


def title_lines(table: Table) -> int:
    """Lines of the page header: the running header line (when there is one), the title block and the gap
    under it."""
    return (_page_text_lines(table.header_lines, table.page) + TITLE_GAP_LINES
            + (1 if table.page.running_header else 0))


def footer_lines(table: Table) -> int:
    """Lines of the page footer: gap, footnotes, provenance and the page number line."""
    texts = [*table.footnotes, *([table.provenance] if table.provenance else [])]
    return FOOTER_GAP_LINES + _page_text_lines(texts, table.page) + PAGE_NUMBER_LINES


def header_row_lines(table: Table) -> int:
    """Lines taken by the table's header rows (spanner row and column-label row)."""
    widths = column_widths(table)
    stub = has_stub(table)
    body_widths = widths[1:] if stub else widths
    page = table.page
    total = 0
    if table.has_spanners:
        spans = [
            text_lines(text, chars_per_line(sum(body_widths[a : b + 1]), page))
            for text, a, b in table.spanner_runs()
        ]
        total += max(spans)
    labels = [
        text_lines(_column_heading(c.label, c.n_label), chars_per_line(w, page))
        for c, w in zip(table.columns, body_widths, strict=True)
    ]
    if stub:
        labels.append(text_lines(table.stub_header, chars_per_line(widths[0], page)))
    return total + max(labels, default=1)


def _column_heading(label: str, n_label: str) -> str:
    return f"{label}\n{n_label}" if n_label else label


def body_budget(table: Table) -> int:
    """Lines available for body rows on every page (at least 1), under the page footer the table is
    printed with (``printed_footer``)."""
    table = printed_footer(table)
    lines = page_lines(table.page)
    lines -= title_lines(table) + header_row_lines(table) + footer_lines(table)
    return max(1, lines)


def page_lines(page: PageSetup) -> int:
    """Lines of the body font the text area of the page holds."""
    return int(page.text_height * INCH // line_height(page))


# --- footnotes the page cannot hold -------------------------------------------------------------


def footnotes_fit(table) -> bool:
    """True when the page holds the footnotes in its footer: with the title block, the column headers,
    the provenance line, "Page x of y" and the tallest body row (a figure: a picture ``MIN_PICTURE``
    high). A Table, a listing part or a Figure."""
    return not table.footnotes or page_room(table) >= 0


def page_room(table) -> float:
    """Lines the page has to spare with the footnotes in its footer and the smallest body it must hold
    (the tallest body row; a figure: a picture ``MIN_PICTURE`` high); negative when they do not fit."""
    page = table.page
    left = page_lines(page) - title_lines(table) - footer_lines(table)
    if getattr(table, "kind", "") == "figure":
        return left - (MIN_PICTURE + PICTURE_SLACK) * INCH / line_height(page)
    left -= header_row_lines(table)
    return left - _tallest_row(table, left)


def _tallest_row(table: Table, room: int) -> int:
    """Lines of the tallest body row (1 without rows); stops at the first row taller than ``room``."""
    tallest = 1
    for cost in _measure(table).costs:
        tallest = max(tallest, cost)
        if tallest > room:
            break
    return tallest


def printed_footer(table):
    """``table`` as its pages print it: when its footnotes do not fit (``footnotes_fit``) the page footer
    holds, instead of them, one line saying where they are (``FOOTNOTES_AFTER``)."""
    if footnotes_fit(table):
        return table
    pointer = FOOTNOTES_AFTER_FIGURE if getattr(table, "kind", "") == "figure" else FOOTNOTES_AFTER
    return replace(table, footnotes=(pointer,))


def fitting_page(table) -> tuple[float, float | None]:
    """For footnotes that do not fit: the paper height (inches, same margins) that would hold them, and
    the largest font size (half points down to ``SMALLEST_FONT``; None if none) at which they fit."""
    page = table.page
    need = page_lines(page) - page_room(table)  # lines
    height = math.ceil((need * line_height(page) / INCH + 2 * page.margin) * 100) / 100
    size = page.font_size - 0.5
    while size >= SMALLEST_FONT:
        if footnotes_fit(replace(table, page=replace(page, font_size=size))):
            return height, size
        size -= 0.5
    return height, None


def end_note_pages(table, pages: Sequence[Page], notes: Sequence[str],
                   picture_height: float = 0.0) -> list[list[str]]:
    """The footnotes printed after the body when the page footer cannot hold them: the notes on the last
    page of the body (under its last row, or a figure's picture ``picture_height`` inches high), then
    those of each further page. ``table`` is the model as printed (``printed_footer``), ``pages`` its
    planned pages. A page ends before the footnote that would overflow it; a footnote longer than a page
    gets a page of its own."""
    page = table.page
    chars = chars_per_line(page.text_width + 2 * CELL_PAD, page)
    further = page_lines(page) - title_lines(table) - footer_lines(table)
    if getattr(table, "kind", "") == "figure":
        room = page.text_height - PICTURE_SLACK - picture_height
        left = int(room * INCH // line_height(page)) - title_lines(table) - footer_lines(table)
    else:
        left = body_budget(table) - (lines_used(table, pages[-1].rows) if pages else 0)
    left -= FOOTER_GAP_LINES  # the blank line between the body and the footnotes
    out: list[list[str]] = [[]]
    for note in notes:
        need = text_lines(note, chars)
        if need > left and (out[-1] or len(out) == 1):
            out.append([])
            left = further
        out[-1].append(note)
        left -= need
    return out


PICTURE_SLACK = 0.15  # inches of the body never filled by a picture (paragraph spacing, rounding)


def picture_size(fig) -> tuple[float, float]:
    """Width and height (inches) at which a figure's picture fits the page body: between the title
    block and the footnotes, inside the margins; scaled down, never up, keeping its aspect ratio.
    `fig` has width, height, page, header_lines, footnotes and provenance, as a Figure has."""
    fig = printed_footer(fig)
    page = fig.page
    room = page.text_height - (title_lines(fig) + footer_lines(fig)) * line_height(page) / INCH - PICTURE_SLACK
    scale = min(1.0, page.text_width / fig.width, max(room, MIN_PICTURE) / fig.height)
    return fig.width * scale, fig.height * scale


def row_lines(table: Table, row: Row) -> int:
    """Lines one body row takes: its tallest cell once wrapped to the column widths.

    The table's column widths are measured once (``_measure``) and shared by later calls.
    """
    return lines_used(table, (row,))


def lines_used(table: Table, rows: Sequence[Row]) -> int:
    """Lines a run of body rows of ``table`` takes (e.g. the rows of one page)."""
    measured = _measure(table)
    return sum(measured.cost(r) for r in rows)


def _row_cost(row: Row, widths: Sequence[float], stub: bool, page: PageSetup) -> int:
    cells: list[tuple[str, float, float]] = []
    if stub:
        # wrapped stub lines hang one level deeper than the first (see render_docx)
        cells.append((row.label, widths[0], (row.indent + 1) * INDENT_STEP))
        widths = widths[1:]
    cells.extend((text, w, 0.0) for text, w in zip(row.cells, widths, strict=True))
    return max((text_lines(t, chars_per_line(w, page, ind)) for t, w, ind in cells), default=1)


# --- pagination ------------------------------------------------------------------------------


def paginate(table: Table) -> list[Page]:
    """Split the body rows of ``table`` into pages that fit the row budget.

    Rows of a group (same non-empty ``Row.group``, adjacent) stay on one page when the group
    fits on a page (unless ``table.keep_together`` is False: then every page is filled); a group
    that must break resumes on the next page under a copy of its label
    row (its ``kind == "group"`` row, else its first row) labelled "... (continued)", with
    empty cells; a continuation page also repeats, as "(continued)", the labels of the groups that
    enclose its first row (less indented ``kind == "group"`` rows above it, e.g. the parameter above
    a visit). A ``kind == "group"`` row is never left last on a page when the row after it
    belongs with it, and spacer rows (``kind == "blank"``) are not printed at the top of a
    continuation page nor at the foot of any page.
    Listings with ``repeat_keys`` (when the model has it) get their key cells refilled on the
    first row of every page.
    """
    budget = body_budget(table)
    rows = table.rows
    measured = _measure(table)
    cost = measured.costs
    parent = _parents(rows)
    pages: list[list[Row]] = [[]]
    used = 0

    def new_page() -> None:
        nonlocal used
        pages.append([])
        used = 0

    for block in _blocks(rows):
        label_at = _label_index(rows, block)
        need = sum(cost[i] for i in _without_trailing_blanks(rows, block))
        if pages[-1] and need > budget - used:
            head = cost[block[0]] + (cost[block[1]] if len(block) > 1 else 0)
            if (need <= budget and getattr(table, "keep_together", True)) or head > budget - used:
                carried = _trailing_labels(pages[-1], rows[block[0]])
                if carried and len(carried) < len(pages[-1]):  # its headings go with it, never left at the foot
                    del pages[-1][-len(carried):]
                    new_page()
                    for row in carried:
                        pages[-1].append(row)
                        used += measured.cost(row)
                else:
                    new_page()
        for i in block:
            if pages[-1] and cost[i] + _keep_with_next(rows, cost, i, block) > budget - used:
                if rows[i].kind == "blank":
                    continue  # a spacer would only end this page or start the next
                new_page()
            if not pages[-1]:
                if rows[i].kind == "blank" and len(pages) > 1:
                    continue
                own = label_at is not None and label_at < i
                if len(pages) > 1:  # the enclosing group labels (e.g. the parameter above a visit)
                    for j in _enclosing(rows, parent, label_at if own else i):
                        cont = continued_row(rows[j])
                        pages[-1].append(cont)
                        used += measured.cost(cont)
                if own:
                    cont = continued_row(rows[label_at])
                    pages[-1].append(cont)
                    used += measured.cost(cont)
            pages[-1].append(rows[i])
            used += cost[i]
    pages = [_strip_trailing_blanks(p) for p in pages]
    pages = [p for p in pages if p] or [[]]
    pages = _refill_keys(table, pages)
    count = len(pages)
    return [Page(tuple(p), i, count) for i, p in enumerate(pages)]


def _trailing_labels(page: list[Row], first: Row) -> list[Row]:
    """The group label rows that end `page` and head the block starting with `first` (each less indented
    than the row below it, e.g. a measure above a treatment's heading): they move with the block when it
    goes to the next page."""
    out: list[Row] = []
    below = first
    for row in reversed(page):
        if row.kind != "group" or (row.indent >= below.indent and not getattr(row, "span", False)):
            break  # a section heading (span) heads whatever follows it
        out.append(row)
        below = row
    return out[::-1]


def _parents(rows: Sequence[Row]) -> list[int]:
    """For each row i, the nearest group label row above it less indented than it (-1: none), in one
    pass: a stack of label rows, each less indented than the one above it, holds every candidate (a
    label hides the labels above it that are not less indented than itself)."""
    out: list[int] = []
    stack: list[int] = []
    for i, row in enumerate(rows):
        k = len(stack) - 1
        while k >= 0 and rows[stack[k]].indent >= row.indent:
            k -= 1
        out.append(stack[k] if k >= 0 else -1)
        if row.kind == "group":
            while stack and rows[stack[-1]].indent >= row.indent:
                stack.pop()
            stack.append(i)
    return out


def _enclosing(rows: Sequence[Row], parent: Sequence[int], i: int) -> list[int]:
    """Indices of the group label rows that enclose row i (each less indented than the one below it,
    nearest last), outermost first: the labels a page that starts at row i repeats as "(continued)".
    ``parent`` is ``_parents(rows)``."""
    out: list[int] = []
    indent = rows[i].indent
    while indent > 0 and parent[i] >= 0:
        i = parent[i]
        out.append(i)
        indent = rows[i].indent
    return out[::-1]


def continued_row(row: Row) -> Row:
    """The label row repeated at the top of a page that resumes its group."""
    return replace(row, label=row.label + CONTINUED, cells=("",) * len(row.cells), kind="group")


def _strip_trailing_blanks(rows: list[Row]) -> list[Row]:
    """Spacer rows at the foot of a page only push the closing rule down."""
    end = len(rows)
    while end and rows[end - 1].kind == "blank":
        end -= 1
    return rows[:end]


def _without_trailing_blanks(rows: Sequence[Row], block: list[int]) -> list[int]:
    end = len(block)
    while end and rows[block[end - 1]].kind == "blank":
        end -= 1
    return block[:end]


def _blocks(rows: Sequence[Row]) -> list[list[int]]:
    """Indices of rows grouped into runs of one non-empty group; ungrouped rows stand alone."""
    blocks: list[list[int]] = []
    for i, row in enumerate(rows):
        if row.group and blocks and rows[blocks[-1][0]].group == row.group:
            blocks[-1].append(i)
        else:
            blocks.append([i])
    return blocks


def _label_index(rows: Sequence[Row], block: list[int]) -> int | None:
    """The group's label row: its kind == "group" row, else its first row (None if ungrouped)."""
    if not rows[block[0]].group:
        return None
    return next((i for i in block if rows[i].kind == "group"), block[0])


def _keep_with_next(rows: Sequence[Row], cost: list[int], i: int, block: list[int]) -> int:
    """Lines of the rows that must follow row i onto its page when row i is a group label: the next
    row (in its group, or any row after an ungrouped label), or, for a label whose next rows are
    more indented (a parameter above its first visit), those nested labels down to the first row
    that is not a label."""
    if rows[i].kind != "group" or i + 1 >= len(rows):
        return 0
    nxt = rows[i + 1]
    if nxt.kind != "blank" and nxt.indent > rows[i].indent and i + 1 not in block:
        need, j = 0, i + 1
        while j < len(rows) and rows[j].kind == "group" and rows[j].indent > rows[j - 1].indent:
            need += cost[j]
            j += 1
        return need + (cost[j] if j < len(rows) and rows[j].kind != "blank" else 0)
    if i + 1 in block or (not rows[i].group and nxt.kind != "blank"):
        return cost[i + 1]
    return 0


def _refill_keys(table: Table, pages: list[list[Row]]) -> list[list[Row]]:
    """For listings, print the key columns again on the first record of each page."""
    keys = int(getattr(table, "repeat_keys", 0) or 0)
    if table.kind != "listing" or keys <= 0 or len(pages) < 2:
        return pages
    last = [""] * keys
    out = []
    for n, page in enumerate(pages):
        new_page: list[Row] = []
        pending = n > 0  # the first record of a continuation page still needs its keys
        for row in page:
            if pending and row.kind == "data":
                filled = tuple(c or last[j] for j, c in enumerate(row.cells[:keys]))
                row = replace(row, cells=filled + row.cells[keys:])
                pending = False
            for j, c in enumerate(row.cells[:keys]):
                last[j] = c or last[j]
            new_page.append(row)
        out.append(new_page)
    return out
