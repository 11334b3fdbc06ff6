"""The `ancova` analyses drawn (plot kind `lsmean_bars`): LS mean per parameter and column at a visit,
with SE bars and '*' where the CI of the difference from the reference excludes 0."""

from __future__ import annotations

import textwrap

from tlf.analyses.bds_layout import param_label
from tlf.figures import draw as plots
from tlf.figures.panels import NAN, active, legend_labels, plotted, val


def lsmean_bars(spec, analyses, titles, cols, styles, cells, groups=None):
    plot = spec.plot
    panels, rows = [], []
    refs = set()
    for a, title in zip(analyses, titles, strict=True):
        visit = plot.visit or a.visits[-1]
        refs.add((a.reference, a.alpha))
        series = []
        for c in cols:
            if not active(a, c):
                continue
            ys, los, his, marks = [], [], [], []
            for p in a.params:
                m = plotted(cells, a.id, c.id, p, visit, "lsmean")  # the bar
                se = plotted(cells, a.id, c.id, p, visit, "lsmean_se")  # its error bar
                # the CI of the difference only places the '*'; n and diff are on the data sheet only
                lo, hi = val(cells, a.id, c.id, p, visit, "diff_ci_low"), val(cells, a.id, c.id, p, visit, "diff_ci_high")
                star = "*" if c.id != a.reference and lo == lo and hi == hi and (lo > 0 or hi < 0) else ""
                ys.append(m)
                los.append(m - se if se == se else NAN)
                his.append(m + se if se == se else NAN)
                marks.append(star)
                rows.append((title, param_label(a, cells, p), visit, c.label, val(cells, a.id, c.id, p, visit, "n"), m,
                             se, val(cells, a.id, c.id, p, visit, "diff"), lo, hi, star))
            series.append(plots.Series(c.id, c.label, styles[c.id], tuple(float(i) for i in range(len(a.params))),
                                       tuple(ys), tuple(los), tuple(his), tuple(marks)))
        per_label = max(8, int(spec.width * 13 / max(1, len(a.params))))  # characters a tick label may span
        labels = tuple(textwrap.fill(plot.tick_labels.get(p, param_label(a, cells, p)), per_label)
                       for p in a.params)
        y_label = plot.y_label or "LS mean (SE)"
        panels.append(plots.Panel(title, tuple(series), tuple(float(i) for i in range(len(a.params))), labels,
                                  plot.x_label, y_label))
    png = plots.draw_bars(panels, width=spec.width, height=spec.height, ncols=plot.ncols, share_y=plot.share_y)
    col_labels = {c.id: c.label for c in cols}
    notes = ["Bars show least-squares means from the ANCOVA; error bars show +/- 1 standard error (SE)."]
    for ref, alpha in sorted(refs):
        notes.append(f"* The two-sided {100 * (1 - alpha):g}% CI of the difference from {col_labels.get(ref, ref)} "
                     "excludes 0.")
    columns = ("panel", "parameter", "visit", "column", "n", "lsmean", "se", "diff", "diff_ci_low", "diff_ci_high",
               "mark")
    return png, columns, rows, notes, legend_labels(panels)


FIGURES = {"ancova": lsmean_bars}
