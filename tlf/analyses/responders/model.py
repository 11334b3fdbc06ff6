"""The `responders` logistic model (`model: {type: logistic}`): at each parameter and visit, the responder
indicator of the subjects with a record there regressed on the treatment columns and the covariates;
per treatment column but the reference the odds ratio with its Wald CI and p-value as ARD statistics
`or`, `or_lower`, `or_upper`, `or_pvalue` (the fit itself: tlf/stats/logistic.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tlf.analyses.context import ColumnGroup, Ctx
from tlf.errors import did_you_mean
from tlf.stats.logistic import logistic_regression

OR_STATS = ("or", "or_lower", "or_upper", "or_pvalue")
OR_DECIMALS = 2


def model_columns(ctx: Ctx, columns: list[ColumnGroup]) -> list[ColumnGroup]:
    """The treatment columns of the model, the reference first; located errors for an unknown column
    (SPEC102) and for columns sharing subjects (SPEC104)."""
    m = ctx.analysis.model
    active = {c.id: c for c in columns if ctx.active(c)}
    ids = m.columns if m.columns is not None else list(active)
    for j, cid in enumerate(ids):
        if cid not in active:
            raise ctx.error(("model", "columns", j), f"column '{cid}' is not a treatment column of this output "
                            f"active in this analysis{did_you_mean(cid, active)}", "SPEC102")
    if m.reference not in active:
        raise ctx.error(("model", "reference"), f"reference column '{m.reference}' is not a treatment column of "
                        f"this output active in this analysis{did_you_mean(m.reference, active)}", "SPEC102")
    ids = [m.reference] + [c for c in ids if c != m.reference]
    seen: dict[str, str] = {}
    for cid in ids:
        for s in active[cid].subjects:
            if s in seen:
                raise ctx.error(("model", "columns"), f"columns '{seen[s]}' and '{cid}' share subjects (e.g. {s}): "
                                "a subject is in one treatment of the model; list `columns` without a pooled "
                                "or total column", "SPEC104")
            seen[s] = cid
    return [active[c] for c in ids]


def check_covariates(ctx: Ctx, frame: pd.DataFrame) -> None:
    """Every covariate is a variable of the analysis dataset (SPEC103)."""
    for j, v in enumerate(ctx.analysis.model.covariates):
        if v not in frame.columns:
            raise ctx.error(("model", "covariates", j), f"covariate '{v}' not found in dataset {ctx.dataset_name}"
                            f"{did_you_mean(v, frame.columns)}", "SPEC103")


def _design(fit_rows: pd.DataFrame, cols: list[str], covariates: list[str]) -> tuple[np.ndarray, list[str]]:
    names = ["(Intercept)"]
    parts = [np.ones(len(fit_rows))]
    for c in cols[1:]:
        names.append(f"column:{c}")
        parts.append((fit_rows["_col"] == c).to_numpy(dtype=float))
    for v in covariates:
        values = fit_rows[v]
        if pd.api.types.is_numeric_dtype(values):
            names.append(v)
            parts.append(values.to_numpy(dtype=float))
        else:
            levels = sorted(values.astype(str).unique())
            for lv in levels[1:]:
                names.append(f"{v}:{lv}")
                parts.append((values.astype(str) == lv).to_numpy(dtype=float))
    return np.column_stack(parts), names


def _missing(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.isna()
    return values.isna() | (values.astype(str).str.strip() == "")


def model_rows(ctx: Ctx, cols: list[ColumnGroup], data: dict[str, pd.DataFrame], *, parent: str, level: str,
               order: int) -> list[dict]:
    """The odds-ratio rows at one parameter and visit: `data` maps a model column id to its subjects'
    records there with a boolean `_hit` (responder) column."""
    m = ctx.analysis.model
    ids = [c.id for c in cols]
    frames = [d.assign(_col=cid) for cid, d in data.items() if cid in ids and len(d)]
    keep = ["_col", "_hit", *m.covariates]
    fit_rows = pd.concat([f[keep] for f in frames], ignore_index=True) if frames else pd.DataFrame(columns=keep)
    miss = np.zeros(len(fit_rows), dtype=bool)
    for v in m.covariates:
        miss |= _missing(fit_rows[v]).to_numpy()
    notes: list[str] = []
    if miss.any():
        notes.append(f"{int(miss.sum())} subject(s) with a missing covariate left out of the logistic model")
        fit_rows = fit_rows[~miss]
    present = [c for c in ids if (fit_rows["_col"] == c).any()]
    rows = []
    kw = {"variable": f"logistic: response ~ treatment{''.join(' + ' + v for v in m.covariates)}",
          "parent": parent, "level": level, "order": order}
    if ids[0] not in present:
        fit = None
        why = "no subject of the reference column in the model: not estimable"
    else:
        x, names = _design(fit_rows, present, m.covariates)
        fit = logistic_regression(x, fit_rows["_hit"].to_numpy(dtype=float), names)
        why = "; ".join(fit.notes)
    for cid in ids[1:]:
        if fit is not None and cid in present:
            values = fit.odds_ratio(f"column:{cid}", m.conf_level)
            warn = "; ".join([*notes, why] if why else notes)
        else:
            values = (math.nan,) * 4
            warn = "; ".join([*notes, why or f"no subject of column '{cid}' in the model: not estimable"])
        for name, value in zip(OR_STATS, values, strict=True):
            rows.append(ctx.row(cid, name, value, 3 if name == "or_pvalue" else OR_DECIMALS, warning=warn, **kw))
    return rows
