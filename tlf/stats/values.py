"""How a data value meets a spec value: missing values, whole numbers, text padded with blanks (as SAS)."""

from __future__ import annotations

from typing import Any


def norm_value(v: Any) -> Any:
    """Missing (NaN, None, blank text) -> None; whole floats -> int so 1.0 matches a spec's 1."""
    if v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def value_text(v: Any) -> str:
    """A data or spec value as a label prints it: whole floats without ".0" (1.0 -> "1"), as SAS does."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def same_value(a: Any, b: Any) -> bool:
    """Whether a data value and a spec value are the same: equal, equal as numbers (1.0 and "1"), or
    the same text apart from leading and trailing blanks (SAS pads text with blanks)."""
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


def text_value(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v)
