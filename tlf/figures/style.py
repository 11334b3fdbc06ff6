"""One look for every figure: treatment colours, markers and order, fonts and sizes.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies);
each treatment column keeps its colour and marker in every figure: `column_styles` numbers the
study's columns in the order study.yaml's column sets first name them (the tables' column order).
"""

from __future__ import annotations

from dataclasses import dataclass

OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", "-", "--", "-.", ":")
FONT_SIZE = 9.0
DPI = 300


def arm_style(index: int) -> dict:
    """Colour, marker and line style of the index-th treatment column."""
    k = index % len(OKABE_ITO)
    return {"color": OKABE_ITO[k], "marker": MARKERS[index % len(MARKERS)],
            "linestyle": LINESTYLES[index % len(LINESTYLES)]}


def rc_params() -> dict:
    """matplotlib settings for print: sans-serif 9 pt, thin spines, no top/right spines."""
    return {"font.family": "DejaVu Sans", "font.size": FONT_SIZE, "axes.titlesize": FONT_SIZE + 1,
            "axes.labelsize": FONT_SIZE, "xtick.labelsize": FONT_SIZE - 1, "ytick.labelsize": FONT_SIZE - 1,
            "legend.fontsize": FONT_SIZE - 1, "axes.spines.top": False, "axes.spines.right": False,
            "axes.linewidth": 0.8, "lines.linewidth": 1.2, "lines.markersize": 4.5, "savefig.dpi": DPI}


# PNG text chunks: matplotlib writes "Software: Matplotlib version..." unless told None, and no time
# (print_png's `metadata`); tlf writes none, so a picture's bytes depend on what it shows only.
PNG_METADATA = {"Software": None}


def png_bytes(fig, **savefig) -> bytes:
    """The figure as PNG bytes, with no metadata text (every figure of tlf is saved here)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata=PNG_METADATA, **savefig)
    return buf.getvalue()


@dataclass(frozen=True)
class Style:
    color: str
    marker: str


def column_styles(column_sets: dict, extra: list | None = None) -> dict[str, Style]:
    """Column id -> Style (arm_style by position) for every column of the study's column sets (and of
    `extra`, an output's own columns) in order of first appearance: a column keeps its colour and marker
    in every figure of the study, whichever subset of columns a figure shows. A column spec's `color` /
    `marker` override."""
    from tlf.spec.groups import ordered_columns

    order = ordered_columns(column_sets, extra)
    out = {}
    for i, c in enumerate(order):
        st = arm_style(i)
        out[c.id] = Style(color=getattr(c, "color", None) or st["color"], marker=getattr(c, "marker", None) or st["marker"])
    return out
