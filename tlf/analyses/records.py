"""Reading the per-subject values of a parameter dataset (ADPP-like: one record per subject and
parameter) for an analysis: required variables, numbers, flags, one record per subject, labels.
Shared by the PK, power-model and Emax runners; errors are located in the analysis's spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tlf.errors import DataError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd


_TRUE = {"Y", "YES", "TRUE", "T", "1"}


def is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def located(ctx, key: tuple, message: str, code: str):
    return ctx.entry.error(("analyses", ctx.index, *key), message, code)


def require(ctx, frame: pd.DataFrame, var: str, key: tuple) -> str:
    name = var.upper()
    if name not in frame.columns:
        raise located(ctx, key, f"variable '{name}' not found in dataset {ctx.dataset_name}"
                       f"{did_you_mean(name, frame.columns)}", "SPEC041")
    return name


def flags(series) -> list[bool]:
    return [(not is_missing(v)) and (str(v).strip().upper() in _TRUE or v is True or v == 1) for v in series]


def first_text(values: pd.Series) -> int | None:
    """Position of the first value that is neither missing (None, NaN, blank) nor a number, or None: what
    an "is text, ... needs numbers" error names, with the subject of its record."""
    import pandas as pd

    text = values.astype(object)
    blank = values.isna() | (text.astype(str).str.strip() == "")
    bad = pd.to_numeric(text.where(~blank), errors="coerce").isna() & ~blank
    return int(bad.to_numpy().argmax()) if bad.any() else None


def numbers(ctx, frame: pd.DataFrame, var: str, key: str):
    import pandas as pd

    values = frame[var]
    if values.dtype == object:
        num = pd.to_numeric(values.where(values.astype(str).str.strip() != ""), errors="coerce")
        bad = num.isna() & values.notna() & (values.astype(str).str.strip() != "")
        if bad.any():
            sid = ctx.data.subject_id
            raise DataError(f"is text (first: '{values[bad].iloc[0]}'), a summary needs numbers (analysis "
                            f"'{ctx.analysis.id}', key {key})", dataset=ctx.dataset_name, variable=var,
                            usubjid=str(frame[sid][bad].iloc[0]), code="DATA041")
        return num
    return values


def one_per_subject(ctx, frame: pd.DataFrame, what: str, var: str) -> None:
    sid = ctx.data.subject_id
    dup = frame[sid][frame[sid].duplicated()]
    if len(dup):
        raise DataError(f"more than one record per subject in one cell ({what}) of analysis '{ctx.analysis.id}'; "
                        "add `by` variables or a `where` that selects one record per subject",
                        dataset=ctx.dataset_name, variable=var, usubjid=str(dup.iloc[0]), code="DATA040")


def default_label(frame, pvar: str, code: str, nvar: str | None, uvar: str | None) -> str:
    sub = frame[frame[pvar].astype(str) == code]
    name = str(sub[nvar].iloc[0]) if nvar and len(sub) else code
    units = sorted({str(u) for u in sub[uvar] if not is_missing(u)}) if uvar else []
    return f"{name} ({units[0]})" if len(units) == 1 else name
