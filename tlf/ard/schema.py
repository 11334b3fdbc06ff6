"""The analysis results dataset (ARD): one row per statistic, numbers unformatted.

Columns (documented in README, read by `tlf compare` and written next to every output):

    output_id  output the statistic belongs to            "t-14-3-1"
    analysis   analysis id from the output spec ("_N": big N) "any_teae"
    column     treatment column id                         "pbo"
    variable   variable analysed (or the filter of a count) "AEDECOD"
    parent     enclosing level for nested terms (SOC)      "Gastrointestinal disorders"
    level      category, term or ""                        "Nausea"
    stat_name  n, N, p, mean, sd, se, median, q1, q3, min, max, ...
    stat       the unrounded value (p is a proportion 0..1)
    decimals   decimals the value is printed with (-1: not fixed, see sig)
    sig        significant figures the value is printed with (0: fixed decimals)
    stat_fmt   the printed text of this one statistic
    displayed  whether the output prints (or, a figure, draws) it: set by the build from the
               statistics the layout read into what it shows (tlf/tables/cells.py, Cells.shown)
    order      row order of the level within its analysis
    warning    why a statistic is missing, or ""

(output_id, analysis, column, parent, level, stat_name) identifies a row; a duplicate is an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

ARD_COLUMNS = ("output_id", "analysis", "column", "variable", "parent", "level", "stat_name", "stat",
               "decimals", "sig", "stat_fmt", "displayed", "order", "warning")
ARD_KEY = ("output_id", "analysis", "column", "parent", "level", "stat_name")
_DTYPES = {"stat": "float64", "decimals": "int64", "sig": "int64", "displayed": "bool", "order": "int64"}
_FILL = {"stat": float("nan"), "decimals": -1, "sig": 0, "displayed": False, "order": 0}
TRUE_TEXT = frozenset({"true", "t", "1", "1.0", "y", "yes"})  # `displayed` read back from text (CSV, SAS)
FALSE_TEXT = frozenset({"false", "f", "0", "0.0", "n", "no", ""})


def make_ard(rows: list[dict]) -> pd.DataFrame:
    """A checked ARD DataFrame from row dicts (missing text fields default to "")."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(ARD_COLUMNS))
    for c in ARD_COLUMNS:
        if c == "displayed":
            frame[c] = [as_bool(v) for v in frame[c]]
            frame[c] = frame[c].astype("bool")
        elif c in _DTYPES:
            frame[c] = frame[c].fillna(_FILL[c]).astype(_DTYPES[c])
        else:
            frame[c] = [("" if v is None or (isinstance(v, float) and v != v) else str(v)) for v in frame[c]]
    check_ard(frame)
    return frame


def as_bool(v) -> bool:
    """A `displayed` value as a bool: True/False, 1/0, "true"/"false", "Y"/"N" (any case); missing is False."""
    if v is None or (isinstance(v, float) and v != v):
        return False
    if isinstance(v, (bool, int, float)) or type(v).__name__.startswith(("bool", "int", "float")):
        return bool(v)
    text = str(v).strip().lower()
    if text in TRUE_TEXT:
        return True
    if text in FALSE_TEXT:
        return False
    from tlf.errors import TlfError

    raise TlfError(f"results dataset: `displayed` must be true or false, got {v!r}", code="ARD004")


def mark_displayed(frame: pd.DataFrame, shown) -> pd.DataFrame:
    """The ARD with `displayed` True on exactly the rows whose (analysis, column, parent, level,
    stat_name) is in `shown` (what the layout printed or drew) and False elsewhere; a new frame."""
    shown = set(shown)
    out = frame.copy()
    out["displayed"] = [k in shown for k in zip(out["analysis"], out["column"], out["parent"], out["level"],
                                                 out["stat_name"], strict=True)]
    return out


def check_ard(frame: pd.DataFrame) -> None:
    """Raise if a key repeats: two numbers claiming the same cell is a bug, never silently dropped."""
    from tlf.errors import TlfError

    missing = [c for c in ARD_COLUMNS if c not in frame.columns]
    if missing:
        raise TlfError(f"results dataset lacks column(s) {', '.join(missing)}", code="ARD001")
    dup = frame.duplicated(list(ARD_KEY), keep=False)
    if dup.any():
        first = frame.loc[dup, list(ARD_KEY)].iloc[0].to_dict()
        raise TlfError(f"duplicate statistic in results dataset: {first}", code="ARD002")


def read_ard(path) -> pd.DataFrame:
    """Read an ARD written by tlf (CSV or Parquet) with its column types restored and checked."""
    import pandas as pd

    from tlf.errors import DataError

    path = str(path)
    try:
        if path.endswith(".parquet"):
            frame = pd.read_parquet(path)
        else:
            text_cols = {c: str for c in ARD_COLUMNS if c not in _DTYPES}
            from tlf.data.csv_text import csv_restore_frame

            frame = pd.read_csv(path, dtype=text_cols, keep_default_na=False, na_values={"stat": [""]})
            frame = csv_restore_frame(frame)  # '=1+1 (quoted against formulas when written) reads as =1+1
    except (OSError, ValueError) as e:
        raise DataError(f"cannot read results dataset {path}: {e}", code="ARD003") from None
    return make_ard(frame.to_dict("records"))
