"""Drawing of the analysis figures: plain numbers -> a PNG picture (matplotlib, Agg, 300 dpi). No statistics.

Three kinds, each a grid of panels sharing one legend (the treatment columns, in the tables' order,
with the study's palette):

    draw_lines(...)    means with error bars over visits (one line per column)
    draw_bars(...)     grouped bars (one group per parameter, one bar per column), '*' marks
    draw_scatter(...)  points per subject coloured by column, with a text box (correlations)

Fonts (tlf.figures.style, the one look of all figures) are sized for the picture as placed on the page
(width x height inches), so that a printed page reads like a journal figure. matplotlib is imported inside the
functions (its OO API, no pyplot state), so importing tlf stays light.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from tlf.figures.style import FONT_SIZE, Style, png_bytes, rc_params

DPI = 300
FONT = FONT_SIZE
NAN = float("nan")


@dataclass(frozen=True)
class Series:
    """One column's points in a panel: x, y and error-bar ends (NaN: none)."""

    column: str
    label: str
    style: Style
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    lo: tuple[float, ...] = ()
    hi: tuple[float, ...] = ()
    marks: tuple[str, ...] = ()  # bars: text above/below each bar ('*' or '')


@dataclass(frozen=True)
class Panel:
    title: str
    series: tuple[Series, ...]
    x_ticks: tuple[float, ...] = ()
    x_tick_labels: tuple[str, ...] = ()
    x_label: str = ""
    y_label: str = ""
    note: str = ""  # a text box in the panel (scatter: the correlations)
    extra: dict = field(default_factory=dict)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _rc():
    import matplotlib

    return matplotlib.rc_context({**rc_params(), "axes.titleweight": "bold", "errorbar.capsize": 2.0,
                                  "lines.markersize": 4.0, "legend.fontsize": FONT_SIZE - 0.5})


def _png(fig) -> bytes:
    return png_bytes(fig, dpi=DPI, facecolor="white")


def _grid(fig, n: int, ncols: int | None, share_y: bool):
    """n panels on a grid; returns (axes, placement) where placement[i] = (first column, bottom row)
    tells where axis labels go (a panel with no panel below it counts as the bottom row)."""
    ncols = _ncols(n, ncols)
    nrows = math.ceil(n / ncols)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=share_y)
    flat = [ax for row in axes for ax in row]
    for ax in flat[n:]:
        ax.set_visible(False)
    place = [(i % ncols == 0, i + ncols >= n) for i in range(n)]
    return flat[:n], place


