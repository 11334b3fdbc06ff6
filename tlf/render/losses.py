"""Layout losses as findings: what a rendered output could not print where or as planned.

    footnote_findings(entry, model)        footnotes the page cannot hold (FIT001): printed once after the
                                           last row or picture instead of at the foot of every page
    cut_findings(entry, file_name, cuts)   text cut to the 32,767 characters an Excel cell holds (FIT002)
    font_notes(fonts)                      page fonts not installed: pages planned with another's metrics (FIT003)
    word_break_notes(model)                headers and cells whose words are wider than their column (FIT004)

Each is a ``tlf.errors.Finding``: the build reports it with the output (``tlf build --strict`` makes it
an error). ``entry`` is the output's spec entry (``tlf.spec.validate.OutputEntry``: id, source, error).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tlf.errors import Finding, OutputError
from tlf.render.paginate import (
    column_widths,
    fitting_page,
    footer_lines,
    footnotes_fit,
    has_stub,
    header_row_lines,
    page_lines,
    page_room,
    title_lines,
)
from tlf.render.text_metrics import CELL_PAD, INDENT_STEP, char_width
from tlf.render.xlsx_sheet import CELL_LIMIT, Cut
from tlf.tables.model import INCH

FOOTNOTES_DO_NOT_FIT = "FIT001"
CELL_TEXT_CUT = "FIT002"
FONT_NOT_INSTALLED = "FIT003"
WORD_BREAKS = "FIT004"
CELLS_NAMED = 5  # cells a finding names before "and N more"


def footnote_findings(entry, model) -> list[Finding]:
    """A finding when the page cannot hold the footnotes of ``model`` (a Table, a Listing or a Figure) at
    its foot: what the page holds, what it would have to hold, and the paper height and font size at
    which the footnotes would fit."""
    parts = model.parts() if hasattr(model, "parts") else (model,)
    if all(footnotes_fit(p) for p in parts):
        return []
    part = min(parts, key=page_room)  # the page with the least room (a listing's longest title block)
    page = part.page
    figure = getattr(part, "kind", "") == "figure"
    lines = page_lines(page)
    need = lines - page_room(part)
    tallest = need - title_lines(part) - footer_lines(part) - (0 if figure else header_row_lines(part))
    parts_text = (f"title block ({title_lines(part)} lines), "
                  + ("" if figure else f"column headers ({header_row_lines(part)}), ")
                  + f"footnotes with provenance and page number ({footer_lines(part)}) and "
                  + ("the smallest picture" if figure else f"the tallest row ({tallest})"))
    height, size = fitting_page(part)
    where = "the picture" if figure else ("the last record" if part.kind == "listing" else "the last row")
    fits = f"a page {height:g} in high (this one is {page.size[1]:g} in)"
    if size is not None:
        fits += f", or `page: {{font_size: {size:g}}}`,"
    message = (f"{entry.id}.docx: the {len(part.footnotes)} footnote(s) do not fit the foot of the page: "
               f"a page holds {lines} lines at {page.font_size:g} pt, the {parts_text} need {need:.0f}; "
               f"they are printed once, after {where}, and the foot of every page says so (with the "
               f"provenance line and 'Page x of y'). {fits[0].upper() + fits[1:]} would hold them at the "
               f"foot of every page")
    return [Finding(entry.error(("footnotes",), message, FOOTNOTES_DO_NOT_FIT))]


def cut_findings(entry, file_name: str, cuts: Sequence[Cut]) -> list[Finding]:
    """A finding per sheet whose cells had text cut to Excel's limit, naming the cells and the lengths."""
    by_sheet: dict[str, list[Cut]] = {}
    for c in cuts:
        by_sheet.setdefault(c.sheet, []).append(c)
    out = []
    for sheet, cells in by_sheet.items():
        named = ", ".join(f"{c.cell} ({c.length:,} characters)" for c in cells[:CELLS_NAMED])
        more = f" and {len(cells) - CELLS_NAMED} more" if len(cells) > CELLS_NAMED else ""
        whole = _whole_text(entry, sheet)
        message = (f"{file_name}: sheet '{sheet}': text cut to {CELL_LIMIT:,} characters, the most an Excel "
                   f"cell holds, in {len(cells)} cell(s): {named}{more}"
                   + (f"; the whole text is in {whole}" if whole else ""))
        out.append(Finding(OutputError(message, code=CELL_TEXT_CUT)))
    return out


