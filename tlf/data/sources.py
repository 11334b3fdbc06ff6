"""What the data stage is told about the study's datasets, as plain values: where a dataset's file is and
how to read it, or which dataset it is made from and how, and the variables derived when it is read.

The orchestrator makes these from study.yaml's `data:` and `derive:` sections (tlf/build_data.py); the
data stage never sees the spec objects. Keys in errors (`data.datasets.<name>...`, `derive.<name>[i]`)
are study.yaml's, located by the `error(key, message, code)` callback StudyData is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tlf.data.read import Dataset

ErrorFn = Callable[[tuple, str, str], Exception]  # (key in study.yaml, message, code) -> a located error
Scalar = str | int | float
# a dataset computed by a later stage (NCA): (source dataset, *, name, subject_id, error) -> Dataset
Compute = Callable[..., "Dataset"]


@dataclass(frozen=True)
class Case:
    """`cases:` of a derivation: rows meeting `where` (not met by an earlier case) get `value`."""

    where: str
    value: Scalar


@dataclass(frozen=True)
class Derivation:
    """A variable derived when its dataset is read: exactly one of `expr` and `cases` is set."""

    name: str
    label: str = ""
    expr: str | None = None
    cases: tuple[Case, ...] | None = None
    otherwise: Scalar | None = None


@dataclass(frozen=True)
class Subjects:
    """One record per subject, with the `keep` variables (as written in study.yaml)."""

    keep: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pivot:
    """Long to wide: one record per `id` combination, a column per value of `names` holding `values`."""

    id: tuple[str, ...]
    names: str
    values: str
    label: str | None = None


@dataclass(frozen=True)
class Select:
    """One record per subject and `per` group, chosen by `record` by `by` (see tlf.data.select)."""

    record: str
    by: str
    then: tuple[str, ...] = ()
    per: tuple[str, ...] = ()
    order: tuple[Scalar, ...] | None = None
    worst_is: str = "high"
    missing: str = "drop"


@dataclass(frozen=True)
class DerivedFrom:
    """A dataset made from dataset `source` (its records meeting `where`): by `rule` (Subjects, Pivot), or
    computed by a later stage (a Compute the orchestrator hands in). `kind` is its study.yaml key."""

    kind: str  # "subjects" | "pivot" | "select" | "nca"
    source: str
    where: str | None
    rule: Subjects | Pivot | Select | Compute


@dataclass(frozen=True)
class DatasetSource:
    """One dataset of the study: read from `file` (relative to the data folder) or `derived` from
    another; `derive` adds variables to it once read."""

    file: str | None = None
    encoding: str | None = None
    keep: tuple[str, ...] | None = None
    period_var: str | None = None
    derived: DerivedFrom | None = None
    derive: tuple[Derivation, ...] = ()