def _legend(fig, series: Sequence[Series], kind: str, line_label: str = "") -> None:
    """One legend under the panels: a marker (and line, or bar) per series; `line_label` adds a plain
    black line (e.g. a fitted model drawn over every series)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    for s in series:
        if kind == "bars":
            handles.append(Patch(facecolor=s.style.color, edgecolor="black", linewidth=0.4, label=s.label))
        else:
            handles.append(Line2D([], [], color=s.style.color, marker=s.style.marker, linestyle="-" if kind == "lines"
                                  else "none", markersize=4.5, label=s.label))
    if line_label:
        handles.append(Line2D([], [], color="#000000", linewidth=1.2, label=line_label))
    ncol = _legend_columns([h.get_label() for h in handles], fig.get_figwidth())
    rows = math.ceil(len(handles) / max(ncol, 1))
    ncol = math.ceil(len(handles) / rows)  # as many entries in every row
    if rows > 1:  # matplotlib fills column by column: reorder (and pad) so that rows read in order
        handles += [Line2D([], [], linestyle="none", label=" ")] * (rows * ncol - len(handles))
        handles = [handles[r * ncol + c] for c in range(ncol) for r in range(rows)]
    fig.legend(handles=handles, loc="outside lower center", ncols=ncol, frameon=False, handlelength=2.2,
               columnspacing=1.6)


def _legend_columns(labels: Sequence[str], width: float) -> int:
    """The most legend columns (entries fill column by column) whose estimated width fits the picture."""
    em = (FONT_SIZE - 0.5) / 72  # inches
    sizes = [(0.58 * len(t) + 2.2 + 0.8 + 1.6) * em for t in labels]  # text, handle, pad, column spacing
    for ncol in range(len(labels), 1, -1):
        rows = math.ceil(len(labels) / ncol)
        cols = [sizes[k:k + rows] for k in range(0, len(sizes), rows)]
        if sum(max(c) for c in cols) <= 0.96 * width:
            return ncol
    return 1


def _zero_line(ax, level: float = 0.0) -> None:
    ax.axhline(level, color="#777777", linewidth=0.6, linestyle=(0, (4, 3)), zorder=0)


def _finite(v: float) -> bool:
    return v is not None and isinstance(v, float | int) and math.isfinite(v)


def draw_lines(panels: Sequence[Panel], *, width: float, height: float, ncols: int | None = None,
               share_y: bool = False, dodge: float | None = None) -> bytes:
    """Means (markers joined by lines) with error bars lo..hi, one line per column; the columns' points
    (lines, markers and error bars) are dodged around each visit, centred on it, `dodge` x units apart
    (None: `_dodge`; 0: not dodged)."""
    with _rc():
        fig = _figure(width, height)
        axes, place = _grid(fig, len(panels), ncols, share_y)
        for ax, panel, (first, bottom) in zip(axes, panels, place, strict=True):
            shifts = _dodge(panel, dodge, axis_inches=width / _ncols(len(panels), ncols) * 0.8)
            for s, at in zip(panel.series, shifts, strict=True):
                pts = [(at.get(x, x), y, lo, hi) for x, y, lo, hi in zip(s.x, s.y, s.lo, s.hi, strict=True) if _finite(y)]
                if not pts:
                    continue
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                ax.plot(xs, ys, color=s.style.color, marker=s.style.marker, markersize=3.8,
                        markeredgecolor=s.style.color, zorder=3)
                bars = [p for p in pts if _finite(p[2]) and _finite(p[3])]
                if bars:
                    ax.errorbar([p[0] for p in bars], [p[1] for p in bars],
                                yerr=[[p[1] - p[2] for p in bars], [p[3] - p[1] for p in bars]], fmt="none",
                                ecolor=s.style.color, elinewidth=0.8, capthick=0.8, zorder=2)
            _zero_line(ax, panel.extra.get("reference", 0.0))
            _axes_text(ax, panel, first_col=first, last_row=bottom)
        _legend(fig, panels[0].series if panels else (), "lines")
        _fit_text(fig, axes, place, height)
        return _png(fig)


def _ncols(n: int, ncols: int | None) -> int:
    return ncols or (3 if n > 4 else n if n <= 3 else 2)


def _dodge(panel: Panel, dodge: float | None, *, axis_inches: float) -> list[dict[float, float]]:
    """Each series' x -> where its point is drawn in `panel`: dodged around the visit and centred on it
    (GROUPDISPLAY=CLUSTER), `dodge` x units apart, or when None by fit.dodge_steps (the number of series
    and the gap to the neighbouring visits)."""
    from tlf.figures import fit

    k = len(panel.series)
    xs = [x for s in panel.series for x in s.x]
    steps = fit.dodge_steps(xs, k, axis_inches=axis_inches) if dodge is None else dict.fromkeys(xs, dodge)
    return [{x: x + fit.dodge_offsets(k, steps.get(x, 0.0))[i] for x in s.x} for i, s in enumerate(panel.series)]


def _fit_text(fig, axes, place, height: float) -> None:
    """Axis titles and ticks that print: one y title centred on the grid when its rows share it (else
    each row's, wrapped to the panel's height), and x tick labels that do not touch (fit.thin_x_labels)."""
    from tlf.figures import fit

    first = [ax for ax, (f, _) in zip(axes, place, strict=True) if f and ax.get_ylabel()]
    labels = {ax.get_ylabel() for ax in first}
    if len(first) > 1 and len(labels) == 1:
        fit.shared_y_title(fig, first, labels.pop(), fontsize=FONT)
    else:
        rows = max(1, sum(1 for f, _ in place if f))
        for ax in first:
            ax.set_ylabel(fit.wrap_to(ax.get_ylabel(), 0.8 * height / rows, FONT))
    fit.thin_x_labels(fig)


def draw_bars(panels: Sequence[Panel], *, width: float, height: float, ncols: int | None = None,
              share_y: bool = True) -> bytes:
    """Grouped bars: group g at x = g, one bar per series (column) with an error bar lo..hi and its mark
    ('*') just beyond the error bar's end."""
    with _rc():
        fig = _figure(width, height)
        axes, place = _grid(fig, len(panels), ncols, share_y)
        for ax, panel, (first, bottom) in zip(axes, panels, place, strict=True):
            k = max(1, len(panel.series))
            w = 0.8 / k
            span = [0.0, 0.0]
            for i, s in enumerate(panel.series):
                xs = [x + (i - (k - 1) / 2) * w for x in s.x]
                ok = [j for j, y in enumerate(s.y) if _finite(y)]
                if not ok:
                    continue
                ax.bar([xs[j] for j in ok], [s.y[j] for j in ok], width=w * 0.92, color=s.style.color,
                       edgecolor="black", linewidth=0.4, zorder=2)
                for j in ok:
                    lo, hi, y = s.lo[j], s.hi[j], s.y[j]
                    if _finite(lo) and _finite(hi):
                        ax.errorbar([xs[j]], [y], yerr=[[y - lo], [hi - y]], fmt="none", ecolor="black",
                                    elinewidth=0.6, capsize=1.5, capthick=0.6, zorder=3)
                    end = (lo if y < 0 else hi) if _finite(lo) and _finite(hi) else y
                    span = [min(span[0], end), max(span[1], end)]
                    if j < len(s.marks) and s.marks[j]:
                        ax.annotate(s.marks[j], (xs[j], end), xytext=(0, -2 if y < 0 else 1), textcoords="offset points",
                                    ha="center", va="top" if y < 0 else "bottom", fontsize=FONT + 1, zorder=4)
            pad = 0.08 * max(1.0, span[1] - span[0])
            if span != [0.0, 0.0]:
                ax.set_ylim(span[0] - pad, span[1] + pad)
            ax.set_xlim(-0.6, len(panel.x_ticks) - 0.4)
            _zero_line(ax)
            _axes_text(ax, panel, first_col=first, last_row=bottom)
        _legend(fig, panels[0].series if panels else (), "bars")
        _fit_text(fig, axes, place, height)
        return _png(fig)


