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

from tlf.analyses.bds_layout import PART_LABELS, PART_PREFIX, param_label
from tlf.analyses.correlation.layout import METHOD_LABELS
from tlf.figures import draw as plots
from tlf.figures.assemble import assemble_figure
from tlf.figures.model import Figure
from tlf.figures.style import column_styles
from tlf.tables.cells import Cells

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
    extra = {}
    if plot.kind == "scatter":
        extra["groups"] = _Groups(study, entry, styles, cells) if plot.group else None
    png, data_columns, data_rows, notes, legend = draw(spec, analyses, titles, cols, styles, cells, **extra)
    return assemble_figure(study, entry, png, context=context, provenance=provenance,
                           data_columns=data_columns, data_rows=data_rows, notes=notes, legend=legend)


def _legend_labels(panels) -> tuple[str, ...]:
    return tuple(s.label for s in panels[0].series) if panels else ()


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
    return png, columns, rows, notes, _legend_labels(panels)


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
    return png, columns, rows, notes, _legend_labels(panels)


# ---------------------------------------------------------------- scatter

class _Groups:
    """A grouped scatter (`plot.group`): each point's group from the ARD (tlf/stats/plot_groups.py), in
    legend order, with the treatment column's colour and marker (tlf/spec/groups.py)."""

    def __init__(self, study, entry, styles, cells: Cells):
        from tlf.spec.groups import Grouping, ordered_columns

        cols = entry.spec.columns
        self.grouping = Grouping(ordered_columns(study.spec.columns, None if isinstance(cols, str) else cols),
                                 entry.spec.plot.group)
        self.styles = styles
        self.cells = cells

    def style(self, label: str, rank: int):
        from tlf.figures.style import Style, arm_style

        key = self.grouping.key_of(label)
        if key in self.styles:
            return self.styles[key]
        st = arm_style(rank)
        return Style(color=st["color"], marker=st["marker"])

    def of(self, a, c) -> list[tuple[int, str, float]]:
        """(rank, label, number of points) of the groups of analysis a, column c, in legend order."""
        out = [(rank, lv, _val(self.cells, a.id, c.id, "group", lv, "n"))
               for (p, lv), rank in self.cells.levels.get(a.id, {}).items()
               if p == "group" and (a.id, c.id, "group", lv, "n") in self.cells.val]
        return sorted(out)

    def split(self, a, c, parent: str, keys: list[str], xs, ys, many_columns: bool):
        """The column's points as one Series per group: [(Series, keys of its points, points drawn)]."""
        out = []
        for rank, label, n in self.of(a, c):
            sel = [j for j, k in enumerate(keys) if _val(self.cells, a.id, c.id, parent, k, "group") == rank]
            shown = f"{c.label}: {label}" if many_columns else label
            out.append((plots.Series(f"{c.id}:{rank}", shown, self.style(label, rank), tuple(xs[j] for j in sel),
                                     tuple(ys[j] for j in sel), (NAN,) * len(sel), (NAN,) * len(sel)),
                        [keys[j] for j in sel], n))
        return out


def _points(cells: Cells, a, c, parent: str):
    keys = sorted(lv for (aa, cc, p, lv, s) in cells.fmt if aa == a.id and cc == c.id and p == parent and s == "x")
    return keys, tuple(_val(cells, a.id, c.id, parent, k, "x") for k in keys), \
        tuple(_val(cells, a.id, c.id, parent, k, "y") for k in keys)


def _series(groups, a, c, cols, styles, cells, parent: str):
    """[(Series, point keys, points of the group (NaN in shells))]: one per column, or per group."""
    keys, xs, ys = _points(cells, a, c, parent)
    if groups is None:
        return [(plots.Series(c.id, c.label, styles[c.id], xs, ys, (NAN,) * len(xs), (NAN,) * len(xs)), keys,
                 float(len(keys)))]
    return groups.split(a, c, parent, keys, xs, ys, len(cols) > 1)


def _legend(panel_series: list[list[tuple]], grouped: bool) -> tuple:
    """The legend: every series of any panel once, in order; a group with no point in any panel says so."""
    from dataclasses import replace

    seen: dict[str, object] = {}
    points: dict[str, float] = {}
    for series in panel_series:
        for s, _, n in series:
            seen.setdefault(s.label, s)
            points[s.label] = points.get(s.label, 0.0) + (n if n == n else NAN)
    out = []
    for label, s in seen.items():
        out.append(replace(s, label=f"{label} (no data)") if grouped and points[label] == 0 else s)
    return tuple(out)


