"""Read what `tlf compare` compares: an ARD, a rendered XLSX output, or a data set -> Source.

By file:
    .xlsx                      the display (first sheet) of a rendered output; see read_display
    .xpt .sas7bdat             an ARD when it has the ARD key columns and `stat` (any case), else a
                               data set, with its variable labels
    .csv .parquet              an ARD when named *.ard.csv / *.ard.parquet or when it has the ARD
                               key columns and `stat`, else a data set
    <id>.data.csv              a listing's records as `tlf build` writes them, with the ID variables
                               manifest.json records (tlf/qc/listing.py)

The formats a QC program writes are documented in docs/qc.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tlf.ard.schema import ARD_COLUMNS, ARD_KEY
from tlf.errors import DataError, TlfError
from tlf.qc.compare import Source
from tlf.stats.values import value_text

if TYPE_CHECKING:
    import pandas as pd

ARD_NUMERIC = ("stat", "decimals", "sig", "order")
ARD_REQUIRED = (*ARD_KEY, "stat")
# ARD columns a QC program may leave out: their absence is noted, not a difference.
ARD_OPTIONAL = tuple(c for c in ARD_COLUMNS if c not in ARD_REQUIRED)
NA_TOKENS = ("", "NA", "NaN", "nan", ".", "NULL")
DISPLAY_KEYS = ("row_label", "occurrence")
_BLANKS = re.compile(r"\s+")


def read_source(path: Path | str, name: str | None = None) -> Source:
    """A Source from a file, by its extension (and, for CSV/Parquet, its columns)."""
    path = Path(path)
    name = name or path.name
    if not path.is_file():
        raise DataError(f"file not found: {path}", dataset=name, code="QC020")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_display(path, name)
    from tlf.qc.listing import is_listing_data, listing_source

    if is_listing_data(path):
        return listing_source(path, name)
    if suffix in (".csv", ".parquet"):
        frame = _read_table(path, name)
        named_ard = path.name.lower().endswith((".ard.csv", ".ard.parquet"))
        if named_ard or set(ARD_REQUIRED) <= {str(c).lower() for c in frame.columns}:
            return ard_source(frame, name, str(path))
    if suffix in (".csv", ".parquet", ".xpt", ".sas7bdat"):
        from dataclasses import replace

        from tlf.data.csv_text import csv_restore_frame
        from tlf.data.read import read_dataset

        ds = read_dataset(path, name)
        if suffix == ".csv":  # text tlf quoted so that no spreadsheet takes it for a formula, as it was
            ds = replace(ds, frame=csv_restore_frame(ds.frame))
        if suffix in (".xpt", ".sas7bdat") and set(ARD_REQUIRED) <= {c.lower() for c in ds.frame.columns}:
            return ard_source(ds.frame, name, str(path))  # an ARD written by a SAS QC program
        labels = ds.labels if suffix in (".xpt", ".sas7bdat") else None
        return Source(name, ds.frame, "dataset", str(path), (), labels)
    raise DataError(f"cannot compare a '{suffix}' file: expected .csv or .parquet (ARD or data set), .xlsx "
                    "(rendered output), .xpt or .sas7bdat (data set)", dataset=name, code="QC021")


# --- ARD ------------------------------------------------------------------------------------------


def ard_source(frame: pd.DataFrame, name: str, path: str = "") -> Source:
    """An ARD frame (written by tlf or by a QC program) with its types made comparable.

    Column names are matched case-insensitively; key and other text columns become str with "" for
    missing; stat, decimals, sig and order become float64, with NA, NaN, ".", NULL and "" as missing."""
    import numpy as np
    import pandas as pd

    frame = frame.rename(columns={c: str(c).lower() for c in frame.columns if str(c).lower() in ARD_COLUMNS})
    missing = [c for c in ARD_REQUIRED if c not in frame.columns]
    if missing:
        raise DataError(f"results dataset lacks column(s) {', '.join(missing)} (an ARD needs "
                        f"{', '.join(ARD_REQUIRED)})", dataset=name, code="QC022")
    out = {}
    for c in frame.columns:
        s = frame[c]
        if c in ARD_NUMERIC:
            out[c] = _numbers(s, name, c)
        elif c == "displayed":
            out[c] = _booleans(s, name, c)
        elif c in ARD_COLUMNS:
            text = s.astype(object).where(s.notna(), "")
            out[c] = pd.Series([value_text(v) for v in text.to_numpy()], dtype=object, index=s.index)
        else:
            out[c] = s
    result = pd.DataFrame(out, index=np.arange(len(frame)))
    return Source(name, result, "ard", path, ARD_KEY, None, ARD_OPTIONAL)




def _booleans(s: pd.Series, dataset: str, variable: str) -> pd.Series:
    """`displayed` as bool, from True/False, 1/0, "true"/"false" or "Y"/"N" in any case (missing: False)."""
    import pandas as pd

    from tlf.ard.schema import as_bool

    try:
        return pd.Series([as_bool(v) for v in s.to_numpy(dtype=object)], dtype=bool, index=s.index)
    except TlfError as e:
        raise DataError(str(e).removeprefix("results dataset: "), dataset=dataset, variable=variable,
                        code="QC023") from None


def _numbers(s: pd.Series, dataset: str, variable: str) -> pd.Series:
    import numpy as np
    import pandas as pd

    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), index=s.index)
    text = s.astype(object).where(s.notna(), "").astype(str).str.strip()
    text = text.where(~text.isin(NA_TOKENS), "")
    num = pd.to_numeric(text.replace("", np.nan), errors="coerce")
    bad = num.isna() & (text != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"not a number in record {i + 1}: {text.iloc[i]!r}", dataset=dataset, variable=variable,
                        code="QC023")
    return num.astype("float64")


def _read_table(path: Path, name: str) -> pd.DataFrame:
    """A CSV (all text, nothing parsed yet) or a Parquet file."""
    import pandas as pd

    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        from tlf.data.csv_text import csv_restore_frame

        # text tlf quoted so that no spreadsheet takes it for a formula ('=1+1) reads as it was (=1+1)
        return csv_restore_frame(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8"))
    except ImportError as e:
        raise DataError(f"cannot read {path.name}: {e} (Parquet needs pyarrow: pip install pyarrow)",
                        dataset=name, code="QC024") from None
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise DataError(f"cannot read {path}: {e}", dataset=name, code="QC024") from None


# --- rendered XLSX output ---------------------------------------------------------------------------


def read_display(path: Path, name: str | None = None) -> Source:
    """The body of a rendered output (first sheet of the XLSX) as a frame keyed by row label.

    Layout (as tlf writes it, and as a QC program must): title lines, a blank row, an optional
    spanner row (merged cells), the column-header row, the body, a blank row, footnotes. The
    column-header row is the row above the frozen pane's top-left cell, and the columns left of it
    are the row labels (stub); with no frozen pane the header is the first non-blank row after the
    first blank row (the second when the first has merged cells) and column A holds the labels.
    The body ends at the last row with a value right of the stub; blank rows are skipped.

    Columns of the frame: row_label, occurrence (1 for the first row with that label, 2 for the
    next, ...), then one column per output column, named "spanner label (N=xx)" with blanks
    collapsed. Cells are text as displayed."""
    name = name or Path(path).name
    try:
        from openpyxl import load_workbook

        wb = load_workbook(str(path), data_only=True)
    except Exception as e:  # openpyxl raises several types for a damaged or non-XLSX file
        raise DataError(f"cannot read {path} as XLSX: {e}", dataset=name, code="QC025") from None
    ws = wb.worksheets[0]
    grid = [[display_text(c) for c in row] for row in ws.iter_rows()]
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    header, stub = _header_position(ws, grid, name)
    names = _column_names(ws, grid, header, stub, width)
    last = max((i for i in range(header + 1, len(grid)) if any(grid[i][stub:])), default=header)
    labels: list[str] = []
    occurrence: list[int] = []
    seen: dict[str, int] = {}
    cells: list[list[str]] = []
    for row in grid[header + 1:last + 1]:
        if not any(row):
            continue
        label = _BLANKS.sub(" ", " ".join(row[:stub])).strip()
        seen[label] = seen.get(label, 0) + 1
        labels.append(label)
        occurrence.append(seen[label])
        cells.append(row[stub:])
    import pandas as pd

    data: dict[str, Any] = {"row_label": pd.Series(labels, dtype=object),
                            "occurrence": pd.Series(occurrence, dtype="int64")}
    for j, col in enumerate(names):
        data[col] = pd.Series([r[j] for r in cells], dtype=object)
    return Source(name, pd.DataFrame(data), "display", str(path), DISPLAY_KEYS, None)


def _header_position(ws, grid: list[list[str]], name: str) -> tuple[int, int]:
    """(0-based index of the column-header row, number of stub columns)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    if ws.freeze_panes:
        col, row = coordinate_from_string(ws.freeze_panes)
        if row >= 2:
            return row - 2, column_index_from_string(col) - 1
    blank = next((i for i, r in enumerate(grid) if not any(r)), None)
    start = next((i for i in range(blank + 1, len(grid)) if any(grid[i])), None) if blank is not None else None
    if start is None:
        raise DataError("no column-header row found: expected title lines, a blank row, then the header "
                        "(or a frozen pane below the header)", dataset=name, code="QC026")
    merged_rows = {r for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
                   if m.max_col > m.min_col}
    if start + 1 in merged_rows and start + 1 < len(grid) - 1:
        start += 1
    return start, 1


