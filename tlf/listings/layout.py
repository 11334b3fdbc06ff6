"""Records + listing spec -> Listing: formatted cells, key columns, page-by groups, column widths.

With ``records=None`` the same code draws the shell: a few placeholder rows whose text cells are
"xxxxxxxx" as wide as the column, dates "xxxx-xx-xx", numbers "xx.x" with the spec's decimals, and
one page-by heading "Treatment: xxxxxxxx".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.format.values import column_mask, fmt_dates, fmt_datetimes, fmt_integers, fmt_numbers, fmt_texts
from tlf.listings.model import Listing, PageByGroup
from tlf.tables.fonts import font_metrics
from tlf.tables.model import INCH, Column, PageSetup, Row, Table, page_setup

if TYPE_CHECKING:
    import pandas as pd

    from tlf.spec.listing import ListingColumn, ListingOutput
    from tlf.spec.validate import OutputEntry, Study

# Geometry of a fixed-width font, as tlf.render.paginate measures it (a test checks that a shell
# placeholder fills exactly one line of its column as the renderer lays it out).
CELL_PAD = 0.05  # inches of cell margin, left and right
FIT_SLACK = 0.02  # inches never counted as room for text
AUTO_MIN_CHARS = 4
AUTO_MAX_CHARS = 40
SHELL_SUBJECTS = 2  # placeholder subjects in a shell ...
SHELL_RECORDS = 2  # ... with this many records each
SHELL_VALUE = "xxxxxxxx"


def layout_listing(study: Study, entry: OutputEntry, records: pd.DataFrame | None, *, provenance: str = "",
                   context: dict | None = None, labels: dict[str, str] | None = None,
                   shell: bool = False) -> Listing:
    """The formatted Listing of one output from its records (see ``select_records``), or its shell.
    ``labels``: variable labels of the dataset (for a page-by heading whose spec gives no label)."""
    from tlf.format.text import render_text

    spec: ListingOutput = entry.spec
    page = spec.page or study.spec.page
    setup = page_setup(page)
    n_keys = spec.n_keys
    if shell or records is None:
        cells, headings = _shell_cells(spec), _shell_headings(spec)
    else:
        cells = [_column_texts(c, records) for c in spec.columns]
        headings = _headings(spec, records, labels or {})
    widths = _widths(spec, cells, setup)
    columns = tuple(Column(id=f"c{i}", label=c.label, width=w, align=c.align)
                    for i, (c, w) in enumerate(zip(spec.columns, widths, strict=True)))
    if shell or records is None:
        rows, groups = _shell_rows(spec, widths, setup), [PageByGroup(headings[0], 0, len(headings))]
    else:
        rows, groups = _rows(cells, headings, n_keys)
    ctx = dict(context or {})
    titles = tuple(render_text(t, ctx, where=f"{entry.id}.title",
                    location=entry.source.locate(("title",))) for t in spec.titles)
    notes = tuple([render_text(f, ctx, where=f"{entry.id}.footnotes", location=entry.source.locate(("footnotes",)))
                   for f in spec.footnotes] +
                  [render_text(f, ctx, where=f"{entry.id}.footnotes", location=study.source.locate(("footnotes",)))
                   for f in study.spec.footnotes])
    table = Table(
        output_id=spec.id, number=spec.number, titles=titles, columns=columns, rows=tuple(rows),
        population=study.spec.populations[spec.population].label,
        subtitle=render_text(spec.subtitle, ctx, where=f"{entry.id}.subtitle",
                    location=entry.source.locate(("subtitle",))), stub_header="", stub_width=0.0,
        footnotes=notes, provenance=provenance, page=setup, kind="listing", repeat_keys=n_keys,
    )
    return Listing(table, tuple(groups) if spec.page_by is not None else (), no_data=spec.no_data_text)


# --- cells --------------------------------------------------------------------------------------


def _column_texts(col: ListingColumn, records: pd.DataFrame) -> list[str]:
    """The printed text of one column for every record; several variables join with ``sep``,
    leaving out empty parts."""
    parts = [_format(col, records[v], records) for v in col.variables]
    if len(parts) == 1:
        return parts[0]
    return [col.sep.join(p for p in texts if p) for texts in zip(*parts, strict=True)]


def _format(col: ListingColumn, values: pd.Series, records: pd.DataFrame) -> list[str]:
    from tlf.data.dates import as_timestamps, study_day

    fmt = col.format
    if fmt == "date":
        return fmt_dates(as_timestamps(values), values)
    if fmt == "datetime":
        return fmt_datetimes(as_timestamps(values, datetime=True), values)
    if fmt == "studyday":
        return fmt_integers(study_day(as_timestamps(values), as_timestamps(records[col.ref.upper()])))
    if fmt == "integer":
        return fmt_integers(values)
    if fmt == "number":
        return fmt_numbers(values, col.decimals or 0, sig=col.sig, missing=col.missing)
    return fmt_texts(values.tolist(), col.map)


def _headings(spec: ListingOutput, records: pd.DataFrame, labels: dict[str, str]) -> list[str]:
    """The page-by heading of every record ("" without page-by)."""
    pb = spec.page_by_spec
    if pb is None:
        return [""] * len(records)
    var = pb.var.upper()
    label = pb.label or labels.get(var) or pb.var
    return [f"{label}: {v}" for v in fmt_texts(records[var].tolist())]


def _rows(cells: list[list[str]], headings: list[str], n_keys: int) -> tuple[list[Row], list[PageByGroup]]:
    """Body rows (key cells blank where they repeat the previous record's keys within a page-by group)
    and the page-by groups."""
    n = len(headings)
    rows: list[Row] = []
    groups: list[PageByGroup] = []
    by_row = list(zip(*cells, strict=True)) if cells else [()] * n
    prev: tuple[str, ...] | None = None
    for i, values in enumerate(by_row):
        if not groups or headings[i] != groups[-1].heading:
            if groups:
                groups[-1] = PageByGroup(groups[-1].heading, groups[-1].first, i)
            groups.append(PageByGroup(headings[i], i, i))
            prev = None
        keys = values[:n_keys]
        shown = list(values)
        if prev is not None:
            for j in range(n_keys):
                if keys[: j + 1] == prev[: j + 1]:
                    shown[j] = ""
        prev = keys
        rows.append(Row("", tuple(shown)))
    if groups:
        groups[-1] = PageByGroup(groups[-1].heading, groups[-1].first, n)
    return rows, groups


# --- widths -------------------------------------------------------------------------------------


def _widths(spec: ListingOutput, cells: list[list[str]], page: PageSetup) -> list[float]:
    """Column widths in inches: the spec's, or sized from the longest line of the column's values
    (and the longest word of its label), between AUTO_MIN_CHARS and AUTO_MAX_CHARS characters."""
    per_char = font_metrics(page.font).char_em * page.font_size / INCH
    out = []
    for col, texts in zip(spec.columns, cells, strict=True):
        if col.width:
            out.append(col.width)
            continue
        longest = max((len(line) for t in texts for line in t.split("\n")), default=0)
        word = max((len(w) for w in col.label.split()), default=0)
        chars = max(AUTO_MIN_CHARS, word, min(AUTO_MAX_CHARS, longest))
        out.append(chars * per_char + 2 * CELL_PAD + FIT_SLACK + 0.01)
    return out


def chars_in(width: float, widths: list[float], page: PageSetup) -> int:
    """Characters that fit on one line of a column of ``width`` inches once all ``widths`` are scaled
    to the page's text width (what the renderer does)."""
    scaled = page.text_width * width / sum(widths)
    usable = (scaled - 2 * CELL_PAD - FIT_SLACK) * INCH
    return max(1, int(usable // (font_metrics(page.font).char_em * page.font_size)))


# --- shells -------------------------------------------------------------------------------------


def _shell_cells(spec: ListingOutput) -> list[list[str]]:
    """Placeholder cells used to size columns without a width (before the masks are fitted)."""
    n = SHELL_SUBJECTS * SHELL_RECORDS
    return [[column_mask(c.format, len(SHELL_VALUE), c.decimals, c.sig)] * n for c in spec.columns]


def _shell_rows(spec: ListingOutput, widths: list[float], page: PageSetup) -> list[Row]:
    """Shell rows: text columns "x" as wide as the column, formatted columns their mask; the key
    columns print on each placeholder subject's first row only, as in the listing."""
    masks = [_shell_mask(c, chars_in(w, widths, page)) for c, w in zip(spec.columns, widths, strict=True)]
    n_keys = spec.n_keys
    rows = []
    for _s in range(SHELL_SUBJECTS):
        for r in range(SHELL_RECORDS):
            rows.append(Row("", tuple("" if (r and j < n_keys) else m for j, m in enumerate(masks))))
    return rows


def _shell_mask(col: ListingColumn, chars: int) -> str:
    """One column's placeholder: its variables' masks joined as the values are (one line each when
    ``sep`` breaks the line); a text column's placeholder fills its width."""
    n = len(col.variables)
    if n == 1:
        return column_mask(col.format, chars, col.decimals, col.sig)
    if "\n" in col.sep:  # one variable a line, each line as wide as the column
        mark = col.sep.replace("\n", "")
        masks = [column_mask(col.format, chars - (len(mark) if i < n - 1 else 0), col.decimals, col.sig) for i in range(n)]
        return col.sep.join(masks)
    if col.format == "text":
        return column_mask("text", chars)
    return col.sep.join([column_mask(col.format, chars, col.decimals, col.sig)] * n)


def _shell_headings(spec: ListingOutput) -> list[str]:
    pb = spec.page_by_spec
    n = SHELL_SUBJECTS * SHELL_RECORDS
    if pb is None:
        return [""] * n
    return [f"{pb.label or pb.var}: {SHELL_VALUE}"] * n
