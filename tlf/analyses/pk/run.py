"""PK summaries -> ARD rows: `pk_parameters` (NCA parameters by group) and `pk_concentrations`
(concentrations by group and time point, with the number BLQ). Spec: tlf/spec/pk.py.

ARD rows: `parent` is the group ("Day 1"; several `by` variables are joined with " / "), `level` the
parameter ("Cmax (ng/mL)") or time point ("2 h"), `variable` the parameter code or the concentration
variable; the statistics are those of `describe` (plus `n_blq` for concentrations), each with its
decimals or significant figures (`stat_precision`). Every column gets every group and level that
occurs in any column, so the table's rows line up; a cell without values has n = 0 and the other
statistics missing with the warning "no values".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tlf.analyses.checks import listed_findings, where_findings
from tlf.analyses.records import default_label, flags, is_missing, located, numbers, one_per_subject, require
from tlf.errors import DataError, did_you_mean_value
from tlf.stats.descriptive import describe
from tlf.stats.values import same_value, value_text

if TYPE_CHECKING:
    import pandas as pd

GROUP_SEP = " / "


@dataclass(frozen=True)
class _Level:
    """One value of a grouping variable and its printed label."""

    value: Any
    label: str


def _levels(ctx, frames: list[pd.DataFrame], by, key: tuple) -> tuple[str, list[_Level]]:
    """The variable of a ByVar and its levels over all columns' records, in order."""
    full = ctx.data.dataset(ctx.dataset_name).frame
    var = require(ctx, full, by.var, (*key, "var"))
    label_var = require(ctx, full, by.label_var, (*key, "label_var")) if by.label_var else None
    seen: dict[Any, str] = {}
    for f in frames:
        labels = f[label_var] if label_var else f[var]
        for v, lab in zip(f[var], labels, strict=True):
            if is_missing(v) or v in seen:
                continue
            seen[v] = str(lab) if label_var else value_text(v)
    if by.values is not None:
        chosen = []
        for want in by.values:
            hit = next((v for v in seen if same_value(v, want)), None)
            chosen.append(_Level(hit if hit is not None else want, seen.get(hit, value_text(want))))
    else:
        chosen = [_Level(v, seen[v]) for v in sorted(seen, key=lambda x: (isinstance(x, str), x))]
    if by.label:
        chosen = [_Level(lv.value, by.label.replace("{value}", value_text(lv.value))) for lv in chosen]
    return var, chosen


def _groups(ctx, frames: list[pd.DataFrame]) -> list[tuple[str, dict[str, Any]]]:
    """(label, {var: value}) of every combination of the `by` levels, in order."""
    combos: list[tuple[list[str], dict[str, Any]]] = [([], {})]
    for j, by in enumerate(ctx.analysis.by):
        var, levels = _levels(ctx, frames, by, ("by", j))
        combos = [([*labs, lv.label], {**sel, var: lv.value}) for labs, sel in combos for lv in levels]
    return [(GROUP_SEP.join(labs), sel) for labs, sel in combos]


def _select(frame: pd.DataFrame, sel: dict[str, Any]) -> pd.DataFrame:
    import numpy as np

    mask = np.ones(len(frame), dtype=bool)
    for var, value in sel.items():
        col = frame[var]
        if isinstance(value, str):
            mask &= (col.astype(str) == value).to_numpy()
        else:
            mask &= (col == value).to_numpy()
    return frame[mask]


def _stat_rows(ctx, col_id: str, values: list[float], parent: str, level: str, variable: str, order: int,
               n_blq: int | None = None, d: int = 0) -> list[dict]:
    """The statistics of one cell; `d`: the decimals the values were collected with (used with `sig: null`)."""
    from tlf.stats.descriptive import stat_precision

    a = ctx.analysis
    stats = describe(values).as_dict()
    if n_blq is not None:
        stats["n_blq"] = float(n_blq)
    rows = []
    for name, value in stats.items():
        dec, sig = stat_precision(name, d, a.decimals, a.sig)
        warn = ""
        if name not in ("n", "n_blq"):
            if stats["n"] == 0:
                warn = "no values"
            elif not math.isfinite(value):
                warn = "not estimable (values <= 0)" if name in ("geomean", "geocv") else "not estimable"
        rows.append(ctx.row(col_id, name, value, dec, variable=variable, parent=parent, level=level, order=order,
                            warning=warn, sig=sig))
    return rows


