"""The orchestrator's adapter to the data stage: study.yaml's `data:`, `derive:` and `populations:`
sections as the plain values tlf.data takes (tlf.data.sources, tlf.data.populations.PopulationRule).

Part of the orchestrator (tlf.build), so it may see every stage: an `nca:` dataset is computed by the
statistics stage's engine, bound here to its spec, so that the data stage never sees spec or statistics.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.data.datasets import StudyData
from tlf.data.populations import PopulationRule
from tlf.data.sources import Case, DatasetSource, Derivation, DerivedFrom, ErrorFn, Pivot, Select, Subjects

if TYPE_CHECKING:
    from tlf.spec.model import DatasetSpec, StudySpec
    from tlf.spec.validate import Study


def study_data(spec: StudySpec, data_dir: Path, error: ErrorFn | None = None, cache: Path | None = None,
               project: dict[str, frozenset[str]] | None = None) -> StudyData:
    """The study's datasets as study.yaml declares them, read from `data_dir` when first used; SAS files
    through the Parquet cache in folder `cache` when given (tlf/data/cache.py); Parquet files for the
    variables `project` gives per dataset (used_variables) when given."""
    from tlf.data.cache import ParquetCache

    return StudyData(dataset_sources(spec), data_dir, subject_id=spec.data.subject_id,
                     subject_dataset=spec.data.subject_dataset, error=error,
                     missing_values=None if spec.data.missing_values is None else tuple(spec.data.missing_values),
                     parquet_cache=ParquetCache(cache) if cache is not None else None, project=project or {})


# variables some runner reads by a fixed name (beside the spec's defaults, which the dump below holds)
FIXED_NAMES = frozenset({"USUBJID", "PARAMCD", "PARAM", "AVISIT", "AVISITN", "AVAL", "BASE", "CHG", "PCHG"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\{pp?\}[A-Za-z0-9_]*)*")


def used_variables(study: Study) -> dict[str, frozenset[str]]:
    """Per dataset of study.yaml read from a file, the variables (upper case) the study's specs may use:
    every name-like word in any text of study.yaml and of the output specs (defaults included: `AVAL`,
    `CHG`, ...), with `{pp}`/`{p}` period templates kept as patterns (`TRT{pp}A`), plus FIXED_NAMES. A
    superset is harmless (a column read for nothing); a listing prints whole records, so a study with a
    listing reads every dataset whole (an empty result)."""
    if any(o.spec.type == "listing" for o in study.outputs):
        return {}
    words: set[str] = set(FIXED_NAMES)
    for model in (study.spec, *(o.spec for o in study.outputs)):
        for text in _texts(model.model_dump()):
            words.update(w.upper() for w in _NAME.findall(text))
    used = frozenset(words)
    return {name: used for name, ds in study.spec.data.datasets.items() if ds.file is not None}


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _texts(v)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from _texts(v)


def dataset_sources(spec: StudySpec) -> dict[str, DatasetSource]:
    """Every dataset of `data.datasets`, in study.yaml's order, with the variables `derive:` adds to it."""
    return {name: _source(ds, tuple(_derivation(d) for d in spec.derive.get(name, ())))
            for name, ds in spec.data.datasets.items()}


def population_rules(spec: StudySpec) -> dict[str, PopulationRule]:
    """Every population of `populations:`, in study.yaml's order."""
    return {name: PopulationRule(label=p.label, where=p.where,
                                 has_records=p.has_records.dataset if p.has_records else None,
                                 has_records_where=p.has_records.where if p.has_records else None,
                                 within=p.within, flag=p.flag)
            for name, p in spec.populations.items()}


def _source(ds: DatasetSpec, derive: tuple[Derivation, ...]) -> DatasetSource:
    keep = tuple(ds.keep) if ds.keep is not None else None
    return DatasetSource(file=ds.file, encoding=ds.encoding, keep=keep, period_var=ds.period_var,
                         derived=_derived_from(ds), derive=derive)


def _derived_from(ds: DatasetSpec) -> DerivedFrom | None:
    if ds.nca is not None:
        from tlf.analyses.pk.nca_dataset import nca_dataset_from_spec

        return DerivedFrom("nca", ds.nca.source, ds.nca.where, partial(nca_dataset_from_spec, spec=ds.nca))
    if ds.subjects is not None:
        s = ds.subjects
        return DerivedFrom("subjects", s.source, s.where, Subjects(tuple(s.keep)))
    if ds.pivot is not None:
        p = ds.pivot
        return DerivedFrom("pivot", p.source, p.where, Pivot(tuple(p.id), p.names, p.values, p.label))
    if ds.select is not None:
        s = ds.select
        then = (s.then,) if isinstance(s.then, str) else tuple(s.then or ())
        return DerivedFrom("select", s.source, s.where, Select(s.record, s.by, then, tuple(s.per),
                                                              None if s.order is None else tuple(s.order),
                                                              s.worst_is, s.missing))
    return None


def _derivation(d) -> Derivation:
    cases = tuple(Case(c.where, c.value) for c in d.cases) if d.cases is not None else None
    return Derivation(name=d.name, label=d.label, expr=d.expr, cases=cases, otherwise=d.otherwise)
