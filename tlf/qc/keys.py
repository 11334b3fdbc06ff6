"""ID variables: check them, infer them for data sets, and match the rows of BASE and COMPARE.

Rows are matched by the values of the ID variables (PROC COMPARE's ID statement). A key that
repeats within one side is an error naming the records, never a silent first match. With no ID
variables rows are matched by observation number, as PROC COMPARE does without an ID statement.
Text ID values match without their trailing blanks ("S-01  " is "S-01"), as SAS compares character
values padded with blanks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tlf.errors import DataError, did_you_mean

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# ADaM/SDTM variables that identify records, tried first (in this order) when inferring keys.
KNOWN_IDS = ("USUBJID", "SUBJID", "PARAMCD", "PARAM", "AVISITN", "AVISIT", "ATPTN", "ATPT", "APERIOD",
             "ADT", "ADTM", "ASTDT", "ASTDTM", "AESEQ", "ASEQ", "SRCSEQ")
MAX_INFERRED = 4  # at most this many variables in an inferred key
MAX_TRIED = 12  # candidate variables tried when inferring


@dataclass(frozen=True)
class Matching:
    """Which rows of BASE and COMPARE are the same observation (0-based positions)."""

    keys: tuple[str, ...]  # () = by observation number
    base_pos: np.ndarray  # matched rows, in BASE order
    compare_pos: np.ndarray  # the COMPARE row matched to each base_pos
    only_base: np.ndarray  # rows of BASE with no match, ascending
    only_compare: np.ndarray  # rows of COMPARE with no match, ascending
    aligned: bool = False  # row i of BASE is row i of COMPARE for every row (positions are the identity)


def value_kind(series: pd.Series) -> str:
    """'numeric' (numbers and booleans), 'datetime', or 'text' (everything else)."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(series) or isinstance(series.dtype, pd.PeriodDtype):
        return "datetime"
    return "text"


def require_keys(frame: pd.DataFrame, keys: Sequence[str], dataset: str) -> None:
    for k in keys:
        if k not in frame.columns:
            raise DataError(f"ID variable not found{did_you_mean(k, frame.columns)}", dataset=dataset,
                            variable=k, code="QC010")


def raise_duplicates(frame: pd.DataFrame, keys: Sequence[str], dataset: str, codes=None) -> None:
    """The error for ID values that repeat: the first repeated key, its records (1-based), how many more.
    `codes`: one int per row, equal for equal keys (as match_rows codes them); by default the values."""
    import numpy as np
    import pandas as pd

    if codes is None:
        dup = frame.duplicated(list(keys), keep=False).to_numpy()
        codes = frame.groupby(list(keys), sort=False, dropna=False).ngroup().to_numpy()
    else:
        dup = pd.Series(codes).duplicated(keep=False).to_numpy()
    where = np.flatnonzero(dup)
    same = codes[where] == codes[where[0]]
    first = frame.iloc[where[0]][list(keys)]
    recs = [int(i) + 1 for i in where[same][:5]]
    shown = ", ".join(f"{k}={_show(first[k])}" for k in keys)
    more = int(dup.sum()) - int(same.sum())
    extra = f"; {more} more record(s) with repeated keys" if more else ""
    raise DataError(f"ID variables do not identify a row: records {', '.join(map(str, recs))} share "
                    f"{shown}{extra}; add ID variables (--id)", dataset=dataset,
                    variable=",".join(keys), code="QC011")


def infer_keys(base: pd.DataFrame, compare: pd.DataFrame) -> tuple[tuple[str, ...], str]:
    """ID variables for two data sets when none are given, and a sentence saying how they were found.

    Candidates are the variables common to both that hold text or whole numbers and are not constant,
    known ADaM identifiers first (USUBJID, PARAMCD, AVISITN, ...), then the others in BASE order. One
    is added at a time when it splits more rows, until the key is unique in both data sets."""
    common = [c for c in base.columns if c in compare.columns]
    known = [c for c in KNOWN_IDS if c in common] + sorted((c for c in common if c.upper().endswith("SEQ")
                                                           and c not in KNOWN_IDS), key=common.index)
    rest = [c for c in common if c not in known]
    cands = [c for c in [*known, *rest] if _key_like(base[c]) and _key_like(compare[c])][:MAX_TRIED]
    chosen: list[str] = []
    distinct = 1
    for c in cands:
        trial = [*chosen, c]
        n = _n_distinct(base, trial)
        if n <= distinct:
            continue
        chosen, distinct = trial, n
        if n == len(base) and _n_distinct(compare, chosen) == len(compare):
            return tuple(chosen), (f"ID variables inferred: {', '.join(chosen)} (unique in both; pass --id "
                                   "to choose others)")
        if len(chosen) == MAX_INFERRED:
            break
    return (), ("no ID variables given and no combination of up to "
                f"{MAX_INFERRED} variables identifies the rows of both; compared by observation number")


