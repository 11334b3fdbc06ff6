"""The `emax` analyses drawn (plot kind `scatter`): the observations coloured by column (or group), the
fitted curve and the estimates in the panel's note."""

from __future__ import annotations

from tlf.figures import draw as plots
from tlf.figures.panels import active, legend_of, plotted, series_of

CURVE_LABEL = "Fitted Emax model"


def emax_scatter(spec, analyses, titles, cols, styles, cells, groups=None):
    """Emax analyses: the observations (concentration, response) coloured by column (or by `plot.group`),
    the fitted curve (one per column: a grouped plot still shows the one fit over every group), and the
    estimates in the panel's note."""
    from tlf.analyses.emax.layout import PARAM_NAMES

    plot = spec.plot
    panels, rows, all_series = [], [], []
    notes: list[str] = []
    drew_curve = False
    for a, title in zip(analyses, titles, strict=True):
        series, curves, lines = [], [], []
        level = a.label or a.id
        for c in cols:
            if not active(a, c):
                continue
            for s, keys, n in series_of(groups, a, c, cols, styles, cells, "point"):
                series.append((s, keys, n))
                rows += [(title, c.label, *((s.label,) if groups else ()), "observation", k, x, y)
                         for k, x, y in zip(keys, s.x, s.y, strict=True)]
            grid = sorted(lv for (aa, cc, p, lv, s) in cells.fmt if aa == a.id and cc == c.id and p == "curve"
                          and s == "x")
            cx = tuple(plotted(cells, a.id, c.id, "curve", k, "x") for k in grid)
            cy = tuple(plotted(cells, a.id, c.id, "curve", k, "y") for k in grid)
            if cx:
                drew_curve = True
                curves.append((cx, cy, styles[c.id].color if len(cols) > 1 else "#000000"))
                rows += [(title, c.label, *(("",) if groups else ()), "fitted", k, x, y)
                         for k, x, y in zip(grid, cx, cy, strict=True)]
            for k in a.estimated:
                est = cells.text((a.id, c.id, "", level, k))
                lo = cells.fmt.get((a.id, c.id, "", level, f"{k}_ci_low"), "")
                hi = cells.fmt.get((a.id, c.id, "", level, f"{k}_ci_high"), "")
                if est and est != "NE" and lo:
                    cells.show((a.id, c.id, "", level, f"{k}_ci_low"), (a.id, c.id, "", level, f"{k}_ci_high"))
                    lines.append(f"{PARAM_NAMES[k]} = {est} ({lo}, {hi})")
                else:
                    lines.append(f"{PARAM_NAMES[k]} = {est or 'NE'}")
            nobs = cells.text((a.id, c.id, "", level, "nobs"))
            n = cells.text((a.id, c.id, "", level, "n"))
            lines.append(f"n = {n} subjects, {nobs} observations")
        all_series.append(series)
        extra = {"curves": tuple(curves), "log_x": plot.log_x}
        panels.append(plots.Panel(title, tuple(s for s, _, _ in series), x_label=plot.x_label or "Concentration",
                                  y_label=plot.y_label or a.response, note="\n".join(lines), extra=extra))
        for note in _emax_figure_notes(a):
            if note not in notes:
                notes.append(note)
    legend = legend_of(all_series, groups is not None)
    # the fitted line in the legend where it is one black line (one column; a grouped plot's one fit)
    curve_label = CURVE_LABEL if len(cols) == 1 and (drew_curve or all(n != n for s in all_series for _, _, n in s)) \
        else ""
    png = plots.draw_scatter(panels, width=spec.width, height=spec.height, ncols=plot.ncols, legend=legend,
                             curve_label=curve_label)
    if plot.log_x:
        notes.append("Concentration axis on a log scale: observations at 0 (placebo, BLQ) are drawn at 0, left of "
                     "the axis break.")
    if groups is not None:
        notes.append("The line is one Emax model fitted to the observations of all groups together.")
    columns = ("panel", "column", *(("group",) if groups else ()), "kind", "point", "x", "y")
    return png, columns, rows, notes, (*(s.label for s in legend), *((curve_label,) if curve_label else ()))


def _emax_figure_notes(a) -> list[str]:
    from tlf.analyses.emax.layout import model_note

    level = f"{100 * (1 - a.alpha):g}%"
    return [f"{model_note(a)} Line: the fitted model; estimates with {level} CI in each panel."]


FIGURES = {"emax": emax_scatter}
