"""One look for every figure: treatment colours, markers and order, fonts and sizes.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies);
each treatment column keeps its colour and marker in every figure, in the order of the spec's
columns, which is also the tables' column order.
"""

from __future__ import annotations

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
