"""Lookup of a formatted ARD by key: what the table and figure layouts read (never the raw numbers' text).

Cells also records what the output shows: every statistic a layout reads into a printed cell, header
or note (`text`, `n_pct`, `template`, `fill`, `big_n`) or draws in a figure (`plotted`, `show`) goes
into `shown`, and the build sets the ARD's `displayed` from it (tlf/ard/schema.py, mark_displayed).
So `displayed` is what the layout used, never a second list. Reads that only decide something
(`fmt`, `val`, `warn` directly: is n 0, is p below alpha, does a CI exclude 0, why a cell is NE)
record nothing: a statistic used only for a flag, an empty-cell text or a footnote is not displayed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tlf.format.numbers import fmt_count_pct

if TYPE_CHECKING:
    import pandas as pd


FIELD = re.compile(r"\{(\w+)\}")
# the statistics of a stat column (a p-value; an estimate with its limits, tlf/analyses/estimates.py)
ROW_STATS = frozenset(("pvalue", "estimate", "estimate_lower", "estimate_upper"))


def inactive(a, col: str, periods: dict) -> bool:
    """Whether analysis `a` leaves column `col` out (the column's period is not one of `a.periods`):
    its cells print the analysis' `na_text`."""
    return a.periods is not None and periods[col] not in a.periods


class Cells:
    """Formatted statistics by (analysis, column, parent, level, stat_name), with their unrounded
    value, warning and `variable` text, and each analysis' (parent, level) order."""

    def __init__(self, ard: pd.DataFrame) -> None:
        self.ard = ard  # the formatted ARD itself: figures walk its rows for structure (keys, order)
        self.shown: set[tuple] = set()  # keys of the statistics the output prints or draws
        self._big_n: dict[str, tuple] = {}  # column -> key of its big N
        self.fmt: dict[tuple, str] = {}
        self.val: dict[tuple, float] = {}
        self.warn: dict[tuple, str] = {}
        self.var: dict[tuple, str] = {}
        self.levels: dict[str, dict[tuple[str, str], int]] = {}  # analysis -> (parent, level) -> order
        self.at: dict[tuple, dict[str, str]] = {}  # (analysis, column, parent, level) -> stat -> text
        self.columns: dict[str, set[str]] = {}  # analysis -> columns with rows
        for a, c, p, lv, s, v, f, o, w, var in zip(ard["analysis"], ard["column"], ard["parent"], ard["level"],
                                                   ard["stat_name"], ard["stat"], ard["stat_fmt"], ard["order"],
                                                   ard["warning"], ard["variable"], strict=True):
            key = (a, c, p, lv, s)
            self.fmt[key] = f
            self.val[key] = v
            self.warn[key] = w
            self.var[key] = var
            if s not in ROW_STATS:  # a stat column's p-value or estimate belongs to a row, it does not make one
                self.levels.setdefault(a, {}).setdefault((p, lv), int(o))
            self.at.setdefault((a, c, p, lv), {})[s] = f
            self.columns.setdefault(a, set()).add(c)
            if a == "_N" and s == "N":
                self._big_n[c] = key

    # --- reads that print or draw (recorded in `shown`) ---------------------------------------------

    def text(self, key: tuple, default: str = "") -> str:
        """The printed text of the statistic at `key` (analysis, column, parent, level, stat_name),
        recorded as displayed; `default` when there is none."""
        text = self.fmt.get(key)
        if text is None:
            return default
        self.shown.add(key)
        return text

    def plotted(self, key: tuple) -> float | None:
        """The unrounded value at `key` that a figure draws (a coordinate, an error bar), recorded as
        displayed; None when there is none."""
        v = self.val.get(key)
        if v is not None:
            self.shown.add(key)
        return v

    def show(self, *keys: tuple) -> None:
        """Record statistics a layout printed or drew from values it read otherwise (those in the ARD)."""
        self.shown.update(k for k in keys if k in self.fmt)

    def big_n(self, c: str, default: str) -> str:
        """Column `c`'s big N as printed in its header, recorded as displayed; `default` without one."""
        key = self._big_n.get(c)
        return default if key is None else self.text(key, default)

    def has(self, a: str, c: str) -> bool:
        return c in self.columns.get(a, ())

    def n_pct(self, a: str, c: str, parent: str = "", level: str = "", shell: bool = False,
              denom: bool = False) -> str:
        """"n (%)", with " [events]" when the analysis counts events too; `denom`: "n/m (%)" with the
        denominator m (statistic `denom`) where the ARD carries one."""
        key = (a, c, parent, level)
        n = self.text((*key, "n"), None)
        if n is None:
            return ""
        if denom and (*key, "denom") in self.fmt:
            n = f"{n}/{self.text((*key, 'denom'))}"
        p = self.fmt.get((*key, "p"), "")
        n_value = self.val.get((*key, "n"))
        text = fmt_count_pct(n, p, n_value, shell=shell)
        if text != n:  # the percent is printed (not for a zero count)
            self.shown.add((*key, "p"))
        events = self.fmt.get((*key, "events"))
        if events is not None and (shell or n_value != 0):
            self.shown.add((*key, "events"))
            return f"{text} [{events}]"
        return text

    def template(self, a: str, c: str, template: str, parent: str = "", level: str = "", prefix: str = "") -> str:
        """`template` with every "{stat}" replaced by the text of stat `prefix + stat` at the key;
        "" when the key has no statistics."""
        stats = self.at.get((a, c, parent, level))
        if not stats:
            return ""
        out = template
        for name, text in stats.items():
            if prefix and not name.startswith(prefix):
                continue
            field = "{" + name.removeprefix(prefix) + "}"
            if field in template:
                self.shown.add((a, c, parent, level, name))
                out = out.replace(field, text)
        return out

    def fill(self, a: str, c: str, template: str, parent: str = "", level: str = "") -> str:
        """`template` with every "{stat}" replaced by that statistic's text at the key; "" when any of
        them is missing there (a row prints whole or not at all)."""
        out = template
        keys = [(a, c, parent, level, stat) for stat in FIELD.findall(template)]
        for key in keys:
            text = self.fmt.get(key)
            if text is None:
                return ""
            out = out.replace("{" + key[4] + "}", text)
        self.shown.update(keys)
        return out


def levels_in_order(cells: Cells, a_id: str) -> list[tuple[str, str]]:
    levels = cells.levels.get(a_id, {})
    return sorted(levels, key=lambda k: levels[k])


def ordered_levels(cells, a_id: str) -> list[tuple[str, str, int]]:
    levels = cells.levels.get(a_id, {})
    return sorted(((p, lv, o) for (p, lv), o in levels.items()), key=lambda k: k[2])
