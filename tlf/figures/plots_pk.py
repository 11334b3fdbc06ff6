"""Drawing individual concentration-time profiles: a grid of panels (rows: panels of the spec, e.g.
days; columns: treatment columns), one line per subject in the treatment's colour, subjects told apart
by marker, with an optional small legend of subject ids. matplotlib is imported lazily."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tlf.figures.fit import keep_layout, plain_log_axis
from tlf.figures.style import MARKERS, arm_style, png_bytes, rc_params


@dataclass(frozen=True)
class Profile:
    subject: str
    x: tuple[float, ...]
    y: tuple[float, ...]


def draw_individual(grid: Sequence[Sequence[Sequence[Profile]]], row_titles: Sequence[str],
                    col_titles: Sequence[str], *, x_title: str, y_title: str, log_y: bool, label_subjects: bool,
                    width: float, height: float, colors: Sequence[str] | None = None) -> bytes:
    """grid[r][c] holds the profiles of panel row r and treatment column c, drawn in colors[c] (the
    study's colour of that column; default by position). Empty grids give empty frames with the same
    axes (shells)."""
    import matplotlib
    from matplotlib.figure import Figure

    nrows, ncols = max(1, len(row_titles)), max(1, len(col_titles))
    font = rc_params()["font.size"]
    short = _short_ids([p.subject for row in grid for cell in row for p in cell])
    with matplotlib.rc_context(rc_params()):
        fig = Figure(figsize=(width, height))  # measured at rc figure.dpi, saved at savefig.dpi (300)
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
        for r in range(nrows):
            for c in range(ncols):
                ax = axes[r][c]
                color = colors[c] if colors is not None and c < len(colors) else arm_style(c)["color"]
                profiles = grid[r][c] if r < len(grid) and c < len(grid[r]) else ()
                for k, p in enumerate(profiles):
                    ax.plot(p.x, p.y, color=color, marker=MARKERS[k % len(MARKERS)], markersize=3.5,
                            linewidth=0.9, label=short.get(p.subject, p.subject))
                if log_y:
                    ax.set_yscale("log")
                    plain_log_axis(ax.yaxis)
                if r == 0 and c < len(col_titles):  # treatment over each column of panels
                    ax.set_title(col_titles[c], fontsize=font - 0.5)
                if c == ncols - 1 and r < len(row_titles) and row_titles[r]:  # the panel row (e.g. day), at right
                    ax.annotate(row_titles[r], xy=(1.03, 0.5), xycoords="axes fraction", rotation=270,
                                ha="left", va="center", fontsize=font, fontweight="bold")
                if label_subjects and profiles:
                    ax.legend(loc="best", fontsize=font - 2.5, frameon=False, handlelength=1.6, labelspacing=0.15,
                              borderaxespad=0.2)
                if c == 0:
                    ax.set_ylabel(y_title)
                if r == nrows - 1:
                    ax.set_xlabel(x_title)
        fig.tight_layout()
        keep_layout(fig)  # laid out once: saved without another pass
        return png_bytes(fig)


def _short_ids(ids: list[str]) -> dict[str, str]:
    """Subject ids without the prefix they all share, cut at a separator: "CC-220-SLE-001-101-001" ->
    "101-001" when every id starts with "CC-220-SLE-001-"."""
    if len(set(ids)) < 2:
        return {}
    first, last = min(ids), max(ids)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    cut = max(first.rfind(sep, 0, n) for sep in "-_/. ") + 1
    return {i: i[cut:] or i for i in ids} if cut > 0 else {}
