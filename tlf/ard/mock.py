"""The ARD a spec would produce with no data (every stat NaN), for shells.

Rows that depend on data get a few placeholder levels ("<Preferred term 1>"); everything else
(columns, analyses, listed levels, statistics and their decimals) comes from the spec, so a shell
and the final output of one spec cannot drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.spec.model import CONTINUOUS_STATS

if TYPE_CHECKING:
    from tlf.spec.validate import OutputEntry, Study

PLACEHOLDERS = 3
NAN = float("nan")
_OFFSET = {"mean": 1, "median": 1, "q1": 1, "q3": 1, "geomean": 1, "sd": 2, "se": 2, "min": 0, "max": 0}


def mock_ard_rows(study: Study, entry: OutputEntry) -> list[dict]:
    """ARD rows (stat NaN) for every cell of the output's table."""
    spec = entry.spec
    cols = study.columns_for(entry)
    own_pct = getattr(spec, "pct_decimals", None)
    pct_default = own_pct if own_pct is not None else study.spec.pct_decimals
    rows: list[dict] = []

    def row(analysis: str, col: str, stat_name: str, decimals: int, level: str = "", parent: str = "",
            order: int = 0, variable: str = "") -> None:
        rows.append({"output_id": spec.id, "analysis": analysis, "column": col, "variable": variable,
                     "parent": parent, "level": level, "stat_name": stat_name, "stat": NAN,
                     "decimals": decimals, "order": order, "warning": "shell"})

    for c in cols:
        row("_N", c.id, "N", 0)
    for a in spec.analyses:
        active = [c for c in cols if a.periods is None or c.period in a.periods]
        pct = a.pct_decimals if getattr(a, "pct_decimals", None) is not None else pct_default
        levels: list[tuple[str, str]] = []
        if a.type == "count":
            levels = [("", "")]
        elif a.type == "categorical":
            levels = ([("", lv.label) for lv in a.levels] if a.levels
                      else [("", f"<Category {i}>") for i in range(1, PLACEHOLDERS + 1)])
        elif a.type == "terms":
            if a.soc:
                for s in range(1, 3):
                    soc = f"<System organ class {s}>"
                    levels += [(soc, soc)] + [(soc, f"<Preferred term {s}.{t}>") for t in range(1, 3)]
            else:
                levels = [("", f"<Preferred term {i}>") for i in range(1, PLACEHOLDERS + 1)]
        for c in active:
            if a.type == "continuous":
                d = a.precision if a.precision is not None else 0
                for name in CONTINUOUS_STATS:
                    dec = 0 if name == "n" else (1 if name in ("cv", "geocv") else d + _OFFSET.get(name, 0))
                    row(a.id, c.id, name, a.decimals.get(name, dec), variable=a.var)
                continue
            for order, (parent, level) in enumerate(levels):
                row(a.id, c.id, "n", 0, level, parent, order)
                row(a.id, c.id, "p", pct, level, parent, order)
    return rows
