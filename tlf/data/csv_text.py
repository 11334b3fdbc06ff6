"""Text cells of the CSV files tlf writes, made safe to open in a spreadsheet (OWASP's CSV-injection rule).

Excel, LibreOffice and Google Sheets evaluate a CSV cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return as a formula (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`, `-2+3`). tlf writes such a *text*
value with a single quote in front (`'=1+1`): the spreadsheet shows the text, never runs it.

The rule (csv_safe), for text values only (a numeric column is never touched, so the number -3 stays -3):

- text starting with one of FORMULA_START gets a leading `'`, unless it is a plain number (`-3`, `+1.5`,
  `-2.1e-3`), which no spreadsheet takes for a formula and which would otherwise change meaning;
- text that already starts with quotes followed by such text (`'=x`) gets one more quote, so that reading
  back (csv_restore: one leading quote off exactly where csv_safe added one) returns every value as it was.

tlf's own readers of its CSVs (`tlf compare` of an ARD or a listing's `<id>.data.csv`, read_ard) undo the
quote, so a round trip compares equal. Plain values: this module imports no spec.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _formula_like(text: str) -> bool:
    """True when `text`, leading quotes aside, starts like a formula and is not a plain number."""
    rest = text.lstrip("'")
    return rest.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(rest)


def csv_safe(text: str) -> str:
    """`text` as a CSV cell a spreadsheet shows as text: `'` in front when it would start a formula."""
    return "'" + text if _formula_like(text) else text


def csv_restore(text: str) -> str:
    """The value csv_safe was given: the quote it added taken off (other text unchanged)."""
    return text[1:] if text.startswith("'") and _formula_like(text[1:]) else text


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with csv_safe applied to its text values (numbers, dates, missing values unchanged); the
    same frame when no value needs it. Only distinct values are inspected."""
    return _map_text(frame, csv_safe)


def csv_restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with csv_restore applied to its text values; the same frame when none changes."""
    return _map_text(frame, csv_restore)


def _map_text(frame: pd.DataFrame, fn) -> pd.DataFrame:
    import pandas as pd

    out = frame
    for j in range(frame.shape[1]):
        s = frame.iloc[:, j]
        if s.dtype != object and not pd.api.types.is_string_dtype(s):
            continue
        changed = {v: new for v in pd.unique(s) if isinstance(v, str) and (new := fn(v)) != v}
        if not changed:
            continue
        if out is frame:
            out = frame.copy()
        hit = s.isin(list(changed))
        out.iloc[:, j] = s.where(~hit, s[hit].map(changed))
    return out
