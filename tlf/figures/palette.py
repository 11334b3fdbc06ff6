"""The one palette of the figures: a colour and a marker per treatment column.

Colours are the Okabe-Ito set (distinguishable with the common colour-vision deficiencies; the
yellow is left out, it does not show on white), black first for the first column (placebo in study A).
A column keeps its colour and marker in every figure of a study: styles are assigned by the order in
which column ids first appear in study.yaml's column sets, which is also the tables' column order.
A column spec's `color` / `marker` override the palette.
"""

from __future__ import annotations

from dataclasses import dataclass

OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#999999")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


@dataclass(frozen=True)
class Style:
    color: str
    marker: str


def column_styles(column_sets: dict, extra: list | None = None) -> dict[str, Style]:
    """Column id -> Style for every column of the study's column sets (and of `extra`, an output's
    own columns), in order of first appearance."""
    order: list = []
    seen: set[str] = set()
    for cols in [*column_sets.values(), extra or []]:
        for c in cols:
            if c.id not in seen:
                seen.add(c.id)
                order.append(c)
    out = {}
    for i, c in enumerate(order):
        out[c.id] = Style(color=c.color or OKABE_ITO[i % len(OKABE_ITO)], marker=c.marker or MARKERS[i % len(MARKERS)])
    return out