def _column_names(ws, grid: list[list[str]], header: int, stub: int, width: int) -> list[str]:
    """One name per output column: spanner text (spread over its merged cells) and header text."""
    first_blank = next((i for i, r in enumerate(grid) if not any(r)), None)
    spans = [""] * width
    above = header - 1
    if first_blank is not None and first_blank < above and any(grid[above]):
        spans = list(grid[above])
        for m in ws.merged_cells.ranges:
            if m.min_row == above + 1 and m.max_col > m.min_col:
                for j in range(m.min_col - 1, min(m.max_col, width)):
                    spans[j] = grid[above][m.min_col - 1]
    names, used = [], set()
    for j in range(stub, width):
        text = _BLANKS.sub(" ", f"{spans[j]} {grid[header][j]}").strip() or f"COL{j + 1}"
        base, k = text, 2
        while text in used:
            text, k = f"{base} [{k}]", k + 1
        used.add(text)
        names.append(text)
    return names


def display_text(cell) -> str:
    """The text an XLSX cell shows, as the table printed it: a number with the decimals of its number
    format ("0.00" -> "45.30"; its positive and negative sections alike), a text without the padding
    that aligns the numbers of a column (render/align.py); other values as ``_cell_text`` makes them."""
    import re

    from tlf.render.align import unpad

    v = cell.value
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        fmt = re.sub(r'"[^"]*"', "", getattr(cell, "number_format", "") or "").split(";")[0]  # positive;negative
        m = re.fullmatch(r"0(?:\.(0+))?", fmt)
        if m:
            return f"{v:.{len(m.group(1) or '')}f}"
    if isinstance(v, str):
        return unpad(v)
    return _cell_text(v)


def _cell_text(v: Any) -> str:
    from tlf.qc.numbers import fmt_value

    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return fmt_value(v)
