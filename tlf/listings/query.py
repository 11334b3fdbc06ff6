"""Which records a listing prints, as plain values: the dataset, population and filter, the subject-level
variables to add, the variables to check (each with its key in the spec, for a located error), the sort
order, and the variables the listing shows and identifies its records by.

Made from the listing spec by tlf.listings.from_spec; read by tlf.listings.records and by QC.
"""

from __future__ import annotations

from dataclasses import dataclass

Scalar = str | int | float


@dataclass(frozen=True)
class SortKey:
    """A sort variable; `order` lists values that come first, in that order (others follow, sorted)."""

    var: str
    order: tuple[Scalar, ...] | None = None
    descending: bool = False


@dataclass(frozen=True)
class Needed:
    """A variable the listing names, at `key` in its spec: missing from the data, it is error `code`
    ("<what> '<var>' not found in dataset ...")."""

    var: str
    key: tuple
    code: str
    what: str = "variable"


@dataclass(frozen=True)
class RecordQuery:
    dataset: str
    population: str
    where: str | None = None
    subject_vars: tuple[str, ...] = ()  # from the subject-level dataset, by subject id (as written)
    needed: tuple[Needed, ...] = ()  # every variable of a column, sort key or page-by, in spec order
    sort: tuple[SortKey, ...] = ()  # the page-by variable first, then the sort keys
    listed: tuple[str, ...] = ()  # what the listing prints, sorts or pages by (upper case)
    ids: tuple[str, ...] = ()  # what identifies a listed record: page-by, key columns, sort keys


def listed_variables(query: RecordQuery, subject_id: str) -> list[str]:
    """Subject id, then every variable the listing prints, sorts or pages by, once each, in spec order."""
    return list(dict.fromkeys([subject_id, *query.listed]))


def id_variables(query: RecordQuery, subject_id: str) -> list[str]:
    """The variables that identify a listed record, for QC (PROC COMPARE's ID statement): subject id,
    page-by variable, the variables of the key columns, then the sort keys, once each, in spec order."""
    return list(dict.fromkeys([subject_id, *query.ids]))
