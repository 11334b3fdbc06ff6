"""The figure model: a frozen, rendered picture with its title block, footnotes and plotted numbers.

Figures are drawn with matplotlib (tlf/figures/plots.py and friends, imported lazily) into PNG bytes;
renderers place the picture and print titles and footnotes as text around it (never inside it),
and XLSX gets the plotted numbers on a data sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tlf.tables.model import PageSetup, title_block


@dataclass(frozen=True)
class Figure:
    output_id: str
    number: str  # "Figure 14.2.1"
    titles: tuple[str, ...]
    png: bytes  # the picture, 300 dpi
    width: float  # inches, as placed on the page
    height: float
    population: str = ""
    subtitle: str = ""
    footnotes: tuple[str, ...] = ()
    provenance: str = ""
    page: PageSetup = field(default_factory=PageSetup)
    data_columns: tuple[str, ...] = ()  # the plotted numbers, for the XLSX data sheet
    data_rows: tuple[tuple, ...] = ()
    kind: str = "figure"
    legend: tuple[str, ...] = ()  # the legend's entries, in order (where the plot kind records them)

    @property
    def header_lines(self) -> tuple[str, ...]:
        return title_block(self.number, self.titles, self.population, self.subtitle)
