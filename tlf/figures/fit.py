"""Drawing decisions that make a figure print like a journal's: where each column's points sit around a
visit (dodged, as SAS SGPLOT GROUPDISPLAY=CLUSTER), log axes labelled with plain numbers (0.1, 1, 10),
x tick labels that never run into each other (measured as rendered, thinned), one y-axis title shared by
the rows of a grid, and the rendered text boxes of a figure (which the tests check for overlap and clipping).

Small functions, called by the drawing modules (draw.py, plots.py, plots_pk.py); matplotlib is imported
inside them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

CLUSTER = 0.7  # the columns' points around a visit span at most this share of the narrowest visit gap
MAX_STEP_INCHES = 0.06  # ... and at most this far apart on paper (about a marker's width)
TICK_GAP_EM = 0.6  # the least space between two x tick labels, in ems of the tick font


def dodge_steps(xs: Sequence[float], columns: int, *, axis_inches: float,
                span: float | None = None) -> dict[float, float]:
    """Visit x -> the x distance (in x units) between neighbouring columns' points at that visit: the
    `columns` points of a visit fill at most CLUSTER of the gap to the nearer neighbouring visit (so the
    clusters of two visits never touch, and widely spaced visits get room), and are at most
    MAX_STEP_INCHES apart on an axis `axis_inches` long showing `span` x units (default: the range of
    `xs`). All 0 for fewer than two columns."""
    pos = sorted({float(x) for x in xs if x == x and math.isfinite(x)})
    if columns < 2 or not pos:
        return dict.fromkeys(pos, 0.0)
    rng = span if span and span > 0 else (pos[-1] - pos[0])
    by_paper = MAX_STEP_INCHES * (rng if rng > 0 else 1.0) / max(axis_inches, 0.1)
    out = {}
    for j, x in enumerate(pos):
        gaps = [g for g in ((x - pos[j - 1]) if j else None, (pos[j + 1] - x) if j + 1 < len(pos) else None)
                if g is not None]
        out[x] = min(by_paper, CLUSTER * min(gaps) / columns) if gaps else by_paper
    return out


def dodge_offsets(columns: int, step: float) -> list[float]:
    """Each column's x offset from the visit: `step` apart, centred on the visit (they sum to 0)."""
    return [(i - (columns - 1) / 2) * step for i in range(columns)]


def plain_number(v: float) -> str:
    """A tick value as a plain number, never 10^k or 1e-05: 0.001, 0.1, 1, 10, 100, 1000000."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    decimals = max(0, -math.floor(math.log10(abs(v)) + 1e-9)) + 6  # 6 significant digits after the first
    return f"{v:.{decimals}f}".rstrip("0").rstrip(".")


def plain_log_axis(axis) -> None:
    """Label a log-scale axis (ax.xaxis or ax.yaxis) with plain numbers at the decades (0.1, 1, 10, 100);
    when the shown range holds fewer than two decades, the 2 and 5 between them are labelled too."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    def few_decades() -> bool:
        lo, hi = sorted(axis.get_view_interval())
        if lo <= 0:
            return False
        return sum(1 for d in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
                   if lo <= 10.0 ** d <= hi) < 2

    def minor(v, _pos):
        lead = round(v / 10.0 ** math.floor(math.log10(v) + 1e-9)) if v > 0 else 0
        return plain_number(v) if lead in (2, 5) and few_decades() else ""

    axis.set_major_locator(LogLocator(base=10))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: plain_number(v)))
    axis.set_minor_locator(LogLocator(base=10, subs=tuple(range(2, 10))))
    axis.set_minor_formatter(FuncFormatter(minor))


def shared_y_title(fig, axes: Sequence, text: str, *, fontsize: float) -> None:
    """One y-axis title for the panels `axes` of a grid (their first column), centred on the figure's
    height, instead of one per panel (a long title repeated on short rows is cut and overlaps)."""
    for ax in axes:
        ax.set_ylabel("")
    fig.supylabel(text, fontsize=fontsize)


def wrap_to(text: str, inches: float, fontsize: float) -> str:
    """`text` broken at spaces into lines of at most `inches` (about 0.55 em a character)."""
    import textwrap

    chars = max(8, int(inches * 72 / (0.55 * fontsize)))
    return "\n".join(textwrap.wrap(text, chars)) if len(text) > chars else text


def thin_x_labels(fig) -> None:
    """Blank the x tick labels that would touch their neighbour, measured as rendered (the figure laid
    out by `lay_out`, each label's box from its window extent; that layout is then kept, `keep_layout`):
    from the left a label is kept when it clears the last kept one by TICK_GAP_EM; the last label is
    always kept (dropping the one before it if they collide), so the axis shows where the data end; a
    label on a y tick label (the corner where both axes start) is dropped. The tick marks stay."""
    renderer = _renderer(fig)
    lay_out(fig, renderer)  # as it will be saved
    changed = False  # a blanked label that held out an axes' bounds: the layout is done again
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        inview = _ticks_in_view(ax.xaxis, ax.get_xlim())
        shown = [i for i, (_, t) in enumerate(inview) if t.get_visible() and t.get_text()]
        if len(shown) < 2:
            continue
        gap = TICK_GAP_EM * inview[shown[0]][1].get_fontsize() * fig.dpi / 72
        boxes = [inview[i][1].get_window_extent(renderer) for i in shown]
        ys = [t.get_window_extent(renderer) for _, t in _ticks_in_view(ax.yaxis, ax.get_ylim())
              if t.get_visible() and t.get_text()]
        kept = {shown[i] for i in _kept_labels(boxes, ys, gap)}
        if len(kept) == len(shown):
            continue
        ax.set_xticks([loc for loc, _ in inview], [t.get_text() if i in kept else "" for i, (_, t) in
                                                   enumerate(inview)])
        # the layout sees the labels' union (and the axis title placed under it): unchanged, nothing moves
        changed = changed or _union(boxes).bounds != _union([b for i, b in zip(shown, boxes, strict=True)
                                                             if i in kept]).bounds
    if changed:
        lay_out(fig, renderer)
    keep_layout(fig)


