"""The study's datasets, read once and checked: StudyData is what the statistics stage reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.data.read import Dataset, read_dataset
from tlf.errors import DataError, SpecError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

    from tlf.spec.model import StudySpec


@dataclass
class StudyData:
    """Datasets of one study, read lazily and cached, keyed by the names study.yaml gives them."""

    spec: StudySpec
    data_dir: Path
    error: Callable[[tuple, str, str], Exception] | None = None  # builds located SpecErrors for study.yaml
    # how derived datasets of a kind are computed by later stages (the orchestrator passes
    # {"nca": tlf.analyses.pk.nca_dataset.nca_dataset_from_spec}); `subjects` datasets are made here
    compute: Mapping[str, Callable[..., Dataset]] = field(default_factory=dict)
    _cache: dict[str, Dataset] = field(default_factory=dict)

    @property
    def subject_id(self) -> str:
        return self.spec.data.subject_id

    def dataset(self, name: str) -> Dataset:
        if name not in self._cache:
            ds_spec = self.spec.data.datasets.get(name)
            if ds_spec is None:
                raise DataError(f"dataset not defined in study.yaml{did_you_mean(name, self.spec.data.datasets)}",
                                dataset=name, code="DATA005")
            if ds_spec.file is not None:
                path = Path(ds_spec.file)
                path = path if path.is_absolute() else self.data_dir / path
                keep = _keep_list(ds_spec.keep, self.subject_id, ds_spec.period_var)
                ds = read_dataset(path, name, ds_spec.encoding, keep)
            else:
                ds = self._derived(name, ds_spec)
            if name in self.spec.derive:  # first: a derived variable may be the subject id
                from dataclasses import replace

                from tlf.data.derive import apply_derivations

                err = self.error or (lambda key, msg, code: SpecError(msg, key=".".join(map(str, key)), code=code))
                frame = apply_derivations(ds.frame, self.spec.derive[name], name, err)
                labels = {**ds.labels, **{d.name.upper(): d.label for d in self.spec.derive[name] if d.label}}
                ds = replace(ds, frame=frame, labels=labels)
            ds.require(self.subject_id, "data.subject_id")
            if ds_spec.period_var:
                ds.require(ds_spec.period_var, f"data.datasets.{name}.period_var")
            if name == self.spec.data.subject_dataset:
                _check_unique_subjects(ds, self.subject_id)
            self._cache[name] = ds
        return self._cache[name]

    def _located(self, key: tuple, message: str, code: str) -> Exception:
        if self.error:
            return self.error(key, message, code)
        return SpecError(message, key=".".join(map(str, key)), code=code)

    def _derived(self, name: str, ds_spec) -> Dataset:
        """A dataset computed from another one (study.yaml `nca:`, `subjects:` or `pivot:`), computed once."""
        from dataclasses import replace

        from tlf.data.derived import filter_where, pivot_dataset, subjects_dataset
        from tlf.spec.derived import derived_sources

        kind, source = derived_sources(ds_spec)
        spec = getattr(ds_spec, kind)

        def err(key: tuple, message: str, code: str) -> Exception:
            return self._located(("data", "datasets", name, kind, *key), message, code)

        src = self.dataset(source)
        if spec.where:
            src = replace(src, frame=filter_where(src.frame, spec.where, err, src.name))
        if kind == "subjects":
            return subjects_dataset(src, spec, name, self.subject_id, err)
        if kind == "pivot":
            return pivot_dataset(src, spec, name, err)
        compute = self.compute.get(kind)
        if compute is None:
            raise DataError(f"dataset '{name}' is computed by {kind.upper()}, which this StudyData was not given "
                            "(StudyData(compute=...); tlf.build passes it)", dataset=name, code="DATA006")
        return compute(src, spec, name=name, subject_id=self.subject_id, error=err)

    @property
    def subjects(self) -> pd.DataFrame:
        """The subject-level dataset (ADSL)."""
        return self.dataset(self.spec.data.subject_dataset).frame

    def period_var(self, name: str) -> str | None:
        return self.spec.data.datasets[name].period_var

    @property
    def loaded(self) -> dict[str, Dataset]:
        return dict(self._cache)

    @property
    def notes(self) -> list[str]:
        """What reading the datasets changed or assumed, dataset by dataset."""
        return [n for ds in self._cache.values() for n in ds.notes]


def _keep_list(keep: list[str] | None, subject_id: str, period_var: str | None) -> list[str] | None:
    """The variables to read: `keep` plus the subject id and period variable the study needs anyway."""
    if not keep:
        return None
    out = list(dict.fromkeys(k.upper() for k in keep))
    for extra in (subject_id, period_var):
        if extra and extra.upper() not in out:
            out.insert(0, extra.upper())
    return out


def _check_unique_subjects(ds: Dataset, subject_id: str) -> None:
    ids = ds.frame[subject_id]
    dup = ids[ids.duplicated(keep=False)]
    if len(dup):
        first = dup.iloc[0]
        rows = [int(i) + 1 for i in dup.index[dup == first]]
        more = dup.nunique() - 1
        extra = f"; {more} more duplicated id(s)" if more else ""
        raise DataError(f"duplicate subject id '{first}' in records {', '.join(map(str, rows))}: the subject-level "
                        f"dataset must have one record per subject{extra}",
                        dataset=ds.name, variable=subject_id, usubjid=str(first), code="DATA020")
    if (ids.astype(str).str.strip() == "").any():
        rec = int(ids.index[ids.astype(str).str.strip() == ""][0]) + 1
        raise DataError(f"missing subject id in record {rec}", dataset=ds.name, variable=subject_id,
                        code="DATA021")
