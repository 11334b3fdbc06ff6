"""The listing model: a frozen, formatted listing that renderers only read.

A listing is a ``Table`` of ``kind="listing"`` (one row per record, key columns first and blank on a
subject's later rows; ``repeat_keys`` of them) plus its page-by groups: each group starts a new page
under its own heading ("Treatment: Placebo"). Without a page-by variable there is one group with
no heading. A listing without records has no rows and prints ``no_data`` in its body.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tlf.tables.model import Table


@dataclass(frozen=True)
class PageByGroup:
    """Rows ``first`` to ``end - 1`` of the listing's table, printed under ``heading``."""

    heading: str
    first: int
    end: int


@dataclass(frozen=True)
class Listing:
    """table: every row of the listing, in order, with the title block, columns and footnotes.
    groups: the page-by groups in order (one group, heading "", without page-by).
    no_data: the text printed in the body of a listing without records."""

    table: Table
    groups: tuple[PageByGroup, ...] = ()
    no_data: str = "No data to report"
    kind: str = "listing"

    def __post_init__(self) -> None:
        if self.table.kind != "listing":
            raise ValueError(f"{self.table.output_id}: a Listing's table must have kind='listing'")
        at = 0
        for g in self.groups:
            if g.first != at or g.end < g.first:
                raise ValueError(f"{self.table.output_id}: page-by groups must cover the rows in order")
            at = g.end
        if self.groups and at != len(self.table.rows):
            raise ValueError(f"{self.table.output_id}: page-by groups cover {at} of {len(self.table.rows)} rows")

    @property
    def output_id(self) -> str:
        return self.table.output_id

    @property
    def number(self) -> str:
        return self.table.number

    @property
    def titles(self) -> tuple[str, ...]:
        return self.table.titles

    @property
    def header_lines(self) -> tuple[str, ...]:
        return self.table.header_lines

    @property
    def empty(self) -> bool:
        return not self.table.rows

    def parts(self) -> tuple[Table, ...]:
        """One Table per page-by group (its heading added to the title block), in order; one Table
        without page-by. Each part is paginated on its own, so every group starts a new page."""
        groups = self.groups or (PageByGroup("", 0, len(self.table.rows)),)
        out = []
        for g in groups:
            subtitle = "\n".join(x for x in (self.table.subtitle, g.heading) if x)
            out.append(replace(self.table, rows=self.table.rows[g.first:g.end], subtitle=subtitle))
        return tuple(out)
