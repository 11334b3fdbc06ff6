"""Dates in analysis datasets -> timestamps, and the study day.

ADaM stores dates as SAS numeric dates (days since 1960-01-01) and datetimes as seconds since
1960-01-01 00:00; readers may already have turned formatted ones into Python dates (pyreadstat does
for DATE9.), Parquet into datetime64, and CSV leaves ISO 8601 text. `as_timestamps` accepts all of
them; text that is not a full date (a partial date "2015-05") gives NaT and is printed as written.

    study_day(2015-05-24, ref 2015-03-10) == 76    study_day(2015-03-09, ref 2015-03-10) == -1

Study day 1 is the reference date (first dose); the day before it is -1: there is no day 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

SAS_EPOCH = "1960-01-01"


def as_timestamps(values: pd.Series, *, datetime: bool = False) -> pd.Series:
    """A datetime64 Series (NaT where missing or not a full date) from SAS numeric dates (or
    datetimes with `datetime=True`), Python dates, datetime64 or ISO 8601 text."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        unit = "s" if datetime else "D"
        return pd.to_datetime(values.astype("float64"), unit=unit, origin=pd.Timestamp(SAS_EPOCH), errors="coerce")
    text_like = values.map(lambda v: isinstance(v, str))
    # microseconds: the ns of pandas' default end in 2262, before 9999-12-31, the common "ongoing" date
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    objects = values[~text_like & values.notna()]
    if len(objects):
        out[objects.index] = pd.to_datetime(objects, errors="coerce")
    texts = values[text_like].str.strip()
    full = texts[texts.str.match(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")]
    if len(full):
        out[full.index] = pd.to_datetime(full, errors="coerce", format="ISO8601")
    return out


def study_day(dates: pd.Series, ref: pd.Series) -> pd.Series:
    """Study day of each date relative to `ref` (day 1), without day 0; NaN where either is missing.
    Both are timestamp Series (see `as_timestamps`); times of day are ignored."""
    days = (dates.dt.normalize() - ref.dt.normalize()).dt.days.astype("float64")
    return days.where(days < 0, days + 1)
