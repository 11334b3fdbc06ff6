"""Drawing: series of plotted numbers -> PNG bytes with matplotlib (imported here, lazily).

A plot function takes plain data (no spec, no ARD) and returns the picture; titles and footnotes
are not drawn (renderers print them as text around the picture).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tlf.figures.fit import dodge_steps, plain_log_axis, thin_x_labels
from tlf.figures.style import FONT_SIZE, arm_style, png_bytes, rc_params


@dataclass(frozen=True)
class Series:
    """One treatment column's line in one panel: points (x, y, lower, upper) and tick labels."""

    label: str
    index: int  # position of the column in the spec: fixes colour and marker
    x: tuple[float, ...]
    y: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]


def readable_ticks(ticks: Sequence[tuple[float, str]], *, axis_inches: float, span: float,
                   rotated: bool = False) -> list[tuple[float, str]]:
    """The ticks whose labels do not run into each other: from the left, a tick is kept when its
    label clears the last kept one (labels of about 0.6 em a character; a rotated label needs about
    the height of a line). The last tick is always kept (dropping the one before it if they collide),
    so the axis shows where the data end."""
    if len(ticks) < 2 or span <= 0:
        return list(ticks)
    per_inch = span / axis_inches
    char = FONT_SIZE * 0.6 / 72 * per_inch

    def width(label: str) -> float:
        return (FONT_SIZE * 1.4 / 72 * per_inch) if rotated else max(1, len(label)) * char

    def clear(a: tuple[float, str], b: tuple[float, str]) -> bool:
        return b[0] - a[0] >= (width(a[1]) + width(b[1])) / 2 + char

    kept = [ticks[0]]
    for t in ticks[1:-1]:
        if clear(kept[-1], t):
            kept.append(t)
    while len(kept) > 1 and not clear(kept[-1], ticks[-1]):
        kept.pop()
    kept.append(ticks[-1])
    return kept


def draw_mean_by_visit(panels: Sequence[tuple[str, Sequence[Series]]], legend: Sequence[str], *,
                       ticks: Sequence[tuple[float, str]], x_title: str, y_title: str,
                       reference_line: float | None, log_y: bool, width: float, height: float,
                       legend_index: Sequence[int] | None = None, log_panels: Sequence[bool] | None = None,
                       dodge: float | None = None) -> bytes:
    """Mean (+/- error) over time, one line per series, one panel per entry; arms dodged around each
    time point, centred on it, so error bars do not overlap (`dodge` x units apart; None: by the number
    of arms and the gap to the neighbouring time points, tlf.figures.fit.dodge_steps; 0: not dodged). Empty series give an empty frame (shells). `legend_index`: the
    style index of each legend entry (default 0, 1, ...), as the series' `index`. `log_panels` sets the
    y scale panel by panel (default: `log_y` for all)."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    n = max(1, len(panels))
    ncols = 1 if n == 1 else (2 if n <= 4 else 3)
    nrows = math.ceil(n / ncols)
    with matplotlib.rc_context(rc_params()):
        fig = Figure(figsize=(width, height))  # measured at rc figure.dpi, saved at savefig.dpi (300)
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
        steps = _dodge_steps(ticks, len(legend), dodge, axis_inches=width / ncols * 0.8)
        for k, ax in enumerate(axes.flat):
            if k >= n:
                ax.set_visible(False)
                continue
            title, series = panels[k]
            log_k = log_panels[k] if log_panels is not None and k < len(log_panels) else log_y
            narms = len(legend)
            order = list(legend_index) if legend_index is not None else list(range(narms))
            for s in series:
                st = arm_style(s.index)
                pos = order.index(s.index) if s.index in order else s.index
                xs = [x + (pos - (narms - 1) / 2) * steps.get(x, 0.0) for x in s.x]
                yerr = [[max(0.0, y - lo) if lo == lo else 0.0 for y, lo in zip(s.y, s.lower, strict=True)],
                        [max(0.0, hi - y) if hi == hi else 0.0 for y, hi in zip(s.y, s.upper, strict=True)]]
                ax.errorbar(xs, s.y, yerr=yerr, color=st["color"], marker=st["marker"], linestyle=st["linestyle"],
                            capsize=2, elinewidth=0.8, label=s.label)
            if reference_line is not None and not log_k:
                ax.axhline(reference_line, color="0.6", linewidth=0.6, zorder=0)
            if log_k:
                ax.set_yscale("log")
                plain_log_axis(ax.yaxis)
            if title:
                ax.set_title(title, loc="left")
            lo_x, hi_x = min(t[0] for t in ticks), max(t[0] for t in ticks)
            pad = (hi_x - lo_x) * 0.05 or 0.5
            fit = {r: readable_ticks(ticks, axis_inches=width / ncols * 0.8, span=(hi_x - lo_x) + 2 * pad,
                                     rotated=r) for r in (False, True)}
            # slanted labels only when upright ones would leave out long labels (visit names)
            rotate = len(fit[False]) < len(ticks) and max(len(t[1]) for t in ticks) > 3
            shown = fit[rotate]
            ax.set_xticks([t[0] for t in shown], [t[1] for t in shown], rotation=30 if rotate else 0,
                          ha="right" if rotate else "center")
            ax.set_xlim(lo_x - pad, hi_x + pad)
            if k % ncols == 0:
                ax.set_ylabel(y_title)
            if k >= n - ncols:
                ax.set_xlabel(x_title)
                ax.tick_params(labelbottom=True)
        handles = [Line2D([], [], **{**arm_style(i), "markersize": 4.5}) for i in order]
        fig.legend(handles, list(legend), loc="lower center", ncol=min(len(legend), 7), frameon=False,
                   bbox_to_anchor=(0.5, 0.0))
        fig.tight_layout(rect=(0, 0.08 + 0.02 * (len(legend) > 7), 1, 1))
        thin_x_labels(fig)
        return png_bytes(fig)


def _dodge_steps(ticks: Sequence[tuple[float, str]], arms: int, dodge: float | None, *,
                 axis_inches: float) -> dict[float, float]:
    """Time point x -> the x distance between neighbouring arms' points there: `dodge`, or when None
    tlf.figures.fit.dodge_steps over the time points."""
    xs = [t[0] for t in ticks]
    if dodge is not None:
        return dict.fromkeys(xs, dodge)
    return dodge_steps(xs, arms, axis_inches=axis_inches)
