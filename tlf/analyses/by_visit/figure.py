"""The `by_visit` analyses drawn (plot kind `by_visit`): the mean of a quantity per column over the
visits, with error bars, one panel per analysis."""

from __future__ import annotations

import math

from tlf.analyses.bds_layout import PART_LABELS, PART_PREFIX
from tlf.figures import draw as plots
from tlf.figures.panels import NAN, active, legend_labels, plotted, val

ERROR_NOTES = {"se": "Points are means; error bars show +/- 1 standard error (SE).",
               "sd": "Points are means; error bars show +/- 1 standard deviation (SD)."}


BASELINE_LEVEL = {"change": 0.0, "pchg": 0.0, "pbase": 100.0}  # a quantity's value at baseline, by definition


def mean_by_visit(spec, analyses, titles, cols, styles, cells, groups=None):
    plot = spec.plot
    prefix = PART_PREFIX[plot.quantity]
    reference = BASELINE_LEVEL.get(plot.quantity, 0.0)
    panels, rows = [], []
    drawn: set[str] = set()  # columns with at least one mean in some panel
    for a, title in zip(analyses, titles, strict=True):
        p = a.params[0]
        xs = [plotted(cells, a.id, "", p, v, "x") for v in a.visits]
        xs = [x if x == x else float(j) for j, x in enumerate(xs)]
        series = []
        for c in cols:
            if not active(a, c):
                continue
            pts = []
            for v, x in zip(a.visits, xs, strict=True):
                if plot.quantity != "value" and v == a.baseline_visit:
                    n = val(cells, a.id, c.id, p, v, "n")
                    pts.append((v, x, n, reference, NAN, NAN, NAN))  # no change at baseline, by definition
                    continue
                n = val(cells, a.id, c.id, p, v, prefix + "n")
                mean = plotted(cells, a.id, c.id, p, v, prefix + "mean")
                err = plotted(cells, a.id, c.id, p, v, prefix + plot.error) if plot.error != "none" else NAN
                lo, hi = (mean - err, mean + err) if err == err else (NAN, NAN)
                pts.append((v, x, n, mean, err, lo, hi))
                if mean == mean:
                    drawn.add(c.id)
            if not any(q[3] == q[3] for q, v in zip(pts, a.visits, strict=True) if v != a.baseline_visit):
                pts = [(*q[:3], NAN, *q[4:]) for q in pts]  # no value after baseline: no baseline point either
            series.append(plots.Series(c.id, c.label, styles[c.id], tuple(q[1] for q in pts), tuple(q[3] for q in pts),
                                       tuple(q[5] for q in pts), tuple(q[6] for q in pts)))
            rows += [(title, c.label, *q) for q in pts]
        labels = tuple(plot.tick_labels.get(v, v.removeprefix("Day ")) for v in a.visits)
        y_label = plot.y_label or f"Mean {PART_LABELS[plot.quantity].lower()}" + \
            (f" ({plot.error.upper()})" if plot.error != "none" else "")
        own_x = plot.panel_x_labels.get(a.id)
        extra = {"reference": reference, "own_x_label": own_x is not None}
        panels.append(plots.Panel(title, tuple(series), tuple(xs), labels, own_x or plot.x_label, y_label,
                                  extra=extra))
    # a column with nothing to draw in any panel says why in the legend (e.g. samples lost)
    no_data = next((a.no_data_text for a in analyses if getattr(a, "no_data_text", None)), None)
    if no_data and panels and not all(math.isnan(v) for pn in panels for s in pn.series for v in s.y):
        panels = [_relabel(pn, drawn, no_data) for pn in panels]
    # not set: each panel's columns dodged by the number of columns and the narrowest visit gap (draw._dodge)
    png = plots.draw_lines(panels, width=spec.width, height=spec.height, ncols=plot.ncols, share_y=plot.share_y,
                           dodge=plot.dodge)
    err_name = plot.error.upper() if plot.error != "none" else "error"
    columns = ("panel", "column", "visit", "x", "n", "mean", err_name, "lower", "upper")
    notes = [ERROR_NOTES[plot.error]] if plot.error in ERROR_NOTES else []
    return png, columns, rows, notes, legend_labels(panels)


def _relabel(panel, drawn: set[str], text: str):
    from dataclasses import replace

    series = tuple(s if s.column in drawn else replace(s, label=f"{s.label} ({text[:1].lower() + text[1:]})")
                   for s in panel.series)
    return replace(panel, series=series)


FIGURES = {"by_visit": mean_by_visit}
