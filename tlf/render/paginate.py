"""Split a Table into pages: the row budget, keeping groups together, "(continued)" labels.

Pure functions over the frozen table model; no I/O. The geometry here (column widths,
line height, characters per line) is shared with the DOCX renderer so that what the
paginator plans is what Word and LibreOffice lay out.

Page layout assumed (and produced by ``render_docx``), all inside the page margins:

    title block lines (header_lines), one blank line          -> page header
    header rows (spanner row, column labels + n_label)        -> repeated table header
    body rows                                                 -> the budget computed here
    one blank line, footnotes, provenance, "Page x of y"      -> page footer

A line is ``LINE_FACTOR`` x font size high (Courier New sets 1.13 em, so this leaves slack
for borders and rounding), a character of a fixed-width font is ``CHAR_EM`` em wide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from tlf.tables.model import INCH, PageSetup, Row, Table

LINE_FACTOR = 1.2  # line height / font size
CHAR_EM = 0.6  # Courier New advance width / font size
CELL_PAD = 0.05  # inches of cell margin, left and right of every cell
INDENT_STEP = 0.15  # inches of left indentation per Row.indent level
TITLE_GAP_LINES = 1  # blank line between the title block and the table
FOOTER_GAP_LINES = 1  # blank line between the page body and the footnotes
PAGE_NUMBER_LINES = 1  # the "Page x of y" line
STUB_FLOOR = 0.2  # share of the text width the stub keeps when auto columns widen
HEADER_LINE_CAP = 16  # header lines longer than this may wrap rather than widen a column
CONTINUED = " (continued)"


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
    """True when the table has a row-label (stub) column: a stub header or any row label."""
    return bool(table.stub_header) or any(r.label for r in table.rows)


def column_widths(table: Table) -> tuple[float, ...]:
    """Widths in inches of the printed columns (stub first when present), summing to the text width.

    ``table.stub_width`` and ``Column.width`` are relative weights; a column without a width
    weighs 1.0, so columns left at None share equally what the explicit weights leave. When
    those equal shares are too narrow for the longest cell (or header word) of the auto
    columns, the auto columns widen, equally, taking the room from the stub down to a floor
    (its longest word, and at least ``STUB_FLOOR`` of the text width), so values do not wrap.
    """
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
    return tuple(_widen_auto_columns(table, widths))


def _widen_auto_columns(table: Table, widths: list[float]) -> list[float]:
    auto = [j + 1 for j, c in enumerate(table.columns) if not (c.width and c.width > 0)]
    if not auto:
        return widths
    page = table.page
    inch_per_char = char_width(page) / INCH
    need = max(_natural_chars(table, j - 1) for j in auto) * inch_per_char + 2 * CELL_PAD
    short = sum(max(0.0, need - widths[j]) for j in auto)
    if short <= 0:
        return widths
    label_words = (
        (r.indent + 1) * INDENT_STEP + _longest_word(r.label) * inch_per_char for r in table.rows
    )
    floor = max(STUB_FLOOR * page.text_width, max(label_words, default=0.0) + 2 * CELL_PAD)
    floor = min(widths[0], floor)
    take = min(short, widths[0] - floor)
    if take <= 0:
        return widths
    out = list(widths)
    out[0] -= take
    for j in auto:
        out[j] += take * max(0.0, need - widths[j]) / short
    return out


def _natural_chars(table: Table, j: int) -> int:
    """Characters a body column would like: its longest cell line, its header lines up to
    ``HEADER_LINE_CAP`` characters, its longest header word."""
    col = table.columns[j]
    cells = (len(line) for r in table.rows for line in r.cells[j].split("\n"))
    header = (min(len(line), HEADER_LINE_CAP) for line in (*col.label.split("\n"), col.n_label))
    return max(max(cells, default=0), max(header), _longest_word(col.label))


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def line_height(page: PageSetup) -> float:
    """Points per printed line."""
    return LINE_FACTOR * page.font_size


def char_width(page: PageSetup) -> float:
    """Points per character of the fixed-width font."""
    return CHAR_EM * page.font_size


def chars_per_line(width_in: float, page: PageSetup, indent_in: float = 0.0) -> int:
    """How many characters fit on one line of a cell (or paragraph) ``width_in`` inches wide."""
    usable = (width_in - 2 * CELL_PAD - indent_in) * INCH
    return max(1, int(usable // char_width(page)))


def text_lines(text: str, chars: int) -> int:
    """Lines a text takes when word-wrapped at ``chars`` characters; "\\n" breaks a line."""
    return sum(_wrapped_lines(part, chars) for part in text.split("\n"))


def _wrapped_lines(text: str, chars: int) -> int:
    lines, used = 1, 0
    for word in text.split(" "):
        size = len(word)
        if used and used + 1 + size <= chars:
            used += 1 + size
            continue
        if used:
            lines += 1
        while size > chars:  # a word longer than the line breaks anywhere
            lines += 1
            size -= chars
        used = size
    return lines


def _page_text_lines(texts: Sequence[str], page: PageSetup) -> int:
    chars = chars_per_line(page.text_width + 2 * CELL_PAD, page)
    return sum(text_lines(t, chars) for t in texts)


def title_lines(table: Table) -> int:
    """Lines of the page header: the title block plus the gap under it."""
    return _page_text_lines(table.header_lines, table.page) + TITLE_GAP_LINES


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
    """Lines available for body rows on every page (at least 1)."""
    page = table.page
    lines = int(page.text_height * INCH // line_height(page))
    lines -= title_lines(table) + header_row_lines(table) + footer_lines(table)
    return max(1, lines)


def row_lines(table: Table, row: Row) -> int:
    """Lines one body row takes: its tallest cell once wrapped to the column widths."""
    return _row_cost(row, column_widths(table), has_stub(table), table.page)


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
    fits on a page; a group that must break resumes on the next page under a copy of its label
    row (its ``kind == "group"`` row, else its first row) labelled "... (continued)", with
    empty cells. A ``kind == "group"`` row is never left last on a page when the row after it
    belongs with it, and spacer rows (``kind == "blank"``) are not printed at the top of a
    continuation page nor at the foot of any page.
    Listings with ``repeat_keys`` (when the model has it) get their key cells refilled on the
    first row of every page.
    """
    budget = body_budget(table)
    rows = table.rows
    widths, stub = column_widths(table), has_stub(table)
    cost = [_row_cost(r, widths, stub, table.page) for r in rows]
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
            if need <= budget or head > budget - used:
                new_page()
        for i in block:
            if pages[-1] and cost[i] + _keep_with_next(rows, cost, i, block) > budget - used:
                if rows[i].kind == "blank":
                    continue  # a spacer would only end this page or start the next
                new_page()
            if not pages[-1]:
                if rows[i].kind == "blank" and len(pages) > 1:
                    continue
                if label_at is not None and label_at < i:
                    cont = continued_row(rows[label_at])
                    pages[-1].append(cont)
                    used += row_lines(table, cont)
            pages[-1].append(rows[i])
            used += cost[i]
    pages = [_strip_trailing_blanks(p) for p in pages]
    pages = [p for p in pages if p] or [[]]
    pages = _refill_keys(table, pages)
    count = len(pages)
    return [Page(tuple(p), i, count) for i, p in enumerate(pages)]


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
    """Lines of the next row when row i is a group label that must not end a page."""
    if rows[i].kind != "group" or i + 1 >= len(rows):
        return 0
    nxt = rows[i + 1]
    same_block = i + 1 in block
    if same_block or (not rows[i].group and nxt.kind != "blank"):
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