# ---------------------------------------------------------------- pk_parameters

def _collected(ctx, frames: list[pd.DataFrame], var: str, key: str) -> int:
    """Decimals the values of `var` in `frames` were collected with (the analysis's `sig: null` prints by
    them, as a continuous summary does: mean d+1, SD d+2, min and max d)."""
    from tlf.stats.descriptive import collected_decimals

    values = [float(v) for f in frames for v in numbers(ctx, f, var, key).tolist() if not is_missing(v)]
    return collected_decimals(values)


def _parameter_cells(ctx, columns):
    """The records of each cell (column, `by` group, parameter) after checking the variables and the
    parameter codes: (active columns, records per column, groups, cells, parameter and value variables,
    labels)."""
    a = ctx.analysis
    full = ctx.data.dataset(ctx.dataset_name).frame
    pvar = require(ctx, full, a.param_var, ("param_var",))
    vvar = require(ctx, full, a.value_var, ("value_var",))
    uvar = a.unit_var.upper() if a.unit_var and a.unit_var.upper() in full.columns else None
    nvar = a.name_var.upper() if a.name_var and a.name_var.upper() in full.columns else None
    if full.empty:
        raise DataError(f"has no records, so analysis '{a.id}' has nothing to summarise (for an NCA dataset: "
                        "does its `where` select any concentration?)", dataset=ctx.dataset_name, code="DATA043")
    codes = set(full[pvar].astype(str))
    for j, p in enumerate(a.parameters):
        if p.code not in codes:
            raise located(ctx, ("parameters", j, "code"), f"parameter '{p.code}' is not in {pvar} of dataset "
                           f"{ctx.dataset_name}{did_you_mean_value(p.code, codes)}", "SPEC043")
    labels = {p.code: p.label or default_label(full, pvar, p.code, nvar, uvar) for p in a.parameters}
    active = [c for c in columns if ctx.active(c)]
    frames = {c.id: ctx.records(c) for c in active}
    groups = _groups(ctx, list(frames.values()))
    cells: dict[tuple[str, int, str], pd.DataFrame] = {}  # (column, group index, code) -> records
    for col in active:
        recs = frames[col.id]
        for g, (_, sel) in enumerate(groups):
            in_group = _select(recs, sel)
            for p in a.parameters:
                cells[(col.id, g, p.code)] = in_group[in_group[pvar].astype(str) == p.code]
    return active, frames, groups, cells, pvar, vvar, labels


def pk_parameters(ctx, columns) -> list[dict]:
    a = ctx.analysis
    active, frames, groups, cells, pvar, vvar, labels = _parameter_cells(ctx, columns)
    d = {p.code: _collected(ctx, [cells[(c.id, g, p.code)] for c in active for g in range(len(groups))], vvar,
                         "value_var")
         for p in a.parameters} if a.sig is None else {}
    rows: list[dict] = []
    for col in active:
        values_all = numbers(ctx, frames[col.id], vvar, "value_var")
        for g, (parent, _) in enumerate(groups):
            for j, p in enumerate(a.parameters):
                if not any(len(cells[(c.id, g, p.code)]) for c in active):
                    continue  # e.g. accumulation ratios on the reference day
                order = g * len(a.parameters) + j  # the layout finds the parameter from the order
                cell = cells[(col.id, g, p.code)]
                one_per_subject(ctx, cell, f"{parent} {p.code}".strip(), vvar)
                vals = [float(v) for v in values_all.loc[cell.index] if not is_missing(v)]
                rows += _stat_rows(ctx, col.id, vals, parent, labels[p.code], p.code, order, d=d.get(p.code, 0))
    return rows


# ---------------------------------------------------------------- pk_concentrations

