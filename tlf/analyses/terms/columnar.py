"""Subjects and records per (SOC, term) counted on columns: the subject, SOC and term of each record as
integer codes, distinct (subject, SOC, term) triples by one sort, counts by bincount. The same numbers as
tlf.stats.counts.count_terms / count_term_records over term_records' tuples, without a Python step per
record (a pooled AE dataset holds a million)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.data.subjects import distinct
from tlf.stats.counts import Count
from tlf.stats.values import text_value

if TYPE_CHECKING:
    import pandas as pd


def _text_codes(values) -> tuple[object, list[str]] | None:
    """Each value's code among the distinct texts (text_value) of `values`, and those texts; None when a
    text is blank (term_records' `uncoded` handling then applies)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    texts = [text_value(v) for v in uniques]
    if any(not t.strip() for t in texts):
        return None
    merged, distinct = pd.factorize(np.array(texts, dtype=object))  # raw values of one text: one code
    return merged[codes].astype(np.int64), [str(t) for t in distinct]


def term_counts(recs: pd.DataFrame, sid: str, soc_var: str | None, term_var: str, denom: int):
    """(counts, events, subjects) of one column's records: distinct subjects per (SOC, term) and per (SOC, "")
    as count_terms gives them, records per key as count_term_records, and the number of distinct subjects
    with a record. None when some SOC or term is missing or blank (the tuple path counts those)."""
    import numpy as np
    import pandas as pd

    terms = _text_codes(recs[term_var])
    socs = _text_codes(recs[soc_var]) if soc_var else (np.zeros(len(recs), np.int64), [""])
    if terms is None or socs is None:
        return None
    (t, tnames), (p, pnames) = terms, socs
    s = pd.factorize(recs[sid].to_numpy(), use_na_sentinel=False)[0].astype(np.int64)
    nt, npar = len(tnames), len(pnames)
    pt = p * nt + t
    pairs = np.bincount(distinct(s * (npar * nt) + pt) % (npar * nt), minlength=npar * nt)
    pair_events = np.bincount(pt, minlength=npar * nt)
    counts: dict[tuple[str, str], Count] = {}
    events: dict[tuple[str, str], int] = {}
    for k in np.flatnonzero(pairs):
        key = (pnames[k // nt], tnames[k % nt])
        counts[key] = Count(int(pairs[k]), denom)
        events[key] = int(pair_events[k])
    if soc_var:
        parents = np.bincount(distinct(s * npar + p) % npar, minlength=npar)
        parent_events = np.bincount(p, minlength=npar)
        for k in np.flatnonzero(parents):
            counts[(pnames[k], "")] = Count(int(parents[k]), denom)
            events[(pnames[k], "")] = int(parent_events[k])
    return counts, events, int(len(distinct(s)))
