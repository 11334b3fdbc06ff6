"""The `mmrm` analyses drawn (plot kind `lsmean_by_visit`): the LS mean of each column over the visits of
the model, with (1 - alpha) CI bars, one panel per analysis (its first parameter)."""

from __future__ import annotations

from tlf.analyses.bds_layout import param_label
from tlf.figures import draw as plots
from tlf.figures.panels import active, legend_labels, plotted, val

STRUCTURES = {"us": "unstructured", "cs": "compound symmetry", "ar1": "AR(1)", "toep": "Toeplitz",
              "csh": "heterogeneous compound symmetry", "ar1h": "heterogeneous AR(1)"}


def lsmean_by_visit(spec, analyses, titles, cols, styles, cells, groups=None):
    plot = spec.plot
    panels, rows, notes = [], [], []
    xs_all: list[float] = []
    for a, title in zip(analyses, titles, strict=True):
        p = a.params[0]
        visits = a.shown
        xs = [plotted(cells, a.id, "", p, v, "x") for v in visits]
        xs = [x if x == x else float(j) for j, x in enumerate(xs)]
        xs_all += xs
        series = []
        for c in cols:
            if not active(a, c):
                continue
            pts = []
            for v, x in zip(visits, xs, strict=True):
                m = plotted(cells, a.id, c.id, p, v, "lsmean")
                lo = plotted(cells, a.id, c.id, p, v, "lsmean_ci_low")
                hi = plotted(cells, a.id, c.id, p, v, "lsmean_ci_high")
                pts.append((x, m, lo, hi))
                rows.append((title or param_label(a, cells, p), c.label, v, x, val(cells, a.id, c.id, p, v, "n"), m,
                             val(cells, a.id, c.id, p, v, "lsmean_se"), lo, hi))
            series.append(plots.Series(c.id, c.label, styles[c.id], tuple(q[0] for q in pts), tuple(q[1] for q in pts),
                                       tuple(q[2] for q in pts), tuple(q[3] for q in pts)))
        labels = tuple(plot.tick_labels.get(v, v.removeprefix("Day ")) for v in visits)
        level = f"{100 * (1 - a.alpha):g}%"
        y_label = plot.y_label or f"LS mean ({level} CI)"
        panels.append(plots.Panel(title, tuple(series), tuple(xs), labels, plot.x_label, y_label))
        note = (f"Points are least-squares means from a mixed model for repeated measures ({_structure(a, cells, p)} "
                f"covariance, {a.method.upper()}, {_df(a.df)} degrees of freedom); error bars show two-sided {level} "
                f"confidence intervals.")
        if note not in notes:
            notes.append(note)
    span = (max(xs_all) - min(xs_all)) if xs_all else 1.0
    dodge = plot.dodge if plot.dodge is not None else 0.012 * span
    png = plots.draw_lines(panels, width=spec.width, height=spec.height, ncols=plot.ncols, share_y=plot.share_y,
                           dodge=dodge)
    columns = ("panel", "column", "visit", "x", "n", "lsmean", "se", "ci_low", "ci_high")
    return png, columns, rows, notes, legend_labels(panels)


def _structure(a, cells, param: str) -> str:
    """The structure that gave the numbers (a fallback's when one was used), from the ARD; the spec's
    before the data exist."""
    for key, text in cells.var.items():
        if key[0] == a.id and key[2] == param and key[4] == "covariance" and text in STRUCTURES:
            return STRUCTURES[text]
    return STRUCTURES[a.covariance]


def _df(method: str) -> str:
    return {"kenward-roger": "Kenward-Roger", "satterthwaite": "Satterthwaite", "residual": "residual"}[method]


FIGURES = {"mmrm": lsmean_by_visit}
