"""The ARD a spec would produce with no data (every stat NaN), for shells.

Rows that depend on data get a few placeholder levels ("<Preferred term 1>"); everything else
(columns, analyses, listed levels, statistics and their decimals) comes from the spec, so a shell
and the final output of one spec cannot drift apart. Each family's rows come from its home's
shell.py (SHELLS, through tlf/analyses/registry.py); this module adds the big N, the legend groups
of a grouped scatter figure and the placeholder p-values of stat columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.analyses.estimates import is_estimate, shell_levels
from tlf.analyses.registry import compares, part
from tlf.spec.base import resolve_test

if TYPE_CHECKING:
    from tlf.spec.validate import OutputEntry, Study

PLACEHOLDERS = 3
NAN = float("nan")


def shell_row(output_id: str, analysis: str, col: str, stat_name: str, decimals: int, *, parent: str = "",
              level: str = "", order: int = 0, variable: str = "", sig: int | None = None) -> dict:
    """One ARD row of a shell (stat NaN, warning "shell"); `sig` (significant figures) when the
    statistic may be printed with them."""
    row = {"output_id": output_id, "analysis": analysis, "column": col, "variable": variable, "parent": parent,
           "level": level, "stat_name": stat_name, "stat": NAN, "decimals": decimals}
    if sig is not None:
        row["sig"] = sig
    row.update(order=order, warning="shell")
    return row


def own_pct(a, pct_default: int) -> int:
    """The decimals of a percentage: the analysis's own `pct_decimals`, else the output's or study's."""
    own = getattr(a, "pct_decimals", None)
    return own if own is not None else pct_default


def count_rows(output_id: str, a, active, pct: int, levels: list[tuple[str, str]]) -> list[dict]:
    """n and % (and events when the analysis counts them) per column and (parent, level)."""
    rows = []
    for c in active:
        for order, (parent, level) in enumerate(levels):
            rows.append(shell_row(output_id, a.id, c.id, "n", 0, level=level, parent=parent, order=order, sig=0))
            rows.append(shell_row(output_id, a.id, c.id, "p", pct, level=level, parent=parent, order=order, sig=0))
            if getattr(a, "denominator", "N") != "N":
                rows.append(shell_row(output_id, a.id, c.id, "denom", 0, level=level, parent=parent, order=order,
                                      sig=0))
            if getattr(a, "events", False):
                rows.append(shell_row(output_id, a.id, c.id, "events", 0, level=level, parent=parent, order=order,
                                      sig=0))
    return rows


def param_visit_rows(output_id: str, a) -> list[dict]:
    """Per parameter its label row (the code, or the analysis label for one parameter); per visit its x."""
    rows = []
    for i, p in enumerate(a.params):
        label = a.param_labels.get(p, p)
        rows.append(shell_row(output_id, a.id, "", "param", 0, parent=p, order=i * 1000, variable=label))
        rows += [shell_row(output_id, a.id, "", "x", -1, parent=p, level=v, order=i * 1000 + j)
                 for j, v in enumerate(a.visits)]
    return rows


def mock_ard_rows(study: Study, entry: OutputEntry) -> list[dict]:
    """ARD rows (stat NaN) for every cell of the output's table."""
    spec = entry.spec
    cols = study.columns_for(entry)
    own_pct_ = getattr(spec, "pct_decimals", None)
    pct_default = own_pct_ if own_pct_ is not None else study.spec.pct_decimals
    rows: list[dict] = [shell_row(spec.id, "_N", c.id, "N", 0, sig=0) for c in cols]
    for a in spec.analyses:
        active = [c for c in cols if a.periods is None or c.period in a.periods]
        own = part(a.type, "shell", "SHELLS")(spec.id, a, active, pct_default, study)
        rows += own + [shell_row(spec.id, a.id, c, s, d, parent=p, level=lv)
                       for c, p, lv, s, d in shell_levels(spec, a, own)]
        rows += _mock_groups(study, entry, a, active)
        levels = part(a.type, "shell", "PVALUE_LEVELS", lambda a: [("", "")])(a)
        rows += _mock_pvalues(spec, a, levels)
    return rows


def _mock_groups(study: Study, entry: OutputEntry, a, active) -> list[dict]:
    """A grouped scatter figure's legend (tlf/analyses/groups.py): the study's treatment columns of the
    grouping variable (tlf/spec/groups.py), else placeholders."""
    from tlf.spec.groups import Grouping, ordered_columns

    spec = entry.spec
    var = getattr(getattr(spec, "plot", None), "group", None)
    if spec.type != "figure" or spec.plot.kind != "scatter" or not var:
        return []
    cols = ordered_columns(study.spec.columns, None if isinstance(spec.columns, str) else spec.columns)
    groups = [(g.label, g.rank) for g in Grouping(cols, var).spec_groups] or \
        [(f"<{var} {i}>", len(cols) + i) for i in range(1, PLACEHOLDERS + 1)]
    return [shell_row(spec.id, a.id, c.id, "n", 0, parent="group", level=label, order=rank, variable=var)
            for c in active for label, rank in groups]


def _mock_pvalues(spec, a, levels: list[tuple[str, str]]) -> list[dict]:
    """Placeholder p-values for the output's stat columns: one per level of a per-term analysis,
    one per analysis otherwise (none for analysis types that run no comparison)."""
    kind = compares(a.type)
    if kind is None:
        return []
    rows = []
    for sc in getattr(spec, "stat_columns", ()):
        if is_estimate(sc):
            continue
        if resolve_test(getattr(a, "test", None) or sc.test, kind) == "none":
            continue
        for parent, level in levels:
            rows.append(shell_row(spec.id, a.id, sc.id, "pvalue", sc.format.decimals, level=level, parent=parent,
                                  sig=0))
    return rows
