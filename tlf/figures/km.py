"""Kaplan-Meier figures: ARD (parent "curve" and "risk" rows of tlf.figures.data.km) -> Figure, and the
drawing: step curves per treatment column in the study's colours and markers, censor marks, optional
pointwise bands and median line, and the numbers at risk in a table under the x axis.

With a mock ARD (shells) the same code draws an empty frame with the axes, legend and an at-risk
table of "xx".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tlf.figures.assemble import assemble_figure
from tlf.figures.model import Figure
from tlf.figures.style import arm_style, column_styles, png_bytes, rc_params

if TYPE_CHECKING:
    from tlf.spec.validate import OutputEntry, Study
    from tlf.tables.cells import Cells


@dataclass(frozen=True)
class KmCurve:
    """One treatment column's curve: the steps (time, S(t) after it, band), censored times with the
    curve's height there, and the numbers at risk at the plot's risk times."""

    label: str
    color: str
    linestyle: str
    times: tuple[float, ...]
    survival: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    censored: tuple[tuple[float, float], ...]
    at_risk: tuple[str, ...]


def layout_km(study: Study, entry: OutputEntry, cells: Cells, *, provenance: str = "",
              context: dict | None = None, shell: bool = False) -> Figure:
    from tlf.figures.data.km import risk_times, time_key
    from tlf.format.numbers import fmt_count

    spec = entry.spec
    plot = spec.plot
    cols = study.columns_for(entry)
    styles = column_styles(study.spec.columns, cols)  # a column's colour is the same in every figure
    position = {cid: i for i, cid in enumerate(styles)}
    rows = cells.ard[cells.ard["analysis"] == "plot"]
    value: dict[tuple, float] = {}
    order: dict[tuple, int] = {}
    for c, p, lv, s, v, o in zip(rows["column"], rows["parent"], rows["level"], rows["stat_name"], rows["stat"],
                                 rows["order"], strict=True):
        value[(c, p, lv, s)] = v
        order[(c, p, lv)] = int(o)
    t_max = max((v for (c, p, lv, s), v in value.items() if p == "curve" and s == "time"), default=0.0)
    at = risk_times(plot, t_max) if not shell else risk_times(plot, plot.x_max or 100.0)
    failure = plot.y == "failure"
    curves, data_rows = [], []
    for c in cols:
        steps = sorted((order[k[:3]], k[2]) for k in value if k[0] == c.id and k[1] == "curve" and k[3] == "time")
        times, surv, low, high, cens = [], [], [], [], []
        for _, lv in steps:
            step = {name: value[(c.id, "curve", lv, name)]
                    for name in ("time", "n_risk", "n_event", "n_censor", "survival", "ci_low", "ci_high")}
            s_t = step["survival"]
            if failure:
                y, lo, hi = 1 - s_t, 1 - step["ci_high"], 1 - step["ci_low"]
            else:
                y, lo, hi = s_t, step["ci_low"], step["ci_high"]
            drawn = ("time", "survival", *(("ci_low", "ci_high") if plot.ci else ()))  # the rest: data sheet only
            cells.show(*(("plot", c.id, "curve", lv, name) for name in drawn))
            times.append(step["time"])
            surv.append(y)
            low.append(lo)
            high.append(hi)
            if step["n_censor"] > 0:
                cens.append((step["time"], y))
            data_rows.append((c.label, step["time"], int(step["n_risk"]), int(step["n_event"]),
                              int(step["n_censor"]), y, lo, hi))
        risk = tuple(fmt_count(value[(c.id, "risk", time_key(x), "n_risk")]) if (c.id, "risk", time_key(x), "n_risk")
                     in value and not shell else ("xx" if shell else "") for x in at)
        cells.show(*(("plot", c.id, "risk", time_key(x), "n_risk") for x in at))  # the numbers at risk printed
        curves.append(KmCurve(c.label, styles[c.id].color, arm_style(position[c.id])["linestyle"], tuple(times),
                              tuple(surv), tuple(low), tuple(high), tuple(cens), risk))
    png = draw_km(curves, at, x_title=plot.x_title, y_title=plot.y_title, x_max=plot.x_max, failure=failure,
                  censor_marks=plot.censor_marks, ci=plot.ci, median_line=plot.median_line, width=spec.width,
                  height=spec.height)
    what = "1 - S(t)" if failure else "S(t)"
    return assemble_figure(study, entry, png, context=context, provenance=provenance,
                           data_columns=("treatment", "time", "at risk", "events", "censored", what, "lower 95% CI", "upper 95% CI"), data_rows=data_rows)


def _steps(times: Sequence[float], ys: Sequence[float], start: float) -> tuple[list[float], list[float]]:
    """Step-function vertices from (0, start), each y holding until the next time."""
    xs, out = [0.0], [start]
    for t, y in zip(times, ys, strict=True):
        xs += [t, t]
        out += [out[-1], y]
    return xs, out


def draw_km(curves: Sequence[KmCurve], at: Sequence[float], *, x_title: str, y_title: str, x_max: float | None,
            failure: bool, censor_marks: bool, ci: bool, median_line: bool, width: float, height: float) -> bytes:
    """The KM plot with the numbers-at-risk table under it, as PNG bytes. Axes are placed in inches
    (not by tight_layout) so that the table's rows line up under the x axis whatever the labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    start = 0.0 if failure else 1.0
    t_end = x_max or max([max(c.times) for c in curves if c.times] + [max(at, default=0.0), 1.0])
    rc = rc_params()
    small = rc["font.size"] - 1
    nrisk = len(curves) if at else 0
    line = small / 72 * 1.6  # inches per row of the at-risk table
    longest = max([len(c.label) for c in curves] + [14])
    label_gap = 0.22  # inches between the arm labels and the axes (room for a centred count at x = 0)
    left = min(0.15 + label_gap + longest * small / 72 * 0.62, width * 0.35)  # arm labels left of the axes
    right, top, bottom = 0.25, 0.15, 0.1
    risk_h = (nrisk + 1) * line if nrisk else 0.0
    gap = 0.6  # x tick labels and the x title between the plot and the table
    plot_h = height - top - bottom - risk_h - gap
    with plt.rc_context(rc):
        fig = plt.figure(figsize=(width, height))
        ax = fig.add_axes((left / width, (bottom + risk_h + gap) / height, (width - left - right) / width,
                           plot_h / height))
        for c in curves:
            if not c.times:  # a shell, or a column without subjects: nothing to draw
                continue
            xs, ys = _steps(c.times, c.survival, start)
            if xs[-1] < t_end:
                xs.append(t_end)
                ys.append(ys[-1])
            ax.plot(xs, ys, color=c.color, linestyle=c.linestyle, linewidth=1.2)
            if ci and c.times:
                lx, lo = _steps(c.times, c.low, start)
                _, hi = _steps(c.times, c.high, start)
                lo = [start if v != v else v for v in lo]
                hi = [start if v != v else v for v in hi]
                ax.fill_between(lx, lo, hi, color=c.color, alpha=0.12, linewidth=0)
            if censor_marks and c.censored:
                ax.plot([t for t, _ in c.censored], [y for _, y in c.censored], linestyle="none", marker="|",
                        markersize=6, markeredgewidth=1.0, color=c.color)
        if median_line:
            ax.axhline(0.5, color="0.5", linewidth=0.6, linestyle="--", zorder=0)
        ax.set_xlim(0, t_end)
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel(y_title)
        ax.set_xlabel(x_title)
        if at:
            ax.set_xticks(list(at))
        handles = [plt.Line2D([], [], color=c.color, linestyle=c.linestyle, linewidth=1.2) for c in curves]
        labels = [c.label for c in curves]
        if censor_marks:
            handles.append(plt.Line2D([], [], color="0.3", linestyle="none", marker="|", markersize=6))
            labels.append("Censored")
        ax.legend(handles, labels, loc="lower left" if not failure else "upper left", frameon=False)
        if nrisk:
            rax = fig.add_axes((left / width, bottom / height, (width - left - right) / width, risk_h / height),
                               sharex=ax)
            rax.set_ylim(nrisk + 0.5, -0.5)
            rax.axis("off")
            label_x = -label_gap / (width - left - right)  # axes fraction: right edge of the arm labels
            rax.text(label_x, 0, "Number at risk", transform=rax.get_yaxis_transform(), ha="right", va="center",
                     fontsize=small, fontweight="bold")
            for k, c in enumerate(curves, 1):
                colour = c.color
                rax.text(label_x, k, c.label, transform=rax.get_yaxis_transform(), ha="right", va="center",
                         fontsize=small, color=colour)
                for x, n in zip(at, c.at_risk, strict=True):
                    rax.text(x, k, n, ha="center", va="center", fontsize=small, color=colour)
        png = png_bytes(fig)
        plt.close(fig)
    return png