def _concentration_cells(ctx, columns):
    """The records of each cell (column, `by` group, time point) after checking the variables:
    (active columns, records per column, groups, time points, cells, value and BLQ variables)."""
    a = ctx.analysis
    full = ctx.data.dataset(ctx.dataset_name).frame
    var = require(ctx, full, a.var, ("var",))
    blq = require(ctx, full, a.blq, ("blq",)) if a.blq else None
    active = [c for c in columns if ctx.active(c)]
    frames = {c.id: ctx.records(c) for c in active}
    groups = _groups(ctx, list(frames.values()))
    tvar, times = _levels(ctx, list(frames.values()), a.time, ("time",))
    cells: dict[tuple[str, int, int], pd.DataFrame] = {}  # (column, group index, time index) -> records
    for col in active:
        for g, (_, sel) in enumerate(groups):
            in_group = _select(frames[col.id], sel)
            for k, t in enumerate(times):
                cells[(col.id, g, k)] = _select(in_group, {tvar: t.value})
    return active, frames, groups, times, cells, var, blq


def pk_concentrations(ctx, columns) -> list[dict]:
    a = ctx.analysis
    active, frames, groups, times, cells, var, blq = _concentration_cells(ctx, columns)
    d = _collected(ctx, list(frames.values()), var, "var") if a.sig is None else 0
    rows: list[dict] = []
    for col in active:
        recs = frames[col.id]
        values_all = numbers(ctx, recs, var, "var")
        blq_flags = dict(zip(recs.index, flags(recs[blq]), strict=True)) if blq else {}
        order = 0
        for g, (parent, _) in enumerate(groups):
            for k, t in enumerate(times):
                if not any(len(cells[(c.id, g, k)]) for c in active):
                    continue  # a time point not sampled in this group (e.g. 2 h on a trough-only day)
                cell = cells[(col.id, g, k)]
                one_per_subject(ctx, cell, f"{parent} {t.label}".strip(), var)
                n_blq = sum(blq_flags.get(i, False) for i in cell.index)
                vals = []
                for i, v in zip(cell.index, values_all.loc[cell.index], strict=True):
                    if blq_flags.get(i, False):
                        if a.blq_as == "zero":
                            vals.append(0.0)
                    elif not is_missing(v):
                        vals.append(float(v))
                rows += _stat_rows(ctx, col.id, vals, parent, t.label, var, order, n_blq=n_blq, d=d)
                order += 1
    return rows


def _by_findings(ctx, frames) -> list:
    """`by` values (and a concentration summary's `time` values) the analysed records never take."""
    a = ctx.analysis
    full = ctx.data.dataset(ctx.dataset_name).frame
    out = []
    bys = [(("by", j), by) for j, by in enumerate(a.by)] + ([(("time",), a.time)] if hasattr(a, "time") else [])
    for key, by in bys:
        var = by.var.upper()
        if by.values is None or var not in full.columns:
            continue
        data = list(full[var].dropna().unique())
        missing = [((*key, "values", i), v) for i, v in enumerate(by.values)
                   if not any(same_value(d, v) for d in data)]
        out += listed_findings(missing, data, f"{var} in dataset {ctx.dataset_name}",
                               lambda k, m, c: ctx.error(k, m, c), always=True)
    return out


def check_parameters(ctx, columns) -> list:
    """Variables, parameter codes, numbers and one record per subject in each cell, without summarising;
    `by` values and literals of `where` the data never take."""
    active, frames, groups, cells, _, vvar, _ = _parameter_cells(ctx, columns)
    for col in active:
        numbers(ctx, frames[col.id], vvar, "value_var")
        for g, (parent, _) in enumerate(groups):
            for p in ctx.analysis.parameters:
                one_per_subject(ctx, cells[(col.id, g, p.code)], f"{parent} {p.code}".strip(), vvar)
    return _by_findings(ctx, frames) + where_findings(ctx, columns)


def check_concentrations(ctx, columns) -> list:
    """Variables, numbers and one record per subject in each cell, without summarising; `by` and `time`
    values and literals of `where` the data never take."""
    active, frames, groups, times, cells, var, _ = _concentration_cells(ctx, columns)
    for col in active:
        numbers(ctx, frames[col.id], var, "var")
        for g, (parent, _) in enumerate(groups):
            for k, t in enumerate(times):
                one_per_subject(ctx, cells[(col.id, g, k)], f"{parent} {t.label}".strip(), var)
    return _by_findings(ctx, frames) + where_findings(ctx, columns)


RUNNERS = {"pk_parameters": pk_parameters, "pk_concentrations": pk_concentrations}
CHECKS = {"pk_parameters": check_parameters, "pk_concentrations": check_concentrations}
