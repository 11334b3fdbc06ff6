"""The results dataset (ARD) or the listed records as a sheet: bold frozen header, autofilter, numbers as
numbers, text as text. Written by every XLSX renderer next to its output sheet."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tlf.render.xlsx_sheet import WIDTH_PAD

if TYPE_CHECKING:
    import pandas

ARD_SHEET = "ARD"
ARD_WIDTH_CAP = 40
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"


def write_ard(book, ws, ard: pandas.DataFrame) -> None:
    """The results dataset as written: bold frozen header, autofilter, numbers as numbers, dates as
    dates; text cut to Excel's limit is recorded in `book` (render/xlsx_book.py)."""
    from tlf.render.xlsx_book import set_widths

    names = [str(c) for c in ard.columns]
    columns = [list(_excel_values(ard.iloc[:, j])) for j in range(len(names))]
    set_widths(ws, [_ard_width(name, values) for name, values in zip(names, columns, strict=True)])
    ws.freeze_panes(1, 0)
    if names:
        ws.autofilter(0, 0, len(ard), len(names) - 1)
    bold = book.format(bold=True)
    when = book.format(num_format=DATETIME_FORMAT)
    book.write_row(ws, 0, [(name, bold) for name in names])
    write_string, write_number, write_boolean = ws.write_string, ws.write_number, ws.write_boolean
    for r, values in enumerate(zip(*columns, strict=True), start=1):
        for c, v in enumerate(values):
            kind = type(v)
            if v is None or v == "":  # an empty text: an empty cell
                continue
            if kind is str:
                write_string(r, c, book.text(ws, r, c, v))
            elif kind is float or kind is int:
                write_number(r, c, v)
            elif isinstance(v, str):
                write_string(r, c, book.text(ws, r, c, str(v)))
            elif isinstance(v, bool):
                write_boolean(r, c, v)
            elif isinstance(v, (int, float)):  # numpy scalars of an object column
                write_number(r, c, v)
            else:  # a datetime (_excel_values)
                ws.write_datetime(r, c, v, when)


def _excel_values(series: pandas.Series) -> Iterable[Any]:
    """A column's values as Python scalars Excel can hold; missing and non-finite -> None."""
    import pandas as pd

    missing = series.isna().tolist()
    for value, gone in zip(series.tolist(), missing, strict=True):
        if gone:
            yield None
        elif isinstance(value, float) and not math.isfinite(value):
            yield None
        elif isinstance(value, (bool, int, float, str)):
            yield value
        elif isinstance(value, pd.Timestamp) and value.tzinfo is None:
            yield value.to_pydatetime()
        else:
            yield str(value)


def _ard_width(name: str, values: Sequence[Any]) -> float:
    sample = values[:1000]
    longest = max((len(str(v)) for v in sample if v is not None), default=0)
    return min(ARD_WIDTH_CAP, max(len(name), longest) + WIDTH_PAD)
