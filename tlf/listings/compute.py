"""One listing output: spec + data -> (records, Listing); with no data, its shell."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.listings.layout import layout_listing
from tlf.listings.model import Listing

if TYPE_CHECKING:
    import pandas as pd

    from tlf.spec.validate import OutputEntry, Study


def compute_listing(study: Study, entry: OutputEntry, data, pops, *, provenance: str = "",
                    context: dict | None = None) -> tuple[pd.DataFrame, Listing]:
    """The listed records (the variables the listing shows, in print order) and the Listing.
    ``data=None`` gives the shell and no records."""
    import pandas as pd

    if data is None:
        return pd.DataFrame(columns=listed_variables(entry, "USUBJID")), layout_listing(
            study, entry, None, provenance=provenance, context=context, shell=True)
    from tlf.data.populations import require_nonempty
    from tlf.listings.records import select_records

    spec = entry.spec
    require_nonempty(pops[spec.population], study.spec.data.subject_dataset)
    records = select_records(study, entry, data, pops)
    labels = {**data.dataset(study.spec.data.subject_dataset).labels, **data.dataset(spec.dataset).labels}
    listing = layout_listing(study, entry, records, provenance=provenance, context=context, labels=labels)
    return records[listed_variables(entry, data.subject_id)], listing


def listed_variables(entry: OutputEntry, subject_id: str) -> list[str]:
    """Subject id, then every variable the listing prints, sorts or pages by, once each, in spec order."""
    spec = entry.spec
    names = [subject_id]
    pb = spec.page_by_spec
    if pb is not None:
        names.append(pb.var.upper())
    for c in spec.columns:
        names += [*c.variables, *([c.ref.upper()] if c.ref else [])]
    names += [k.var.upper() for k in spec.sort_keys]
    return list(dict.fromkeys(names))


def record_id_vars(entry: OutputEntry, subject_id: str) -> list[str]:
    """The variables that identify a listed record, for QC (PROC COMPARE's ID statement): subject id,
    page-by variable, the variables of the key columns, then the sort keys, once each, in spec order."""
    spec = entry.spec
    names = [subject_id]
    pb = spec.page_by_spec
    if pb is not None:
        names.append(pb.var.upper())
    for c in spec.columns[:spec.n_keys]:
        names += c.variables
    names += [k.var.upper() for k in spec.sort_keys]
    return list(dict.fromkeys(names))
