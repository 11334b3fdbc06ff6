"""The `correlation` analyses drawn (plot kind `scatter`): the subjects' x and y, coloured by column (or
by group), with the correlations printed in each panel."""

from __future__ import annotations

from tlf.analyses.correlation.layout import METHOD_LABELS
from tlf.figures import draw as plots
from tlf.figures.panels import active, legend_of, series_of


def scatter(spec, analyses, titles, cols, styles, cells, groups=None):
    plot = spec.plot
    panels, rows, all_series = [], [], []
    for a, title in zip(analyses, titles, strict=True):
        series = []
        for c in cols:
            if not active(a, c):
                continue
            for s, keys, n in series_of(groups, a, c, cols, styles, cells, "subject"):
                series.append((s, keys, n))
                rows += [(title, c.label, *((s.label,) if groups else ()), k, x, y)
                         for k, x, y in zip(keys, s.x, s.y, strict=True)]
        all_series.append(series)
        key_col = "" if a.pool else (cols[0].id if cols else "")
        lines = []
        for m in a.methods:
            r = cells.text((a.id, key_col, "", m, "r"))
            pv = cells.text((a.id, key_col, "", m, "pvalue"))
            lines.append(f"{METHOD_LABELS[m]} = {r} (p {'= ' if not pv.startswith(('<', '>')) else ''}{pv})")
        n = cells.text((a.id, key_col, "", a.methods[0], "n")) if a.methods else ""
        lines.append(f"n = {n}")
        panels.append(plots.Panel(title, tuple(s for s, _, _ in series), x_label=plot.x_label or a.x.label or a.x.var,
                                  y_label=plot.y_label or a.y.label or a.y.var, note="\n".join(lines)))
    legend = legend_of(all_series, groups is not None)
    png = plots.draw_scatter(panels, width=spec.width, height=spec.height, ncols=plot.ncols, legend=legend)
    notes = ["Correlations over all patients shown: Pearson r and Spearman rho with p from t on n - 2 df."]
    columns = ("panel", "column", *(("group",) if groups else ()), "subject", "x", "y")
    return png, columns, rows, notes, tuple(s.label for s in legend)


FIGURES = {"correlation": scatter}
