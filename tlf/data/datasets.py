"""The study's datasets, read once and checked: StudyData is what the statistics stage reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.data.read import Dataset, read_dataset
from tlf.data.sources import DatasetSource, ErrorFn, Pivot, Select, Subjects
from tlf.errors import DataError, Finding, SpecError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class StudyData:
    """Datasets of one study, read lazily and cached, keyed by the names study.yaml gives them.

    `datasets` says where each one comes from (tlf.data.sources, made from study.yaml by the
    orchestrator); `error(key, message, code)` builds located SpecErrors for study.yaml's keys.
    `findings` collects problems in the data that do not stop a run but may make a number wrong (records
    of subjects not in the subject-level dataset, divisions by zero), as datasets are read and used."""

    datasets: Mapping[str, DatasetSource]
    data_dir: Path
    subject_id: str = "USUBJID"
    subject_dataset: str = "adsl"
    error: ErrorFn | None = None
    missing_values: tuple[str, ...] | None = None  # CSV values read as missing (tlf.data.read.read_dataset)
    findings: list[Finding] = field(default_factory=list)
    parquet_cache: object | None = None  # tlf.data.cache.ParquetCache: SAS files read once, then from Parquet
    # dataset name -> the variables (upper case) the study's specs may use: a Parquet file is read for those
    # only (column projection); a dataset not named here is read whole
    project: Mapping[str, frozenset[str]] = field(default_factory=dict)
    _cache: dict[str, Dataset] = field(default_factory=dict)

    def dataset(self, name: str) -> Dataset:
        if name not in self._cache:
            source = self.datasets.get(name)
            if source is None:
                raise DataError(f"dataset not defined in study.yaml{did_you_mean(name, self.datasets)}",
                                dataset=name, code="DATA005")
            if source.file is not None:
                path = Path(source.file)
                path = path if path.is_absolute() else self.data_dir / path
                keep = _keep_list(source.keep, self.subject_id, source.period_var)
                project = self.project.get(name)
                if self.parquet_cache is not None:
                    ds = self.parquet_cache.read(path, name, source.encoding, keep, lambda: read_dataset(
                        path, name, source.encoding, keep, self.missing_values, project))
                else:
                    ds = read_dataset(path, name, source.encoding, keep, self.missing_values, project)
            else:
                ds = self._derived(name, source)
            if source.derive:  # first: a derived variable may be the subject id
                from dataclasses import replace

                from tlf.data.derive import apply_derivations

                err = self.error or (lambda key, msg, code: SpecError(msg, key=".".join(map(str, key)), code=code))
                found: list[Finding] = []
                frame = apply_derivations(ds.frame, source.derive, name, err, found)
                for f in found:
                    self.add_finding(f)
                labels = {**ds.labels, **{d.name.upper(): d.label for d in source.derive if d.label}}
                ds = replace(ds, frame=frame, labels=labels)
            ds.require(self.subject_id, "data.subject_id")
            if source.period_var:
                ds.require(source.period_var, f"data.datasets.{name}.period_var")
            if name == self.subject_dataset:
                _check_unique_subjects(ds, self.subject_id)
            self._cache[name] = ds
            if name != self.subject_dataset and source.file is not None:  # a derived one: its source is checked
                self._check_subjects_known(ds)
        return self._cache[name]

    def add_finding(self, finding: Finding) -> None:
        """Record a finding once (the same problem met again, by another output, is not repeated)."""
        if all(str(f) != str(finding) for f in self.findings):
            self.findings.append(finding)

    def _check_subjects_known(self, ds: Dataset) -> None:
        """Records of subjects the subject-level dataset does not have are a finding (DATA025): no population
        or column holds them, so they vanish from every table; a subject-level file cut short is one cause."""
        ids = ds.frame[self.subject_id]
        unknown = ~ids.isin(set(self.subjects[self.subject_id]))
        if not unknown.any():
            return
        who = list(dict.fromkeys(ids[unknown]))
        first = ", ".join(str(v) or "(blank)" for v in who[:5]) + (", ..." if len(who) > 5 else "")
        self.add_finding(Finding(DataError(
            f"{int(unknown.sum())} record(s) of {len(who)} subject(s) not in {self.subject_dataset} ({first}): no "
            "population holds them, so no output counts or lists them", dataset=ds.name, variable=self.subject_id,
            code="DATA025")))

    def _located(self, key: tuple, message: str, code: str) -> Exception:
        if self.error:
            return self.error(key, message, code)
        return SpecError(message, key=".".join(map(str, key)), code=code)

    def _derived(self, name: str, source: DatasetSource) -> Dataset:
        """A dataset computed from another one (study.yaml `nca:`, `subjects:` or `pivot:`), computed once."""
        from dataclasses import replace

        from tlf.data.derived import filter_where, pivot_dataset, subjects_dataset
        from tlf.data.select import select_records

        derived = source.derived
        kind, rule = derived.kind, derived.rule

        def err(key: tuple, message: str, code: str) -> Exception:
            return self._located(("data", "datasets", name, kind, *key), message, code)

        src = self.dataset(derived.source)
        if derived.where:
            src = replace(src, frame=filter_where(src.frame, derived.where, err, src.name, self.add_finding))
        if isinstance(rule, Subjects):
            return subjects_dataset(src, rule, name, self.subject_id, err)
        if isinstance(rule, Pivot):
            return pivot_dataset(src, rule, name, err)
        if isinstance(rule, Select):
            return Dataset(name, select_records(src.frame, rule, self.subject_id, err, src.name), dict(src.labels),
                           None, ())
        return rule(src, name=name, subject_id=self.subject_id, error=err)

    @property
    def subjects(self) -> pd.DataFrame:
        """The subject-level dataset (ADSL)."""
        return self.dataset(self.subject_dataset).frame

    def period_var(self, name: str) -> str | None:
        return self.datasets[name].period_var

    @property
    def loaded(self) -> dict[str, Dataset]:
        return dict(self._cache)

    @property
    def notes(self) -> list[str]:
        """What reading the datasets changed or assumed, dataset by dataset."""
        return [n for ds in self._cache.values() for n in ds.notes]


def _keep_list(keep: tuple[str, ...] | None, subject_id: str, period_var: str | None) -> list[str] | None:
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
