"""Subjects by their worst grade (maximum severity, toxicity grade) per term: a subject counts once per
term, once per parent (SOC) and once overall, at the highest rank among its records there.

Ranks are integers, 0 the mildest; MISSING (-1) is a record without a grade, below every rank, so a
subject counts as missing only when none of its records has a grade.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tlf.stats.counts import Count

MISSING = -1
OVERALL = ("", "")  # the key of the subject's worst grade over all its records


def worst_ranks(records: Iterable[tuple[str, str, str, int]]) -> dict[tuple[str, str], dict[str, int]]:
    """Per (parent, term), (parent, "") and OVERALL: subject -> its highest rank there. `records` are
    (subject, parent, term, rank); parent "" when terms are not nested (no (parent, "") key then)."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for sid, parent, term, rank in records:
        keys = [(parent, term), OVERALL] + ([(parent, "")] if parent else [])
        for key in keys:
            subjects = out.setdefault(key, {})
            if rank > subjects.get(sid, MISSING - 1):
                subjects[sid] = rank
    return out


def count_grades(subject_ranks: Mapping[str, int], rows: Mapping[str, frozenset[int]], denom: int) -> dict[str, Count]:
    """Distinct subjects per grade row: a row counts the subjects whose worst rank is one of its ranks."""
    return {label: Count(sum(1 for r in subject_ranks.values() if r in ranks), denom) for label, ranks in rows.items()}
