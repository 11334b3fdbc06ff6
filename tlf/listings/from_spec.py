"""A listing spec (tlf.spec.listing.ListingOutput) -> the plain values its records are selected by
(tlf.listings.query.RecordQuery). With layout.py, the one place of the listing stage that reads the spec."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.listings.query import Needed, RecordQuery, SortKey

if TYPE_CHECKING:
    from tlf.spec.listing import ListingOutput


def record_query(spec: ListingOutput) -> RecordQuery:
    """What `spec` selects and how it sorts, with every variable it names at its key in the spec."""
    pb = spec.page_by_spec
    keys = [_key(k.var, k.order, k.descending) for k in spec.sort_keys]
    sort = [_key(pb.var, pb.order)] if pb is not None else []
    sort += [k for k in keys if not (pb is not None and k.var.upper() == pb.var.upper()
                                     and k.order is None and not k.descending)]
    listed = [pb.var.upper()] if pb is not None else []
    for c in spec.columns:
        listed += [*c.variables, *([c.ref.upper()] if c.ref else [])]
    listed += [k.var.upper() for k in keys]
    ids = [pb.var.upper()] if pb is not None else []
    for c in spec.columns[:spec.n_keys]:
        ids += c.variables
    ids += [k.var.upper() for k in keys]
    return RecordQuery(dataset=spec.dataset, population=spec.population, where=spec.where,
                       subject_vars=tuple(spec.subject_vars), needed=_needed(spec), sort=tuple(sort),
                       listed=tuple(listed), ids=tuple(ids))


def _key(var: str, order, descending: bool = False) -> SortKey:
    return SortKey(var, tuple(order) if order is not None else None, descending)


def _needed(spec: ListingOutput) -> tuple[Needed, ...]:
    """Every variable of a column, sort key or page-by, with its key in the spec, in spec order."""
    out: list[Needed] = []
    for i, c in enumerate(spec.columns):
        if c.var is not None:
            out.append(Needed(c.var, ("columns", i, "var"), "SPEC070"))
        for j, v in enumerate(c.vars or []):
            out.append(Needed(v, ("columns", i, "vars", j), "SPEC070"))
        if c.ref:
            out.append(Needed(c.ref, ("columns", i, "ref"), "SPEC070", "reference date"))
    for i, k in enumerate(spec.sort):
        var = k if isinstance(k, str) else k.var
        key = ("sort", i) if isinstance(k, str) else ("sort", i, "var")
        out.append(Needed(var, key, "SPEC071", "sort key"))
    pb = spec.page_by_spec
    if pb is not None:
        out.append(Needed(pb.var, ("page_by",) if isinstance(spec.page_by, str) else ("page_by", "var"), "SPEC072",
                          "page-by variable"))
    return tuple(out)