def match_rows(base: pd.DataFrame, compare: pd.DataFrame, keys: Sequence[str], base_name: str = "BASE",
               compare_name: str = "COMPARE") -> Matching:
    """Match the rows of the two frames by `keys` (checked first), or by position when `keys` is empty.

    The key values of both sides are coded as one int64 per row (factorised together, column by column),
    so that checking for repeated keys and joining are sorts of integers, whatever the key types."""
    import numpy as np

    keys = tuple(keys)
    if not keys:
        n = min(len(base), len(compare))
        return Matching((), np.arange(n), np.arange(n), np.arange(n, len(base)), np.arange(n, len(compare)),
                        aligned=len(base) == len(compare))
    require_keys(base, keys, base_name)
    require_keys(compare, keys, compare_name)
    for k in keys:
        kb, kc = value_kind(base[k]), value_kind(compare[k])
        if kb != kc:
            raise DataError(f"ID variable is {kb} in {base_name} but {kc} in {compare_name}; rows cannot be "
                            "matched on it", dataset=compare_name, variable=k, code="QC012")
    cb, cc = _row_codes(base, compare, keys)
    for frame, codes, name in ((base, cb, base_name), (compare, cc, compare_name)):
        if _has_repeats(codes):
            raise_duplicates(frame, keys, name, codes)
    if len(cb) == len(cc) and np.array_equal(cb, cc):
        n = len(cb)  # the common case: both sorted alike, nothing to join
        empty = np.arange(0)
        return Matching(keys, np.arange(n), np.arange(n), empty, empty, aligned=True)
    _, ib, ic = np.intersect1d(cb, cc, assume_unique=True, return_indices=True)
    order = np.argsort(ib, kind="stable")
    only_b = np.ones(len(cb), dtype=bool)
    only_b[ib] = False
    only_c = np.ones(len(cc), dtype=bool)
    only_c[ic] = False
    return Matching(keys, ib[order].astype("int64"), ic[order].astype("int64"), np.flatnonzero(only_b),
                    np.flatnonzero(only_c))


def _row_codes(base: pd.DataFrame, compare: pd.DataFrame, keys: tuple[str, ...]):
    """One int64 per row of each frame; equal codes <=> equal key values (missing text = "")."""
    import numpy as np
    import pandas as pd

    nb = len(base)
    cb = np.zeros(nb, dtype="int64")
    cc = np.zeros(len(compare), dtype="int64")
    size = 1
    for k in keys:
        both = np.concatenate([_key_values(base[k]), _key_values(compare[k])])
        codes, uniques = pd.factorize(both, use_na_sentinel=False)
        width = max(len(uniques), 1)
        if size * width >= 2**62:  # re-number the codes so far densely before they overflow
            _, dense = np.unique(np.concatenate([cb, cc]), return_inverse=True)
            cb, cc, size = dense[:nb].astype("int64"), dense[nb:].astype("int64"), int(dense.max()) + 1
        cb = cb * width + codes[:nb]
        cc = cc * width + codes[nb:]
        size *= width
    return cb, cc


def _has_repeats(codes) -> bool:
    import numpy as np

    s = np.sort(codes)
    return bool((s[1:] == s[:-1]).any())


def _key_values(series: pd.Series):
    """A key column as a numpy array both sides can be coded on: numbers as float64, text as object
    with "" for missing and without trailing blanks (as SAS stores and compares it), datetimes as
    datetime64."""
    import numpy as np
    import pandas as pd

    kind = value_kind(series)
    if kind == "numeric":
        return series.to_numpy(dtype="float64", na_value=np.nan)
    if kind == "datetime":
        return series.to_numpy()
    values = series.to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = np.where(missing, "", values)
    padded = pd.Series(values, dtype=object).str.endswith(" ", na=False).to_numpy(dtype=bool)
    if padded.any():
        values = values.copy()
        values[padded] = [v.rstrip(" ") for v in values[padded]]
    return values


def _key_like(series: pd.Series) -> bool:
    """Text, dates, or whole numbers, and not the same value in every row."""
    import numpy as np

    kind = value_kind(series)
    if kind == "numeric":
        x = series.to_numpy(dtype="float64", na_value=np.nan)
        x = x[np.isfinite(x)]
        if x.size and not np.all(x == np.floor(x)):
            return False
    return series.nunique(dropna=False) > 1


def _n_distinct(frame: pd.DataFrame, cols: list[str]) -> int:
    return int((~frame.duplicated(cols)).sum())


def _show(value) -> str:
    """Text quoted, numbers as a report prints them (1, not 1.0)."""
    from tlf.qc.numbers import fmt_value

    if isinstance(value, str):
        return repr(value)
    return fmt_value(value.item() if hasattr(value, "item") else value)
