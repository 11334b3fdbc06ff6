"""Which records of a dataset belong to a set of subjects, without hashing every record's subject id for
every treatment column: a frame's subject ids are factorised once (their distinct values and a code per
record), and a set of subjects is then looked up among the distinct ids only (100,000 instead of
5,000,000 look-ups) and spread to the records by their codes.

The factorisation is kept for the few frames last asked about while they are alive (a weak reference):
the treatment columns of an analysis, and the check before the build, ask about the same frame.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_KEPT = 16
_codes: dict[tuple[int, str], tuple[weakref.ref, object, object]] = {}  # (id(frame), column) -> (frame, codes, uniques)


def column_codes(frame: pd.DataFrame, column: str):
    """(codes, uniques) of pandas.factorize of `frame[column]` (missing values a code of their own, uniques
    in order of first appearance), kept while `frame` lives (the last few frames asked about)."""
    import pandas as pd

    key = (id(frame), column)
    found = _codes.get(key)
    if found is None or found[0]() is not frame:
        codes, uniques = pd.factorize(frame[column].to_numpy(), use_na_sentinel=False)
        while len(_codes) >= _KEPT:
            _codes.pop(next(iter(_codes)))
        found = _codes[key] = (weakref.ref(frame), codes, uniques)
    return found[1], found[2]


def isin_codes(frame: pd.DataFrame, column: str, values) -> np.ndarray:
    """A boolean array: whether each record's `column` is in `values` (as Series.isin)."""
    import numpy as np
    import pandas as pd

    codes, uniques = column_codes(frame, column)
    distinct_values = uniques.tolist()
    missing = any(v is None or v is pd.NA or (isinstance(v, float) and v != v) for v in distinct_values)
    if isinstance(values, set | frozenset) and not missing:  # Python set look-ups (pandas hashes `values` anew)
        return np.fromiter((v in values for v in distinct_values), bool, len(distinct_values))[codes]
    return pd.Series(uniques, dtype=object).isin(values).to_numpy()[codes]


def subject_mask(frame: pd.DataFrame, subject_id: str, subjects) -> np.ndarray:
    """A boolean array: whether each record's `subject_id` is in `subjects` (as Series.isin)."""
    return isin_codes(frame, subject_id, subjects)


def distinct(values) -> np.ndarray:
    """The distinct values of an integer array, sorted: np.unique by a sort (numpy's hashing unique is many
    times slower on a million distinct codes)."""
    import numpy as np

    s = np.sort(np.asarray(values))
    return s[np.r_[True, s[1:] != s[:-1]]] if len(s) else s