def draw_scatter(panels: Sequence[Panel], *, width: float, height: float, ncols: int | None = None,
                 legend: Sequence[Series] | None = None, curve_label: str = "") -> bytes:
    """Points per series (column, or group) with the panel's note (e.g. the correlations) in a corner box and
    `extra["curves"]` (fitted lines). `legend`: the series the legend names (default: the first panel's);
    `curve_label` names the fitted line there. On a log x axis (`extra["log_x"]`) points at x = 0 are drawn
    at a "0" tick one decade below the others, left of a break in the axis; negative x are not drawn."""
    with _rc():
        fig = _figure(width, height)
        axes, place = _grid(fig, len(panels), ncols, False)
        for ax, panel, (first, bottom) in zip(axes, panels, place, strict=True):
            xs_all = []
            log_x = panel.extra.get("log_x", False)
            zero_at = _log_zero(panel) if log_x else None
            for s in panel.series:
                pts = [(zero_at if x == 0 and zero_at else x, y) for x, y in zip(s.x, s.y, strict=True)
                       if _finite(x) and _finite(y) and (x > 0 or not log_x or (x == 0 and zero_at))]
                xs_all += [p[0] for p in pts]
                if pts:
                    ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=26, color=s.style.color,
                               marker=s.style.marker, edgecolors="white", linewidths=0.4, zorder=3)
            for cx, cy, color in panel.extra.get("curves", ()):  # fitted curves (e.g. an Emax model)
                line = [(x, y) for x, y in zip(cx, cy, strict=True) if _finite(x) and _finite(y) and (x > 0 or not log_x)]
                if line:
                    ax.plot([p[0] for p in line], [p[1] for p in line], color=color, linewidth=1.2, zorder=4)
            if log_x:
                _log_axis(ax, zero_at)
            ax.axhline(0.0, color="#777777", linewidth=0.6, linestyle=(0, (4, 3)), zorder=0)
            if not log_x and xs_all and min(xs_all) < 0 < max(xs_all):
                ax.axvline(0.0, color="#777777", linewidth=0.6, linestyle=(0, (4, 3)), zorder=0)
            _axes_text(ax, panel, first_col=first, last_row=bottom)
            if panel.note:  # above the plotting area, right-aligned: never over a point
                ax.set_title(panel.note, loc="right", fontsize=FONT - 0.5, fontweight="normal", linespacing=1.25)
        _legend(fig, legend if legend is not None else (panels[0].series if panels else ()), "points", curve_label)
        _fit_text(fig, axes, place, height)
        return _png(fig)


def _log_zero(panel: Panel) -> float | None:
    """Where x = 0 is drawn on the panel's log axis: 0.8 decade below the smallest positive x (of points
    and curves); None when no point is at 0 or nothing is positive."""
    pos = _positive(panel)
    if not pos or not any(x == 0 for s in panel.series for x in s.x):
        return None
    return min(pos) / 10 ** 0.8


def _positive(panel: Panel) -> list[float]:
    xs = [x for s in panel.series for x in s.x if _finite(x)]
    xs += [x for cx, _, _ in panel.extra.get("curves", ()) for x in cx if _finite(x)]
    return [x for x in xs if x > 0]


