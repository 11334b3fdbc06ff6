"""ARD (formatted) + figure spec -> Figure, for the plots that draw analyses (by_visit, lsmean_bars,
scatter): each family draws its own analyses (FIGURES in tlf/analyses/<family>/figure.py, found
through the registry), picking the plotted numbers from the ARD and drawing them with draw.py.

Reads only the spec and the ARD, so a mock ARD (no data) gives the shell: the same axes, ticks,
labels, legend and footnotes with nothing plotted. The numbers drawn are also the Figure's data
rows (the XLSX data sheet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.analyses.registry import FAMILIES, part
from tlf.figures.assemble import assemble_figure
from tlf.figures.model import Figure
from tlf.figures.panels import Groups
from tlf.figures.style import column_styles
from tlf.tables.cells import Cells

if TYPE_CHECKING:
    from tlf.spec.validate import OutputEntry, Study

def layout_analyses_figure(study: Study, entry: OutputEntry, cells: Cells, *, provenance: str = "",
                           context: dict | None = None, shell: bool = False) -> Figure:
    spec = entry.spec
    plot = spec.plot
    cols = study.columns_for(entry)
    styles = column_styles(study.spec.columns, cols)
    by_id = {a.id: a for a in spec.analyses}
    analyses = [by_id[i] for i in (plot.panels or list(by_id))]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    titles = [f"{letters[k]}. {plot.panel_titles.get(a.id) or a.label or a.id}" if len(analyses) > 1 else
              (plot.panel_titles.get(a.id) or a.label) for k, a in enumerate(analyses)]
    # the panels of one figure are analyses of one type (validated); with none, the kind's first family draws
    kind = analyses[0].type if analyses else next(f.type for f in FAMILIES if f.plot == plot.kind)
    draw = part(kind, "figure", "FIGURES")
    groups = Groups(study, entry, styles, cells) if plot.kind == "scatter" and plot.group else None
    png, data_columns, data_rows, notes, legend = draw(spec, analyses, titles, cols, styles, cells, groups=groups)
    return assemble_figure(study, entry, png, context=context, provenance=provenance,
                           data_columns=data_columns, data_rows=data_rows, notes=notes, legend=legend)
