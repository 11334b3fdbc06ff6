"""The table model: a frozen, fully formatted table that renderers only read.

Everything here is text. Numbers were computed (stats), stored (ard) and formatted
(format) before a Table exists; a renderer never rounds or formats anything.
The same model serves tables and listings (a listing is a Table whose rows are records).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

INCH = 72.0  # points per inch

PAPER_SIZES = {"letter": (11.0, 8.5), "a4": (11.69, 8.27)}  # landscape (width, height), inches


def title_block(number: str, titles: tuple[str, ...], population: str, subtitle: str) -> tuple[str, ...]:
    """The title block of any output, top to bottom: number, titles, population, subtitle."""
    return tuple(x for x in (number, *titles, population, subtitle) if x)


@dataclass(frozen=True)
class PageSetup:
    """Page geometry and font of one output."""

    paper: str = "letter"  # "letter" | "a4"
    orientation: str = "landscape"  # "landscape" | "portrait"
    margin: float = 1.0  # inches, all four sides
    font: str = "Courier New"
    font_size: float = 9.0  # points
    running_header: tuple[str, ...] = ()  # (left, centre, right) line above the title block; () for none
    watermark: str = ""  # a mark printed across every page ("DRAFT"), "" for none

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) in inches, oriented."""
        w, h = PAPER_SIZES[self.paper]
        return (w, h) if self.orientation == "landscape" else (h, w)

    @property
    def text_width(self) -> float:
        return self.size[0] - 2 * self.margin

    @property
    def text_height(self) -> float:
        return self.size[1] - 2 * self.margin


def page_setup(page) -> PageSetup:
    """The PageSetup of a spec's `page:` block (any object with paper, orientation, margin, font, font_size)."""
    return PageSetup(paper=page.paper, orientation=page.orientation, margin=page.margin, font=page.font,
                     font_size=page.font_size)


@dataclass(frozen=True)
class Column:
    """One body column (not the stub).

    label: the header text, e.g. "Placebo"; may contain "\n" for line breaks.
    n_label: the line under the label, e.g. "(N=8)", or "" for none.
    spanner: the spanning header over a run of adjacent columns sharing it, or "".
    width: relative width (the renderer scales all widths to the text width), or None for auto.
    align: "center" | "right" | "left" | "decimal" for the body cells.
    """

    id: str
    label: str
    n_label: str = ""
    spanner: str = ""
    width: float | None = None
    align: str = "center"


@dataclass(frozen=True)
class Row:
    """One body row.

    label: the stub text (row label); indent: its nesting level (0, 1, 2 ...).
    cells: one string per body column, in column order.
    kind: "data" (a row with values), "group" (a group label, cells usually empty),
          "blank" (a spacer row).
    group: the key of the group the row belongs to; a page break inside a group repeats the
           group's label row with " (continued)", and the paginator keeps a group's rows together
           where they fit on one page.
    key: the (parent, level) of the results-dataset statistics the row shows, when a row stands for
         one level of its analysis (a term); layout uses it to place per-row p-values.
    span: a section heading (CHEMISTRY) whose label spans the whole table; its cells are empty.
    """

    label: str
    cells: tuple[str, ...]
    indent: int = 0
    kind: str = "data"
    group: str = ""
    key: tuple[str, str] | None = None
    span: bool = False  # a section heading: its label spans the stub and the body columns (DOCX)


@dataclass(frozen=True)
class Table:
    """A formatted table (or listing) ready to render.

    number: the output number, e.g. "Table 14.1.1"; titles: title lines after it;
    population: e.g. "Safety Population"; subtitle: optional extra line (study, cut-off).
    stub_header: header text over the row-label column ("" for none).
    stub_width: relative width of the stub column (same scale as Column.width).
    footnotes: footnote lines, printed in order under the table on every page.
    provenance: one line (source datasets, spec, tlf version, run time) printed after footnotes.
    repeat_keys: for listings, the number of leading body columns that are key columns
                 (printed on a subject's first row on each page); 0 for tables.
    page_by: for listings, optional per-row page-by labels are carried as group labels.
    notes: what the build prints as warnings about this output (e.g. the rows whose chi-square p-value
           rests on a sparse table); never rendered.
    """

    output_id: str
    number: str
    titles: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    population: str = ""
    subtitle: str = ""
    stub_header: str = ""
    stub_width: float = 3.0
    footnotes: tuple[str, ...] = ()
    provenance: str = ""
    page: PageSetup = field(default_factory=PageSetup)
    kind: str = "table"  # "table" | "listing"
    repeat_keys: int = 0  # listings: leading key columns refilled on a page's first record
    keep_together: bool = True  # a group that fits on a page is not broken (False: pages are filled)
    notes: tuple[str, ...] = ()  # build warnings about the output, not printed

    def __post_init__(self) -> None:
        ncol = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row.cells) != ncol:
                raise ValueError(
                    f"{self.output_id}: row {i} ({row.label!r}) has {len(row.cells)} cells, expected {ncol}"
                )

    @property
    def header_lines(self) -> tuple[str, ...]:
        """The title block, top to bottom."""
        return title_block(self.number, self.titles, self.population, self.subtitle)

    def spanner_runs(self) -> list[tuple[str, int, int]]:
        """Runs of adjacent columns sharing a spanner: (text, first index, last index)."""
        runs: list[tuple[str, int, int]] = []
        for i, col in enumerate(self.columns):
            if runs and runs[-1][0] == col.spanner and runs[-1][2] == i - 1:
                runs[-1] = (col.spanner, runs[-1][1], i)
            else:
                runs.append((col.spanner, i, i))
        return runs

    @property
    def has_spanners(self) -> bool:
        return any(c.spanner for c in self.columns)

    def with_footnotes(self, *notes: str) -> Table:
        return replace(self, footnotes=(*self.footnotes, *notes))


def group_row(label: str, width: int, indent: int, group: str) -> Row:
    """A row that only labels the rows below it (no cells), kept on a page with them."""
    return Row(label, ("",) * width, indent=indent, kind="group", group=group)


def lead_rows(a, after_rows: bool, section: str | None, width: int) -> list[Row]:
    """The rows before an analysis's block: a blank row for `blank_before` (none at the top, `after_rows`
    false) and its `section` heading when it differs from the previous analysis's `section`."""
    out = []
    if a.blank_before and after_rows:
        out.append(Row("", ("",) * width, kind="blank"))
    if a.section and a.section != section:
        out.append(Row(a.section, ("",) * width, kind="group", span=True))
    return out


def labelled(a, width: int, group: str | None = None) -> tuple[list[Row], int]:
    """An analysis's heading: its label as a group row (none without a label), and the indent of the rows
    under it. `group`: what keeps the heading on a page with its rows (default: the analysis)."""
    if not a.label:
        return [], a.indent
    return [group_row(a.label, width, a.indent, a.id if group is None else group)], a.indent + 1
