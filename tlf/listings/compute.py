"""One listing output: spec + data -> (records, Listing); with no data, its shell.

The spec is read here only through tlf.listings.from_spec (which records, in what order) and the layout
(tlf.listings.layout); the record selection itself takes plain values (tlf.listings.records)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.listings.from_spec import record_query
from tlf.listings.layout import layout_listing
from tlf.listings.model import Listing
from tlf.listings.query import id_variables, listed_variables

if TYPE_CHECKING:
    import pandas as pd

    from tlf.spec.validate import OutputEntry, Study


def compute_listing(study: Study, entry: OutputEntry, data, pops, *, provenance: str = "",
                    context: dict | None = None) -> tuple[pd.DataFrame, Listing]:
    """The listed records (the variables the listing shows, in print order) and the Listing.
    ``data=None`` gives the shell and no records."""
    import pandas as pd

    query = record_query(entry.spec)
    if data is None:
        return pd.DataFrame(columns=listed_variables(query, "USUBJID")), layout_listing(
            study, entry, None, provenance=provenance, context=context, shell=True)
    from tlf.data.populations import require_nonempty
    from tlf.listings.records import select_records

    population = pops[query.population]
    require_nonempty(population, data.subject_dataset)
    records = select_records(data.dataset(query.dataset).frame, data.subjects, population.subjects, query,
                             subject_id=data.subject_id, subject_dataset=data.subject_dataset, error=entry.error,
                             found=data.add_finding)
    labels = {**data.dataset(data.subject_dataset).labels, **data.dataset(query.dataset).labels}
    listing = layout_listing(study, entry, records, provenance=provenance, context=context, labels=labels)
    return records[listed_variables(query, data.subject_id)], listing


def record_id_vars(entry: OutputEntry, subject_id: str) -> list[str]:
    """The variables that identify a listed record of `entry`, for QC (PROC COMPARE's ID statement):
    subject id, page-by variable, the variables of the key columns, then the sort keys, once each."""
    return id_variables(record_query(entry.spec), subject_id)
