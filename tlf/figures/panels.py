"""What the figures that draw analyses share: numbers picked from the formatted ARD, whether a column
is active for an analysis, the points of a scatter (by column, or by group with `plot.group`), legends."""

from __future__ import annotations

from tlf.figures import draw as plots
from tlf.tables.cells import Cells

NAN = float("nan")


def legend_labels(panels) -> tuple[str, ...]:
    return tuple(s.label for s in panels[0].series) if panels else ()


def val(cells: Cells, *key) -> float:
    """The unrounded value at `key` (NaN when none), read to decide or to list, not drawn: not recorded
    as displayed (a CI that places a '*', a point's group, a count on the data sheet)."""
    v = cells.val.get(tuple(key))
    return NAN if v is None else float(v)


def plotted(cells: Cells, *key) -> float:
    """The unrounded value at `key` (NaN when none) that the figure draws: recorded as displayed."""
    v = cells.plotted(tuple(key))
    return NAN if v is None else float(v)


def active(a, col) -> bool:
    return a.periods is None or col.period in a.periods


class Groups:
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
        out = [(rank, lv, val(self.cells, a.id, c.id, "group", lv, "n"))
               for (p, lv), rank in self.cells.levels.get(a.id, {}).items()
               if p == "group" and (a.id, c.id, "group", lv, "n") in self.cells.val]
        return sorted(out)

    def split(self, a, c, parent: str, keys: list[str], xs, ys, many_columns: bool):
        """The column's points as one Series per group: [(Series, keys of its points, points drawn)]."""
        out = []
        for rank, label, n in self.of(a, c):
            sel = [j for j, k in enumerate(keys) if val(self.cells, a.id, c.id, parent, k, "group") == rank]
            shown = f"{c.label}: {label}" if many_columns else label
            out.append((plots.Series(f"{c.id}:{rank}", shown, self.style(label, rank), tuple(xs[j] for j in sel),
                                     tuple(ys[j] for j in sel), (NAN,) * len(sel), (NAN,) * len(sel)),
                        [keys[j] for j in sel], n))
        return out


def points(cells: Cells, a, c, parent: str):
    keys = sorted(lv for (aa, cc, p, lv, s) in cells.fmt if aa == a.id and cc == c.id and p == parent and s == "x")
    return keys, tuple(plotted(cells, a.id, c.id, parent, k, "x") for k in keys), \
        tuple(plotted(cells, a.id, c.id, parent, k, "y") for k in keys)


def series_of(groups, a, c, cols, styles, cells, parent: str):
    """[(Series, point keys, points of the group (NaN in shells))]: one per column, or per group."""
    keys, xs, ys = points(cells, a, c, parent)
    if groups is None:
        return [(plots.Series(c.id, c.label, styles[c.id], xs, ys, (NAN,) * len(xs), (NAN,) * len(xs)), keys,
                 float(len(keys)))]
    return groups.split(a, c, parent, keys, xs, ys, len(cols) > 1)


def legend_of(panel_series: list[list[tuple]], grouped: bool) -> tuple:
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