def lay_out(fig, renderer=None) -> None:
    """Lay `fig` out by its layout engine (constrained; none after tight_layout) and bring every axis's ticks
    up to date at the final axes sizes: what a draw does before it draws anything, without the rest of a
    draw (a full draw of a figure, even not rendered, costs as much as its layout)."""
    renderer = renderer or _renderer(fig)
    engine = fig.get_layout_engine()
    if engine is not None and fig.axes:
        try:
            engine.execute(fig)
        except ValueError:  # as Figure.draw: a figure too small for its decorations is drawn as it is
            pass
    for ax in fig.axes:
        if ax.get_visible():
            ax.xaxis.get_tightbbox(renderer)  # updates the ticks (locations, labels) as a draw would
            ax.yaxis.get_tightbbox(renderer)


def keep_layout(fig) -> None:
    """Keep the layout `fig` has (laid out by `lay_out`, or by tight_layout): saving it then draws it once,
    instead of laying it out again and drawing it twice (savefig draws a figure that has a layout engine,
    even a placeholder left by tight_layout, once without rendering before it renders). No engine at all,
    whatever a matplotlibrc says (`None` would otherwise pick its autolayout or constrained layout)."""
    import matplotlib

    with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)


def _union(boxes: list):
    from matplotlib.transforms import Bbox

    return Bbox.union(boxes) if boxes else Bbox.null()


def _kept_labels(boxes: list, blocked_by: list, gap: float) -> list[int]:
    """Which of the labels' boxes (left to right) to keep: not on a box of `blocked_by`; from the left
    each clears the last kept one by `gap` pixels; the last free one always kept."""

    def clear(a: int, b: int) -> bool:
        return boxes[a].x1 + gap <= boxes[b].x0 or boxes[b].x1 + gap <= boxes[a].x0

    free = [i for i, b in enumerate(boxes) if not any(b.overlaps(y) for y in blocked_by)]
    if not free:
        return []
    kept = [free[0]]
    for i in free[1:-1]:
        if clear(kept[-1], i):
            kept.append(i)
    while len(kept) > 1 and not clear(kept[-1], free[-1]):
        kept.pop()
    if free[-1] != kept[-1]:
        kept.append(free[-1])
    return kept


def _ticks_in_view(axis, lim, minor: bool = False) -> list:
    """(location, label) of the axis's major (or minor) ticks inside the view limits (matplotlib keeps
    tick objects for locations outside the view; they are not drawn)."""
    lo, hi = sorted(lim)
    tol = 1e-9 * max(1.0, abs(hi - lo))
    ticks = axis.get_minor_ticks() if minor else axis.get_major_ticks()
    return [(t.get_loc(), t.label1) for t in ticks if t.get_loc() is not None and lo - tol <= t.get_loc() <= hi + tol]


def _renderer(fig):
    """The renderer `fig` is drawn with (an Agg canvas attached when the figure has none yet)."""
    canvas = fig.canvas
    if not hasattr(canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(fig)
    return canvas.get_renderer()


def text_boxes(fig) -> list[tuple[str, str, object]]:
    """(kind, text, window extent in pixels) of every text drawn in `fig` (the figure drawn first):
    kinds "title", "xlabel", "ylabel", "xtick", "ytick", "figure" (supylabel, suptitle), "legend", "text"
    (annotations, notes in a panel). Empty and hidden texts are left out."""
    from matplotlib.text import Text

    renderer = _renderer(fig)
    fig.draw_without_rendering()
    out: list[tuple[str, str, object]] = []

    def add(kind: str, t) -> None:
        if t is not None and t.get_visible() and t.get_text().strip():
            out.append((kind, t.get_text(), t.get_window_extent(renderer)))

    for t in (fig._supylabel, fig._supxlabel, fig._suptitle):  # noqa: SLF001 -- matplotlib keeps them here
        add("figure", t)
    for legend in fig.legends:
        for t in legend.get_texts():
            add("legend", t)
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for t in (ax.title, ax._left_title, ax._right_title):  # noqa: SLF001
            add("title", t)
        add("xlabel", ax.xaxis.label)
        add("ylabel", ax.yaxis.label)
        for minor in (False, True):
            for _, t in _ticks_in_view(ax.xaxis, ax.get_xlim(), minor):
                add("xtick", t)
            for _, t in _ticks_in_view(ax.yaxis, ax.get_ylim(), minor):
                add("ytick", t)
        for t in ax.texts:
            if isinstance(t, Text):
                add("text", t)
        if ax.get_legend() is not None:
            for t in ax.get_legend().get_texts():
                add("legend", t)
    return out
