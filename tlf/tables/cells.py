"""Lookup of a formatted ARD by key: what the table layouts read (never the raw numbers' text)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tlf.format.numbers import fmt_count_pct

if TYPE_CHECKING:
    import pandas as pd


FIELD = re.compile(r"\{(\w+)\}")


def inactive(a, col: str, periods: dict) -> bool:
    """Whether analysis `a` leaves column `col` out (the column's period is not one of `a.periods`):
    its cells print the analysis' `na_text`."""
    return a.periods is not None and periods[col] not in a.periods


class Cells:
    """Formatted statistics by (analysis, column, parent, level, stat_name), with their unrounded
    value, warning and `variable` text, and each analysis' (parent, level) order."""

    def __init__(self, ard: pd.DataFrame) -> None:
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
            if s != "pvalue":  # a stat column's p-value belongs to a row, it does not make one
                self.levels.setdefault(a, {}).setdefault((p, lv), int(o))
            self.at.setdefault((a, c, p, lv), {})[s] = f
            self.columns.setdefault(a, set()).add(c)

    def has(self, a: str, c: str) -> bool:
        return c in self.columns.get(a, ())

    def n_pct(self, a: str, c: str, parent: str = "", level: str = "", shell: bool = False) -> str:
        """"n (%)", with " [events]" when the analysis counts events too."""
        n = self.fmt.get((a, c, parent, level, "n"))
        if n is None:
            return ""
        p = self.fmt.get((a, c, parent, level, "p"), "")
        n_value = self.val.get((a, c, parent, level, "n"))
        text = fmt_count_pct(n, p, n_value, shell=shell)
        events = self.fmt.get((a, c, parent, level, "events"))
        return f"{text} [{events}]" if events is not None and (shell or n_value != 0) else text

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
            out = out.replace("{" + name.removeprefix(prefix) + "}", text)
        return out

    def fill(self, a: str, c: str, template: str, parent: str = "", level: str = "") -> str:
        """`template` with every "{stat}" replaced by that statistic's text at the key; "" when any of
        them is missing there (a row prints whole or not at all)."""
        out = template
        for stat in FIELD.findall(template):
            text = self.fmt.get((a, c, parent, level, stat))
            if text is None:
                return ""
            out = out.replace("{" + stat + "}", text)
        return out


def levels_in_order(cells: Cells, a_id: str) -> list[tuple[str, str]]:
    levels = cells.levels.get(a_id, {})
    return sorted(levels, key=lambda k: levels[k])


def ordered_levels(cells, a_id: str) -> list[tuple[str, str, int]]:
    levels = cells.levels.get(a_id, {})
    return sorted(((p, lv, o) for (p, lv), o in levels.items()), key=lambda k: k[2])
