"""ARD (formatted) + figure spec -> Figure, for the plots that draw analyses (by_visit, lsmean_bars,
scatter): the plotted numbers picked from the ARD, drawn by draw.py.

Reads only the spec and the ARD, so a mock ARD (no data) gives the shell: the same axes, ticks,
labels, legend and footnotes with nothing plotted. The numbers drawn are also the Figure's data
rows (the XLSX data sheet).
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

from tlf.figures import draw as plots
from tlf.figures.assemble import assemble_figure
from tlf.figures.model import Figure
from tlf.figures.style import column_styles
from tlf.tables.cells import Cells
from tlf.tables.layout_bds import METHOD_LABELS, PART_LABELS, PART_PREFIX, param_label

if TYPE_CHECKING:
    import pandas as pd

    from tlf.spec.validate import OutputEntry, Study

NAN = float("nan")
ERROR_NOTES = {"se": "Points are means; error bars show +/- 1 standard error (SE).",
               "sd": "Points are means; error bars show +/- 1 standard deviation (SD)."}


def layout_analyses_figure(study: Study, entry: OutputEntry, ard: pd.DataFrame, *, provenance: str = "",
                  context: dict | None = None, shell: bool = False) -> Figure:

    spec = entry.spec
    plot = spec.plot
    cols = study.columns_for(entry)
    styles = column_styles(study.spec.columns, cols)
    cells = Cells(ard)
    by_id = {a.id: a for a in spec.analyses}
    analyses = [by_id[i] for i in (plot.panels or list(by_id))]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    titles = [f"{letters[k]}. {plot.panel_titles.get(a.id) or a.label or a.id}" if len(analyses) > 1 else
              (plot.panel_titles.get(a.id) or a.label) for k, a in enumerate(analyses)]
    draw = {"by_visit": _mean_by_visit, "lsmean_bars": _lsmean_bars, "scatter": _scatter}[plot.kind]
    png, data_columns, data_rows, notes = draw(spec, analyses, titles, cols, styles, cells)
    return assemble_figure(study, entry, png, context=context, provenance=provenance,
                           data_columns=data_columns, data_rows=data_rows, notes=notes)


def _val(cells: Cells, *key) -> float:
    v = cells.val.get(tuple(key))
    return NAN if v is None else float(v)


def _active(a, col) -> bool:
    return a.periods is None or col.period in a.periods


# ---------------------------------------------------------------- mean by visit

BASELINE_LEVEL = {"change": 0.0, "pchg": 0.0, "pbase": 100.0}  # a quantity's value at baseline, by definition


def _mean_by_visit(spec, analyses, titles, cols, styles, cells):
    plot = spec.plot
    prefix = PART_PREFIX[plot.quantity]
    reference = BASELINE_LEVEL.get(plot.quantity, 0.0)
    panels, rows = [], []
    xs_all: list[float] = []
    drawn: set[str] = set()  # columns with at least one mean in some panel
    for a, title in zip(analyses, titles, strict=True):
        p = a.params[0]
        xs = [_val(cells, a.id, "", p, v, "x") for v in a.visits]
        xs = [x if x == x else float(j) for j, x in enumerate(xs)]
        xs_all += xs
        series = []
        for c in cols:
            if not _active(a, c):
                continue
            pts = []
            for v, x in zip(a.visits, xs, strict=True):
                if plot.quantity != "value" and v == a.baseline_visit:
                    n = _val(cells, a.id, c.id, p, v, "n")
                    pts.append((v, x, n, reference, NAN, NAN, NAN))  # no change at baseline, by definition
                    continue
                n = _val(cells, a.id, c.id, p, v, prefix + "n")
                mean = _val(cells, a.id, c.id, p, v, prefix + "mean")
                err = _val(cells, a.id, c.id, p, v, prefix + plot.error) if plot.error != "none" else NAN
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
        if own_x is not None and plot.dodge is None:  # a panel on its own x scale dodges on that scale
            extra["dodge"] = 0.012 * ((max(xs) - min(xs)) if xs else 1.0)
        panels.append(plots.Panel(title, tuple(series), tuple(xs), labels, own_x or plot.x_label, y_label,
                                  extra=extra))
    # a column with nothing to draw in any panel says why in the legend (e.g. samples lost)
    no_data = next((a.no_data_text for a in analyses if getattr(a, "no_data_text", None)), None)
    if no_data and panels and not all(math.isnan(v) for pn in panels for s in pn.series for v in s.y):
        panels = [_relabel(pn, drawn, no_data) for pn in panels]
    span = (max(xs_all) - min(xs_all)) if xs_all else 1.0
    dodge = plot.dodge if plot.dodge is not None else 0.012 * span
    png = plots.draw_lines(panels, width=spec.width, height=spec.height, ncols=plot.ncols, share_y=plot.share_y,
                           dodge=dodge)
    err_name = plot.error.upper() if plot.error != "none" else "error"
    columns = ("panel", "column", "visit", "x", "n", "mean", err_name, "lower", "upper")
    notes = [ERROR_NOTES[plot.error]] if plot.error in ERROR_NOTES else []
    return png, columns, rows, notes


def _relabel(panel, drawn: set[str], text: str):
    from dataclasses import replace

    series = tuple(s if s.column in drawn else replace(s, label=f"{s.label} ({text[:1].lower() + text[1:]})")
                   for s in panel.series)
    return replace(panel, series=series)


# ---------------------------------------------------------------- LS mean bars

def _lsmean_bars(spec, analyses, titles, cols, styles, cells):
    plot = spec.plot
    panels, rows = [], []
    refs = set()
    for a, title in zip(analyses, titles, strict=True):
        visit = plot.visit or a.visits[-1]
        refs.add((a.reference, a.alpha))
        series = []
        for c in cols:
            if not _active(a, c):
                continue
            ys, los, his, marks = [], [], [], []
            for p in a.params:
                m = _val(cells, a.id, c.id, p, visit, "lsmean")
                se = _val(cells, a.id, c.id, p, visit, "lsmean_se")
                lo, hi = _val(cells, a.id, c.id, p, visit, "diff_ci_low"), _val(cells, a.id, c.id, p, visit, "diff_ci_high")
                star = "*" if c.id != a.reference and lo == lo and hi == hi and (lo > 0 or hi < 0) else ""
                ys.append(m)
                los.append(m - se if se == se else NAN)
                his.append(m + se if se == se else NAN)
                marks.append(star)
                rows.append((title, param_label(a, cells, p), visit, c.label, _val(cells, a.id, c.id, p, visit, "n"), m,
                             se, _val(cells, a.id, c.id, p, visit, "diff"), lo, hi, star))
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
    return png, columns, rows, notes


# ---------------------------------------------------------------- scatter

def _scatter(spec, analyses, titles, cols, styles, cells):
    if analyses and all(a.type == "emax" for a in analyses):
        return _emax_scatter(spec, analyses, titles, cols, styles, cells)
    plot = spec.plot
    panels, rows = [], []
    for a, title in zip(analyses, titles, strict=True):
        series = []
        for c in cols:
            if not _active(a, c):
                continue
            subjects = sorted(lv for (aa, cc, p, lv, s) in cells.fmt if aa == a.id and cc == c.id and p == "subject"
                              and s == "x")
            xs = tuple(_val(cells, a.id, c.id, "subject", s, "x") for s in subjects)
            ys = tuple(_val(cells, a.id, c.id, "subject", s, "y") for s in subjects)
            series.append(plots.Series(c.id, c.label, styles[c.id], xs, ys, (NAN,) * len(xs), (NAN,) * len(xs)))
            rows += [(title, c.label, s, x, y) for s, x, y in zip(subjects, xs, ys, strict=True)]
        key_col = "" if a.pool else (cols[0].id if cols else "")
        lines = []
        for m in a.methods:
            r = cells.fmt.get((a.id, key_col, "", m, "r"), "")
            pv = cells.fmt.get((a.id, key_col, "", m, "pvalue"), "")
            lines.append(f"{METHOD_LABELS[m]} = {r} (p {'= ' if not pv.startswith(('<', '>')) else ''}{pv})")
        n = cells.fmt.get((a.id, key_col, "", a.methods[0], "n"), "") if a.methods else ""
        lines.append(f"n = {n}")
        panels.append(plots.Panel(title, tuple(series), x_label=plot.x_label or a.x.label or a.x.var,
                                  y_label=plot.y_label or a.y.label or a.y.var, note="\n".join(lines)))
    png = plots.draw_scatter(panels, width=spec.width, height=spec.height, ncols=plot.ncols)
    notes = ["Correlations over all patients shown: Pearson r and Spearman rho with p from t on n - 2 df."]
    return png, ("panel", "column", "subject", "x", "y"), rows, notes


def _emax_scatter(spec, analyses, titles, cols, styles, cells):
    """Emax analyses: the observations (concentration, response) coloured by column, the fitted curve,
    and the estimates in the panel's note."""
    from tlf.tables.layout_er import PARAM_NAMES

    plot = spec.plot
    panels, rows = [], []
    notes: list[str] = []
    for a, title in zip(analyses, titles, strict=True):
        series, curves, lines = [], [], []
        level = a.label or a.id
        for c in cols:
            if not _active(a, c):
                continue
            pts = sorted(lv for (aa, cc, p, lv, s) in cells.fmt if aa == a.id and cc == c.id and p == "point"
                         and s == "x")
            xs = tuple(_val(cells, a.id, c.id, "point", k, "x") for k in pts)
            ys = tuple(_val(cells, a.id, c.id, "point", k, "y") for k in pts)
            series.append(plots.Series(c.id, c.label, styles[c.id], xs, ys, (NAN,) * len(xs), (NAN,) * len(xs)))
            rows += [(title, c.label, "observation", k, x, y) for k, x, y in zip(pts, xs, ys, strict=True)]
            grid = sorted(lv for (aa, cc, p, lv, s) in cells.fmt if aa == a.id and cc == c.id and p == "curve"
                          and s == "x")
            cx = tuple(_val(cells, a.id, c.id, "curve", k, "x") for k in grid)
            cy = tuple(_val(cells, a.id, c.id, "curve", k, "y") for k in grid)
            if cx:
                curves.append((cx, cy, styles[c.id].color if len(cols) > 1 else "#000000"))
                rows += [(title, c.label, "fitted", k, x, y) for k, x, y in zip(grid, cx, cy, strict=True)]
            for k in a.estimated:
                est = cells.fmt.get((a.id, c.id, "", level, k), "")
                lo = cells.fmt.get((a.id, c.id, "", level, f"{k}_ci_low"), "")
                hi = cells.fmt.get((a.id, c.id, "", level, f"{k}_ci_high"), "")
                lines.append(f"{PARAM_NAMES[k]} = {est} ({lo}, {hi})" if est and est != "NE" and lo else
                             f"{PARAM_NAMES[k]} = {est or 'NE'}")
            nobs = cells.fmt.get((a.id, c.id, "", level, "nobs"), "")
            n = cells.fmt.get((a.id, c.id, "", level, "n"), "")
            lines.append(f"n = {n} subjects, {nobs} observations")
        extra = {"curves": tuple(curves), "log_x": plot.log_x}
        panels.append(plots.Panel(title, tuple(series), x_label=plot.x_label or "Concentration",
                                  y_label=plot.y_label or a.response, note="\n".join(lines), extra=extra))
        for note in _emax_figure_notes(a):
            if note not in notes:
                notes.append(note)
    png = plots.draw_scatter(panels, width=spec.width, height=spec.height, ncols=plot.ncols)
    if plot.log_x:
        notes.append("Concentration axis on a log scale: observations at 0 (placebo, BLQ) are not shown; they are "
                     "in the fit.")
    return png, ("panel", "column", "kind", "point", "x", "y"), rows, notes


def _emax_figure_notes(a) -> list[str]:
    from tlf.tables.layout_er import model_note

    level = f"{100 * (1 - a.alpha):g}%"
    return [f"{model_note(a)} Line: the fitted model; estimates with {level} CI in each panel."]
