"""Record values -> listing text, a whole column at a time (listings have many rows).

    fmt_dates(timestamps, raw)   -> "2015-05-24"; a partial ISO date in the data prints as written
    fmt_datetimes(timestamps, raw) -> "2015-05-24T10:30"
    fmt_integers([76.0, nan])    -> ["76", ""]
    fmt_numbers([94.95], 1)      -> ["95.0"]  (half away from zero, through format.rounding)
    fmt_texts(["MILD", 64.0, 94.9, nan]) -> ["MILD", "64", "94.9", ""]  (numbers as stored)

and the shell placeholders of a listing column: "xxxxxxxx" as wide as the column, "xxxx-xx-xx" for
dates, "xx.x" for a number with one decimal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tlf.format.numbers import mask
from tlf.format.rounding import format_fixed

if TYPE_CHECKING:
    import pandas as pd

DATE_MASK = "xxxx-xx-xx"
DATETIME_MASK = "xxxx-xx-xxTxx:xx"


def fmt_dates(ts: pd.Series, raw: pd.Series | None = None, *, with_time: bool = False) -> list[str]:
    """ISO 8601 text of timestamps; where a timestamp is missing, text in `raw` (a partial date) as written."""
    pattern = "%Y-%m-%dT%H:%M" if with_time else "%Y-%m-%d"
    out = ts.dt.strftime(pattern).tolist()
    raws = raw.tolist() if raw is not None else [None] * len(out)
    return [t if isinstance(t, str) else (r.strip() if isinstance(r, str) else "") for t, r in zip(out, raws, strict=True)]


def fmt_datetimes(ts: pd.Series, raw: pd.Series | None = None) -> list[str]:
    return fmt_dates(ts, raw, with_time=True)


def fmt_integers(values: Iterable[Any]) -> list[str]:
    """Whole numbers ("76"); missing -> ""; a value that is not whole keeps its decimals."""
    return [_plain(v) for v in values]


def fmt_numbers(values: Iterable[Any], decimals: int) -> list[str]:
    """Numbers with `decimals` decimals, rounded half away from zero; missing -> ""."""
    out = []
    for v in values:
        if isinstance(v, str):
            out.append(v.strip())
        elif v is None or not math.isfinite(float(v)):
            out.append("")
        else:
            out.append(format_fixed(float(v), decimals))
    return out


def fmt_texts(values: Iterable[Any], mapping: Mapping[Any, str] | None = None) -> list[str]:
    """Text as is (trailing blanks dropped); numbers as stored, whole numbers without ".0"; missing -> "".
    `mapping` gives the printed text of raw values (keys compared as text too, "1" matches 1.0)."""
    lookup = _lookup(mapping) if mapping else None
    out = []
    for v in values:
        if lookup is not None:
            key = _key(v)
            if key in lookup:
                out.append(lookup[key])
                continue
        out.append(_plain(v))
    return out


def _plain(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v.rstrip()
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return _plain(f)


def _key(v: Any) -> str:
    return _plain(v)


def _lookup(mapping: Mapping[Any, str]) -> dict[str, str]:
    return {_key(k): str(val) for k, val in mapping.items()}


def column_mask(fmt: str, chars: int, decimals: int | None = None) -> str:
    """The shell placeholder of a listing cell: by format, else "x" * chars (the column's width)."""
    if fmt == "date":
        return DATE_MASK
    if fmt == "datetime":
        return DATETIME_MASK
    if fmt in ("integer", "studyday"):
        return "xx"
    if fmt == "number":
        return mask(decimals or 0)
    return "x" * max(1, chars)
