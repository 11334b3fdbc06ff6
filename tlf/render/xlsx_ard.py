"""The results dataset (ARD) or the listed records as a sheet: bold frozen header, autofilter, numbers as
numbers, text as text. Written by every XLSX renderer next to its output sheet."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tlf.render.xlsx_sheet import WIDTH_PAD, Cut, cell_text, cuts_of

if TYPE_CHECKING:
    import pandas

ARD_SHEET = "ARD"
ARD_WIDTH_CAP = 40


def write_ard(ws, ard: pandas.DataFrame) -> list[Cut]:
    """The results dataset as written: bold frozen header, autofilter, numbers as numbers. Returns the
    cells whose text was cut to Excel's limit."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    names = [str(c) for c in ard.columns]
    columns = [list(_excel_values(ard.iloc[:, j])) for j in range(len(names))]
    for j, (name, values) in enumerate(zip(names, columns, strict=True), start=1):
        ws.column_dimensions[get_column_letter(j)].width = _ard_width(name, values)
    ws.freeze_panes = "A2"
    if names:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(ard) + 1}"
    bold = Font(bold=True)
    cut: list[tuple[Any, int]] = []
    header = []
    for name in names:
        cell = _ard_cell(ws, name, cut)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for values in zip(*columns, strict=True):
        ws.append([_ard_cell(ws, v, cut) for v in values])
    return cuts_of(ws, cut)


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


def _ard_cell(ws, value: Any, cut: list[tuple[Any, int]]) -> Any:
    if isinstance(value, str):
        from openpyxl.cell import WriteOnlyCell

        text, length = cell_text(value)
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        if length:
            cut.append((cell, length))
        return cell
    return value


def _ard_width(name: str, values: Sequence[Any]) -> float:
    sample = values[:1000]
    longest = max((len(str(v)) for v in sample if v is not None), default=0)
    return min(ARD_WIDTH_CAP, max(len(name), longest) + WIDTH_PAD)
