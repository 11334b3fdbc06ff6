"""Layout losses as findings: what a rendered output could not print where or as planned.

    footnote_findings(entry, model)        footnotes the page cannot hold (FIT001): printed once after the
                                           last row or picture instead of at the foot of every page
    cut_findings(entry, file_name, cuts)   text cut to the 32,767 characters an Excel cell holds (FIT002)

Each is a ``tlf.errors.Finding``: the build reports it with the output (``tlf build --strict`` makes it
an error). ``entry`` is the output's spec entry (``tlf.spec.validate.OutputEntry``: id, source, error).
"""

from __future__ import annotations

from collections.abc import Sequence

from tlf.errors import Finding, OutputError
from tlf.render.paginate import (
    fitting_page,
    footer_lines,
    footnotes_fit,
    header_row_lines,
    page_lines,
    page_room,
    title_lines,
)
from tlf.render.xlsx_sheet import CELL_LIMIT, Cut

FOOTNOTES_DO_NOT_FIT = "FIT001"
CELL_TEXT_CUT = "FIT002"
CELLS_NAMED = 5  # cells a finding names before "and N more"


def footnote_findings(entry, model) -> list[Finding]:
    """A finding when the page cannot hold the footnotes of ``model`` (a Table, a Listing or a Figure) at
    its foot: what the page holds, what it would have to hold, and the paper height and font size at
    which the footnotes would fit."""
    from tlf.render.align import aligned_table

    parts = model.parts() if hasattr(model, "parts") else (model,)
    if getattr(model, "kind", "") == "table":
        parts = (aligned_table(model),)  # measured as render_docx prints it
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