def _scatter(spec, analyses, titles, cols, styles, cells, groups=None):
    if analyses and all(a.type == "emax" for a in analyses):
        return _emax_scatter(spec, analyses, titles, cols, styles, cells, groups)
    plot = spec.plot
    panels, rows, all_series = [], [], []
    for a, title in zip(analyses, titles, strict=True):
        series = []
        for c in cols:
            if not _active(a, c):
                continue
            for s, keys, n in _series(groups, a, c, cols, styles, cells, "subject"):
                series.append((s, keys, n))
                rows += [(title, c.label, *((s.label,) if groups else ()), k, x, y)
                         for k, x, y in zip(keys, s.x, s.y, strict=True)]
        all_series.append(series)
        key_col = "" if a.pool else (cols[0].id if cols else "")
        lines = []
        for m in a.methods:
            r = cells.fmt.get((a.id, key_col, "", m, "r"), "")
            pv = cells.fmt.get((a.id, key_col, "", m, "pvalue"), "")
            lines.append(f"{METHOD_LABELS[m]} = {r} (p {'= ' if not pv.startswith(('<', '>')) else ''}{pv})")
        n = cells.fmt.get((a.id, key_col, "", a.methods[0], "n"), "") if a.methods else ""
        lines.append(f"n = {n}")
        panels.append(plots.Panel(title, tuple(s for s, _, _ in series), x_label=plot.x_label or a.x.label or a.x.var,
                                  y_label=plot.y_label or a.y.label or a.y.var, note="\n".join(lines)))
    legend = _legend(all_series, groups is not None)
    png = plots.draw_scatter(panels, width=spec.width, height=spec.height, ncols=plot.ncols, legend=legend)
    notes = ["Correlations over all patients shown: Pearson r and Spearman rho with p from t on n - 2 df."]
    columns = ("panel", "column", *(("group",) if groups else ()), "subject", "x", "y")
    return png, columns, rows, notes, tuple(s.label for s in legend)


CURVE_LABEL = "Fitted Emax model"


def _emax_scatter(spec, analyses, titles, cols, styles, cells, groups=None):
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
            if not _active(a, c):
                continue
            for s, keys, n in _series(groups, a, c, cols, styles, cells, "point"):
                series.append((s, keys, n))
                rows += [(title, c.label, *((s.label,) if groups else ()), "observation", k, x, y)
                         for k, x, y in zip(keys, s.x, s.y, strict=True)]
            grid = sorted(lv for (aa, cc, p, lv, s) in cells.fmt if aa == a.id and cc == c.id and p == "curve"
                          and s == "x")
            cx = tuple(_val(cells, a.id, c.id, "curve", k, "x") for k in grid)
            cy = tuple(_val(cells, a.id, c.id, "curve", k, "y") for k in grid)
            if cx:
                drew_curve = True
                curves.append((cx, cy, styles[c.id].color if len(cols) > 1 else "#000000"))
                rows += [(title, c.label, *(("",) if groups else ()), "fitted", k, x, y)
                         for k, x, y in zip(grid, cx, cy, strict=True)]
            for k in a.estimated:
                est = cells.fmt.get((a.id, c.id, "", level, k), "")
                lo = cells.fmt.get((a.id, c.id, "", level, f"{k}_ci_low"), "")
                hi = cells.fmt.get((a.id, c.id, "", level, f"{k}_ci_high"), "")
                lines.append(f"{PARAM_NAMES[k]} = {est} ({lo}, {hi})" if est and est != "NE" and lo else
                             f"{PARAM_NAMES[k]} = {est or 'NE'}")
            nobs = cells.fmt.get((a.id, c.id, "", level, "nobs"), "")
            n = cells.fmt.get((a.id, c.id, "", level, "n"), "")
            lines.append(f"n = {n} subjects, {nobs} observations")
        all_series.append(series)
        extra = {"curves": tuple(curves), "log_x": plot.log_x}
        panels.append(plots.Panel(title, tuple(s for s, _, _ in series), x_label=plot.x_label or "Concentration",
                                  y_label=plot.y_label or a.response, note="\n".join(lines), extra=extra))
        for note in _emax_figure_notes(a):
            if note not in notes:
                notes.append(note)
    legend = _legend(all_series, groups is not None)
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
