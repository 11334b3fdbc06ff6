"""ARD + figure spec -> Figure: picks the plotted numbers out of the ARD, draws, adds the title block.

With a mock ARD (no data) the same code draws the shell: an empty frame with axes, titles, legend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.figures.assemble import assemble_figure
from tlf.figures.model import Figure
from tlf.figures.plots import Series, draw_mean_by_visit
from tlf.figures.style import column_styles

if TYPE_CHECKING:
    from tlf.spec.validate import OutputEntry, Study
    from tlf.tables.cells import Cells

SHELL_TICKS = ((1.0, "Visit 1"), (2.0, "Visit 2"), (3.0, "Visit 3"))


def layout_figure(study: Study, entry: OutputEntry, cells: Cells, *, provenance: str = "",
                  context: dict | None = None, shell: bool = False) -> Figure:
    """The Figure of one output from its (formatted) ARD, read through `cells`, which records the numbers
    drawn (and printed in the picture): the build marks them `displayed`."""
    spec = entry.spec
    plot = spec.plot
    if plot.kind == "individual":
        from tlf.figures.layout_pk import layout_individual

        return layout_individual(study, entry, cells, provenance=provenance, context=context, shell=shell)
    if plot.kind == "km":
        from tlf.figures.km import layout_km

        return layout_km(study, entry, cells, provenance=provenance, context=context, shell=shell)
    if plot.kind != "mean_by_visit":  # plots of the output's analyses
        from tlf.figures.layout_analyses import layout_analyses_figure

        return layout_analyses_figure(study, entry, cells, provenance=provenance, context=context, shell=shell)
    cols = study.columns_for(entry)
    index = {c: i for i, c in enumerate(column_styles(study.spec.columns, cols))}  # same colour in every figure
    stats = cells.ard[cells.ard["analysis"] == "plot"]
    value = {(c, p, lv, s): v for c, p, lv, s, v in zip(stats["column"], stats["parent"], stats["level"],
                                                     stats["stat_name"], stats["stat"], strict=True)}
    points = sorted({(value[(c, p, lv, "x")], lv) for (c, p, lv, s) in value if s == "x"})
    ticks = tuple((x, lv) for x, lv in points) or SHELL_TICKS
    err_lo, err_hi = {"se": ("se", "se"), "sd": ("sd", "sd"), "ci95": ("ci_low", "ci_high"),
                      "none": (None, None)}[plot.error]
    panels = []
    data_rows = []
    for panel in plot.panels:
        series = []
        for c in cols:
            pts = sorted((value[(c.id, panel.label, lv, "x")], lv) for (cid, p, lv, s) in value
                         if cid == c.id and p == panel.label and s == "x")
            if not pts:
                continue
            xs, ys, los, his = [], [], [], []
            for x, lv in pts:
                cells.show(*(("plot", c.id, panel.label, lv, s) for s in ("x", "mean", err_lo, err_hi) if s))
                y = value[(c.id, panel.label, lv, "mean")]
                if y != y:
                    continue
                lo, hi = _bounds(value, (c.id, panel.label, lv), y, err_lo, err_hi)
                xs.append(x)
                ys.append(y)
                los.append(lo)
                his.append(hi)
                data_rows.append((panel.label, c.label, lv, x, int(value[(c.id, panel.label, lv, "n")]), y, lo, hi))
            series.append(Series(c.label, index[c.id], tuple(xs), tuple(ys), tuple(los), tuple(his)))
        panels.append((panel.label, series))
    png = draw_mean_by_visit(panels, [c.label for c in cols], ticks=ticks, x_title=plot.x_title,
                             y_title=plot.y_title, reference_line=plot.reference_line, log_y=plot.log_y,
                             width=spec.width, height=spec.height, legend_index=[index[c.id] for c in cols],
                             log_panels=[plot.log_y if p.log_y is None else p.log_y for p in plot.panels],
                             dodge=plot.dodge)
    error_name = {"se": "SE", "sd": "SD", "ci95": "95% CI", "none": "none"}[plot.error]
    return assemble_figure(study, entry, png, context=context, provenance=provenance,
                           data_columns=("panel", "treatment", "time point", "x", "n", "mean", f"lower ({error_name})",
                      f"upper ({error_name})"), data_rows=data_rows)


def _bounds(value: dict, key: tuple, y: float, lo_name: str | None, hi_name: str | None) -> tuple[float, float]:
    if lo_name is None:
        return y, y
    if lo_name == hi_name:  # symmetric: mean +/- SE or SD
        e = value[(*key, lo_name)]
        return y - e, y + e
    return value[(*key, lo_name)], value[(*key, hi_name)]
