"""Subject counts: n (%) of subjects meeting a condition, by category, by term (SOC/PT).

Every count is of distinct subjects; the denominator is the column's N (subjects in the column's
population from the subject-level dataset), never the number of records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Count:
    n: int
    denom: int

    @property
    def p(self) -> float:
        """Proportion (0..1); NaN when the denominator is 0."""
        return self.n / self.denom if self.denom else float("nan")


def count_subjects(subject_ids: Iterable[str], denom: int) -> Count:
    """Distinct subjects among `subject_ids` (records may repeat a subject)."""
    return Count(len(set(subject_ids)), denom)


def count_levels(pairs: Iterable[tuple[str, object]], levels: Mapping[str, set], denom: int) -> dict[str, Count]:
    """Distinct subjects per level. `pairs` are (subject, value); `levels` maps a level label to the set
    of values it takes. A subject counts once per level whatever the number of records."""
    subjects: dict[str, set[str]] = {label: set() for label in levels}
    lookup: dict[object, list[str]] = {}
    for label, values in levels.items():
        for v in values:
            lookup.setdefault(v, []).append(label)
    for sid, value in pairs:
        for label in lookup.get(value, ()):
            subjects[label].add(sid)
    return {label: Count(len(s), denom) for label, s in subjects.items()}


def count_terms(records: Iterable[tuple[str, str, str]], denom: int) -> dict[tuple[str, str], Count]:
    """Distinct subjects per (parent, term), e.g. (SOC, PT), and per (parent, "") for the parent
    itself. `records` are (subject, parent, term); parent may be "" when there is no nesting."""
    subjects: dict[tuple[str, str], set[str]] = {}
    for sid, parent, term in records:
        subjects.setdefault((parent, term), set()).add(sid)
        if parent:
            subjects.setdefault((parent, ""), set()).add(sid)
    return {k: Count(len(s), denom) for k, s in subjects.items()}


def count_term_records(records: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], int]:
    """Records (events) per (parent, term) and per (parent, "") for the parent itself; the same
    `records` as count_terms. A subject with the same term twice counts twice."""
    out: dict[tuple[str, str], int] = {}
    for _sid, parent, term in records:
        for key in {(parent, term), (parent, "")} if parent else {(parent, term)}:
            out[key] = out.get(key, 0) + 1
    return out


def passes_threshold(n_total: int, denom_total: int, *, pct_gt: float | None = None, pct_ge: float | None = None,
                     n_ge: int | None = None) -> bool:
    """Whether a term's pooled count meets a frequency threshold. Compared in exact integer
    arithmetic (n*100 > pct*N) so that 3/59 = 5.08% > 5 without float doubt."""
    from fractions import Fraction

    ok = True
    if pct_gt is not None:
        ok &= denom_total > 0 and Fraction(n_total * 100, denom_total) > Fraction(str(pct_gt))
    if pct_ge is not None:
        ok &= denom_total > 0 and Fraction(n_total * 100, denom_total) >= Fraction(str(pct_ge))
    if n_ge is not None:
        ok &= n_total >= n_ge
    return bool(ok)
