"""The `time_to_event` analyses drawn (plot kind `forest`): a forest plot of the hazard ratios (with their
CIs) of each analysis's `hazard_ratio`, one row per analysis (e.g. one per subgroup, each selecting its
subjects with `where`), one point per treatment column vs the reference, on a log scale."""

from __future__ import annotations

from tlf.figures import draw as plots
from tlf.figures.panels import active, legend_labels, plotted, val


def forest(spec, analyses, titles, cols, styles, cells, groups=None):
    plot = spec.plot
    refs = {a.hazard_ratio.reference for a in analyses}
    labels = tuple(plot.panel_titles.get(a.id) or a.label or a.id for a in analyses)
    series, rows = [], []
    for c in cols:
        if c.id in refs:
            continue
        ys, los, his, texts, xs = [], [], [], [], []
        for pos, (a, label) in enumerate(zip(analyses, labels, strict=True)):
            if not active(a, c) or c.id == a.hazard_ratio.reference:
                continue
            hr = plotted(cells, a.id, c.id, "", "", "hr")
            lo, hi = plotted(cells, a.id, c.id, "", "", "hr_ci_low"), plotted(cells, a.id, c.id, "", "", "hr_ci_high")
            text = cells.fill(a.id, c.id, "{hr} ({hr_ci_low}, {hr_ci_high})") if hr == hr else ""
            xs.append(float(pos))
            ys.append(hr)
            los.append(lo)
            his.append(hi)
            texts.append(text)
            rows.append((label, c.label, a.hazard_ratio.reference, hr, lo, hi,
                         val(cells, a.id, c.id, "", "", "hr_pvalue")))
        series.append(plots.Series(c.id, c.label, styles[c.id], tuple(xs), tuple(ys), tuple(los), tuple(his),
                                   tuple(texts)))
    col_labels = {c.id: c.label for c in cols}
    alphas = {a.hazard_ratio.alpha for a in analyses}
    level = f"{100 * (1 - alphas.pop()):g}%" if len(alphas) == 1 else "(1 - alpha)"
    x_label = plot.x_label or f"Hazard ratio vs {' / '.join(col_labels.get(r, r) for r in sorted(refs))} ({level} CI)"
    panel = plots.Panel(titles[0] if len(analyses) == 1 else "", tuple(series),
                        tuple(float(i) for i in range(len(analyses))), labels, x_label, "")
    png = plots.draw_forest(panel, width=spec.width, height=spec.height)
    notes = [f"Points show hazard ratios from Cox proportional hazards models, lines their {level} Wald confidence "
             "intervals (log scale); a hazard ratio below 1 favours the treatment over the reference."]
    columns = ("subgroup", "column", "reference", "hr", "hr_ci_low", "hr_ci_high", "hr_pvalue")
    return png, columns, rows, notes, legend_labels([panel])


FIGURES = {"time_to_event": forest}
