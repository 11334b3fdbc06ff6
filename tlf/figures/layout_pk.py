"""ARD + figure spec -> Figure for individual profiles (`plot: {kind: individual}`); the same code draws
the shell (no ARD rows: empty panels with the axes, titles and panel headings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.figures.assemble import assemble_figure
from tlf.figures.model import Figure
from tlf.figures.plots_pk import Profile, draw_individual
from tlf.figures.style import column_styles

if TYPE_CHECKING:
    from tlf.spec.validate import OutputEntry, Study
    from tlf.tables.cells import Cells


def layout_individual(study: Study, entry: OutputEntry, cells: Cells, *, provenance: str = "",
                      context: dict | None = None, shell: bool = False) -> Figure:

    spec = entry.spec
    plot = spec.plot
    cols = study.columns_for(entry)
    stats = cells.ard[cells.ard["analysis"] == "plot"]
    points: dict[tuple[str, str, str], list[tuple[int, float, float, str]]] = {}
    value = {(c, p, lv, s): v for c, p, lv, s, v in zip(stats["column"], stats["parent"], stats["level"],
                                                     stats["stat_name"], stats["stat"], strict=True)}
    order = {(c, p, lv): o for c, p, lv, o in zip(stats["column"], stats["parent"], stats["level"], stats["order"],
                                                  strict=True)}
    for (c, p, lv, s), x in value.items():
        if s != "x":
            continue
        subject = lv.rsplit(" @ ", 1)[0]
        points.setdefault((c, p, subject), []).append((order[(c, p, lv)], x, value[(c, p, lv, "y")], lv))
    grid, data_rows = [], []
    for panel in plot.panels:
        row = []
        for c in cols:
            profiles = []
            for (cid, p, subject), pts in sorted(points.items()):
                if cid != c.id or p != panel.label:
                    continue
                pts.sort()
                profiles.append(Profile(subject, tuple(x for _, x, _, _ in pts), tuple(y for _, _, y, _ in pts)))
                cells.show(*(("plot", cid, p, lv, s) for *_, lv in pts for s in ("x", "y")))
                data_rows += [(panel.label, c.label, subject, x, y) for _, x, y, _ in pts]
            row.append(profiles)
        grid.append(row)
    styles = column_styles(study.spec.columns, cols)  # each treatment's colour in every figure of the study
    png = draw_individual(grid, [p.label for p in plot.panels], [c.label for c in cols], x_title=plot.x_title,
                          y_title=plot.y_title, log_y=plot.log_y, label_subjects=plot.label_subjects,
                          width=spec.width, height=spec.height, colors=[styles[c.id].color for c in cols])
    return assemble_figure(study, entry, png, context=context, provenance=provenance,
                           data_columns=("panel", "treatment", "subject", plot.x, plot.var), data_rows=data_rows)
