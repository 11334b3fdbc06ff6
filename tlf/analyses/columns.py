"""The treatment columns of an output resolved against the data: each column's subjects and big N."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.analyses.context import ColumnGroup
from tlf.errors import did_you_mean

if TYPE_CHECKING:
    from tlf.data.datasets import StudyData
    from tlf.data.populations import Population
    from tlf.spec.validate import OutputEntry, Study


def resolve_columns(study: Study, entry: OutputEntry, data: StudyData,
                    pops: dict[str, Population]) -> list[ColumnGroup]:
    adsl = data.subjects
    sid = data.subject_id
    out = []
    inline = not isinstance(entry.spec.columns, str)
    for i, c in enumerate(study.columns_for(entry)):
        key = ("columns", i) if inline else ("columns", entry.spec.columns, i)
        err = entry.error if inline else study.error
        if c.var not in adsl.columns:
            raise err((*key, "var"), f"treatment variable '{c.var}' not found in dataset "
                      f"{data.subject_dataset}{did_you_mean(c.var, adsl.columns)}", "SPEC041")
        pop = pops[c.population or entry.spec.population]
        values = adsl[c.var]
        mask = values.isin(list(c.values))
        subjects = frozenset(adsl.loc[mask, sid]) & pop.subjects
        out.append(ColumnGroup(c.id, c.label, c.spanner, c.period, pop.name, subjects, c.width))
    return out
