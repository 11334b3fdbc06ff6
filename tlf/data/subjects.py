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

_KEPT = 8
_codes: dict[int, tuple[weakref.ref, str, object, object]] = {}  # id(frame) -> (frame, column, codes, uniques)


def subject_mask(frame: pd.DataFrame, subject_id: str, subjects) -> np.ndarray:
    """A boolean array: whether each record's `subject_id` is in `subjects` (as Series.isin)."""
    import pandas as pd

    key = id(frame)
    found = _codes.get(key)
    if found is None or found[0]() is not frame or found[1] != subject_id:
        codes, uniques = pd.factorize(frame[subject_id].to_numpy(), use_na_sentinel=False)
        while len(_codes) >= _KEPT:
            _codes.pop(next(iter(_codes)))
        found = _codes[key] = (weakref.ref(frame), subject_id, codes, uniques)
    _, _, codes, uniques = found
    return pd.Series(uniques, dtype=object).isin(subjects).to_numpy()[codes]