def _whole_text(entry, sheet: str) -> str:
    """Where the build wrote the whole text of a cut cell of ``sheet`` ('' when nowhere else)."""
    if sheet == "ARD":
        return f"{entry.id}.ard.csv"
    if sheet == "Data":
        return f"{entry.id}.data.csv" if entry.spec.type == "listing" else ""
    return f"{entry.id}.docx"


def font_notes(fonts) -> list[str]:
    """A warning per page font that is not installed here (nor one with its metrics): the pages are planned
    with the metrics of the font that prints it here (tlf/tables/fonts.py)."""
    from tlf.tables.fonts import font_warning

    return [f"{w} [{FONT_NOT_INSTALLED}]" for font in sorted(set(fonts)) if (w := font_warning(font))]


def word_break_notes(model) -> list[str]:
    """A warning per column (and the stub) of a Table or Listing whose header or cells hold a word longer
    than a line of the column: it would break inside the word. Names the column, the longest such word, the
    characters a line holds and the width that would hold the word."""
    if getattr(model, "kind", "") == "figure":
        return []
    out: dict[str, str] = {}
    for table in (model.parts() if hasattr(model, "parts") else (model,)):
        for name, where, word, chars, width, need in _broken_words(table):
            out.setdefault(name, f"{name}: the {where} word '{word}' ({len(word)} characters) breaks "
                                 f"inside the word: a line of the column holds {chars} characters ({width:.2f} in at "
                                 f"{table.page.font_size:g} pt); a column {need:.2f} in wide would hold it (widen "
                                 f"the column, shorten the text, or set a smaller page font_size) [{WORD_BREAKS}]")
    return list(out.values())


def _broken_words(table):
    """(column name, "header"/"cell", longest word, characters a line holds, width, width needed) for each
    column whose header or cells have a word wider than a line. Measured without the paginator's slack: a
    word that would just fit is not reported."""
    page = table.page
    per_char = char_width(page) / INCH
    widths = column_widths(table)
    stub = has_stub(table)

    def holds(width: float, indent: float = 0.0) -> int:
        return max(1, int((width - 2 * CELL_PAD - indent) / per_char + 1e-9))

    def need(word: str, indent: float = 0.0) -> float:
        return math.ceil((indent + len(word) * per_char + 2 * CELL_PAD) * 100) / 100

    if stub:
        lines: dict[float, list[str]] = {}
        for row in table.rows:
            lines.setdefault((row.indent + 1) * INDENT_STEP, []).append(row.label)
        lines.setdefault(0.0, []).append(table.stub_header)
        for indent, texts in sorted(lines.items()):
            found = _longest_over(texts, holds(widths[0], indent))
            if found:
                what = "header" if indent == 0.0 else "row label"
                yield ("the row labels", what, found, holds(widths[0], indent), widths[0], need(found, indent))
                break
    for j, (col, width) in enumerate(zip(table.columns, widths[1:] if stub else widths, strict=True)):
        name = f"column '{' '.join(col.label.split())}'"
        for what, texts in (("header", (col.label, col.n_label)), ("cell", [r.cells[j] for r in table.rows])):
            found = _longest_over(texts, holds(width))
            if found:
                yield (name, what, found, holds(width), width, need(found))
                break


def _longest_over(texts, chars: int) -> str:
    """The longest word of ``texts`` longer than ``chars`` characters ('' when none)."""
    texts = [t for t in texts if len(t) > chars]  # a text no longer than a line has no such word
    words = [w for t in texts for w in t.split() if len(w) > chars]
    return max(words, key=len, default="")
