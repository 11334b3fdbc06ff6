"""How much text fits where, in the page's font, measured from the font file that prints it here
(tlf/tables/fonts.py: Courier New, or Liberation Mono with the same metrics): line height, characters per
line, lines a text wraps to; and the width of a table's stub against its automatic columns. The measures
pagination (paginate.py) and the DOCX grid share."""

from __future__ import annotations

from tlf.tables.fonts import font_metrics
from tlf.tables.model import INCH, Column, PageSetup, Row, Table

LINE_FACTOR = 1.15  # the least line height / font size (Courier New's 1.133 with slack)


LINE_SLACK = 0.017  # em of line height never counted as room (borders, rounding)


FIT_SLACK = 0.02  # inches of a cell never counted as room for text (rendering differences)


CELL_PAD = 0.05  # inches of cell margin, left and right of every cell


INDENT_STEP = 0.15  # inches of left indentation per Row.indent level


VALUE_WRAP_PENALTY = 5  # extra lines a row with wrapped values counts when sizing the stub


SAMPLE_ROWS = 2000  # rows judged when sizing the stub of a big table


HEADER_LINE_CAP = 16  # header lines longer than this may wrap rather than widen a column


def line_height(page: PageSetup) -> float:
    """Points per printed line: the font's line height with ``LINE_SLACK``, at least ``LINE_FACTOR`` em."""
    return max(LINE_FACTOR, font_metrics(page.font).line_em + LINE_SLACK) * page.font_size


def char_width(page: PageSetup) -> float:
    """Points per character of the font (fixed-width: every character's advance)."""
    return font_metrics(page.font).char_em * page.font_size


def chars_per_line(width_in: float, page: PageSetup, indent_in: float = 0.0) -> int:
    """How many characters fit on one line of a cell (or paragraph) ``width_in`` inches wide."""
    usable = (width_in - 2 * CELL_PAD - FIT_SLACK - indent_in) * INCH
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


def widen_auto_columns(table: Table, widths: list[float]) -> list[float]:
    """Trade stub width for auto-column width: first the stub width that makes the body
    shortest (see ``_best_stub``), then header lines widen the auto columns, but only from room
    the stub's labels do not need."""
    auto = [j + 1 for j, c in enumerate(table.columns) if not (c.width and c.width > 0)]
    if not auto:
        return widths
    per_char = char_width(table.page) / INCH
    pad = 2 * CELL_PAD + FIT_SLACK
    words, whole = _stub_needs(table, per_char)
    stub = _best_stub(table, widths, auto, min(widths[0], words + pad))
    widths = _take_from_stub(widths, auto, float("inf"), stub)
    heads = max(_header_chars(table.columns[j - 1]) for j in auto)
    return _take_from_stub(widths, auto, heads * per_char + pad, max(stub, whole + pad))


def _best_stub(table: Table, widths: list[float], auto: list[int], lowest: float) -> float:
    """The stub width, from its weighted width down to ``lowest`` in steps of one character,
    that makes the body shortest, counting ``VALUE_WRAP_PENALTY`` extra lines for a row whose
    values wrap: values split over lines read worse than labels wrapped at words. Ties keep
    the wider stub. Big tables are judged on an even sample of rows."""
    page = table.page
    per_char = char_width(page) / INCH
    room = widths[0] + sum(widths[j] for j in auto)
    rows = table.rows[:: max(1, len(table.rows) // SAMPLE_ROWS)]
    values = [_value_extent(r, auto) for r in rows]
    best, best_cost = widths[0], None
    stub = widths[0]
    while stub >= lowest - 1e-9:
        value_chars = chars_per_line((room - stub) / len(auto), page)
        cost = 0
        for r, (longest, lines) in zip(rows, values, strict=True):
            label = text_lines(r.label, chars_per_line(stub, page, (r.indent + 1) * INDENT_STEP))
            wrapped = max(lines, -(-longest // value_chars))
            cost += max(label, wrapped) - 1 + (VALUE_WRAP_PENALTY if wrapped > lines else 0)
        if best_cost is None or cost < best_cost:
            best, best_cost = stub, cost
        stub -= per_char
    return best


def _value_extent(row: Row, auto: list[int]) -> tuple[int, int]:
    """(longest line, most lines) of a row's cells in the auto columns."""
    longest, lines = 0, 1
    for j in auto:
        parts = row.cells[j - 1].split("\n")
        lines = max(lines, len(parts))
        longest = max(longest, *map(len, parts))
    return longest, lines


def _take_from_stub(widths: list[float], auto: list[int], need: float, floor: float) -> list[float]:
    """Move room from the stub (down to ``floor``) to the auto columns narrower than ``need``."""
    short = sum(max(0.0, need - widths[j]) for j in auto)
    take = min(short, widths[0] - floor)
    if take <= 0:
        return widths
    out = list(widths)
    out[0] -= take
    if short == float("inf"):  # share equally
        for j in auto:
            out[j] += take / len(auto)
        return out
    for j in auto:
        out[j] += take * max(0.0, need - widths[j]) / short
    return out


def _stub_needs(table: Table, per_char: float) -> tuple[float, float]:
    """Inches the stub needs for its longest word, and for its longest label on one line."""
    words, whole = 0.0, 0.0
    for r in table.rows:
        lead = (r.indent + 1) * INDENT_STEP
        words = max(words, lead + _longest_word(r.label) * per_char)
        whole = max(whole, lead + len(r.label) * per_char)
    for line in table.stub_header.split("\n"):
        words = max(words, _longest_word(line) * per_char)
        whole = max(whole, len(line) * per_char)
    return words, whole


def _header_chars(col: Column) -> int:
    """Characters of a column's longest header line, up to ``HEADER_LINE_CAP``."""
    return max(min(len(line), HEADER_LINE_CAP) for line in (*col.label.split("\n"), col.n_label))


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)