def _log_axis(ax, zero_at: float | None) -> None:
    """A log x axis with ticks printed as plain numbers (0.01, 0.1, 1, 10); with `zero_at`, a "0" tick
    there and a break (//) in the axis between it and the smallest positive x."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter
    from matplotlib.transforms import blended_transform_factory

    from tlf.figures.fit import plain_number

    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: "0" if zero_at and math.isclose(v, zero_at)
                                               else plain_number(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    if zero_at is None:
        return
    lo = zero_at * 10 ** 0.8  # the smallest positive x
    hi = ax.get_xlim()[1]
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    ax.xaxis.set_major_locator(FixedLocator([zero_at] + [10.0 ** d for d in decades if lo <= 10.0 ** d <= hi]))
    ax.xaxis.set_minor_locator(FixedLocator([k * 10.0 ** d for d in decades for k in range(2, 10)
                                             if lo <= k * 10.0 ** d <= hi]))
    ax.set_xlim(zero_at / 10 ** 0.35, hi)
    at = math.sqrt(zero_at * lo)  # halfway (on the log scale) between 0 and the smallest positive x
    ax.text(at, 0.0, "//", transform=blended_transform_factory(ax.transData, ax.transAxes), ha="center",
            va="center", fontsize=FONT, backgroundcolor="white", clip_on=False, zorder=5)


def _axes_text(ax, panel: Panel, *, first_col: bool = True, last_row: bool = True) -> None:
    """Title, ticks and axis labels; the y label only on the grid's first column and the x label only on
    its bottom row (the other panels share them)."""
    ax.set_title(panel.title, loc="left")
    if panel.x_ticks:
        ax.set_xticks(list(panel.x_ticks))
        ax.set_xticklabels(list(panel.x_tick_labels), rotation=panel.extra.get("rotation", 0),
                           ha="right" if panel.extra.get("rotation") else "center")
    if panel.x_label and (last_row or panel.extra.get("own_x_label")):
        ax.set_xlabel(panel.x_label)
    if panel.y_label and first_col:
        ax.set_ylabel(panel.y_label)
    ax.tick_params(length=2.5, pad=2)


def draw_forest(panel: Panel, *, width: float, height: float, ref_line: float = 1.0) -> bytes:
    """A forest plot: one row per tick (subgroup, top to bottom), one point per series (column) with a
    horizontal CI lo..hi (the series' x are the row positions, y the estimates), on a log x axis with a
    dashed line at `ref_line` (1: no difference in hazard); the estimate and CI as text at the right."""
    from matplotlib.ticker import FixedLocator, NullFormatter

    with _rc():
        fig = _figure(width, height)
        ax = fig.subplots()
        k = max(1, len(panel.series))
        step = 0.6 / k
        values = []
        for i, s in enumerate(panel.series):
            shift = (i - (k - 1) / 2) * step
            for pos, y, lo, hi, text in zip(s.x, s.y, s.lo, s.hi, s.marks or ("",) * len(s.x), strict=True):
                if not (_finite(y) and y > 0):
                    continue
                at = -(pos + shift)
                if _finite(lo) and _finite(hi) and lo > 0:
                    ax.plot([lo, hi], [at, at], color=s.style.color, linewidth=1.0, zorder=2)
                    values += [lo, hi]
                ax.plot([y], [at], color=s.style.color, marker=s.style.marker, markersize=4.5, linestyle="none",
                        zorder=3)
                values.append(y)
                if text:
                    ax.annotate(text, (1.01, at), xycoords=("axes fraction", "data"), va="center", ha="left",
                                fontsize=FONT - 0.5, color=s.style.color, annotation_clip=False)
        ax.set_xscale("log")
        lo_x, hi_x = (min(values), max(values)) if values else (0.5, 2.0)
        lo_x, hi_x = min(lo_x, ref_line) / 1.25, max(hi_x, ref_line) * 1.25
        ax.set_xlim(lo_x, hi_x)
        ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if lo_x <= t <= hi_x]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xticklabels([f"{t:g}" for t in ticks])
        ax.axvline(ref_line, color="#777777", linewidth=0.6, linestyle=(0, (4, 3)), zorder=0)
        ax.set_yticks([-p for p in panel.x_ticks])
        ax.set_yticklabels(list(panel.x_tick_labels))
        ax.set_ylim(-(len(panel.x_ticks) - 0.5), 0.5)
        ax.set_title(panel.title, loc="left")
        if panel.x_label:
            ax.set_xlabel(panel.x_label)
        ax.tick_params(length=2.5, pad=2)
        _legend(fig, panel.series, "points")
        return _png(fig)
